"""Figure: regret against compute for model-free tabular MEX and confidence-set optimism by
Lagrangian bisection on the same class and loss — experiments/mex_compute.py
(docs/papers/mex.md §11).

Reads stored results only. Top row: exact cumulative regret vs K per instance (seed mean with
95% band, log–log). Bottom row: final regret (mean ± 95% half-width) against planner calls per
episode (backward inductions, the learners' ``aux`` column; mean over the recorded episodes of
the last decade) — GOLF's points for each c_β, MEX's single point, greedy (one backward
induction per episode) for reference. CPU seconds per episode (``wall_time`` / K, median over
seeds; measured on a shared machine, so only indicative) go to ``mex_compute.csv``. Writes
``<figdir>/mex_compute.png`` / ``.pdf``.

Usage: ``python paper_figs/mex_compute.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

import mdpsim  # noqa: E402
from mdpsim import plot  # noqa: E402

EXPERIMENT = "mex_compute"
ENVS = ["RiverSwim", "Garnet"]


def _label(alg, params):
    p = json.loads(str(params))
    return f"GOLF c_β={p['c_beta']:g}" if "c_beta" in p else str(alg)


def table(df) -> pd.DataFrame:
    K = int(df.episode.max())
    df = df.assign(label=[_label(a, p) for a, p in zip(df.alg_label, df.alg_params)])
    last = df[df.episode == K]
    late = df[df.episode >= K // 10]
    g = last.groupby(["env_label", "label"], sort=False)
    t = g.regret.agg(["mean", "std", "count"]).reset_index()
    t["half"] = 1.96 * t["std"] / np.sqrt(t["count"])
    t["cpu_ms_per_episode"] = g.wall_time.median().to_numpy() / K * 1e3
    calls = late.groupby(["env_label", "label"], sort=False).aux.mean()
    t["planner_calls_per_episode"] = [
        1.0 if lab == "greedy" else float(calls.get((e, lab), np.nan))
        for e, lab in zip(t.env_label, t.label)]
    t["K"] = K
    return t


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    df = df.assign(alg_label=[_label(a, p) for a, p in zip(df.alg_label, df.alg_params)])
    t = table(mdpsim.load(EXPERIMENT, out=results, profile=profile))
    labels = list(pd.unique(df.alg_label))
    colors = plot.palette(labels)
    envs = [e for e in ENVS if e in set(df.env_label)]
    fig, axes = plot.figure(2, len(envs), width=3.8 * len(envs), height=6.4)
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        plot.metric_plot(d, ax=axes[0, j], order=labels, colors=colors, title=env,
                         theory=False, legend=True, fontsize=6.5)
        ax = axes[1, j]
        for r in t[t.env_label == env].itertuples():
            ax.errorbar([r.planner_calls_per_episode], [r.mean], yerr=[[min(r.half, 0.999 *
                        r.mean)], [r.half]], color=colors[r.label], marker="o", ms=4,
                        capsize=2, label=f"{r.label}: {r.mean:.1f}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("planner calls per episode (last decade)")
        ax.set_ylabel(f"final regret, K = {int(df.episode.max())}")
        ax.grid(True, which="major", alpha=0.3, lw=0.5)
        ax.legend(fontsize=6, frameon=False, loc="center")
    fig.suptitle(f"MEX (model-free tabular) vs confidence-set optimism by bisection: regret "
                 f"and compute ({profile} profile)", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"": t})
    lines = [f"{r.env_label:<10} {r.label:<17} final regret {r.mean:9.2f} ± {r.half:7.2f}  "
             f"planner calls/ep {r.planner_calls_per_episode:6.1f}  CPU {r.cpu_ms_per_episode:.3f}"
             f" ms/ep" for r in t.itertuples()]
    return {"paths": paths, "summary": "\n".join(lines), "table": t,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
