r"""The conservative-exploration learners' common part: state, params, per-episode preamble,
weight search, plan kernels of StepMix, EpsMix, the budget method and the baseline.

Reference: D. Li, R. Huang, C. Shen, J. Yang, "Near-optimal Conservative Exploration in
Reinforcement Learning under Episode-wise Constraints", ICML 2023, arXiv:2306.06265. The
paper's full text was not available when this suite was written: everything below except
the setting (a known safe baseline ``π^b``; the constraint ``V^{π_k}_1(s_1) >= (1 - α) V^b``
in **every** episode w.p. ``>= 1 - δ``; an optimistic policy mixed with the baseline; an
offline-learned baseline as an extension) is a **reconstruction** ([R] in
``docs/papers/stepmix.md``), labelled as such in every algorithm's ``reconstructed``
field, hence in every output table.

Components (all on the learner's counts ``N_k``, ``P̂_k``, pooled over steps when the true P
is stationary, per step otherwise; rewards known):

**Optimistic policy** ``π^{o,k}``: exactly the UCBVI-CH recursion of
:mod:`mdpsim.algorithms.ucbvi` (bonus ``c · 7 w H L / sqrt(N)``, ``L = ln(5 S A T / δ)``, ``Q``
capped at ``(H - h) r_max``, min with the previous episode's ``Q``; greedy, lowest index among
ties). With the constraint switched off (``alpha = 1``) StepMix, EpsMix and the budget method
reproduce UCBVI-CH's trajectories bit for bit (tested).

**Certification width** and **certificates 1 and 2** (the pessimistic evaluation of a mixture
and its bound anchored at the baseline): see :mod:`mdpsim.algorithms.certificates`, which
holds those kernels.

With ``cert_scale = c_cert = 1`` (theory mode) every certificate holds for all policies and
episodes w.p. ``>= 1 - δ``. The default ``cert_scale`` is a tuned multiplier
(``source="proposed"``): then the bounds are no longer theorems, and the experiments measure
exactly, by dynamic programming on the true model, the violations they let through.

Baseline handling ([R]/[P]):

* ``baseline_known=True``: the learner is given ``π^b`` and ``V^b`` (exact). Threshold
  ``T = (1 - α) V^b``; value of the baseline component ``B = V^b``.
* ``baseline_known=False``: ``π^b`` given, ``V^b`` unknown: ``T = (1 - α) Ū^{π^b}`` (an upper
  confidence bound, so a certificate still implies the constraint on ``E``) and
  ``B = V̲^{π^b}``. The pure baseline needs no certificate.
* ``offline_n = n > 0`` (offline extension): ``π^b`` is *not* given; before episode 1 the
  learner receives ``n`` trajectories of the (unknown) behaviour policy ``π^β`` — the
  baseline built by ``baseline_fraction`` / ``baseline_kind`` — and uses the empirical policy
  ``π̂^b_h(a|s) = n_h(s,a) / n_h(s)`` (uniform where ``n_h(s) = 0``) as its baseline, with
  ``V^b`` unknown as above and its counts seeded with the data. The constraint is measured
  against the behaviour policy's true value ``(1 - α) V^{π^β}``. The data are simulated inside
  the first ``plan`` call from the seed's generator (per trajectory: one uniform for the initial
  state, then per step one for the action and one for the next state; inverse-CDF rule of
  :mod:`mdpsim.kernels`), from a dense copy of the true ``P`` kept in the state as the **data
  source only** (``source_P``; no learning code reads it).

Outputs through the engine's report hook: ``aux`` = the episode's mixing weight (StepMix
``λ_k``, EpsMix ``ε_k``, budget: 1 if the optimistic policy was played else 0);
``floor = (1 - α) V^{π^b}`` (true baseline value; the engine counts the episodes whose exact
value is below it); EpsMix also declares its episode-level mixture so that the recorded value
is ``(1 - ε_k) V^{π^b} + ε_k V^{π^{o,k}}``, exactly.

State layout (every conservative learner), see :data:`STATE_FIELDS`: counts ``N, Nsas, succ,
nsucc`` as in :mod:`mdpsim.algorithms._common`; ``R3, init``; ``Q: float64[H, S, A]``,
``V: float64[H + 1, S]`` the optimistic recursion; ``Vl: float64[H + 1, S]`` work buffer;
``pib: float64[H, S, A]`` the learner's baseline; ``pio: int64[H, S]`` the optimistic
actions; ``beta: float64[n_P, S, A]`` the widths; ``wts: float64[H]`` per-step weights of
the optimistic policy; ``scal: float64[16]`` per-run scalars (see ``S_*``); ``source_P:
float64[n_P, S, A, S]``, ``source_pi``, ``nb: float64[H, S, A]`` the offline data source,
behaviour policy and behaviour counts; ``pialt: float64[H, S, A]`` the alternative policy of
an episode-level mixture; ``Qlb: float64[H, S, A]``, ``Vlb, Vub: float64[H + 1, S]`` the
baseline's bounds; ``G: float64[H, S]`` and ``hv: float64[2, H]`` (``min_s G_h``,
``max_s G_h``) for certificate 2.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ._common import empirical_state, count_transition
from .certificates import (optimistic_pass, cert_factors, lcb_value, ucb_value,  # noqa: F401
                           baseline_bounds, advantage_bound, anchored_value, set_weights,
                           write_mixture, epsmix_weight)
from ._api import Learner, HyperParameter, ModelInfo

__all__ = ["ConservativeBase", "conservative_hps", "optimistic_pass", "lcb_value",
           "ucb_value", "baseline_bounds", "anchored_value", "cert_factors", "set_weights",
           "write_mixture", "certified_weight", "epsmix_weight", "episode_start",
           "stepmix_plan", "epsmix_plan", "budget_plan", "baseline_plan",
           "anchored_ready", "certificate", "offline_start", "observe", "report",
           "STATE_FIELDS", "State", "Params"]




class State(NamedTuple):
    """The conservative learners' memory (see the module docstring's state layout)."""

    N: np.ndarray
    Nsas: np.ndarray
    succ: np.ndarray
    nsucc: np.ndarray
    R3: np.ndarray
    init: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    Vl: np.ndarray
    pib: np.ndarray
    pio: np.ndarray
    beta: np.ndarray
    wts: np.ndarray
    scal: np.ndarray
    source_P: np.ndarray
    source_pi: np.ndarray
    nb: np.ndarray
    pialt: np.ndarray
    Qlb: np.ndarray
    Vlb: np.ndarray
    Vub: np.ndarray
    G: np.ndarray
    hv: np.ndarray

# ---------------------------------------------------------------------------- scal layout
# S_LAM mixing weight; S_THR threshold T; S_BUDGET budget; S_Q probability of the
# alternative policy; S_LO lower bound used for the optimistic policy; S_B baseline
# component's value; S_PASSES backward passes this episode; S_D1 direct certificate of the
# optimistic policy; S_HAVEB baseline bounds computed this episode; S_LB, S_UB baseline
# lower / upper bounds; S_CERT certificate of the played mixture.
(S_LAM, S_THR, S_BUDGET, S_Q, S_LO, S_B, S_PASSES, S_D1, S_HAVEB, S_LB, S_UB,
 S_CERT) = range(12)
N_SCAL = 16
#: Rounding allowance of the violation count: an episode violates the constraint when its
#: exact value is below ``(1 - α) V^b - FLOOR_RTOL max(1, |V^b|)``.
FLOOR_RTOL = 1e-9


@njit(cache=True)
def episode_start(state, params, k, rng):
    """The per-episode preamble of every conservative learner: the offline data (``k = 0``),
    the optimistic policy, the widths, certificate 1 of the optimistic policy (``S_D1``), the
    threshold ``T`` and the baseline component's value ``B`` (known ``V^b``: no pass;
    unknown: the baseline's bounds). ``constrained=False`` (``params.alpha = -inf``): ``T =
    -inf``, no other pass. Returns the optimistic value ``V̄_1``."""
    N, Nsas, succ, nsucc = state.N, state.Nsas, state.succ, state.nsucc
    R3, init, Q, V = state.R3, state.init, state.Q, state.V
    Vl, pib, pio, beta = state.Vl, state.pib, state.pio, state.beta
    wts, scal, Qlb, Vlb = state.wts, state.scal, state.Qlb, state.Vlb
    Vub = state.Vub
    if k == 0:
        offline_start(state, params, rng)
    vo = optimistic_pass(N, Nsas, succ, nsucc, R3, init, Q, V, pio, params)
    cert_factors(N, params.cfac, beta)
    w = params.width
    set_weights(0, 1.0, wts)
    alpha = params.alpha
    if alpha == -np.inf:
        scal[S_D1] = np.inf
        scal[S_THR] = -np.inf
        scal[S_B] = params.vb
        scal[S_HAVEB] = 0.0
        scal[S_PASSES] = 1.0
        return vo
    d1 = lcb_value(N, Nsas, succ, nsucc, R3, init, beta, pio, pib, wts, params.r_lo, w, Vl)
    passes = 2.0
    if params.known != 0.0:
        vb = params.vb
        T = (1.0 - alpha) * vb
        B = vb
        scal[S_HAVEB] = 0.0
    else:
        lb, ub = baseline_bounds(N, Nsas, succ, nsucc, R3, init, beta, pib, params.r_lo,
                                 params.r_hi, w, Qlb, Vlb, Vub)
        T = (1.0 - alpha) * ub
        B = lb
        scal[S_HAVEB] = 1.0
        scal[S_LB] = lb
        scal[S_UB] = ub
        passes += 1.0
    scal[S_D1] = d1
    scal[S_THR] = T
    scal[S_B] = B
    scal[S_PASSES] = passes
    return vo


@njit(cache=True)
def anchored_ready(state, params):
    """Make certificate 2 available this episode: the baseline's bounds (if not yet computed)
    and the advantage bound ``G``."""
    N, Nsas, succ, nsucc = state.N, state.Nsas, state.succ, state.nsucc
    R3, init, pib, pio = state.R3, state.init, state.pib, state.pio
    beta, scal, Qlb, Vlb = state.beta, state.scal, state.Qlb, state.Vlb
    Vub, G, hv = state.Vub, state.G, state.hv
    if scal[S_HAVEB] == 0.0:
        lb, ub = baseline_bounds(N, Nsas, succ, nsucc, R3, init, beta, pib, params.r_lo,
                                 params.r_hi, params.width, Qlb, Vlb, Vub)
        scal[S_LB] = lb
        scal[S_UB] = ub
        scal[S_HAVEB] = 1.0
        scal[S_PASSES] += 1.0
    advantage_bound(Qlb, Vub, pio, G, hv)


@njit(cache=True)
def certificate(state, params, mode, lam):
    """Certificate 2 of the mixture with parameter ``lam``: ``B + W̲(lam)``. Needs
    :func:`anchored_ready`; overwrites ``wts``."""
    N, Nsas, succ, nsucc = state.N, state.Nsas, state.succ, state.nsucc
    init, Vl, pib, pio = state.init, state.Vl, state.pib, state.pio
    beta, wts, scal, G = state.beta, state.wts, state.scal, state.G
    hv = state.hv
    set_weights(mode, lam, wts)
    scal[S_PASSES] += 1.0
    return scal[S_B] + anchored_value(N, Nsas, succ, nsucc, init, beta, pio, pib, wts, G, hv,
                                      Vl)


@njit(cache=True)
def certified_weight(state, params, mode, grid, iters):
    """Largest certified mixing parameter ``λ`` (StepMix), by a compiled, warm-started search.

    ``g(λ) = B + W̲(λ) - T`` (certificate 2; certificate 1 is used at ``λ = 1`` only, where
    it is tightest, in step 1); ``g(0) = B - T`` needs no pass.

    1. ``λ = 1`` if certificate 1 of the optimistic policy clears ``T`` (computed in
       :func:`episode_start`; the common case once learning has converged);
    2. ``λ = 0`` if ``g(0) <= 0`` (nothing anchored is certifiable; the baseline is safe);
    3. optional coarse grid ``j / grid``, ``j = grid - 1..1`` from the top (a safeguard against
       a non-monotone ``g``; ``grid = 1``: none): the first certified point and the one above
       it bracket the root;
    4. ``iters`` probes: the first at the previous episode's ``λ`` (warm start; ``1`` when that
       is outside the bracket), then secant steps through the last two probes (``(0, g(0))``
       first), falling back to regula falsi in the bracket or to its midpoint when a step
       leaves it. For convex decreasing ``g`` every secant step from certified points lands on
       a certified point.

    Every returned ``λ > 0`` has ``g(λ) >= 0`` as computed (safety never relies on
    monotonicity or convexity). Returns ``(λ, certificate of λ)``; ``wts`` holds the weights
    of ``λ``."""
    scal = state.scal
    wts = state.wts
    T = scal[S_THR]
    lam_prev = scal[S_LAM]
    if scal[S_D1] >= T:
        set_weights(mode, 1.0, wts)
        return 1.0, scal[S_D1]
    g0 = scal[S_B] - T
    if g0 <= 0.0:
        set_weights(mode, 0.0, wts)
        return 0.0, scal[S_B]
    anchored_ready(state, params)
    lo = 0.0
    glo = g0
    hi = 1.0
    ghi = np.nan
    best = 0.0
    cbest = scal[S_B]
    for j in range(grid - 1, 0, -1):
        x = j / grid
        c = certificate(state, params, mode, x)
        if c >= T:
            lo = x
            glo = c - T
            best = x
            cbest = c
            break
        hi = x
        ghi = c - T
    px = lo
    pg = glo
    if lo < lam_prev < hi:
        x = lam_prev
    elif ghi != ghi:
        x = hi
    else:
        x = lo + glo * (hi - lo) / (glo - ghi)
    for _ in range(iters):
        c = certificate(state, params, mode, x)
        gx = c - T
        if gx >= 0.0:
            if x > best:
                best = x
                cbest = c
            lo = x
            glo = gx
        else:
            hi = x
            ghi = gx
        if lo >= 1.0 or hi - lo <= 1e-9 * hi:
            break
        xn = np.nan
        if gx != pg:
            xn = x - gx * (x - px) / (gx - pg)
        if not (lo < xn < hi):
            if ghi != ghi:
                xn = hi
            else:
                xn = lo + glo * (hi - lo) / (glo - ghi)
                if not (lo < xn < hi):
                    xn = 0.5 * (lo + hi)
        px = x
        pg = gx
        x = xn
    set_weights(mode, best, wts)
    return best, cbest


@njit(cache=True)
def optimistic_certificate(state, params):
    """``L_o``: the larger certificate of the optimistic policy (certificate 2 only computed
    when certificate 1 does not clear ``T``)."""
    scal = state.scal
    if scal[S_D1] >= scal[S_THR]:
        return scal[S_D1]
    anchored_ready(state, params)
    return max(scal[S_D1], certificate(state, params, 0, 1.0))


# ========================================================= the learners' plan kernels
@njit(cache=True)
def stepmix_plan(state, params, k, rng, pi):
    """StepMix (:mod:`mdpsim.algorithms.stepmix`): play ``Mix(π^b, π^{o,k}; λ_k)`` with the
    largest certified ``λ_k`` (:func:`certified_weight`)."""
    vo = episode_start(state, params, k, rng)
    lam, cert = certified_weight(state, params, int(params.mode), int(params.grid),
                                 int(params.iters))
    write_mixture(pi, state.pio, state.pib, state.wts)
    scal = state.scal
    scal[S_LAM] = lam
    scal[S_CERT] = cert
    scal[S_Q] = 0.0
    return vo


@njit(cache=True)
def epsmix_plan(state, params, k, rng, pi):
    """EpsMix (:mod:`mdpsim.algorithms.epsmix`): ``ε_k`` in closed form
    (:func:`epsmix_weight`), one Bernoulli draw (only when ``0 < ε_k < 1``), the drawn policy
    in ``pi`` and the other one in ``pialt`` with probability ``S_Q``."""
    vo = episode_start(state, params, k, rng)
    scal = state.scal
    pib = state.pib
    pio = state.pio
    wts = state.wts
    pialt = state.pialt
    # certificate 1 clears T in most episodes once learning has converged: test it here, so
    # that the common case does not pay a call that passes the whole state (measured ~0.5 us
    # per call, ~10% of an episode on RiverSwim)
    L_o = scal[S_D1]
    if L_o < scal[S_THR]:
        L_o = optimistic_certificate(state, params)
    eps = epsmix_weight(L_o, scal[S_B], scal[S_THR])
    if eps >= 1.0:
        opt = True
    elif eps <= 0.0:
        opt = False
    else:
        opt = rng.random() < eps
    set_weights(0, 1.0, wts)
    write_mixture(pialt if not opt else pi, pio, pib, wts)     # the optimistic policy
    set_weights(0, 0.0, wts)
    write_mixture(pi if not opt else pialt, pio, pib, wts)     # the baseline
    scal[S_LAM] = eps
    scal[S_Q] = (1.0 - eps) if opt else eps
    scal[S_LO] = L_o
    return vo


@njit(cache=True)
def budget_plan(state, params, k, rng, pi):
    """Budget-based conservative UCBVI (:mod:`mdpsim.algorithms.budget`)."""
    vo = episode_start(state, params, k, rng)
    scal = state.scal
    T = scal[S_THR]
    budget = scal[S_BUDGET]
    if budget + scal[S_D1] - T >= 0.0:
        L_o = scal[S_D1]
    else:
        L_o = optimistic_certificate(state, params)
    if budget + L_o - T >= 0.0:
        budget += L_o - T
        lam = 1.0
    else:
        budget += scal[S_B] - T
        lam = 0.0
    set_weights(0, lam, state.wts)
    write_mixture(pi, state.pio, state.pib, state.wts)
    scal[S_BUDGET] = budget
    scal[S_LAM] = lam
    scal[S_Q] = 0.0
    scal[S_LO] = L_o
    return vo


@njit(cache=True)
def baseline_plan(state, params, k, rng, pi):
    """The baseline alone (:mod:`mdpsim.algorithms.baseline`)."""
    pib = state.pib
    scal = state.scal
    if k == 0:
        offline_start(state, params, rng)
    H, S, A = pi.shape
    for h in range(H):
        for s in range(S):
            for a in range(A):
                pi[h, s, a] = pib[h, s, a]
    scal[S_LAM] = 0.0
    scal[S_Q] = 0.0
    return params.vb


# ============================================================ kernels: data and bookkeeping
@njit(cache=True, inline="always")
def _icdf_row(p, i0, i1, i2, u):
    """Inverse CDF of the row ``p[i0, i1, i2, :]`` at ``u`` (kernels' rule)."""
    c = 0.0
    last = -1
    for j in range(p.shape[3]):
        x = p[i0, i1, i2, j]
        if x > 0.0:
            c += x
            last = j
            if u < c:
                return j
    return last


@njit(cache=True, inline="always")
def _icdf_pi(p, h, s, u):
    c = 0.0
    last = -1
    for j in range(p.shape[2]):
        x = p[h, s, j]
        if x > 0.0:
            c += x
            last = j
            if u < c:
                return j
    return last


@njit(cache=True, inline="always")
def _icdf_vec(p, u):
    c = 0.0
    last = -1
    for j in range(p.shape[0]):
        x = p[j]
        if x > 0.0:
            c += x
            last = j
            if u < c:
                return j
    return last


@njit(cache=True)
def offline_start(state, params, rng):
    """Before episode 1 (offline extension only): draw ``n = offline_n`` trajectories of the
    behaviour policy from the data source, add them to the counts and estimate the baseline
    ``pib`` from the behaviour counts ``nb``. No-op when ``offline_n = 0``."""
    N, Nsas, succ, nsucc = state.N, state.Nsas, state.succ, state.nsucc
    init, pib, nb = state.init, state.pib, state.nb
    source_P, source_pi = state.source_P, state.source_pi
    n = int(params.noff)
    if n <= 0:
        return
    H, S, A = pib.shape
    n_p = source_P.shape[0]
    for i in range(n):
        s = _icdf_vec(init, rng.random())
        for h in range(H):
            a = _icdf_pi(source_pi, h, s, rng.random())
            s2 = _icdf_row(source_P, min(h, n_p - 1), s, a, rng.random())
            count_transition(N, Nsas, succ, nsucc, h, s, a, s2)
            nb[h, s, a] += 1.0
            s = s2
    for h in range(H):
        for s in range(S):
            tot = 0.0
            for a in range(A):
                tot += nb[h, s, a]
            for a in range(A):
                pib[h, s, a] = nb[h, s, a] / tot if tot > 0.0 else 1.0 / A


@njit(cache=True)
def observe(state, params, h, s, a, r, s_next):
    """Count the transition (rewards are known: ``r`` is not used)."""
    N = state.N
    Nsas = state.Nsas
    succ = state.succ
    nsucc = state.nsucc
    count_transition(N, Nsas, succ, nsucc, h, s, a, s_next)


@njit(cache=True)
def report(state, params, pi_alt):
    """Engine report hook: ``(q, aux, floor)`` — the probability ``q`` of the alternative
    policy of an episode-level mixture (copied to ``pi_alt`` when ``q > 0``), the episode's
    mixing weight and the constraint level ``(1 - α) V^{π^b}`` (true baseline value)."""
    scal = state.scal
    pialt = state.pialt
    q = scal[S_Q]
    if q > 0.0:
        H, S, A = pialt.shape
        for h in range(H):
            for s in range(S):
                for a in range(A):
                    pi_alt[h, s, a] = pialt[h, s, a]
    return q, scal[S_LAM], params.floor


# ====================================================================== Python-side set-up
def _pos(v):
    return v >= 0.0


def conservative_hps(*, bonus=True, cert=True, extra=()) -> tuple:
    """The hyper-parameters shared by the conservative learners (all ``source="proposed"``:
    the paper's text was not available; see ``docs/papers/stepmix.md``)."""
    hps = [
        HyperParameter("alpha", 0.1, float, "proposed",
                       "conservatism level α: every episode's policy must have value >= "
                       "(1 - α) V^b",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("constrained", True, bool, "proposed",
                       "enforce the constraint; False: always play the optimistic policy "
                       "(UCBVI-CH exactly) while still counting violations of (1 - α) V^b — "
                       "the unconstrained comparator"),
        HyperParameter("delta", 0.05, float, "proposed",
                       "confidence δ of the certificate (and of UCBVI's L = ln(5 S A T / δ))",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("baseline_fraction", 0.5, float, "proposed",
                       "the baseline π^b is baseline_policy(mdp, fraction): the per-step "
                       "mixture of π* and the bottom policy with V^b = fraction · V*",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("baseline_kind", "uniform", str, "proposed",
                       "bottom policy of the baseline mixture: 'uniform' or 'worst' "
                       "(value-minimising)", choices=("uniform", "worst")),
        HyperParameter("baseline_known", True, bool, "proposed",
                       "V^b given exactly ([R]: believed to be the paper's setting); False: "
                       "threshold (1 - α) × an upper confidence bound on V^b"),
        HyperParameter("offline_n", 0, int, "proposed",
                       "offline extension: number n of behaviour trajectories the baseline "
                       "is learned from (0: π^b given)",
                       valid=lambda v: v >= 0, expected="an integer >= 0"),
    ]
    if bonus:
        hps.append(HyperParameter(
            "bonus_scale", 0.003, float, "proposed",
            "multiplier c of the optimistic bonus 7 H L / sqrt(N); default = UCBVI-CH's tuned "
            "default (RiverSwim/Garnet at K = 1e5), so that the optimistic component is "
            "UCBVI-CH's", theory=1.0, valid=_pos, expected="a number >= 0"))
    if cert:
        hps.append(HyperParameter(
            "cert_scale", 0.1, float, "proposed",
            "multiplier c_cert of the certification bonus (H - h - 1) w sqrt((S ln 2 + "
            "ln(n_P S A K H / δ)) / (2 N)); 1.0 = valid lower bound for every policy w.p. "
            ">= 1 - δ; default tuned (zero violations measured over 50+ seeds)",
            theory=1.0, valid=_pos, expected="a number >= 0"))
    return tuple(hps) + tuple(extra)


class Params(NamedTuple):
    """The conservative learners' constants (flags as 0.0 / 1.0): ``L = ln(5 S A T / δ)``;
    ``scale`` the optimistic bonus multiplier; ``width = r_hi - r_lo``; ``r_hi``, ``r_lo``;
    ``mono``, ``clip_h`` (UCBVI-CH's recursion); ``alpha`` (``-inf``: unconstrained);
    ``known`` (``V^b`` given); ``vb`` = ``V^b`` (side information); ``cfac`` the certification
    factor (:func:`cert_factors`); ``floor`` the violation level the engine counts against;
    ``mode`` (StepMix's mixture family); ``grid``, ``iters`` (its weight search); ``noff``
    the number of offline trajectories."""

    L: float
    scale: float
    width: float
    r_hi: float
    r_lo: float
    mono: float
    clip_h: float
    alpha: float
    known: float
    vb: float
    cfac: float
    floor: float
    mode: float
    grid: float
    iters: float
    noff: float


class ConservativeBase(Learner):
    """Common set-up (state, params) of the conservative learners; see the module docstring.

    Side information (``needs``): the baseline ``π^b`` and its value ``V^b``
    (``info.side.baseline_pi``, ``info.side.baseline_value``) and, with ``offline_n > 0``,
    the offline data source (``info.side.offline``, an
    :class:`~mdpsim.engine.side.OfflineSource`), all built by the engine
    (:func:`mdpsim.engine.side_info`) from ``baseline_fraction`` / ``baseline_kind``."""

    needs_episodes = True
    needs = ("baseline", "offline")
    State = State
    Params = Params
    observe = observe
    report = report
    _mode = 0.0

    @classmethod
    def _side(cls, info: ModelInfo):
        side = info.side
        if side.baseline_pi is None and side.offline is None:
            raise ValueError(f"{cls.name} needs side information (a baseline policy and its "
                             "value): info.side is empty; build it with "
                             "mdpsim.engine.side_info(algorithm, mdp, hp) (mdpsim.run and "
                             "mdpsim.agent do)")
        return side

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        H, S, A = info.H, info.S, info.A
        side = cls._side(info)
        Q = np.empty((H, S, A))
        for h in range(H):
            Q[h] = (H - h) * info.r_hi
        off = side.offline
        if off is not None:
            source_P = np.array(off.P, dtype=np.float64, copy=True)
            source_pi = np.array(off.behaviour_pi, dtype=np.float64, copy=True)
            pib = np.full((H, S, A), 1.0 / A)
        else:
            source_P = np.zeros((1, 1, 1, 1))
            pib = np.array(side.baseline_pi, dtype=np.float64, copy=True)
            source_pi = pib.copy()
        N, Nsas, succ, nsucc, _, _ = empirical_state(info)
        return State(N, Nsas, succ, nsucc, info.R3.copy(), info.init.copy(), Q,
                     np.zeros((H + 1, S)), np.zeros((H + 1, S)), pib,
                     np.zeros((H, S), np.int64), np.zeros(N.shape), np.zeros(H),
                     np.zeros(N_SCAL), source_P, source_pi,
                     np.zeros((H, S, A)), np.zeros((H, S, A)), np.zeros((H, S, A)),
                     np.zeros((H + 1, S)), np.zeros((H + 1, S)), np.zeros((H, S)),
                     np.zeros((2, H)))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        vb = float(cls._side(info).baseline_value)
        S, A, H = info.S, info.A, info.H
        T = max(info.K, 1) * H
        lc = S * math.log(2.0) + math.log(info.n_ps * S * A * T / hp["delta"])
        return Params(
            L=math.log(5.0 * S * A * T / hp["delta"]),
            scale=float(hp.get("bonus_scale", 0.0)),
            width=float(info.r_hi - info.r_lo), r_hi=float(info.r_hi), r_lo=float(info.r_lo),
            mono=1.0, clip_h=0.0,
            alpha=float(hp["alpha"]) if hp.get("constrained", True) else -np.inf,
            known=float(hp["baseline_known"] and hp["offline_n"] == 0),
            vb=vb,
            cfac=hp.get("cert_scale", 0.0) * math.sqrt(lc / 2.0),
            # the level the engine counts violations against, less a rounding allowance: a
            # certified value can sit exactly on (1 - α) V^b (EpsMix with L_o = 0 early on)
            floor=(1.0 - hp["alpha"]) * vb - FLOOR_RTOL * max(1.0, abs(vb)),
            mode=float(cls._mode), grid=float(hp.get("grid", 1)),
            iters=float(hp.get("iters", 0)), noff=float(hp["offline_n"]))


#: Names of the state's arrays, in order.
STATE_FIELDS = State._fields
