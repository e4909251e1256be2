r"""Certificates of the conservative-exploration learners: lower (and upper) confidence values
of a mixture of the baseline and the optimistic policy on the learner's empirical model.

Reference and status: see :mod:`mdpsim.algorithms.conservative` (arXiv:2306.06265; every
part below is a **reconstruction**, [R] in ``docs/papers/stepmix.md``). The kernels here work
on arrays only (no learner state): the optimistic UCBVI-CH pass, the certification widths,
certificate 1 (:func:`lcb_value`, :func:`ucb_value`, :func:`baseline_bounds`), certificate 2
(:func:`advantage_bound`, :func:`anchored_value`), the mixtures (:func:`set_weights`,
:func:`write_mixture`) and EpsMix's closed form (:func:`epsmix_weight`).

**Certification width.** With ``β(s,a) = c_cert sqrt((S ln 2 + ln(n_P S A K H / δ)) /
(2 N(s,a)))``, the event ``E = {||P̂(.|s,a) - P(.|s,a)||_1 <= 2 β / c_cert`` for all rows,
stages and counts ``N <= K H}`` has probability ``>= 1 - δ`` (Weissman et al.'s L1 bound and
a union bound over ``n_P S A K H`` cases). On ``E`` with ``c_cert >= 1``, for **every**
function ``W`` of the next state, ``|(P̂ - P) W (s,a)| <= β(s,a) span(W)``
(``|(P̂ - P) W| <= ||P̂ - P||_1 span(W) / 2``) — the only fact the certificates below use.

**Certificate 1 — direct pessimistic evaluation** of a Markov stochastic policy ``π``
(:func:`lcb_value`, ``V̲_H = 0``)::

    Q̲_h(s,a) = max{(H-h) r_lo, R_h(s,a) + P̂ V̲_{h+1}(s,a) - (H-h-1) w β(s,a)}   (N > 0)
    Q̲_h(s,a) = (H-h) r_lo   (N = 0),        V̲_h(s) = sum_a π_h(a|s) Q̲_h(s,a),

``w = r_hi - r_lo``. On ``E``, ``V̲^π_1 <= V^π_1`` by induction (``V^π_{h+1}`` has span
``<= (H-h-1) w``). The same pass with ``+`` and a cap ``(H-h) r_hi`` gives ``Ū^π >= V^π``.

**Certificate 2 — anchored at the baseline** (:func:`anchored_value`; ours). For a policy
that deviates from ``π^b`` only towards the optimistic action,
``π_h(.|s) = w_h 1[. = π^o_h(s)] + (1 - w_h) π^b_h(.|s)``, the performance-difference lemma
gives ``V^π_1 - V^b_1 = sum_h E_{s_h ~ π}[w_h (Q^b_h(s_h, π^o_h(s_h)) - V^b_h(s_h))]``. With
``G_h(s) = Q̲^b_h(s, π^o_h(s)) - Ū^b_h(s) <= Q^b_h - V^b_h`` (certificate-1 bounds of the
baseline, on ``E``) the state reward ``f_h(s) = w_h G_h(s)`` is a pointwise lower bound of the
integrand, and a pessimistic evaluation of ``π`` for the reward ``f`` (widths ``β`` times the
span ``sum_{t>h} w_t (max_s G_t - min_s G_t)`` of its value, clipped below at
``sum_{t>=h} w_t min_s G_t``) gives ``W̲ <= V^π - V^b``. Hence ``V^π >= B + W̲`` with
``B = V^b`` (known) or ``V̲^b`` (unknown). Its error scales with the weights ``w_h``: small
mixtures of the optimistic policy are certified long before the direct bound can certify
anything, because the known ``V^b`` is used exactly rather than re-estimated. The
certificate of a policy is the larger of the two (both hold on ``E``).

"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._common import greedy_at, empirical_mean

__all__ = ["optimistic_pass", "cert_factors", "lcb_value", "ucb_value", "baseline_bounds",
           "advantage_bound", "anchored_value", "set_weights", "write_mixture", "epsmix_weight"]


@njit(cache=True)
def optimistic_pass(N, Nsas, succ, nsucc, R3, init, Q, V, pio, params):
    """UCBVI-CH backward induction (see :mod:`mdpsim.algorithms.ucbvi`); writes ``Q``,
    ``V: float64[H + 1, S]`` and the greedy actions ``pio: int64[H, S]``; returns
    ``init @ V[0]`` (the optimistic value).

    ``Q_h(s,a) = min{Q_h^{prev}(s,a), V_max,h, R_h(s,a) + P̂ V_{h+1}(s,a) + c 7 w H L /
    sqrt(N)}`` (``V_max,h`` where ``N = 0``)."""
    H, S, A = Q.shape
    L = params.L
    c = params.scale
    wH = params.width * H
    r_hi = params.r_hi
    mono = params.mono != 0.0
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, N.shape[0] - 1)
        hr = min(h, R3.shape[0] - 1)
        vmax = H * r_hi if params.clip_h != 0.0 else (H - h) * r_hi
        for s in range(S):
            for a in range(A):
                n = N[hs, s, a]
                if n == 0.0:
                    q = vmax
                else:
                    m = empirical_mean(N, Nsas, succ, nsucc, hs, s, a, V, h + 1)
                    b = 7.0 * wH * L / math.sqrt(n)
                    q = min(vmax, R3[hr, s, a] + m + c * b)
                if mono:
                    q = min(q, Q[h, s, a])
                Q[h, s, a] = q
            vbest, abest = greedy_at(Q, h, s)
            V[h, s] = vbest
            pio[h, s] = abest
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


@njit(cache=True)
def cert_factors(N, cfac, beta):
    """``beta[hs, s, a] = cfac / sqrt(N)`` (0 where ``N = 0``; unused there) with
    ``cfac = c_cert sqrt((S ln 2 + ln(n_P S A K H / δ)) / 2)``: the certification width per
    unit of span."""
    n0, S, A = N.shape
    for hs in range(n0):
        for s in range(S):
            for a in range(A):
                n = N[hs, s, a]
                beta[hs, s, a] = cfac / math.sqrt(n) if n > 0.0 else 0.0


@njit(cache=True)
def lcb_value(N, Nsas, succ, nsucc, R3, init, beta, pio, pib, wts, r_lo, w, Vl):
    """Certificate 1: pessimistic value ``init @ V̲_0`` of the Markov policy
    ``π_h(.|s) = wts[h] 1[. = pio[h, s]] + (1 - wts[h]) pib[h, s, .]``.

    ``pio: int64[H, S]``, ``pib: float64[H, S, A]``, ``wts: float64[H]`` in [0, 1],
    ``beta: float64[n_P, S, A]`` (:func:`cert_factors`), ``w = r_hi - r_lo``,
    ``Vl: float64[H + 1, S]`` work buffer (holds ``V̲`` on return). Actions of zero
    probability are skipped."""
    H, S, A = pib.shape
    for s in range(S):
        Vl[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, N.shape[0] - 1)
        hr = min(h, R3.shape[0] - 1)
        lo = (H - h) * r_lo
        span = (H - h - 1) * w
        wh = wts[h]
        for s in range(S):
            ao = pio[h, s]
            acc = 0.0
            for a in range(A):
                p = (1.0 - wh) * pib[h, s, a]
                if a == ao:
                    p += wh
                if p > 0.0:
                    n = N[hs, s, a]
                    if n == 0.0:
                        q = lo
                    else:
                        m = empirical_mean(N, Nsas, succ, nsucc, hs, s, a, Vl, h + 1)
                        q = max(lo, R3[hr, s, a] + m - span * beta[hs, s, a])
                    acc += p * q
            Vl[h, s] = acc
    acc = 0.0
    for s in range(S):
        acc += init[s] * Vl[0, s]
    return acc


@njit(cache=True)
def ucb_value(N, Nsas, succ, nsucc, R3, init, beta, pib, r_hi, w, Vu):
    """Upper bound ``init @ Ū_0`` of ``pib: float64[H, S, A]``: ``Q̄_h = min{(H - h) r_hi,
    R + P̂ Ū_{h+1} + (H - h - 1) w β}`` (``(H - h) r_hi`` where ``N = 0``); ``Vu: float64[H +
    1, S]`` holds ``Ū`` on return."""
    H, S, A = pib.shape
    for s in range(S):
        Vu[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, N.shape[0] - 1)
        hr = min(h, R3.shape[0] - 1)
        hi = (H - h) * r_hi
        span = (H - h - 1) * w
        for s in range(S):
            acc = 0.0
            for a in range(A):
                p = pib[h, s, a]
                if p > 0.0:
                    n = N[hs, s, a]
                    if n == 0.0:
                        q = hi
                    else:
                        m = empirical_mean(N, Nsas, succ, nsucc, hs, s, a, Vu, h + 1)
                        q = min(hi, R3[hr, s, a] + m + span * beta[hs, s, a])
                    acc += p * q
            Vu[h, s] = acc
    acc = 0.0
    for s in range(S):
        acc += init[s] * Vu[0, s]
    return acc


@njit(cache=True)
def baseline_bounds(N, Nsas, succ, nsucc, R3, init, beta, pib, r_lo, r_hi, w, Qlb, Vlb, Vub):
    """Certificate-1 bounds of the baseline in one fused pass: ``Qlb: float64[H, S, A]``
    (``Q̲^b``, every action), ``Vlb, Vub: float64[H + 1, S]`` (``V̲^b``, ``Ū^b``, the latter
    as :func:`ucb_value`). Returns ``(init @ Vlb[0], init @ Vub[0])``."""
    H, S, A = pib.shape
    for s in range(S):
        Vlb[H, s] = 0.0
        Vub[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, N.shape[0] - 1)
        hr = min(h, R3.shape[0] - 1)
        lo = (H - h) * r_lo
        hi = (H - h) * r_hi
        span = (H - h - 1) * w
        for s in range(S):
            accl = 0.0
            accu = 0.0
            for a in range(A):
                n = N[hs, s, a]
                p = pib[h, s, a]
                if n == 0.0:
                    ql = lo
                    qu = hi
                else:
                    ml = 0.0
                    mu = 0.0
                    for i in range(nsucc[hs, s, a]):
                        y = succ[hs, s, a, i]
                        c = Nsas[hs, s, a, y]
                        ml += c * Vlb[h + 1, y]
                        mu += c * Vub[h + 1, y]
                    b = span * beta[hs, s, a]
                    ql = max(lo, R3[hr, s, a] + ml / n - b)
                    qu = min(hi, R3[hr, s, a] + mu / n + b)
                Qlb[h, s, a] = ql
                accl += p * ql
                accu += p * qu
            Vlb[h, s] = accl
            Vub[h, s] = accu
    lb = 0.0
    ub = 0.0
    for s in range(S):
        lb += init[s] * Vlb[0, s]
        ub += init[s] * Vub[0, s]
    return lb, ub


@njit(cache=True)
def advantage_bound(Qlb, Vub, pio, G, hv):
    """``G[h, s] = Q̲^b_h(s, pio[h, s]) - Ū^b_h(s)`` (a lower bound on the baseline's
    advantage of the optimistic action) and ``hv[0, h] = min_s G``, ``hv[1, h] = max_s G``."""
    H, S, A = Qlb.shape
    for h in range(H):
        gmin = np.inf
        gmax = -np.inf
        for s in range(S):
            g = Qlb[h, s, pio[h, s]] - Vub[h, s]
            G[h, s] = g
            gmin = min(gmin, g)
            gmax = max(gmax, g)
        hv[0, h] = gmin
        hv[1, h] = gmax


@njit(cache=True)
def anchored_value(N, Nsas, succ, nsucc, init, beta, pio, pib, wts, G, hv, Wl):
    """Certificate 2 without its anchor: ``W̲ = init @ W̲_0 <= V^π - V^b`` on the good event,
    for ``π_h = wts[h] 1[pio] + (1 - wts[h]) pib`` (see the module docstring)::

        W̲_h(s) = wts[h] G[h, s] + sum_a π_h(a|s) max{lo_{h+1}, P̂ W̲_{h+1}(s,a)
                                                       - span_{h+1} β(s,a)},

    ``lo_{h+1} = sum_{t>h} wts[t] min_s G_t``, ``span_{h+1} = sum_{t>h} wts[t] (max_s G_t -
    min_s G_t)`` (``lo_{h+1}`` where ``N = 0``). Exactly 0 when ``wts = 0``."""
    H, S, A = pib.shape
    for s in range(S):
        Wl[H, s] = 0.0
    lo_next = 0.0
    span_next = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, N.shape[0] - 1)
        wh = wts[h]
        for s in range(S):
            ao = pio[h, s]
            acc = 0.0
            for a in range(A):
                p = (1.0 - wh) * pib[h, s, a]
                if a == ao:
                    p += wh
                if p > 0.0:
                    n = N[hs, s, a]
                    if n == 0.0:
                        q = lo_next
                    else:
                        m = empirical_mean(N, Nsas, succ, nsucc, hs, s, a, Wl, h + 1)
                        q = max(lo_next, m - span_next * beta[hs, s, a])
                    acc += p * q
            Wl[h, s] = wh * G[h, s] + acc
        lo_next += wh * hv[0, h]
        span_next += wh * (hv[1, h] - hv[0, h])
    acc = 0.0
    for s in range(S):
        acc += init[s] * Wl[0, s]
    return acc


@njit(cache=True)
def set_weights(mode, lam, wts):
    """Per-step weights of the optimistic policy for mixing parameter ``lam`` in [0, 1].

    ``mode = 0`` (per-step mixing, [R] reading e1): ``wts[h] = lam`` for every h.
    ``mode = 1`` (time switching, [R] reading e2): with ``x = lam H``, ``t = floor(x)``,
    ``q = x - t``: the optimistic policy for ``h < t``, a mixture with weight ``q`` at
    ``h = t``, the baseline for ``h > t`` (``x`` sweeps from ``π^b`` at 0 to ``π^o`` at H;
    the expected fraction of steps played optimistically is ``lam`` in both modes)."""
    H = wts.shape[0]
    if mode == 0:
        for h in range(H):
            wts[h] = lam
    else:
        x = lam * H
        t = int(math.floor(x))
        q = x - t
        for h in range(H):
            if h < t:
                wts[h] = 1.0
            elif h == t:
                wts[h] = q
            else:
                wts[h] = 0.0


@njit(cache=True)
def write_mixture(pi, pio, pib, wts):
    """``pi[h, s, a] = wts[h] 1[a = pio[h, s]] + (1 - wts[h]) pib[h, s, a]`` (exactly
    one-hot where ``wts[h] = 1``, exactly ``pib`` where ``wts[h] = 0``)."""
    H, S, A = pi.shape
    for h in range(H):
        wh = wts[h]
        for s in range(S):
            ao = pio[h, s]
            for a in range(A):
                p = (1.0 - wh) * pib[h, s, a]
                if a == ao:
                    p += wh
                pi[h, s, a] = p


@njit(cache=True)
def epsmix_weight(L_o, B, T):
    """Largest ``ε`` in [0, 1] with ``(1 - ε) B + ε L_o >= T`` (EpsMix's closed form).

    ``1`` if ``L_o >= T``; ``0`` if ``B <= T`` (only the baseline qualifies); otherwise
    ``(B - T) / (B - L_o)`` — with known ``V^b`` (``B = V^b``, ``T = (1 - α) V^b``) this is
    ``α V^b / (V^b - L_o)``. The value ``(1 - ε) B + ε L_o`` is linear in ε."""
    if L_o >= T:
        return 1.0
    if B <= T:
        return 0.0
    return (B - T) / (B - L_o)
