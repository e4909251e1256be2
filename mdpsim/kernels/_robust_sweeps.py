r"""Robust Bellman sweeps (compiled): one backup over all states, robust value iteration with
the certified stopping rule, exact evaluation of a fixed kernel (linear solve) and its
occupancy, and robust policy evaluation by nature's policy iteration. Used by
:mod:`mdpsim.kernels.robust_numba`.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .numba_backend import _stop_rule
from .robust_common import L1, SA, TV
from ._robust_rows import _row_order, _row_worst, _row_worst_o
from ._robust_srect import _greedy_idx, _state_fixed, _state_fixed_o, _state_opt, _state_opt_o


_EMPTY2 = np.zeros((0, 0))  # the no-policy placeholder of _backup


@njit(cache=True)
def _backup(kind, rect, S, A, hp, indptr, idx, q, rn, Rb, hr, budget, V, c, pi, fixed,
            TV_out, pig, pw):
    _backup_impl(kind, rect, S, A, hp, indptr, idx, q, rn, Rb, hr, budget, V, c, pi, fixed,
                 TV_out, pig, pw, True)


@njit(cache=True)
def _global_order(kind, S, V, c, fast):
    """``(use, gord, grank, pos)``: the once-per-sweep order of the states by ``V``
    (non-increasing) that :func:`_row_order` turns into each L1 / TV row's sort order;
    ``use`` is False (and the arrays empty) for other kinds, ``c < 0`` or a non-finite
    ``V``, where the rows are sorted one by one."""
    use = fast and (kind == L1 or kind == TV) and c >= 0.0 and V.shape[0] == S
    if use:
        for s in range(S):
            if not np.isfinite(V[s]):
                use = False
                break
    if not use:
        e = np.zeros(0, dtype=np.int64)
        return False, e, e, e
    gord = np.argsort(-V[:S])
    grank = np.empty(S, dtype=np.int64)
    for g in range(S):
        grank[gord[g]] = g
    pos = np.full(S, -1, dtype=np.int64)
    return True, gord, grank, pos


@njit(cache=True)
def _backup_impl(kind, rect, S, A, hp, indptr, idx, q, rn, Rb, hr, budget, V, c, pi, fixed,
                 TV_out, pig, pw, fast):
    """:func:`_backup`; ``fast=False`` sorts every L1 / TV row (the reference path the tests
    and ``benchmarks/bench_robust_bellman.py`` compare against, same numbers bit for bit).
    With ``fast``, a state whose transition rewards ``rn`` are all zero (then ``z`` is
    ``Rb[s,a] + c*V[idx]``, monotone in ``V``) takes its rows' sort orders from one sort of
    ``V`` per sweep (:func:`_global_order`, :func:`_row_order`)."""
    vals = np.empty(A)
    off = np.empty(A + 1, dtype=np.int64)
    pis = np.empty(A)
    use, gord, grank, pos = _global_order(kind, S, V, c, fast)
    for s in range(S):
        r0 = (hp * S + s) * A
        base = indptr[r0]
        end = indptr[r0 + A]
        Z = np.empty(end - base)
        zr = True
        for a in range(A):
            off[a] = indptr[r0 + a] - base
            for k in range(indptr[r0 + a], indptr[r0 + a + 1]):
                Z[k - base] = Rb[hr, s, a] + rn[k] + c * V[idx[k]]
                if rn[k] != 0.0:
                    zr = False
        off[A] = end - base
        Qf = q[base:end]
        P = pw[base:end]
        ordered = use and zr
        ORD = np.empty(end - base if ordered else 0, dtype=np.int64)
        if ordered:
            for a in range(A):
                lo, hi = off[a], off[a + 1]
                _row_order(Z[lo:hi], idx[base + lo:base + hi], gord, grank, pos, ORD[lo:hi])
        if rect == SA:
            for a in range(A):
                lo, hi = off[a], off[a + 1]
                if ordered:
                    vals[a] = _row_worst_o(kind, Z[lo:hi], Qf[lo:hi], budget[s * A + a],
                                           P[lo:hi], ORD[lo:hi])
                else:
                    vals[a] = _row_worst(kind, Z[lo:hi], Qf[lo:hi], budget[s * A + a],
                                         P[lo:hi])
            if fixed:
                acc = 0.0
                for a in range(A):
                    acc += pi[s, a] * vals[a]
                    pig[s, a] = pi[s, a]
                TV_out[s] = acc
            else:
                ab = _greedy_idx(vals)
                for a in range(A):
                    pig[s, a] = 0.0
                pig[s, ab] = 1.0
                TV_out[s] = vals.max()
        else:
            if fixed:
                for a in range(A):
                    pis[a] = pi[s, a]
                    pig[s, a] = pi[s, a]
                if ordered:
                    TV_out[s] = _state_fixed_o(kind, Z, Qf, off, pis, budget[s], P, ORD)
                else:
                    TV_out[s] = _state_fixed(kind, Z, Qf, off, pis, budget[s], P)
            else:
                if ordered:
                    TV_out[s] = _state_opt_o(kind, Z, Qf, off, budget[s], pis, P, ORD)
                else:
                    TV_out[s] = _state_opt(kind, Z, Qf, off, budget[s], pis, P)
                for a in range(A):
                    pig[s, a] = pis[a]


@njit(cache=True)
def _rvi(kind, rect, S, A, indptr, idx, q, rn, Rb, budget, gamma, tol, max_iter, V0,
         sup_rule):
    v = V0.copy()
    tv = np.empty(S)
    pig = np.zeros((S, A))
    pw = np.zeros(q.shape[0])
    k = gamma / (1.0 - gamma)
    gap = np.inf
    n = 0
    conv = False
    for it in range(1, max_iter + 1):
        n = it
        _backup(kind, rect, S, A, 0, indptr, idx, q, rn, Rb, 0, budget, v, gamma, _EMPTY2,
                False, tv, pig, pw)
        lo = np.inf
        hi = -np.inf
        for s in range(S):
            d = tv[s] - v[s]
            lo = min(lo, d)
            hi = max(hi, d)
        gap = k * (hi - lo)
        stop, shift = _stop_rule(lo, hi, gamma, tol, sup_rule)
        if stop and not sup_rule:
            for s in range(S):
                v[s] = tv[s] + shift
        else:
            v[:] = tv
        if stop:
            conv = True
            break
    return v, pig, n, gap, conv


@njit(cache=True)
def _kernel_system(S, A, indptr, idx, pw, rn, Rb, pi, gamma):
    """``M = I - gamma P_pi`` and ``r_pi`` of the stationary kernel ``pw`` (entries)."""
    M = np.eye(S)
    r = np.zeros(S)
    for s in range(S):
        for a in range(A):
            row = s * A + a
            w = pi[s, a]
            acc = 0.0
            tot = 0.0
            for k in range(indptr[row], indptr[row + 1]):
                M[s, idx[k]] -= gamma * w * pw[k]
                acc += pw[k] * rn[k]
                tot += pw[k]
            r[s] += w * (Rb[0, s, a] * tot + acc)
    return M, r


@njit(cache=True)
def _kernel_value(S, A, indptr, idx, pw, rn, Rb, pi, gamma):
    M, r = _kernel_system(S, A, indptr, idx, pw, rn, Rb, pi, gamma)
    return np.linalg.solve(M, r)


@njit(cache=True)
def _kernel_occupancy(S, A, indptr, idx, pw, rn, Rb, pi, gamma, init):
    M, r = _kernel_system(S, A, indptr, idx, pw, rn, Rb, pi, gamma)
    return np.linalg.solve(np.ascontiguousarray(M.T), (1.0 - gamma) * init)


@njit(cache=True)
def _reval(kind, rect, S, A, indptr, idx, q, rn, Rb, budget, gamma, pi, tol, max_iter, V0):
    v = V0.copy()
    tv = np.empty(S)
    pig = np.zeros((S, A))
    pw = np.zeros(q.shape[0])
    out = v.copy()
    k = gamma / (1.0 - gamma)
    gap = np.inf
    n = 0
    conv = False
    for it in range(1, max_iter + 1):
        n = it
        _backup(kind, rect, S, A, 0, indptr, idx, q, rn, Rb, 0, budget, v, gamma, pi, True,
                tv, pig, pw)
        lo = np.inf
        hi = -np.inf
        for s in range(S):
            d = tv[s] - v[s]
            lo = min(lo, d)
            hi = max(hi, d)
        gap = k * (hi - lo)
        stop, shift = _stop_rule(lo, hi, gamma, tol, False)
        for s in range(S):
            out[s] = tv[s] + shift
        if stop:
            conv = True
            break
        v = _kernel_value(S, A, indptr, idx, pw, rn, Rb, pi, gamma)
    return out, pw, n, gap, conv
