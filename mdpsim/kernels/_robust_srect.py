r"""Worst case of one state of an s-rectangular set (compiled): segment-based solvers for L1 /
TV budgets shared by the actions of a state, smooth (L2, chi-square, KL) solvers, for a
fixed policy (evaluation) and for the optimal policy (control). Used by
:mod:`mdpsim.kernels.robust_numba`.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._common import TIE_RTOL
from .robust_common import BISECT_MAX, BRACKET_MAX, L1, TV

_NO_ORD = np.zeros(0, dtype=np.int64)  # no sort orders (kinds that do not sort)
from ._robust_rows import _argmin, _path, _path_limit, _solve_path_g, _sort_row_o, _weights


@njit(cache=True)
def _segments(z, q, unit, lens, F, gaps, order):
    """Fill the segments of ``f(d)`` (descending rate); returns ``(n_seg, f0, zmin)``.
    ``order`` is the row's ``np.argsort(-z, kind="mergesort")``."""
    m = z.shape[0]
    i = _argmin(z)
    f0 = 0.0
    for j in range(m):
        f0 += q[j] * z[j]
    n = 0
    acc = 0.0
    for jj in range(m):
        j = order[jj]
        if j == i or q[j] <= 0.0 or z[j] <= z[i]:
            continue
        lens[n] = unit * q[j]
        acc += q[j] * (z[j] - z[i])
        F[n] = f0 - acc
        gaps[n] = z[j] - z[i]
        n += 1
    return n, f0, z[i]


@njit(cache=True)
def _seg_inverse(lens, F, n, f0, zmin, u):
    if u >= f0:
        return 0.0
    if u < zmin:
        return np.inf
    if n == 0:
        return 0.0
    # first j with F[j] <= u (F is non-increasing)
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if F[mid] <= u:
            hi = mid
        else:
            lo = mid + 1
    j = lo
    Dprev = 0.0
    for k in range(min(j, n)):
        Dprev += lens[k]
    if j >= n:
        return Dprev
    Fprev = f0 if j == 0 else F[j - 1]
    return Dprev + (Fprev - u) / (Fprev - F[j]) * lens[j]


@njit(cache=True)
def _row_orders(Z, off):
    """Each row's ``np.argsort(-z, kind="mergesort")`` (local indices), flat like ``Z``."""
    A = off.shape[0] - 1
    ORD = np.empty(off[A], dtype=np.int64)
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        o = np.argsort(-Z[lo:hi], kind="mergesort")
        for k in range(hi - lo):
            ORD[lo + k] = o[k]
    return ORD


@njit(cache=True)
def _sort_state_fixed(Z, Qf, off, pi, B, unit, P, ORD):
    A = off.shape[0] - 1
    N = off[A]
    lens = np.empty(N)
    F = np.empty(N)
    gaps = np.empty(N)
    rates = np.empty(N)
    acts = np.empty(N, dtype=np.int64)
    nseg = 0
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        n, f0, zmin = _segments(Z[lo:hi], Qf[lo:hi], unit, lens[nseg:], F[nseg:],
                                gaps[nseg:], ORD[lo:hi])
        for k in range(nseg, nseg + n):
            rates[k] = pi[a] * gaps[k] / unit
            acts[k] = a
        nseg += n
    order = np.argsort(-rates[:nseg], kind="mergesort")
    d = np.zeros(A)
    rem = B
    for kk in range(nseg):
        k = order[kk]
        if rem <= 0.0:
            break
        take = lens[k] if lens[k] < rem else rem
        d[acts[k]] += take
        rem -= take
    val = 0.0
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        val += pi[a] * _sort_row_o(Z[lo:hi], Qf[lo:hi], d[a], unit, P[lo:hi], ORD[lo:hi])
    return val


@njit(cache=True)
def _G_sort(lens, F, nseg, f0, zmin, soff, u):
    A = f0.shape[0]
    tot = 0.0
    for a in range(A):
        s0 = soff[a]
        tot += _seg_inverse(lens[s0:], F[s0:], nseg[a], f0[a], zmin[a], u)
    return tot


