"""Figure: exact cumulative regret and number of epochs of the optimistic actor-critic with
rare-switching resets (reconstructed tabular instantiation), its ablations and UCBVI-CH —
experiments/oac_regret.py (docs/papers/optimistic_actor_critic.md).

Reads stored results only (``mdpsim.load``). Top row, one panel per instance: log–log regret,
seed mean with its 95% band, fitted slope over the last decade with its 95% bootstrap interval
in the legend. Bottom row: the number of epochs (``aux``) against ln K for the learners with
the doubling test, next to the bound S A H log₂ K and the exact doubling bound
1 + S A H (1 + ⌊log₂ K⌋) (log y). Verdicts: AC slope upper limit <= 0.6; the no-optimism
ablation >= 0.9 and above AC by >= 0.3; epochs ~ linear in ln K (least squares of the seed
mean on ln K over K >= 100, R²).
Writes ``<figdir>/oac_regret.png`` / ``.pdf``, ``oac_regret_fits.csv`` and
``oac_regret_epochs.csv``.

Usage: ``python paper_figs/oac_regret.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.algorithms.actor_critic import epoch_bound  # noqa: E402

EXPERIMENT = "oac_regret"
ENVS = {"RiverSwim": (6, 2, 20), "ChainLock": (11, 3, 10)}   # (S, A, H) of the model
ALGS = ["AC", "AC-refit-switch", "AC-theory-eta", "AC-no-optimism", "AC-no-reset",
        "AC-every-episode", "UCBVI-CH", "UCBVI-CH-matched"]
FIT_FROM = 100   # epochs are fitted against ln K from this episode on (after the burn-in)
EPOCH_ALGS = ["AC", "AC-refit-switch", "AC-theory-eta", "AC-no-optimism", "AC-no-reset"]


def epoch_fits(df: pd.DataFrame) -> pd.DataFrame:
    """Per (env, learner): epochs at the last K, the slope of the seed-mean epochs against
    ln K (K >= 10) with its R², and the two bounds at the last K."""
    rows = []
    for (env, alg), d in df[df.alg_label.isin(EPOCH_ALGS)].groupby(["env_label",
                                                                      "alg_label"]):
        S, A, H = ENVS[env]
        m = d.groupby("episode").aux.mean()
        m = m[m.index >= FIT_FROM]
        x, y = np.log(m.index.to_numpy(float)), m.to_numpy()
        b, a = np.polyfit(x, y, 1)
        r2 = 1.0 - np.sum((y - (a + b * x)) ** 2) / np.sum((y - y.mean()) ** 2)
        K = int(d.episode.max())
        rows.append(dict(env_label=env, alg_label=alg, K=K, epochs=float(m.iloc[-1]),
                         epochs_max=float(d[d.episode == K].aux.max()), per_lnK=b, r2=r2,
                         bound_SAHlog2K=S * A * H * math.log2(K),
                         bound_exact=epoch_bound(S, A, H, K)))
    return pd.DataFrame(rows)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    envs = [e for e in ENVS if e in set(df.env_label)]
    algs = [a for a in ALGS if a in set(df.alg_label)]
    colors = plot.palette(algs)
    fig, axes = plot.figure(2, len(envs), width=3.6 * len(envs), height=6.6)
    axes = np.asarray(axes).reshape(2, len(envs))
    fits = []
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        f = plot.slopes(d, by=("env_label", "alg_label"))
        fits.append(f)
        plot.metric_plot(d, ax=axes[0, j], order=algs, colors=colors, fits=f, theory=False,
                         title=f"{env}: regret", legend=True, fontsize=5.5)
        ax = axes[1, j]
        S, A, H = ENVS[env]
        for alg in [a for a in EPOCH_ALGS if a in algs]:
            m = d[d.alg_label == alg].groupby("episode").aux
            mean, lo, hi = m.mean(), m.min(), m.max()
            ax.plot(mean.index, mean.values, color=colors[alg], lw=1.2, label=alg)
            ax.fill_between(mean.index, lo.values, hi.values, color=colors[alg], alpha=0.15)
        k = np.unique(d.episode.to_numpy())
        k = k[k >= 2]
        top = 1.6 * float(d[d.alg_label.isin(EPOCH_ALGS)].aux.max())
        Kmax = int(k[-1])
        ax.plot(k, S * A * H * np.log2(k), "k--", lw=1,
                label=f"S A H log₂ K ({S * A * H * math.log2(Kmax):.0f} at K={Kmax}; "
                      "leaves the panel)")
        ax.plot(k, [epoch_bound(S, A, H, int(x)) for x in k], "k:", lw=1,
                label=f"1 + S A H (1 + ⌊log₂ K⌋) ({epoch_bound(S, A, H, Kmax)})")
        ax.set_xscale("log")
        ax.set_ylim(0, top)
        ax.set_xlabel("episode K (log x, linear y: epochs ∝ ln K is a straight line)")
        ax.set_ylabel("epochs (resets + 1); band: min–max over seeds")
        ax.set_title(f"{env}: epochs vs ln K (S={S}, A={A}, H={H})", fontsize=7)
        ax.legend(fontsize=5.5, loc="upper left")
    fig.suptitle(f"Optimistic actor-critic (reconstructed), {profile} profile", fontsize=8)
    fits = pd.concat(fits, ignore_index=True)
    ep = epoch_fits(df)
    paths = save_run(fig, figdir, EXPERIMENT, {"_fits": fits, "_epochs": ep})
    lines = [f"{r.env_label:<10} {r.alg_label:<17} slope {r.slope:.3f} [{r.lo:.3f}, "
             f"{r.hi:.3f}]" for r in fits.itertuples()]
    for env in envs:
        s = fits[fits.env_label == env].set_index("alg_label")
        if {"AC", "AC-no-optimism"} <= set(s.index):
            ac, no = s.loc["AC"], s.loc["AC-no-optimism"]
            lines.append(f"{env}: AC upper limit {ac.hi:.3f} <= 0.6: {ac.hi <= 0.6}; "
                         f"no-optimism slope {no.slope:.3f} >= 0.9: {no.slope >= 0.9}; "
                         f"margin {no.slope - ac.slope:.3f} >= 0.3: "
                         f"{no.slope - ac.slope >= 0.3}")
    lines += [f"{r.env_label:<10} {r.alg_label:<17} epochs {r.epochs:.1f} (max {r.epochs_max:.0f})"
              f" at K={r.K}; {r.per_lnK:.2f} per unit ln K, R² {r.r2:.3f}; bounds "
              f"SAH log2K {r.bound_SAHlog2K:.0f}, exact {r.bound_exact}" for r in ep.itertuples()]
    return {"paths": paths, "summary": "\n".join(lines), "fits": fits,
            "epochs": ep, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
