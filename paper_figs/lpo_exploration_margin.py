"""Figure and verdict: LPO against its no-bonus (no-exploration) baseline on long locks —
experiments/lpo_exploration_margin.py (pre-registered; docs/papers/lpo.md §10).

Reads stored results only. One run = the last row of one (lock, planner, ε, seed): success =
exact ``gap <= ε`` of the output policy (the discounted setting's linear solve; a capped run
counts as a failure), ``N`` = ``transitions`` (every environment transition of the run; random).

Verdict per (lock, ε), the spec's pre-registered rule: LPO succeeds on >= 16 of 20 seeds,
the no-bonus baseline on <= 4 of 20, and the 95 % Newcombe interval of the difference in
success rates (:func:`mdpsim.theory.success_difference`) lies above 0; the claim passes when
every cell passes. Next to it, the diagnostic that explains when no bonus is needed:
``K·M·A^-S``, an upper bound on the expected number of critic samples per NPG phase that
collect the lock's reward while the policy is uniform (every one of the S actions must be
right).

Left: success rate against ε with Wilson 95 % intervals. Right: N (median and IQR) against
1/ε, with LPO's fitted exponent (:func:`mdpsim.theory.sample_complexity.fit_eps_exponent`,
bootstrap over seeds; only a factor 3 in ε, so the interval is wide) and the slope-3 line.

Writes ``<figdir>/lpo_exploration_margin.png`` / ``.pdf``, ``lpo_exploration_margin_verdict.csv``
(one row per lock and ε) and ``lpo_exploration_margin_fits.csv``. LPO and its ε schedule are
reconstructions (docs/papers/lpo.md §3, §8).

Usage: ``python paper_figs/lpo_exploration_margin.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import success_difference, wilson_interval  # noqa: E402
from mdpsim.theory.sample_complexity import fit_eps_exponent  # noqa: E402

EXPERIMENT = "lpo_exploration_margin"
LEARNER, BASELINE = "LPO", "LPO-no-bonus"
#: the pre-registered rule (experiments/lpo_exploration_margin.py)
MIN_LEARNER, MAX_BASELINE = 0.8, 0.2


def runs_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per run: env, planner, eps, seed, N, gap, success, capped, switches, K, M, S,
    A, V*."""
    last = df.sort_values("iteration").groupby(
        ["env_label", "alg_label", "eps", "seed"], observed=True, sort=False).tail(1)
    params = [json.loads(p) for p in last.env_params.astype(str)]
    out = pd.DataFrame({
        "env": last.env_label.astype(str).to_numpy(),
        "planner": last.alg_label.astype(str).to_numpy(),
        "eps": last.eps.to_numpy(float), "seed": last.seed.to_numpy(int),
        "N": last.transitions.to_numpy(float), "gap": last.gap.to_numpy(float),
        "capped": last.capped.to_numpy(int).astype(bool),
        "switches": last.switches.to_numpy(int), "K": last.npg_iterations.to_numpy(int),
        "M": last.critic_samples.to_numpy(int),
        "S": [int(p["S"]) for p in params], "A": [int(p["A"]) for p in params],
        "optimal_value": last.optimal_value.to_numpy(float)})
    out["success"] = (~out.capped) & (out.gap <= out.eps)
    return out


