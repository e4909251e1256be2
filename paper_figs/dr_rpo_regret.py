"""Figure: exact robust-regularised regret of DR-RPO (a reconstruction), its theory preset, its
no-bonus ablation, DR-LSVI-UCB and the non-robust RPO on the fail-state MDP and a random
d-rectangular simplex MDP — experiments/dr_rpo_regret_fail.py and dr_rpo_regret_simplex.py.

Reads stored results only (``mdpsim.load``); never runs an algorithm. One panel per instance,
log–log axes, seed mean with its 95% band, the fitted slope over the last decade of episodes
with its 95% bootstrap interval over seeds in the legend. The summary adds the verdicts
(DR-RPO slope <= 0.6, an upper limit; margin: the non-robust RPO's slope minus DR-RPO's, with
the interval gap ``RPO.lo - DR-RPO.hi``), the local slope of the seed-mean curve per half
decade (where it falls below 0.3 and stays there the regret has entered its gap-dependent,
logarithmic-looking regime) and the final regrets. Writes ``<figdir>/dr_rpo_regret.png`` /
``.pdf`` and ``dr_rpo_regret_fits.csv``.

Usage: ``mdpsim figs dr_rpo_regret`` or ``python paper_figs/dr_rpo_regret.py [--profile
quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import mdpsim
from mdpsim import plot

EXPERIMENTS = {"FailState": "dr_rpo_regret_fail", "Simplex": "dr_rpo_regret_simplex"}
ENVS = ["FailState", "FailState-b0.1", "Simplex", "Simplex-b0.1"]
ALGS = ["DR-RPO", "DR-RPO-b0.1", "DR-RPO-theory", "DR-RPO-nobonus", "DR-LSVI-UCB",
        "RPO-nominal", "RPO-nominal-b0.1"]
TITLES = {"FailState": "fail-state MDP, ρ = 0.5 (factor 4, step 1), β_reg = 0.01",
          "FailState-b0.1": "fail-state MDP, ρ = 0.5, β_reg = 0.1",
          "Simplex": "simplex S=20 A=5 d=5 H=5, ρ = 0.1, β_reg = 0.01",
          "Simplex-b0.1": "simplex S=20 A=5 d=5 H=5, ρ = 0.1, β_reg = 0.1"}
GAP_SLOPE = 0.3


def _load(results, profile):
    def get(name, p):
        try:
            return mdpsim.load(name, out=results, profile=p)
        except ValueError:
            return pd.DataFrame()
    for p in ([profile] if profile is not None else ["full", "quick"]):
        parts = [get(n, p) for n in EXPERIMENTS.values()]
        parts = [d for d in parts if not d.empty]
        if parts:
            return pd.concat(parts, ignore_index=True), p
    return pd.DataFrame(), profile or "full"


def matching(df: pd.DataFrame) -> pd.DataFrame:
    """The rows whose learner's ``beta_reg`` is the objective's (learners without one, the
    greedy DR-LSVI-UCB, are kept on every objective); labels ``-b0.1`` dropped from the
    learner names so that one colour serves both objectives."""
    import json
    envb = df.env_params.map(lambda t: json.loads(t).get("beta_reg"))
    algb = df.params.map(lambda t: json.loads(t).get("beta_reg"))
    keep = algb.isna() | (np.abs(envb.astype(float) - algb.astype(float)) < 1e-12)
    out = df[keep.to_numpy()].copy()
    out["alg_label"] = out.alg_label.str.replace("-b0.1", "", regex=False)
    return out


def local_slopes(df: pd.DataFrame) -> pd.DataFrame:
    """Slope of the seed-mean regret between consecutive half-decade points (K, 10^0.5 K)."""
    rows = []
    for (env, alg), g in df.groupby(["env_label", "alg_label"], observed=True, sort=False):
        m = g.groupby("episode").regret.mean()
        ks = m.index.to_numpy()
        grid = [k for k in (10, 30, 100, 300, 1000, 3000, 10_000, 30_000) if k < ks[-1]]
        grid.append(int(ks[-1]))
        for a, b in zip(grid[:-1], grid[1:]):
            ia = ks[np.searchsorted(ks, a)]
            ib = ks[min(np.searchsorted(ks, b), len(ks) - 1)]
            ra, rb = m.loc[ia], m.loc[ib]
            if ra > 0 and rb > 0 and ib > ia:
                rows.append({"env_label": env, "alg_label": alg, "k_from": int(ia),
                             "k_to": int(ib), "slope": np.log(rb / ra) / np.log(ib / ia)})
    return pd.DataFrame(rows)


def gap_regime_start(loc: pd.DataFrame) -> dict:
    """Per (env, alg): the first K from which every later half-decade slope is < GAP_SLOPE
    (None: never)."""
    out = {}
    for key, g in loc.groupby(["env_label", "alg_label"], sort=False):
        s = g.slope.to_numpy()
        start = None
        for j in range(len(s)):
            if np.all(s[j:] < GAP_SLOPE):
                start = int(g.k_from.iloc[j])
                break
        out[key] = start
    return out


def summary_table(fits, loc, final, profile) -> str:
    f0 = fits.iloc[0]
    lines = [f"DR-RPO is a reconstruction (docs/papers/drrpo.md §6). Fitted log-log slope of the "
             f"exact robust-regularised regret over K in [{int(f0.k_lo):,}, {int(f0.k_hi):,}], "
             f"95% bootstrap CI over {int(fits.n_seeds.min())} seeds [{profile} profile]",
             f"  {'env':<10} {'algorithm':<15} {'slope':>6}  {'95% CI':<14} {'regret(K)':>10}"
             f"  {'gap regime from K':>17}  rule/verdict"]
    start = gap_regime_start(loc)
    for _, r in fits.iterrows():
        verdict = "-" if r.passed is None else ("consistent" if r.passed else "inconsistent")
        st = start.get((r.env_label, r.alg_label))
        fr = final.get((r.env_label, r.alg_label), (np.nan, np.nan))
        lines.append(f"  {r.env_label:<10} {r.alg_label:<15} {r.slope:>6.2f}  "
                     f"[{r.lo:.2f}, {r.hi:.2f}]  {fr[0]:>10.2f}  "
                     f"{'-' if st is None else f'{st:,}':>17}  {r.rule or '-'} {verdict}")
    lines.append("margins (slope of the comparator minus DR-RPO's; interval gap "
                 "comparator.lo - DR-RPO.hi; final-regret ratio comparator / DR-RPO):")
    for env, g in fits.groupby("env_label", sort=False):
        d = g[g.alg_label == "DR-RPO"]
        if d.empty:
            continue
        d = d.iloc[0]
        for other in ("RPO-nominal", "DR-RPO-nobonus", "DR-LSVI-UCB"):
            if (env, other) not in final:
                continue
            o = g[g.alg_label == other]
            if o.empty:
                continue
            o = o.iloc[0]
            ratio = final[(env, other)][0] / final[(env, "DR-RPO")][0]
            lines.append(f"  {env:<10} {other:<15} diff {o.slope - d.slope:+.2f}  gap "
                         f"{o.lo - d.hi:+.2f}  regret ratio {ratio:.2f}")
    lines.append(f"local slopes of the seed-mean regret per half decade (gap-dependent regime: "
                 f"every later slope < {GAP_SLOPE}):")
    for (env, alg), g in loc.groupby(["env_label", "alg_label"], sort=False):
        lines.append(f"  {env:<10} {alg:<15} " + "  ".join(
            f"{int(a)}-{int(b)}: {s:.2f}" for a, b, s in zip(g.k_from, g.k_to, g.slope)))
    return "\n".join(lines)


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = _load(results, profile)
    if df.empty:
        raise ValueError(f"no stored results of {', '.join(EXPERIMENTS.values())} ({profile} "
                         f"profile) under {results}/; run `mdpsim run dr_rpo_regret_fail "
                         f"--profile quick` (and dr_rpo_regret_simplex) first")
    df["env_label"] = df.env_label.astype(str)
    df["alg_label"] = df.alg_label.astype(str)
    df = matching(df)
    envs = [e for e in ENVS if e in set(df.env_label)]
    algs = [a for a in ALGS if a in set(df.alg_label)]
    colors = plot.palette(algs)
    ncol = 2 if len(envs) > 2 else len(envs)
    fig, axes = plot.figure((len(envs) + ncol - 1) // ncol, ncol, width=4.4 * ncol,
                            height=3.5 * ((len(envs) + ncol - 1) // ncol))
    axes = axes.reshape(-1)
    fits = []
    for j, env in enumerate(envs):
        d = df[df.env_label == env]
        f = plot.slopes(d, by=("env_label", "alg_label"))
        fits.append(f)
        plot.metric_plot(d, ax=axes[j], order=algs, colors=colors, fits=f,
                         title=TITLES.get(env, env), legend=True, fontsize=6.5)
    fig.suptitle(f"DR-RPO (reconstruction): exact robust-regularised regret, seed mean and 95% "
                 f"band ({profile} profile); legend: slope over the last decade [95% CI]",
                 fontsize=8)
    stem = Path(figdir) / "dr_rpo_regret"
    paths = plot.save(fig, stem)
    fits = pd.concat(fits, ignore_index=True)
    loc = local_slopes(df)
    last = df[df.episode == df.groupby("env_label").episode.transform("max")]
    final = {k: (g.regret.mean(), g.regret.std()) for k, g in
             last.groupby(["env_label", "alg_label"], sort=False)}
    csv = stem.with_name("dr_rpo_regret_fits.csv")
    fits.to_csv(csv, index=False)
    return {"paths": paths + [csv], "summary": summary_table(fits, loc, final, profile),
            "fits": fits, "local": loc, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
