"""Figure: LSVI-UCB regret vs d in the rate regime — experiments/lsvi_ucb_drate.py.

Reads stored results only. Step 1 (profile "tune"): per d and c, the slope over
[10^3, 10^4] of each held-out instance's seed-mean regret; the pre-registered rule picks per d
the c with the smallest worst-case slope (ties to the smaller c) — :func:`pick_c`, whose
output the spec's ``C_TUNED`` holds. Step 2 (profiles "rate-d<d>"): final regret at
K = 2 10^4 on instances 1..20 x 4 seeds; per d the slope in K of the pooled mean regret over
the last decade (the regime check: a d qualifies iff it is <= 0.6); the exponent in d (least
squares of log mean final regret on log d, 95% two-level bootstrap, the estimator of
paper_figs/lsvi_ucb_scaling.py) over the qualifying d's and, labelled, over all d's; the
geometric-mean variant as the secondary estimator. Panels: final regret vs d with the
theorem's d^{3/2} (dashed), and the mean regret curves in K per d. Writes
``<figdir>/lsvi_ucb_drate.png`` / ``.pdf`` and ``lsvi_ucb_drate_{tuning,points,fits}.csv``.

Usage: ``python paper_figs/lsvi_ucb_drate.py [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import NullLocator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402
from lsvi_ucb_scaling import final_table, fit_exponent, k_slopes, point_band  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import fit_slope  # noqa: E402

EXPERIMENT = "lsvi_ucb_drate"
SLOPE_MAX = 0.6


def _spec():
    path = Path(__file__).resolve().parents[1] / "experiments" / f"{EXPERIMENT}.py"
    spec = importlib.util.spec_from_file_location("_drate_spec", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def tuning_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per (d, c, instance): the slope of the seed-mean regret over the last decade."""
    pars = [json.loads(str(p)) for p in df.env_params]
    df = df.assign(d=[p["d"] for p in pars], instance=[p["rng"] for p in pars],
                   c=df["c"].astype(float))
    rows = []
    for (d, c, inst), g in df.groupby(["d", "c", "instance"]):
        wide = g.pivot_table(index="seed", columns="episode", values="regret")
        f = fit_slope(wide.columns.to_numpy(dtype=np.int64), wide.to_numpy(), n_boot=200)
        rows.append({"d": int(d), "c": float(c), "instance": int(inst), "slope": f.slope,
                     "final": float(wide.iloc[:, -1].mean())})
    return pd.DataFrame(rows)


