r"""The bisection/Newton Euclidean projections equal the convex-solver projections.

Projections onto the simplex, the support-preserving (s,a)-rectangular L1 set
``{p in simplex(supp q), ||p - q||_1 <= k}``, the s-rectangular L1 set
``{p_a in simplex, sum_a ||p_a - q_a||_1 <= k}`` (DRPG's inner loop) and the L1 ball with a
lower bound (the parametric kernel's ``lambda``), against cvxpy/Clarabel QPs (tolerances
1e-12). Margins: largest absolute coordinate errors (<= tol). Needs cvxpy.
"""
from __future__ import annotations

import warnings

import numpy as np

from mdpsim.algorithms.drpg import proj_l1_ball
from mdpsim.kernels import robust_numba as N

STATEMENT = "Euclidean projections (simplex, sa- and s-rect L1 sets, L1 ball >= lb) = cvxpy QP"


def check(rng=0, n: int = 12, tol: float = 1e-8) -> dict:
    import cvxpy as cp
    import _lp_oracles as oracle

    gen = np.random.default_rng(rng)
    e_row = e_state = e_simplex = e_ball = 0.0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        for _ in range(n):
            m = int(gen.integers(1, 8))
            q = gen.random(m) + 0.05
            q /= q.sum()
            y = q + gen.normal(size=m) * gen.choice([0.05, 0.5, 5.0])
            k = float(gen.uniform(0.05, 0.8))
            e_row = max(e_row, float(np.max(np.abs(N.proj_l1_row(y, q, k)
                                                   - oracle.proj_l1_row(y, q, k)))))
            e_simplex = max(e_simplex, float(np.max(np.abs(N.proj_simplex(y)
                                                           - oracle.proj_l1_row(y, q, 2.0)))))
            A = int(gen.integers(2, 4))
            ms = gen.integers(1, 6, size=A)
            off = np.concatenate([[0], np.cumsum(ms)]).astype(np.int64)
            Q = np.concatenate([(lambda v: v / v.sum())(gen.random(int(mm)) + 0.05)
                                for mm in ms])
            Y = Q + gen.normal(size=off[-1]) * 0.5
            K = float(gen.uniform(0.1, 0.5)) * A
            e_state = max(e_state, float(np.max(np.abs(N.proj_l1_state(Y, Q, off, K)
                                                       - oracle.proj_l1_state(Y, Q, off, K)))))
            c = gen.uniform(0.1, 1.0, size=3)
            yb = c + gen.normal(size=3)
            v = cp.Variable(3)
            cp.Problem(cp.Minimize(cp.sum_squares(v - yb)),
                       [cp.norm(v - c, 1) <= 0.5, v >= 1e-5]).solve(
                solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
            e_ball = max(e_ball, float(np.max(np.abs(proj_l1_ball(yb, c, 0.5, 1e-5)
                                                     - v.value))))
    margins = {"sa_l1_max_error": e_row, "s_l1_max_error": e_state,
               "simplex_max_error": e_simplex, "l1_ball_lb_max_error": e_ball}
    return {"name": "projections = convex solver", "statement": STATEMENT,
            "passed": bool(max(margins.values()) <= tol), "instances": 4 * n,
            "tolerance": tol, "margins": margins}


if __name__ == "__main__":  # pragma: no cover
    print(check())
