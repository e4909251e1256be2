"""Figure: LPO's total transitions against d on combination locks at ε = 0.1, next to its
no-bonus baseline — experiments/lpo_d_lock.py (pre-registered; docs/papers/lpo.md §10).

Reads stored results only; one run = the last row of one (lock, planner, seed) (see
:func:`lpo_exploration_margin.runs_table`: success = exact ``gap <= ε``, ``N`` = every
environment transition, random). d = A(S + 1), the one-hot feature dimension.

Left: N (median, IQR) against d on log-log axes, with the fitted exponent of mean N in d
(:func:`mdpsim.theory.sample_complexity.fit_eps_exponent` with d in place of ε, bootstrap
over seeds) and a slope-2 reference (the reconstructed schedule's prediction). Right: success
rate against d with Wilson 95 % intervals, annotated with ``K·M·2^-S``, the bound on
reward-collecting critic samples per phase under the uniform policy.

Writes ``<figdir>/lpo_d_lock.png`` / ``.pdf``, ``lpo_d_lock_points.csv`` (one row per lock
and planner) and ``lpo_d_lock_fits.csv``. LPO and its ε schedule are reconstructions.

Usage: ``python paper_figs/lpo_d_lock.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402
from lpo_exploration_margin import BASELINE, LEARNER, exponent_fit, runs_table  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import wilson_interval  # noqa: E402

EXPERIMENT = "lpo_d_lock"


def points_table(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (S, alg), g in runs.groupby(["S", "planner"], sort=True):
        r0 = g.iloc[0]
        k, n = int(g.success.sum()), len(g)
        lo, hi = wilson_interval(k, n)
        rows.append({"S": int(S), "A": int(r0.A), "d": int(r0.A) * (int(S) + 1),
                     "planner": alg, "eps": float(r0.eps),
                     "optimal_value": float(r0.optimal_value), "K": int(r0.K),
                     "M": int(r0.M), "random_hits_per_phase_bound":
                     float(r0.K * r0.M * float(r0.A) ** -int(S)),
                     "seeds": n, "success": k, "success_lo": lo, "success_hi": hi,
                     "N_median": float(g.N.median()), "N_q25": float(g.N.quantile(0.25)),
                     "N_q75": float(g.N.quantile(0.75)),
                     "switches_median": float(g.switches.median()),
                     "gap_median": float(g.gap.median()), "capped": int(g.capped.sum())})
    return pd.DataFrame(rows)


def fits_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Exponent of mean N in d per planner (every lock), bootstrap over seeds."""
    rows = []
    for alg, g in runs.groupby("planner", sort=True):
        Y = g.assign(d=g.A * (g.S + 1)).pivot(index="seed", columns="d", values="N").dropna()
        rows.append({"planner": alg, "d": " ".join(str(int(d)) for d in Y.columns),
                     **exponent_fit(Y, of_inverse=False)})
    return pd.DataFrame(rows)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    runs = runs_table(df)
    pts = points_table(runs)
    fits = fits_table(runs)
    fig, axes = plot.figure(1, 2, width=8.5, height=3.4)
    a1, a2 = np.ravel(axes)
    for i, alg in enumerate((LEARNER, BASELINE)):
        p = pts[pts.planner == alg].sort_values("d")
        if p.empty:
            continue
        ls, mk = ("-", "o") if alg == LEARNER else (":", "x")
        f = fits[fits.planner == alg].iloc[0]
        lab = (f"{alg}: exp {f.exponent:.2f} [{f.lo:.2f}, {f.hi:.2f}]"
               if np.isfinite(f.exponent) else alg)
        a1.plot(p.d, p.N_median, ls, marker=mk, ms=3, color=f"C{i}", label=lab)
        a1.fill_between(p.d, p.N_q25, p.N_q75, color=f"C{i}", alpha=0.2, lw=0)
        rate = p.success / p.seeds
        err = np.vstack([rate - p.success_lo, p.success_hi - rate])
        a2.errorbar(p.d, rate, yerr=err, fmt=ls, marker=mk, ms=3, color=f"C{i}", capsize=2,
                    label=alg)
    lp = pts[pts.planner == LEARNER].sort_values("d")
    if len(lp):
        d0, y0 = lp.d.iloc[0], lp.N_median.iloc[0]
        xs = np.array([d0, lp.d.iloc[-1]], float)
        a1.plot(xs, y0 * (xs / d0) ** 2, "--", color="k", lw=1, label="slope 2 (schedule)")
        for _, r in lp.iterrows():
            a2.annotate(f"K·M·2^-S = {r.random_hits_per_phase_bound:.2g}", (r.d, 0.5),
                        fontsize=5, rotation=90, ha="center", va="center")
    ticks = sorted(pts.d.unique()) if len(pts) else []
    for a in (a1, a2):
        a.set_xscale("log")
        a.set_xticks(ticks, labels=[str(t) for t in ticks])
        a.minorticks_off()
        a.set_xlabel("d = A(S + 1) (one-hot lock features, A = 2)")
    a1.set_yscale("log")
    a1.set_ylabel("total transitions N (median, IQR)")
    a1.set_title("N against d at ε = 0.1", fontsize=7)
    a1.legend(fontsize=5)
    a2.set_ylim(-0.03, 1.03)
    a2.set_ylabel("success rate P(V* − V^π ≤ 0.1), exact (Wilson 95 %)")
    a2.set_title("success; annotation: reward-collecting random critic samples per phase "
                 "(bound)", fontsize=6)
    a2.legend(fontsize=5)
    fig.suptitle(f"LPO (reconstruction) on combination locks, γ = 0.9 ({profile} profile)",
                 fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"_points": pts, "_fits": fits})
    return {"paths": paths, "profile": profile, "points": pts, "fits": fits,
            "summary": pts.to_string(index=False) + "\n\n" + fits.to_string(index=False)}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
