r"""Batched planning kernels, array-namespace code (NumPy here, CuPy on a GPU): B models of
the same ``S, A`` (and ``H``) — or one model and B policies — in one call.

Layout (:class:`Batch`): a leading batch axis on every table. Transitions are either dense,
``P: float64[B, n_p, S, A, S']``, or fixed-width successor lists ("ELL"),
``idx: int64[B, n_p, S, A, w]`` with ``prob: float64[B, n_p, S, A, w]`` (rows with fewer than
``w`` successors are padded with probability 0 at a valid index, which adds exact zeros);
rewards ``R: float64[B, n_r, S, A]``. One model shared by the batch is the same with ``B = 1``
on the model tables and B policies.

Maths (per batch element ``b``; stage ``h`` reads ``P[b, h if n_p > 1 else 0]``):

* backward induction ``Q_h(s,a) = R_h(s,a) + sum_s' P_h(s'|s,a) V_{h+1}(s')`` (``+ gamma
  sum_s' ...`` for discounted finite horizon, ``Batch.gamma < 1``), ``V_h = max_a Q_h``,
  ``V_H = 0``; greedy policy with the lowest action among
  ``TIE_RTOL``-ties (:mod:`mdpsim.kernels._common`);
* policy evaluation ``V^pi_h(s) = sum_a pi_h(a|s) Q^pi_h(s,a)`` for stochastic
  ``pi[B, n_q, S, A]`` (a deterministic policy is one-hot);
* discounted evaluation ``V^pi = (I - gamma P_pi)^{-1} r_pi`` by a batched dense solve.

Every function picks ``xp`` from its inputs, so the same body runs on CuPy arrays.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._common import TIE_RTOL

__all__ = ["Batch", "backward_induction", "evaluate_finite", "evaluate_discounted", "greedy"]


class Batch(NamedTuple):
    """B transition/reward tables of the same shape (see the module docstring)."""

    S: int
    A: int
    n_p: int
    dense: bool
    P: object        # float64[B, n_p, S, A, S] (dense) or None
    idx: object      # int64[B, n_p, S, A, w] (successors) or None
    prob: object     # float64[B, n_p, S, A, w] (successors) or None
    R: object        # float64[B, n_r, S, A]
    init: object = None   # float64[B, S] initial distributions (for values from init)
    H: int = 0            # horizon (0: discounted)
    gamma: float = 1.0    # discount (1.0: undiscounted finite horizon; < 1 with H > 0:
    #                       discounted finite horizon)
    feasible: object = None   # bool[B, n_f, S, A] action masks (None: every action)

    @property
    def B(self) -> int:
        return int(self.R.shape[0])


def _xp(a):
    try:
        import cupy
        return cupy.get_array_module(a)
    except ImportError:
        return np


def _pv(M: Batch, h: int, V):
    """``(P_h V)[b, s, a] = sum_s' P_h[b](s'|s,a) V[b, s']`` for ``V: [B or 1, S]``."""
    xp = _xp(M.R)
    hp = h if M.n_p > 1 else 0
    if M.dense:
        P = M.P[:, hp]                                       # [B, S, A, S]
        B = max(P.shape[0], V.shape[0])
        flat = xp.broadcast_to(P.reshape(P.shape[0], -1, M.S), (B, M.S * M.A, M.S))
        return xp.matmul(flat, xp.broadcast_to(V, (B, M.S))[:, :, None])[..., 0].reshape(
            B, M.S, M.A)
    idx, prob = M.idx[:, hp], M.prob[:, hp]                  # [B, S, A, w]
    B = max(idx.shape[0], V.shape[0])
    Vb = xp.broadcast_to(V, (B, M.S))
    vals = xp.take_along_axis(Vb[:, None, :], xp.broadcast_to(idx, (B,) + idx.shape[1:])
                              .reshape(B, 1, -1), axis=2).reshape((B,) + idx.shape[1:])
    return (prob * vals).sum(axis=-1)


def greedy(Q):
    """Lowest action within ``TIE_RTOL * (1 + |max|)`` of the maximum, over the last axis."""
    xp = _xp(Q)
    vmax = Q.max(axis=-1)
    ok = Q >= (vmax - TIE_RTOL * (1.0 + xp.abs(vmax)))[..., None]
    return xp.argmax(ok, axis=-1).astype(xp.int64)


def backward_induction(M: Batch, H: int):
    """``-> Q[B, H, S, A], V[B, H + 1, S], policy[B, H, S]`` (optimal)."""
    xp = _xp(M.R)
    B = M.B
    Q = xp.empty((B, H, M.S, M.A))
    V = xp.zeros((B, H + 1, M.S))
    pol = xp.empty((B, H, M.S), dtype=xp.int64)
    for h in range(H - 1, -1, -1):
        hr = h if M.R.shape[1] > 1 else 0
        if M.gamma == 1.0:
            Q[:, h] = M.R[:, hr] + _pv(M, h, V[:, h + 1])
        else:   # discounted finite horizon
            Q[:, h] = M.R[:, hr] + M.gamma * _pv(M, h, V[:, h + 1])
        V[:, h] = Q[:, h].max(axis=-1)
        pol[:, h] = greedy(Q[:, h])
    return Q, V, pol


def evaluate_finite(M: Batch, H: int, pi):
    """``pi: float64[B or 1, n_q, S, A]`` -> ``Q^pi[B, H, S, A], V^pi[B, H + 1, S]``; the
    batch is ``max(M.B, pi.shape[0])`` (one model and B policies, or B models and one
    policy, or B of each)."""
    xp = _xp(M.R)
    B = max(M.B, pi.shape[0])
    Q = xp.empty((B, H, M.S, M.A))
    V = xp.zeros((B, H + 1, M.S))
    for h in range(H - 1, -1, -1):
        hr = h if M.R.shape[1] > 1 else 0
        hq = h if pi.shape[1] > 1 else 0
        if M.gamma == 1.0:
            Q[:, h] = M.R[:, hr] + _pv(M, h, V[:, h + 1])
        else:   # discounted finite horizon
            Q[:, h] = M.R[:, hr] + M.gamma * _pv(M, h, V[:, h + 1])
        V[:, h] = (xp.broadcast_to(pi[:, hq], (B, M.S, M.A)) * Q[:, h]).sum(axis=-1)
    return Q, V


def evaluate_discounted(M: Batch, gamma: float, pi):
    """``pi: float64[B or 1, S, A]`` -> ``V^pi[B, S]`` from the batched dense solve
    ``(I - gamma P_pi) V = r_pi`` (stationary models, ``n_p = 1``)."""
    xp = _xp(M.R)
    B = max(M.B, pi.shape[0])
    S, A = M.S, M.A
    pib = xp.broadcast_to(pi, (B, S, A))
    if M.dense:
        P = xp.broadcast_to(M.P[:, 0], (B, S, A, S))
        Ppi = xp.einsum("bsa,bsay->bsy", pib, P)
    else:
        idx = xp.broadcast_to(M.idx[:, 0], (B, S, A, M.idx.shape[-1]))
        w = xp.broadcast_to(M.prob[:, 0], idx.shape) * pib[..., None]
        Ppi = xp.zeros((B, S, S))
        rows = xp.broadcast_to(xp.arange(S)[None, :, None, None], idx.shape)
        bs = xp.broadcast_to(xp.arange(B)[:, None, None, None], idx.shape)
        if xp is np:
            np.add.at(Ppi, (bs, rows, idx), w)
        else:  # pragma: no cover - GPU only
            import cupyx
            cupyx.scatter_add(Ppi, (bs, rows, idx), w)
    r = (pib * xp.broadcast_to(M.R[:, 0], (B, S, A))).sum(axis=-1)
    I = xp.broadcast_to(xp.eye(S), (B, S, S))
    return xp.linalg.solve(I - gamma * Ppi, r[..., None])[..., 0]
