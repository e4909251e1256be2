r"""Optimism of LSVI-UCB (Jin, Yang, Wang, Jordan, COLT 2020, arXiv:1907.05388, Lemma B.5:
on the good event of Lemma B.3, ``Q^k_h(s, a) >= Q*_h(s, a)`` for all ``k, h, s, a``),
checked on exact ``Q*`` of small linear MDPs.

Check. Run the registered ``lsvi_ucb`` learner with the theorem's constant (``c = 1``,
``λ = 1``, ``δ = 0.05``) for ``seeds`` seeds; after every plan compare its optimistic ``Q``
(clipped at ``H - h``) with ``Q*`` computed by backward induction on ``φμ``, ``φθ``. A seed is
optimistic when ``min_{k,h,s,a} (Q^k_h - Q*_h) >= -tol``; the check passes when the share of
optimistic seeds is at least ``1 - δ`` on every instance. Margins: the smallest
``Q - Q*`` over everything, and the share of entries strictly below their cap (how much of
the check is not optimism by clipping: with ``c = 1`` most entries sit at the cap for
hundreds of episodes). For contrast (not part of ``passed``) the same numbers for the tuned
default ``c = 0.01``, for which the theorem makes no claim.

The confidence event itself (``|φᵀ(w - w*)| <= β‖φ‖_{Λ^{-1}}``) is checked by
``lsvi_confidence_event``.
"""
from __future__ import annotations

import numpy as np

import mdpsim

from _lsvi_runs import optimal_q, run_lsvi

STATEMENT = "LSVI-UCB (c = 1): Q^k_h(s,a) >= Q*_h(s,a) for all k, h, s, a on >= 1 - delta of seeds"
TOL = 1e-9
DELTA = 0.05


def _instances(rng):
    return {
        "simplex(S=10,A=3,d=3,H=3)": mdpsim.make("linear_simplex", S=10, A=3, d=3, horizon=3,
                                                 rng=rng),
        "riverswim kernel(S=4,H=5)": mdpsim.make("linear_riverswim", S=4, horizon=5,
                                                 features="kernel"),
    }


def _one(lm, K, seed, c):
    Qs = optimal_q(lm)
    H = lm.horizon
    cap = (H - np.arange(H))[:, None, None]
    st = {"min": np.inf, "below_cap": 0, "n": 0}

    def on_plan(k, ag):
        Q = ag._state.Q
        st["min"] = min(st["min"], float((Q - Qs).min()))
        st["below_cap"] += int(np.count_nonzero(Q < cap - 1e-12))
        st["n"] += Q.size

    run_lsvi(lm, K, rng=seed, on_plan=on_plan, c=c, delta=DELTA)
    return st["min"], st["below_cap"] / st["n"]


def check(rng=0, episodes: int = 300, seeds: int = 5) -> dict:
    margins = {}
    ok = True
    for name, lm in _instances(rng).items():
        for c in (1.0, 0.01):
            res = [_one(lm, episodes, rng + 17 * i, c) for i in range(seeds)]
            share = np.mean([m >= -TOL for m, _ in res])
            if c == 1.0:
                ok &= bool(share >= 1.0 - DELTA)
            tag = "theory c=1" if c == 1.0 else "tuned c=0.01 (contrast, no claim)"
            margins[f"{name}, {tag}: min Q - Q*"] = float(min(m for m, _ in res))
            margins[f"{name}, {tag}: optimistic seed share"] = float(share)
            margins[f"{name}, {tag}: share of Q below cap"] = float(np.mean([u for _, u in res]))
    return {"passed": ok, "statement": STATEMENT, "instances": list(_instances(rng)),
            "tolerance": TOL, "margins": margins}


if __name__ == "__main__":
    print(check())
