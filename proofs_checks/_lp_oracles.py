r"""Independent solver oracles for the robust kernels — **for tests and proofs_checks only**.

Every worst case is written as the convex program it is and handed to a general solver:
HiGHS (``scipy.optimize.linprog``) for the polyhedral sets (``l1``, ``tv``, ``linf``) and
cvxpy with Clarabel (open source, interior point, tolerances tightened to 1e-12) for ``l2``,
``chi2`` (second-order cones) and ``kl`` (exponential cone). Projections are cvxpy QPs.
This is also the "one LP per (s,a) per sweep" robust VI of the DRPG reference code, used as
the baseline in ``benchmarks/bench_robust.py``.

Needs the ``[test]`` extra (cvxpy). It lives with the checks, outside the package: nothing in the
library imports it; ``tests/`` and ``benchmarks/`` import it from here (their conftest puts
``proofs_checks/`` on the path).
"""
from __future__ import annotations

import numpy as np

from mdpsim.kernels.robust_common import L1, TV, LINF, L2, CHI2, KL, SA, RobustTrans

__all__ = ["row_lp", "row_worst", "state_worst_fixed", "state_worst_opt", "proj_l1_row",
           "proj_l1_state", "robust_backup", "robust_value_iteration_lp", "kl_dual"]

_HIGHS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
_CLARABEL = dict(tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12, tol_ktratio=1e-10,
                 max_iter=500)


def _cp():
    import cvxpy as cp
    return cp


def _solve(prob):
    cp = _cp()
    prob.solve(solver=cp.CLARABEL, **_CLARABEL)
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise RuntimeError(f"cvxpy/Clarabel did not solve the problem: {prob.status}")
    return prob


# ---------------------------------------------------------------------------- LP (HiGHS)
def _poly_lp(kind, Zs, Qs, B, weights=None, level=False):
    """One LP over the rows ``Zs, Qs`` (lists) of one state or one row.

    ``level=False``: ``min sum_a w_a z_a.p_a``. ``level=True``: ``min u`` s.t. ``z_a.p_a <= u``.
    Budget: ``sum_a D_a <= B`` (``l1``/``tv``) or ``||p_a - q_a||_inf <= B`` (``linf``).
    """
    from scipy.optimize import linprog
    import scipy.sparse as sp

    A = len(Zs)
    m = [len(z) for z in Zs]
    off = np.concatenate([[0], np.cumsum(m)])
    n = off[-1]
    w = np.ones(A) if weights is None else np.asarray(weights, dtype=np.float64)
    poly_l1 = kind in (L1, TV)
    nv = n + (n if poly_l1 else 0) + (1 if level else 0)
    c = np.zeros(nv)
    if level:
        c[-1] = 1.0
    else:
        for a in range(A):
            c[off[a]:off[a + 1]] = w[a] * Zs[a]
    Aeq = sp.lil_matrix((A, nv))
    for a in range(A):
        Aeq[a, off[a]:off[a + 1]] = 1.0
    beq = np.ones(A)
    rows, rhs = [], []
    Qcat = np.concatenate(Qs)
    bounds = [(0.0, None)] * nv
    if level:
        bounds[-1] = (None, None)
        for a in range(A):
            r = np.zeros(nv)
            r[off[a]:off[a + 1]] = Zs[a]
            r[-1] = -1.0
            rows.append(r)
            rhs.append(0.0)
    if poly_l1:
        scale = 1.0 if kind == L1 else 0.5
        for i in range(n):  # e_i >= |p_i - q_i|
            r = np.zeros(nv)
            r[i], r[n + i] = 1.0, -1.0
            rows.append(r)
            rhs.append(Qcat[i])
            r = np.zeros(nv)
            r[i], r[n + i] = -1.0, -1.0
            rows.append(r)
            rhs.append(-Qcat[i])
        r = np.zeros(nv)
        r[n:2 * n] = scale
        rows.append(r)
        rhs.append(B)
    else:  # linf: boxes
        for i in range(n):
            bounds[i] = (max(0.0, Qcat[i] - B), min(1.0, Qcat[i] + B))
    res = linprog(c, A_ub=np.array(rows) if rows else None, b_ub=np.array(rhs) if rhs else None,
                  A_eq=Aeq.tocsr(), b_eq=beq, bounds=bounds, method="highs", options=_HIGHS)
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the LP: {res.message}")
    x = res.x
    P = [x[off[a]:off[a + 1]] for a in range(A)]
    val = float(res.fun)
    return val, P


def row_lp(kind, z, q, b):
    """``min p.z`` over one row's set, by one HiGHS LP (polyhedral kinds only)."""
    val, P = _poly_lp(kind, [np.asarray(z, float)], [np.asarray(q, float)], float(b))
    return val, P[0]


# ---------------------------------------------------------------------------- cvxpy
def _divergence_terms(cp, kind, ps, qs):
    """Expressions whose sum is the s-rect budget use (or a single row's)."""
    if kind == L2:
        return cp.sum_squares(cp.hstack([p - q for p, q in zip(ps, qs)]))
    if kind == CHI2:
        return cp.sum_squares(cp.hstack([cp.multiply(1.0 / np.sqrt(q), p - q)
                                         for p, q in zip(ps, qs)]))
    if kind == KL:
        return cp.sum(cp.hstack([cp.sum(cp.rel_entr(p, q)) for p, q in zip(ps, qs)]))
    raise ValueError(kind)