def pick_c(tune: pd.DataFrame) -> dict:
    """The pre-registered rule: per d, the c with the smallest worst-case slope over the
    instances, ties to the smaller c."""
    worst = tune.groupby(["d", "c"]).slope.max().reset_index()
    out = {}
    for d, g in worst.groupby("d"):
        g = g.sort_values(["slope", "c"])
        out[int(d)] = float(g.iloc[0].c)
    return out


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    tdf, _ = load_run(EXPERIMENT, results, "tune")
    tune = tuning_table(tdf)
    picked = pick_c(tune)
    lines = ["step 1 (tuning, held-out instances 100..103, K = 10^4): worst-case slope per c",
             "  " + "  ".join(f"d={d}: " + ", ".join(
                 f"c={c:g} {s:.2f}" for c, s in g.groupby("c").slope.max().items())
                 + f" -> c = {picked[d]:g}" for d, g in tune.groupby("d"))]
    spec = _spec()
    frames = []
    for d in spec.DS:
        df, _ = load_run(EXPERIMENT, results, f"rate-d{d}", required=False)
        if not df.empty:
            frames.append(df)
    if not frames:
        lines.append("step 2: no stored rate-d<d> profile yet")
        fig, axes = plot.figure(1, 1, width=4.0, height=3.0)
        ax = axes[0, 0]
        for d, g in tune.groupby("d"):
            w = g.groupby("c").slope.max()
            ax.plot(w.index, w.values, marker="o", label=f"d = {d}")
        ax.set_xscale("log")
        ax.set_xlabel("c")
        ax.set_ylabel("worst-case slope (held-out)")
        ax.legend(fontsize=6.5, frameon=False)
        paths = save_run(fig, figdir, EXPERIMENT, {"_tuning": tune})
        return {"paths": paths, "summary": "\n".join(lines), "picked": picked,
                "profile": "tune"}
    df = pd.concat(frames, ignore_index=True)
    t = final_table(df, "d")
    ks = k_slopes(df, "d")
    ds = sorted(int(v) for v in t.d.unique())
    qual = [d for d in ds if ks[ks.d == d].k_slope.iloc[0] <= SLOPE_MAX]
    pts = []
    for d in ds:
        m = t[t.d == d].pivot_table(index="instance", columns="seed", values="regret").to_numpy()
        lo, hi = point_band(m)
        k = ks[ks.d == d].iloc[0]
        inst = m.mean(axis=1)
        pts.append({"d": d, "c": spec.C_TUNED[d], "mean": m.mean(), "lo": lo, "hi": hi,
                    "geo_mean": float(np.exp(np.log(inst).mean())),
                    "min_instance": inst.min(), "max_instance": inst.max(),
                    "k_slope": k.k_slope, "k_lo": k.k_lo, "k_hi": k.k_hi,
                    "k_window": k.window, "qualifies": d in qual})
    pts = pd.DataFrame(pts)
    fits = []
    for name, use in (("qualifying", qual), ("all", ds)):
        if len(use) < 3:
            fits.append({"over": name, "values": use, "exponent": np.nan, "lo": np.nan,
                         "hi": np.nan, "geo_exponent": np.nan, "geo_lo": np.nan,
                         "geo_hi": np.nan})
            continue
        tt = t[t.d.isin(use)]
        s, lo, hi = fit_exponent(tt, "d")
        g, glo, ghi = fit_exponent(tt, "d", geometric=True)
        fits.append({"over": name, "values": use, "exponent": s, "lo": lo, "hi": hi,
                     "geo_exponent": g, "geo_lo": glo, "geo_hi": ghi})
    fits = pd.DataFrame(fits)
    fig, axes = plot.figure(1, 2, width=7.4, height=3.3)
    ax = axes[0, 0]
    ax.plot(pts.d, pts["mean"], "o-", color="C0", ms=3, label="LSVI-UCB, c tuned per d")
    ax.fill_between(pts.d, pts.lo, pts.hi, color="C0", alpha=0.2, lw=0)
    for _, p in pts.iterrows():
        ax.annotate(f"c={p.c:g}\nK-slope {p.k_slope:.2f}", (p.d, p["mean"]), fontsize=5.5,
                    textcoords="offset points", xytext=(3, -14))
    out = pts[~pts.qualifies]
    ax.plot(out.d, out["mean"], "o", mfc="white", mec="C3", ms=6,
            label="not in the rate regime (K-slope > 0.6)")
    dd = np.array(ds, dtype=float)
    anchor = pts[pts.qualifies].iloc[-1] if pts.qualifies.any() else pts.iloc[-1]
    ax.plot(dd, anchor["mean"] * (dd / anchor.d) ** 1.5, "k--", lw=0.8,
            label=r"$d^{3/2}$ (theorem's rate), through the largest qualifying d")
    f0 = fits[fits.over == "qualifying"].iloc[0]
    fa = fits[fits.over == "all"].iloc[0]
    ax.set_title(f"exponent (qualifying d {f0['values']}): "
                 + ("n/a" if not np.isfinite(f0.exponent) else
                    f"{f0.exponent:.2f} [{f0.lo:.2f}, {f0.hi:.2f}]")
                 + f"\nall d: {fa.exponent:.2f} [{fa.lo:.2f}, {fa.hi:.2f}]", fontsize=7)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(ds, [str(v) for v in ds])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("d")
    ax.set_ylabel("final cumulative regret at K = 2e4 (exact)")
    ax.legend(fontsize=6.5, frameon=False)
    ax = axes[0, 1]
    for i, d in enumerate(ds):
        g = df[df.env_label.astype(str) == f"d{d}"]
        m = g.groupby("episode").regret.mean()
        ax.plot(m.index, m.values, color=f"C{i}",
                label=f"d = {d} (c = {spec.C_TUNED[d]:g}): slope "
                      f"{pts.k_slope.iloc[i]:.2f} over [2e3, 2e4]")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("episode K")
    ax.set_ylabel("mean cumulative regret (exact)")
    ax.legend(fontsize=6, frameon=False)
    ax.set_title("regime check: slope in K per d (<= 0.6 qualifies)", fontsize=7)
    paths = save_run(fig, figdir, EXPERIMENT, {"_tuning": tune, "_points": pts,
                                               "_fits": fits})
    lines.append("step 2 (instances 1..20 x 4 seeds, K = 2 10^4): per d mean final regret "
                 "[95% band], geometric mean, instance range, slope in K over the last decade")
    for _, p in pts.iterrows():
        lines.append(f"  d={p.d:<3} c={p.c:<5g} {p['mean']:9.1f} [{p.lo:8.1f}, {p.hi:8.1f}] "
                     f"geo {p.geo_mean:8.1f} [{p.min_instance:.0f}, {p.max_instance:.0f}] "
                     f"K-slope {p.k_slope:.2f} [{p.k_lo:.2f}, {p.k_hi:.2f}] "
                     f"{'qualifies' if p.qualifies else 'NOT in the rate regime'}")
    for _, f in fits.iterrows():
        lines.append(f"  exponent over {f.over} d {f['values']}: {f.exponent:+.2f} "
                     f"[{f.lo:+.2f}, {f.hi:+.2f}], geometric {f.geo_exponent:+.2f} "
                     f"[{f.geo_lo:+.2f}, {f.geo_hi:+.2f}] (theorem: 1.5, an upper bound)")
    return {"paths": paths, "summary": "\n".join(lines), "picked": picked, "points": pts,
            "fits": fits, "profile": "rate"}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
