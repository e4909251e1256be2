"""Duality-gap regret of MEX-MG vs K on three game classes (mdpsim.settings.markov_game),
against greedy self-play and the confidence-set comparator (Nash-VI-style optimism over a
likelihood set); slope of the seed-mean gap regret over K in [K/10, K] on log-log axes with
a 95% bootstrap interval over seeds (``mdpsim.theory.fit_slope``).

Claims (docs/papers/mex.md §9): MEX-MG's duality-gap regret is sublinear (accepted by an upper
bound, slope <= 0.6: on a well-separated finite class it is bounded); on
``exploiter_trap_class`` greedy self-play is linear (slope >= 0.9: no member's Nash pair
plays the only joint action that tells the members apart), so MEX-MG's exploiter visibly
matters. Also recorded: the max player's exploitability ``V* − V^{μ_k,†}(s_1)`` per episode,
which goes to 0 (the exploiter's value converging to the Nash value).

The game loop is a driver of its own (``GameClass.run``), not an engine learner, so this is a
script rather than a ``SPEC``: it writes the per-seed curves, the fits and a summary to
``experiments/results/mex_mg/`` (committed; ``paper_figs/mex_mg.py`` reads them).
Run: ``python experiments/mex_mg.py [quick|full]`` (quick: K = 3000, full: K = 10000; 20
seeds each; seconds on one core once compiled).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import mdpsim
from mdpsim.theory import fit_slope

INSTANCES = {"random_game_class": dict(S=4, A=2, B=2, horizon=5, M=8, rng=0),
             "pennies_chain_class": dict(S=4, horizon=6, M=8, rng=0),
             "exploiter_trap_class": dict(horizon=5, M=8, rng=0)}
LEARNERS = ("mex_mg", "mle_selfplay", "nash_optimism")
PROFILES = {"quick": dict(episodes=3_000, seeds=20), "full": dict(episodes=10_000, seeds=20)}
ROOT_SEED = 20_230_531
#: accepted: MEX-MG and the comparator slope <= 0.6 everywhere; self-play >= 0.9 on the trap
UPPER, LINEAR = 0.6, 0.9
OUT = Path(__file__).resolve().parent / "results" / "mex_mg"


def run(profile: str = "quick") -> tuple[pd.DataFrame, pd.DataFrame]:
    K, n = PROFILES[profile]["episodes"], PROFILES[profile]["seeds"]
    ks = np.unique(np.geomspace(1, K, 60).astype(np.int64))
    curves, fits = [], []
    for name, prm in INSTANCES.items():
        gc = mdpsim.make(name, **prm)
        for alg in LEARNERS:
            df = gc.run(alg, episodes=K, seeds=n, rng=ROOT_SEED)
            star = df.attrs["nash_value"]
            for s in range(n):
                d = df[df.seed == s].set_index("episode")
                lo_gap = np.diff(np.concatenate([[0.0], d.regret.to_numpy()]))  # V* − V^{μ,†}
                curves.append(pd.DataFrame({
                    "instance": name, "algorithm": alg, "seed": s, "episode": ks,
                    "gap_regret": d.gap_regret.loc[ks].to_numpy(),
                    "regret_max": d.regret.loc[ks].to_numpy(),
                    "regret_min": d.regret_min.loc[ks].to_numpy(),
                    "exploitability": lo_gap[ks - 1],
                    "nash_value": star, "eta": df.attrs["eta"]}))
            R = np.stack([df[df.seed == s].gap_regret.to_numpy() for s in range(n)])
            ep = np.arange(1, K + 1)
            final = R[:, -1]
            if final.mean() > 0:
                f = fit_slope(ep, R, rng=0)
                sl, lo, hi = f.slope, f.lo, f.hi
            else:
                sl = lo = hi = 0.0
            if alg == "mle_selfplay" and name == "exploiter_trap_class":
                rule, ok = f">= {LINEAR}", lo >= LINEAR
            elif alg == "mle_selfplay":
                rule, ok = "-", None
            else:
                rule, ok = f"<= {UPPER}", hi <= UPPER
            fits.append(dict(instance=name, algorithm=alg, K=K, seeds=n,
                             final_mean=final.mean(), final_max=final.max(),
                             final_halfwidth=1.96 * final.std(ddof=1) / np.sqrt(n),
                             slope=sl, lo=lo, hi=hi, rule=rule, passed=ok,
                             gap_per_episode_last=float(
                                 (R[:, -1] - R[:, -K // 10 - 1]).mean() / (K // 10)),
                             nash_value=star, eta=df.attrs["eta"], M=df.attrs["M"]))
    return pd.concat(curves, ignore_index=True), pd.DataFrame(fits)


def summary(fits: pd.DataFrame, profile: str) -> str:
    lines = [f"# mex_mg ({profile} profile)", "",
             "Duality-gap regret Σ_k (V^{†,ν_k} − V^{μ_k,†})(s_1), exact on the true game; slope "
             "of the seed-mean curve over [K/10, K], 95% bootstrap interval over seeds. "
             "`gap/ep (last 10%)`: mean per-episode duality gap over the last tenth. "
             "Written by `python experiments/mex_mg.py " + profile + "`.", "",
             "| instance | learner | K | seeds | final gap regret (mean ± 95%) | max | slope "
             "[95% CI] | rule | gap/ep (last 10%) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in fits.itertuples():
        verdict = "" if r.passed is None else (" ✓" if r.passed else " ✗")
        lines.append(f"| {r.instance} | {r.algorithm} | {r.K} | {r.seeds} | "
                     f"{r.final_mean:.3f} ± {r.final_halfwidth:.3f} | {r.final_max:.3f} | "
                     f"{r.slope:.3f} [{r.lo:.3f}, {r.hi:.3f}] | {r.rule}{verdict} | "
                     f"{r.gap_per_episode_last:.2e} |")
    return "\n".join(lines) + "\n"


def main(profile: str = "quick"):
    if profile not in PROFILES:
        raise SystemExit(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    curves, fits = run(profile)
    OUT.mkdir(parents=True, exist_ok=True)
    curves.to_csv(OUT / f"{profile}_curves.csv.gz", index=False, float_format="%.10g")
    fits.to_csv(OUT / f"{profile}_fits.csv", index=False)
    text = summary(fits, profile)
    (OUT / f"{profile}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main(*sys.argv[1:2])
