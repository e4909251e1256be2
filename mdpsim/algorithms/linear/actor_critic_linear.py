r"""Optimistic actor-critic with rare-switching resets — linear critic (LSVI-UCB form). **A
reconstruction** (``docs/papers/optimistic_actor_critic.md`` §3.4).

Paper: K. Tan, W. Fan, Y. Wei, "Actor-Critics Can Achieve Optimal Sample Efficiency",
ICML 2025 (PMLR 267), arXiv:2505.03710. The tabular version and the shared reading of the
algorithm are in :mod:`mdpsim.algorithms.actor_critic`; this module swaps the critic and the
switch test for their linear-MDP forms, on the :class:`~mdpsim.settings.Linear` setting
(features ``φ`` as side information, never ``μ`` or ``θ``).

Per episode ``k`` (0-based):

1. **Switch test** [R]: a new epoch when ``det Λ_h >= 2 det Λ_h^{last}`` for some stage
   ``h`` (``Λ_h = λ I + Σ φφᵀ``; ``ln det Λ_h`` is tracked exactly by the matrix-determinant
   lemma, ``ln det(Λ + x xᵀ) = ln det Λ + ln(1 + xᵀ Λ^{-1} x)``); at a switch the actor is
   reset to uniform and its clock restarts. By the elliptical potential argument the number
   of epochs is at most ``1 + H d log₂(1 + K ‖φ‖²_max / (d λ))`` (:func:`linear_epoch_bound`).
2. **Critic** [R]: LSVI-UCB's optimistic backward induction
   (:func:`mdpsim.algorithms.linear.lsvi_ucb_kernels.lsvi_plan`):
   ``f_h(s, a) = min{φᵀ w_h + β ‖φ‖_{Λ_h^{-1}}, H - h}``, ``w_h = Λ_h^{-1} Σ φ (r + max_a'
   f_{h+1}(s', a'))``, ``β = c d H sqrt(ln(2 d T / δ))``; ``optimism=False`` sets ``β = 0``
   (plain least-squares fitted ``Q*`` iteration). ``refit="every"`` / ``"switch"`` as in the
   tabular version (both readings reconstructed).
3. **Actor**: ``θ_h(s, ·) += η_τ f_h(s, ·)``, ``π ∝ exp θ``, ``η_τ = c_η sqrt(ln|A| /
   (H² τ))``, ``τ`` the episodes of the current epoch so far [R]. The logits are kept as a
   table over the (finite) states; they equal ``Σ_{i ∈ epoch} η_i φᵀ w^i + bonus`` evaluated
   at each state.

Recorded: the number of epochs so far in the ``aux`` column. Defaults: ``c = 0.03``
(LSVI-UCB's frozen default, :mod:`mdpsim.algorithms.linear.lsvi_ucb`) and ``c_η = 1000``
(the tabular version's tuned value); neither was tuned for this learner [P].
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ...theory.acceptance import RULES
from .._api import HyperParameter, Learner, ModelInfo, register_learner
from ..actor_critic import REFIT, epoch_step, softmax_policy
from ..policy_opt.sensitivity import quad_form
from .lsvi_ucb import check_features
from .lsvi_ucb_kernels import lsvi_plan, lsvi_ucb_beta, lsvi_ucb_state, observe_step

__all__ = ["LinearActorCritic", "State", "Params", "linear_epoch_bound", "logdet_fired"]


def linear_epoch_bound(d: int, H: int, K: int, lam: float = 1.0, phi_max2: float = 1.0) -> int:
    """``1 + H ⌊d log₂(1 + K phi_max2 / (d λ))⌋``: the largest number of epochs in ``K``
    episodes under the determinant-doubling test (``det Λ_h`` starts at ``λ^d`` and is at most
    ``(λ + K phi_max2 / d)^d``; each switch doubles it for at least one ``h``)."""
    if K < 1:
        return 1
    return 1 + H * int(math.floor(d * math.log2(1.0 + K * phi_max2 / (d * lam))))


class State(NamedTuple):
    """LSVI statistics ``phi4, Lam_inv, b_r, M`` (as :mod:`~mdpsim.algorithms.linear.lsvi_ucb`),
    the critic ``f`` (clipped) and ``fu`` (unclipped) ``float64[H, S, A]``, ``w: float64[H,
    d]``, ``V: float64[S]``, ``init``; the actor ``logits: float64[H, S, A]``; ``logdet:
    float64[H]`` = ``ln det Λ_h`` and ``logdet_last`` its value at the start of the epoch;
    ``clock: float64[4]`` = (epochs so far, first episode of the actor clock, last η, critic
    value ``init @ V_0``)."""

    phi4: np.ndarray
    Lam_inv: np.ndarray
    b_r: np.ndarray
    M: np.ndarray
    f: np.ndarray
    fu: np.ndarray
    w: np.ndarray
    V: np.ndarray
    init: np.ndarray
    logits: np.ndarray
    logdet: np.ndarray
    logdet_last: np.ndarray
    clock: np.ndarray


class Params(NamedTuple):
    """``beta`` (0 without optimism), ``c_eta``, ``logA``, ``H``, flags ``resets``,
    ``refit_every``, ``switch_every``."""

    beta: float
    c_eta: float
    logA: float
    H: float
    resets: float
    refit_every: float
    switch_every: float


@njit(cache=True)
def logdet_fired(logdet, logdet_last):
    """``True`` iff ``ln det Λ_h >= ln det Λ_h^{last} + ln 2`` for some ``h``."""
    for h in range(logdet.shape[0]):
        if logdet[h] >= logdet_last[h] + math.log(2.0):
            return True
    return False


@njit(cache=True)
def _lac_plan(state, params, k, rng, pi):
    """Switch test, LSVI critic, actor step, softmax policy; returns ``init @ V_0``."""
    (phi4, Lam_inv, b_r, M, f, fu, w, V, init, logits, logdet, logdet_last,
     clock) = state
    H, S, A = f.shape
    switch = epoch_step(k, k > 0 and (params.switch_every != 0.0
                                       or logdet_fired(logdet, logdet_last)),
                        params.resets, clock, logits)
    if switch:
        logdet_last[:] = logdet
    if k == 0 or switch or params.refit_every != 0.0:
        lsvi_plan(phi4, Lam_inv, b_r, M, params.beta, f, fu, w, V)
        acc = 0.0
        for s in range(S):
            acc += init[s] * V[s]
        clock[3] = acc
    tau = k - clock[1] + 1.0
    eta = params.c_eta * math.sqrt(params.logA / (params.H * params.H * tau))
    clock[2] = eta
    for h in range(H):
        for s in range(S):
            for a in range(A):
                logits[h, s, a] += eta * f[h, s, a]
    softmax_policy(logits, pi)
    return clock[3]


@njit(cache=True)
def _lac_observe(state, params, h, s, a, r, s_next):
    """``ln det Λ_h += ln(1 + xᵀ Λ_h^{-1} x)`` (before the update), then LSVI's
    :func:`~mdpsim.algorithms.linear.lsvi_ucb_kernels.observe_step`."""
    phi4 = state.phi4
    x = phi4[min(h, phi4.shape[0] - 1), s, a]
    quad = quad_form(state.Lam_inv[h], x)
    state.logdet[h] += math.log1p(max(quad, 0.0))
    observe_step(phi4, state.Lam_inv, state.b_r, state.M, h, s, a, r, s_next)


@njit(cache=True)
def _lac_report(state, params, pi_alt):
    """``aux`` = the number of epochs so far."""
    return 0.0, state.clock[0], np.nan


@register_learner(aliases=("oac_linear",))
class LinearActorCritic(Learner):
    """Optimistic actor-critic with an LSVI-UCB critic and determinant-doubling resets (Tan,
    Fan, Wei, ICML 2025, arXiv:2505.03710). A reconstruction; see
    :mod:`mdpsim.algorithms.linear.actor_critic_linear`."""

    name = "actor_critic_linear"
    title = "Optimistic actor-critic, linear critic (rare-switching resets)"
    paper = ("Tan, Fan, Wei, Actor-Critics Can Achieve Optimal Sample Efficiency, ICML 2025, "
             "arXiv:2505.03710 (linear-MDP instantiation reconstructed)")
    needs = ("features",)
    needs_episodes = True
    hyperparameters = (
        HyperParameter("lam", 1.0, float, "proposed", "ridge parameter λ of Λ_h",
                       valid=lambda v: v > 0.0, expected="a positive number"),
        HyperParameter("c", 0.03, float, "proposed",
                       "multiplier of β = c d H sqrt(ln(2 d T / δ)); LSVI-UCB's frozen "
                       "default, not tuned here", theory=1.0,
                       valid=lambda v: v >= 0.0, expected="a number >= 0"),
        HyperParameter("delta", 0.05, float, "proposed", "confidence δ of β",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("c_eta", 1000.0, float, "proposed",
                       "multiplier of η = c_η sqrt(ln|A| / (H² τ)) (1 = the paper's form); "
                       "the tabular version's tuned value", theory=1.0,
                       valid=lambda v: v > 0.0, expected="a number > 0 (η > 0)"),
        HyperParameter("refit", "every", str, "proposed",
                       "critic refitted every episode or only at a switch (both readings "
                       "reconstructed)", choices=REFIT),
        HyperParameter("optimism", True, bool, "paper",
                       "bonus β ‖φ‖_{Λ^{-1}}; False: β = 0 (no-optimism ablation)"),
        HyperParameter("resets", True, bool, "paper",
                       "reset the actor to uniform at each switch"),
        HyperParameter("switching", "doubling", str, "proposed",
                       "'doubling': a new epoch when some det Λ_h doubles (reconstructed); "
                       "'every': every episode (ablation)", choices=("doubling", "every")),
    )
    reconstructed = ("linear critic: LSVI-UCB bonus as the surrogate of the optimistic "
                     "confidence-set selection [R]",
                     "switch test: det Lambda_h doubled for some h [R]",
                     "eta clock tau = episodes of the current epoch so far [R]",
                     "critic refresh every episode vs only at switches [R]",
                     "constants c and c_eta not tuned for the linear learner [P]")
    acceptance = RULES["sublinear"]
    State = State
    Params = Params
    plan = _lac_plan
    observe = _lac_observe
    report = _lac_report

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        phi4 = check_features(cls.name, info)
        H, S, A, d = info.H, info.S, info.A, phi4.shape[3]
        lam = hp["lam"]
        Lam_inv, b_r, M = lsvi_ucb_state(H, S, d, lam)
        ld = np.full(H, d * math.log(lam))
        return State(phi4=phi4, Lam_inv=Lam_inv, b_r=b_r, M=M,
                     f=np.zeros((H, S, A)), fu=np.zeros((H, S, A)), w=np.zeros((H, d)),
                     V=np.zeros(S), init=np.array(info.init, dtype=np.float64, copy=True),
                     logits=np.zeros((H, S, A)), logdet=ld, logdet_last=ld.copy(),
                     clock=np.zeros(4))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        f = info.side.features
        d = int(np.shape(f)[-1]) if f is not None else 1
        beta = lsvi_ucb_beta(d, info.H, max(int(info.K), 1), delta=hp["delta"], c=hp["c"])
        return Params(beta=float(beta) if hp["optimism"] else 0.0, c_eta=float(hp["c_eta"]),
                      logA=math.log(info.A), H=float(info.H), resets=float(hp["resets"]),
                      refit_every=float(hp["refit"] == "every"),
                      switch_every=float(hp["switching"] == "every"))
