"""Figure: exact cumulative regret of MEX, its posterior-sampling cousin, OMLE and greedy MLE on
finite model classes — experiments/mex_regret.py (docs/papers/mex.md).

Reads stored results only (``mdpsim.load``). One panel per instance, log–log, seed mean with
its 95% band, fitted slope over the last decade with its 95% bootstrap interval in the legend.
Verdicts: MEX/OMLE slope <= 0.6 (upper limit); greedy MLE >= 0.9 on the RiverSwim class.
Writes ``<figdir>/mex_regret.png`` / ``.pdf`` and ``mex_regret_fits.csv``.

Usage: ``python paper_figs/mex_regret.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "mex_regret"
ENVS = ["RiverSwim-class", "Garnet-class"]
ALGS = ["MEX", "MEX-PS", "OMLE", "MLE-greedy"]
HARD_EXPLORATION = {"RiverSwim-class": True, "Garnet-class": False}


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    envs = [e for e in ENVS if e in set(df.env_label)]
    algs = [a for a in ALGS if a in set(df.alg_label)]
    colors = plot.palette(algs)
    fig, axes = plot.figure(1, len(envs), width=3.4 * len(envs), height=3.4)
    axes = axes.reshape(-1) if hasattr(axes, "reshape") else [axes]
    fits = []
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        f = plot.slopes(d, by=("env_label", "alg_label"), hard_exploration=HARD_EXPLORATION)
        fits.append(f)
        plot.metric_plot(d, ax=axes[j], order=algs, colors=colors, fits=f, title=env,
                         legend=True, fontsize=6.5)
    fig.suptitle(f"Finite model classes: exact cumulative regret ({profile} profile)",
                 fontsize=8)
    fits = pd.concat(fits, ignore_index=True)
    paths = save_run(fig, figdir, EXPERIMENT, {"_fits": fits})
    lines = [f"{r.env_label:<16} {r.alg_label:<11} slope {r.slope:.3f} [{r.lo:.3f}, {r.hi:.3f}]"
             f" rule {r.rule or '-'} {'' if r.passed is None else r.passed}"
             for r in fits.itertuples()]
    return {"paths": paths, "summary": "\n".join(lines), "fits": fits,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