@njit(cache=True)
def _sort_state_opt(Z, Qf, off, B, unit, pi, P, ORD):
    A = off.shape[0] - 1
    N = off[A]
    lens = np.empty(N)
    F = np.empty(N)
    gaps = np.empty(N)
    nseg = np.empty(A, dtype=np.int64)
    soff = np.empty(A + 1, dtype=np.int64)
    f0 = np.empty(A)
    zmin = np.empty(A)
    soff[0] = 0
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        s0 = soff[a]
        n, f0[a], zmin[a] = _segments(Z[lo:hi], Qf[lo:hi], unit, lens[s0:], F[s0:],
                                      gaps[s0:], ORD[lo:hi])
        nseg[a] = n
        soff[a + 1] = s0 + n
    u_lo = zmin.max()
    for a in range(A):
        pi[a] = 0.0
    if _G_sort(lens, F, nseg, f0, zmin, soff, u_lo) <= B:
        ustar = u_lo
        pi[_argmin(-zmin)] = 1.0
    else:
        nc = 0
        cand = np.empty(A + soff[A] + 1)
        for a in range(A):
            if f0[a] >= u_lo:
                cand[nc] = f0[a]
                nc += 1
            for k in range(soff[a], soff[a] + nseg[a]):
                if F[k] >= u_lo:
                    cand[nc] = F[k]
                    nc += 1
        cand[nc] = u_lo
        nc += 1
        c = np.sort(cand[:nc])
        # smallest k with G(c_k) <= B (G(c_0) > B, G(c_top) = 0)
        lo, hi = 0, nc - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _G_sort(lens, F, nseg, f0, zmin, soff, c[mid]) <= B:
                hi = mid
            else:
                lo = mid
        c0, c1 = c[lo], c[hi]
        g0 = _G_sort(lens, F, nseg, f0, zmin, soff, c0)
        g1 = _G_sort(lens, F, nseg, f0, zmin, soff, c1)
        ustar = c0 + (g0 - B) / (g0 - g1) * (c1 - c0)
        ustar = min(max(ustar, c0), c1)
        tot = 0.0
        for a in range(A):
            s0 = soff[a]
            pi[a] = (_seg_inverse(lens[s0:], F[s0:], nseg[a], f0[a], zmin[a], c0)
                     - _seg_inverse(lens[s0:], F[s0:], nseg[a], f0[a], zmin[a], c1))
            tot += pi[a]
        for a in range(A):
            pi[a] /= tot
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        s0 = soff[a]
        d = _seg_inverse(lens[s0:], F[s0:], nseg[a], f0[a], zmin[a], ustar)
        _sort_row_o(Z[lo:hi], Qf[lo:hi], d, unit, P[lo:hi], ORD[lo:hi])
    return ustar


# ============================================================================ s-rect: smooth
@njit(cache=True)
def _smooth_prep(kind, Z, Qf, off, Y, W, zmin, f0, Pinf, Dinf, act):
    A = off.shape[0] - 1
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        zm = Z[lo + _argmin(Z[lo:hi])]
        zmin[a] = zm
        f = 0.0
        for j in range(lo, hi):
            Y[j] = Z[j] - zm
            f += Qf[j] * Z[j]
        f0[a] = f
        _weights(kind, Qf[lo:hi], W[lo:hi])
        Dinf[a] = _path_limit(kind, Y[lo:hi], Qf[lo:hi], W[lo:hi], Pinf[lo:hi], act[lo:hi])


@njit(cache=True)
def _smooth_setup(kind, Z, Qf, off):
    """Work arrays of one state's smooth-set worst case, filled by :func:`_smooth_prep`:
    ``(Y, W, Pinf, buf, act, zmin, f0, Dinf)``."""
    A = off.shape[0] - 1
    N = off[A]
    Y = np.empty(N)
    W = np.empty(N)
    Pinf = np.empty(N)
    buf = np.empty(N)
    act = np.empty(N, dtype=np.bool_)
    zmin = np.empty(A)
    f0 = np.empty(A)
    Dinf = np.empty(A)
    _smooth_prep(kind, Z, Qf, off, Y, W, zmin, f0, Pinf, Dinf, act)
    return Y, W, Pinf, buf, act, zmin, f0, Dinf


