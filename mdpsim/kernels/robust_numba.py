r"""Robust kernels, compiled (Numba): the same algorithms as :mod:`.robust_reference`.

The maths of every set is in :mod:`mdpsim.kernels.robust_common`; the public functions have
the signatures of the reference module and agree with it to 1e-10 (tests). Row and state
solvers work on flat arrays (a state's rows are contiguous in the CSR layout, with local
offsets ``off[A+1]``); sweeps are serial loops (the per-row work is a sort of a few entries;
threads do not pay at the sizes these suites run). ``cache=True`` everywhere, no fastmath,
float64 throughout, inputs never written.

This module is the public face (the backend namespace that
:func:`mdpsim.robust.planning.get_robust_backend` returns); the compiled code lives in one
module per responsibility:

* :mod:`._robust_rows` — one row of an (s,a)-rectangular set;
* :mod:`._robust_srect` — one state of an s-rectangular set (fixed policy and optimal);
* :mod:`._robust_sweeps` — backups, robust value iteration, kernel value / occupancy solves,
  robust policy evaluation;
* :mod:`._projections` — Euclidean projections onto the simplex and the L1 sets (DRPG);
* :mod:`._drpg_inner` — DRPG's inner projected gradient ascent on the kernel
  (:mod:`mdpsim.algorithms.drpg`).
"""
from __future__ import annotations

import numpy as np

from ._drpg_inner import _drpg_inner
from ._projections import _proj_l1_state, _proj_simplex
from ._robust_rows import _row_worst
from ._robust_srect import _state_fixed, _state_opt
from ._robust_sweeps import _EMPTY2, _backup, _kernel_occupancy, _kernel_value, _reval, _rvi
from .robust_common import LINF, RobustTrans, RVIResult, REvalResult

#: the compiled robust backup sweep (one stage, all states), for compiled callers such as the
#: robust setting's evaluator: ``backup_sweep(kind, rect, S, A, hp, indptr, idx, q, rn, Rb,
#: hr, budget, V, c, pi, fixed, TV, pi_greedy, p_worst)`` (see :mod:`._robust_sweeps`)
backup_sweep = _backup

__all__ = ["backup_sweep", "row_worst", "state_worst_fixed", "state_worst_opt", "robust_backup",
           "robust_value_iteration", "robust_evaluate", "robust_backward_induction",
           "robust_evaluate_finite", "kernel_value", "kernel_occupancy", "proj_simplex",
           "proj_l1_row", "proj_l1_state", "drpg_inner", "row_worst_kernel"]



# ============================================================================ public API
def _rt(RT: RobustTrans):
    return (RT.kind, RT.rect, RT.S, RT.A, RT.indptr, RT.idx, RT.q, RT.rn, RT.Rb, RT.budget)


#: The compiled row solver itself (``kind, z, q, b, p -> value``, fills ``p``), for compiled
#: callers in other packages (the d-rectangular KL / chi-square factors,
#: :mod:`mdpsim.robust.linear`).
row_worst_kernel = _row_worst


def row_worst(kind: int, z, q, b: float):
    """See :func:`mdpsim.kernels.robust_reference.row_worst`."""
    z = np.ascontiguousarray(z, dtype=np.float64)
    q = np.ascontiguousarray(q, dtype=np.float64)
    p = np.empty_like(q)
    return float(_row_worst(int(kind), z, q, float(b), p)), p


def _flat(Z, Q):
    off = np.zeros(len(Z) + 1, dtype=np.int64)
    off[1:] = np.cumsum([len(z) for z in Z])
    return (np.ascontiguousarray(np.concatenate(Z), dtype=np.float64),
            np.ascontiguousarray(np.concatenate(Q), dtype=np.float64), off)


def state_worst_fixed(kind: int, Z, Q, pi, B: float):
    """See :func:`mdpsim.kernels.robust_reference.state_worst_fixed`."""
    if kind == LINF:
        raise ValueError("s-rectangular linf is stored as (s,a)-rectangular")
    Zf, Qf, off = _flat(Z, Q)
    P = np.empty_like(Qf)
    val = _state_fixed(int(kind), Zf, Qf, off, np.ascontiguousarray(pi, dtype=np.float64),
                       float(B), P)
    return float(val), [P[off[a]:off[a + 1]] for a in range(len(Z))]


def state_worst_opt(kind: int, Z, Q, B: float):
    """See :func:`mdpsim.kernels.robust_reference.state_worst_opt`."""
    if kind == LINF:
        raise ValueError("s-rectangular linf is stored as (s,a)-rectangular")
    Zf, Qf, off = _flat(Z, Q)
    P = np.empty_like(Qf)
    pi = np.empty(len(Z))
    val = _state_opt(int(kind), Zf, Qf, off, float(B), pi, P)
    return float(val), pi, [P[off[a]:off[a + 1]] for a in range(len(Z))]


