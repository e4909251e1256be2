r"""The robust Bellman operators are monotone gamma-contractions (every set, both
rectangularities).

For rectangular sets :math:`\mathcal P` and any :math:`V, W`,

.. math:: \|TV - TW\|_\infty \le \gamma \|V - W\|_\infty,\qquad
          \|T_\pi V - T_\pi W\|_\infty \le \gamma \|V - W\|_\infty,\qquad
          V \le W \Rightarrow TV \le TW,

with :math:`T` the optimal robust operator (max over policies of the min over kernels) and
:math:`T_\pi` the fixed-policy one — the basis of robust VI's certificate. Also checked:
translation equivariance :math:`T(V + c) = TV + \gamma c`. Computed with the exact compiled
backups on random instances of every kind. Margins: the smallest contraction slack
``gamma ||V - W|| - ||TV - TW||`` (>= -tol), the largest monotonicity violation and
translation error.
"""
from __future__ import annotations

import numpy as np

from mdpsim.robust import robust_bellman

from _robust_instances import robust_instances  # proofs_checks/ on sys.path

STATEMENT = ("||T V - T W|| <= gamma ||V - W|| and V <= W => T V <= T W for the optimal and "
             "fixed-policy robust Bellman operators (l1, tv, linf, l2, chi2, kl; sa and s)")


def check(rng=0, n_instances: int = 24, pairs: int = 4, tol: float = 1e-10) -> dict:
    slack = np.inf
    mono = 0.0
    trans = 0.0
    for gen, rm in robust_instances(rng, n_instances):
        g = rm.gamma
        pi = gen.dirichlet(np.ones(rm.A), size=rm.S)
        for _ in range(pairs):
            V = gen.normal(size=rm.S) * 5
            W = V + gen.normal(size=rm.S) * gen.choice([1e-3, 1.0, 10.0])
            for pol in (None, pi):
                TV = robust_bellman(rm, V, policy=pol)[0]
                TW = robust_bellman(rm, W, policy=pol)[0]
                d = np.max(np.abs(V - W))
                slack = min(slack, g * d - np.max(np.abs(TV - TW)))
                U = V + np.abs(gen.normal(size=rm.S))          # U >= V
                TU = robust_bellman(rm, U, policy=pol)[0]
                mono = max(mono, float(np.max(TV - TU)))
                c = float(gen.normal())
                TVc = robust_bellman(rm, V + c, policy=pol)[0]
                trans = max(trans, float(np.max(np.abs(TVc - TV - g * c))))
    passed = bool(slack >= -tol and mono <= tol and trans <= 1e-9)
    return {"name": "robust Bellman contraction", "statement": STATEMENT, "passed": passed,
            "instances": n_instances, "tolerance": tol,
            "margins": {"contraction_slack_min": float(slack),
                        "monotonicity_violation_max": float(mono),
                        "translation_error_max": float(trans)}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
