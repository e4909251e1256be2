r"""Certainty equivalence without exploration bonus: greedy and ε-greedy (the contrast).

No single paper: certainty-equivalence control is folklore; it is the "no optimism" ablation
of Azar, Osband, Munos 2017 (UCBVI with ``b = 0``, arXiv:1703.05449) and the classic example
of a method that fails on hard-exploration instances such as RiverSwim (Strehl & Littman
2008; Osband, Russo, Van Roy 2013, arXiv:1306.0940).

At the start of each episode: build the empirical model (``P̂ = N(s,a,.)/N(s,a)``; an unvisited
pair has ``P̂ V = 0``, i.e. only its immediate reward counts — the "no bonus" UCBVI recursion),
solve it by backward induction and

* ``greedy``: play its greedy policy (lowest action index among ties);
* ``epsilon_greedy``: play ``π_h(a|s) = ε/A + (1 - ε) 1[a = greedy]`` — a stochastic policy,
  which the engine evaluates exactly as such.

Rewards are the known means by default, or empirical means (0 before the first observation)
with ``estimate_rewards=True``. The reported ``estimate`` is the empirical model's value of the
greedy policy. Every choice here is ours (``source="proposed"``), kept deliberately plain.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ._common import empirical_state, count_transition, count_reward, greedy_at
from ..theory.acceptance import RULES
from ..theory.bounds import Bound, linear_regret
from ._api import Learner, HyperParameter, ModelInfo, register_learner

__all__ = ["Greedy", "EpsilonGreedy"]



class State(NamedTuple):
    """The empirical model (:mod:`mdpsim.algorithms._common`), known rewards, ``init`` and
    the certainty-equivalent ``Q: float64[H, S, A]``, ``V: float64[H + 1, S]``."""

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


class Params(NamedTuple):
    """``est`` (0/1) estimate rewards; ``eps`` the dithering probability (0: greedy)."""

    est: float
    eps: float


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Q, V = state
    H, S, A = Q.shape
    est = params.est != 0.0
    eps = params.eps
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, N.shape[0] - 1)
        hr = min(h, R3.shape[0] - 1)
        for s in range(S):
            for a in range(A):
                if est:
                    nr = NR[hr, s, a]
                    q = Rsum[hr, s, a] / nr if nr > 0.0 else 0.0
                else:
                    q = R3[hr, s, a]
                n = N[hs, s, a]
                if n > 0.0:
                    acc = 0.0                                 # (P̂ V_{h+1})(s, a)
                    for i in range(nsucc[hs, s, a]):
                        y = succ[hs, s, a, i]
                        acc += Nsas[hs, s, a, y] * V[h + 1, y]
                    q += acc / n
                Q[h, s, a] = q
            m, ab = greedy_at(Q, h, s)
            V[h, s] = m
            for b in range(A):
                pi[h, s, b] = eps / A
            pi[h, s, ab] += 1.0 - eps
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


@njit(cache=True)
def _observe(state, params, h, s, a, r, s_next):
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Q, V = state
    count_transition(N, Nsas, succ, nsucc, h, s, a, s_next)
    count_reward(Rsum, NR, h, s, a, r)


_EST_HP = HyperParameter("estimate_rewards", False, bool, "proposed",
                         "use empirical mean rewards instead of the known R")


class _CEBase(Learner):
    State = State
    Params = Params
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        H, S, A = info.H, info.S, info.A
        return State(*empirical_state(info), info.R3.copy(), info.init.copy(),
                     np.zeros((H, S, A)), np.zeros((H + 1, S)))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        return Params(est=float(hp["estimate_rewards"]), eps=float(hp.get("epsilon", 0.0)))


@register_learner
class Greedy(_CEBase):
    """Greedy certainty equivalence (no bonus). See :mod:`mdpsim.algorithms.greedy`."""

    name = "greedy"
    title = "Greedy certainty equivalence"
    paper = "certainty-equivalence baseline (no-bonus ablation of arXiv:1703.05449)"
    hyperparameters = (_EST_HP,)
    bound = Bound("greedy", lambda K, **_: linear_regret(K), 1.0, "Θ(K) worst case",
                  "no guarantee (certainty equivalence)", "[P]", kind="none")

    @classmethod
    def rule(cls, *, hard_exploration: bool = True):
        """Linear regret on a hard-exploration instance; no claim elsewhere."""
        return RULES["linear"] if hard_exploration else None


@register_learner
class EpsilonGreedy(_CEBase):
    """ε-greedy certainty equivalence. See :mod:`mdpsim.algorithms.greedy`."""

    name = "epsilon_greedy"
    title = "ε-greedy certainty equivalence"
    paper = "certainty-equivalence baseline with ε-dithering"
    hyperparameters = (
        HyperParameter("epsilon", 0.1, float, "proposed",
                       "probability of a uniformly random action at every step",
                       valid=lambda v: 0.0 <= v <= 1.0, expected="a number in [0, 1]"),
        _EST_HP,
    )
    bound = Bound("epsilon_greedy", lambda K, **_: linear_regret(K), 1.0, "Θ(K) with fixed ε",
                  "no guarantee", "[P]", kind="none")
