"""Figure: LPO's total transitions N(ε) and exact success rate under the ε schedule, next to
the every-round (ENIAC-style) cover, and N against d at ε = 0.1 —
experiments/lpo_sample_complexity.py (docs/papers/lpo.md §7, §8, §9).

Reads stored results only. One run = the last row of one (env, planner, ε, seed): ``N`` =
``transitions`` (every environment transition: exploration, critic roll-ins and roll-outs,
the output phase), success = exact ``gap <= ε`` of the output policy, ``capped`` = the run
hit ``max_transitions`` before its schedule finished ("not reached within N transitions";
its N is only a lower bound and it counts as not successful).

Left: N(ε) against 1/ε on log-log axes (median and inter-quartile band over seeds; capped
points drawn as triangles at the cap) with the slope-3 reference line, and the fitted exponent
of mean N on 1/ε (:func:`mdpsim.theory.sample_complexity.fit_eps_exponent`, bootstrap
interval over seeds) over the ε values where no run is capped (at least 3 needed; the fits
table also gives every planner's exponent on the common range ε ∈ {0.4, 0.2, 0.1}). Middle:
success rate against ε. Right: N against d on the simplex linear MDPs at ε = 0.1 with its
fitted exponent (same fit, ``d`` in place of ε).

Writes ``<figdir>/lpo_sample_complexity.png`` / ``.pdf``, ``lpo_sample_complexity_points.csv``
(one row per env, planner, ε), ``lpo_sample_complexity_fits.csv`` (exponents) and
``lpo_sample_complexity_d.csv`` (d-scaling). LPO and its ε schedule are reconstructions
(docs/papers/lpo.md §3, §8).

Usage: ``python paper_figs/lpo_sample_complexity.py [--profile quick|full] [--results DIR]
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
from mdpsim.theory.sample_complexity import fit_eps_exponent  # noqa: E402

EXPERIMENT = "lpo_sample_complexity"
#: line style and marker per planner label
STYLE = {"LPO": ("-", "o"), "every-round": ("--", "s"), "PC-PG": ("-.", "D"),
         "LPO-no-bonus": (":", "x")}
SMALL_EPS_SUFFIX = "-small-eps"
COMMON_EPS = (0.1, 0.2, 0.4)       # the ε every planner runs uncapped (where it can)    # the baselines' capped small-ε entries (fewer seeds)


def runs_table(df: pd.DataFrame) -> pd.DataFrame:
    """One row per run (its last row): env, planner (``X-small-eps`` merged into ``X``), eps,
    seed, N, gap, success, capped, switches, K, M, T."""
    last = df.sort_values("iteration").groupby(
        ["env_label", "alg_label", "eps", "seed"], observed=True, sort=False).tail(1)
    planner = last.alg_label.astype(str).str.replace(SMALL_EPS_SUFFIX, "", regex=False)
    out = pd.DataFrame({
        "env": last.env_label.astype(str).to_numpy(), "planner": planner.to_numpy(),
        "label": last.alg_label.astype(str).to_numpy(),
        "eps": last.eps.to_numpy(float), "seed": last.seed.to_numpy(int),
        "N": last.transitions.to_numpy(float), "gap": last.gap.to_numpy(float),
        "capped": last.capped.to_numpy(int).astype(bool),
        "switches": last.switches.to_numpy(int), "K": last.npg_iterations.to_numpy(int),
        "M": last.critic_samples.to_numpy(int), "T": last.explore_budget.to_numpy(int),
        "cap": last.max_transitions.to_numpy(float),
        "optimal_value": last.optimal_value.to_numpy(float)})
    out["success"] = (~out.capped) & (out.gap <= out.eps)
    return out


def points_table(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (env, alg, eps), g in runs.groupby(["env", "planner", "eps"], sort=True):
        done = g[~g.capped]
        rows.append({"env": env, "planner": alg, "eps": eps, "seeds": len(g),
                     "K": int(g.K.iloc[0]), "M": int(g.M.iloc[0]), "T": int(g["T"].iloc[0]),
                     "capped": int(g.capped.sum()), "cap": float(g.cap.iloc[0]),
                     "N_median": float(done.N.median()) if len(done) else float("nan"),
                     "N_q25": float(done.N.quantile(0.25)) if len(done) else float("nan"),
                     "N_q75": float(done.N.quantile(0.75)) if len(done) else float("nan"),
                     "N_min_capped": float(g.N[g.capped].min()) if g.capped.any()
                     else float("nan"),
                     "switches_median": float(g.switches.median()),
                     "success": int(g.success.sum()),
                     "success_rate": float(g.success.mean()),
                     "gap_median": float(g.gap.median()),
                     "optimal_value": float(g.optimal_value.iloc[0])})
    return pd.DataFrame(rows)


def fits_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Exponent of mean N on 1/ε per (env, planner) over the ε where no run is capped."""
    rows = []
    for (env, alg), g in runs.groupby(["env", "planner"], sort=True):
        capped = g.groupby("eps").capped.any()
        keep = sorted(capped.index[~capped.to_numpy()])
        Y = g[g.eps.isin(keep)].pivot(index="seed", columns="eps", values="N")
        Y = Y.dropna()     # seeds present at every kept ε (the baseline's ε ≤ 0.05 has 5)
        row = {"env": env, "planner": alg, "eps_fitted": " ".join(f"{e:g}" for e in keep),
               "seeds": len(Y), "exponent": float("nan"), "lo": float("nan"),
               "hi": float("nan")}
        if len(keep) >= 3 and len(Y) >= 2:
            f = fit_eps_exponent(np.asarray(Y.columns, float), Y.to_numpy(float))
            row.update(exponent=-f.exponent, lo=-f.hi, hi=-f.lo)
        # the common range ε ∈ {0.4, 0.2, 0.1} (every planner ran it): a like-for-like fit
        common = [e for e in COMMON_EPS if e in keep]
        Yc = g[g.eps.isin(common)].pivot(index="seed", columns="eps", values="N").dropna()
        row.update(exponent_common=float("nan"), lo_common=float("nan"),
                   hi_common=float("nan"))
        if len(common) == len(COMMON_EPS) and len(Yc) >= 2:
            f = fit_eps_exponent(np.asarray(Yc.columns, float), Yc.to_numpy(float))
            row.update(exponent_common=-f.exponent, lo_common=-f.hi, hi_common=-f.lo)
        rows.append(row)
    return pd.DataFrame(rows)


