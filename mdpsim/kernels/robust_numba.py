r"""Robust kernels, compiled (Numba): the same algorithms as :mod:`.robust_reference`.

The maths of every set is in :mod:`mdpsim.kernels._robust_common`; the public functions have
the signatures of the reference module and agree with it to 1e-10 (tests). Row and state
solvers work on flat arrays (a state's rows are contiguous in the CSR layout, with local
offsets ``off[A+1]``); sweeps are serial loops (the per-row work is a sort of a few entries;
threads do not pay at the sizes these suites run). ``cache=True`` everywhere, no fastmath,
float64 throughout, inputs never written.

Besides the robust Bellman machinery this module holds the compiled pieces of DRPG
(:mod:`mdpsim.robust.drpg`): the Euclidean projections onto the simplex and onto the
(s,a)- and s-rectangular L1 sets, the kernel value / occupancy solves and the inner projected
gradient ascent on the kernel.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._common import TIE_RTOL
from .numba_backend import _stop_rule
from ._robust_common import (L1, TV, LINF, L2, CHI2, KL, SA, BISECT_MAX, BRACKET_MAX,
                             RobustTrans, RVIResult, REvalResult)

__all__ = ["row_worst", "state_worst_fixed", "state_worst_opt", "robust_backup",
           "robust_value_iteration", "robust_evaluate", "robust_backward_induction",
           "robust_evaluate_finite", "kernel_value", "kernel_occupancy", "proj_simplex",
           "proj_l1_row", "proj_l1_state", "drpg_inner"]

_EMPTY2 = np.zeros((0, 0))


# ============================================================================ row problems
@njit(cache=True)
def _argmin(z):
    i = 0
    for j in range(1, z.shape[0]):
        if z[j] < z[i]:
            i = j
    return i


@njit(cache=True)
def _sort_row(z, q, b, unit, p):
    """L1 (unit 2) / TV (unit 1) row worst case; fills ``p``, returns the value."""
    m = z.shape[0]
    i = _argmin(z)
    eps = min(b / unit, 1.0 - q[i])
    if eps < 0.0:
        eps = 0.0
    f0 = 0.0
    for j in range(m):
        p[j] = q[j]
        f0 += q[j] * z[j]
    order = np.argsort(-z, kind="mergesort")
    rem = eps
    gain = 0.0
    for jj in range(m):
        j = order[jj]
        if j == i:
            continue
        if rem <= 0.0:
            break
        take = q[j] if q[j] < rem else rem
        p[j] -= take
        rem -= take
        gain += take * (z[j] - z[i])
    p[i] += eps
    return f0 - gain


@njit(cache=True)
def _linf_row(z, q, b, p):
    m = z.shape[0]
    tot = 0.0
    for j in range(m):
        p[j] = max(q[j] - b, 0.0)
        tot += p[j]
    mass = max(1.0 - tot, 0.0)
    order = np.argsort(z, kind="mergesort")
    for jj in range(m):
        j = order[jj]
        if mass <= 0.0:
            break
        cap = min(q[j] + b, 1.0) - p[j]
        add = cap if cap < mass else mass
        p[j] += add
        mass -= add
    val = 0.0
    for j in range(m):
        val += p[j] * z[j]
    return val


@njit(cache=True)
def _wproj(a, w, active, p):
    """``p_i = max(a_i - theta / w_i, 0)`` on ``active`` (0 elsewhere), ``sum p = 1``."""
    m = a.shape[0]
    br = np.empty(m)
    for j in range(m):
        br[j] = w[j] * a[j] if active[j] else -np.inf
    order = np.argsort(-br, kind="mergesort")
    ca = 0.0
    ciw = 0.0
    theta = 0.0
    found = False
    for jj in range(m):
        j = order[jj]
        if not active[j]:
            break
        ca += a[j]
        ciw += 1.0 / w[j]
        th = (ca - 1.0) / ciw
        if br[j] > th:
            theta = th
            found = True
        elif not found:
            theta = th
    for j in range(m):
        if active[j]:
            v = a[j] - theta / w[j]
            p[j] = v if v > 0.0 else 0.0
        else:
            p[j] = 0.0


@njit(cache=True)
def _path(kind, y, q, w, par, p, buf, act):
    """Minimiser path point at ``par``; fills ``p``; returns ``(D(p, q), p.y)``."""
    m = y.shape[0]
    if kind == KL:
        Z = 0.0
        for j in range(m):
            p[j] = q[j] * np.exp(-par * y[j])
            Z += p[j]
        g = 0.0
        for j in range(m):
            p[j] /= Z
            g += p[j] * y[j]
        return -par * g - np.log(Z), g
    for j in range(m):
        buf[j] = q[j] - par * y[j] / w[j]
        act[j] = True
    _wproj(buf, w, act, p)
    D = 0.0
    g = 0.0
    for j in range(m):
        D += w[j] * (p[j] - q[j]) ** 2
        g += p[j] * y[j]
    return D, g


@njit(cache=True)
def _path_limit(kind, y, q, w, p, act):
    m = y.shape[0]
    if kind == KL:
        qs = 0.0
        for j in range(m):
            if y[j] == 0.0:
                qs += q[j]
        for j in range(m):
            p[j] = q[j] / qs if y[j] == 0.0 else 0.0
        return -np.log(qs)
    for j in range(m):
        act[j] = y[j] == 0.0
    _wproj(q, w, act, p)
    D = 0.0
    for j in range(m):
        D += w[j] * (p[j] - q[j]) ** 2
    return D


@njit(cache=True)
def _weights(kind, q, w):
    for j in range(q.shape[0]):
        w[j] = 1.0 if kind == L2 else (1.0 / q[j] if kind == CHI2 else 1.0)


@njit(cache=True)
def _solve_path_D(kind, y, q, w, target, p, buf, act):
    """Largest path parameter found with ``D <= target`` (bracket from 1, bisect)."""
    x = 1.0
    D, g = _path(kind, y, q, w, x, p, buf, act)
    if D <= target:
        lo, hi = x, 2.0 * x
        n = 0
        while n < BRACKET_MAX:
            D, g = _path(kind, y, q, w, hi, p, buf, act)
            if D > target:
                break
            lo, hi = hi, 2.0 * hi
            n += 1
    else:
        lo, hi = 0.5 * x, x
        n = 0
        while n < BRACKET_MAX:
            D, g = _path(kind, y, q, w, lo, p, buf, act)
            if D <= target:
                break
            lo, hi = 0.5 * lo, lo
            n += 1
            if lo == 0.0:
                break
    for _ in range(BISECT_MAX):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        D, g = _path(kind, y, q, w, mid, p, buf, act)
        if D <= target:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True)
def _solve_path_g(kind, y, q, w, target, p, buf, act):
    """Largest path parameter found with ``p.y >= target`` (``p.y`` decreases along the
    path from ``q.y`` to 0)."""
    x = 1.0
    D, g = _path(kind, y, q, w, x, p, buf, act)
    if -g <= -target:
        lo, hi = x, 2.0 * x
        n = 0
        while n < BRACKET_MAX:
            D, g = _path(kind, y, q, w, hi, p, buf, act)
            if -g > -target:
                break
            lo, hi = hi, 2.0 * hi
            n += 1
    else:
        lo, hi = 0.5 * x, x
        n = 0
        while n < BRACKET_MAX:
            D, g = _path(kind, y, q, w, lo, p, buf, act)
            if -g <= -target:
                break
            lo, hi = 0.5 * lo, lo
            n += 1
            if lo == 0.0:
                break
    for _ in range(BISECT_MAX):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        D, g = _path(kind, y, q, w, mid, p, buf, act)
        if -g <= -target:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True)
def _smooth_row(kind, z, q, b, p):
    m = z.shape[0]
    zmin = z[_argmin(z)]
    y = np.empty(m)
    for j in range(m):
        y[j] = z[j] - zmin
    w = np.empty(m)
    _weights(kind, q, w)
    buf = np.empty(m)
    act = np.empty(m, dtype=np.bool_)
    Dinf = _path_limit(kind, y, q, w, p, act)
    if b >= Dinf:
        return zmin
    t = _solve_path_D(kind, y, q, w, b, p, buf, act)
    D, g = _path(kind, y, q, w, t, p, buf, act)
    return zmin + g


@njit(cache=True)
def _row_worst(kind, z, q, b, p):
    """``min p.z`` over the row set of budget ``b``; fills ``p``, returns the value."""
    if b <= 0.0:
        val = 0.0
        for j in range(z.shape[0]):
            p[j] = q[j]
            val += q[j] * z[j]
        return val
    if kind == L1:
        return _sort_row(z, q, b, 2.0, p)
    if kind == TV:
        return _sort_row(z, q, b, 1.0, p)
    if kind == LINF:
        return _linf_row(z, q, b, p)
    return _smooth_row(kind, z, q, b, p)


# ============================================================================ s-rect: L1 / TV
@njit(cache=True)
def _segments(z, q, unit, lens, F, gaps):
    """Fill the segments of ``f(d)`` (descending rate); returns ``(n_seg, f0, zmin)``."""
    m = z.shape[0]
    i = _argmin(z)
    f0 = 0.0
    for j in range(m):
        f0 += q[j] * z[j]
    order = np.argsort(-z, kind="mergesort")
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
def _sort_state_fixed(Z, Qf, off, pi, B, unit, P):
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
                                gaps[nseg:])
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
        val += pi[a] * _sort_row(Z[lo:hi], Qf[lo:hi], d[a], unit, P[lo:hi])
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
def _sort_state_opt(Z, Qf, off, B, unit, pi, P):
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
                                      gaps[s0:])
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
        _sort_row(Z[lo:hi], Qf[lo:hi], d, unit, P[lo:hi])
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
        return _sort_state_fixed(Z, Qf, off, pi, B, 2.0, P)
    if kind == TV:
        return _sort_state_fixed(Z, Qf, off, pi, B, 1.0, P)
    return _smooth_state_fixed(kind, Z, Qf, off, pi, B, P)


@njit(cache=True)
def _state_opt(kind, Z, Qf, off, B, pi, P):
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
        return _sort_state_opt(Z, Qf, off, B, 2.0, pi, P)
    if kind == TV:
        return _sort_state_opt(Z, Qf, off, B, 1.0, pi, P)
    return _smooth_state_opt(kind, Z, Qf, off, B, pi, P)


# ============================================================================ sweeps
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


# ============================================================================ public API
def _rt(RT: RobustTrans):
    return (RT.kind, RT.rect, RT.S, RT.A, RT.indptr, RT.idx, RT.q, RT.rn, RT.Rb, RT.budget)


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


# ============================================================================ projections
@njit(cache=True)
def _proj_simplex(y, out):
    m = y.shape[0]
    u = np.sort(y)[::-1]
    css = 0.0
    theta = 0.0
    for j in range(m):
        css += u[j]
        t = (css - 1.0) / (j + 1.0)
        if u[j] - t > 0.0:
            theta = t
    for j in range(m):
        v = y[j] - theta
        out[j] = v if v > 0.0 else 0.0


@njit(cache=True)
def _l1_coord(w, q, mu):
    d = w - q
    if d > mu:
        v = w - mu
    elif d < -mu:
        v = w + mu
    else:
        v = q
    return v if v > 0.0 else 0.0


@njit(cache=True)
def _l1_sum_slope(y, q, mu, t):
    """``(sum_i p_i(tau = t), n)`` with ``n`` the number of coordinates on a sloped piece
    (the sum's slope in ``tau`` is ``-n``)."""
    tot = 0.0
    n = 0
    for j in range(y.shape[0]):
        w = y[j] - t
        d = w - q[j]
        if d > mu:
            v = w - mu
        elif d < -mu:
            v = w + mu
        else:
            v = q[j]
            if v > 0.0:
                tot += v
            continue
        if v > 0.0:
            tot += v
            n += 1
    return tot, n


@njit(cache=True)
def _l1_tau(y, q, mu, t0):
    """``tau`` with ``sum_i p_i(tau) = 1`` (non-increasing, piecewise linear in ``tau``):
    Newton steps from ``t0`` (exact once on the right piece), safeguarded by the bracket
    ``[min(y - q) - mu - 1, max(y) + mu]`` and bisection."""
    m = y.shape[0]
    lo = np.inf
    hi = -np.inf
    for j in range(m):
        lo = min(lo, y[j] - q[j] - mu)
        hi = max(hi, y[j] + mu)
    lo -= 1.0
    t = t0 if lo < t0 < hi else 0.5 * (lo + hi)
    tol = 1e-15 * m
    for it in range(BISECT_MAX):
        f, n = _l1_sum_slope(y, q, mu, t)
        g = f - 1.0
        if abs(g) <= tol:
            return t
        if g > 0.0:
            lo = t
        else:
            hi = t
        tn = t + g / n if n > 0 else lo - 1.0
        if not (lo < tn < hi) or it % 6 == 5:
            tn = 0.5 * (lo + hi)
        if tn <= lo or tn >= hi:
            return t
        t = tn
    return t


@njit(cache=True)
def _l1_point(y, q, mu, p, t0):
    """Coordinate-wise minimiser for multiplier ``mu``, sum multiplier from :func:`_l1_tau`
    started at ``t0``; fills ``p`` and returns ``tau``."""
    tau = _l1_tau(y, q, mu, t0)
    for j in range(y.shape[0]):
        p[j] = _l1_coord(y[j] - tau, q[j], mu)
    return tau


@njit(cache=True)
def _l1_dist_slope(Y, Q, off, mu, P, taus):
    """Fill ``P`` with the minimiser for multiplier ``mu``; return ``(sum_a ||p_a - q_a||_1,
    d/dmu of it)``. On a linear piece a row with ``U`` coordinates above ``q`` and ``L``
    unclipped ones below has ``dtau/dmu = (L - U)/(U + L)`` and slope ``-4 U L / (U + L)``."""
    A = off.shape[0] - 1
    tot = 0.0
    slope = 0.0
    for a in range(A):
        lo, hi = off[a], off[a + 1]
        taus[a] = _l1_point(Y[lo:hi], Q[lo:hi], mu, P[lo:hi], taus[a])
        nu = 0
        nl = 0
        for j in range(lo, hi):
            x = P[j] - Q[j]
            tot += abs(x)
            if x > 0.0:
                nu += 1
            elif x < 0.0 and P[j] > 0.0:
                nl += 1
        if nu + nl > 0:
            slope -= 4.0 * nu * nl / (nu + nl)
    return tot, slope


@njit(cache=True)
def _proj_l1_state(Y, Q, off, k, P):
    """Projection onto ``{p_a in simplex, sum_a ||p_a - q_a||_1 <= k}``; ``Y, Q`` stacked rows
    with offsets ``off``; fills ``P``. (s,a)-rect rows are the case ``A = 1``.

    ``h(mu) = sum_a ||p_a(mu) - q_a||_1 - k`` is non-increasing and piecewise linear in the
    shared L1 multiplier ``mu`` with ``h(max|Y - Q|) = -k``. Its root is found by Newton steps
    on the current linear piece (exact once the piece is right), safeguarded by a bracket
    and bisection (flat pieces, steps leaving the bracket, every sixth step). ``P`` is on the
    feasible side (``h <= 0``) or within ``1e-13 k`` of it.
    """
    n = Y.shape[0]
    A = off.shape[0] - 1
    if k <= 0.0:
        for j in range(n):
            P[j] = Q[j]
        return
    # a feasible Y is its own projection (rows whose gradient vanished)
    feas = True
    dist = 0.0
    for a in range(A):
        tot = 0.0
        for j in range(off[a], off[a + 1]):
            if Y[j] < 0.0:
                feas = False
            tot += Y[j]
            dist += abs(Y[j] - Q[j])
        if abs(tot - 1.0) > 1e-15 * (off[a + 1] - off[a]):
            feas = False
    if feas and dist <= k * (1.0 + 1e-13):
        for j in range(n):
            P[j] = Y[j]
        return
    taus = np.zeros(A)
    d0, s0 = _l1_dist_slope(Y, Q, off, 0.0, P, taus)
    h0 = d0 - k
    if h0 <= 0.0:
        return
    lo = 0.0
    hi = 0.0
    for j in range(Y.shape[0]):
        hi = max(hi, abs(Y[j] - Q[j]))
    x, hx, sx = 0.0, h0, s0
    for it in range(BISECT_MAX):
        c = x - hx / sx if sx < 0.0 else -1.0
        if not (lo < c < hi) or it % 6 == 5:
            c = 0.5 * (lo + hi)
        dc, sc = _l1_dist_slope(Y, Q, off, c, P, taus)
        hc = dc - k
        if abs(hc) <= 1e-13 * max(k, 1.0):  # root to rounding (|violation| <= 1e-13 k)
            return
        if hc > 0.0:
            lo = c
        else:
            hi = c
        x, hx, sx = c, hc, sc
        if hi - lo <= 1e-15 * hi:
            break
    _l1_dist_slope(Y, Q, off, hi, P, taus)


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


# ============================================================================ DRPG inner loop
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
