"""Compiled kernels (Numba), the default CPU backend.

One compiled body serves both layouts: ``dense`` selects ``P: float64[n_p, S, A, S']`` (the
per-stage product runs in BLAS ``dgemv`` through ``np.dot``, which is memory-bandwidth bound:
a hand-written loop is not faster than BLAS on dense P), otherwise the successor lists are
swept in a compiled loop (``O(nnz)`` per stage instead of ``O(S^2 A)``; the layout, not the
JIT, is where the large gains on sparse models come from).

How the successor-list sweep is kept tight (measured on the 2-core benchmark VM, Garnet
``S = 20 000, A = 10, b = 5``; ``benchmarks/bench_planning.py`` has the numbers):

* **one fused pass per stage**: ``sum_s' P V``, the reward, the max, the greedy action (and in
  value iteration the bounds of ``T v - v``) are computed row by row in a single sweep, so the
  ``S*A`` intermediate vector is never written and read back (a sweep is memory-bound: the
  successor arrays, 12 bytes per entry, do not fit in cache at this size);
* **unsigned index arithmetic**: positions and next-state indices are cast to ``uint64``
  before indexing, so Numba emits no negative-index wraparound test per load (int64 loop
  variables that start from a value read out of ``indptr`` cannot be proven non-negative);
* **fixed-width rows** (every ``(s, a)`` has the same number of successors, as in Garnet) are
  detected once per call and swept without reading ``indptr``;
* **outputs are allocated by NumPy** in the Python wrappers and filled in place: NumPy asks
  the kernel for transparent huge pages on large arrays, Numba's allocator does not, and the
  first-touch page faults of ``Q[H, S, A]`` otherwise cost as much as several stages.

Loops are serial: on the 2-core machines these suites run on, ``prange`` over states was
measured slower than serial (thread start-up and a shared memory bus). Successor indices are
read through a cached int32 copy of the (read-only) stored int64 array (:func:`_narrow`):
12 instead of 16 bytes per successor per sweep.

Linear solves (discounted policy evaluation, discounted occupancy) use LAPACK / SuperLU
through :mod:`mdpsim.kernels.reference`; nothing there is a Python loop.

All kernels use ``cache=True`` so worker processes load compiled code from disk; no
``fastmath``, float64 throughout. Sums over successors run in storage order, as in the
reference (SciPy CSR) product.
"""
from __future__ import annotations

import weakref

import numpy as np
from numba import njit

from ._common import TIE_RTOL, Trans, VIResult, stop_rule
from . import reference as _ref

_stop_rule = njit(cache=True, inline="always")(stop_rule)

__all__ = ["bellman_q", "greedy", "backward_induction", "evaluate_finite", "value_iteration",
           "evaluate_discounted", "occupancy_finite", "occupancy_discounted",
           "sample_trajectory", "policy_matrix"]

_EMPTY4 = np.zeros((0, 0, 0, 0))
_EMPTYI = np.zeros(1, dtype=np.int64)
_EMPTYF = np.zeros(0)


def _unpack(T: Trans):
    if T.kind == "dense":
        return True, T.P, _EMPTYI, _EMPTYI, _EMPTYF
    return False, _EMPTY4, T.indptr, _narrow(T.indices, T.S), T.probs


# id(indices) -> (weak reference to indices, its int32 copy); entries leave with the array.
_NARROW: dict = {}


def _narrow(ix, S: int):
    """An int32 copy of the successor indices ``ix: int64[nnz]`` when ``ix`` is frozen.

    A sweep streams ``indices`` and ``probs`` once; int32 indices cut that traffic from 16 to
    12 bytes per entry (about 10% per sweep at S = 20 000, measured). The copy is made once
    per array and kept while the array lives, and only for arrays that own their data and
    are read-only (as :class:`~mdpsim.models.SuccessorLists` stores them), so it cannot go
    stale; anything else is used as given."""
    if (ix.dtype != np.int64 or ix.flags.writeable or ix.base is not None
            or S > np.iinfo(np.int32).max):
        return ix
    key = id(ix)
    hit = _NARROW.get(key)
    if hit is not None and hit[0]() is ix:
        return hit[1]
    ix32 = ix.astype(np.int32)
    _NARROW[key] = (weakref.ref(ix, lambda _ref, k=key, d=_NARROW: d.pop(k, None)), ix32)
    return ix32


