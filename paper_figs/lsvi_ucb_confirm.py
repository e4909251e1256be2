"""Figure: the confirmatory test of LSVI-UCB's tuned bonus preset (c = 0.1) on fresh
hidden-factor simplex instances (seeds 10..19) and on fail-state — experiments/lsvi_ucb_confirm.py.

Reads stored results only. Panels: the ten hidden-factor instances pooled (one bootstrap unit
per instance and seed), and fail-state; log–log exact cumulative regret, seed mean with its
95% band, slope over [10^3, 10^4] with its 95% bootstrap interval in the legend. The summary
applies the rule stated in the spec before the run: PASS iff the tuned slope is <= 0.6 and
greedy's slope exceeds it by >= 0.3 with disjoint intervals (greedy.lo > tuned.hi); it adds
the per-instance verdicts and the mean final regrets. Writes
``<figdir>/lsvi_ucb_confirm.png`` / ``.pdf``, ``lsvi_ucb_confirm_fits.csv`` (pooled and per
instance) and ``lsvi_ucb_confirm_verdicts.csv``.

Usage: ``python paper_figs/lsvi_ucb_confirm.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stored import load_run, save_run  # noqa: E402
from lsvi_ucb_regret import instances  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "lsvi_ucb_confirm"
ENVS = ["Simplex-hidden", "FailState"]
ALGS = ["LSVI-UCB-tuned", "LSVI-greedy", "OPPO", "LSVI-UCB-theory"]
TUNED, GREEDY = "LSVI-UCB-tuned", "LSVI-greedy"
SLOPE_MAX, MARGIN = 0.6, 0.3


def verdicts(fits: pd.DataFrame) -> pd.DataFrame:
    """Per env label (pooled and per instance): the pre-registered rule's parts and verdict."""
    rows = []
    for env, g in fits.groupby("env_label", sort=False):
        u, r = g[g.alg_label == TUNED], g[g.alg_label == GREEDY]
        if u.empty or r.empty:
            continue
        u, r = u.iloc[0], r.iloc[0]
        ok_slope = bool(u.slope <= SLOPE_MAX)
        ok_margin = bool(r.slope - u.slope >= MARGIN and r.lo > u.hi)
        rows.append({"env_label": env, "tuned_slope": u.slope, "tuned_lo": u.lo,
                     "tuned_hi": u.hi, "greedy_slope": r.slope, "greedy_lo": r.lo,
                     "margin": r.slope - u.slope, "ci_gap": r.lo - u.hi,
                     "slope_ok": ok_slope, "margin_ok": ok_margin,
                     "passed": ok_slope and ok_margin})
    return pd.DataFrame(rows)


def final_regret(df: pd.DataFrame) -> pd.DataFrame:
    last = df[df.episode == df.episode.max()]
    return (last.groupby(["env_label", "alg_label"], observed=True).regret
            .agg(["mean", "std", "count"]).reset_index())


def summary_table(fits, ver, fin, profile) -> str:
    f0 = fits.iloc[0]
    lines = [f"slope of exact cumulative regret over K in [{int(f0.k_lo):,}, {int(f0.k_hi):,}],"
             f" 95% bootstrap CI [{profile} profile]"]
    for _, r in fits[~fits.env_label.str.contains(r"\[")].iterrows():
        lines.append(f"  {r.env_label:<16} {r.alg_label:<16} {r.slope:6.2f} "
                     f"[{r.lo:.2f}, {r.hi:.2f}]  n={int(r.n_seeds)}")
    lines.append(f"pre-registered rule: tuned slope <= {SLOPE_MAX} and greedy - tuned >= "
                 f"{MARGIN} with greedy.lo > tuned.hi")
    for _, v in ver.iterrows():
        lines.append(f"  {v.env_label:<22} tuned {v.tuned_slope:.2f} [{v.tuned_lo:.2f}, "
                     f"{v.tuned_hi:.2f}] greedy {v.greedy_slope:.2f} margin {v.margin:+.2f} "
                     f"(gap {v.ci_gap:+.2f}) {'PASS' if v.passed else 'FAIL'}")
    per = ver[ver.env_label.str.contains(r"\[")]
    if not per.empty:
        lines.append(f"  per instance: {int(per.passed.sum())} of {len(per)} pass")
    lines.append("mean final regret:")
    for _, r in fin.iterrows():
        lines.append(f"  {r.env_label:<16} {r.alg_label:<16} {r['mean']:10.1f} "
                     f"(sd {r['std']:.1f}, n={int(r['count'])})")
    return "\n".join(lines)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile)
    pooled, per_instance = instances(df)
    envs = [e for e in ENVS if e in set(pooled.env_label)]
    algs = [a for a in ALGS if a in set(pooled.alg_label)]
    colors = plot.palette(algs)
    fig, axes = plot.figure(1, len(envs), width=3.6 * len(envs), height=3.4)
    axes = axes.reshape(-1)
    fits = []
    for j, env in enumerate(envs):
        d = pooled[pooled.env_label == env]
        f = plot.slopes(d, by=("env_label", "alg_label"))
        fits.append(f)
        plot.metric_plot(d, ax=axes[j], order=algs, colors=colors, fits=f,
                         title=env + (" (instances 10..19 pooled)" if env == "Simplex-hidden"
                                      else ""), legend=True, fontsize=6.5)
    fig.suptitle(f"Confirmatory test of LSVI-UCB's tuned preset c = 0.1 ({profile} profile)\n"
                 "exact cumulative regret, seed mean and 95% band; legend: slope over "
                 "[10^3, 10^4] [95% CI]", fontsize=8)
    if not per_instance.empty:
        fits.append(plot.slopes(per_instance, by=("env_label", "alg_label")))
    fits = pd.concat(fits, ignore_index=True)
    ver = verdicts(fits)
    fin = final_regret(pooled)
    paths = save_run(fig, figdir, EXPERIMENT, {"_fits": fits, "_verdicts": ver})
    return {"paths": paths, "summary": summary_table(fits, ver, fin, profile), "fits": fits,
            "verdicts": ver, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
