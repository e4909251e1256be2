"""Figure: exact return vs test up-move probability p on the anchor-interpolated American put
(docs/papers/drrpo.md §10) of the policies trained on the nominal put (p0 = 0.5) by DR-RPO
(a reconstruction) at two TV radii, RPO-nominal, DR-LSVI-UCB at two radii and LSVI-UCB —
experiments/dr_rpo_put.py.

Reads stored results only (``mdpsim.load``); never runs an algorithm. For each learner the
seed mean of the exact return (in the put with up-move probability p) of the policy played in
the last training episode, with its 95% band over seeds (t interval). The summary gives, for
each robust/non-robust pair, the threshold p* beyond which the robust seed mean is higher
(the return is not affine in p: p* is the linear interpolation of the difference of the seed
means between the two grid points where it changes sign, so it is exact only up to the grid),
with a 95% bootstrap interval over seeds, and the give-up / gain at the ends of the grid.
Writes ``<figdir>/dr_rpo_put.png`` / ``.pdf`` and ``dr_rpo_put.csv``.

Usage: ``mdpsim figs dr_rpo_put`` or ``python paper_figs/dr_rpo_put.py [--profile quick|full]
[--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import two_sample_interval  # noqa: E402
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "dr_rpo_put"
ALGS = ["DR-RPO_rho=0.03", "RPO-nominal", "DR-LSVI-UCB_rho=0.03", "LSVI-UCB",
        "DR-RPO_rho=0.03_c=1e-4", "RPO-nominal_c=1e-4", "DR-RPO_rho=0.025",
        "DR-LSVI-UCB_rho=0.025", "DR-RPO_rho=0.025_c=1e-4"]
PAIRS = [("DR-RPO_rho=0.03", "RPO-nominal"), ("DR-LSVI-UCB_rho=0.03", "LSVI-UCB"),
         ("DR-RPO_rho=0.03_c=1e-4", "RPO-nominal_c=1e-4"), ("DR-RPO_rho=0.025", "RPO-nominal"),
         ("DR-LSVI-UCB_rho=0.025", "LSVI-UCB"), ("DR-RPO_rho=0.025_c=1e-4", "RPO-nominal_c=1e-4")]
STYLE = {"DR-RPO_rho=0.03": ("tab:blue", "o", "-"), "RPO-nominal": ("tab:red", "s", "-"),
         "DR-LSVI-UCB_rho=0.03": ("tab:cyan", "^", "--"), "LSVI-UCB": ("tab:orange", "v", "--"),
         "DR-RPO_rho=0.03_c=1e-4": ("navy", "D", "-"),
         "RPO-nominal_c=1e-4": ("darkred", "P", "-"),
         "DR-RPO_rho=0.025": ("tab:purple", "x", ":"),
         "DR-LSVI-UCB_rho=0.025": ("tab:olive", "1", ":"),
         "DR-RPO_rho=0.025_c=1e-4": ("tab:green", "*", ":")}
RHO, BETA_REG = 0.03, 0.01


def oracle_returns(ps, d=30, horizon=20):
    """Exact returns at each test ``p`` of four exact optima of the training model ``p0 = 0.5``
    (reference lines, computed by exact DP, no learner): the nominal and the robust (TV radius
    ``RHO``) optimal policies, and the two ``β_reg``-regularised (Gibbs) optima."""
    import mdpsim
    from mdpsim.robust.linear import drect_solve, drect_evaluate
    m = mdpsim.make("american_put", d=d, horizon=horizon, p=0.5, rho=0.0)
    pols = {"optimum, nominal": drect_solve(m).pi,
            f"optimum, robust rho={RHO:g}": drect_solve(m.replace(radius=RHO)).pi,
            f"reg. optimum (beta_reg={BETA_REG:g}), nominal": drect_solve(m, beta_reg=BETA_REG).pi,
            f"reg. optimum (beta_reg={BETA_REG:g}), robust":
                drect_solve(m.replace(radius=RHO), beta_reg=BETA_REG).pi}
    tests = {p: mdpsim.make("american_put", d=d, horizon=horizon, p=float(p), rho=0.0)
             for p in ps}
    return {k: np.array([drect_evaluate(tests[p], np.asarray(pi)).value for p in ps])
            for k, pi in pols.items()}


def table(df: pd.DataFrame) -> pd.DataFrame:
    """``[alg_label, seed, p, value]`` at the last episode."""
    last = df[df.episode == df.episode.max()].copy()
    last["p"] = last.env_params.map(lambda t: float(json.loads(t)["p_test"]))
    return last[["alg_label", "seed", "p", "value"]].astype({"alg_label": str})


def threshold(ps, diff):
    """Smallest p beyond which ``diff`` (robust - non-robust, on the grid ``ps``) stays > 0,
    linearly interpolated between the grid points around the last sign change; ``ps[0]`` if
    it is positive everywhere, NaN if it is not positive at the last grid point. Exact ties
    (``|diff| <= 1e-12``) at the end of the grid are dropped first (both policies return the
    same there, e.g. 0 at p = 1 when neither exercises)."""
    ps, diff = np.asarray(ps, float), np.asarray(diff, float)
    while diff.size > 1 and abs(diff[-1]) <= 1e-12:
        ps, diff = ps[:-1], diff[:-1]
    if diff[-1] <= 0:
        return np.nan
    neg = np.nonzero(diff <= 0)[0]
    if neg.size == 0:
        return float(ps[0])
    j = neg[-1]
    return float(ps[j] + (ps[j + 1] - ps[j]) * (-diff[j]) / (diff[j + 1] - diff[j]))


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile, required=False)
    if df.empty:
        raise ValueError(f"no stored results of {EXPERIMENT} ({profile} profile) under "
                         f"{results}/; run `mdpsim run {EXPERIMENT} --profile quick` first")
    t = table(df)
    algs = [a for a in ALGS if a in set(t.alg_label)]
    wide = {a: t[t.alg_label == a].pivot(index="seed", columns="p", values="value")
            for a in algs}
    fig, axes = plot.figure(1, 1, width=5.4, height=3.8)
    ax = axes[0, 0]
    rows = []
    for a in algs:
        w = wide[a]
        ps = w.columns.to_numpy()
        m = w.mean(axis=0).to_numpy()
        n = w.shape[0]
        half = 1.96 * w.std(axis=0, ddof=1).to_numpy() / np.sqrt(n) if n > 1 else 0 * m
        c, mk, ls = STYLE[a]
        ax.plot(ps, m, marker=mk, ms=4, lw=2.0 if a.startswith("DR-RPO") else 1.2, ls=ls,
                color=c, label=a)
        ax.fill_between(ps, m - half, m + half, color=c, alpha=0.2, lw=0)
        rows += [{"alg_label": a, "p": p, "mean": mm, "half95": hh, "n_seeds": n}
                 for p, mm, hh in zip(ps, m, half)]
    ps_all = sorted(t.p.unique())
    orc = oracle_returns(ps_all)
    for (k, v), c in zip(orc.items(), ["0.2", "0.45", "0.6", "0.75"]):
        ax.plot(ps_all, v, color=c, lw=0.9, ls=":" if "nominal" in k else "-.", label=k)
        rows += [{"alg_label": "exact " + k, "p": p, "mean": vv, "half95": 0.0, "n_seeds": 0}
                 for p, vv in zip(ps_all, v)]
    ax.axvline(0.5, color="0.4", ls=":", lw=0.6)
    ax.set_yscale("symlog", linthresh=1e-3)
    ax.set_xlabel("test up-move probability p (hold: price x1.02 w.p. p, x0.98 otherwise)")
    ax.set_ylabel("exact return of the trained policy (payoff / 42)")
    ax.set_title(f"anchor-interpolated American put (d = 30 hats, H = 20)\ntrained "
                 f"K = {int(df.episode.max()):,} on p0 = 0.5, ρ = {RHO:g} (dotted: learners at "
                 f"ρ = 0.025), β_reg = {BETA_REG:g}; "
                 f"\n{profile} profile, "
                 f"{len(wide[algs[0]])} seeds: mean and 95% band; DR-RPO: reconstruction",
                 fontsize=7)
    ax.set_ylim(-2e-4, 1.0)
    ax.legend(fontsize=5.5, loc="upper right", ncol=2)
    ax.grid(alpha=0.3)
    out = pd.DataFrame(rows)
    paths = save_run(fig, figdir, EXPERIMENT, {"": out})
    g = np.random.default_rng(0)
    lo_p, hi_p = min(wide[algs[0]].columns), max(wide[algs[0]].columns)
    lines = [f"{EXPERIMENT} [{profile} profile]: exact return at the last training episode "
             f"(K = {int(df.episode.max()):,}) in the put with up-move probability p; DR-RPO "
             f"is a reconstruction; the model is mdpsim's anchor-interpolated put."]
    for a in algs:
        w = wide[a]
        lines.append(f"  {a:<22} " + ", ".join(f"p={p:g}: {w[p].mean():.5f}"
                                               for p in w.columns) + f" ({w.shape[0]} seeds)")
    for r, nr in PAIRS:
        if r not in wide or nr not in wide:
            continue
        A, B = wide[r], wide[nr]
        ps = A.columns.to_numpy()
        pstar = threshold(ps, A.mean(axis=0).to_numpy() - B.mean(axis=0).to_numpy())
        lo, hi, crossed = two_sample_interval(
            lambda i, j: threshold(ps, A.to_numpy()[i].mean(axis=0)
                                   - B.to_numpy()[j].mean(axis=0)), len(A), len(B), g)
        lines.append(f"  {r} beats {nr} for p > p* = {pstar:.3f} (95% bootstrap [{lo:.3f}, "
                     f"{hi:.3f}], {crossed:.0%} of resamples cross); give-up at p = {lo_p:g}: "
                     f"{B[lo_p].mean() - A[lo_p].mean():.5f}, at p = 0.4: "
                     f"{B[0.4].mean() - A[0.4].mean():.5f}; gain at p = 0.8: "
                     f"{A[0.8].mean() - B[0.8].mean():.5f}, at p = {hi_p:g}: "
                     f"{A[hi_p].mean() - B[hi_p].mean():.5f}")
    for k, v in orc.items():
        lines.append(f"  exact {k:<36} " + ", ".join(f"p={p:g}: {x:.5f}"
                                                      for p, x in zip(ps_all, v)))
    for r, nr in [(1, 0), (3, 2)]:
        kr, kn = list(orc)[r], list(orc)[nr]
        lines.append(f"  exact: {kr} beats {kn} for p > "
                     f"{threshold(ps_all, orc[kr] - orc[kn]):.3f} (grid interpolation)")
    return {"paths": paths, "summary": "\n".join(lines), "table": out,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
