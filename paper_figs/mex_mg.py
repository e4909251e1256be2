"""Figure: duality-gap regret of MEX-MG, greedy self-play and the confidence-set comparator on
three game classes, and the max player's exploitability going to 0 — experiments/mex_mg.py
(docs/papers/mex.md §9).

Reads the stored tables only (``experiments/results/mex_mg/<profile>_curves.csv.gz``, written
by ``python experiments/mex_mg.py <profile>``; the game driver is not an engine learner, so its
results live there rather than in the results store). Panels 1–3: gap regret vs K, log–log,
seed mean with its 95% band, fitted slope over [K/10, K] with its bootstrap interval in the
legend (``*_fits.csv``). Panel 4: MEX-MG's exploitability ``V* − V^{μ_k,†}(s_1)`` of episode
k (seed mean) vs k. Writes ``<figdir>/mex_mg.png`` / ``.pdf``.

Usage: ``python paper_figs/mex_mg.py [--profile quick|full] [--figdir DIR]``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mdpsim import plot

EXPERIMENT = "mex_mg"
STORE = Path(__file__).resolve().parent.parent / "experiments" / "results" / EXPERIMENT
INSTANCES = ["random_game_class", "pennies_chain_class", "exploiter_trap_class"]
LABELS = {"mex_mg": "MEX-MG", "mle_selfplay": "greedy self-play",
          "nash_optimism": "confidence set"}


def _load(profile):
    for p in ([profile] if profile else ["full", "quick"]):
        f = STORE / f"{p}_curves.csv.gz"
        if f.is_file():
            return pd.read_csv(f), pd.read_csv(STORE / f"{p}_fits.csv"), p
    raise ValueError(f"no stored results of {EXPERIMENT} under {STORE}/; run `python "
                     f"experiments/{EXPERIMENT}.py quick` first")


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, fits, profile = _load(profile)
    colors = plot.palette(list(LABELS.values()))
    fig, axes = plot.figure(1, 4, width=13.0, height=3.3)
    axes = axes.reshape(-1)
    for j, inst in enumerate(INSTANCES):
        ax = axes[j]
        for alg, lab in LABELS.items():
            d = df[(df.instance == inst) & (df.algorithm == alg)]
            g = d.groupby("episode").gap_regret
            m, sd, n = g.mean(), g.std(ddof=1).fillna(0.0), g.count()
            half = 1.96 * sd / np.sqrt(n)
            f = fits[(fits.instance == inst) & (fits.algorithm == alg)].iloc[0]
            x = m.index.to_numpy(dtype=float)
            y = np.maximum(m.to_numpy(), 1e-3)
            ax.plot(x, y, color=colors[lab], lw=1.4,
                    label=f"{lab}: {f.slope:.2f} [{f.lo:.2f}, {f.hi:.2f}]")
            ax.fill_between(x, np.maximum(y - half, 1e-3), y + half, color=colors[lab],
                            alpha=0.22, lw=0)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("episode K")
        ax.set_ylabel("duality-gap regret (exact)")
        ax.set_title(inst, fontsize=8)
        ax.grid(True, which="major", alpha=0.3, lw=0.5)
        ax.legend(fontsize=6.5, loc="upper left", frameon=False,
                  title="fitted slope [95% CI]", title_fontsize=6.5)
    ax = axes[3]
    for inst, ls in zip(INSTANCES, ["-", "--", ":"]):
        d = df[(df.instance == inst) & (df.algorithm == "mex_mg")]
        e = d.groupby("episode").exploitability.mean()
        ax.plot(e.index, e.to_numpy(), ls=ls, color="k", lw=1.2, label=inst)
    ax.set_xscale("log")
    ax.set_xlabel("episode k")
    ax.set_ylabel(r"$V^* - V^{\mu_k,\dagger}(s_1)$ (seed mean)")
    ax.set_title("MEX-MG: max player's exploitability", fontsize=8)
    ax.grid(True, which="major", alpha=0.3, lw=0.5)
    ax.legend(fontsize=6.5, frameon=False)
    K = int(df.episode.max())
    fig.suptitle(f"Zero-sum Markov games: exact duality-gap regret ({profile} profile, K = {K},"
                 f" {df.seed.nunique()} seeds)", fontsize=8)
    stem = Path(figdir) / EXPERIMENT
    paths = plot.save(fig, stem)
    lines = [f"{r.instance:<21} {LABELS[r.algorithm]:<17} final {r.final_mean:9.3f} slope "
             f"{r.slope:.3f} [{r.lo:.3f}, {r.hi:.3f}] rule {r.rule}"
             for r in fits.itertuples()]
    return {"paths": paths, "summary": "\n".join(lines), "fits": fits, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