# ------------------------------------------------------------------------------ compiled core
@njit(cache=True)
def _row_width(indptr, row0, n_rows):
    """``w`` if rows ``row0 .. row0 + n_rows - 1`` all hold ``w`` successors, else -1.

    ``indptr: int64[n + 1]``. One pass over ``n_rows + 1`` entries."""
    if n_rows <= 0:
        return -1
    w = indptr[row0 + 1] - indptr[row0]
    for r in range(row0 + 1, row0 + n_rows):
        if indptr[r + 1] - indptr[r] != w:
            return -1
    return w


@njit(cache=True)
def _pv(dense, P, indptr, indices, probs, S, A, hp, V, out):
    """out[s*A + a] = sum_s' P_hp[s, a, s'] V[s']."""
    if dense:
        np.dot(P[hp].reshape((S * A, S)), V, out)
    else:
        r = np.uint64(hp * S * A)
        k = np.uint64(indptr[r])
        for i in range(S * A):
            r += np.uint64(1)
            end = np.uint64(indptr[r])
            acc = 0.0
            while k < end:
                acc += probs[k] * V[np.uint64(indices[k])]
                k += np.uint64(1)
            out[i] = acc


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
def _stage(dense, P, indptr, indices, probs, S, A, hp, width, R2, c, V, pv, Q2, mode, pi2,
           Vout, pol):
    """One stage, fused: ``Q2[s, a] = R2[s, a] + c * sum_s' P_hp[s, a, s'] V[s']`` and then,
    per state while its row is still in L1,

    * ``mode == 1``: ``Vout[s] = max_a Q2[s, a]`` and ``pol[s]`` = the greedy action;
    * ``mode == 2``: ``Vout[s] = sum_a pi2[s, a] Q2[s, a]``;
    * ``mode == 0``: nothing more.

    ``Q2: float64[S, A]``; ``width``: common successor count of the stage's rows or -1;
    ``pv: float64[S*A]`` scratch for the dense product (BLAS ``dgemv``)."""
    if dense:
        np.dot(P[hp].reshape((S * A, S)), V, pv)
    fixed = width >= 0
    w = np.uint64(max(width, 0))
    r = np.uint64(hp * S * A)
    k = np.uint64(0) if dense else np.uint64(indptr[r])
    for s in range(S):
        m = -np.inf
        for a in range(A):
            if dense:
                acc = pv[s * A + a]
            else:
                r += np.uint64(1)
                end = k + w if fixed else np.uint64(indptr[r])
                acc = 0.0
                while k < end:
                    acc += probs[k] * V[np.uint64(indices[k])]
                    k += np.uint64(1)
            x = R2[s, a] + c * acc
            Q2[s, a] = x
            if x > m:
                m = x
        if mode == 1:
            thr = m - TIE_RTOL * (1.0 + abs(m))
            ab = 0
            for a in range(A):
                if Q2[s, a] >= thr:
                    ab = a
                    break
            Vout[s] = m
            pol[s] = ab
        elif mode == 2:
            acc = 0.0
            for a in range(A):
                acc += pi2[s, a] * Q2[s, a]
            Vout[s] = acc


@njit(cache=True)
def _bellman_q(dense, P, indptr, indices, probs, S, A, hp, R, V, c, Q):
    """Fill ``Q[S, A] = R + c * P_hp V`` in place."""
    width = -1 if dense else _row_width(indptr, hp * S * A, S * A)
    pv = np.empty(S * A if dense else 0)
    _stage(dense, P, indptr, indices, probs, S, A, hp, width, R, c, V, pv, Q, 0, R,
           V[:0], np.empty(0, dtype=np.int64))


@njit(cache=True)
def _backward_induction(dense, P, indptr, indices, probs, S, A, n_p, R3, H, Q, V, policy):
    """Fill ``Q[H, S, A]``, ``V[H + 1, S]`` (``V[H] = 0``) and ``policy[H, S]`` in place."""
    width = -1 if dense else _row_width(indptr, 0, n_p * S * A)
    pv = np.empty(S * A if dense else 0)
    V[H, :] = 0.0
    for h in range(H - 1, -1, -1):
        hp = h if n_p > 1 else 0
        hr = h if R3.shape[0] > 1 else 0
        _stage(dense, P, indptr, indices, probs, S, A, hp, width, R3[hr], 1.0, V[h + 1], pv,
               Q[h], 1, R3[hr], V[h], policy[h])


