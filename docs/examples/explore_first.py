"""Explore-first certainty equivalence: a complete user-defined mdpsim algorithm.

Play uniformly at random for the first ``m`` episodes, then, in every later episode, play the
greedy policy of the empirical model (counts of observed transitions, known mean rewards).
It is the textbook "explore-then-commit" idea: its regret grows linearly during the first
``m`` episodes and stops growing once the committed policy is optimal (it need not be).

Used by ``docs/own_algorithm.md`` and tested by ``tests/project/test_docs_examples.py``.
"""
from typing import NamedTuple

import numpy as np
from numba import njit

from mdpsim.algorithms import Learner, HyperParameter, register_learner


class State(NamedTuple):
    """The learner's whole memory (arrays; kernels read them by name)."""

    N: np.ndarray        # float64[S, A] visit counts
    Nsas: np.ndarray     # float64[S, A, S] counts by next state
    R: np.ndarray        # float64[S, A] known mean rewards
    init: np.ndarray     # float64[S] initial distribution
    Q: np.ndarray        # float64[H, S, A]
    V: np.ndarray        # float64[H + 1, S]


class Params(NamedTuple):
    """Numeric hyper-parameters the kernels read."""

    m: int               # number of uniform-exploration episodes


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    """Write the episode's policy into ``pi[H, S, A]``; return the model's own value."""
    N, Nsas, R, init, Q, V = state.N, state.Nsas, state.R, state.init, state.Q, state.V
    H, S, A = Q.shape
    explore = k < params.m
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        for s in range(S):
            best, best_a = -np.inf, 0
            for a in range(A):
                q = R[s, a]
                if N[s, a] > 0:                         # (P̂ V_{h+1})(s, a)
                    q += (Nsas[s, a] @ V[h + 1]) / N[s, a]
                Q[h, s, a] = q
                if q > best:                           # ties: lowest action index
                    best, best_a = q, a
            V[h, s] = best
            for a in range(A):
                pi[h, s, a] = 1.0 / A if explore else 0.0
            if not explore:
                pi[h, s, best_a] = 1.0
    return init @ V[0]


@njit(cache=True)
def _observe(state, params, h, s, a, r, s_next):
    """Count one transition (stationary model: counts pooled over steps)."""
    state.N[s, a] += 1.0
    state.Nsas[s, a, s_next] += 1.0


@register_learner
class ExploreFirst(Learner):
    """Uniform exploration for ``m`` episodes, then greedy certainty equivalence."""

    name = "explore_first"
    title = "Explore-first certainty equivalence"
    paper = "textbook explore-then-commit (no single paper)"
    hyperparameters = (
        HyperParameter("m", 100, int, "proposed", "number of uniform-exploration episodes",
                       valid=lambda v: v >= 0, expected="a non-negative integer"),
    )
    State = State
    Params = Params
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info, hp):
        S, A, H = info.S, info.A, info.H
        return State(np.zeros((S, A)), np.zeros((S, A, S)), info.R3[0].copy(),
                     info.init.copy(), np.zeros((H, S, A)), np.zeros((H + 1, S)))

    @classmethod
    def params(cls, info, hp):
        return Params(m=int(hp["m"]))