def verdict_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Per (env, ε): both planners' success counts, the Newcombe interval of the difference,
    the rule's three parts and the cell's verdict, medians of gap and N, ``K·M·A^-S``."""
    rows = []
    for (env, eps), g in runs.groupby(["env", "eps"], sort=True):
        a, b = g[g.planner == LEARNER], g[g.planner == BASELINE]
        if a.empty or b.empty:
            continue
        ka, na, kb, nb = int(a.success.sum()), len(a), int(b.success.sum()), len(b)
        d, lo, hi = success_difference(ka, na, kb, nb)
        la, ua = wilson_interval(ka, na)
        lb, ub = wilson_interval(kb, nb)
        r0 = a.iloc[0]
        ok = (ka >= MIN_LEARNER * na, kb <= MAX_BASELINE * nb, lo > 0)
        rows.append({"env": env, "eps": eps, "S": int(r0.S), "A": int(r0.A),
                     "optimal_value": float(r0.optimal_value), "K": int(r0.K),
                     "M": int(r0.M), "random_hits_per_phase_bound":
                     float(r0.K * r0.M * float(r0.A) ** -int(r0.S)),
                     "lpo_success": ka, "lpo_seeds": na, "lpo_lo": la, "lpo_hi": ua,
                     "nobonus_success": kb, "nobonus_seeds": nb, "nobonus_lo": lb,
                     "nobonus_hi": ub, "difference": d, "diff_lo": lo, "diff_hi": hi,
                     "rule_lpo": ok[0], "rule_baseline": ok[1], "rule_interval": ok[2],
                     "passed": all(ok),
                     "lpo_gap_median": float(a.gap.median()),
                     "nobonus_gap_median": float(b.gap.median()),
                     "lpo_N_median": float(a.N.median()),
                     "nobonus_N_median": float(b.N.median()),
                     "lpo_switches_median": float(a.switches.median()),
                     "capped": int(g.capped.sum())})
    return pd.DataFrame(rows)


def exponent_fit(Y: pd.DataFrame, *, of_inverse: bool) -> dict:
    """``{seeds, exponent, lo, hi}``: the exponent of mean N (columns of ``Y``: x values, rows:
    seeds) in x, or in 1/x when ``of_inverse``, with its bootstrap interval over seeds
    (:func:`fit_eps_exponent`); NaN with fewer than 3 x values or 2 seeds."""
    row = {"seeds": len(Y), "exponent": np.nan, "lo": np.nan, "hi": np.nan}
    if Y.shape[1] >= 3 and len(Y) >= 2:
        f = fit_eps_exponent(np.asarray(Y.columns, float), Y.to_numpy(float))
        row.update(exponent=-f.exponent, lo=-f.hi, hi=-f.lo) if of_inverse else \
            row.update(exponent=f.exponent, lo=f.lo, hi=f.hi)
    return row


def fits_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Exponent of mean N on 1/ε per (env, planner), bootstrap over seeds."""
    rows = []
    for (env, alg), g in runs.groupby(["env", "planner"], sort=True):
        Y = g.pivot(index="seed", columns="eps", values="N").dropna()
        rows.append({"env": env, "planner": alg,
                     "eps_fitted": " ".join(f"{e:g}" for e in Y.columns),
                     **exponent_fit(Y, of_inverse=True)})
    return pd.DataFrame(rows)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    runs = runs_table(df)
    verdict = verdict_table(runs)
    fits = fits_table(runs)
    fig, axes = plot.figure(1, 2, width=8.5, height=3.4)
    a1, a2 = np.ravel(axes)
    style = {LEARNER: ("-", "o"), BASELINE: (":", "x")}
    for i, env in enumerate(sorted(runs.env.unique())):
        c = f"C{i}"
        for alg in (LEARNER, BASELINE):
            r = runs[(runs.env == env) & (runs.planner == alg)]
            if r.empty:
                continue
            ls, mk = style[alg]
            g = r.groupby("eps")
            k, n = g.success.sum(), g.success.size()
            rate = k / n
            ci = np.array([wilson_interval(int(a), int(b)) for a, b in zip(k, n)])
            err = np.vstack([rate - ci[:, 0], ci[:, 1] - rate])
            xj = rate.index.to_numpy(float) * (1.0 + 0.05 * (i - 0.5))   # envs side by side
            a1.errorbar(xj, rate, yerr=err, fmt=ls, marker=mk, ms=3, color=c, capsize=2,
                        label=f"{env} {alg}")
            if alg == BASELINE:      # the diagnostic next to the baseline's points
                for x0, y0, (_, r0) in zip(xj, rate, r.groupby("eps").head(1)
                                           .sort_values("eps").iterrows()):
                    b = r0.K * r0.M * float(r0.A) ** -int(r0.S)
                    a1.annotate(f"{b:.2g}", (x0, y0), fontsize=5, color=c,
                                textcoords="offset points", xytext=(-14 if i == 0 else 3, 4))
            x = 1.0 / rate.index.to_numpy(float)
            f = fits[(fits.env == env) & (fits.planner == alg)].iloc[0]
            lab = (f"{env} {alg}: exp {f.exponent:.2f} [{f.lo:.2f}, {f.hi:.2f}]"
                   if np.isfinite(f.exponent) else f"{env} {alg}")
            a2.plot(x, g.N.median(), ls, marker=mk, ms=3, color=c, label=lab)
            a2.fill_between(x, g.N.quantile(0.25), g.N.quantile(0.75), color=c, alpha=0.2,
                            lw=0)
    lp = runs[runs.planner == LEARNER]
    if len(lp):
        e0 = lp.eps.max()
        y0 = lp[lp.eps == e0].N.median()
        xs = np.array([1.0 / e0, 1.0 / lp.eps.min()])
        a2.plot(xs, y0 * (xs * e0) ** 3, "--", color="k", lw=1, label="slope 3 (theorem)")
    a1.axhspan(MIN_LEARNER, 1.03, color="C2", alpha=0.08, lw=0)
    a1.axhspan(-0.03, MAX_BASELINE, color="C3", alpha=0.08, lw=0)
    a1.set_xscale("log")
    ticks = sorted(runs.eps.unique())
    a1.set_xticks(ticks, labels=[f"{e:g}" for e in ticks])
    a1.minorticks_off()
    a1.set_ylim(-0.03, 1.03)
    a1.set_xlabel("ε")
    a1.set_ylabel("success rate P(V* − V^π ≤ ε), exact (Wilson 95 %)")
    a1.set_title("pre-registered: LPO in the green band, no bonus in the red band;\n"
                 "numbers: K·M·A^-S, bound on reward-collecting random critic samples "
                 "per phase", fontsize=6)
    a1.legend(fontsize=5)
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xticks([1.0 / e for e in ticks], labels=[f"{1.0 / e:.3g}" for e in ticks])
    a2.minorticks_off()
    a2.set_xlabel("1/ε")
    a2.set_ylabel("total transitions N (median, IQR)")
    a2.set_title("N(ε) under the ε schedule (tuned constants)", fontsize=7)
    a2.legend(fontsize=4.5)
    passed = bool(len(verdict)) and bool(verdict.passed.all())
    n_pass = int(verdict.passed.sum()) if len(verdict) else 0
    fig.suptitle(f"LPO (reconstruction) vs its no-bonus baseline on long locks, γ = 0.9 "
                 f"({profile} profile): {'PASS' if passed else 'FAIL'} "
                 f"({n_pass}/{len(verdict)} cells with both planners)", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"_verdict": verdict, "_fits": fits})
    return {"paths": paths, "profile": profile, "verdict": verdict, "fits": fits,
            "passed": passed,
            "summary": verdict.to_string(index=False) + "\n\n" + fits.to_string(index=False)}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
