"""Figure: exact cumulative regret of LSVI-UCB (frozen c = 0.03, c = 0.01 and the theory constant
c = 1), greedy LSVI (β = 0), OPPO (reconstruction) and tabular UCBVI-CH on linear MDPs — experiments/lsvi_ucb_regret.py.

Reads stored results only (``mdpsim.load``); never runs an algorithm. One panel per instance,
log–log axes, seed mean with its 95% band, the fitted slope over the last decade of episodes
with its 95% bootstrap interval over seeds in the legend, each bound's rate in K (dashed).
The summary adds the verdicts: LSVI-UCB slope <= 0.6 (upper limit), and on the instances
where exploration matters (RiverSwim, hidden-factor simplex, fail-state) greedy's slope at
least 0.3 above LSVI-UCB's with disjoint intervals (greedy.lo > LSVI.hi), for the frozen
default c = 0.03 and for the post-hoc c = 0.1. Instances with several seeds
(Simplex) are fitted pooled and per instance. Writes
``<figdir>/lsvi_ucb_regret.png`` / ``.pdf`` and ``lsvi_ucb_regret_fits.csv``.

Usage: ``mdpsim figs lsvi_ucb_regret`` or ``python paper_figs/lsvi_ucb_regret.py [--profile
quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import mdpsim
from mdpsim import plot

EXPERIMENT = "lsvi_ucb_regret"
ENVS = ["RiverSwim-kernel", "RiverSwim-onehot", "Simplex", "Simplex-hidden", "FailState"]
ALGS = ["LSVI-UCB", "LSVI-UCB-c0.01", "LSVI-UCB-c0.1", "LSVI-UCB-theory", "LSVI-greedy", "OPPO",
        "UCBVI-CH"]
#: instances where exploration matters (greedy judged "linear", margin required)
HARD_EXPLORATION = {"RiverSwim-kernel": True, "RiverSwim-onehot": True, "Simplex": False,
                    "Simplex-hidden": True, "FailState": True}
MARGIN = 0.3


def _load(results, profile):
    def get(p):
        try:
            return mdpsim.load(EXPERIMENT, out=results, profile=p)
        except ValueError:
            return pd.DataFrame()
    if profile is not None:
        return get(profile), profile
    for p in ("full", "quick"):
        df = get(p)
        if not df.empty:
            return df, p
    return df, "full"


#: the tuned learners judged against greedy: the frozen default (c = 0.03) and the post-hoc
#: c = 0.1 picked on held-out hidden-factor instances (experiments/lsvi_ucb_tuning.py)
TUNED = ("LSVI-UCB", "LSVI-UCB-c0.1")


def margins(fits: pd.DataFrame) -> pd.DataFrame:
    """Per instance and tuned learner (:data:`TUNED`): greedy's slope minus the learner's,
    and the visible margin ``greedy.lo - lsvi.hi`` (both CI ends)."""
    rows = []
    for learner in TUNED:
        for env, g in fits.groupby("env_label", sort=False):
            u = g[g.alg_label == learner]
            r = g[g.alg_label == "LSVI-greedy"]
            if u.empty or r.empty:
                continue
            u, r = u.iloc[0], r.iloc[0]
            hard = HARD_EXPLORATION.get(str(env).split("[")[0], True)
            rows.append({"learner": learner, "env_label": env, "hard": hard,
                         "diff": r.slope - u.slope, "ci_gap": r.lo - u.hi,
                         "passed": bool(r.slope - u.slope >= MARGIN and r.lo - u.hi > 0.0)
                         if hard else None})
    return pd.DataFrame(rows)


def summary_table(fits: pd.DataFrame, marg: pd.DataFrame, profile: str) -> str:
    f0 = fits.iloc[0]
    lines = [f"fitted log-log slope of exact cumulative regret over K in [{int(f0.k_lo):,}, "
             f"{int(f0.k_hi):,}], 95% bootstrap CI over {int(fits.n_seeds.min())} seeds "
             f"[{profile} profile]",
             f"  {'env':<17} {'algorithm':<16} {'slope':>6}  {'95% CI':<14} {'rule':<10} verdict"]
    for _, r in fits.iterrows():
        verdict = "-" if r.passed is None else ("consistent" if r.passed else "inconsistent")
        lines.append(f"  {r.env_label:<17} {r.alg_label:<16} {r.slope:>6.2f}  "
                     f"[{r.lo:.2f}, {r.hi:.2f}]  {r.rule or '-':<10} {verdict}")
    lines.append(f"greedy LSVI minus a tuned LSVI-UCB's slope; required >= {MARGIN} with "
                 "disjoint intervals (greedy.lo > lsvi.hi) where exploration matters:")
    for _, m in marg.iterrows():
        v = "-" if m.passed is None else ("passed" if m.passed else "FAILED")
        lines.append(f"  {m.learner:<14} {m.env_label:<22} diff {m['diff']:+.2f}  "
                     f"(greedy.lo - lsvi.hi = {m.ci_gap:+.2f})  {v}")
    return "\n".join(lines)


def instances(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(pooled, per_instance)``: an env with several instances (``rng`` in its params, the
    Simplex grid) pooled under its label with one bootstrap unit per (instance, seed), and the
    same rows relabelled ``<env>[rng=i]`` for per-instance fits."""
    df = df.copy()
    rng = df.env_params.astype(str).str.extract(r'"rng": (\d+)')[0]
    multi = rng.notna() & df.groupby("env_label", observed=True).env_params.transform(
        "nunique").gt(1).to_numpy()
    df["env_label"] = df.env_label.astype(str)
    per = df[multi].copy()
    per["env_label"] = per.env_label + "[rng=" + rng[multi] + "]"
    pooled = df.copy()
    pooled.loc[multi, "seed"] = (rng[multi].astype(int) * 1000
                                 + pooled.loc[multi, "seed"].astype(int)).to_numpy()
    return pooled, per


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = _load(results, profile)
    df, per_instance = instances(df)
    if df.empty:
        raise ValueError(f"no stored results of {EXPERIMENT} ({profile} profile) under "
                         f"{results}/; run `mdpsim run {EXPERIMENT} --profile quick` first")
    envs = [e for e in ENVS if e in set(df.env_label)]
    algs = [a for a in ALGS if a in set(df.alg_label)]
    colors = plot.palette(algs)
    fig, axes = plot.figure(1, len(envs), width=3.2 * len(envs), height=3.4)
    axes = axes.reshape(-1) if hasattr(axes, "reshape") else [axes]
    fits = []
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        f = plot.slopes(d, by=("env_label", "alg_label"), hard_exploration=HARD_EXPLORATION)
        fits.append(f)
        plot.metric_plot(d, ax=axes[j], order=algs, colors=colors, fits=f,
                         title=f"{env} ({'exploration matters' if HARD_EXPLORATION[env] else 'easy'})",
                         legend=True, fontsize=6.5)
    fig.suptitle(f"Linear MDPs: exact cumulative regret, seed mean and 95% band "
                 f"({profile} profile); legend: slope over the last decade [95% CI]",
                 fontsize=8)
    stem = Path(figdir) / EXPERIMENT
    paths = plot.save(fig, stem)
    if not per_instance.empty:
        fits.append(plot.slopes(per_instance, by=("env_label", "alg_label"),
                                hard_exploration=HARD_EXPLORATION))
    fits = pd.concat(fits, ignore_index=True)
    marg = margins(fits)
    csv = stem.with_name(f"{EXPERIMENT}_fits.csv")
    fits.to_csv(csv, index=False)
    return {"paths": paths + [csv], "summary": summary_table(fits, marg, profile),
            "fits": fits, "margins": marg, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
