r"""Bounded regret on a well-separated finite class (docs/papers/mex.md §4): once η·NLL has
refuted every member whose optimal policy is wrong, MEX plays the truth's policy for ever, so
its regret stops growing (a fitted slope near 0, accepted by the upper bound 0.6); the same
for MEX-MG's duality-gap regret on the exploiter trap (§9), where greedy self-play is linear.

Statement. (1) MEX on ``riverswim_class`` and ``garnet_class`` (M = 16): fitted slope of
the seed-mean regret over [K/10, K] with its 95% bootstrap upper end <= 0.6, and the regret
added over the second half <= ``frac`` × the regret at K/2. (2) MEX-MG on
``exploiter_trap_class``: no duality gap in the second half; greedy self-play's slope >= 0.9.
"""
from __future__ import annotations

import numpy as np

import mdpsim
from mdpsim.theory import fit_slope

STATEMENT = ("MEX regret slope <= 0.6 (95% upper end) and second-half increment <= frac x "
             "half-way regret on well-separated classes; MEX-MG gap-free second half on the "
             "exploiter trap, self-play slope >= 0.9")


def check(rng=0, episodes: int = 2000, seeds: int = 10, frac: float = 0.1) -> dict:
    margins, ok = {}, True
    for name, prm in (("riverswim_class", dict(S=5, horizon=10, M=16, rng=0)),
                      ("garnet_class", dict(S=8, A=3, b=3, horizon=10, M=16, rng=0))):
        df = mdpsim.run("mex", mdpsim.make(name, **prm), episodes=episodes, seeds=seeds,
                        rng=rng, eval_every="every")
        R = np.stack([df[df.seed == s].regret.to_numpy() for s in range(seeds)])
        f = fit_slope(np.arange(1, episodes + 1), R, rng=0)
        half = R[:, episodes // 2 - 1].mean()
        inc = R[:, -1].mean() - half
        margins[f"{name} slope upper slack"] = 0.6 - f.hi
        margins[f"{name} second-half slack"] = frac * half - inc
        ok &= f.hi <= 0.6 and inc <= frac * half
    gc = mdpsim.make("exploiter_trap_class", horizon=5, M=8, rng=0)
    mx = gc.run("mex_mg", episodes=episodes, seeds=seeds, rng=rng)
    late = float(mx[mx.episode > episodes // 2].gap.max())
    sp = gc.run("mle_selfplay", episodes=episodes, seeds=seeds, rng=rng)
    R = np.stack([sp[sp.seed == s].gap_regret.to_numpy() for s in range(seeds)])
    f = fit_slope(np.arange(1, episodes + 1), R, rng=0)
    margins["trap MEX-MG max second-half gap (<= 1e-9)"] = 1e-9 - late
    margins["trap self-play slope lower slack"] = f.lo - 0.9
    ok &= late <= 1e-9 and f.lo >= 0.9
    return {"passed": bool(ok), "statement": STATEMENT,
            "instances": f"riverswim_class, garnet_class, exploiter_trap_class; K={episodes}, "
                         f"{seeds} seeds", "tolerance": frac, "margins": margins}
