"""Figure: episodes K_ε until the uniform mixture of the played policies is ε-optimal, exactly
(K_ε = min{K : Regret(K)/K <= ε}), against ε on log–log axes, with the fitted exponent and its
95% bootstrap interval over seeds — experiments/oac_sample_complexity.py
(docs/papers/optimistic_actor_critic.md §4). Reads stored results only. Left: K_ε (seed mean
and 95% band) with the ε⁻² reference through the last point; right: the mixture's
suboptimality Regret(K)/K against K. Learners whose K_ε exceeds the budget for every ε of the
grid are reported as censored. Writes ``<figdir>/oac_sample_complexity.png`` / ``.pdf`` and
``oac_sample_complexity_fits.csv``.

Usage: ``python paper_figs/oac_sample_complexity.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import fit_eps_exponent  # noqa: E402

EXPERIMENT = "oac_sample_complexity"
ALGS = ["AC", "UCBVI-CH-matched", "AC-theory-eta"]
EPS = np.geomspace(0.005, 0.05, 6)   # a decade


def k_eps(d: pd.DataFrame, eps=EPS) -> np.ndarray:
    """``float[n_seeds, m]``: per seed, the first episode K with Regret(K)/K <= ε (NaN if
    none within the run). ``d`` holds every episode of each seed."""
    out = []
    for _, g in d.sort_values("episode").groupby("seed"):
        k = g.episode.to_numpy(float)
        sub = g.regret.to_numpy() / k
        row = []
        for e in eps:
            hit = np.nonzero(sub <= e)[0]
            row.append(k[hit[0]] if hit.size else np.nan)
        out.append(row)
    return np.asarray(out)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    algs = [a for a in ALGS if a in set(df.alg_label)]
    colors = plot.palette(algs)
    fig, axes = plot.figure(1, 2, width=7.2, height=3.2)
    axes = np.asarray(axes).reshape(-1)
    rows = []
    K = int(df.episode.max())
    for alg in algs:
        d = df[df.alg_label == alg]
        ke = k_eps(d)
        m = d.groupby("episode").regret.mean()
        axes[1].plot(m.index, m / m.index, color=colors[alg], lw=1.2, label=alg)
        censored = int(np.isnan(ke).sum())
        if censored:
            rows.append(dict(alg_label=alg, exponent=np.nan, lo=np.nan, hi=np.nan,
                             censored=censored, n=ke.size, K=K,
                             final_suboptimality=float(m.iloc[-1] / m.index[-1])))
            continue
        f = fit_eps_exponent(EPS, ke)
        mean = ke.mean(0)
        lo, hi = np.percentile(ke, [2.5, 97.5], axis=0)
        axes[0].plot(EPS, mean, "o-", color=colors[alg], ms=3, lw=1.2,
                     label=f"{alg}: exponent {f.exponent:.2f} [{f.lo:.2f}, {f.hi:.2f}]")
        axes[0].fill_between(EPS, lo, hi, color=colors[alg], alpha=0.15)
        rows.append(dict(alg_label=alg, exponent=f.exponent, lo=f.lo, hi=f.hi, censored=0,
                         n=ke.size, K=K, final_suboptimality=float(m.iloc[-1] / m.index[-1]),
                         **{f"K_eps_{e:.4g}": float(v) for e, v in zip(EPS, mean)}))
    ref = [r for r in rows if r["censored"] == 0]
    if ref:
        y0 = ref[0][f"K_eps_{EPS[-1]:.4g}"]
        axes[0].plot(EPS, y0 * (EPS / EPS[-1]) ** -2.0, "k--", lw=0.8, label="ε⁻² (theorem)")
    axes[0].set_xscale("log")
    axes[0].set_yscale("log")
    from matplotlib.ticker import NullFormatter
    axes[0].xaxis.set_minor_formatter(NullFormatter())
    axes[0].set_xticks(EPS)
    axes[0].set_xticklabels([f"{e:.3g}" for e in EPS], fontsize=6)
    axes[0].set_xlabel("ε")
    axes[0].set_ylabel("K_ε: first K with Regret(K)/K ≤ ε (exact)")
    axes[0].legend(fontsize=5.5)
    axes[0].set_title("episodes until the mixture policy is ε-optimal", fontsize=7)
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("episode K")
    axes[1].set_ylabel("V* − V(mixture of π_1..π_K) = Regret(K)/K")
    axes[1].legend(fontsize=5.5)
    fig.suptitle(f"Optimistic actor-critic (reconstructed), RiverSwim S=6 H=20, {profile} "
                 "profile", fontsize=8)
    fits = pd.DataFrame(rows)
    paths = save_run(fig, figdir, EXPERIMENT, {"_fits": fits})
    lines = []
    for r in rows:
        if r["censored"]:
            lines.append(f"{r['alg_label']}: censored ({r['censored']}/{r['n']} seed×ε beyond K="
                         f"{K}); mixture suboptimality at K: {r['final_suboptimality']:.4f}")
        else:
            lines.append(f"{r['alg_label']}: K_eps exponent {r['exponent']:.3f} [{r['lo']:.3f}, "
                         f"{r['hi']:.3f}] (theorem: >= -2); "
                         + ", ".join(f"eps={e:.4g}: {r[f'K_eps_{e:.4g}']:.0f}" for e in EPS))
    return {"paths": paths, "summary": "\n".join(lines), "fits": fits,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
