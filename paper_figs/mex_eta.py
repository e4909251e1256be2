"""Figure: MEX's final regret against c_η (U-shape) and against the class size M —
experiments/mex_eta.py (docs/papers/mex.md).

Reads stored results only. Left: final regret (K of the profile) vs c_η on the M = 16 class,
seed mean with a 95% band (normal approximation over seeds) and the median; greedy MLE
(η = ∞) as a horizontal line. Right: final regret vs M at each c_η in {1, 10}. Writes
``<figdir>/mex_eta.png`` / ``.pdf`` and ``mex_eta.csv``.

Usage: ``python paper_figs/mex_eta.py [--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import save_run  # noqa: E402

import mdpsim  # noqa: E402
from mdpsim import plot  # noqa: E402

EXPERIMENT = "mex_eta"


def table(df):
    """Final regret per (env, algorithm): mean, 95% half-width, median, stuck seeds."""
    K = df.episode.max()
    d = df[df.episode == K].astype({"env_label": str, "alg_label": str})
    g = d.groupby(["env_label", "alg_label"], sort=False).regret
    t = g.agg(["mean", "std", "median", "count"]).reset_index()
    t["half"] = 1.96 * t["std"] / np.sqrt(t["count"])
    t["lo_err"] = np.minimum(t["half"], 0.999 * t["mean"])   # keep the band on log axes
    t["c_eta"] = t.alg_label.astype(str).str.extract(r"MEX-c([0-9.e+-]+)")[0].astype(float)
    t["M"] = t.env_label.astype(str).str.extract(r"M(\d+)")[0].astype(int)
    return t


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df = None
    for p in ([profile] if profile else ["full", "quick"]):
        try:
            df = mdpsim.load(EXPERIMENT, out=results, profile=p)
            profile = p
            break
        except ValueError:
            continue
    if df is None or df.empty:
        raise ValueError(f"no stored results of {EXPERIMENT}; run `mdpsim run {EXPERIMENT} "
                         "--profile quick` first")
    t = table(df)
    fig, axes = plot.figure(1, 2, width=7.0, height=3.2)
    a1, a2 = np.ravel(axes)
    u = t[(t.M == 16) & t.c_eta.notna()].sort_values("c_eta")
    a1.errorbar(u.c_eta, u["mean"], yerr=[u.lo_err, u.half], marker="o", label="MEX mean ± 95%")
    a1.plot(u.c_eta, u["median"], "s--", label="MEX median")
    g = t[(t.M == 16) & (t.alg_label == "MLE-greedy")]
    if not g.empty:
        a1.axhline(float(g["mean"].iloc[0]), color="k", ls=":", label="greedy MLE (η = ∞)")
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xlabel("c_η")
    a1.set_ylabel("final regret")
    a1.legend(fontsize=6)
    for c in (1.0, 10.0):
        v = t[t.c_eta == c].sort_values("M")
        a2.errorbar(v.M, v["mean"], yerr=[v.lo_err, v.half], marker="o", label=f"c_η = {c:g}")
    a2.set_xscale("log")
    ms = sorted(t.M.unique())
    a2.set_xticks(ms, [f"{m:g}" for m in ms])          # the class sizes, no minor-tick clutter
    a2.minorticks_off()
    a2.set_xlabel("class size M")
    a2.set_ylabel("final regret (mean ± 95%)")
    a2.legend(fontsize=6)
    fig.suptitle(f"MEX on riverswim_class ({profile} profile)", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"": t})
    return {"paths": paths, "summary": u[["c_eta", "mean", "half", "median"]]
            .to_string(index=False), "table": t, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
