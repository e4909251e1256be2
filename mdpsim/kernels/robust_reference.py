r"""Robust kernels, NumPy reference: plain per-row code, the oracle for the compiled kernels.

Shapes and the maths of every set are in :mod:`mdpsim.kernels.robust_common`. All functions
take a :class:`RobustTrans` and plain arrays, never write their inputs, and return new arrays.
Nature minimises (reward semantics); ``z_k = Rb[s,a] + rn_k + c V[idx_k]``.

Public functions (the numba backend exposes the same ones):

==================================  ===========================================================
``row_worst(kind, z, q, b)``        ``(min_{p in B_b(q)} p.z, p)`` for one row
``state_worst_fixed(...)``          s-rect, fixed ``pi_s``: ``(min sum_a pi_a p_a.z_a, P)``
``state_worst_opt(...)``            s-rect, optimal: ``(max_pi min_P ..., pi_s, P)``
``robust_backup(RT, V, c, h, pi)``  one robust Bellman sweep: ``(TV[S], pi[S,A], pw[nnz])``
``robust_value_iteration``          certified robust VI (span or sup rule)
``robust_evaluate``                 robust value of a fixed policy (nature's policy iteration)
``robust_backward_induction``       finite horizon, optimal: ``V[H+1,S], pi[H,S,A]``
``robust_evaluate_finite``          finite horizon, fixed ``pi[n,S,A]``: ``V[H+1,S]``
``kernel_value``                    ``V^{pi,p}`` for a kernel given on the entries
``proj_simplex(y)``                 Euclidean projection onto the simplex (sort-based)
``proj_l1_row(y, q, k)``            projection onto ``{p in simplex(supp q), ||p-q||_1 <= k}``
``proj_l1_state(Y, Q, off, k)``     projection onto the s-rect L1 set of one state
==================================  ===========================================================
"""
from __future__ import annotations

import numpy as np

from ._common import TIE_RTOL, stop_rule
from .robust_common import (L1, TV, LINF, L2, KL, SA, BISECT_MAX, BRACKET_MAX,
                             RobustTrans, RVIResult, REvalResult)

__all__ = ["row_worst", "state_worst_fixed", "state_worst_opt", "robust_backup",
           "robust_value_iteration", "robust_evaluate", "robust_backward_induction",
           "robust_evaluate_finite", "kernel_value", "kernel_occupancy", "proj_simplex",
           "proj_l1_row", "proj_l1_state", "drpg_inner"]


# ============================================================================ 1-D searches
def _bisect_increasing(fun, target):
    """Largest ``x >= 0`` found with ``fun(x) <= target`` for a non-decreasing ``fun`` with
    ``fun(0) <= target < sup fun``: bracket by doubling / halving from 1, then bisect to
    float resolution."""
    x = 1.0
    if fun(x) <= target:
        lo, hi = x, 2.0 * x
        n = 0
        while fun(hi) <= target and n < BRACKET_MAX:
            lo, hi = hi, 2.0 * hi
            n += 1
    else:
        lo, hi = 0.5 * x, x
        n = 0
        while fun(lo) > target and n < BRACKET_MAX:
            lo, hi = 0.5 * lo, lo
            n += 1
            if lo == 0.0:
                break
    for _ in range(BISECT_MAX):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if fun(mid) <= target:
            lo = mid
        else:
            hi = mid
    return lo


# ============================================================================ row problems
def _sort_row(z, q, b, unit):
    """L1 (unit 2) / TV (unit 1): move ``min(b/unit, 1-q_*)`` mass from the largest z to the
    smallest."""
    i = int(np.argmin(z))
    eps = max(min(b / unit, 1.0 - q[i]), 0.0)
    order = np.argsort(-z, kind="stable")
    order = order[order != i]
    qs = q[order]
    before = np.cumsum(qs) - qs
    removed = np.clip(eps - before, 0.0, qs)
    p = q.copy()
    p[order] -= removed
    p[i] += eps
    gain = float(np.sum(removed * (z[order] - z[i])))
    return float(q @ z) - gain, p


