"""Compiled kernels (Numba), the default CPU backend.

One compiled body serves both layouts: ``dense`` selects ``P: float64[n_p, S, A, S']`` (the
per-stage product runs in BLAS ``dgemv``, which is memory-bandwidth bound — a hand-written
loop is not faster than BLAS on dense P), otherwise the successor lists are swept in a
compiled loop (``O(nnz)`` per stage instead of ``O(S^2 A)``; the layout, not the JIT, is
where the large gains on sparse models come from). Loops are serial: on the 2-core machines
these suites run on, ``prange`` over states was measured slower than serial for S <= 50 000.

Linear solves (discounted policy evaluation, discounted occupancy) use LAPACK / SuperLU
through :mod:`mdpsim.kernels.reference`; nothing there is a Python loop.

All kernels use ``cache=True`` so worker processes load compiled code from disk; no
``fastmath``, float64 throughout.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._common import TIE_RTOL, Trans, VIResult
from . import reference as _ref

__all__ = ["bellman_q", "greedy", "backward_induction", "evaluate_finite", "value_iteration",
           "evaluate_discounted", "occupancy_finite", "occupancy_discounted",
           "sample_trajectory", "policy_matrix"]

_EMPTY4 = np.zeros((0, 0, 0, 0))
_EMPTYI = np.zeros(1, dtype=np.int64)
_EMPTYF = np.zeros(0)


def _unpack(T: Trans):
    if T.kind == "dense":
        return True, T.P, _EMPTYI, _EMPTYI, _EMPTYF
    return False, _EMPTY4, T.indptr, T.indices, T.probs


# ------------------------------------------------------------------------------ compiled core
@njit(cache=True)
def _pv(dense, P, indptr, indices, probs, S, A, hp, V, out):
    """out[s*A + a] = sum_s' P_hp[s, a, s'] V[s']."""
    if dense:
        out[:] = np.dot(P[hp].reshape((S * A, S)), V)
    else:
        row0 = hp * S * A
        for r in range(S * A):
            acc = 0.0
            for k in range(indptr[row0 + r], indptr[row0 + r + 1]):
                acc += probs[k] * V[indices[k]]
            out[r] = acc


@njit(cache=True)
def _greedy_row(q):
    """(max, lowest index within TIE_RTOL * (1 + |max|) of the max) of q: float64[A]."""
    m = q[0]
    for a in range(1, q.shape[0]):
        if q[a] > m:
            m = q[a]
    thr = m - TIE_RTOL * (1.0 + abs(m))
    for a in range(q.shape[0]):
        if q[a] >= thr:
            return m, a
    return m, 0


@njit(cache=True)
def _greedy_all(Q, out):
    for s in range(Q.shape[0]):
        m, a = _greedy_row(Q[s])
        out[s] = a


@njit(cache=True)
def _bellman_q(dense, P, indptr, indices, probs, S, A, hp, R, V, c):
    pv = np.empty(S * A)
    _pv(dense, P, indptr, indices, probs, S, A, hp, V, pv)
    Q = np.empty((S, A))
    for s in range(S):
        for a in range(A):
            Q[s, a] = R[s, a] + c * pv[s * A + a]
    return Q


@njit(cache=True)
def _backward_induction(dense, P, indptr, indices, probs, S, A, n_p, R3, H):
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    policy = np.empty((H, S), dtype=np.int64)
    pv = np.empty(S * A)
    for h in range(H - 1, -1, -1):
        hp = h if n_p > 1 else 0
        hr = h if R3.shape[0] > 1 else 0
        _pv(dense, P, indptr, indices, probs, S, A, hp, V[h + 1], pv)
        for s in range(S):
            for a in range(A):
                Q[h, s, a] = R3[hr, s, a] + pv[s * A + a]
            m, ab = _greedy_row(Q[h, s])
            V[h, s] = m
            policy[h, s] = ab
    return Q, V, policy


@njit(cache=True)
def _evaluate_finite(dense, P, indptr, indices, probs, S, A, n_p, R3, H, pi3):
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    pv = np.empty(S * A)
    for h in range(H - 1, -1, -1):
        hp = h if n_p > 1 else 0
        hr = h if R3.shape[0] > 1 else 0
        hq = h if pi3.shape[0] > 1 else 0
        _pv(dense, P, indptr, indices, probs, S, A, hp, V[h + 1], pv)
        for s in range(S):
            acc = 0.0
            for a in range(A):
                q = R3[hr, s, a] + pv[s * A + a]
                Q[h, s, a] = q
                acc += pi3[hq, s, a] * q
            V[h, s] = acc
    return Q, V


@njit(cache=True)
def _value_iteration(dense, P, indptr, indices, probs, S, A, R, gamma, tol, max_iter, V0,
                     sup_rule):
    v = V0.copy()
    tv = np.empty(S)
    policy = np.zeros(S, dtype=np.int64)
    pv = np.empty(S * A)
    q = np.empty(A)
    k = gamma / (1.0 - gamma)
    gap = np.inf
    n = 0
    conv = False
    for it in range(1, max_iter + 1):
        n = it
        _pv(dense, P, indptr, indices, probs, S, A, 0, v, pv)
        lo = np.inf
        hi = -np.inf
        for s in range(S):
            for a in range(A):
                q[a] = R[s, a] + gamma * pv[s * A + a]
            m, ab = _greedy_row(q)
            tv[s] = m
            policy[s] = ab
            d = m - v[s]
            if d < lo:
                lo = d
            if d > hi:
                hi = d
        gap = k * (hi - lo)
        if sup_rule:
            stop = 2.0 * gamma * max(hi, -lo) < tol * (1.0 - gamma)
            v[:] = tv
        else:
            stop = gamma * (hi - lo) < tol * (1.0 - gamma)
            if stop:
                v[:] = tv + k * 0.5 * (hi + lo)
            else:
                v[:] = tv
        if stop:
            conv = True
            break
    return v, policy, n, gap, conv


@njit(cache=True)
def _occupancy_finite(dense, P, indptr, indices, probs, S, A, n_p, H, pi3, init):
    d = np.empty((H, S, A))
    mu = init.copy()
    for h in range(H):
        hp = h if n_p > 1 else 0
        hq = h if pi3.shape[0] > 1 else 0
        for s in range(S):
            for a in range(A):
                d[h, s, a] = mu[s] * pi3[hq, s, a]
        if dense:
            mu = np.dot(d[h].reshape(S * A), P[hp].reshape((S * A, S)))
        else:
            mu = np.zeros(S)
            row0 = hp * S * A
            for r in range(S * A):
                w = d[h].reshape(S * A)[r]
                if w != 0.0:
                    for k in range(indptr[row0 + r], indptr[row0 + r + 1]):
                        mu[indices[k]] += w * probs[k]
    return d


@njit(cache=True)
def _inv_cdf(p, u):
    c = 0.0
    last = -1
    for j in range(p.shape[0]):
        if p[j] > 0.0:
            c += p[j]
            last = j
            if u < c:
                return j
    return last


@njit(cache=True)
def _sample(dense, P, indptr, indices, probs, S, A, n_p, R3, pi3, init, u):
    n = (u.shape[0] - 1) // 2
    states = np.empty(n + 1, dtype=np.int64)
    actions = np.empty(n, dtype=np.int64)
    rewards = np.empty(n)
    s = _inv_cdf(init, u[0])
    states[0] = s
    for t in range(n):
        a = _inv_cdf(pi3[t if pi3.shape[0] > 1 else 0, s], u[1 + 2 * t])
        rewards[t] = R3[t if R3.shape[0] > 1 else 0, s, a]
        hp = t if n_p > 1 else 0
        if dense:
            s = _inv_cdf(P[hp, s, a], u[2 + 2 * t])
        else:
            r = (hp * S + s) * A + a
            lo = indptr[r]
            s = indices[lo + _inv_cdf(probs[lo:indptr[r + 1]], u[2 + 2 * t])]
        actions[t] = a
        states[t + 1] = s
    return states, actions, rewards


# ------------------------------------------------------------------------------ public kernels
def bellman_q(T: Trans, R, V, c: float = 1.0, h: int = 0):
    """See :func:`mdpsim.kernels.reference.bellman_q`."""
    dense, P, ip, ix, pr = _unpack(T)
    return _bellman_q(dense, P, ip, ix, pr, T.S, T.A, h if T.n_p > 1 else 0,
                      np.ascontiguousarray(R), np.ascontiguousarray(V), float(c))


def greedy(Q):
    """See :func:`mdpsim.kernels.reference.greedy`."""
    Q = np.ascontiguousarray(Q)
    flat = Q.reshape(-1, Q.shape[-1])
    out = np.empty(flat.shape[0], dtype=np.int64)
    _greedy_all(flat, out)
    return out.reshape(Q.shape[:-1])


def backward_induction(T: Trans, R3, H: int):
    """See :func:`mdpsim.kernels.reference.backward_induction`."""
    dense, P, ip, ix, pr = _unpack(T)
    return _backward_induction(dense, P, ip, ix, pr, T.S, T.A, T.n_p, R3, int(H))


def evaluate_finite(T: Trans, R3, H: int, pi3):
    """See :func:`mdpsim.kernels.reference.evaluate_finite`."""
    dense, P, ip, ix, pr = _unpack(T)
    return _evaluate_finite(dense, P, ip, ix, pr, T.S, T.A, T.n_p, R3, int(H),
                            np.ascontiguousarray(pi3, dtype=np.float64))


def value_iteration(T: Trans, R, gamma: float, tol: float, max_iter: int, V0, rule: str):
    """See :func:`mdpsim.kernels.reference.value_iteration`."""
    dense, P, ip, ix, pr = _unpack(T)
    v, pol, n, gap, conv = _value_iteration(dense, P, ip, ix, pr, T.S, T.A,
                                            np.ascontiguousarray(R), float(gamma), float(tol),
                                            int(max_iter), np.ascontiguousarray(V0, np.float64),
                                            rule == "sup")
    return VIResult(v, pol, int(n), float(gap), bool(conv))


def occupancy_finite(T: Trans, H: int, pi3, init):
    """See :func:`mdpsim.kernels.reference.occupancy_finite`."""
    dense, P, ip, ix, pr = _unpack(T)
    return _occupancy_finite(dense, P, ip, ix, pr, T.S, T.A, T.n_p, int(H),
                             np.ascontiguousarray(pi3, dtype=np.float64), init)


def sample_trajectory(T: Trans, R3, pi3, init, u):
    """See :func:`mdpsim.kernels.reference.sample_trajectory`."""
    dense, P, ip, ix, pr = _unpack(T)
    return _sample(dense, P, ip, ix, pr, T.S, T.A, T.n_p, R3,
                   np.ascontiguousarray(pi3, dtype=np.float64), init,
                   np.ascontiguousarray(u, dtype=np.float64))


# Linear solves are LAPACK/SuperLU calls in every CPU backend.
evaluate_discounted = _ref.evaluate_discounted
occupancy_discounted = _ref.occupancy_discounted
policy_matrix = _ref.policy_matrix