@njit(cache=True)
def _evaluate_finite(dense, P, indptr, indices, probs, S, A, n_p, R3, H, pi3, Q, V):
    """Fill ``Q[H, S, A]`` and ``V[H + 1, S]`` of the policy ``pi3[n, S, A]`` in place."""
    width = -1 if dense else _row_width(indptr, 0, n_p * S * A)
    pv = np.empty(S * A if dense else 0)
    nopol = np.empty(0, dtype=np.int64)
    V[H, :] = 0.0
    for h in range(H - 1, -1, -1):
        hp = h if n_p > 1 else 0
        hr = h if R3.shape[0] > 1 else 0
        hq = h if pi3.shape[0] > 1 else 0
        _stage(dense, P, indptr, indices, probs, S, A, hp, width, R3[hr], 1.0, V[h + 1], pv,
               Q[h], 2, pi3[hq], V[h], nopol)


@njit(cache=True)
def _vi_sweep(dense, P, indptr, indices, probs, S, A, width, R, gamma, v, tv, policy, pv, q):
    """One Bellman sweep ``tv = T v`` with the greedy ``policy`` of ``v`` (fused as in
    :func:`_stage`, without storing Q); returns ``(min, max)`` of ``tv - v``.
    ``pv: float64[S*A]`` (dense) and ``q: float64[A]`` are scratch."""
    if dense:
        np.dot(P[0].reshape((S * A, S)), v, pv)
    fixed = width >= 0
    w = np.uint64(max(width, 0))
    r = np.uint64(0)
    k = np.uint64(0) if dense else np.uint64(indptr[0])
    lo = np.inf
    hi = -np.inf
    for s in range(S):
        m = -np.inf
        for a in range(A):
            if dense:
                acc = pv[s * A + a]
            else:
                r += np.uint64(1)
                end = k + w if fixed else np.uint64(indptr[r])
                acc = 0.0
                while k < end:
                    acc += probs[k] * v[np.uint64(indices[k])]
                    k += np.uint64(1)
            x = R[s, a] + gamma * acc
            q[a] = x
            if x > m:
                m = x
        thr = m - TIE_RTOL * (1.0 + abs(m))
        ab = 0
        for a in range(A):
            if q[a] >= thr:
                ab = a
                break
        tv[s] = m
        policy[s] = ab
        d = m - v[s]
        if d < lo:
            lo = d
        if d > hi:
            hi = d
    return lo, hi


@njit(cache=True)
def _policy_sweep(dense, P, indptr, indices, probs, S, A, R, gamma, policy, v, out):
    """``out = T_pi v``: ``out[s] = R[s, pi(s)] + gamma * sum_s' P[s, pi(s), s'] v[s']``."""
    for s in range(S):
        a = policy[s]
        if dense:
            acc = np.dot(P[0, s, a], v)
        else:
            acc = 0.0
            k = np.uint64(indptr[s * A + a])
            end = np.uint64(indptr[s * A + a + 1])
            while k < end:
                acc += probs[k] * v[np.uint64(indices[k])]
                k += np.uint64(1)
        out[s] = R[s, a] + gamma * acc


@njit(cache=True)
def _value_iteration(dense, P, indptr, indices, probs, S, A, R, gamma, tol, max_iter, V0,
                     sup_rule, partial_sweeps):
    width = -1 if dense else _row_width(indptr, 0, S * A)
    v = V0.copy()
    tv = np.empty(S)
    policy = np.zeros(S, dtype=np.int64)
    pv = np.empty(S * A if dense else 0)
    q = np.empty(A)
    k = gamma / (1.0 - gamma)
    gap = np.inf
    n = 0
    conv = False
    for it in range(1, max_iter + 1):
        n = it
        lo, hi = _vi_sweep(dense, P, indptr, indices, probs, S, A, width, R, gamma, v, tv,
                           policy, pv, q)
        gap = k * (hi - lo)
        v, tv = tv, v  # v <- T v (buffers swapped, no copy)
        stop, shift = _stop_rule(lo, hi, gamma, tol, sup_rule)
        if stop and not sup_rule:
            for s in range(S):
                v[s] += shift
        if stop:
            conv = True
            break
        for _ in range(partial_sweeps):  # modified policy iteration: v <- T_pi^m v
            _policy_sweep(dense, P, indptr, indices, probs, S, A, R, gamma, policy, v, tv)
            v, tv = tv, v
    return v, policy, n, gap, conv