def d_table(df: pd.DataFrame):
    """(rows per d, fit) of the ``LPO-d`` runs: N against d at ε = 0.1."""
    g = runs_table(df[df.alg_label.astype(str) == "LPO-d"])
    if g.empty:
        return pd.DataFrame(), None
    g["d"] = [int(e.rsplit("_d", 1)[1]) for e in g.env]
    rows = []
    for d, h in g.groupby("d"):
        rows.append({"d": d, "eps": float(h.eps.iloc[0]), "seeds": len(h),
                     "K": int(h.K.iloc[0]), "M": int(h.M.iloc[0]), "T": int(h["T"].iloc[0]),
                     "N_median": float(h.N.median()), "N_q25": float(h.N.quantile(0.25)),
                     "N_q75": float(h.N.quantile(0.75)),
                     "switches_median": float(h.switches.median()),
                     "success": int(h.success.sum()), "success_rate": float(h.success.mean()),
                     "capped": int(h.capped.sum())})
    t = pd.DataFrame(rows)
    Y = g.pivot(index="seed", columns="d", values="N").dropna()
    fit = fit_eps_exponent(np.asarray(Y.columns, float), Y.to_numpy(float)) \
        if Y.shape[1] >= 3 else None
    if fit is not None:
        t["exponent"], t["lo"], t["hi"] = fit.exponent, fit.lo, fit.hi
    return t, fit


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    main = df[df.alg_label.astype(str) != "LPO-d"]
    runs = runs_table(main)
    pts = points_table(runs)
    fits = fits_table(runs)
    dtab, dfit = d_table(df)
    fig, axes = plot.figure(1, 3, width=11.0, height=3.6)
    a1, a2, a3 = np.ravel(axes)
    colors = {}
    for (env, alg), p in pts.groupby(["env", "planner"], sort=False):
        c = colors.setdefault(env, f"C{len(colors)}")
        ls, mk = STYLE.get(alg, ("-.", "x"))
        p = p.sort_values("eps")
        x = 1.0 / p.eps.to_numpy()
        ok = p.capped.to_numpy() == 0
        f = fits[(fits.env == env) & (fits.planner == alg)].iloc[0]
        lab = (f"{env} {alg}: exp {f.exponent:.2f} [{f.lo:.2f}, {f.hi:.2f}]"
               if np.isfinite(f.exponent) else f"{env} {alg}: no fit (<3 uncapped ε)")
        a1.plot(x[ok], p.N_median.to_numpy()[ok], ls, marker=mk, ms=3, color=c, label=lab)
        a1.fill_between(x[ok], p.N_q25.to_numpy()[ok], p.N_q75.to_numpy()[ok], color=c,
                        alpha=0.2, lw=0)
        if (~ok).any():
            a1.plot(x[~ok], p.cap.to_numpy()[~ok], "^", color=c, ms=7, mfc="none")
            a1.plot(x[~ok], p.cap.to_numpy()[~ok], mk, color=c, ms=3)
        a2.plot(p.eps, p.success_rate, ls, marker=mk, ms=3, color=c, label=f"{env} {alg}")
    lp = pts[(pts.planner == "LPO") & (pts.capped == 0)]
    if len(lp):
        x0 = 1.0 / lp.eps.max()
        y0 = lp[lp.eps == lp.eps.max()].N_median.median()
        xs = np.array([x0, 1.0 / lp.eps.min()])
        a1.plot(xs, y0 * (xs / x0) ** 3, ":", color="k", lw=1, label="slope 3 (theorem)")
    a1.set_xscale("log")
    a1.set_yscale("log")
    a1.set_xticks([2.5, 5, 10, 20, 40], labels=["2.5", "5", "10", "20", "40"])
    a1.minorticks_off()
    a1.set_xlabel("1/ε")
    a1.set_ylabel("total transitions N (median, IQR)")
    a1.set_title("N(ε): LPO solid, every-round dashed, PC-PG dash-dot, no bonus dotted; "
                 "△ = capped", fontsize=6)
    a1.legend(fontsize=4.2, loc="lower right")
    a2.set_xscale("log")
    a2.set_xticks([0.025, 0.05, 0.1, 0.2, 0.4], labels=["0.025", "0.05", "0.1", "0.2", "0.4"])
    a2.minorticks_off()
    a2.set_ylim(-0.03, 1.03)
    a2.set_xlabel("ε")
    a2.set_ylabel("success rate P(V* − V^π ≤ ε), exact")
    a2.set_title("success (capped runs count as failures)", fontsize=7)
    a2.legend(fontsize=4.5)
    if len(dtab):
        a3.plot(dtab.d, dtab.N_median, "-o", ms=3, color="C3",
                label=(f"LPO ε = {dtab.eps.iloc[0]:g}: exp {dfit.exponent:.2f} "
                       f"[{dfit.lo:.2f}, {dfit.hi:.2f}]" if dfit else "LPO"))
        a3.fill_between(dtab.d, dtab.N_q25, dtab.N_q75, color="C3", alpha=0.2, lw=0)
        for _, r in dtab.iterrows():
            a3.annotate(f"{int(r.success)}/{int(r.seeds)}", (r.d, r.N_median), fontsize=5,
                        textcoords="offset points", xytext=(3, -8))
        a3.set_xscale("log", base=2)
        a3.set_yscale("log")
        a3.set_xticks([4, 8, 16], labels=["4", "8", "16"])
        a3.minorticks_off()
        a3.legend(fontsize=5)
    a3.set_xlabel("d (simplex linear MDP, S = 20, A = 5)")
    a3.set_ylabel("total transitions N")
    a3.set_title("d-scaling at fixed ε (labels: successes)", fontsize=7)
    fig.suptitle(f"LPO (reconstruction) sample complexity under the ε schedule "
                 f"(tuned constants), γ = 0.9 ({profile} profile)", fontsize=8)
    paths = save_run(fig, figdir, EXPERIMENT, {"_points": pts, "_fits": fits, "_d": dtab})
    return {"paths": paths, "profile": profile, "points": pts, "fits": fits, "d": dtab,
            "summary": pts.to_string(index=False) + "\n\n" + fits.to_string(index=False)
            + "\n\n" + dtab.to_string(index=False)}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
