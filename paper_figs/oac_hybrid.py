"""Figure: success of the non-optimistic hybrid actor-critic against the number of offline
trajectories N_off — experiments/oac_hybrid.py (docs/papers/optimistic_actor_critic.md §3.5).

Reads stored results only (``mdpsim.load``). Left: the fraction of seeds whose last policy is
ε-optimal (exact gap at the last episode) against N_off, one line per behaviour policy μ
(its exact c*_off from mdpsim.engine.side.behaviour_catalogue) and ε. Right: the same
against N_off / (c*_off S A H⁴ / ε²), the predicted threshold's scale (log x). The observed
threshold (smallest N_off with success ≥ 0.9) and its ratio to the predicted
c*_off S A H⁴ / ε² are written to ``oac_hybrid_thresholds.csv``.
Writes ``<figdir>/oac_hybrid.png`` / ``.pdf``.

Usage: ``python paper_figs/oac_hybrid.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

import mdpsim  # noqa: E402
from mdpsim import plot  # noqa: E402
from mdpsim.engine.side import behaviour_catalogue  # noqa: E402

EXPERIMENT = "oac_hybrid"
EPS = (0.1, 0.3, 1.0)
SUCCESS = 0.9


def success_table(df: pd.DataFrame, mdp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per (fraction, N_off, ε): success rate; per (fraction, ε): observed and predicted
    thresholds."""
    K = int(df.episode.max())
    last = df[df.episode == K].copy()
    last["gap"] = last.optimal_value - last.value
    fr = sorted(last.baseline_fraction.unique())
    cat = {round(c["fraction"], 12): c["c_off"]
           for c in behaviour_catalogue(mdp, fractions=tuple(fr), kinds=("uniform",))}
    d = mdp.S * mdp.A
    H = mdp.horizon
    rows, thr = [], []
    for f in fr:
        for eps in EPS:
            pred = cat[round(f, 12)] * d * H ** 4 / eps ** 2
            obs = None
            for n, g in last[last.baseline_fraction == f].groupby("offline_n"):
                rate = float((g.gap <= eps).mean())
                rows.append(dict(fraction=f, c_off=cat[round(f, 12)], eps=eps, offline_n=n,
                                 success=rate, n_seeds=len(g), predicted=pred,
                                 mean_gap=float(g.gap.mean())))
            s = pd.DataFrame([r for r in rows if r["fraction"] == f and r["eps"] == eps])
            ok = s[s.success >= SUCCESS].offline_n
            # the smallest N_off from which success stays >= 0.9 on the whole grid
            for n in sorted(s.offline_n):
                if (s[s.offline_n >= n].success >= SUCCESS).all():
                    obs = n
                    break
            thr.append(dict(fraction=f, c_off=cat[round(f, 12)], eps=eps, observed=obs,
                            predicted=pred, ratio=(obs / pred) if obs is not None else np.nan,
                            any_success=bool(len(ok))))
    return pd.DataFrame(rows), pd.DataFrame(thr)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    tab, thr = success_table(df, mdp)
    fig, axes = plot.figure(1, 2, width=7.4, height=3.3)
    axes = np.asarray(axes).reshape(-1)
    fr = sorted(tab.fraction.unique())
    colors = plot.palette([f"{f}" for f in fr])
    styles = {0.1: "-", 0.3: "--", 1.0: ":"}
    for f in fr:
        for eps in EPS:
            s = tab[(tab.fraction == f) & (tab.eps == eps)].sort_values("offline_n")
            lab = f"V^μ/V*={f} (c*={s.c_off.iloc[0]:.1f}), ε={eps}"
            x = s.offline_n.to_numpy(float)
            axes[0].plot(np.maximum(x, 0.5), s.success, styles[eps], color=colors[f"{f}"],
                         marker="o", ms=2.5, lw=1, label=lab)
            xn = x[x > 0] / s.predicted.iloc[0]
            axes[1].plot(xn, s.success[x > 0], styles[eps], color=colors[f"{f}"], marker="o",
                         ms=2.5, lw=1)
    axes[0].set_xscale("log")
    axes[0].set_xlabel("N_off (offline trajectories; 0 drawn at 0.5)")
    axes[0].set_ylabel(f"success: fraction of seeds ε-optimal at K = {int(df.episode.max())}")
    axes[0].axhline(SUCCESS, color="grey", lw=0.6)
    axes[0].legend(fontsize=4.8, loc="lower right", title="ε lines coincide (all-or-nothing gaps)", title_fontsize=5)
    axes[1].set_xscale("log")
    axes[1].axvline(1.0, color="k", lw=0.8, ls="--")
    axes[1].text(0.8, 0.5, "predicted threshold\n(constant 1)", fontsize=6, ha="right")
    axes[1].set_xlabel("N_off / (c*_off S A H⁴ / ε²)")
    axes[1].axhline(SUCCESS, color="grey", lw=0.6)
    fig.suptitle("Non-optimistic hybrid actor-critic on RiverSwim (S=6, H=20), "
                 f"reconstructed; {profile} profile", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"_thresholds": thr, "_success": tab})
    lines = [f"V^mu/V*={r.fraction} c*_off={r.c_off:.2f} eps={r.eps}: observed N_off "
             f"{r.observed}, predicted {r.predicted:.3g}, ratio {r.ratio:.3g}"
             for r in thr.itertuples()]
    return {"paths": paths, "summary": "\n".join(lines), "thresholds": thr,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
