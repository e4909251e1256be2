r"""Robust Bellman sweeps (compiled): one backup over all states, robust value iteration with
the certified stopping rule, exact evaluation of a fixed kernel (linear solve) and its
occupancy, and robust policy evaluation by nature's policy iteration. Used by
:mod:`mdpsim.kernels.robust_numba`.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .numba_backend import _stop_rule
from .robust_common import SA
from ._robust_rows import _row_worst
from ._robust_srect import _greedy_idx, _state_fixed, _state_opt


_EMPTY2 = np.zeros((0, 0))  # the no-policy placeholder of _backup


@njit(cache=True)
def _backup(kind, rect, S, A, hp, indptr, idx, q, rn, Rb, hr, budget, V, c, pi, fixed,
            TV_out, pig, pw):
    vals = np.empty(A)
    off = np.empty(A + 1, dtype=np.int64)
    pis = np.empty(A)
    for s in range(S):
        r0 = (hp * S + s) * A
        base = indptr[r0]
        end = indptr[r0 + A]
        Z = np.empty(end - base)
        for a in range(A):
            off[a] = indptr[r0 + a] - base
            for k in range(indptr[r0 + a], indptr[r0 + a + 1]):
                Z[k - base] = Rb[hr, s, a] + rn[k] + c * V[idx[k]]
        off[A] = end - base
        Qf = q[base:end]
        P = pw[base:end]
        if rect == SA:
            for a in range(A):
                lo, hi = off[a], off[a + 1]
                vals[a] = _row_worst(kind, Z[lo:hi], Qf[lo:hi], budget[s * A + a], P[lo:hi])
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
                TV_out[s] = _state_fixed(kind, Z, Qf, off, pis, budget[s], P)
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
