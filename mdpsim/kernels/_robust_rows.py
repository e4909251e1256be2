r"""Worst case of one row of an (s,a)-rectangular set (compiled): the sort-based primal for
L1 / TV / L-infinity balls and the one-dimensional path solvers for L2, chi-square and KL
(maths in :mod:`mdpsim.kernels.robust_common`). Used by :mod:`mdpsim.kernels.robust_numba`.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .robust_common import BISECT_MAX, BRACKET_MAX, CHI2, KL, L1, L2, LINF, TV


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
    return _sort_row_o(z, q, b, unit, p, np.argsort(-z, kind="mergesort"))


@njit(cache=True)
def _sort_row_o(z, q, b, unit, p, order):
    """:func:`_sort_row` with ``order`` given: it must equal
    ``np.argsort(-z, kind="mergesort")`` (e.g. from :func:`_row_order`)."""
    m = z.shape[0]
    i = _argmin(z)
    eps = min(b / unit, 1.0 - q[i])
    if eps < 0.0:
        eps = 0.0
    f0 = 0.0
    for j in range(m):
        p[j] = q[j]
        f0 += q[j] * z[j]
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
def _row_order(z, ids, gord, grank, pos, out):
    """``out[:] = np.argsort(-z, kind="mergesort")`` without sorting ``z``.

    Valid when ``z[k] = r + c*V[ids[k]]`` with one ``r`` for the row, ``c >= 0`` and ``V``
    finite (rounding is then monotone: ``V[i] < V[j]`` gives ``z_i <= z_j``), ``gord`` is an
    order of the states by ``V`` non-increasing and ``grank`` its inverse, ``pos`` is ``-1``
    on every state (restored on return). The row's entries are put in ``gord`` order, then
    every run of equal ``z`` (equal ``V``, or distinct ``V`` that rounding made equal) is put
    in position order, which is exactly the stable sort's tie order."""
    m = z.shape[0]
    S = gord.shape[0]
    if 4 * m >= S:
        # dense row (tv rows hold every state): walk the global order
        dup = False
        for k in range(m):
            s = ids[k]
            if pos[s] >= 0:
                dup = True
            pos[s] = k
        if not dup:
            t = 0
            for g in range(S):
                k = pos[gord[g]]
                if k >= 0:
                    out[t] = k
                    t += 1
        for k in range(m):
            pos[ids[k]] = -1
        if dup:
            o = np.argsort(-z, kind="mergesort")
            for k in range(m):
                out[k] = o[k]
            return
    else:
        for k in range(m):
            out[k] = k
        if m <= 32:
            for t in range(1, m):
                v = out[t]
                kv = grank[ids[v]]
                u = t - 1
                while u >= 0 and grank[ids[out[u]]] > kv:
                    out[u + 1] = out[u]
                    u -= 1
                out[u + 1] = v
        else:
            key = np.empty(m, dtype=np.int64)
            for k in range(m):
                key[k] = grank[ids[k]]
            o = np.argsort(key)
            for k in range(m):
                out[k] = o[k]
    # runs of equal z: position order (the stable sort's tie order)
    t = 0
    while t < m:
        zt = z[out[t]]
        u = t + 1
        while u < m and z[out[u]] == zt:
            u += 1
        if u - t > 1:
            if u - t <= 32:
                for a in range(t + 1, u):
                    v = out[a]
                    w = a - 1
                    while w >= t and out[w] > v:
                        out[w + 1] = out[w]
                        w -= 1
                    out[w + 1] = v
            else:
                out[t:u] = np.sort(out[t:u])
        t = u


@njit(cache=True)
def _row_worst_o(kind, z, q, b, p, order):
    """:func:`_row_worst` for ``kind`` L1 / TV with the row's sort ``order`` given."""
    if b <= 0.0:
        val = 0.0
        for j in range(z.shape[0]):
            p[j] = q[j]
            val += q[j] * z[j]
        return val
    return _sort_row_o(z, q, b, 2.0 if kind == L1 else 1.0, p, order)


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
