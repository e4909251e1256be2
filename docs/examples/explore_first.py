"""Explore-first certainty equivalence: a complete user-defined mdpsim algorithm.

Play uniformly at random for the first ``m`` episodes, then, in every later episode, play the
greedy policy of the empirical model (counts of observed transitions, known mean rewards).
It is the textbook "explore-then-commit" idea: its regret grows linearly during the first
``m`` episodes and stops growing once the committed policy is optimal (it need not be).

Used by ``docs/own_algorithm.md`` and tested by ``tests/test_docs_examples.py``.
"""
import numpy as np
from numba import njit

from mdpsim.algorithms import Algorithm, HyperParameter, register_algorithm


@njit(cache=True)
def _plan(state, theta, k, rng, pi):
    """Write the episode's policy into ``pi[H, S, A]``; return the model's own value."""
    N, Nsas, R, init, Q, V = state
    H, S, A = Q.shape
    explore = k < theta[0]
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
def _observe(state, theta, h, s, a, r, s_next):
    """Count one transition (stationary model: counts pooled over steps)."""
    N, Nsas = state[0], state[1]
    N[s, a] += 1.0
    Nsas[s, a, s_next] += 1.0


@register_algorithm
class ExploreFirst(Algorithm):
    """Uniform exploration for ``m`` episodes, then greedy certainty equivalence."""

    name = "explore_first"
    title = "Explore-first certainty equivalence"
    paper = "textbook explore-then-commit (no single paper)"
    hyperparameters = (
        HyperParameter("m", 100, int, "proposed", "number of uniform-exploration episodes",
                       valid=lambda v: v >= 0, expected="a non-negative integer"),
    )
    state_fields = ("N", "Nsas", "R", "init", "Q", "V")
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info, hp):
        S, A, H = info.S, info.A, info.H
        return (np.zeros((S, A)), np.zeros((S, A, S)), info.R3[0].copy(), info.init.copy(),
                np.zeros((H, S, A)), np.zeros((H + 1, S)))

    @classmethod
    def theta(cls, info, hp):
        return np.array([float(hp["m"])])