@njit(cache=True)
def _occupancy_finite(dense, P, indptr, indices, probs, S, A, n_p, H, pi3, init, d):
    """Fill ``d[H, S, A]`` in place: ``d[h, s, a] = Pr(s_h = s, a_h = a)``."""
    width = -1 if dense else _row_width(indptr, 0, n_p * S * A)
    mu = init.copy()
    for h in range(H):
        hp = h if n_p > 1 else 0
        hq = h if pi3.shape[0] > 1 else 0
        for s in range(S):
            for a in range(A):
                d[h, s, a] = mu[s] * pi3[hq, s, a]
        dh = d[h].reshape(S * A)
        if dense:
            np.dot(dh, P[hp].reshape((S * A, S)), mu)
        else:
            mu[:] = 0.0
            r = np.uint64(hp * S * A)
            for i in range(S * A):
                w = dh[i]
                if w != 0.0:
                    if width >= 0:
                        k = np.uint64(indptr[0]) + r * np.uint64(width)
                        end = k + np.uint64(width)
                    else:
                        k = np.uint64(indptr[r])
                        end = np.uint64(indptr[r + np.uint64(1)])
                    while k < end:
                        mu[np.uint64(indices[k])] += w * probs[k]
                        k += np.uint64(1)
                r += np.uint64(1)


@njit(cache=True)
def inv_cdf(p, u):
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
    s = inv_cdf(init, u[0])
    states[0] = s
    for t in range(n):
        a = inv_cdf(pi3[t if pi3.shape[0] > 1 else 0, s], u[1 + 2 * t])
        rewards[t] = R3[t if R3.shape[0] > 1 else 0, s, a]
        hp = t if n_p > 1 else 0
        if dense:
            s = inv_cdf(P[hp, s, a], u[2 + 2 * t])
        else:
            r = (hp * S + s) * A + a
            lo = indptr[r]
            s = indices[lo + inv_cdf(probs[lo:indptr[r + 1]], u[2 + 2 * t])]
        actions[t] = a
        states[t + 1] = s
    return states, actions, rewards


# ------------------------------------------------------------------------------ public kernels
def bellman_q(T: Trans, R, V, c: float = 1.0, h: int = 0):
    """See :func:`mdpsim.kernels.reference.bellman_q`."""
    dense, P, ip, ix, pr = _unpack(T)
    Q = np.empty((T.S, T.A))
    _bellman_q(dense, P, ip, ix, pr, T.S, T.A, h if T.n_p > 1 else 0,
               np.ascontiguousarray(R), np.ascontiguousarray(V), float(c), Q)
    return Q


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
    H = int(H)
    Q = np.empty((H, T.S, T.A))
    V = np.empty((H + 1, T.S))
    policy = np.empty((H, T.S), dtype=np.int64)
    _backward_induction(dense, P, ip, ix, pr, T.S, T.A, T.n_p, np.ascontiguousarray(R3), H,
                        Q, V, policy)
    return Q, V, policy


def evaluate_finite(T: Trans, R3, H: int, pi3):
    """See :func:`mdpsim.kernels.reference.evaluate_finite`."""
    dense, P, ip, ix, pr = _unpack(T)
    H = int(H)
    Q = np.empty((H, T.S, T.A))
    V = np.empty((H + 1, T.S))
    _evaluate_finite(dense, P, ip, ix, pr, T.S, T.A, T.n_p, np.ascontiguousarray(R3), H,
                     np.ascontiguousarray(pi3, dtype=np.float64), Q, V)
    return Q, V


def value_iteration(T: Trans, R, gamma: float, tol: float, max_iter: int, V0, rule: str,
                    partial_sweeps: int = 0):
    """See :func:`mdpsim.kernels.reference.value_iteration`."""
    dense, P, ip, ix, pr = _unpack(T)
    v, pol, n, gap, conv = _value_iteration(dense, P, ip, ix, pr, T.S, T.A,
                                            np.ascontiguousarray(R), float(gamma), float(tol),
                                            int(max_iter), np.ascontiguousarray(V0, np.float64),
                                            rule == "sup", int(partial_sweeps))
    return VIResult(v, pol, int(n), float(gap), bool(conv))


def occupancy_finite(T: Trans, H: int, pi3, init):
    """See :func:`mdpsim.kernels.reference.occupancy_finite`."""
    dense, P, ip, ix, pr = _unpack(T)
    H = int(H)
    d = np.empty((H, T.S, T.A))
    _occupancy_finite(dense, P, ip, ix, pr, T.S, T.A, T.n_p, H,
                      np.ascontiguousarray(pi3, dtype=np.float64),
                      np.ascontiguousarray(init, dtype=np.float64), d)
    return d


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
