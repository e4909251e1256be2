r"""Optimistic Q-learning with a Hoeffding bonus (UCB-H / "Q-learning with UCB-Hoeffding").

Paper: C. Jin, Z. Allen-Zhu, S. Bubeck, M. I. Jordan, "Is Q-learning Provably Efficient?",
NeurIPS 2018, arXiv:1807.03765 (Algorithm 1). Regret ``Õ(sqrt(H^4 S A T))`` w.p. ``1 - p``.

Per step ``h`` of an episode, after taking ``a`` in ``s`` and landing in ``s'``, with
``t = N_h(s, a)`` (incremented), ``α_t = (H + 1) / (H + t)``, ``ι = ln(S A T / p)`` and
``b_t = c sqrt(H^3 ι / t)``:

.. math::
    Q_h(s,a) \leftarrow (1 - α_t) Q_h(s,a) + α_t [r_h(s,a) + V_{h+1}(s') + b_t],\qquad
    V_h(s) \leftarrow \min\{V_{\max,h}, \max_{a'} Q_h(s,a')\},

from ``Q_h = V_h = V_max,h`` and ``V_H = 0``. The agent is greedy in ``Q_h`` (lowest index
among ties). ``Q_h`` only changes when step ``h`` is taken, so the policy played in an
episode is the greedy policy of the Q-table at the start of the episode: ``plan`` returns
that table, and the engine evaluates it exactly. For the same reason ``V_h`` — read only at
step ``h - 1`` of later episodes — is recomputed from ``Q_h`` by ``plan`` at the start of
each episode rather than after each update: the same numbers, and a loop-free ``observe``.

What follows the paper: the update, the learning rate, the form of the bonus and ``ι``,
per-step (stage-dependent) tables, optimistic initialisation.

Reconstructed / ours:

* ``c`` (``bonus_scale``): the paper only says "an absolute constant". The value ``c = 2``
  listed as ``theory`` is a reconstruction from the Azuma–Hoeffding step of its Lemma 4.3
  (increments bounded by H, ``sum_i (α_t^i)^2 <= 2H/t``), not a number printed in the paper.
  The default is tuned (``source="proposed"``).
* ``clip="remaining"`` (default) uses ``V_max,h = (H - h) r_max`` instead of the paper's
  ``H`` (``clip="H"``); the optimistic initial value is the same cap.
* Rewards: the known mean ``R[h, s, a]`` is used by default (the paper's rewards are
  deterministic, so it is the observed reward); ``estimate_rewards=True`` uses the observed
  reward. For rewards outside [0, 1] the bonus is scaled by ``w = r_hi - r_lo``.
* Unknown episode budget (:func:`mdpsim.agent` without ``episodes``): ``ι_k = ln(S A k H / p)``
  at episode ``k`` (anytime) replaces ``T = K H``.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ._common import greedy_at, set_onehot
from ..theory.acceptance import RULES
from ..theory.bounds import Bound, optq_hoeffding_regret
from ._api import Learner, HyperParameter, ModelInfo, register_learner

__all__ = ["OptimisticQLearning"]



class State(NamedTuple):
    """``Q: float64[H, S, A]``, ``V: float64[H + 1, S]``, visit counts ``N: float64[H, S,
    A]``, known rewards ``R3``, ``init``, and ``iota: float64[1]`` (the episode's ι)."""

    Q: np.ndarray
    V: np.ndarray
    N: np.ndarray
    R3: np.ndarray
    init: np.ndarray
    iota: np.ndarray


class Params(NamedTuple):
    """``est`` (0/1) observed rewards; ``iota = ln(S A T / p)``; ``scale`` = c; ``width`` =
    r_hi - r_lo; ``r_hi``; ``clip_h`` (0/1); ``delta`` = p; ``anytime`` (0/1)."""

    est: float
    iota: float
    scale: float
    width: float
    r_hi: float
    clip_h: float
    delta: float
    anytime: float


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    # (per-state helpers only: see the speed notes in mdpsim.algorithms._common)
    Q, V, N, R3, init, iota = state
    H, S, A = Q.shape
    # ι = ln(S A T / p); without an episode budget (Agent without episodes) T = k H
    iota[0] = params.iota if params.anytime == 0.0 else math.log(
        S * A * (k + 1.0) * H / params.delta)
    clip_h = params.clip_h
    for h in range(H):
        vmax = (clip_h * H + (1.0 - clip_h) * (H - h)) * params.r_hi
        for s in range(S):
            m, ab = greedy_at(Q, h, s)
            # V_h(s) = min(V_max,h, max_a Q_h(s, a)): the paper updates it right after each
            # update of Q_h(s, .); it is first read at step h - 1 of a *later* episode, so
            # computing it here, at the start of the episode, is the same algorithm
            V[h, s] = min(m, vmax)
            set_onehot(pi, h, s, ab)
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


@njit(cache=True)
def _observe(state, params, h, s, a, r, s_next):
    # loop- and branch-free (est is a 0/1 flag): see mdpsim.algorithms._common
    Q, V, N, R3, init, iota = state
    H = Q.shape[0]
    N[h, s, a] += 1.0
    t = N[h, s, a]
    alpha = (H + 1.0) / (H + t)
    b = params.scale * params.width * math.sqrt(float(H) ** 3 * iota[0] / t)
    est = params.est
    rr = est * r + (1.0 - est) * R3[min(h, R3.shape[0] - 1), s, a]
    Q[h, s, a] = (1.0 - alpha) * Q[h, s, a] + alpha * (rr + V[h + 1, s_next] + b)


@register_learner
class OptimisticQLearning(Learner):
    """Q-learning with UCB-Hoeffding exploration (Jin et al. 2018, arXiv:1807.03765).
    See :mod:`mdpsim.algorithms.optq`."""

    name = "optq"
    title = "Q-learning (UCB-Hoeffding)"
    paper = ("Jin, Allen-Zhu, Bubeck, Jordan, Is Q-learning Provably Efficient?, "
             "NeurIPS 2018, arXiv:1807.03765")
    hyperparameters = (
        HyperParameter("delta", 0.05, float, "proposed",
                       "failure probability p of ι = ln(S A T / p) (free in the paper)",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("bonus_scale", 0.02, float, "proposed",
                       "c in b_t = c sqrt(H^3 ι / t); the paper's c is an unspecified absolute "
                       "constant (theory value 2 reconstructed; linear regret at K = 1e5 on "
                       "RiverSwim); default tuned on RiverSwim/Garnet at K = 1e5 over "
                       "{0.02, 0.05, 0.2, 2}",
                       theory=2.0, valid=lambda v: v >= 0.0, expected="a number >= 0"),
        HyperParameter("clip", "remaining", str, "proposed",
                       "cap of V_h: 'remaining' = (H - h) r_max, or 'H' = H r_max (paper)",
                       theory="H", choices=("remaining", "H")),
        HyperParameter("estimate_rewards", False, bool, "proposed",
                       "use the observed reward in the update instead of the known mean"),
    )
    reconstructed = ("optq_theory_constant_c",)
    needs_episodes = False   # anytime ι_k without a budget (see the module docstring)
    State = State
    Params = Params
    bound = Bound("optq", optq_hoeffding_regret, 0.5, "Õ(√(H⁵SAK))",
                  "Jin, Allen-Zhu, Bubeck, Jordan, NeurIPS 2018, Thm 1",
                  "order [V-src]; constant [R]")
    acceptance = RULES["sublinear"]
    plan = _plan
    observe = _observe

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        H, S, A = info.H, info.S, info.A
        Q = np.empty((H, S, A))
        V = np.zeros((H + 1, S))
        for h in range(H):
            vmax = (H if hp["clip"] == "H" else H - h) * info.r_hi
            Q[h] = vmax
            V[h] = vmax
        return State(Q, V, np.zeros((H, S, A)), info.R3.copy(), info.init.copy(), np.zeros(1))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        T = max(info.K, 1) * info.H
        return Params(est=float(hp["estimate_rewards"]),
                      iota=math.log(info.S * info.A * T / hp["delta"]),
                      scale=float(hp["bonus_scale"]), width=float(info.r_hi - info.r_lo),
                      r_hi=float(info.r_hi), clip_h=float(hp["clip"] == "H"),
                      delta=float(hp["delta"]), anytime=float(info.K <= 0))
