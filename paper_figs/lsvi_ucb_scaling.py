"""Figure: LSVI-UCB final regret vs d (S = 20; random and hidden-reward-factor simplex MDPs)
and vs S (d = 5), UCBVI-CH on the same tabular models — experiments/lsvi_ucb_scaling.py.

Reads stored results only. Panels: final regret vs d on the random simplex MDPs, vs d on the
hidden-factor ones (both with the theorem's d^{3/2} as a dashed reference), and vs S (the
"S-sweep" and "S-sweep-large" points together). Each point: mean over the instances and their
seeds with a 95% band (two-level bootstrap). Legend: the fitted exponent (least squares of
log mean regret on log d or log S) with its 95% two-level bootstrap interval (instances, then
seeds within each); the CSV adds the secondary estimator (geometric mean over instances of
the per-instance seed means) and each point's own slope in K over the last decade (is the
point past the burn-in?). Writes ``<figdir>/lsvi_ucb_scaling.png`` / ``.pdf``,
``lsvi_ucb_scaling_fits.csv`` and ``lsvi_ucb_scaling_points.csv``.

Usage: ``python paper_figs/lsvi_ucb_scaling.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import fit_slope  # noqa: E402

EXPERIMENT = "lsvi_ucb_scaling"
#: panel -> (env labels pooled in it, swept parameter)
PANELS = {"d-sweep": (["d-sweep"], "d"), "d-sweep-hidden": (["d-sweep-hidden"], "d"),
          "S-sweep": (["S-sweep", "S-sweep-large"], "S")}


def _with_params(df: pd.DataFrame, key: str) -> pd.DataFrame:
    df = df.copy()
    pars = [json.loads(str(p)) for p in df.env_params]
    df[key] = [p[key] for p in pars]
    df["instance"] = [p.get("rng", 0) for p in pars]
    return df


def final_table(df: pd.DataFrame, key: str) -> pd.DataFrame:
    last = _with_params(df[df.episode == df.episode.max()], key)
    return last[[key, "instance", "alg_label", "seed", "regret"]]


def fit_exponent(t: pd.DataFrame, key: str, n_boot: int = 2000, rng=0,
                 geometric: bool = False) -> tuple:
    """Slope of log(mean regret) vs log(key), with a 95% two-level bootstrap interval: at
    each ``key`` value resample the instances, then the seeds within each resampled instance.
    ``geometric``: the mean over instances is geometric (of the per-instance seed means)."""
    vals = sorted(t[key].unique())
    x = np.log(np.asarray(vals, dtype=float))
    mats = [t[t[key] == v].pivot_table(index="instance", columns="seed",
                                       values="regret").to_numpy() for v in vals]

    def centre(m):
        if geometric:
            return np.exp(np.mean(np.log(np.maximum(m.mean(axis=1), 1e-300))))
        return m.mean()

    slope = np.polyfit(x, np.log([centre(m) for m in mats]), 1)[0]
    g = np.random.default_rng(rng)

    def draw(m):
        inst = m[g.integers(0, m.shape[0], m.shape[0])]
        cols = g.integers(0, m.shape[1], inst.shape)
        return centre(np.take_along_axis(inst, cols, axis=1))

    bs = [np.polyfit(x, np.log([draw(m) for m in mats]), 1)[0] for _ in range(n_boot)]
    return float(slope), float(np.quantile(bs, 0.025)), float(np.quantile(bs, 0.975))


def point_band(m: np.ndarray, n_boot: int = 1000, rng=0) -> tuple[float, float]:
    """95% two-level bootstrap band of the mean of ``m[instance, seed]``."""
    g = np.random.default_rng(rng)
    bs = []
    for _ in range(n_boot):
        inst = m[g.integers(0, m.shape[0], m.shape[0])]
        bs.append(np.take_along_axis(inst, g.integers(0, m.shape[1], inst.shape), 1).mean())
    return float(np.quantile(bs, 0.025)), float(np.quantile(bs, 0.975))


def k_slopes(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per (algorithm, key value): the slope in K of the mean regret curve over the last
    decade, pooling instances x seeds as the bootstrap units."""
    df = _with_params(df, key)
    df["unit"] = df.instance.astype(int) * 1000 + df.seed.astype(int)
    rows = []
    for (alg, v), g in df.groupby(["alg_label", key], observed=True):
        wide = g.pivot_table(index="unit", columns="episode", values="regret")
        f = fit_slope(wide.columns.to_numpy(dtype=np.int64), wide.to_numpy(), n_boot=500)
        rows.append({"algorithm": alg, key: v, "k_slope": f.slope, "k_lo": f.lo,
                     "k_hi": f.hi, "window": f"[{f.k_lo}, {f.k_hi}]"})
    return pd.DataFrame(rows)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    panels = [(n, labs, key) for n, (labs, key) in PANELS.items()
              if df.env_label.astype(str).isin(labs).any()]
    fig, axes = plot.figure(1, len(panels), width=3.4 * len(panels), height=3.3)
    axes = np.asarray(axes).reshape(-1)
    rows, points = [], []
    for ax, (name, labels, key) in zip(axes, panels):
        d = df[df.env_label.astype(str).isin(labels)]
        t = final_table(d, key)
        ks = k_slopes(d, key)
        for alg, col in (("LSVI-UCB", "C0"), ("UCBVI-CH", "C1")):
            ta = t[t.alg_label == alg]
            if ta.empty:
                continue
            s, lo, hi = fit_exponent(ta, key)
            gs, glo, ghi = fit_exponent(ta, key, geometric=True)
            rows.append({"sweep": name, "algorithm": alg, "exponent": s, "lo": lo, "hi": hi,
                         "geo_exponent": gs, "geo_lo": glo, "geo_hi": ghi,
                         "n_instances": int(ta.instance.nunique()),
                         "n_seeds": int(ta.seed.nunique()),
                         "values": sorted(int(v) for v in ta[key].unique())})
            xs, ms, bl, bh = [], [], [], []
            for v in sorted(ta[key].unique()):
                m = ta[ta[key] == v].pivot_table(index="instance", columns="seed",
                                                 values="regret").to_numpy()
                lo_v, hi_v = point_band(m)
                inst = m.mean(axis=1)
                k = ks[(ks.algorithm == alg) & (ks[key] == v)].iloc[0]
                points.append({"sweep": name, "algorithm": alg, "key": key, "value": int(v),
                               "mean": m.mean(), "lo": lo_v, "hi": hi_v,
                               "geo_mean": float(np.exp(np.log(inst).mean())),
                               "min_instance": inst.min(), "max_instance": inst.max(),
                               "k_slope": k.k_slope, "k_lo": k.k_lo, "k_hi": k.k_hi,
                               "k_window": k.window})
                xs.append(v), ms.append(m.mean()), bl.append(lo_v), bh.append(hi_v)
            ax.plot(xs, ms, color=col, marker="o", ms=3,
                    label=f"{alg}: exponent {s:.2f} [{lo:.2f}, {hi:.2f}]")
            ax.fill_between(xs, bl, bh, color=col, alpha=0.2, lw=0)
        if key == "d":
            m = t[t.alg_label == "LSVI-UCB"].groupby("d").regret.mean()
            dd = np.array(m.index, dtype=float)
            ax.plot(dd, m.iloc[-1] * (dd / dd[-1]) ** 1.5, "k--", lw=0.8,
                    label=r"$d^{3/2}$ (theorem's rate)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        vals = sorted(int(v) for v in t[key].unique())
        ax.set_xticks(vals, [str(v) for v in vals])      # the swept values as plain ticks
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlabel(key)
        ax.set_ylabel("final cumulative regret (exact)")
        ax.legend(fontsize=6.5, frameon=False)
        ax.set_title(f"{name} (K = {int(d.episode.max()):,}, {profile})", fontsize=8)
    fits, pts = pd.DataFrame(rows), pd.DataFrame(points)
    paths = save_run(fig, figdir, EXPERIMENT, {"_fits": fits, "_points": pts})
    summary = "\n".join(
        f"{r.sweep:<15} {r.algorithm:<9} exponent {r.exponent:+.2f} [{r.lo:+.2f}, {r.hi:+.2f}]"
        f"  geometric {r.geo_exponent:+.2f} [{r.geo_lo:+.2f}, {r.geo_hi:+.2f}] over "
        f"{r['values']} ({r.n_instances} instances x {r.n_seeds} seeds)"
        for _, r in fits.iterrows())
    summary += "\npoints (mean [95% band], geometric mean, instance range, slope in K):\n" + \
        "\n".join(f"  {p.sweep:<15} {p.algorithm:<9} {p.key}={p.value:<5} {p['mean']:9.1f} "
                  f"[{p.lo:8.1f}, {p.hi:8.1f}]  geo {p.geo_mean:8.1f}  "
                  f"[{p.min_instance:.0f}, {p.max_instance:.0f}]  K-slope {p.k_slope:.2f} "
                  f"[{p.k_lo:.2f}, {p.k_hi:.2f}] over {p.k_window}" for _, p in pts.iterrows())
    return {"paths": paths, "summary": summary, "fits": fits, "points": pts,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
