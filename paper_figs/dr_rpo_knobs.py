"""Figure: exact robust-regularised regret at the last episode of DR-RPO (a reconstruction) and
the non-robust RPO against the radius rho and the regulariser weight beta_reg on the
fail-state MDP — experiments/dr_rpo_knobs.py.

Reads stored results only (``mdpsim.load``); never runs an algorithm. Keeps the cells whose
learner's rho / beta_reg equal the objective's (the spec runs the cross product). Two
panels: regret at K vs rho (beta_reg = 0.1) and vs beta_reg (rho = 0.5), seed mean with its
95% band, log y axis. The summary lists the numbers and the log-log slope of DR-RPO's regret
over the last decade (bootstrap interval). Writes ``<figdir>/dr_rpo_knobs.png`` / ``.pdf``
and ``dr_rpo_knobs.csv``.

Usage: ``mdpsim figs dr_rpo_knobs`` or ``python paper_figs/dr_rpo_knobs.py [--profile
quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory.fit import fit_slope  # noqa: E402

EXPERIMENT = "dr_rpo_knobs"


def matched(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose learner's rho (robust learners) and beta_reg equal the objective's, with
    columns ``panel`` ("rho" / "beta"), ``x`` (the swept value) and ``learner``."""
    env = [json.loads(t) for t in df.env_params.astype(str)]
    alg = [json.loads(t) for t in df.params.astype(str)]
    keep, x, learner = [], [], []
    for el, e, a, name in zip(df.env_label.astype(str), env, alg, df.algorithm.astype(str)):
        ok = abs(a.get("beta_reg", -1) - e.get("beta_reg", 0.1)) < 1e-12
        if name == "dr_rpo":
            ok = ok and abs(a.get("rho", -1) - e.get("rho", 0.5)) < 1e-12
        keep.append(ok)
        x.append(e.get("rho", 0.5) if el == "rho" else e.get("beta_reg", 0.1))
        learner.append("DR-RPO" if name == "dr_rpo" else "RPO-nominal")
    out = df.assign(x=x, learner=learner, panel=df.env_label.astype(str))[np.array(keep)]
    # DR-RPO-rho and DR-RPO-beta both match at (rho 0.5, beta 0.1): keep one per panel
    lab = out.alg_label.astype(str)
    drop = ((out.panel == "rho") & (lab == "DR-RPO-beta")) | (
        (out.panel == "beta") & (lab == "DR-RPO-rho"))
    return out[~drop.to_numpy()]


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile, required=False)
    if df.empty:
        raise ValueError(f"no stored results of {EXPERIMENT} ({profile} profile) under "
                         f"{results}/; run `mdpsim run {EXPERIMENT} --profile quick` first")
    d = matched(df)
    K = int(d.episode.max())
    last = d[d.episode == K]
    rows = []
    for (panel, learner, x), g in last.groupby(["panel", "learner", "x"], sort=True):
        r = g.regret.to_numpy()
        half = 1.96 * r.std(ddof=1) / np.sqrt(len(r)) if len(r) > 1 else 0.0
        gg = d[(d.panel == panel) & (d.learner == learner) & (d.x == x)]
        mat = gg.pivot_table(index="seed", columns="episode", values="regret")
        fit = fit_slope(mat.columns.to_numpy(), mat.to_numpy(), window="last_decade")
        rows.append({"panel": panel, "learner": learner, "x": x, "regret": r.mean(),
                     "half95": half, "slope": fit.slope, "lo": fit.lo, "hi": fit.hi,
                     "n_seeds": len(r)})
    tab = pd.DataFrame(rows)
    fig, axes = plot.figure(1, 2, width=7.6, height=3.2)
    colors = {"DR-RPO": "tab:blue", "RPO-nominal": "tab:red"}
    for ax, panel, xl in ((axes[0, 0], "rho", "TV radius ρ (β_reg = 0.1)"),
                          (axes[0, 1], "beta", "β_reg (ρ = 0.5)")):
        for learner, g in tab[tab.panel == panel].groupby("learner"):
            ax.errorbar(g.x, g.regret, yerr=g.half95, marker="o", ms=4, capsize=3,
                        color=colors[learner], label=learner)
        ax.set_yscale("log")
        ax.set_xlabel(xl)
        ax.set_ylabel(f"exact robust-regularised regret at K = {K:,}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"fail-state MDP, DR-RPO (reconstruction) vs non-robust RPO; {profile} "
                 f"profile, seed mean and 95% band", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"": tab})
    lines = [f"{EXPERIMENT} [{profile} profile, K = {K:,}, {int(tab.n_seeds.min())} seeds]: "
             "exact robust-regularised regret at K; slope over the last decade [95% CI]"]
    for _, r in tab.iterrows():
        lines.append(f"  {r.panel:<5} {r.learner:<12} x = {r.x:<5g} regret {r.regret:9.2f} "
                     f"± {r.half95:.2f}  slope {r.slope:.2f} [{r.lo:.2f}, {r.hi:.2f}]")
    return {"paths": paths, "summary": "\n".join(lines), "table": tab,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
