"""Figure: LPO's success on the simplex linear MDPs against the critic size —
experiments/lpo_critic_size.py (exploratory; docs/papers/lpo.md §10).

Reads stored results only. One run = the last row of one (planner, seed); the planner label
``LPO-d{d}-critic-x{m}`` gives d and the multiplier m of the tuned schedule's critic size M
(K, T and the step fixed at the schedule's ε = 0.1 values). Success = exact
``gap <= 0.1`` (a capped run counts as a failure); N = every environment transition (random).

Left: success rate against the multiplier per d, Wilson 95 % intervals. Right: N (median,
IQR) against the multiplier. Writes ``<figdir>/lpo_critic_size.png`` / ``.pdf`` and
``lpo_critic_size_points.csv``. LPO and its ε schedule are reconstructions.

Usage: ``python paper_figs/lpo_critic_size.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import wilson_interval  # noqa: E402

EXPERIMENT = "lpo_critic_size"
EPS = 0.1
LABEL = re.compile(r"LPO-d(\d+)-critic-x(\d+)$")


def points_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (d, multiplier): K, M, T, seeds, successes with Wilson interval, N
    quartiles, median exact gap and switches."""
    last = df.sort_values("iteration").groupby(["alg_label", "seed"], observed=True,
                                               sort=False).tail(1)
    rows = []
    for lab, g in last.groupby(last.alg_label.astype(str), sort=False):
        d, mult = map(int, LABEL.match(lab).groups())
        ok = (g.capped.to_numpy(int) == 0) & (g.gap.to_numpy(float) <= EPS)
        k, n = int(ok.sum()), len(g)
        lo, hi = wilson_interval(k, n)
        N = g.transitions.to_numpy(float)
        rows.append({"d": d, "critic_multiplier": mult, "K": int(g.npg_iterations.iloc[0]),
                     "M": int(g.critic_samples.iloc[0]), "T": int(g.explore_budget.iloc[0]),
                     "seeds": n, "success": k, "success_lo": lo, "success_hi": hi,
                     "N_median": float(np.median(N)), "N_q25": float(np.quantile(N, 0.25)),
                     "N_q75": float(np.quantile(N, 0.75)),
                     "gap_median": float(g.gap.median()),
                     "switches_median": float(g.switches.median()),
                     "capped": int((g.capped.to_numpy(int) != 0).sum())})
    return pd.DataFrame(rows).sort_values(["d", "critic_multiplier"], ignore_index=True)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    pts = points_table(df)
    fig, axes = plot.figure(1, 2, width=8.0, height=3.2)
    a1, a2 = np.ravel(axes)
    for i, (d, p) in enumerate(pts.groupby("d", sort=True)):
        x = p.critic_multiplier.to_numpy(float) * (1.0 + 0.04 * (i - 1))
        rate = p.success / p.seeds
        err = np.clip(np.vstack([rate - p.success_lo, p.success_hi - rate]), 0.0, None)
        a1.errorbar(x, rate, yerr=err, fmt="-o", ms=3, capsize=2, color=f"C{i}",
                    label=f"d = {d}")
        a2.plot(p.critic_multiplier, p.N_median, "-o", ms=3, color=f"C{i}", label=f"d = {d}")
        a2.fill_between(p.critic_multiplier, p.N_q25, p.N_q75, color=f"C{i}", alpha=0.2,
                        lw=0)
    ticks = sorted(pts.critic_multiplier.unique())
    for a in (a1, a2):
        a.set_xscale("log")
        a.set_xticks(ticks, labels=[f"×{t}" for t in ticks])
        a.minorticks_off()
        a.set_xlabel("critic samples M: multiple of the tuned schedule's")
        a.legend(fontsize=6)
    a1.set_ylim(-0.03, 1.03)
    a1.set_ylabel("success P(V* − V^π ≤ 0.1), exact (Wilson 95 %)")
    a1.set_title("success against critic size (K, T, step fixed)", fontsize=7)
    a2.set_yscale("log")
    a2.set_ylabel("total transitions N (median, IQR)")
    a2.set_title("cost", fontsize=7)
    fig.suptitle(f"LPO (reconstruction) on simplex linear MDPs (S = 20, A = 5), ε = 0.1, "
                 f"γ = 0.9 ({profile} profile)", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"_points": pts})
    return {"paths": paths, "profile": profile, "points": pts,
            "summary": pts.to_string(index=False)}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
