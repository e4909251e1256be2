"""Figure: MEX's final regret against the class size M on families where the hard part grows
with M — experiments/mex_class_size.py (docs/papers/mex.md §10).

Reads stored results only. Left: ``lock_class`` (log2 M distinctions), mean final regret over
runs (10 instances × seeds) with its 95% band against log M on log–log axes, with the fitted
exponent of mean final regret in log M and its 95% bootstrap interval over runs in the legend,
and a dashed √(log M) reference through MEX's first point. Right: ``needle_class`` (M − 1
distinctions), the same against M with the exponent in M. Writes ``<figdir>/mex_class_size.png``
/ ``.pdf`` and ``mex_class_size.csv`` (the fits).

Usage: ``python paper_figs/mex_class_size.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter, NullLocator, ScalarFormatter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory.fit import boot_slope_interval  # noqa: E402

EXPERIMENT = "mex_class_size"
ALGS = ["MEX", "MLE-greedy", "OMLE"]


def finals(df) -> pd.DataFrame:
    """One row per run (env point × instance × seed): final regret, log M, M, wall time."""
    K = df.episode.max()
    d = df[df.episode == K].copy()
    pars = [json.loads(str(p)) for p in d.env_params]
    d["M"] = [2 ** p["n"] if "n" in p else p["M"] for p in pars]
    d["inst"] = [p.get("rng", 0) for p in pars]
    d["logM"] = np.log(d["M"].astype(float))
    return d[["env_label", "alg_label", "M", "logM", "inst", "seed", "regret", "wall_time"]]


def exponent(d, x: str, rng=0, n_boot=2000):
    """Slope of log mean final regret on log ``x`` with a bootstrap interval over runs."""
    xs = np.sort(d[x].unique())
    Y = np.stack([d[d[x] == v].sort_values(["inst", "seed"]).regret.to_numpy() for v in xs], 1)
    m = Y.mean(0)
    lx = np.log(xs)
    b = float(np.polyfit(lx, np.log(m), 1)[0])
    lo, hi = boot_slope_interval(lx, Y, level=0.95, n_boot=n_boot, rng=rng)
    return b, lo, hi, xs, m, 1.96 * Y.std(0, ddof=1) / np.sqrt(Y.shape[0])


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    f = finals(df)
    colors = plot.palette(ALGS)
    fig, axes = plot.figure(1, 2, width=7.6, height=3.3)
    rows = []
    for ax, env, x, xlabel in [(axes[0, 0], "Lock", "logM", "log M  (M = 2, 4, ..., 64)"),
                               (axes[0, 1], "Needle", "M", "class size M")]:
        for alg in ALGS:
            d = f[(f.env_label == env) & (f.alg_label == alg)]
            b, lo, hi, xs, m, half = exponent(d, x)
            Ms = np.exp(xs) if x == "logM" else xs
            rows.append(dict(env=env, algorithm=alg, x=x, slope=b, lo=lo, hi=hi,
                             means=" ".join(f"M{v:.0f}:{mm:.2f}±{hh:.2f}"
                                            for v, mm, hh in zip(Ms, m, half))))
            ax.errorbar(xs, m, yerr=np.minimum(half, 0.999 * m), color=colors[alg], lw=1.3,
                        marker="o", ms=3, capsize=2,
                        label=f"{alg}: {b:.2f} [{lo:.2f}, {hi:.2f}]")
            if alg == "MEX" and env == "Lock":
                ax.plot(xs, m[0] * np.sqrt(xs / xs[0]), color="0.3", ls=(0, (4, 2)), lw=1.0,
                        label="√(log M), anchored")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ticks = np.sort(f[f.env_label == env][x].unique())
        ax.set_xticks(ticks, [f"{v:.2f}" if x == "logM" else f"{v:.0f}" for v in ticks])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(xlabel)
        ax.set_ylabel(f"final regret (exact), K = {int(df.episode.max())}")
        ax.set_title(f"{env} class: {'log2 M' if env == 'Lock' else 'M − 1'} distinctions",
                     fontsize=8)
        ax.grid(True, which="major", alpha=0.3, lw=0.5)
        ax.legend(fontsize=6.5, frameon=False, loc="upper left",
                  title=f"exponent in {'log M' if env == 'Lock' else 'M'} [95% CI]",
                  title_fontsize=6.5)
    fig.suptitle(f"MEX: final regret vs class size ({profile} profile)", fontsize=8)
    fits = pd.DataFrame(rows)
    paths = save_run(fig, figdir, EXPERIMENT, {"": fits})
    lines = [f"{r.env:<7} {r.algorithm:<11} exponent in {r.x}: {r.slope:.3f} "
             f"[{r.lo:.3f}, {r.hi:.3f}]  {r.means}"
             for r in fits.itertuples()]
    return {"paths": paths, "summary": "\n".join(lines), "fits": fits,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
