r"""UCBVI — upper-confidence-bound value iteration, Hoeffding (CH) and Bernstein–Freedman (BF).

Paper: M. G. Azar, I. Osband, R. Munos, "Minimax Regret Bounds for Reinforcement Learning",
ICML 2017, arXiv:1703.05449 (v2). Regret ``Õ(H sqrt(S A T))`` for UCBVI-CH and
``Õ(sqrt(H S A T) + H^2 S^2 A + H sqrt(T))`` for UCBVI-BF, ``T = K H`` (stationary P,
rewards in [0, 1]).

At the start of episode k, with pooled visit counts ``N_k(s, a)``, the empirical kernel
``P̂_k`` and ``L = ln(5 S A T / δ)``, backward induction from ``V_{k,H} = 0``:

.. math::
    Q_{k,h}(s,a) = \min\{Q_{k-1,h}(s,a),\ V_{\max,h},\ R(s,a) + \hat P_k V_{k,h+1}(s,a)
                   + c\, b_{k,h}(s,a)\},\quad Q_{k,h}(s,a) = V_{\max,h}\ \text{if}\ N_k(s,a)=0,

``V_{k,h}(s) = max_a Q_{k,h}(s,a)``; the agent plays the greedy policy (lowest action index
among ties). Bonuses (Algorithms 3 and 4 of the paper, with ``c = bonus_scale``):

* CH: ``b = 7 H L / sqrt(N)``;
* BF: ``b = sqrt(8 L Var_{P̂}(V_{k,h+1}) / N) + 14 H L / (3 N)
  + sqrt(8 sum_y P̂(y|s,a) min(100^2 H^3 S^2 A L^2 / N'_{k,h+1}(y), H^2) / N)``,
  where ``N'_{k,h+1}(y)`` counts the earlier episodes that were in ``y`` at step ``h+1``
  (``min(., H^2) = H^2`` when that count is 0).

What follows the paper: the recursion above (including the ``min`` with the previous
episode's Q, hyper-parameter ``monotone``), pooled counts, the unvisited value, both bonuses
with their printed constants and ``L`` (checked against a line-by-line transcription of
Algorithms 1–4 of arXiv:1703.05449v2, not against the PDF itself), known rewards.

What is ours (documented choices, ``source="proposed"``):

* ``clip="remaining"`` (default) caps ``Q_{k,h}`` at ``V_{max,h} = (H - h) r_max`` — the
  largest value ``h``-to-go steps can have — instead of the paper's ``H`` (``clip="H"``);
  both keep optimism (``V*_h <= (H - h) r_max``).
* ``bonus_scale`` multiplies the whole bonus; the theoretical constants (``bonus_scale =
  1``) make the agent explore for far longer than ``K = 10^5`` episodes on small instances,
  so the default is a tuned value (see the hyper-parameter table). Runs with the
  theoretical constants use ``bonus_scale=1.0``.
* Reward range: for rewards outside ``[0, 1]`` the agent knows ``[r_lo, r_hi] =
  [min(0, min R), max(1, max R)]``; ``H`` in the bonuses is replaced by ``w H`` with
  ``w = r_hi - r_lo`` (``w = 1`` for rewards in [0, 1]: the paper's bonus).
* ``estimate_rewards=True``: the empirical mean reward plus a Hoeffding reward bonus
  ``c w sqrt(L / (2 N_R))`` (``r_hi`` before the first observation), capped at ``r_hi``.
* Stage-dependent P: counts (and ``P̂``) are kept per step instead of pooled.
* Unknown episode budget (:func:`mdpsim.agent` without ``episodes``): the anytime log term
  ``L_k = ln(5 S A k H / δ)`` at episode ``k`` replaces ``T = K H``. :func:`mdpsim.run`
  always knows K and uses the paper's ``L``.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..kernels import TIE_RTOL
from ._common import empirical_state, count_transition, count_reward
from ..theory.acceptance import RULES
from ..theory.bounds import Bound, ucbvi_ch_regret, ucbvi_bf_regret
from ._api import Learner, HyperParameter, ModelInfo, register_learner

__all__ = ["UCBVI_CH", "UCBVI_BF", "State", "Params"]



class State(NamedTuple):
    """UCBVI's memory: the empirical model (:mod:`mdpsim.algorithms._common`), the known
    rewards and initial distribution, the optimistic ``Q: float64[H, S, A]`` and
    ``V: float64[H + 1, S]``, the per-step state visits ``Nh: float64[H + 1, S]`` (BF) and
    per-episode work buffers (bonus, successor counts and indices, rewards used)."""

    N: np.ndarray
    Nsas: np.ndarray
    succ: np.ndarray
    nsucc: np.ndarray
    Rsum: np.ndarray
    NR: np.ndarray
    R3: np.ndarray
    init: np.ndarray
    Q: np.ndarray
    V: np.ndarray
    Nh: np.ndarray
    bonus_buffer: np.ndarray
    count_buffer: np.ndarray
    index_buffer: np.ndarray
    reward_buffer: np.ndarray


class Params(NamedTuple):
    """UCBVI's constants (flags as 0.0 / 1.0): ``est`` estimate rewards; ``L = ln(5 S A T /
    δ)``; ``scale`` = c; ``width`` = r_hi - r_lo; ``r_hi``; ``bf`` Bernstein bonus; ``mono``;
    ``clip_h`` cap at H r_hi; ``SA`` = S A; ``delta``; ``anytime`` (no episode budget)."""

    est: float
    L: float
    scale: float
    width: float
    r_hi: float
    bf: float
    mono: float
    clip_h: float
    SA: float
    delta: float
    anytime: float


@njit(cache=True, inline="always")
def _prepare(state, params, k, bf):
    """Once per episode: the log term ``L``; the rewards used (known, or estimated with their
    bonus) ``RT``; per (stage, s, a) the h-independent part of the bonus, ``B = 7 wH L /
    sqrt(N)`` (CH) or ``14 wH L / (3 N)`` (BF); the successor counts and indices ``C[., i] =
    Nsas[., succ[i]]``, ``I[., i] = succ[i]`` (slots ``i >= nsucc`` stay 0: succ is
    append-only). Returns ``(W, L)``."""
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Q, V, Nh, B, C, I, RT = state
    H, S, A = Q.shape
    L = params.L
    if params.anytime != 0.0:   # episode budget unknown (Agent without episodes): T = k H
        L = math.log(5.0 * params.SA * (k + 1) * H / params.delta)
    est = params.est != 0.0
    c = params.scale
    w = params.width
    wH = w * H
    r_hi = params.r_hi
    for hr in range(R3.shape[0]):
        for s in range(S):
            for a in range(A):
                r = R3[hr, s, a]
                if est:
                    nr = NR[hr, s, a]
                    r = r_hi
                    if nr > 0.0:
                        r = min(r_hi, Rsum[hr, s, a] / nr + c * w * math.sqrt(L / (2.0 * nr)))
                RT[hr, s, a] = r
    W = 0
    for hs in range(N.shape[0]):
        for s in range(S):
            for a in range(A):
                n = N[hs, s, a]
                if n > 0.0:
                    B[hs, s, a] = 14.0 * wH * L / (3.0 * n) if bf else 7.0 * wH * L / math.sqrt(n)
                ns = nsucc[hs, s, a]
                W = max(W, ns)
                for i in range(ns):
                    y = succ[hs, s, a, i]
                    C[hs, s, a, i] = Nsas[hs, s, a, y]
                    I[hs, s, a, i] = y
    return W, L


@njit(cache=True, inline="always")
def _backup(state, params, L, pi, bf, nw):
    """Backward induction of the module docstring's recursion over the empirical model
    (successor slots ``0..nw-1`` of ``C`` / ``I``); writes ``Q``, ``V``, the greedy ``pi``
    and returns ``init @ V_0``."""
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Q, V, Nh, B, C, I, RT = state
    H, S, A = Q.shape
    nps = N.shape[0]
    c = params.scale
    wH = params.width * H
    r_hi = params.r_hi
    mono = params.mono != 0.0
    cap3 = 1.0e4 * wH ** 3 * params.SA * S * L * L  # 100^2 H^3 S^2 A L^2 (params.SA = S A)
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, nps - 1)
        hr = min(h, R3.shape[0] - 1)
        vmax = H * r_hi if params.clip_h != 0.0 else (H - h) * r_hi
        for s in range(S):
            vbest = -np.inf
            for a in range(A):
                n = N[hs, s, a]
                q = vmax
                if n > 0.0:
                    m = 0.0                                   # (P̂ V_{h+1})(s, a)
                    for i in range(nw):
                        m += C[hs, s, a, i] * V[h + 1, I[hs, s, a, i]]
                    m /= n
                    if bf:
                        var = 0.0                             # Var_{P̂}(V_{h+1})
                        extra = 0.0                           # P̂ min(cap3 / N'_{h+1}, (wH)^2)
                        for i in range(nw):
                            y = I[hs, s, a, i]
                            cy = C[hs, s, a, i]
                            d = V[h + 1, y] - m
                            var += cy * d * d
                            ny = Nh[h + 1, y]
                            t = wH * wH
                            if ny > 0.0:
                                t = min(t, cap3 / ny)
                            extra += cy * t
                        var /= n
                        extra /= n
                        b = (math.sqrt(8.0 * L * var / n) + B[hs, s, a]
                             + math.sqrt(8.0 * extra / n))
                    else:
                        b = B[hs, s, a]
                    q = min(vmax, RT[hr, s, a] + m + c * b)
                if mono:
                    q = min(q, Q[h, s, a])
                Q[h, s, a] = q
                vbest = max(vbest, q)
            # greedy action: the lowest index within TIE_RTOL (1 + |max|) of the max (A - 1
            # if none is, which only NaNs can cause), written in one pass
            thr = vbest - TIE_RTOL * (1.0 + abs(vbest))
            V[h, s] = vbest
            found = False
            for a in range(A):
                z = Q[h, s, a] >= thr and not found
                pi[h, s, a] = 1.0 if z else 0.0
                found |= z
            if not found:
                pi[h, s, A - 1] = 1.0
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


# The planning kernels. Each bonus is its own module-level function with its own name, so a
# compiled function's identity (its cache entry, its symbol) never depends on a value captured
# by a closure: which variant a process compiles or loads first cannot change what the other
# one runs (tests/jit/test_jit_identity.py). The bonus is a literal at each call of the inlined
# helpers, so each kernel carries no code for the other bonus. The width dispatch is written
# out in both kernels on purpose: routing it through one more inlined helper (or one shared
# body with the bonus as an argument) costs 4-5 s more of cold compilation for the two
# kernels (measured: 23 s vs 18 s), with identical machine speed.
#
# Speed notes (on RiverSwim planning is ~80% of an episode; see also the notes in
# mdpsim.algorithms._common). The arithmetic of the recursion in the module docstring is kept
# bit for bit (StepMix's unconstrained run is tested equal to UCBVI-CH):
#
# * the counts and indices of the observed successors are gathered once per episode into
#   C / I, zero-padded to a width nw >= W (W = the largest successor count), so every
#   (h, s, a) runs the same inner loop; the padded terms add exact zeros (0 * V[0] = +0.0)
#   to the same sums in the same order;
# * nw is a compile-time constant (2, 4 or 8; the loop is unrolled) whenever W <= 8 --
#   measured 25% faster than a run-time trip count -- else W itself;
# * successor indices are unsigned (no negative-index wrap-around code), and the greedy
#   action and the policy row are written in one pass by selects.

@njit(cache=True)
def _plan_ch(state, params, k, rng, pi):
    """UCBVI-CH planning (Hoeffding bonus): writes the greedy policy of the optimistic
    ``Q_k`` into ``pi`` and returns the optimistic value ``init @ V_{k,0}``."""
    W, L = _prepare(state, params, k, False)
    if W <= 2:
        return _backup(state, params, L, pi, False, 2)
    if W <= 4:
        return _backup(state, params, L, pi, False, 4)
    if W <= 8:
        return _backup(state, params, L, pi, False, 8)
    return _backup(state, params, L, pi, False, W)


@njit(cache=True)
def _plan_bf(state, params, k, rng, pi):
    """UCBVI-BF planning (Bernstein–Freedman bonus); as :func:`_plan_ch`."""
    W, L = _prepare(state, params, k, True)
    if W <= 2:
        return _backup(state, params, L, pi, True, 2)
    if W <= 4:
        return _backup(state, params, L, pi, True, 4)
    if W <= 8:
        return _backup(state, params, L, pi, True, 8)
    return _backup(state, params, L, pi, True, W)


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    """Either bonus, chosen by ``params.bf`` at run time (one kernel for both, used by
    ``proofs_checks``): calls :func:`_plan_bf` or :func:`_plan_ch`."""
    if params.bf != 0.0:
        return _plan_bf(state, params, k, rng, pi)
    return _plan_ch(state, params, k, rng, pi)


@njit(cache=True)
def _observe(state, params, h, s, a, r, s_next):
    """Counts ``N, Nsas`` (and successor lists), reward sums, and the per-step state visits
    ``Nh`` that the BF bonus reads."""
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Q, V, Nh, B, C, I, RT = state
    count_transition(N, Nsas, succ, nsucc, h, s, a, s_next)
    count_reward(Rsum, NR, h, s, a, r)
    Nh[0, s] += np.float64(h == 0)
    Nh[h + 1, s_next] += 1.0


@njit(cache=True)
def _observe_ch(state, params, h, s, a, r, s_next):
    """:func:`_observe` without ``Nh``, which the CH bonus does not use (stays 0)."""
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Q, V, Nh, B, C, I, RT = state
    count_transition(N, Nsas, succ, nsucc, h, s, a, s_next)
    count_reward(Rsum, NR, h, s, a, r)


def _common_hps(scale_default, scale_doc):
    pos = dict(valid=lambda v: v >= 0.0, expected="a number >= 0")
    return (
        HyperParameter("delta", 0.05, float, "proposed",
                       "confidence parameter δ of L = ln(5 S A T / δ) (the paper leaves δ free)",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("bonus_scale", scale_default, float, "proposed", scale_doc, theory=1.0,
                       **pos),
        HyperParameter("monotone", True, bool, "paper",
                       "take the min with the previous episode's Q (Algorithm 2)"),
        HyperParameter("clip", "remaining", str, "proposed",
                       "cap of Q_h: 'remaining' = (H - h) r_max, or 'H' = H r_max (paper)",
                       theory="H", choices=("remaining", "H")),
        HyperParameter("estimate_rewards", False, bool, "paper",
                       "estimate mean rewards (empirical mean + Hoeffding bonus) instead of "
                       "using the known R (the paper assumes R known)"),
    )


class _UCBVIBase(Learner):
    needs_episodes = False   # anytime L_k without a budget (see the module docstring)
    State = State
    Params = Params
    plan = _plan
    observe = _observe
    _bf = 0.0

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        H, S, A = info.H, info.S, info.A
        Q = np.empty((H, S, A))
        for h in range(H):
            Q[h] = (H if hp["clip"] == "H" else H - h) * info.r_hi
        return State(*empirical_state(info), info.R3.copy(), info.init.copy(), Q,
                     np.zeros((H + 1, S)), np.zeros((H + 1, S)),
                     np.zeros((info.n_ps, S, A)),
                     np.zeros((info.n_ps, S, A, max(S, 8))),
                     np.zeros((info.n_ps, S, A, max(S, 8)), np.uint32),
                     np.zeros_like(info.R3))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        T = max(info.K, 1) * info.H
        L = math.log(5.0 * info.S * info.A * T / hp["delta"])
        return Params(est=float(hp["estimate_rewards"]), L=L, scale=float(hp["bonus_scale"]),
                      width=float(info.r_hi - info.r_lo), r_hi=float(info.r_hi),
                      bf=float(cls._bf), mono=float(hp["monotone"]),
                      clip_h=float(hp["clip"] == "H"), SA=float(info.S * info.A),
                      delta=float(hp["delta"]), anytime=float(info.K <= 0))


@register_learner(aliases=("ucbvi",))
class UCBVI_CH(_UCBVIBase):
    """UCBVI with the Chernoff–Hoeffding bonus ``7 H L / sqrt(N)`` (Azar et al. 2017,
    arXiv:1703.05449, Algorithm 3). See :mod:`mdpsim.algorithms.ucbvi`."""

    name = "ucbvi_ch"
    title = "UCBVI-CH"
    paper = ("Azar, Osband, Munos, Minimax Regret Bounds for Reinforcement Learning, "
             "ICML 2017, arXiv:1703.05449")
    hyperparameters = _common_hps(
        0.003, "multiplier c of the bonus 7 H L / sqrt(N); 1.0 = the paper's constant (at "
               "K = 1e5 on RiverSwim it caps every Q: linear regret); default tuned on "
               "RiverSwim(6, H=20) and Garnet(10, 3, 3, H=10) at K = 1e5 over {0.003, 0.01, "
               "0.03, 1}")
    bound = Bound("ucbvi_ch", ucbvi_ch_regret, 0.5, "Õ(√(H³SAK))",
                  "Azar, Osband, Munos, ICML 2017, Thm 1", "order [V-src]; constants [R]")
    acceptance = RULES["sublinear"]
    _bf = 0.0
    plan = _plan_ch
    observe = _observe_ch


@register_learner
class UCBVI_BF(_UCBVIBase):
    """UCBVI with the Bernstein–Freedman bonus (Azar et al. 2017, arXiv:1703.05449,
    Algorithm 4). See :mod:`mdpsim.algorithms.ucbvi`."""

    name = "ucbvi_bf"
    title = "UCBVI-BF"
    paper = ("Azar, Osband, Munos, Minimax Regret Bounds for Reinforcement Learning, "
             "ICML 2017, arXiv:1703.05449")
    hyperparameters = _common_hps(
        0.05, "multiplier c of the whole Bernstein-Freedman bonus; 1.0 = the paper's "
              "constants (sublinear but ~30x the regret at K = 1e5); default tuned on "
              "RiverSwim(6, H=20) and Garnet(10, 3, 3, H=10) at K = 1e5 over {0.02, 0.05, "
              "0.2, 1}")
    bound = Bound("ucbvi_bf", ucbvi_bf_regret, 0.5, "Õ(√(H²SAK))",
                  "Azar, Osband, Munos, ICML 2017, Thm 2", "order [V-src]; constants [R]")
    acceptance = RULES["sublinear"]
    _bf = 1.0
    plan = _plan_bf
