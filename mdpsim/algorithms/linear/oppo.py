r"""OPPO-style optimistic policy optimisation for linear MDPs — a **reconstruction**.

Paper the structure follows: Q. Cai, Z. Yang, C. Jin, Z. Wang, "Provably Efficient
Exploration in Policy Optimization", ICML 2020, arXiv:1912.05830 (OPPO). Cai et al. prove
``Õ(sqrt(d² H³ T))`` for **linear kernel** MDPs (features ``ψ(s, a, s')``) with a
full-information (possibly adversarial) reward. For the Jin-style **linear MDP** of this module
(``P = φμ``, features ``φ(s, a)``) the policy-optimisation results known to us are weaker:
``Õ(d^{3/4} H² K^{3/4})``-type (Zhong & Zhang 2023, per our notes; statement not verified
here), i.e. a ``K^{3/4}`` rate, not ``sqrt(K)``. No public OPPO code exists; this transcription
is ours **[R]**:

* **critic** (policy evaluation with a bonus, per stage ``h``, same statistics as LSVI-UCB):
  ``w_h = Λ_h^{-1}(Σ_τ φ_τ r_τ + M_h V_{h+1})``,
  ``Q_h = clip(φᵀ w_h + β ‖φ‖_{Λ_h^{-1}}, 0, H - h)`` and — the difference with LSVI-UCB —
  ``V_{h+1}(s) = Σ_a π_{h+1}(a | s) Q_{h+1}(s, a)`` (the *current* policy's value, not
  ``max_a``); rewards are learned by the regression (the observed ``r``), not given in full
  information as in Cai et al.;
* **actor** (mirror descent / NPG with KL, one step per episode):
  ``π^{k}_h(· | s) ∝ π^{k-1}_h(· | s) exp(α Q^{k-1}_h(s, ·))``, from the uniform policy, with
  Cai et al.'s step ``α = eta · sqrt(2 log A / (H² K))``;
* ``β = c · d · H · sqrt(log(2 d T / δ))`` as LSVI-UCB's (same ``c`` default).

The played policy is stochastic (``pi`` holds probabilities; the engine's regret is exact for
it). Order within ``plan`` at episode ``k``: evaluate ``π^{k-1}`` on the data of episodes
``< k`` (critic), take the actor step, play ``π^k``; the reported estimate is the critic's
optimistic value of ``π^{k-1}`` from the initial distribution.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ...theory.acceptance import SlopeRule
from ...theory.bounds import Bound
from .._api import Learner, HyperParameter, ModelInfo, register_learner
from ..actor_critic import softmax_policy
from .lsvi_ucb import check_features
from .lsvi_ucb_kernels import (linear_observe, lsvi_ucb_beta, lsvi_ucb_state, ridge_weights,
                               ucb_value)

__all__ = ["OPPO_Linear", "State", "Params", "oppo_linear_regret"]


def oppo_linear_regret(K, d: int | None = None, H: int = 1, c: float = 1.0,
                       S: int | None = None, A: int | None = None, **_):
    """Order ``c d^{3/4} H² K^{3/4}`` (the linear-MDP policy-optimisation rate, see the module
    docstring; the constant is not given). Without ``d``, ``d = S A``."""
    if d is None:
        if S is None or A is None:
            raise ValueError("oppo_linear_regret needs d (or S and A: d = S A)")
        d = S * A
    K = np.asarray(K, dtype=np.float64)
    return c * float(d) ** 0.75 * float(H) ** 2 * K ** 0.75


class State(NamedTuple):
    """As :class:`mdpsim.algorithms.linear.lsvi_ucb.State` (``phi4``, ``Lam_inv``, ``b_r``,
    ``M``, ``Q``, ``w``, ``V``, ``init``) plus the actor: ``logits: float64[H, S, A]`` and
    ``pol: float64[H, S, A]`` (its softmax, the policy played)."""

    phi4: np.ndarray
    Lam_inv: np.ndarray
    b_r: np.ndarray
    M: np.ndarray
    Q: np.ndarray
    w: np.ndarray
    V: np.ndarray
    init: np.ndarray
    logits: np.ndarray
    pol: np.ndarray


class Params(NamedTuple):
    """``beta`` the bonus scale, ``alpha`` the actor's step size."""

    beta: float
    alpha: float


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    phi4, Lam_inv, b_r, M, Q, w, V = (state.phi4, state.Lam_inv, state.b_r, state.M,
                                      state.Q, state.w, state.V)
    logits, pol = state.logits, state.pol
    H = Lam_inv.shape[0]
    n, S, A, d = phi4.shape
    beta = params.beta
    bvec = np.empty(d)
    u = np.empty(d)
    for s in range(S):
        V[s] = 0.0
    # critic: optimistic evaluation of the current policy pol (= pi^{k-1})
    for h in range(H - 1, -1, -1):
        ph = phi4[min(h, n - 1)]
        Li = Lam_inv[h]
        ridge_weights(Li, b_r[h], M[h], V, bvec, w[h])
        cap = float(H - h)
        wh = w[h]
        for s in range(S):
            v = 0.0
            for a in range(A):
                val = ucb_value(ph[s, a], wh, Li, beta, u)
                if val > cap:
                    val = cap
                if val < 0.0:
                    val = 0.0
                Q[h, s, a] = val
                v += pol[h, s, a] * val
            V[s] = v
    est = 0.0
    for s in range(S):
        est += state.init[s] * V[s]
    # actor: one mirror-descent (KL) step, pi^k ∝ pi^{k-1} exp(alpha Q)
    alpha = params.alpha
    for h in range(H):
        for s in range(S):
            for a in range(A):
                logits[h, s, a] += alpha * Q[h, s, a]
    softmax_policy(logits, pol)
    pi[:] = pol
    return est


