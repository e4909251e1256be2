"""Figure: the mixing weight of each episode vs episodes — StepMix's λ_k (per-step and
time-switch families) and EpsMix's ε_k (reconstructions of arXiv:2306.06265), α in
{0.05, 0.1, 0.2} — experiments/stepmix_regret.py.

Reads stored results only (the engine's ``aux`` column). One panel per environment; colour =
learner, line style = α; seed mean with its 95% band. Expected shape: small weights while the
certificates are loose (EpsMix starts at ε = α: the optimistic policy's value is only known
to be >= 0; StepMix's per-step weight starts near the 1 - (1 - α)^{1/H} scale), rising to 1
(pure optimistic play) once the certificate of the optimistic policy clears (1 - α) V^b;
larger α reaches 1 sooner. Writes ``stepmix_weights.png`` / ``.pdf``.

Usage: ``mdpsim figs stepmix_weights`` or ``python paper_figs/stepmix_weights.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stepmix_common import COLORS, RECON, load, need  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "stepmix_regret"
ENVS = ["RiverSwim", "Garnet"]
SERIES = ["StepMix", "StepMix-switch", "EpsMix"]
STYLES = {0.05: ":", 0.1: "-", 0.2: "--"}


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load(EXPERIMENT, results, profile)
    need(df, EXPERIMENT, profile)
    envs = [e for e in ENVS if e in set(df.env_label)]
    fig, axes = plot.figure(2, len(envs), width=9.0, height=6.4)
    lines = [f"mixing weight: first episode where the seed-mean weight reaches 0.99 "
             f"[{profile} profile]"]
    for j, env in enumerate(envs):
        ax = axes[0, j]
        d = df[df.env_label == env]
        for lab in SERIES:
            for alpha, g in d[d.alg_label == lab].groupby("alpha"):
                cv = plot.curves(g, "aux", by=("alg_label",))
                col = COLORS[lab]
                for a in (ax, axes[1, j]):
                    a.plot(cv.episode, cv["mean"], color=col,
                           ls=STYLES.get(float(alpha), "-"), lw=1.2,
                           label=f"{lab}, α={float(alpha):g}")
                ax.fill_between(cv.episode, cv["lo"].clip(0, 1), cv["hi"].clip(0, 1),
                                color=col, alpha=0.12, lw=0)
                hit = cv.episode[cv["mean"] >= 0.99]
                k1 = int(hit.iloc[0]) if len(hit) else None
                lines.append(f"  {env:<10} {lab:<15} alpha={float(alpha):<5g} weight >= 0.99 "
                             f"from episode {k1 if k1 is not None else 'never (in K)'}; "
                             f"mean weight at k=10: "
                             f"{float(np.interp(10, cv.episode, cv['mean'])):.4f}")
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.05)
        ax.set_xlabel("episode k")
        ax.set_ylabel("mixing weight (λ_k or ε_k)")
        ax.set_title(env, fontsize=9)
        ax.grid(True, alpha=0.3, lw=0.5)
        ax.legend(fontsize=6, frameon=False, ncol=1, loc="upper left")
        b = axes[1, j]
        b.set_xscale("log")
        b.set_yscale("log")
        b.set_ylim(1e-4, 1.5)
        b.set_xlabel("episode k")
        b.set_ylabel("mixing weight (log scale)")
        b.grid(True, alpha=0.3, lw=0.5)
        b.set_title(f"{env} (log scale: the small early StepMix weights)", fontsize=8)
    fig.suptitle(f"Certified mixing weight per episode (seed mean, 95% band on top; "
                 f"{profile} profile).\n{RECON}.", fontsize=7.5)
    paths = plot.save(fig, Path(figdir) / "stepmix_weights")
    return {"paths": paths, "summary": "\n".join(lines), "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
