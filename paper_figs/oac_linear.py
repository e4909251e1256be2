"""Figure: exact cumulative regret of the linear optimistic actor-critic (reconstructed), its
no-optimism ablation, LSVI-UCB and greedy LSVI — experiments/oac_linear.py
(docs/papers/optimistic_actor_critic.md §3.4). Reads stored results only. Top: log–log regret
per instance with fitted slopes (95% bootstrap CI, last decade); bottom: epochs (``aux``) of
the actor-critic against ln K. Writes ``<figdir>/oac_linear.png`` / ``.pdf`` and
``oac_linear_fits.csv``.

Usage: ``python paper_figs/oac_linear.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "oac_linear"
ENVS = ["RiverSwim-kernel", "Simplex"]
ALGS = ["AC-linear", "AC-linear-no-optimism", "LSVI-UCB", "LSVI-greedy"]


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    envs = [e for e in ENVS if e in set(df.env_label)]
    algs = [a for a in ALGS if a in set(df.alg_label)]
    colors = plot.palette(algs)
    fig, axes = plot.figure(2, len(envs), width=3.6 * len(envs), height=6.2)
    axes = np.asarray(axes).reshape(2, len(envs))
    fits, lines = [], []
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        f = plot.slopes(d, by=("env_label", "alg_label"))
        fits.append(f)
        plot.metric_plot(d, ax=axes[0, j], order=algs, colors=colors, fits=f, theory=False,
                         title=f"{env}: regret", legend=True, fontsize=5.5)
        ax = axes[1, j]
        for alg in [a for a in algs if a.startswith("AC")]:
            m = d[d.alg_label == alg].groupby("episode").aux
            ax.plot(m.mean().index, m.mean().values, color=colors[alg], lw=1.2, label=alg)
            ax.fill_between(m.mean().index, m.min().values, m.max().values,
                            color=colors[alg], alpha=0.15)
            mm = m.mean()
            mm = mm[mm.index >= 100]
            b, a = np.polyfit(np.log(mm.index.to_numpy(float)), mm.to_numpy(), 1)
            lines.append(f"{env:<16} {alg:<22} epochs {m.mean().iloc[-1]:.1f} at K="
                         f"{int(d.episode.max())}; {b:.2f} per unit ln K (K >= 100)")
        ax.set_xscale("log")
        ax.set_xlabel("episode K (log x, linear y)")
        ax.set_ylabel("epochs (det Λ_h doublings + 1)")
        ax.legend(fontsize=5.5)
    fig.suptitle(f"Linear optimistic actor-critic (reconstructed), {profile} profile",
                 fontsize=8)
    fits = pd.concat(fits, ignore_index=True)
    paths = save_run(fig, figdir, EXPERIMENT, {"_fits": fits})
    K = int(df.episode.max())
    fin = df[df.episode == K].groupby(["env_label", "alg_label"]).regret.mean()
    lines = [f"{r.env_label:<16} {r.alg_label:<22} slope {r.slope:.3f} [{r.lo:.3f}, {r.hi:.3f}]"
             f" regret {fin.loc[(r.env_label, r.alg_label)]:.1f}"
             for r in fits.itertuples()] + lines
    return {"paths": paths, "summary": "\n".join(lines), "fits": fits,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