_POS = dict(valid=lambda v: v > 0.0, expected="a positive number")


@register_learner
class OPPO_Linear(Learner):
    """OPPO-style policy optimisation on a linear critic with a bonus (reconstruction). See
    :mod:`mdpsim.algorithms.linear.oppo`."""

    name = "oppo_linear"
    title = "OPPO (linear, reconstruction)"
    paper = ("Cai, Yang, Jin, Wang, Provably Efficient Exploration in Policy Optimization, "
             "ICML 2020, arXiv:1912.05830 (transcribed to linear MDPs, reconstruction)")
    needs = ("features",)
    needs_episodes = True
    reconstructed = ("linear-MDP transcription of OPPO (critic with learned rewards)",)
    State = State
    Params = Params
    hyperparameters = (
        HyperParameter("lam", 1.0, float, "paper", "ridge parameter λ of Λ_h = λI + Σ φφᵀ",
                       **_POS),
        HyperParameter("c", 0.03, float, "proposed",
                       "multiplier of β = c·d·H·sqrt(log(2dT/δ)) (as lsvi_ucb's default)",
                       theory=1.0, valid=lambda v: v >= 0.0, expected="a number >= 0"),
        HyperParameter("delta", 0.05, float, "proposed", "confidence δ of ι = log(2dT/δ)",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("eta", 1.0, float, "paper",
                       "multiplier of the actor step α = eta·sqrt(2 log A / (H² K)) "
                       "(Cai et al.'s step: eta = 1)", **_POS),
    )
    bound = Bound("oppo_linear", oppo_linear_regret, 0.75, "Õ(d^{3/4} H² K^{3/4})",
                  "linear-MDP policy optimisation (Zhong & Zhang 2023, per notes); OPPO's "
                  "sqrt(d²H³T) is for linear kernel MDPs", "order [S]; transcription [R]")
    acceptance = SlopeRule("k34", None, 0.85, "regret slope <= 0.85 (K^{3/4} rate + 0.1)",
                           "[P]")
    plan = _plan
    observe = linear_observe

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        phi4 = check_features(cls.name, info)
        H, S, A, d = info.H, info.S, info.A, phi4.shape[3]
        Lam_inv, b_r, M = lsvi_ucb_state(H, S, d, hp["lam"])
        return State(phi4=phi4, Lam_inv=Lam_inv, b_r=b_r,
                     M=M, Q=np.zeros((H, S, A)), w=np.zeros((H, d)),
                     V=np.zeros(S), init=np.array(info.init, dtype=np.float64, copy=True),
                     logits=np.zeros((H, S, A)), pol=np.full((H, S, A), 1.0 / A))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        d = int(np.shape(info.side.features)[-1]) if info.side.features is not None else 1
        K = max(int(info.K), 1)
        beta = lsvi_ucb_beta(d, info.H, K, delta=hp["delta"], c=hp["c"])
        alpha = hp["eta"] * math.sqrt(2.0 * math.log(max(info.A, 2)) / (info.H ** 2 * K))
        return Params(beta=float(beta), alpha=float(alpha))
