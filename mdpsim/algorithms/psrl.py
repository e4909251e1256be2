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

import numpy as np
from numba import njit

from ._common import empirical_state, count_transition, count_reward, greedy_at, set_onehot
from ._registry import Algorithm, HyperParameter, ModelInfo, register_algorithm

__all__ = ["PSRL"]

_EST, _ALPHA0, _RLO, _WIDTH, _BETA0 = range(5)


@njit(cache=True)
def _plan(state, theta, k, rng, pi):
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Pt, Rt, Q, V = state
    H, S, A = Q.shape
    alpha0 = theta[_ALPHA0]
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
    if theta[_EST] != 0.0:
        rlo = theta[_RLO]
        w = theta[_WIDTH]
        b0 = theta[_BETA0]
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
def _observe(state, theta, h, s, a, r, s_next):
    N, Nsas, succ, nsucc, Rsum, NR, R3, init, Pt, Rt, Q, V = state
    count_transition(N, Nsas, succ, nsucc, h, s, a, s_next)
    count_reward(Rsum, NR, h, s, a, r)


@register_algorithm
class PSRL(Algorithm):
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
    state_fields = ("N", "Nsas", "succ", "nsucc", "Rsum", "NR", "R3", "init", "P_sample",
                    "R_sample", "Q", "V")
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> tuple:
        H, S, A = info.H, info.S, info.A
        return empirical_state(info) + (info.R3.copy(), info.init.copy(),
                                        np.zeros((info.n_ps, S, A, S)),
                                        np.zeros((info.n_rs, S, A)), np.zeros((H, S, A)),
                                        np.zeros((H + 1, S)))

    @classmethod
    def theta(cls, info: ModelInfo, hp: dict) -> np.ndarray:
        th = np.zeros(5)
        th[_EST] = float(hp["estimate_rewards"])
        th[_ALPHA0] = hp["prior_transition"]
        th[_RLO] = info.r_lo
        th[_WIDTH] = info.r_hi - info.r_lo
        th[_BETA0] = hp["prior_reward"]
        return th
