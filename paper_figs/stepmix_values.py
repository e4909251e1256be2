"""Figure: exact value V^{π_k}_1 of each episode's policy vs episodes, with the constraint
level (1 - α) V^b — StepMix, EpsMix (reconstructions of arXiv:2306.06265), the budget
method, UCBVI-CH (unconstrained) — experiments/stepmix_regret.py.

Reads stored results only. Rows: α in {0.05, 0.1, 0.2}; columns: RiverSwim (S=6, H=20), Garnet
G(10, 3, 3) (H=10). Solid: seed mean of the exact value (DP on the true model; EpsMix: the
exact value of its episode-level mixture, (1 - ε_k) V^b + ε_k V^{π^{o,k}}); dotted: the minimum
over seeds at each recorded episode; horizontal lines: V*, V^b and (1 - α) V^b (red). The
legend gives each learner's violating episodes summed over seeds (counted over *all*
episodes by the engine, not only the recorded ones) and the fraction of seeds with any.
UCBVI-CH's curve is the same in every row (it ignores α); its violation count is at α = 0.1.
Writes ``stepmix_values.png`` / ``.pdf``.

Usage: ``mdpsim figs stepmix_values`` or ``python paper_figs/stepmix_values.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stepmix_common import COLORS, RECON, load, need, env_levels, final_rows  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "stepmix_regret"
ENVS = ["RiverSwim", "Garnet"]
ALPHAS = [0.05, 0.1, 0.2]
SERIES = ["StepMix", "EpsMix", "Budget", "UCBVI-CH"]


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load(EXPERIMENT, results, profile)
    need(df, EXPERIMENT, profile)
    envs = [e for e in ENVS if e in set(df.env_label)]
    fig, axes = plot.figure(len(ALPHAS), len(envs), width=9.0, height=2.9 * len(ALPHAS))
    lines = [f"exact per-episode values vs (1 - alpha) V^b [{profile} profile]"]
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        vstar, vb = env_levels(d)
        for i, alpha in enumerate(ALPHAS):
            ax = axes[i, j]
            for lab in SERIES:
                g = d[d.alg_label == lab]
                if lab != "UCBVI-CH":
                    g = g[np.isclose(g.alpha.astype(float), alpha)]
                if g.empty:
                    continue
                cv = plot.curves(g, "value", by=("alg_label",))
                mn = g.groupby("episode").value.min()
                f = final_rows(g)
                nv = int(f.below_floor.sum())
                frac = float((f.below_floor > 0).mean())
                col = COLORS[lab]
                ax.plot(cv.episode, cv["mean"], color=col, lw=1.2,
                        label=f"{lab}: {nv} viol. ep., {frac:.0%} seeds")
                ax.plot(mn.index, mn.values, color=col, lw=0.8, ls=":")
                lines.append(f"  {env:<10} alpha={alpha:<5g} {lab:<9} violating episodes "
                             f"{nv:>6} (max/seed {int(f.below_floor.max())}), seeds with "
                             f"any {frac:.0%} of {f.seed.nunique()}; min value "
                             f"{g.value.min():.4f} vs level {(1 - alpha) * vb:.4f}")
            ax.axhline(vstar, color="0.2", lw=0.8, ls="--", label=f"V* = {vstar:.3f}")
            ax.axhline(vb, color="0.45", lw=0.8, ls="-.", label=f"V^b = {vb:.3f}")
            ax.axhline((1 - alpha) * vb, color="#E41A1C", lw=1.1,
                       label=f"(1-α)V^b = {(1 - alpha) * vb:.3f}")
            ax.set_xscale("log")
            ax.set_xlabel("episode k")
            ax.set_ylabel("exact value of π_k")
            ax.set_title(f"{env}, α = {alpha:g}", fontsize=9)
            ax.grid(True, alpha=0.3, lw=0.5)
            ax.legend(fontsize=5.8, frameon=False, loc="lower right")
    n = int(df.groupby(["env_label", "alg_label", "alg_params"], observed=True)
            .seed.nunique().min())
    fig.suptitle(f"Exact value of each episode's policy (solid: mean over {n} seeds; dotted: "
                 f"minimum over seeds), {profile} profile.\n{RECON}.", fontsize=7.5)
    paths = plot.save(fig, Path(figdir) / "stepmix_values")
    return {"paths": paths, "summary": "\n".join(lines), "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
