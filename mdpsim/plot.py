"""Figures of stored results: a metric against episodes, mean and band over seeds, the
theoretical rate as a reference line anchored to the data, the fitted exponent in the legend.

Works on the long tables of :func:`mdpsim.run` / :func:`mdpsim.load` (one row per seed ×
recorded episode). Draws on ``matplotlib.figure.Figure`` objects (no pyplot state, any
backend; files are written by Agg), with seaborn's colour-blind palette::

    df = mdpsim.load("regret_tabular")
    fig, axes = mdpsim.plot.figure(1, 2)
    fits = mdpsim.plot.metric_plot(df[df.env_label == "RiverSwim"], ax=axes[0])
    mdpsim.plot.save(fig, "figures/riverswim")          # .png and .pdf

Band: pointwise ``level`` confidence interval of the mean over seeds (Student t). Fit:
:func:`mdpsim.theory.fit_slope` — the log–log slope of the seed-mean curve over a window
(:func:`mdpsim.theory.windows.fit_window`, default the last decade of episodes) with a
percentile bootstrap interval over seeds. Rates:
:mod:`mdpsim.theory.bounds` (1/2 for every sublinear bound here; greedy: 1, no guarantee).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["curves", "slopes", "metric_plot", "figure", "save", "palette", "seed_matrix",
           "figure_cli"]

_BY = ("env_label", "alg_label")


def palette(labels) -> dict:
    """Label -> colour (seaborn ``colorblind``), stable in the order given."""
    import seaborn as sns
    cols = sns.color_palette("colorblind", max(len(labels), 1))
    return {lab: cols[i] for i, lab in enumerate(labels)}


def _group_keys(df, by):
    return [c for c in by if c in df.columns]


def seed_matrix(df: pd.DataFrame, metric: str = "regret", x: str = "episode"):
    """``(episodes int64[n], values float64[seeds, n])`` of one group (episodes recorded for
    every seed; a seed missing an episode is an error)."""
    wide = df.pivot_table(index="seed", columns=x, values=metric, aggfunc="first",
                          observed=True)
    if wide.isna().any().any():
        raise ValueError(f"seeds do not share their recorded {x}s; cannot average {metric!r}")
    return wide.columns.to_numpy(dtype=np.int64), wide.to_numpy(dtype=np.float64)


def curves(df: pd.DataFrame, metric: str = "regret", *, by=_BY, x: str = "episode",
           level: float = 0.95) -> pd.DataFrame:
    """Per group and episode: ``mean``, ``lo``, ``hi`` (t interval of the mean at ``level``
    over seeds; equal to the mean with one seed) and ``n`` (seeds)."""
    keys = _group_keys(df, by)
    g = df.groupby(keys + [x], observed=True, sort=True)[metric]
    out = g.agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy()
    half = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
                    * out["std"].fillna(0).to_numpy() / np.sqrt(n), 0.0)
    out["lo"] = out["mean"] - half
    out["hi"] = out["mean"] + half
    return out.rename(columns={"count": "n"}).drop(columns="std")


def slopes(df: pd.DataFrame, metric: str = "regret", *, by=_BY, window="last_decade",
           level: float = 0.95, n_boot: int = 2000, rng=0,
           hard_exploration: dict | None = None) -> pd.DataFrame:
    """Fitted log–log exponent per group with its bootstrap CI, the bound's rate and the
    acceptance verdict (:mod:`mdpsim.theory.acceptance`). ``hard_exploration`` maps an
    ``env_label`` to whether greedy should be judged linear there (default True)."""
    from .theory.acceptance import judge, rule_for
    from .theory.bounds import for_algorithm
    from .theory.fit import fit_slope
    keys = _group_keys(df, by)
    rows = []
    for gk, g in df.groupby(keys, observed=True, sort=False):
        gk = gk if isinstance(gk, tuple) else (gk,)
        ep, mat = seed_matrix(g, metric)
        fit = fit_slope(ep, mat, window=window, level=level, n_boot=n_boot, rng=rng)
        est, lo, hi, win = fit.slope, fit.lo, fit.hi, (fit.k_lo, fit.k_hi)
        alg = str(g["algorithm"].iloc[0]) if "algorithm" in g.columns else str(gk[-1])
        b = for_algorithm(alg)
        env = dict(zip(keys, gk)).get("env_label")
        hard = True if hard_exploration is None else hard_exploration.get(env, True)
        verdict = judge(est, rule_for(alg, hard_exploration=hard)) if metric == "regret" \
            else judge(est, None)
        rows.append({**dict(zip(keys, gk)), "algorithm": alg, "slope": est, "lo": lo,
                     "hi": hi, "k_lo": win[0], "k_hi": win[1], "n_seeds": mat.shape[0],
                     "rate": np.nan if b is None else b.k_exponent,
                     "bound": "" if b is None else b.order, **verdict})
    return pd.DataFrame(rows)


def figure(nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float | None = None,
           fontsize: float = 8.0):
    """A ``matplotlib.figure.Figure`` at paper size (``width`` inches) and its axes array."""
    from matplotlib.figure import Figure
    import matplotlib as mpl
    height = height if height is not None else 2.6 * nrows
    with mpl.rc_context({"font.size": fontsize}):
        fig = Figure(figsize=(width, height), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def metric_plot(df: pd.DataFrame, metric: str = "regret", *, ax, hue: str = "alg_label",
                order=None, colors: dict | None = None, logx: bool = True,
                logy: bool = True, window="last_decade", theory: bool = True,
                fits: pd.DataFrame | None = None, level: float = 0.95, n_boot: int = 2000,
                rng=0, legend: bool = True, title: str | None = None,
                fontsize: float = 8.0, bound_params: dict | None = None) -> pd.DataFrame:
    """Draw ``metric`` vs episode on ``ax`` for one environment: per ``hue`` group the seed
    mean and its ``level`` band; on log–log axes also the fitted exponent with its CI in the
    legend and, with ``theory``, the bound's rate as a dashed line ``c K^rate`` through the
    mean curve at the end of the fit window.

    ``bound_params`` (``S``, ``A``, ``H`` and optionally ``delta`` of the environment): also
    draw, dotted, each algorithm's bound *with its printed constants*
    (:mod:`mdpsim.theory.bounds`; the constants are reconstructions, and the legend says
    so) — its value, not only its rate, so one sees how far the measured regret is below
    the guarantee. Returns the fits (:func:`slopes`)."""
    if df.empty:
        raise ValueError("nothing to plot: the table is empty")
    labels = list(order) if order is not None else list(pd.unique(df[hue]))
    colors = colors or palette(labels)
    drew_bound = False
    cv = curves(df, metric, by=(hue,), level=level)
    draw_fit = logx and logy and metric in ("regret", "realized_regret")
    if fits is None and draw_fit:
        fits = slopes(df, metric, by=(hue,), window=window, level=level, n_boot=n_boot,
                      rng=rng)
    for lab in labels:
        c = cv[cv[hue] == lab]
        if c.empty:
            continue
        col = colors[lab]
        x = c["episode"].to_numpy(dtype=np.float64)
        text = str(lab)
        if draw_fit:
            f = fits[fits[hue] == lab].iloc[0]
            text = f"{lab}: {f.slope:.2f} [{f.lo:.2f}, {f.hi:.2f}]"
        ax.plot(x, c["mean"], color=col, lw=1.4, label=text)
        ax.fill_between(x, c["lo"], c["hi"], color=col, alpha=0.22, lw=0)
        if draw_fit and theory and bound_params and "algorithm" in df.columns:
            from .theory.bounds import for_algorithm
            name = df.loc[df[hue] == lab, "algorithm"].iloc[0]
            b = for_algorithm(str(name))
            if b is not None and b.kind == "upper":
                try:
                    yb = b(x, **bound_params)
                except (TypeError, ValueError):
                    yb = None
                if yb is not None:
                    ax.plot(x, yb, color=col, lw=0.9, ls=":", alpha=0.8)
                    drew_bound = True
        if draw_fit and theory and np.isfinite(f.rate):
            k_lo, k_hi = float(f.k_lo), float(f.k_hi)
            y_hi = float(np.interp(k_hi, x, c["mean"]))
            if y_hi > 0:
                kk = np.geomspace(k_lo, k_hi, 20)
                ax.plot(kk, y_hi * (kk / k_hi) ** f.rate, color=col, lw=1.0, ls=(0, (4, 2)),
                        alpha=0.9)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("episode K")
    ax.set_ylabel({"regret": "cumulative regret (exact)"}.get(metric, metric))
    ax.grid(True, which="major", alpha=0.3, lw=0.5)
    if title:
        ax.set_title(title, fontsize=fontsize + 1)
    if legend:
        from matplotlib.lines import Line2D
        handles, texts = ax.get_legend_handles_labels()
        if draw_fit and theory:
            handles.append(Line2D([], [], color="0.3", lw=1.0, ls=(0, (4, 2))))
            texts.append("bound's rate in K, anchored")
        if drew_bound:
            handles.append(Line2D([], [], color="0.3", lw=0.9, ls=":"))
            texts.append("bound's value, printed constants (reconstructed)")
        ax.legend(handles, texts, fontsize=fontsize - 1, loc="upper left", frameon=False,
                  title="fitted slope [95% CI]" if draw_fit else None,
                  title_fontsize=fontsize - 1, handlelength=1.8)
    return fits if fits is not None else pd.DataFrame()


def save(fig, stem, formats=("png", "pdf"), dpi: int = 200) -> list[Path]:
    """Write ``stem.png`` / ``stem.pdf`` (folders created); returns the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        p = stem.with_suffix(f".{fmt}")
        fig.savefig(p, dpi=dpi)
        paths.append(p)
    return paths


def figure_cli(make_figure, doc: str, argv=None) -> None:
    """Command line shared by the figure scripts in ``paper_figs/``.

    ``make_figure(results, figdir, profile) -> {"summary": str, "paths": [...]}`` reads stored
    results only; this parses ``--results``, ``--figdir`` and ``--profile``, draws the figure
    and prints its summary and the written paths."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--results", default="results")
    ap.add_argument("--figdir", default="figures")
    ap.add_argument("--profile", default=None)
    a = ap.parse_args(argv)
    out = make_figure(a.results, a.figdir, a.profile)
    print(out["summary"])
    for p in out["paths"]:
        print(p)