def robust_backup(RT: RobustTrans, V, c: float, h: int = 0, pi=None):
    """See :func:`mdpsim.kernels.robust_reference.robust_backup`."""
    S, A = RT.S, RT.A
    TVo = np.empty(S)
    pig = np.zeros((S, A))
    pw = np.zeros(RT.q.shape[0])
    hp = h if RT.n_p > 1 else 0
    hr = h if RT.Rb.shape[0] > 1 else 0
    fixed = pi is not None
    pi2 = np.ascontiguousarray(pi, dtype=np.float64) if fixed else _EMPTY2
    _backup(RT.kind, RT.rect, S, A, hp, RT.indptr, RT.idx, RT.q, RT.rn, RT.Rb, hr, RT.budget,
            np.ascontiguousarray(V, dtype=np.float64), float(c), pi2, fixed, TVo, pig, pw)
    return TVo, pig, pw


def robust_value_iteration(RT: RobustTrans, gamma: float, tol: float, max_iter: int, V0,
                           rule: str = "span") -> RVIResult:
    """See :func:`mdpsim.kernels.robust_reference.robust_value_iteration`."""
    v, pi, n, gap, conv = _rvi(*_rt(RT), float(gamma), float(tol), int(max_iter),
                               np.ascontiguousarray(V0, dtype=np.float64), rule == "sup")
    return RVIResult(v, pi, int(n), float(gap), bool(conv))


def kernel_value(RT: RobustTrans, pw, pi, gamma: float):
    """See :func:`mdpsim.kernels.robust_reference.kernel_value`."""
    return _kernel_value(RT.S, RT.A, RT.indptr, RT.idx, np.ascontiguousarray(pw, np.float64),
                         RT.rn, RT.Rb, np.ascontiguousarray(pi, np.float64), float(gamma))


def kernel_occupancy(RT: RobustTrans, pw, pi, gamma: float, init):
    """See :func:`mdpsim.kernels.robust_reference.kernel_occupancy`."""
    return _kernel_occupancy(RT.S, RT.A, RT.indptr, RT.idx,
                             np.ascontiguousarray(pw, np.float64), RT.rn, RT.Rb,
                             np.ascontiguousarray(pi, np.float64), float(gamma),
                             np.ascontiguousarray(init, np.float64))


def robust_evaluate(RT: RobustTrans, gamma: float, pi, tol: float, max_iter: int,
                    V0=None) -> REvalResult:
    """See :func:`mdpsim.kernels.robust_reference.robust_evaluate`."""
    pi = np.ascontiguousarray(pi, dtype=np.float64)
    v0 = kernel_value(RT, RT.q, pi, gamma) if V0 is None else \
        np.ascontiguousarray(V0, dtype=np.float64)
    out, pw, n, gap, conv = _reval(*_rt(RT), float(gamma), pi, float(tol), int(max_iter), v0)
    return REvalResult(out, pw, int(n), float(gap), bool(conv))


def robust_backward_induction(RT: RobustTrans, H: int):
    """See :func:`mdpsim.kernels.robust_reference.robust_backward_induction`."""
    V = np.zeros((H + 1, RT.S))
    pi = np.zeros((H, RT.S, RT.A))
    for h in range(H - 1, -1, -1):
        V[h], pi[h], _ = robust_backup(RT, V[h + 1], 1.0, h)
    return V, pi


def robust_evaluate_finite(RT: RobustTrans, H: int, pi3):
    """See :func:`mdpsim.kernels.robust_reference.robust_evaluate_finite`."""
    V = np.zeros((H + 1, RT.S))
    for h in range(H - 1, -1, -1):
        V[h], _, _ = robust_backup(RT, V[h + 1], 1.0, h, pi3[h if pi3.shape[0] > 1 else 0])
    return V

def proj_simplex(y):
    """See :func:`mdpsim.kernels.robust_reference.proj_simplex`."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    out = np.empty_like(y)
    _proj_simplex(y, out)
    return out


def proj_l1_row(y, q, k: float):
    """See :func:`mdpsim.kernels.robust_reference.proj_l1_row`."""
    y = np.ascontiguousarray(y, dtype=np.float64)
    q = np.ascontiguousarray(q, dtype=np.float64)
    P = np.empty_like(y)
    _proj_l1_state(y, q, np.array([0, y.shape[0]], dtype=np.int64), float(k), P)
    return P


def proj_l1_state(Y, Q, off, k: float):
    """See :func:`mdpsim.kernels.robust_reference.proj_l1_state`."""
    Y = np.ascontiguousarray(Y, dtype=np.float64)
    P = np.empty_like(Y)
    _proj_l1_state(Y, np.ascontiguousarray(Q, dtype=np.float64),
                   np.ascontiguousarray(off, dtype=np.int64), float(k), P)
    return P

def drpg_inner(RT: RobustTrans, pi, gamma: float, init, beta: float, tol: float,
               max_iter: int, certified: bool = False, p0=None):
    """See :func:`mdpsim.kernels.robust_reference.drpg_inner`."""
    p0 = RT.q if p0 is None else p0
    p, v, n, gap = _drpg_inner(RT.kind, RT.rect, RT.S, RT.A, RT.indptr, RT.idx, RT.q, RT.rn,
                               RT.Rb, RT.budget, np.ascontiguousarray(pi, np.float64),
                               float(gamma), np.ascontiguousarray(init, np.float64),
                               float(beta), float(tol), int(max_iter), bool(certified),
                               np.ascontiguousarray(p0, np.float64))
    return p, v, int(n), float(gap)
