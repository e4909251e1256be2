r"""The exact worst cases equal the LP / convex-solver optimum.

Sort-based rules (``l1`` on the nominal support, ``tv``, ``linf``) against one HiGHS LP per
row; the 1-D-dual solvers (``l2``, ``chi2``, ``kl``) and the s-rectangular level-set and
allocation solvers against cvxpy/Clarabel (tolerances 1e-12), on random rows and states; the
s-rectangular saddle-point policy attains the max-min value. Margins: largest absolute errors
(<= tol). Needs the ``[test]`` extra (cvxpy).
"""
from __future__ import annotations

import warnings

import numpy as np

from mdpsim.kernels import robust_numba as N
from mdpsim.kernels.robust_common import L1, TV, LINF, L2, CHI2, KL, KIND_NAMES

STATEMENT = ("sort rule = LP (l1, tv, linf); dual/bisection = cvxpy (l2, chi2, kl); s-rect "
             "fixed-policy and optimal backups = cvxpy; saddle policy attains the value")


def _row(gen, m):
    q = gen.random(m) + 0.05
    q /= q.sum()
    return gen.normal(size=m) * 3.0, q


def check(rng=0, n_rows: int = 10, n_states: int = 4, tol: float = 1e-8) -> dict:
    import _lp_oracles as oracle

    gen = np.random.default_rng(rng)
    errs = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        for kind in (L1, TV, LINF, L2, CHI2, KL):
            e = 0.0
            for _ in range(n_rows):
                z, q = _row(gen, int(gen.integers(1, 8)))
                b = float(gen.uniform(0.01, 0.6))
                v = N.row_worst(kind, z, q, b)[0]
                vo = (oracle.row_lp(kind, z, q, b) if kind in (L1, TV, LINF)
                      else oracle.row_worst(kind, z, q, b))[0]
                e = max(e, abs(v - vo))
            errs[f"sa_{KIND_NAMES[kind]}"] = e
        for kind in (L1, TV, L2, CHI2, KL):
            e = es = 0.0
            for _ in range(n_states):
                A = int(gen.integers(2, 4))
                rows = [_row(gen, int(gen.integers(1, 6))) for _ in range(A)]
                Z, Q = [r[0] for r in rows], [r[1] for r in rows]
                B = float(gen.uniform(0.1, 0.5)) * A
                pi = gen.dirichlet(np.ones(A))
                e = max(e, abs(N.state_worst_fixed(kind, Z, Q, pi, B)[0]
                               - oracle.state_worst_fixed(kind, Z, Q, pi, B)[0]))
                u, pis, _ = N.state_worst_opt(kind, Z, Q, B)
                e = max(e, abs(u - oracle.state_worst_opt(kind, Z, Q, B)[0]))
                es = max(es, abs(N.state_worst_fixed(kind, Z, Q, pis, B)[0] - u))
            errs[f"s_{KIND_NAMES[kind]}"] = e
            errs[f"s_{KIND_NAMES[kind]}_saddle"] = es
    passed = bool(max(errs.values()) <= tol)
    return {"name": "worst case = LP/convex oracle", "statement": STATEMENT, "passed": passed,
            "instances": 6 * n_rows + 5 * n_states, "tolerance": tol,
            "margins": {f"{k}_max_error": float(v) for k, v in errs.items()}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
