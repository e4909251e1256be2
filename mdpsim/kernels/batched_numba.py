r"""Batched planning kernels, compiled (Numba): the batch axis of
:mod:`mdpsim.kernels.batched_reference`, each element computed by the single-model kernel of
:mod:`mdpsim.kernels.numba_backend` (so a batched result equals B single calls bit for bit:
the padded successor slots add exact zeros).

Two loops over the batch per kernel: a serial one and a ``prange`` one (``parallel=True``);
:mod:`mdpsim.batch` picks by a measured rule (``benchmarks/bench_batched.py``). The robust
L1 backup batches :func:`mdpsim.kernels._robust_sweeps._backup` the same way.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .numba_backend import _backward_induction, _evaluate_finite
from ._robust_sweeps import _backup

__all__ = ["backward_induction", "evaluate_finite", "robust_backup"]


@njit(cache=True)
def _bi_one(b, dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, Q, V, pol):
    m = b if R4.shape[0] > 1 else 0
    _backward_induction(dense, P5[m if dense else 0], indptr, idx2[0 if dense else m],
                        prob2[0 if dense else m], S, A, n_p, R4[m], H, Q[b], V[b], pol[b])


@njit(cache=True)
def _bi_serial(dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, Q, V, pol):
    for b in range(Q.shape[0]):
        _bi_one(np.int64(b), dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, Q, V, pol)


@njit(cache=True, parallel=True)
def _bi_parallel(dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, Q, V, pol):
    for b in prange(Q.shape[0]):
        _bi_one(np.int64(b), dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, Q, V, pol)


@njit(cache=True)
def _ev_one(b, dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, pi4, Q, V):
    m = b if R4.shape[0] > 1 else 0
    k = b if pi4.shape[0] > 1 else 0
    _evaluate_finite(dense, P5[m if dense else 0], indptr, idx2[0 if dense else m],
                     prob2[0 if dense else m], S, A, n_p, R4[m], H, pi4[k], Q[b], V[b])


@njit(cache=True)
def _ev_serial(dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, pi4, Q, V):
    for b in range(Q.shape[0]):
        _ev_one(np.int64(b), dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, pi4, Q, V)


@njit(cache=True, parallel=True)
def _ev_parallel(dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, pi4, Q, V):
    for b in prange(Q.shape[0]):
        _ev_one(np.int64(b), dense, P5, indptr, idx2, prob2, S, A, n_p, R4, H, pi4, Q, V)


@njit(cache=True)
def _rb_one(b, kind, rect, S, A, hp, indptr, idx2, q2, rn2, Rb4, hr, budget2, V2, c, pi3,
            fixed, TVo, pig, pw):
    _backup(kind, rect, S, A, hp, indptr, idx2[b], q2[b], rn2[b], Rb4[b], hr, budget2[b],
            V2[b], c, pi3[b if fixed else 0], fixed, TVo[b], pig[b], pw[b])


@njit(cache=True)
def _rb_serial(kind, rect, S, A, hp, indptr, idx2, q2, rn2, Rb4, hr, budget2, V2, c, pi3,
               fixed, TVo, pig, pw):
    for b in range(V2.shape[0]):
        _rb_one(np.int64(b), kind, rect, S, A, hp, indptr, idx2, q2, rn2, Rb4, hr, budget2,
                V2, c, pi3, fixed, TVo, pig, pw)


@njit(cache=True, parallel=True)
def _rb_parallel(kind, rect, S, A, hp, indptr, idx2, q2, rn2, Rb4, hr, budget2, V2, c, pi3,
                 fixed, TVo, pig, pw):
    for b in prange(V2.shape[0]):
        _rb_one(np.int64(b), kind, rect, S, A, hp, indptr, idx2, q2, rn2, Rb4, hr, budget2,
                V2, c, pi3, fixed, TVo, pig, pw)


_EMPTY5 = np.zeros((1, 0, 0, 0, 0))
_EMPTYI2 = np.zeros((1, 0), dtype=np.int64)
_EMPTYF2 = np.zeros((1, 0))


def _csr(M):
    """``(dense, P5, indptr, idx2, prob2)`` of a :class:`Batch` for the single kernels."""
    if M.dense:
        return True, M.P, np.zeros(1, np.int64), _EMPTYI2, _EMPTYF2
    B, n_p, S, A, w = M.idx.shape
    indptr = np.arange(n_p * S * A + 1, dtype=np.int64) * w
    return (False, _EMPTY5, indptr, np.ascontiguousarray(M.idx.reshape(B, -1)),
            np.ascontiguousarray(M.prob.reshape(B, -1)))


def backward_induction(M, H: int, parallel: bool = False):
    """See :func:`mdpsim.kernels.batched_reference.backward_induction` (same outputs)."""
    B = M.B
    Q = np.empty((B, H, M.S, M.A))
    V = np.empty((B, H + 1, M.S))
    pol = np.empty((B, H, M.S), dtype=np.int64)
    fn = _bi_parallel if parallel else _bi_serial
    fn(*_csr(M), M.S, M.A, M.n_p, M.R, int(H), Q, V, pol)
    return Q, V, pol


def evaluate_finite(M, H: int, pi, parallel: bool = False):
    """See :func:`mdpsim.kernels.batched_reference.evaluate_finite` (same outputs)."""
    pi = np.ascontiguousarray(pi, dtype=np.float64)
    B = max(M.B, pi.shape[0])
    Q = np.empty((B, H, M.S, M.A))
    V = np.empty((B, H + 1, M.S))
    fn = _ev_parallel if parallel else _ev_serial
    fn(*_csr(M), M.S, M.A, M.n_p, M.R, int(H), pi, Q, V)
    return Q, V


def robust_backup(RB, V, c: float, h: int = 0, pi=None, parallel: bool = False):
    """One robust Bellman backup of each of B robust models sharing one sparsity pattern
    (``RB``: stacked :class:`~mdpsim.kernels.robust_common.RobustTrans` fields, see
    :func:`mdpsim.batch.stack_robust`): ``-> (TV[B, S], pi_greedy[B, S, A], p_worst[B, nnz])``,
    each equal to :func:`mdpsim.kernels.robust_numba.robust_backup` of model ``b``."""
    B, S, A = RB.q.shape[0], RB.S, RB.A
    V = np.ascontiguousarray(np.broadcast_to(V, (B, S)), dtype=np.float64)
    TVo = np.empty((B, S))
    pig = np.zeros((B, S, A))
    pw = np.zeros(RB.q.shape)
    fixed = pi is not None
    pi3 = np.ascontiguousarray(pi, dtype=np.float64) if fixed else np.zeros((1, 0, 0))
    hp = h if RB.n_p > 1 else 0
    hr = h if RB.Rb.shape[1] > 1 else 0
    fn = _rb_parallel if parallel else _rb_serial
    fn(RB.kind, RB.rect, S, A, hp, RB.indptr, RB.idx, RB.q, RB.rn, RB.Rb, hr, RB.budget, V,
       float(c), pi3, fixed, TVo, pig, pw)
    return TVo, pig, pw
