r"""PSRL — posterior sampling for reinforcement learning.

Paper: I. Osband, D. Russo, B. Van Roy, "(More) Efficient Reinforcement Learning via
Posterior Sampling", NeurIPS 2013, arXiv:1306.0940. Bayesian regret ``Õ(H S sqrt(A T))``.

At the start of each episode: sample an MDP from the posterior, solve it by backward
induction, and follow its optimal policy for the whole episode (greedy, lowest action index
among ties). Posteriors, independent over ``(stage, s, a)``:

* transitions: ``P(. | s, a) ~ Dirichlet(α0 + N(s, a, .))`` over all S next states (prior
  ``Dirichlet(α0, ..., α0)``; counts pooled over steps when the true P is stationary),
  sampled as normalised ``Gamma(α0 + N(s, a, y), 1)`` draws in the order ``(stage, s, a, y)``;
* rewards (only with ``estimate_rewards=True``; known mean rewards otherwise): rewards are
  mapped to [0, 1] by ``x = (r - r_lo) / w`` and ``x̄ ~ Beta(β0 + Σx, β0 + n - Σx)``
  (fractional pseudo-counts for non-binary rewards; the conjugate posterior when rewards are
  Bernoulli, e.g. ``reward_noise="bernoulli"``), sampled as ``G1 / (G1 + G2)`` with gamma
  draws, after all transition draws.

All draws come from the seed's ``numpy.random.Generator`` inside the compiled ``plan``
kernel, so the compiled and reference engines consume the same stream.

What follows the paper: the algorithm (sample, solve, act for one episode). What is ours
(``source="proposed"``): the conjugate prior families and their parameters (the paper's
analysis holds for any prior; its experiments' exact priors are not reproduced here), and
the fallback to the posterior mean in the (practically impossible) case that every gamma
draw of a row underflows to 0. The value reported as ``estimate`` is the optimal value of
the sampled model from the initial distribution.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ._common import empirical_state, count_transition, count_reward, greedy_at, set_onehot
from ..theory.acceptance import RULES
from ..theory.bounds import Bound, psrl_regret
from ._api import Learner, HyperParameter, ModelInfo, register_learner

__all__ = ["PSRL"]



class State(NamedTuple):
    """PSRL's memory: the empirical model (:mod:`mdpsim.algorithms._common`), known rewards,
    initial distribution, the sampled model ``P_sample: float64[n_ps, S, A, S]``,
    ``R_sample: float64[n_rs, S, A]`` and its ``Q``, ``V``."""

    N: np.ndarray
    Nsas: np.ndarray
    succ: np.ndarray
    nsucc: np.ndarray
    Rsum: np.ndarray
    NR: np.ndarray
    R3: np.ndarray
    init: np.ndarray
    P_sample: np.ndarray
    R_sample: np.ndarray
    Q: np.ndarray
    V: np.ndarray


class Params(NamedTuple):
    """``est`` (0/1) sample rewards; Dirichlet prior ``alpha0``; reward range ``r_lo``,
    ``width``; Beta prior ``beta0``."""

    est: float
    alpha0: float
    r_lo: float
    width: float
    beta0: float


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Pt, Rt, Q, V = state
    H, S, A = Q.shape
    alpha0 = params.alpha0
    for hs in range(Pt.shape[0]):
        for s in range(S):
            for a in range(A):
                tot = 0.0
                for y in range(S):
                    g = rng.standard_gamma(alpha0 + Nsas[hs, s, a, y])
                    Pt[hs, s, a, y] = g
                    tot += g
                if tot > 0.0:
                    for y in range(S):
                        Pt[hs, s, a, y] /= tot
                else:
                    den = S * alpha0 + N[hs, s, a]
                    for y in range(S):
                        Pt[hs, s, a, y] = (alpha0 + Nsas[hs, s, a, y]) / den
    if params.est != 0.0:
        rlo = params.r_lo
        w = params.width
        b0 = params.beta0
        for hr in range(Rt.shape[0]):
            for s in range(S):
                for a in range(A):
                    n = NR[hr, s, a]
                    x = (Rsum[hr, s, a] - n * rlo) / w
                    x = min(max(x, 0.0), n)
                    g1 = rng.standard_gamma(b0 + x)
                    g2 = rng.standard_gamma(b0 + n - x)
                    if g1 + g2 > 0.0:
                        mean = g1 / (g1 + g2)
                    else:
                        mean = (b0 + x) / (2.0 * b0 + n)
                    Rt[hr, s, a] = rlo + w * mean
    else:
        Rt[:] = R3
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, Pt.shape[0] - 1)
        hr = min(h, Rt.shape[0] - 1)
        for s in range(S):
            for a in range(A):
                acc = 0.0
                for y in range(S):
                    acc += Pt[hs, s, a, y] * V[h + 1, y]
                Q[h, s, a] = Rt[hr, s, a] + acc
            m, ab = greedy_at(Q, h, s)
            V[h, s] = m
            set_onehot(pi, h, s, ab)
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


@njit(cache=True)
def _observe(state, params, h, s, a, r, s_next):
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Pt, Rt, Q, V = state
    count_transition(N, Nsas, succ, nsucc, h, s, a, s_next)
    count_reward(Rsum, NR, h, s, a, r)


@register_learner
class PSRL(Learner):
    """Posterior sampling RL with Dirichlet (and Beta) posteriors (Osband, Russo, Van Roy
    2013, arXiv:1306.0940). See :mod:`mdpsim.algorithms.psrl`."""

    name = "psrl"
    title = "PSRL"
    paper = ("Osband, Russo, Van Roy, (More) Efficient Reinforcement Learning via Posterior "
             "Sampling, NeurIPS 2013, arXiv:1306.0940")
    hyperparameters = (
        HyperParameter("prior_transition", 1.0, float, "proposed",
                       "Dirichlet prior α0 on every next state (1.0 = uniform prior)",
                       valid=lambda v: v > 0.0, expected="a number > 0"),
        HyperParameter("prior_reward", 1.0, float, "proposed",
                       "Beta(β0, β0) prior on the rescaled mean reward (estimate_rewards only)",
                       valid=lambda v: v > 0.0, expected="a number > 0"),
        HyperParameter("estimate_rewards", False, bool, "proposed",
                       "sample mean rewards from their posterior instead of using the known R"),
    )
    State = State
    Params = Params
    bound = Bound("psrl", psrl_regret, 0.5, "Õ(S√(H³AK)) (Bayesian)",
                  "Osband, Russo, Van Roy, NeurIPS 2013, Thm 1", "order [V-src]; constant [R]")
    acceptance = RULES["sublinear"]
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        H, S, A = info.H, info.S, info.A
        return State(*empirical_state(info), info.R3.copy(), info.init.copy(),
                     np.zeros((info.n_ps, S, A, S)), np.zeros((info.n_rs, S, A)),
                     np.zeros((H, S, A)), np.zeros((H + 1, S)))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        return Params(est=float(hp["estimate_rewards"]), alpha0=float(hp["prior_transition"]),
                      r_lo=float(info.r_lo), width=float(info.r_hi - info.r_lo),
                      beta0=float(hp["prior_reward"]))
