"""A complete learner in one module (the fixture of ``test_api.py``): play uniformly at
random, count visits. Nothing else in the repository names it: registering it is this file."""
from typing import NamedTuple

import numpy as np
from numba import njit

from mdpsim.algorithms import HyperParameter, Learner, register_learner
from mdpsim.theory.acceptance import RULES
from mdpsim.theory.bounds import Bound, linear_regret


class State(NamedTuple):
    N: np.ndarray        # float64[H, S, A] visits
    V: np.ndarray        # float64[H + 1, S] value of the uniform policy under the counts


class Params(NamedTuple):
    weight: float        # the estimate reported is weight * (number of visits so far)
    stage: int


@njit
def _plan(state, params, k, rng, pi):
    H, S, A = pi.shape
    for h in range(H):
        for s in range(S):
            for a in range(A):
                pi[h, s, a] = 1.0 / A
    return params.weight * state.N.sum()


@njit
def _observe(state, params, h, s, a, r, s_next):
    state.N[h, s, a] += 1.0


@register_learner
class UniformRandom(Learner):
    """Uniformly random actions (no learning): linear regret."""

    name = "uniform_random_fixture"
    title = "Uniform random (test fixture)"
    paper = "none"
    hyperparameters = (HyperParameter("weight", 1.0, float, "proposed", "estimate scale"),)
    State = State
    Params = Params
    bound = Bound("uniform_random_fixture", lambda K, **_: linear_regret(K), 1.0, "Θ(K)",
                  "no guarantee", "[P]", kind="none")
    acceptance = RULES["linear"]
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info, hp):
        return State(np.zeros((info.H, info.S, info.A)), np.zeros((info.H + 1, info.S)))

    @classmethod
    def params(cls, info, hp):
        return Params(weight=float(hp["weight"]), stage=0)
