r"""DRPG's inner loop (compiled): projected gradient ascent on the transition kernel inside
an L1 uncertainty set, with the authors' ``||dv||_2`` stopping rule or a certified gap.
Used by :func:`mdpsim.kernels.robust_numba.drpg_inner`.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .robust_common import SA
from ._projections import _proj_l1_state
from ._robust_sweeps import _backup, _kernel_occupancy, _kernel_value


@njit(cache=True)
def _drpg_inner(kind, rect, S, A, indptr, idx, q, rn, Rb, budget, pi, gamma, init, beta,
                tol, max_iter, certified, p0):
    """Projected gradient ascent on the kernel (cost semantics, ``docs/papers/drpg.md`` §5.2).

    ``c_k = -(Rb + rn_k)``, ``v_c = (I - gamma P_pi)^{-1} c_pi``, ``d`` the normalised
    occupancy; ``G_k = d(s) pi(a|s) (c_k + gamma v_c(s'_k)) / (1 - gamma)``;
    ``p <- Proj_P(p + beta G)`` (per row for sa-rect, per state for s-rect L1 sets).
    Stop: ``||v_c^{k+1} - v_c^k||_2 <= tol`` (``certified=False``, the authors' rule) or the
    certified gap ``Phi(pi) - J(pi, p) <= tol`` (``certified=True``). Returns
    ``(p, v_c, n_iter, gap)`` with ``gap`` the certified bound at the returned ``p``
    (computed only when ``certified``; NaN otherwise).
    """
    nnz = q.shape[0]
    p = p0.copy()
    y = np.empty(nnz)
    v = -_kernel_value(S, A, indptr, idx, p, rn, Rb, pi, gamma)
    k_ = gamma / (1.0 - gamma)
    off = np.empty(A + 1, dtype=np.int64)
    off2 = np.zeros(2, dtype=np.int64)
    tv = np.empty(S)
    pig = np.zeros((S, A))
    pwb = np.zeros(nnz)
    n = 0
    gap = np.nan
    for it in range(max_iter):
        n = it + 1
        d = _kernel_occupancy(S, A, indptr, idx, p, rn, Rb, pi, gamma, init)
        for s in range(S):
            for a in range(A):
                row = s * A + a
                w = d[s] * pi[s, a] / (1.0 - gamma)
                for k in range(indptr[row], indptr[row + 1]):
                    c = -(Rb[0, s, a] + rn[k])
                    y[k] = p[k] + beta * w * (c + gamma * v[idx[k]])
        for s in range(S):
            r0 = s * A
            base = indptr[r0]
            end = indptr[r0 + A]
            if rect == SA:
                for a in range(A):
                    lo, hi = indptr[r0 + a], indptr[r0 + a + 1]
                    off2[1] = hi - lo
                    _proj_l1_state(y[lo:hi], q[lo:hi], off2, budget[r0 + a], p[lo:hi])
            else:
                for a in range(A + 1):
                    off[a] = indptr[r0 + a] - base
                _proj_l1_state(y[base:end], q[base:end], off, budget[s], p[base:end])
        vnew = -_kernel_value(S, A, indptr, idx, p, rn, Rb, pi, gamma)
        if certified:
            vr = -vnew
            _backup(kind, rect, S, A, 0, indptr, idx, q, rn, Rb, 0, budget, vr, gamma, pi,
                    True, tv, pig, pwb)
            lo_ = np.inf
            acc = 0.0
            for s in range(S):
                dd = tv[s] - vr[s]
                lo_ = min(lo_, dd)
                acc += init[s] * dd
            gap = -acc - k_ * lo_
            stop = gap <= tol
        else:
            dv = 0.0
            for s in range(S):
                dv += (vnew[s] - v[s]) ** 2
            stop = np.sqrt(dv) <= tol
        v = vnew
        if stop:
            break
    return p, v, n, gap