@njit(cache=True)
def _G_fixed(kind, Y, Qf, W, off, pi, nu, P, buf, act):
    A = off.shape[0] - 1
    tot = 0.0
    for a in range(A):
        if pi[a] > 0.0:
            lo, hi = off[a], off[a + 1]
            D, g = _path(kind, Y[lo:hi], Qf[lo:hi], W[lo:hi], pi[a] * nu, P[lo:hi],
                         buf[lo:hi], act[lo:hi])
            tot += D
    return tot


@njit(cache=True)
def _smooth_state_fixed(kind, Z, Qf, off, pi, B, P):
    A = off.shape[0] - 1
    N = off[A]
    Y, W, Pinf, buf, act, zmin, f0, Dinf = _smooth_setup(kind, Z, Qf, off)
    for j in range(N):
        P[j] = Qf[j]
    tot = 0.0
    for a in range(A):
        if pi[a] > 0.0:
            tot += Dinf[a]
    if tot <= B:
        for a in range(A):
            if pi[a] > 0.0:
                for j in range(off[a], off[a + 1]):
                    P[j] = Pinf[j]
    else:
        x = 1.0
        if _G_fixed(kind, Y, Qf, W, off, pi, x, P, buf, act) <= B:
            lo, hi = x, 2.0 * x
            n = 0
            while n < BRACKET_MAX and _G_fixed(kind, Y, Qf, W, off, pi, hi, P, buf, act) <= B:
                lo, hi = hi, 2.0 * hi
                n += 1
        else:
            lo, hi = 0.5 * x, x
            n = 0
            while n < BRACKET_MAX and _G_fixed(kind, Y, Qf, W, off, pi, lo, P, buf, act) > B:
                lo, hi = 0.5 * lo, lo
                n += 1
                if lo == 0.0:
                    break
        for _ in range(BISECT_MAX):
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            if _G_fixed(kind, Y, Qf, W, off, pi, mid, P, buf, act) <= B:
                lo = mid
            else:
                hi = mid
        for j in range(N):
            P[j] = Qf[j]
        _G_fixed(kind, Y, Qf, W, off, pi, lo, P, buf, act)
    val = 0.0
    for a in range(A):
        acc = 0.0
        for j in range(off[a], off[a + 1]):
            acc += P[j] * Z[j]
        val += pi[a] * acc
    return val


@njit(cache=True)
def _level(kind, Y, Qf, W, off, a, f0, zmin, Pinf, Dinf, u, P, buf, act):
    """One action brought down to level ``u``: fills ``P`` rows of ``a``; ``(par, D)``."""
    lo, hi = off[a], off[a + 1]
    if u >= f0[a]:
        for j in range(lo, hi):
            P[j] = Qf[j]
        return 0.0, 0.0
    if u <= zmin[a]:
        for j in range(lo, hi):
            P[j] = Pinf[j]
        return np.inf, Dinf[a]
    par = _solve_path_g(kind, Y[lo:hi], Qf[lo:hi], W[lo:hi], u - zmin[a], P[lo:hi],
                        buf[lo:hi], act[lo:hi])
    D, g = _path(kind, Y[lo:hi], Qf[lo:hi], W[lo:hi], par, P[lo:hi], buf[lo:hi], act[lo:hi])
    return par, D


@njit(cache=True)
def _G_level(kind, Y, Qf, W, off, f0, zmin, Pinf, Dinf, u, P, buf, act, par):
    A = off.shape[0] - 1
    tot = 0.0
    for a in range(A):
        pa, D = _level(kind, Y, Qf, W, off, a, f0, zmin, Pinf, Dinf, u, P, buf, act)
        par[a] = pa
        tot += D
    return tot