def _smooth(kind, Zs, Qs, B, weights=None, level=False):
    cp = _cp()
    A = len(Zs)
    ps = [cp.Variable(len(z), nonneg=True) for z in Zs]
    cons = [cp.sum(p) == 1 for p in ps]
    if kind in (L2, CHI2):  # as a second-order cone: ||.||_2 <= sqrt(B)
        if kind == L2:
            stacked = cp.hstack([p - q for p, q in zip(ps, Qs)])
        else:
            stacked = cp.hstack([cp.multiply(1.0 / np.sqrt(q), p - q) for p, q in zip(ps, Qs)])
        cons.append(cp.norm(stacked, 2) <= np.sqrt(B))
    else:
        cons.append(_divergence_terms(cp, kind, ps, Qs) <= B)
    if level:
        u = cp.Variable()
        cons += [Zs[a] @ ps[a] <= u for a in range(A)]
        obj = u
    else:
        w = np.ones(A) if weights is None else weights
        obj = sum(w[a] * (Zs[a] @ ps[a]) for a in range(A))
    prob = _solve(cp.Problem(cp.Minimize(obj), cons))
    return float(prob.value), [np.asarray(p.value).ravel() for p in ps]


def row_worst(kind, z, q, b):
    """Oracle ``min p.z`` over one row's set (entries = candidate support)."""
    z = np.asarray(z, float)
    q = np.asarray(q, float)
    if kind in (L1, TV, LINF):
        return row_lp(kind, z, q, b)
    return _smooth(kind, [z], [q], float(b))


def state_worst_fixed(kind, Zs, Qs, pi, B):
    """Oracle for the s-rect fixed-policy problem ``min sum_a pi_a z_a.p_a``."""
    if kind in (L1, TV):
        return _poly_lp(kind, Zs, Qs, B, weights=pi)
    return _smooth(kind, Zs, Qs, B, weights=np.asarray(pi, float))


def state_worst_opt(kind, Zs, Qs, B):
    """Oracle for the s-rect optimal backup ``min_P max_a z_a.p_a`` (= max_pi min_P by the
    minimax theorem)."""
    if kind in (L1, TV):
        return _poly_lp(kind, Zs, Qs, B, level=True)
    return _smooth(kind, Zs, Qs, B, level=True)


def kl_dual(z, q, b):
    """KL worst case from its 1-D dual ``max_{lam>0} -lam log E_q exp(-z/lam) - lam b``,
    maximised by SciPy's bounded Brent search in ``log lam`` (an independent check)."""
    from scipy.optimize import minimize_scalar

    z = np.asarray(z, float)
    q = np.asarray(q, float)
    zmin = z.min()
    y = z - zmin

    def neg(loglam):
        lam = np.exp(loglam)
        return -(zmin - lam * np.log(np.sum(q * np.exp(-y / lam))) - lam * b)

    res = minimize_scalar(neg, bounds=(-30.0, 30.0), method="bounded",
                          options={"xatol": 1e-12, "maxiter": 2000})
    return float(max(-res.fun, zmin))


def proj_l1_row(y, q, k):
    """cvxpy projection onto ``{p in simplex, ||p - q||_1 <= k}``."""
    cp = _cp()
    p = cp.Variable(len(y), nonneg=True)
    prob = cp.Problem(cp.Minimize(cp.sum_squares(p - y)),
                      [cp.sum(p) == 1, cp.norm(p - q, 1) <= k])
    _solve(prob)
    return np.asarray(p.value).ravel()


def proj_l1_state(Y, Q, off, k):
    """cvxpy projection onto the s-rect L1 set of one state (rows stacked, offsets ``off``)."""
    cp = _cp()
    p = cp.Variable(len(Y), nonneg=True)
    cons = [cp.sum(p[off[a]:off[a + 1]]) == 1 for a in range(len(off) - 1)]
    cons.append(cp.norm(p - Q, 1) <= k)
    _solve(cp.Problem(cp.Minimize(cp.sum_squares(p - Y)), cons))
    return np.asarray(p.value).ravel()


# ---------------------------------------------------------------------------- sweeps
def robust_backup(RT: RobustTrans, V, c, pi=None):
    """Oracle robust Bellman sweep (stationary models): one solver call per (s,a) for sa-rect,
    one per state for s-rect. ``-> TV: float64[S]``."""
    S, A = RT.S, RT.A
    out = np.empty(S)
    for s in range(S):
        Zs, Qs = [], []
        for a in range(A):
            r = s * A + a
            lo, hi = RT.indptr[r], RT.indptr[r + 1]
            Zs.append(RT.Rb[0, s, a] + RT.rn[lo:hi] + c * V[RT.idx[lo:hi]])
            Qs.append(np.asarray(RT.q[lo:hi]))
        if RT.rect == SA:
            vals = np.array([row_worst(RT.kind, Zs[a], Qs[a], RT.budget[s * A + a])[0]
                             for a in range(A)])
            out[s] = vals.max() if pi is None else float(pi[s] @ vals)
        elif pi is None:
            out[s] = state_worst_opt(RT.kind, Zs, Qs, RT.budget[s])[0]
        else:
            out[s] = state_worst_fixed(RT.kind, Zs, Qs, pi[s], RT.budget[s])[0]
    return out


def robust_value_iteration_lp(RT: RobustTrans, gamma, tol, max_iter, V0=None):
    """Robust VI with one solver call per (s,a) (or per state) per sweep, sup-norm stopping
    ``||v_{n+1} - v_n|| < tol (1-gamma) / (2 gamma)`` (as in the DRPG reference code's RVI).
    ``-> (V, n_sweeps)``."""
    v = np.zeros(RT.S) if V0 is None else np.array(V0, float)
    for n in range(1, max_iter + 1):
        tv = robust_backup(RT, v, gamma)
        done = np.max(np.abs(tv - v)) < tol * (1.0 - gamma) / (2.0 * gamma)
        v = tv
        if done:
            return v, n
    return v, max_iter
