"""Figure: LPO's policy switches against the exploration stream length t, next to the
every-round (ENIAC-style) cover and the PC-PG-style cover (profiles ``baselines`` /
``baselines_full``) — experiments/lpo_switches.py (docs/papers/lpo.md §5, §7).

Reads stored results only. For each run, ``switches(t)`` = number of switch rows with
``explore_transitions <= t``, at log-spaced checkpoints ``t`` from 10^3 to the run's budget.
Left: switches vs t on a log-x axis (median and inter-quartile band over seeds): a straight
line is growth linear in ln t. Right: the same on log-log axes with the fitted exponents of
:func:`mdpsim.theory.fit_slope` (window "all", bootstrap interval over seeds): LPO's exponent
is far below 1, the every-round cover's is 1. Fits per environment: ``switches = a + b ln t``
(least squares on the seed mean; slope ``b`` with a percentile bootstrap interval over seeds,
and R^2). Writes ``<figdir>/lpo_switches.png`` / ``.pdf`` and ``lpo_switches.csv`` (one row
per environment and planner) and ``lpo_switches_eps.csv`` (first-passage sample counts:
success rate and median total transitions until every later output policy is eps-optimal,
eps in {0.4, 0.2, 0.1, 0.05, 0.025}, with the fitted exponent of N on 1/eps where no seed is
censored — at the run's fixed hyper-parameters, not the theory's eps-schedule).

LPO is a reconstruction (docs/papers/lpo.md §3).

Usage: ``python paper_figs/lpo_switches.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import save_run  # noqa: E402

import mdpsim  # noqa: E402
from mdpsim import plot  # noqa: E402
from mdpsim.theory import fit_slope  # noqa: E402

EXPERIMENT = "lpo_switches"
T_MIN = 1_000
#: line style per planner family: LPO solid, every-round dashed, PC-PG dotted
STYLES = (("LPO", "-"), ("every-round", "--"), ("PC-PG", ":"))


def style(label: str) -> str:
    return next((ls for pre, ls in STYLES if label.startswith(pre)), "-.")


def switch_curves(df, n_points: int = 25):
    """``{(env, planner): (t[m], switches[n_seeds, m], runs)}`` at log-spaced checkpoints."""
    out = {}
    for (env, alg), g in df.groupby(["env_label", "alg_label"], sort=False, observed=True):
        T = int(g.budget.max())
        t = np.unique(np.geomspace(T_MIN, T, n_points).astype(np.int64))
        rows, runs = [], []
        for seed, r in g.groupby("seed", sort=True):
            pos = np.sort(r.loc[r.switched == 1, "explore_transitions"].to_numpy())
            rows.append(np.searchsorted(pos, t, side="right"))
            runs.append(r.sort_values("iteration").iloc[-1])
        out[(str(env), str(alg))] = (t, np.asarray(rows, dtype=np.float64), pd.DataFrame(runs))
    return out


def log_fit(t, Y, *, n_boot: int = 2000, rng=0):
    """``mean switches = a + b ln t``: ``(b, lo, hi, R^2)``, interval by bootstrap over seeds."""
    x = np.log(t.astype(np.float64))
    xc = x - x.mean()

    def slope(m):
        return float((m - m.mean()) @ xc / (xc @ xc))
    m = Y.mean(axis=0)
    b = slope(m)
    a = m.mean() - b * x.mean()
    ss = ((m - m.mean()) ** 2).sum()
    r2 = 1.0 - ((m - a - b * x) ** 2).sum() / ss if ss > 0 else float("nan")
    g = np.random.default_rng(rng)
    n = Y.shape[0]
    bs = [slope(Y[g.integers(0, n, n)].mean(axis=0)) for _ in range(n_boot)] if n > 1 else []
    lo, hi = (np.quantile(bs, [0.025, 0.975]) if bs else (np.nan, np.nan))
    return b, float(lo), float(hi), float(r2)


def table(curves):
    rows = []
    for (env, alg), (t, Y, runs) in curves.items():
        b, lo, hi, r2 = log_fit(t, Y)
        try:
            f = fit_slope(t, np.maximum(Y, 1e-12), window="all")
            e, elo, ehi = f.slope, f.lo, f.hi
        except ValueError:
            e = elo = ehi = float("nan")
        final = Y[:, -1]
        rows.append({"env": env, "planner": alg, "seeds": Y.shape[0], "T": int(t[-1]),
                     "switches_median": float(np.median(final)),
                     "switches_q25": float(np.quantile(final, 0.25)),
                     "switches_q75": float(np.quantile(final, 0.75)),
                     "switches_min": float(final.min()), "switches_max": float(final.max()),
                     "switches_at_1e4_mean": float(Y[:, np.searchsorted(t, 10_000)
                                                     if t[-1] >= 10_000 else -1].mean()),
                     "slope_ln_t": b, "slope_lo": lo, "slope_hi": hi, "r2_ln_t": r2,
                     "loglog_exponent": e, "loglog_lo": elo, "loglog_hi": ehi,
                     "kept_median": float(runs.kept.median()),
                     "transitions_median": float(runs.transitions.median()),
                     "final_gap_median": float(runs.gap.median()),
                     "final_gap_max": float(runs.gap.max()),
                     "optimal_value": float(runs.optimal_value.iloc[0])})
    return pd.DataFrame(rows)


EPS = (0.4, 0.2, 0.1, 0.05, 0.025)


def settle_table(df, eps_grid=EPS):
    """Per (env, planner, seed, eps): ``N`` = total transitions (exploration + critic) at the
    first output policy after which every output policy of the run is eps-optimal (exact
    gap), ``censored`` when the run's last output is not eps-optimal. First-passage counts at
    the run's fixed hyper-parameters, not the theory's eps-schedule."""
    rows = []
    for (env, alg, seed), r in df.groupby(["env_label", "alg_label", "seed"], sort=False,
                                          observed=True):
        r = r.sort_values("iteration")
        gap = r.gap.to_numpy()
        tr = r.transitions.to_numpy()
        for e in eps_grid:
            bad = np.flatnonzero(gap > e)
            if bad.size and bad[-1] == gap.size - 1:
                rows.append({"env": str(env), "planner": str(alg), "seed": int(seed),
                             "eps": e, "N": float(tr[-1]), "censored": True})
            else:
                j = 0 if not bad.size else bad[-1] + 1
                rows.append({"env": str(env), "planner": str(alg), "seed": int(seed),
                             "eps": e, "N": float(tr[j]), "censored": False})
    return pd.DataFrame(rows)


def settle_summary(st):
    """Success rate and median N per (env, planner, eps); fitted exponent of mean N on eps
    (:func:`mdpsim.theory.sample_complexity.fit_eps_exponent`, bootstrap over seeds) on the
    eps values where no seed is censored (needs 3)."""
    from mdpsim.theory.sample_complexity import fit_eps_exponent
    rows = []
    for (env, alg), g in st.groupby(["env", "planner"], sort=False):
        ok = g.groupby("eps").censored.any()
        keep = sorted(ok.index[~ok.to_numpy()])
        fit = None
        if len(keep) >= 3:
            Y = g[g.eps.isin(keep)].pivot(index="seed", columns="eps", values="N")
            try:
                fit = fit_eps_exponent(np.asarray(Y.columns, float), Y.to_numpy(float))
            except ValueError:
                fit = None
        for e, h in g.groupby("eps"):
            rows.append({"env": env, "planner": alg, "eps": e,
                         "success": float((~h.censored).mean()),
                         "N_median": float(h.N[~h.censored].median()) if (~h.censored).any()
                         else float("nan"),
                         "exponent": -fit.exponent if fit else float("nan"),
                         "exp_lo": -fit.hi if fit else float("nan"),
                         "exp_hi": -fit.lo if fit else float("nan")})
    return pd.DataFrame(rows)


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
    curves = switch_curves(df)
    t_tab = table(curves)
    fig, axes = plot.figure(1, 2, width=8.0, height=3.4)
    a1, a2 = np.ravel(axes)
    colors = {}
    for (env, alg), (t, Y, _) in curves.items():
        c = colors.setdefault(env, f"C{len(colors)}")
        ls = style(alg)
        med = np.median(Y, axis=0)
        q1, q3 = np.quantile(Y, [0.25, 0.75], axis=0)
        row = t_tab[(t_tab.env == env) & (t_tab.planner == alg)].iloc[0]
        for ax in (a1, a2):
            ax.fill_between(t, q1, q3, color=c, alpha=0.2, lw=0)
        a1.plot(t, med, ls, color=c, label=f"{env} {alg}: b={row.slope_ln_t:.1f}, "
                                           f"R²={row.r2_ln_t:.3f}")
        a2.plot(t, np.maximum(med, 0.5), ls, color=c,
                label=f"{env} {alg}: exp {row.loglog_exponent:.2f} "
                      f"[{row.loglog_lo:.2f}, {row.loglog_hi:.2f}]")
    a1.set_xscale("log")
    a1.set_yscale("linear")
    a1.set_xlabel("exploration transitions t")
    a1.set_ylabel("policy switches (median, IQR band)")
    a1.set_title("switches vs ln t (solid: LPO, dashed: every round, dotted: PC-PG)",
                 fontsize=7)
    lpo_max = [np.median(Y, axis=0).max() for (e, a), (t, Y, _) in curves.items()
               if a.startswith("LPO")]
    if lpo_max:      # a profile with only the every-round baseline keeps the default limits
        a1.set_ylim(0, 1.1 * max(lpo_max))
    a1.legend(fontsize=5)
    a2.set_xscale("log")
    a2.set_yscale("log")
    a2.set_xlabel("exploration transitions t")
    a2.set_ylabel("policy switches")
    a2.set_title("log-log: fitted exponent [95% bootstrap]", fontsize=7)
    a2.legend(fontsize=5)
    phase = ""
    if {"K", "M"} <= set(df.columns) and df.K.nunique() == 1 and df.M.nunique() == 1:
        phase = f", NPG phase K = {int(df.K.iloc[0])}, M = {int(df.M.iloc[0])} for all"
    fig.suptitle(f"LPO (reconstruction) policy switches, gamma = 0.9 ({profile} profile"
                 f"{phase})", fontsize=8)
    eps_tab = settle_summary(settle_table(df))
    paths = save_run(fig, figdir, EXPERIMENT, {"": t_tab, "_eps": eps_tab})
    cols = ["env", "planner", "seeds", "T", "switches_median", "slope_ln_t", "slope_lo",
            "slope_hi", "r2_ln_t", "loglog_exponent", "loglog_lo", "loglog_hi",
            "final_gap_median"]
    return {"paths": paths, "summary": t_tab[cols].to_string(index=False)
            + "\n\n" + eps_tab.to_string(index=False), "table": t_tab, "eps_table": eps_tab,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
