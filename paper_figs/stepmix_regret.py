"""Figure: exact cumulative regret of StepMix, EpsMix (reconstructions of arXiv:2306.06265),
budget-conservative UCBVI, UCBVI-CH (unconstrained) and the baseline alone, on RiverSwim
(S=6, H=20) and Garnet G(10, 3, 3) (H=10), α in {0.05, 0.1, 0.2} — experiments/stepmix_regret.py.

Reads stored results only. ``stepmix_regret.png``: rows = environments, columns = α; log–log
axes, seed mean with its 95% band (t interval), the log–log slope fitted over the last 60 % of
episodes (the rule for conservative methods; early episodes are baseline play) with its 95%
bootstrap CI over seeds in the legend, and the √K rate of the unconstrained bound as a dashed
reference anchored at the end of the window. ``stepmix_overhead.png``: the regret overhead
relative to UCBVI-CH, ``(Reg(K) - Reg_UCBVI(K)) / Reg_UCBVI(K)``, vs K, one line per
algorithm and α. Also writes ``stepmix_regret_fits.csv`` (slopes over the last 60 % and over
the last decade) and ``stepmix_overhead.csv``.

Usage: ``mdpsim figs stepmix_regret`` or ``python paper_figs/stepmix_regret.py [--profile
quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stepmix_common import COLORS, RECON, load, need  # noqa: E402

from mdpsim import plot  # noqa: E402
from mdpsim.theory import fit_slope  # noqa: E402

EXPERIMENT = "stepmix_regret"
ENVS = ["RiverSwim", "Garnet"]
ALPHAS = [0.05, 0.1, 0.2]
SERIES = ["StepMix", "StepMix-switch", "EpsMix", "Budget", "UCBVI-CH", "Baseline"]
#: algorithms whose curve does not depend on α (drawn in every column)
ALPHA_FREE = ("UCBVI-CH", "Baseline")


def _series(df, env, alpha):
    d = df[df.env_label == env]
    out = {}
    for lab in SERIES:
        g = d[d.alg_label == lab]
        if lab not in ALPHA_FREE:
            g = g[np.isclose(g.alpha.astype(float), alpha)]
        if not g.empty:
            out[lab] = g
    return out


def _fit(g, window):
    ep, mat = plot.seed_matrix(g, "regret")
    return fit_slope(ep, mat, window=window, n_boot=1000, rng=0)


def fits_table(df) -> pd.DataFrame:
    rows = []
    for env in ENVS:
        for alpha in ALPHAS:
            for lab, g in _series(df, env, alpha).items():
                if lab in ALPHA_FREE and alpha != 0.1:
                    continue
                for name, win in (("last60%", "last_fraction"), ("last_decade",
                                                                  "last_decade")):
                    f = _fit(g, win)
                    rows.append({"env_label": env, "alg_label": lab,
                                 "alpha": np.nan if lab in ALPHA_FREE else alpha,
                                 "window": name, "slope": f.slope, "lo": f.lo, "hi": f.hi,
                                 "k_lo": f.k_lo, "k_hi": f.k_hi, "n_seeds": f.n_seeds,
                                 "regret_K": float(g[g.episode == g.episode.max()]
                                                   .regret.mean())})
    return pd.DataFrame(rows)


def overhead_table(df) -> pd.DataFrame:
    rows = []
    for env in ENVS:
        d = df[df.env_label == env]
        u = d[d.alg_label == "UCBVI-CH"].groupby("episode").regret.mean()
        for lab in ("StepMix", "StepMix-switch", "EpsMix", "Budget"):
            for alpha in ALPHAS:
                g = d[(d.alg_label == lab) & np.isclose(d.alpha.astype(float), alpha)]
                if g.empty:
                    continue
                m = g.groupby("episode").regret.mean()
                k = m.index.intersection(u.index)
                for e in k:
                    rows.append({"env_label": env, "alg_label": lab, "alpha": alpha,
                                 "episode": int(e), "regret": m[e], "regret_ucbvi": u[e],
                                 "overhead": m[e] - u[e],
                                 "relative_overhead": (m[e] - u[e]) / u[e]})
    return pd.DataFrame(rows)


def summary(fits, over, profile) -> str:
    n = int(fits.n_seeds.min()) if len(fits) else 0
    lines = [f"log-log slope of the exact cumulative regret, 95% bootstrap CI over {n} seeds "
             f"[{profile} profile]; reconstructions of arXiv:2306.06265",
             f"  {'env':<10} {'algorithm':<15} {'alpha':>5}  {'last 60%':<22} "
             f"{'last decade':<22} {'Reg(K)':>9}"]
    for (env, lab, a), g in fits.groupby(["env_label", "alg_label", "alpha"], dropna=False,
                                         sort=False):
        r6 = g[g.window == "last60%"].iloc[0]
        rd = g[g.window == "last_decade"].iloc[0]
        a_txt = "-" if not np.isfinite(a) else f"{a:g}"
        lines.append(f"  {env:<10} {lab:<15} {a_txt:>5}  {r6.slope:5.2f} [{r6.lo:.2f}, "
                     f"{r6.hi:.2f}]{'':<5} {rd.slope:5.2f} [{rd.lo:.2f}, {rd.hi:.2f}]"
                     f"{'':<5} {r6.regret_K:9.0f}")
    if len(over):
        k_max = int(over.episode.max())
        targets = [k for k in (1_000, 10_000) if k < k_max]
        where = " and ".join(f"10^{len(str(k)) - 1}" for k in targets)
        lines.append("  relative regret overhead vs UCBVI-CH, (Reg - Reg_UCBVI) / Reg_UCBVI, "
                     + (f"at the recorded episodes nearest to {where}, and " if targets
                        else "") + f"at the last episode K = {k_max}:")
        for (env, lab, a), g in over.groupby(["env_label", "alg_label", "alpha"], sort=False):
            g = g.set_index("episode")
            pts = []
            for k in targets + [int(g.index.max())]:
                kk = g.index[np.argmin(np.abs(g.index - k))]
                pts.append(f"K={kk:>6}: {g.loc[kk, 'relative_overhead']:+.3f}")
            lines.append(f"    {env:<10} {lab:<15} alpha={a:<5g} " + "  ".join(pts))
    return "\n".join(lines)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load(EXPERIMENT, results, profile)
    need(df, EXPERIMENT, profile)
    envs = [e for e in ENVS if e in set(df.env_label)]
    fig, axes = plot.figure(len(envs), len(ALPHAS), width=10.0, height=3.3 * len(envs))
    for i, env in enumerate(envs):
        for j, alpha in enumerate(ALPHAS):
            ax = axes[i, j]
            ser = _series(df, env, alpha)
            cv_all = {}
            for lab, g in ser.items():
                cv = plot.curves(g, "regret", by=("alg_label",))
                x = cv.episode.to_numpy(float)
                f = _fit(g, "last_fraction")
                col = COLORS.get(lab, "k")
                ax.plot(x, cv["mean"], color=col, lw=1.3,
                        label=f"{lab}: {f.slope:.2f} [{f.lo:.2f}, {f.hi:.2f}]")
                ax.fill_between(x, cv["lo"], cv["hi"], color=col, alpha=0.2, lw=0)
                cv_all[lab] = (x, cv["mean"].to_numpy(), f)
            if "UCBVI-CH" in cv_all:
                x, y, f = cv_all["UCBVI-CH"]
                kk = np.geomspace(f.k_lo, f.k_hi, 20)
                y_hi = float(np.interp(f.k_hi, x, y))
                ax.plot(kk, y_hi * 2.0 * np.sqrt(kk / f.k_hi), color="0.2", lw=1.0,
                        ls=(0, (4, 2)), label="√K rate (×2 UCBVI-CH at K)")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("episode K")
            ax.set_ylabel("cumulative regret (exact)")
            ax.grid(True, alpha=0.3, lw=0.5)
            ax.set_title(f"{env}, α = {alpha:g}", fontsize=9)
            ax.legend(fontsize=6.2, loc="upper left", frameon=False,
                      title="slope, last 60% [95% CI]", title_fontsize=6.5)
    n = int(df.groupby(["env_label", "alg_label", "alg_params"], observed=True)
            .seed.nunique().min())
    fig.suptitle(f"Exact cumulative regret, seed mean and 95% band ({n} seeds, {profile} "
                 f"profile); V^b = 0.7 V*, tuned widths (bonus 0.003, certificate 0.1).\n"
                 f"{RECON}.", fontsize=8)
    stem = Path(figdir) / EXPERIMENT
    paths = plot.save(fig, stem)

    over = overhead_table(df)
    fig2, ax2 = plot.figure(2, len(envs), width=9.0, height=6.4)
    styles = {0.05: ":", 0.1: "-", 0.2: "--"}
    for j, env in enumerate(envs):
        o = over[over.env_label == env]
        for (lab, a), g in o.groupby(["alg_label", "alpha"], sort=False):
            for row, col in ((0, "relative_overhead"), (1, "overhead")):
                ax2[row, j].plot(g.episode, g[col], color=COLORS.get(lab, "k"),
                                 ls=styles.get(a, "-"), lw=1.2, label=f"{lab}, α={a:g}")
        for row, ylab in ((0, "(Reg − Reg_UCBVI) / Reg_UCBVI"), (1, "Reg − Reg_UCBVI")):
            ax = ax2[row, j]
            ax.axhline(0.0, color="0.4", lw=0.6)
            ax.set_xscale("log")
            ax.set_xlabel("episode K")
            ax.set_ylabel(ylab)
            ax.set_title(f"{env}: {'relative' if row == 0 else 'absolute'} overhead",
                         fontsize=9)
            ax.grid(True, alpha=0.3, lw=0.5)
        ax2[0, j].legend(fontsize=6, frameon=False, ncol=2)
    fig2.suptitle(f"Regret overhead of the conservative learners over UCBVI-CH (seed means, "
                  f"{profile} profile): relative (top) and absolute (bottom; flat = "
                  f"K-independent).\n{RECON}.", fontsize=7.5)
    paths += plot.save(fig2, Path(figdir) / "stepmix_overhead")

    fits = fits_table(df)
    csv = stem.with_name(f"{EXPERIMENT}_fits.csv")
    fits.to_csv(csv, index=False)
    csv2 = stem.with_name("stepmix_overhead.csv")
    over.to_csv(csv2, index=False)
    return {"paths": paths + [csv, csv2], "summary": summary(fits, over, profile),
            "fits": fits, "overhead": over, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