def _linf_row(z, q, b):
    lo = np.maximum(q - b, 0.0)
    cap = np.minimum(q + b, 1.0) - lo
    mass = max(1.0 - lo.sum(), 0.0)
    order = np.argsort(z, kind="stable")
    cs = cap[order]
    before = np.cumsum(cs) - cs
    add = np.clip(mass - before, 0.0, cs)
    p = lo.copy()
    p[order] += add
    return float(p @ z), p


def _wproj(a, w, active=None):
    """``p_i = max(a_i - theta / w_i, 0)`` with ``sum p = 1`` (weighted simplex projection);
    entries outside ``active`` are 0."""
    if active is None:
        active = np.ones(a.shape[0], dtype=bool)
    ii = np.flatnonzero(active)
    aa, ww = a[ii], w[ii]
    br = ww * aa
    order = np.argsort(-br, kind="stable")
    ca = np.cumsum(aa[order])
    ciw = np.cumsum(1.0 / ww[order])
    th = (ca - 1.0) / ciw
    ok = np.flatnonzero(br[order] > th)
    theta = th[ok[-1]] if ok.size else th[-1]
    p = np.zeros(a.shape[0])
    p[ii] = np.maximum(aa - theta / ww, 0.0)
    return p


def _weights(kind, q):
    return np.ones_like(q) if kind == L2 else 1.0 / q


def _path(kind, y, q, w, param):
    """Point ``p`` on the minimiser path at parameter ``param`` (t for l2/chi2, eta for kl)
    with ``y = z - min z >= 0``; returns ``(p, D(p, q), p.y)``."""
    if kind == KL:
        e = q * np.exp(-param * y)
        Z = e.sum()
        p = e / Z
        g = float(p @ y)
        return p, -param * g - float(np.log(Z)), g
    p = _wproj(q - param * y / w, w)
    return p, float(np.sum(w * (p - q) ** 2)), float(p @ y)


def _path_limit(kind, y, q, w):
    """Limit of the path as the parameter grows: the closest point supported on argmin z."""
    star = y == 0.0
    if kind == KL:
        qs = q[star].sum()
        p = np.where(star, q / qs, 0.0)
        return p, -float(np.log(qs))
    p = _wproj(q, w, star)
    return p, float(np.sum(w * (p - q) ** 2))


def _smooth_row(kind, z, q, b):
    zmin = float(z.min())
    y = z - zmin
    w = _weights(kind, q) if kind != KL else None
    pinf, Dinf = _path_limit(kind, y, q, w)
    if b >= Dinf:
        return zmin, pinf
    t = _bisect_increasing(lambda x: _path(kind, y, q, w, x)[1], b)
    p, _, g = _path(kind, y, q, w, t)
    return zmin + g, p


