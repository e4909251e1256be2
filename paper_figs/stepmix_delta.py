"""Figure: fraction of seeds with any episode-wise violation vs δ — StepMix and EpsMix
(reconstructions of arXiv:2306.06265) with the tuned certificate (cert_scale 0.1) and an
under-scaled one (0.01), and UCBVI-CH (unconstrained) — experiments/stepmix_delta.py; plus
the violation counts of experiments/stepmix_violations.py and stepmix_regret.py in the
summary and ``stepmix_violations.csv``.

Reads stored results only. One panel per environment: for each learner, the fraction of the
seeds whose run has at least one episode with exact value below (1 - α) V^b (counted over all
K episodes by the engine; exact DP on the true model), with its 95% Wilson interval, against
δ on log axes (zero fractions drawn at the bottom edge); the diagonal is the theorem's
allowance δ. Writes ``stepmix_delta.png`` / ``.pdf`` and ``stepmix_violations.csv``.

Usage: ``mdpsim figs stepmix_delta`` or ``python paper_figs/stepmix_delta.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stepmix_common import RECON, load, need, violation_table  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "stepmix_delta"
ENVS = ["RiverSwim", "Garnet"]
STYLE = {"StepMix": ("#0072B2", "o", "-"), "EpsMix": ("#D55E00", "s", "-"),
         "StepMix-c0.01": ("#0072B2", "o", ":"), "EpsMix-c0.01": ("#D55E00", "s", ":"),
         "UCBVI-CH": ("#CC79A7", "^", "--")}
FLOOR = 3e-3   # where a zero fraction is drawn on the log axis
#: multiplicative horizontal offsets so that coinciding series stay visible
JITTER = {"StepMix": 0.86, "StepMix-c0.01": 0.93, "EpsMix": 1.0, "EpsMix-c0.01": 1.07,
          "UCBVI-CH": 1.15}


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load(EXPERIMENT, results, profile)
    need(df, EXPERIMENT, profile)
    tab = violation_table(df)
    tab["experiment"] = EXPERIMENT
    extra = []
    for other in ("stepmix_violations", "stepmix_regret"):
        d2, p2 = load(other, results, profile)
        if not d2.empty:
            t = violation_table(d2)
            t["experiment"] = other
            extra.append(t)
    allt = pd.concat([tab] + extra, ignore_index=True)
    envs = [e for e in ENVS if e in set(tab.env_label)]
    fig, axes = plot.figure(1, len(envs), width=9.0, height=4.2)
    for j, env in enumerate(envs):
        ax = axes[0, j]
        t = tab[tab.env_label == env]
        for lab, g in t.groupby("alg_label", sort=False):
            g = g.sort_values("delta")
            col, mk, ls = STYLE.get(lab, ("k", "o", "-"))
            y = np.maximum(g.fraction.to_numpy(), FLOOR)
            lo = np.maximum(g.ci_lo.to_numpy(), FLOOR)
            hi = np.maximum(g.ci_hi.to_numpy(), FLOOR)
            ax.errorbar(g.delta * JITTER.get(lab, 1.0), y, yerr=[np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)], color=col,
                        marker=mk, ls=ls,
                        lw=1.1, ms=4, capsize=2, label=f"{lab} ({int(g.seeds.min())} seeds)")
        d = np.geomspace(0.005, 0.4, 10)
        ax.plot(d, d, color="0.2", lw=0.9, ls=(0, (4, 2)), label="allowance δ")
        ax.axhline(FLOOR, color="0.6", lw=0.5)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_ylim(FLOOR * 0.8, 1.3)
        ax.set_xlabel("confidence δ")
        ax.set_ylabel("fraction of seeds with any violation")
        ax.set_title(f"{env} (α = 0.1; 0 drawn at the grey line; points offset in δ)",
                     fontsize=8.5)
        ax.grid(True, alpha=0.3, lw=0.5)
        ax.legend(fontsize=6, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                  ncol=3)
    fig.suptitle(f"Episode-wise constraint V^(π_k) ≥ (1-α)V^b: share of seeds violating it at "
                 f"least once in K = {int(tab.episodes.max()):,} episodes, 95% Wilson CI "
                 f"({profile} profile).\n{RECON}; c0.01 = certification width 1/10 of the "
                 f"tuned value.", fontsize=7.5)
    paths = plot.save(fig, Path(figdir) / EXPERIMENT)
    csv = Path(figdir) / "stepmix_violations.csv"
    allt.to_csv(csv, index=False)
    lines = [f"violations of (1 - alpha) V^b, exact, all episodes [{profile} profile]",
             f"  {'experiment':<19} {'env':<10} {'algorithm':<15} {'alpha':>5} {'delta':>5} "
             f"{'K':>7} {'seeds':>5} {'viol. seeds':>11} {'viol. episodes':>14}  95% CI"]
    for _, r in allt.iterrows():
        lines.append(f"  {r.experiment:<19} {r.env_label:<10} {r.alg_label:<15} "
                     f"{r.alpha:>5g} {r.delta:>5g} {r.episodes:>7} {r.seeds:>5} "
                     f"{r.violating_seeds:>11} {r.violating_episodes:>14}  "
                     f"[{r.ci_lo:.3f}, {r.ci_hi:.3f}]")
    return {"paths": paths + [csv], "summary": "\n".join(lines), "table": allt,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
