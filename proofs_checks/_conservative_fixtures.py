"""Helpers of the conservative-exploration checks: random instances with a feasible
baseline, empirical models inside the L1 good event, and the certificates of a mixture
(computed with the learners' own compiled kernels, ``mdpsim.algorithms.conservative``)."""
from __future__ import annotations

import math

import numpy as np

import mdpsim
from mdpsim.algorithms import conservative as C
from mdpsim.engine.side import baseline_policy


def with_baseline(gen, mdp):
    """``(baseline, fraction)``: a uniform-mixture baseline half-way between the uniform
    policy's fraction of ``V*`` and 1 (``None`` when ``V* <= 0``)."""
    vstar = mdpsim.solve(mdp).value
    if vstar <= 1e-9:
        return None, None
    u = np.full((mdp.horizon, mdp.S, mdp.A), 1.0 / mdp.A)
    fu = float(mdp.init @ mdpsim.evaluate(mdp, u)[0]) / vstar
    f = fu + gen.uniform(0.2, 0.8) * (1.0 - fu)
    if not (fu < f < 1.0):
        return None, None
    return baseline_policy(mdp, f), f


def dense4(mdp):
    P = np.asarray(mdp.P)
    return P[None] if P.ndim == 3 else P


def radius(N, S, A, n_p, K, H, delta):
    """Weissman L1 radius ``sqrt(2 (S ln 2 + ln(n_P S A K H / δ)) / N)`` (the good event)."""
    lc = S * math.log(2.0) + math.log(n_p * S * A * K * H / delta)
    return np.sqrt(2.0 * lc / np.maximum(N, 1.0)), lc


def model_in_event(gen, P4, N, rad, at_boundary=0.5):
    """An empirical model ``P̂`` with ``||P̂(.|s,a) - P(.|s,a)||_1 <= rad(s,a)`` (a share
    ``at_boundary`` of the rows exactly on the boundary or as close as the simplex allows)."""
    n_p, S, A, _ = P4.shape
    Ph = np.empty_like(P4)
    for h in range(n_p):
        for s in range(S):
            for a in range(A):
                p = P4[h, s, a]
                q = gen.dirichlet(np.ones(S) * 0.3)
                d = np.abs(q - p).sum()
                r = rad[h, s, a] * (1.0 if gen.random() < at_boundary else gen.random())
                t = 1.0 if d <= r else r / d           # ||(1-t) p + t q - p||_1 = t d <= r
                Ph[h, s, a] = (1.0 - t) * p + t * q
    return Ph


def adversarial_model(P4, Vnext, rad):
    """The worst empirical model for a lower bound inside the L1 ball: in every row move mass
    ``rad / 2`` (or all there is) from the successors with the largest ``Vnext[hs, y]`` to
    the one with the smallest, so that ``(P̂ - P) Vnext`` is as negative as the ball allows
    (``Vnext: float64[n_P, S]``, the next-step values the rows are scored by)."""
    n_p, S, A, _ = P4.shape
    Ph = P4.copy()
    for h in range(n_p):
        order = np.argsort(-Vnext[h])
        y_lo = order[-1]
        for s in range(S):
            for a in range(A):
                budget = rad[h, s, a] / 2.0
                row = Ph[h, s, a]
                for y in order[:-1]:
                    m = min(budget, row[y])
                    row[y] -= m
                    row[y_lo] += m
                    budget -= m
                    if budget <= 0.0:
                        break
    return Ph


def counts_state(Ph, N):
    """Learner count arrays ``(N, Nsas, succ, nsucc)`` that encode ``P̂`` with counts ``N``
    (fractional counts are fine: the kernels only use ``Nsas / N``)."""
    n_p, S, A, _ = Ph.shape
    Nsas = Ph * N[..., None]
    succ = np.zeros((n_p, S, A, S + 1), np.int64)
    nsucc = np.zeros((n_p, S, A), np.int64)
    for h in range(n_p):
        for s in range(S):
            for a in range(A):
                ys = np.flatnonzero(Nsas[h, s, a] > 0)
                succ[h, s, a, :ys.size] = ys
                nsucc[h, s, a] = ys.size
    return np.ascontiguousarray(N, dtype=np.float64), Nsas, succ, nsucc


def certificates(mdp, counts, beta, pio, pib, lam, mode, vb, known=True):
    """``(direct, anchored, B, T_factor_ub)``: certificate 1 and certificate 2 (``B + W̲``) of
    the mixture ``Mix(pib, pio; lam)`` in family ``mode`` (0 per-step, 1 switch), with
    ``B = vb`` (known) or ``V̲^b``; and ``Ū^b``."""
    N, Nsas, succ, nsucc = counts
    H, S, A = pib.shape
    R3 = np.ascontiguousarray(mdp.stage_R(), dtype=np.float64)
    init = np.ascontiguousarray(mdp.init, dtype=np.float64)
    r_lo = float(min(0.0, R3.min()))
    r_hi = float(max(1.0, R3.max()))
    w = r_hi - r_lo
    wts = np.zeros(H)
    C.set_weights(mode, lam, wts)
    Vl = np.zeros((H + 1, S))
    direct = C.lcb_value(N, Nsas, succ, nsucc, R3, init, beta, pio, pib, wts, r_lo, w, Vl)
    Qlb = np.zeros((H, S, A))
    Vlb = np.zeros((H + 1, S))
    Vub = np.zeros((H + 1, S))
    lb, ub = C.baseline_bounds(N, Nsas, succ, nsucc, R3, init, beta, pib, r_lo, r_hi, w, Qlb,
                               Vlb, Vub)
    G = np.zeros((H, S))
    hv = np.zeros((2, H))
    C.advantage_bound(Qlb, Vub, pio, G, hv)
    C.set_weights(mode, lam, wts)
    W = C.anchored_value(N, Nsas, succ, nsucc, init, beta, pio, pib, wts, G, hv, Vl)
    B = vb if known else lb
    return direct, B + W, lb, ub


def mixture_policy(pio, pib, lam, mode):
    H, S, A = pib.shape
    wts = np.zeros(H)
    C.set_weights(mode, lam, wts)
    pi = np.zeros((H, S, A))
    C.write_mixture(pi, pio, pib, wts)
    return pi