def row_worst(kind: int, z, q, b: float):
    """``z, q: float64[m], b >= 0 -> (value, p: float64[m])``: ``min p.z`` over the row set of
    budget ``b`` around ``q`` (entries are the candidate support)."""
    z = np.asarray(z, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    if b <= 0.0:
        return float(q @ z), q.copy()
    if kind == L1:
        return _sort_row(z, q, b, 2.0)
    if kind == TV:
        return _sort_row(z, q, b, 1.0)
    if kind == LINF:
        return _linf_row(z, q, b)
    return _smooth_row(kind, z, q, b)


# ============================================================================ s-rect: L1 / TV
def _segments(z, q, unit):
    """Piecewise-linear description of ``f(d)`` for L1/TV: ``(f0, zmin, lengths, F)`` with
    ``F[j]`` the value after the first ``j+1`` segments (lengths in budget units)."""
    i = int(np.argmin(z))
    order = np.argsort(-z, kind="stable")
    order = order[(order != i) & (q[order] > 0) & (z[order] > z[i])]
    f0 = float(q @ z)
    drop = q[order] * (z[order] - z[i])
    return f0, float(z[i]), unit * q[order], f0 - np.cumsum(drop), z[order] - z[i]


def _seg_inverse(seg, u):
    """Budget needed to bring ``f`` down to ``u`` (``inf`` below the minimum)."""
    f0, zmin, lens, F, _ = seg
    if u >= f0:
        return 0.0
    if u < zmin:
        return np.inf
    if lens.size == 0:
        return 0.0
    j = int(np.searchsorted(-F, -u, side="left"))  # first j with F[j] <= u
    if j >= F.size:
        return float(lens.sum())
    Dprev = float(lens[:j].sum())
    Fprev = f0 if j == 0 else float(F[j - 1])
    return Dprev + (Fprev - u) / (Fprev - float(F[j])) * float(lens[j])


def _sort_state_fixed(Z, Q, pi, B, unit):
    A = len(Z)
    lens, rates, acts = [], [], []
    for a in range(A):
        f0, zmin, ln, F, gaps = _segments(Z[a], Q[a], unit)
        lens.append(ln)
        rates.append(pi[a] * gaps / unit)
        acts.append(np.full(ln.size, a))
    lens = np.concatenate(lens)
    rates = np.concatenate(rates)
    acts = np.concatenate(acts)
    order = np.argsort(-rates, kind="stable")
    ls = lens[order]
    before = np.cumsum(ls) - ls
    used = np.clip(B - before, 0.0, ls)
    d = np.zeros(A)
    np.add.at(d, acts[order], used)
    val, P = 0.0, []
    for a in range(A):
        v, p = _sort_row(Z[a], Q[a], d[a], unit)
        val += pi[a] * v
        P.append(p)
    return val, P


def _sort_state_opt(Z, Q, B, unit):
    A = len(Z)
    segs = [_segments(Z[a], Q[a], unit) for a in range(A)]
    f0 = np.array([s[0] for s in segs])
    zmin = np.array([s[1] for s in segs])
    u_lo = float(zmin.max())

    def G(u):
        return sum(_seg_inverse(s, u) for s in segs)

    if G(u_lo) <= B:
        ustar, pi = u_lo, np.zeros(A)
        pi[int(np.argmax(zmin))] = 1.0
    else:
        cand = np.concatenate([f0] + [s[3] for s in segs] + [[u_lo]])
        cand = np.unique(cand[cand >= u_lo])
        g = np.array([G(u) for u in cand])
        k = int(np.flatnonzero(g <= B)[0])  # cand[0] = u_lo has G > B, the top has G = 0
        c0, c1, g0, g1 = cand[k - 1], cand[k], g[k - 1], g[k]
        ustar = float(min(max(c0 + (g0 - B) / (g0 - g1) * (c1 - c0), c0), c1))
        slope = np.array([_seg_inverse(s, c0) - _seg_inverse(s, c1) for s in segs])
        pi = slope / slope.sum()
    d = np.array([_seg_inverse(s, ustar) for s in segs])
    P = [_sort_row(Z[a], Q[a], d[a], unit)[1] for a in range(A)]
    return ustar, pi, P


# ============================================================================ s-rect: smooth
def _smooth_state_fixed(kind, Z, Q, pi, B):
    A = len(Z)
    zmin = [float(z.min()) for z in Z]
    Y = [Z[a] - zmin[a] for a in range(A)]
    W = [_weights(kind, Q[a]) if kind != KL else None for a in range(A)]
    act = [a for a in range(A) if pi[a] > 0]
    lim = {a: _path_limit(kind, Y[a], Q[a], W[a]) for a in act}
    P = [Q[a].copy() for a in range(A)]
    if sum(lim[a][1] for a in act) <= B:
        for a in act:
            P[a] = lim[a][0]
    else:
        nu = _bisect_increasing(
            lambda x: sum(_path(kind, Y[a], Q[a], W[a], pi[a] * x)[1] for a in act), B)
        for a in act:
            P[a] = _path(kind, Y[a], Q[a], W[a], pi[a] * nu)[0]
    val = sum(pi[a] * float(P[a] @ Z[a]) for a in range(A))
    return val, P


def _smooth_level(kind, y, q, w, f0, zmin, lim, u):
    """Parameter, budget and point bringing one action's worst case down to level ``u``."""
    if u >= f0:
        return 0.0, 0.0, q.copy()
    if u <= zmin:
        return np.inf, lim[1], lim[0]
    target = u - zmin
    par = _bisect_increasing(lambda x: -_path(kind, y, q, w, x)[2], -target)
    p, D, _ = _path(kind, y, q, w, par)
    return par, D, p


def _smooth_state_opt(kind, Z, Q, B):
    A = len(Z)
    zmin = np.array([float(z.min()) for z in Z])
    f0 = np.array([float(Q[a] @ Z[a]) for a in range(A)])
    Y = [Z[a] - zmin[a] for a in range(A)]
    W = [_weights(kind, Q[a]) if kind != KL else None for a in range(A)]
    lim = [_path_limit(kind, Y[a], Q[a], W[a]) for a in range(A)]
    u_lo, u_hi = float(zmin.max()), float(f0.max())

    def level(u):
        return [_smooth_level(kind, Y[a], Q[a], W[a], f0[a], zmin[a], lim[a], u)
                for a in range(A)]

    if sum(r[1] for r in level(u_lo)) <= B:
        ustar = u_lo
        pi = np.zeros(A)
        pi[int(np.argmax(zmin))] = 1.0
        res = level(u_lo)
    else:
        lo, hi = u_lo, u_hi
        for _ in range(BISECT_MAX):
            mid = 0.5 * (lo + hi)
            if mid <= lo or mid >= hi:
                break
            if sum(r[1] for r in level(mid)) <= B:
                hi = mid
            else:
                lo = mid
        ustar = hi
        res = level(ustar)
        par = np.array([r[0] for r in res])
        if par.sum() > 0:
            pi = par / par.sum()
        else:  # budget below float resolution of the level: nominal greedy
            pi = np.zeros(A)
            pi[_greedy(f0)] = 1.0
    return ustar, pi, [r[2] for r in res]


# ============================================================================ per-state API
def state_worst_fixed(kind: int, Z, Q, pi, B: float):
    """s-rect, fixed policy. ``Z, Q``: lists of ``float64[m_a]`` per action, ``pi: [A]``,
    ``B >= 0`` -> ``(min_P sum_a pi_a p_a.z_a, list of p_a)``."""
    if B <= 0.0:
        return float(sum(pi[a] * (Q[a] @ Z[a]) for a in range(len(Z)))), [q.copy() for q in Q]
    if kind in (L1, TV):
        return _sort_state_fixed(Z, Q, pi, B, 2.0 if kind == L1 else 1.0)
    if kind == LINF:
        raise ValueError("s-rectangular linf is stored as (s,a)-rectangular")
    return _smooth_state_fixed(kind, Z, Q, pi, B)


def state_worst_opt(kind: int, Z, Q, B: float):
    """s-rect, optimal: ``-> (max_pi min_P sum_a pi_a p_a.z_a, pi: float64[A], list of p_a)``."""
    A = len(Z)
    if B <= 0.0:
        f0 = np.array([float(Q[a] @ Z[a]) for a in range(A)])
        pi = np.zeros(A)
        pi[_greedy(f0)] = 1.0
        return float(f0.max()), pi, [q.copy() for q in Q]
    if kind in (L1, TV):
        return _sort_state_opt(Z, Q, B, 2.0 if kind == L1 else 1.0)
    if kind == LINF:
        raise ValueError("s-rectangular linf is stored as (s,a)-rectangular")
    return _smooth_state_opt(kind, Z, Q, B)


def _greedy(q) -> int:
    m = q.max()
    return int(np.flatnonzero(q >= m - TIE_RTOL * (1.0 + abs(m)))[0])


# ============================================================================ sweeps
def _z(RT: RobustTrans, V, c, h, r, s, a):
    lo, hi = RT.indptr[r], RT.indptr[r + 1]
    hr = h if RT.Rb.shape[0] > 1 else 0
    return RT.Rb[hr, s, a] + RT.rn[lo:hi] + c * V[RT.idx[lo:hi]], lo, hi


def robust_backup(RT: RobustTrans, V, c: float, h: int = 0, pi=None):
    """One robust Bellman sweep at stage ``h`` (``c`` = gamma or 1).

    ``V: float64[S]``, ``pi: float64[S, A]`` or None -> ``(TV: float64[S], pi_g: float64[S, A],
    pw: float64[nnz])``. With ``pi`` given: ``TV = T_pi V`` (nature's best response, ``pi_g``
    is ``pi``); otherwise ``TV = T V`` and ``pi_g`` is greedy (one-hot for sa-rect, the
    saddle-point policy for s-rect). ``pw`` holds nature's kernel on the stage's entries
    (other stages' entries are 0).
    """
    S, A = RT.S, RT.A
    hp = h if RT.n_p > 1 else 0
    TVs = np.empty(S)
    pig = np.zeros((S, A))
    pw = np.zeros(RT.q.shape[0])
    for s in range(S):
        rows = [(hp * S + s) * A + a for a in range(A)]
        if RT.rect == SA:
            vals = np.empty(A)
            for a, r in enumerate(rows):
                z, lo, hi = _z(RT, V, c, h, r, s, a)
                vals[a], pw[lo:hi] = row_worst(RT.kind, z, RT.q[lo:hi], RT.budget[s * A + a])
            if pi is None:
                pig[s, _greedy(vals)] = 1.0
                TVs[s] = vals.max()
            else:
                pig[s] = pi[s]
                TVs[s] = float(pi[s] @ vals)
        else:
            Z, Qs, spans = [], [], []
            for a, r in enumerate(rows):
                z, lo, hi = _z(RT, V, c, h, r, s, a)
                Z.append(z)
                Qs.append(RT.q[lo:hi])
                spans.append((lo, hi))
            if pi is None:
                TVs[s], pig[s], P = state_worst_opt(RT.kind, Z, Qs, RT.budget[s])
            else:
                TVs[s], P = state_worst_fixed(RT.kind, Z, Qs, pi[s], RT.budget[s])
                pig[s] = pi[s]
            for (lo, hi), p in zip(spans, P):
                pw[lo:hi] = p
    return TVs, pig, pw


def robust_value_iteration(RT: RobustTrans, gamma: float, tol: float, max_iter: int, V0,
                           rule: str = "span") -> RVIResult:
    """Robust VI ``v <- T v`` with the stopping rules of :func:`mdpsim.value_iteration`
    (valid because ``T`` is monotone, translation-equivariant and a gamma-contraction)."""
    v = np.array(V0, dtype=np.float64, copy=True)
    k = gamma / (1.0 - gamma)
    gap, conv, n = np.inf, False, 0
    pi = np.zeros((RT.S, RT.A))
    for n in range(1, max_iter + 1):
        tv, pi, _ = robust_backup(RT, v, gamma)
        delta = tv - v
        lo, hi = float(delta.min()), float(delta.max())
        gap = k * (hi - lo)
        stop, shift = stop_rule(lo, hi, gamma, tol, rule == "sup")
        v = tv + shift if stop and rule != "sup" else tv
        if stop:
            conv = True
            break
    return RVIResult(v, pi, n, gap, conv)


def _kernel_system(RT: RobustTrans, pw, pi):
    """``P_pi[S, S']`` and ``r_pi[S]`` of the stationary kernel ``pw`` (entries)."""
    S, A = RT.S, RT.A
    Ppi = np.zeros((S, S))
    r = np.zeros(S)
    for s in range(S):
        for a in range(A):
            row = s * A + a
            lo, hi = RT.indptr[row], RT.indptr[row + 1]
            p = pw[lo:hi]
            np.add.at(Ppi[s], RT.idx[lo:hi], pi[s, a] * p)
            r[s] += pi[s, a] * (RT.Rb[0, s, a] * p.sum() + p @ RT.rn[lo:hi])
    return Ppi, r


def kernel_value(RT: RobustTrans, pw, pi, gamma: float):
    """``V^{pi, p} = (I - gamma P_pi)^{-1} r_pi`` for the stationary kernel ``pw`` (entries)."""
    Ppi, r = _kernel_system(RT, pw, pi)
    return np.linalg.solve(np.eye(RT.S) - gamma * Ppi, r)


def kernel_occupancy(RT: RobustTrans, pw, pi, gamma: float, init):
    """Normalised discounted state occupancy ``d = (1-gamma) init^T (I - gamma P_pi)^{-1}``."""
    Ppi, _ = _kernel_system(RT, pw, pi)
    return np.linalg.solve((np.eye(RT.S) - gamma * Ppi).T, (1.0 - gamma) * init)


def robust_evaluate(RT: RobustTrans, gamma: float, pi, tol: float, max_iter: int,
                    V0=None) -> REvalResult:
    """Robust value of the stationary policy ``pi: float64[S, A]`` by nature's policy iteration.

    Each step takes nature's best response ``p_k`` to ``v_k`` and solves ``v_{k+1} = V^{pi,
    p_k}`` exactly. With ``Delta = T_pi v - v`` the robust value satisfies
    ``T_pi v + gamma/(1-gamma) min Delta <= V^pi_P <= T_pi v + gamma/(1-gamma) max Delta``; the
    loop stops when that bracket is narrower than ``tol`` and returns its midpoint.
    """
    v = kernel_value(RT, RT.q, pi, gamma) if V0 is None else np.array(V0, dtype=np.float64)
    k = gamma / (1.0 - gamma)
    gap, conv, n = np.inf, False, 0
    pw = RT.q.copy()
    out = v
    for n in range(1, max_iter + 1):
        tv, _, pw = robust_backup(RT, v, gamma, 0, pi)
        delta = tv - v
        lo, hi = float(delta.min()), float(delta.max())
        gap = k * (hi - lo)
        stop, shift = stop_rule(lo, hi, gamma, tol, False)
        out = tv + shift
        if stop:
            conv = True
            break
        v = kernel_value(RT, pw, pi, gamma)
    return REvalResult(out, pw, n, gap, conv)


def robust_backward_induction(RT: RobustTrans, H: int):
    """Finite horizon, optimal: ``-> V: float64[H+1, S]`` (``V[H] = 0``), ``pi: [H, S, A]``."""
    V = np.zeros((H + 1, RT.S))
    pi = np.zeros((H, RT.S, RT.A))
    for h in range(H - 1, -1, -1):
        V[h], pi[h], _ = robust_backup(RT, V[h + 1], 1.0, h)
    return V, pi


def robust_evaluate_finite(RT: RobustTrans, H: int, pi3):
    """Finite horizon, fixed ``pi3: float64[n, S, A]`` (n = 1 or H): ``-> V[H+1, S]``."""
    V = np.zeros((H + 1, RT.S))
    for h in range(H - 1, -1, -1):
        V[h], _, _ = robust_backup(RT, V[h + 1], 1.0, h, pi3[h if pi3.shape[0] > 1 else 0])
    return V


# ============================================================================ projections
def proj_simplex(y):
    """Euclidean projection of ``y: float64[m]`` onto the probability simplex (sort-based)."""
    y = np.asarray(y, dtype=np.float64)
    u = np.sort(y)[::-1]
    css = np.cumsum(u) - 1.0
    j = np.arange(1, y.size + 1)
    rho = int(np.flatnonzero(u - css / j > 0)[-1])
    theta = css[rho] / (rho + 1.0)
    return np.maximum(y - theta, 0.0)


def _l1_coord(w, q, mu):
    """argmin_{p >= 0} 1/2 (p - w)^2 + mu |p - q|, elementwise."""
    d = w - q
    return np.maximum(q + np.sign(d) * np.maximum(np.abs(d) - mu, 0.0), 0.0)


def _tau_for_sum(y, q, mu):
    """tau with ``sum_i _l1_coord(y_i - tau, q_i, mu) = 1`` (the sum is piecewise linear and
    non-increasing in tau; solved exactly on its breakpoints)."""
    bps = np.sort(np.concatenate([y - q - mu, y - q + mu, y + mu]))

    def tot(t):
        return float(_l1_coord(y - t, q, mu).sum())

    vals = np.array([tot(t) for t in bps])
    # vals is non-increasing; the sum at the largest breakpoint is 0 < 1.
    k = int(np.flatnonzero(vals <= 1.0)[0])
    if k == 0:  # sum still >= 1 at the smallest breakpoint: slope -m left of it
        return float(bps[0] + (vals[0] - 1.0) / y.size)
    t0, t1, v0, v1 = bps[k - 1], bps[k], vals[k - 1], vals[k]
    if v0 == v1:
        return float(t0)
    return float(t0 + (v0 - 1.0) / (v0 - v1) * (t1 - t0))


def _l1_point(y, q, mu):
    return _l1_coord(y - _tau_for_sum(y, q, mu), q, mu)


def proj_l1_row(y, q, k: float):
    """Euclidean projection of ``y: float64[m]`` onto ``{p >= 0, sum p = 1, ||p - q||_1 <= k}``
    (entries = the nominal support). Nested search (drpg.md §5.3): for an L1 multiplier
    ``mu`` the minimiser is coordinate-wise (soft-threshold towards ``q``, clipped at 0) with
    the sum multiplier ``tau`` solved exactly on its breakpoints; ``||p(mu) - q||_1`` is
    non-increasing and piecewise linear in ``mu`` and is solved for ``k`` by safeguarded
    false position (:func:`_false_position`)."""
    y = np.asarray(y, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    return _false_position(lambda m: _l1_point(y, q, m), q, y, k)


def _dist_slope(P, Q, offs):
    """``(sum_a ||p_a - q_a||_1, d/dmu)`` with the per-row slope ``-4 U L / (U + L)``."""
    tot = float(np.abs(P - Q).sum())
    slope = 0.0
    for lo, hi in offs:
        x = P[lo:hi] - Q[lo:hi]
        nu = int(np.sum(x > 0))
        nl = int(np.sum((x < 0) & (P[lo:hi] > 0)))
        if nu + nl > 0:
            slope -= 4.0 * nu * nl / (nu + nl)
    return tot, slope


def _false_position(point, q, y, k, offs=None):
    """Root of the non-increasing, piecewise-linear ``h(mu) = ||point(mu) - q||_1 - k`` on
    ``[0, max|y - q|]``: Newton steps on the current linear piece, safeguarded by the bracket
    and bisection (flat pieces, steps leaving the bracket, every sixth step); returns the
    point on the feasible side (or within ``1e-13 k`` of it)."""
    if k <= 0.0:
        return np.array(q, dtype=np.float64, copy=True)
    offs = [(0, q.shape[0])] if offs is None else offs
    p = point(0.0)
    d0, s0 = _dist_slope(p, q, offs)
    h0 = d0 - k
    if h0 <= 0.0:
        return p
    lo = 0.0
    hi = float(np.abs(y - q).max())
    x, hx, sx = 0.0, h0, s0
    for it in range(BISECT_MAX):
        c = x - hx / sx if sx < 0.0 else -1.0
        if not (lo < c < hi) or it % 6 == 5:
            c = 0.5 * (lo + hi)
        pc = point(c)
        dc, sc = _dist_slope(pc, q, offs)
        hc = dc - k
        if abs(hc) <= 1e-13 * max(k, 1.0):  # root to rounding (|violation| <= 1e-13 k)
            return pc
        if hc > 0.0:
            lo = c
        else:
            hi = c
        x, hx, sx = c, hc, sc
        if hi - lo <= 1e-15 * hi:
            break
    return point(hi)


def proj_l1_state(Y, Q, off, k: float):
    """Projection of one state's stacked rows onto the s-rect L1 set
    ``{p_a in simplex, sum_a ||p_a - q_a||_1 <= k}``: one shared ``mu``, a ``tau`` per action.
    ``Y, Q: float64[n]`` concatenated rows, ``off: int64[A+1]`` row offsets."""
    Y = np.asarray(Y, dtype=np.float64)
    Q = np.asarray(Q, dtype=np.float64)
    A = off.shape[0] - 1

    def point(mu):
        out = np.empty_like(Y)
        for a in range(A):
            lo, hi = off[a], off[a + 1]
            out[lo:hi] = _l1_point(Y[lo:hi], Q[lo:hi], mu)
        return out

    return _false_position(point, Q, Y, k, [(off[a], off[a + 1]) for a in range(A)])


# ============================================================================ DRPG inner loop
def drpg_inner(RT: RobustTrans, pi, gamma: float, init, beta: float, tol: float,
               max_iter: int, certified: bool = False, p0=None):
    """DRPG inner loop: projected gradient ascent on the kernel, cost semantics
    (``docs/papers/drpg.md`` §5.2; L1 sets, (s,a)- or s-rectangular).

    ``c_k = -(Rb + rn_k)``; ``G_k = d(s) pi(a|s) (c_k + gamma v_c(s'_k)) / (1 - gamma)``;
    ``p <- Proj_P(p + beta G)`` from ``p0`` (default: nominal). Stops when
    ``||v_c^{k+1} - v_c^k||_2 <= tol`` (authors' rule) or, with ``certified``, when the
    certified gap ``-rho.Delta - gamma/(1-gamma) min Delta <= tol`` (``Delta = T_pi v - v`` in
    reward terms, an upper bound on ``Phi(pi) - J(pi, p)``).
    ``-> (p: float64[nnz], v_c: float64[S], n_iter, gap)`` (gap NaN unless certified).
    """
    S, A = RT.S, RT.A
    p = np.array(RT.q if p0 is None else p0, dtype=np.float64, copy=True)
    v = -kernel_value(RT, p, pi, gamma)
    k_ = gamma / (1.0 - gamma)
    n, gap = 0, np.nan
    rows = np.repeat(np.arange(S * A), np.diff(RT.indptr))
    s_of, a_of = rows // A, rows % A
    c = -(RT.Rb[0, s_of, a_of] + RT.rn)
    for it in range(max_iter):
        n = it + 1
        d = kernel_occupancy(RT, p, pi, gamma, init)
        G = d[s_of] * pi[s_of, a_of] * (c + gamma * v[RT.idx]) / (1.0 - gamma)
        y = p + beta * G
        for s in range(S):
            base, end = RT.indptr[s * A], RT.indptr[s * A + A]
            if RT.rect == SA:
                for a in range(A):
                    lo, hi = RT.indptr[s * A + a], RT.indptr[s * A + a + 1]
                    p[lo:hi] = proj_l1_row(y[lo:hi], RT.q[lo:hi], RT.budget[s * A + a])
            else:
                off = RT.indptr[s * A:s * A + A + 1] - base
                p[base:end] = proj_l1_state(y[base:end], RT.q[base:end], off, RT.budget[s])
        vnew = -kernel_value(RT, p, pi, gamma)
        if certified:
            tv, _, _ = robust_backup(RT, -vnew, gamma, 0, pi)
            delta = tv + vnew
            gap = float(-(init @ delta) - k_ * delta.min())
            stop = gap <= tol
        else:
            stop = float(np.linalg.norm(vnew - v)) <= tol
        v = vnew
        if stop:
            break
    return p, v, n, gap
