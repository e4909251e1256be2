"""Figure: DR-RPO (a reconstruction) where exploration matters, on the random simplex instance
to K = 10^5, and against d — experiments/dr_rpo_regret_hidden.py, dr_rpo_simplex_long.py,
dr_rpo_d_sweep.py and dr_rpo_d8_long.py (the last in the printed summary only;
docs/papers/drrpo.md §8-9).

Reads stored results only (``mdpsim.load``); never runs an algorithm. Panels: (a) exact
robust-regularised regret vs K on the hidden-reward-factor instance, (b) the same on the random
simplex instance to K = 10^5, log-log, seed mean with its 95% band, fitted slope over the last
decade with its 95% bootstrap interval in the legend; (c, d) regret at the last episode vs d
(log-log, seed mean and 95% band) on the near-coordinate and the hidden-factor families with
the fitted exponent of log R = a + b log d and its bootstrap interval over seeds
(:func:`mdpsim.theory.sample_complexity.fit_eps_exponent`, a log-log fit on any grid). The
"ellipsoidal" learner is a diagnostic variant, not the algorithm. Writes
``<figdir>/dr_rpo_explore.png`` / ``.pdf`` and ``dr_rpo_explore_fits.csv``.

Usage: ``mdpsim figs dr_rpo_explore`` or ``python paper_figs/dr_rpo_explore.py [--profile
quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import mdpsim
from mdpsim import plot
from mdpsim.theory.sample_complexity import fit_eps_exponent

EXPERIMENTS = ("dr_rpo_regret_hidden", "dr_rpo_simplex_long", "dr_rpo_d_sweep",
               "dr_rpo_d8_long")
ALGS = ["DR-RPO", "DR-RPO-c0.1", "DR-RPO-theory", "DR-RPO-nobonus", "DR-LSVI-UCB",
        "RPO-nominal", "DR-RPO-ellipsoidal", "DR-RPO-ellipsoidal-c0.1"]
COLORS = {"DR-RPO": "#1f77b4", "DR-RPO-c0.1": "#17becf", "DR-RPO-theory": "#7f7f7f",
          "DR-RPO-nobonus": "#ff7f0e", "DR-LSVI-UCB": "#2ca02c", "RPO-nominal": "#d62728",
          "DR-RPO-ellipsoidal": "#9467bd", "DR-RPO-ellipsoidal-c0.1": "#9467bd"}
TITLES = {"dr_rpo_regret_hidden": "(a) hidden reward factor, S=20 A=5 d=5 H=5, ρ=0.1, "
                                  "β_reg=0.01",
          "dr_rpo_simplex_long": "(b) random simplex S=20 A=5 d=5 H=5, ρ=0.1, β_reg=0.01"}
FAMILIES = {"Coord": "(c) near-coordinate features (α = 0.2/d), β_reg = 0.1",
            "Hidden": "(d) hidden reward factor, β_reg = 0.1"}


def _load(results, profile):
    out = {}
    used = profile or "full"
    for name in EXPERIMENTS:
        for p in ([profile] if profile is not None else ["full", "quick"]):
            try:
                df = mdpsim.load(name, out=results, profile=p)
            except ValueError:
                continue
            if not df.empty:
                df["env_label"] = df.env_label.astype(str)
                df["alg_label"] = df.alg_label.astype(str)
                out[name] = (df, p)
                used = p
                break
    return out, used


def d_fits(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per family and learner: the final regret per d (seed mean, 95% half-width) and the
    fitted exponent in d with its bootstrap interval."""
    last = df[df.episode == df.episode.max()].copy()
    last["family"] = last.env_label.str.split("-d").str[0]
    last["d"] = last.env_label.str.split("-d").str[1].astype(int)
    pts, fits = [], []
    for (fam, alg), g in last.groupby(["family", "alg_label"], sort=False):
        piv = g.pivot_table(index="seed", columns="d", values="regret")
        ds = np.array(sorted(piv.columns))
        Y = piv[ds].to_numpy()
        for j, dd in enumerate(ds):
            pts.append({"family": fam, "alg_label": alg, "d": int(dd),
                        "regret": Y[:, j].mean(),
                        "half": 1.96 * Y[:, j].std(ddof=1) / np.sqrt(Y.shape[0])})
        if ds.size < 3 or np.isnan(Y).any():     # a sweep still running: no fit yet
            fits.append({"family": fam, "alg_label": alg, "d_exponent": np.nan,
                         "lo": np.nan, "hi": np.nan, "n_seeds": Y.shape[0]})
            continue
        f = fit_eps_exponent(ds.astype(float), Y, rng=0)
        fits.append({"family": fam, "alg_label": alg, "d_exponent": f.exponent,
                     "lo": f.lo, "hi": f.hi, "n_seeds": Y.shape[0]})
    return pd.DataFrame(pts), pd.DataFrame(fits)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    data, profile = _load(results, profile)
    if not data:
        raise ValueError(f"no stored results of {', '.join(EXPERIMENTS)} ({profile} profile) "
                         f"under {results}/; run `mdpsim run dr_rpo_regret_hidden --profile "
                         f"quick` (and dr_rpo_simplex_long, dr_rpo_d_sweep) first")
    colors = dict(COLORS)                # one colour per learner across the panels
    fig, axes = plot.figure(2, 2, width=9.4, height=7.6)
    axes = axes.reshape(-1)
    lines, kfits = [], []
    for j, name in enumerate(("dr_rpo_regret_hidden", "dr_rpo_simplex_long")):
        if name not in data:
            axes[j].set_visible(False)
            continue
        df, p = data[name]
        algs = [a for a in ALGS if a in set(df.alg_label)]
        f = plot.slopes(df, by=("env_label", "alg_label"))
        f["experiment"] = name
        kfits.append(f)
        plot.metric_plot(df, ax=axes[j], order=algs, colors=colors, fits=f,
                         title=TITLES[name] + f" [{p}]", legend=True, fontsize=6.0)
        last = df[df.episode == df.episode.max()]
        opt = float(df.optimal_value.iloc[0])
        lines.append(f"{name} [{p} profile], K = {int(df.episode.max()):,}: slope over the "
                     f"last decade [95% CI]; regret at K (mean ± 95% half-width); exact "
                     f"per-episode gap of the last policy (mean; seeds with gap > 0.01)")
        for _, r in f.iterrows():
            g = last[last.alg_label == r.alg_label]
            gap = opt - g.value.to_numpy()
            lines.append(f"  {r.alg_label:<24} {r.slope:5.2f} [{r.lo:.2f}, {r.hi:.2f}]  "
                         f"{g.regret.mean():9.1f} ± {1.96 * g.regret.std(ddof=1) / np.sqrt(len(g)):7.1f}"
                         f"  gap {gap.mean():.4f} ({int((gap > 0.01).sum())}/{len(g)})")
        base = f[f.alg_label == "DR-RPO-nobonus"]
        for _, r in f[f.alg_label != "DR-RPO-nobonus"].iterrows():
            if base.empty:
                break
            b = base.iloc[0]
            rb = last[last.alg_label == "DR-RPO-nobonus"].regret.mean()
            ra = last[last.alg_label == r.alg_label].regret.mean()
            lines.append(f"  margin over no-bonus: {r.alg_label:<24} slope diff "
                         f"{b.slope - r.slope:+.2f}, interval gap {b.lo - r.hi:+.2f}, "
                         f"regret ratio no-bonus/it {rb / ra:.2f}")
    dfit = pd.DataFrame()
    if "dr_rpo_d_sweep" in data:
        df, p = data["dr_rpo_d_sweep"]
        pts, dfit = d_fits(df)
        algs = [a for a in ALGS if a in set(pts.alg_label)]
        lines.append(f"dr_rpo_d_sweep [{p} profile], regret at K = {int(df.episode.max()):,} "
                     f"vs d; exponent b of log R = a + b log d [95% bootstrap CI]")
        for k, fam in enumerate(FAMILIES):
            ax = axes[2 + k]
            for alg in algs:
                q = pts[(pts.family == fam) & (pts.alg_label == alg)]
                if q.empty:
                    continue
                fr = dfit[(dfit.family == fam) & (dfit.alg_label == alg)].iloc[0]
                ax.errorbar(q.d, q.regret, yerr=q.half, marker="o", ms=3, capsize=2,
                            color=colors[alg], label=f"{alg}: d^{fr.d_exponent:.2f} "
                                                     f"[{fr.lo:.2f}, {fr.hi:.2f}]")
                lines.append(f"  {fam:<7} {alg:<20} " + "  ".join(
                    f"d={int(r.d)}: {r.regret:.1f}±{r.half:.1f}" for _, r in q.iterrows())
                    + f"   b = {fr.d_exponent:.2f} [{fr.lo:.2f}, {fr.hi:.2f}]")
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xlabel("d")
            ax.set_ylabel(f"regret at K = {int(df.episode.max()):,}")
            ax.set_title(FAMILIES[fam] + f" [{p}]", fontsize=7)
            ax.legend(fontsize=6)
    else:
        axes[2].set_visible(False)
        axes[3].set_visible(False)
    if "dr_rpo_d8_long" in data:                 # text only: the d = 8 cells to K = 10^5
        df, p = data["dr_rpo_d8_long"]
        f = plot.slopes(df, by=("env_label", "alg_label"))
        f["experiment"] = "dr_rpo_d8_long"
        kfits.append(f)
        last = df[df.episode == df.episode.max()]
        lines.append(f"dr_rpo_d8_long [{p} profile], K = {int(df.episode.max()):,}: slope over "
                     f"the last decade [95% CI], regret at K, gap of the last policy (stuck)")
        for _, r in f.iterrows():
            g = last[(last.env_label == r.env_label) & (last.alg_label == r.alg_label)]
            gap = float(g.optimal_value.iloc[0]) - g.value.to_numpy()
            lines.append(f"  {r.env_label:<10} {r.alg_label:<20} {r.slope:5.2f} [{r.lo:.2f}, "
                         f"{r.hi:.2f}]  {g.regret.mean():9.1f}  gap {gap.mean():.4f} "
                         f"({int((gap > 0.01).sum())}/{len(g)})")
    fig.suptitle("DR-RPO (reconstruction): exact robust-regularised regret; 'ellipsoidal' = "
                 "diagnostic bonus variant, not the algorithm", fontsize=8)
    stem = Path(figdir) / "dr_rpo_explore"
    paths = plot.save(fig, stem)
    csv = stem.with_name("dr_rpo_explore_fits.csv")
    allfits = pd.concat(kfits + ([dfit] if not dfit.empty else []), ignore_index=True)
    allfits.to_csv(csv, index=False)
    return {"paths": paths + [csv], "summary": "\n".join(lines), "fits": allfits,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
