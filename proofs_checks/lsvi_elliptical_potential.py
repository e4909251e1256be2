r"""Elliptical potential lemma (Abbasi-Yadkori et al. 2011, Lemma 11; used in Jin et al.,
COLT 2020, arXiv:1907.05388, proof of Thm 3.1), on LSVI-UCB's own feature sequences.

Statement. For ``φ_1, ..., φ_K ∈ R^d`` with ``‖φ_k‖_2 <= 1``, ``Λ_1 = λI``,
``Λ_{k+1} = Λ_k + φ_k φ_kᵀ`` and ``λ >= 1``:

.. math:: \sum_{k=1}^K \min\big(1, \|\phi_k\|^2_{\Lambda_k^{-1}}\big)
          \le 2 d \log\big(1 + K/(d\lambda)\big).

Check. Run the registered ``lsvi_ucb`` learner (tuned and theory constants) on simplex linear
MDPs (``‖φ‖_2 <= 1``) and on linear RiverSwim (one-hot); at every step ``h`` the features it
plays form a sequence and ``Λ_k`` is the learner's own stage-``h`` Gram matrix before the
update (its Sherman–Morrison inverse). Passes when the slack ``rhs - lhs`` is ``>= 0`` for
every (instance, constant, stage); margins report the smallest slack and the smallest
relative slack.
"""
from __future__ import annotations

import math

import numpy as np

import mdpsim

from _lsvi_runs import run_lsvi

STATEMENT = "sum_k min(1, ||phi_k||^2_{Lambda_k^-1}) <= 2 d log(1 + K/(d lambda)), per stage h"


def _instances(rng):
    return {
        "simplex(S=20,A=5,d=5,H=5)": mdpsim.make("linear_simplex", S=20, A=5, d=5, horizon=5,
                                                 rng=rng),
        "simplex(S=30,A=4,d=8,H=4)": mdpsim.make("linear_simplex", S=30, A=4, d=8, horizon=4,
                                                 rng=rng + 1),
        "riverswim one-hot(S=4,H=6)": mdpsim.make("linear_riverswim", S=4, horizon=6),
    }


def check(rng=0, episodes: int = 400) -> dict:
    margins = {}
    ok = True
    for name, lm in _instances(rng).items():
        for c in (0.01, 1.0):
            quad, big = run_lsvi(lm, episodes, rng=rng, c=c)
            assert big <= 1.0 + 1e-12, f"{name}: ||phi|| = {big} > 1"
            K, d = episodes, lm.d
            rhs = 2.0 * d * math.log(1.0 + K / d)          # lambda = 1
            lhs = np.minimum(1.0, quad).sum(axis=0)         # per stage
            slack = rhs - lhs
            ok &= bool(np.all(slack >= 0.0))
            margins[f"{name}, c={c}: min slack"] = float(slack.min())
            margins[f"{name}, c={c}: max lhs/rhs"] = float((lhs / rhs).max())
    return {"passed": ok, "statement": STATEMENT, "instances": list(_instances(rng)),
            "tolerance": 0.0, "margins": margins}


if __name__ == "__main__":
    print(check())
