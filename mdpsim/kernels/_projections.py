r"""Euclidean projections (compiled): onto the probability simplex and onto the support-
preserving L1 balls around a nominal row ((s,a)-rectangular) or a nominal state block
(s-rectangular), by bisection on the multiplier. Used by DRPG's policy and kernel steps.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .robust_common import BISECT_MAX


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
