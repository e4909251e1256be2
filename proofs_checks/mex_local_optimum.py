r"""The local-optimum caveat of model-free tabular MEX and its certificate
(mdpsim.algorithms.mex_tabular; docs/papers/mex.md §8).

Statement. On random tiny MDPs with random counts, the "linearise and plan" ascent is
monotone and stops at a fixed point; the upper bound ``U = max_π V^π_{P̂, r + g(1, n)}``
dominates every policy's objective ``J``; whenever the fixed point reaches ``U`` (the
certificate) it is the global maximiser found by enumerating all ``A^{SH}`` deterministic
policies. Reported (not part of ``passed``): the fraction of fixed points that are global, by η.
"""
from __future__ import annotations

import itertools

import numpy as np

from mdpsim.algorithms.mex_tabular import ascent, empirical_kernel, objective, upper_bound

STATEMENT = ("ascent monotone; U >= max J; certificate J >= U - tol implies global optimum "
             "(exhaustive enumeration)")


def _instance(g, S, A, H):
    Nsas = g.integers(0, 4, size=(H, S, A, S)).astype(float)
    N = Nsas.sum(-1)
    P = empirical_kernel(N, Nsas, np.zeros((H, S, A, S)))
    return P, g.uniform(0, 1, (1, S, A)), np.eye(S)[0], N


def check(rng=0, instances: int = 60, tol: float = 1e-9) -> dict:
    g = np.random.default_rng(rng)
    margins, ok = {}, True
    worst_mono = worst_U = np.inf
    for eta in (0.01, 1.0, 100.0):
        hit = tot = 0
        for _ in range(instances):
            S, A, H = int(g.integers(2, 4)), 2, int(g.integers(2, 4))
            P, R3, init, N = _instance(g, S, A, H)
            q = np.zeros((H, S, A))
            pols = [np.array(c, np.int64).reshape(H, S)
                    for c in itertools.product(range(A), repeat=S * H)]
            Jmax = max(objective(P, R3, init, N, eta, p, q) for p in pols)
            U = upper_bound(P, R3, init, N, eta)
            worst_U = min(worst_U, U - Jmax)
            pol = g.integers(0, A, (H, S)).astype(np.int64)
            J0 = objective(P, R3, init, N, eta, pol, q)
            J, _ = ascent(P, R3, init, N, eta, pol, 1000)
            worst_mono = min(worst_mono, J - J0)
            glob = J >= Jmax - tol
            if J >= U - tol and not glob:
                ok = False
            hit += glob
            tot += 1
        margins[f"global fraction eta={eta:g}"] = hit / tot
    margins["min (J_fixed - J_start)"] = worst_mono
    margins["min (U - max J)"] = worst_U
    ok &= worst_mono >= -tol and worst_U >= -tol
    return {"passed": bool(ok), "statement": STATEMENT,
            "instances": f"{3 * instances} random tiny MDPs (S 2-3, A 2, H 2-3)",
            "tolerance": tol, "margins": margins}