@njit(cache=True)
def _smooth_state_opt(kind, Z, Qf, off, B, pi, P):
    A = off.shape[0] - 1
    Y, W, Pinf, buf, act, zmin, f0, Dinf = _smooth_setup(kind, Z, Qf, off)
    par = np.empty(A)
    u_lo = zmin.max()
    u_hi = f0.max()
    for a in range(A):
        pi[a] = 0.0
    if _G_level(kind, Y, Qf, W, off, f0, zmin, Pinf, Dinf, u_lo, P, buf, act, par) <= B:
        pi[_argmin(-zmin)] = 1.0
        return u_lo
    lo, hi = u_lo, u_hi
    for _ in range(BISECT_MAX):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if _G_level(kind, Y, Qf, W, off, f0, zmin, Pinf, Dinf, mid, P, buf, act, par) <= B:
            hi = mid
        else:
            lo = mid
    _G_level(kind, Y, Qf, W, off, f0, zmin, Pinf, Dinf, hi, P, buf, act, par)
    tot = 0.0
    for a in range(A):
        tot += par[a]
    if tot > 0.0:
        for a in range(A):
            pi[a] = par[a] / tot
    else:
        pi[_greedy_idx(f0)] = 1.0
    return hi


@njit(cache=True)
def _greedy_idx(v):
    m = v.max()
    thr = m - TIE_RTOL * (1.0 + abs(m))
    for a in range(v.shape[0]):
        if v[a] >= thr:
            return a
    return 0


@njit(cache=True)
def _state_fixed(kind, Z, Qf, off, pi, B, P):
    if B > 0.0 and (kind == L1 or kind == TV):
        return _state_fixed_o(kind, Z, Qf, off, pi, B, P, _row_orders(Z, off))
    return _state_fixed_o(kind, Z, Qf, off, pi, B, P, _NO_ORD)


@njit(cache=True)
def _state_fixed_o(kind, Z, Qf, off, pi, B, P, ORD):
    """:func:`_state_fixed` with the rows' sort orders ``ORD`` given (L1 / TV; see
    :func:`_row_orders`; unused otherwise)."""
    A = off.shape[0] - 1
    if B <= 0.0:
        val = 0.0
        for a in range(A):
            acc = 0.0
            for j in range(off[a], off[a + 1]):
                P[j] = Qf[j]
                acc += Qf[j] * Z[j]
            val += pi[a] * acc
        return val
    if kind == L1:
        return _sort_state_fixed(Z, Qf, off, pi, B, 2.0, P, ORD)
    if kind == TV:
        return _sort_state_fixed(Z, Qf, off, pi, B, 1.0, P, ORD)
    return _smooth_state_fixed(kind, Z, Qf, off, pi, B, P)


@njit(cache=True)
def _state_opt(kind, Z, Qf, off, B, pi, P):
    if B > 0.0 and (kind == L1 or kind == TV):
        return _state_opt_o(kind, Z, Qf, off, B, pi, P, _row_orders(Z, off))
    return _state_opt_o(kind, Z, Qf, off, B, pi, P, _NO_ORD)


@njit(cache=True)
def _state_opt_o(kind, Z, Qf, off, B, pi, P, ORD):
    """:func:`_state_opt` with the rows' sort orders ``ORD`` given (L1 / TV)."""
    A = off.shape[0] - 1
    if B <= 0.0:
        f0 = np.empty(A)
        for a in range(A):
            acc = 0.0
            for j in range(off[a], off[a + 1]):
                P[j] = Qf[j]
                acc += Qf[j] * Z[j]
            f0[a] = acc
            pi[a] = 0.0
        pi[_greedy_idx(f0)] = 1.0
        return f0.max()
    if kind == L1:
        return _sort_state_opt(Z, Qf, off, B, 2.0, pi, P, ORD)
    if kind == TV:
        return _sort_state_opt(Z, Qf, off, B, 1.0, pi, P, ORD)
    return _smooth_state_opt(kind, Z, Qf, off, B, pi, P)
