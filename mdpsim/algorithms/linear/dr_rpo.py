r"""DR-RPO — distributionally robust regularised policy optimisation on d-rectangular
TV-robust linear MDPs — a **reconstruction**, and its non-robust counterpart.

Paper: J. Gu, Y. He, Z. Liu, P. Xu, "Policy Regularized Distributionally Robust Markov
Decision Processes with Linear Function Approximation", arXiv:2510.14246 (2025). Only the
abstract was available to us: online policy optimisation over a softmax class with a
reference-policy regulariser, learning only in the nominal model, upper-confidence bonuses,
sublinear regret "matching the value-based approaches". **Everything below is our
reconstruction [R]** (``docs/papers/drrpo.md`` §6): DR-LSVI-UCB's optimistic robust
evaluation (:mod:`mdpsim.algorithms.linear.dr_lsvi_ucb`) applied to the current policy, and a
KL-regularised mirror-descent actor.

Objective (the setting :class:`mdpsim.settings.RobustLinear` with ``beta_reg``): the robust
regularised value ``inf_{P∈U} E^{π,P}[Σ_h r_h − β_reg KL(π_h(·|s_h) ‖ π_ref,h(·|s_h))]``.

Per episode ``k`` (0-based stages ``h = H-1, …, 0``, ``V_H = 0``, data of episodes ``< k``):

* **critic** (optimistic robust evaluation of the current policy ``π^k``): ``Λ_h``, ridge
  reward weights ``ŵ_h``, ``G_h = Λ_h^{-1} M_h`` as in DR-LSVI-UCB;
  ``ν_{h,i} = max_{α∈{V_{h+1}(s)}} Σ_{s'} G_h[i,s'] min(V_{h+1}(s'), α) − ρ_{h,i}(α − min V_{h+1})``
  floored at ``min V_{h+1}`` (the TV dual by exact breakpoint enumeration,
  :func:`~mdpsim.algorithms.linear.dr_lsvi_ucb.tv_dual_ridge`; with ``dual="fail_state"``
  anchored at ``min(0, min V_{h+1})``); bonus
  ``Γ_h = β Σ_i φ_i sqrt([Λ_h^{-1}]_{ii})`` (``bonus="quadratic"``:
  ``β sqrt(Σ_i φ_i² [Λ_h^{-1}]_{ii})``); ``Q_h = clip(φᵀ(ŵ_h + ν_h) + Γ_h, 0, H − h)`` and,
  instead of DR-LSVI-UCB's ``max_a``, the regularised value of the current policy
  ``V_h(s) = Σ_a π^k_h(a|s) Q_h(s,a) − β_reg KL(π^k_h(·|s) ‖ π_ref,h(·|s))``.
  The **non-robust counterpart** (``rpo_nominal``) replaces ``ν_h`` by the plain regression
  ``G_h V_{h+1}`` (nominal optimistic evaluation, as OPPO's critic) and keeps everything else;
* **actor** (one mirror-descent step, closed form): with ``c = 1/(1 + η β_reg)``,

  .. math:: \pi^{k+1}_h(\cdot|s) = \arg\max_{p\in\Delta_A}\ \langle p, Q_h(s,\cdot)\rangle
            - \beta_{reg} \mathrm{KL}(p\,\|\,\pi_{ref,h}(\cdot|s))
            - \tfrac1\eta \mathrm{KL}(p\,\|\,\pi^k_h(\cdot|s))
            \ \propto\ (\pi^k_h)^{c}\,\pi_{ref,h}^{1-c}\,\exp(c\,\eta\,Q_h(s,\cdot)).

  Derivation: the objective is strictly concave in ``p``; the stationarity condition
  ``Q − β_reg(log p − log π_ref + 1) − η^{-1}(log p − log π^k + 1) + λ = 0`` gives
  ``(β_reg + 1/η) log p = Q + β_reg log π_ref + η^{-1} log π^k + const``, i.e. the display.
  In logits ``ℓ = log π`` (kept normalised): ``ℓ ← c ℓ + (1 − c) log π_ref + c η Q``, minus
  its log-sum-exp; for uniform ``π_ref`` this is ``(ℓ + ηQ)/(1 + ηβ_reg)`` up to a constant.
  Unrolled from ``π^0 = π_ref``: ``π^{k+1} ∝ π_ref exp(η Σ_{j≤k} c^{k+1−j} Q^j)`` — a Gibbs
  (log-linear in the Q's) policy; ``β_reg = 0`` is OPPO's ``π ∝ π^k e^{ηQ}``; ``η → ∞``
  gives the regularised greedy step ``π ∝ π_ref e^{Q/β_reg}`` (greedy on ``Q`` when
  ``β_reg = 0``). The tests check all three.
* the played policy is ``π^{k+1}`` (critic with all data so far, step, play — the order of
  :mod:`~mdpsim.algorithms.linear.oppo`); the reported estimate is the critic's optimistic
  value of ``π^k``.

The bonus is not linear in ``φ``, so the logits are kept in tabular form ``[H, S, A]`` (as our
OPPO does) rather than as a weight vector ``ϑ`` with ``log π = log π_ref + φᵀϑ``.

Constants (``docs/papers/drrpo.md`` §6): ``β = c d H sqrt(log(2dT/δ))`` and the step
``η = eta · sqrt(2 log A / (H² K))`` (OPPO's step), ``λ = 1``. Theory preset: ``c = 1``,
``eta = 1`` (each hyper-parameter's ``theory`` value); defaults: the tuned multipliers
``c = 0.01``, ``eta = 1000`` (**[P]**, picked on ``drect_simplex`` with ``rng`` 100 and 101 —
held out from the experiments' ``rng = 0`` — and on the fail state itself, which has no
held-out version; ``K = 3000``, 2 seeds; from ``c ∈ {0.001, 0.003, 0.01, 0.03}`` ×
``eta ∈ {100, 1000, 10000}``: small ``c`` stalls on one instance, large ``c`` burns in for
thousands of episodes). ``beta_reg`` and ``pi_ref`` (uniform here) must
match the setting's objective, the radii (``rho``, ``rho_stage``, ``rho_factor``) and
``dual`` its uncertainty set (``dual="fail_state"``: the papers' fail-state form of the TV
dual, :func:`~mdpsim.algorithms.linear.dr_lsvi_ucb.tv_dual_anchor`). Cost per plan
``O(H (d² S + d S log S + S A d))``, per observation ``O(d²)``.

Measured (``docs/papers/drrpo.md`` §7): sublinear, flat regret on the fail-state MDP at
``β_reg = 0.1``; a constant per-episode gap at ``β_reg = 0.01`` there and on every seed of the
random simplex instance: when the learnt policy makes the observed features collinear, the
per-factor TV dual of an unidentified factor stays biased and its d-rectangular bonus does
not shrink. Diagnosis (``docs/papers/drrpo.md`` §8): for ``Λ = λI + n vvᵀ`` the bonus
``β Σ_i v_i sqrt([Λ⁻¹]_ii)`` tends to ``β Σ_i v_i sqrt(1 − v_i²/‖v‖²)/sqrt(λ) > 0`` unless ``v``
is a coordinate vector — a property of the d-rectangular bonus under mixing features, not of
this code; persistent to K = 10⁵ at ``c = 0.1`` and on an exploration instance
(``docs/papers/drrpo.md`` §9). ``bonus="ellipsoidal"`` (``β sqrt(φᵀΛ⁻¹φ)``) is a diagnostic
option **[P]** that shows the mechanism, not the algorithm.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ...theory.acceptance import RULES
from ...theory.bounds import Bound
from .._api import Learner, HyperParameter, ModelInfo, register_learner
from .dr_lsvi_ucb import (BONUSES, DUALS, HP_BONUS, HP_DELTA, HP_LAM, HP_RADII,
                          dr_lsvi_ucb_regret,
                          dr_optimistic_q_stage, dr_ridge_stage, dr_tv_nu_stage, radii)
from .lsvi_ucb import check_features
from .lsvi_ucb_kernels import linear_observe, lsvi_ucb_beta, lsvi_ucb_state

__all__ = ["DR_RPO", "RPO_Nominal", "State", "Params", "rpo_critic", "rpo_actor",
           "rpo_step_size", "gibbs_closed_form"]


class State(NamedTuple):
    """``phi4[n,S,A,d]``; ``Lam_inv[H,d,d]``; ``b_r[H,d]``; ``M[H,d,S]``; ``rho[H,d]`` radii;
    ``Q[H,S,A]`` the last critic; ``nu[H,d]`` its duals; ``logref[H,S,A] = log π_ref``;
    ``logits[H,S,A] = log π`` (normalised); ``pol[H,S,A]`` the current policy; buffers
    ``V[S]``, ``G[d,S]``, ``w[d]``; ``init``."""

    phi4: np.ndarray
    Lam_inv: np.ndarray
    b_r: np.ndarray
    M: np.ndarray
    rho: np.ndarray
    Q: np.ndarray
    nu: np.ndarray
    logref: np.ndarray
    logits: np.ndarray
    pol: np.ndarray
    V: np.ndarray
    G: np.ndarray
    w: np.ndarray
    init: np.ndarray


class Params(NamedTuple):
    """``beta`` bonus scale; ``bonus`` 0 (d-rectangular), 1 (quadratic) or 2 (ellipsoidal,
    diagnostic option); ``eta`` the actor
    step; ``beta_reg`` the KL weight; ``robust`` 1 (TV dual) or 0 (nominal regression);
    ``fail_state`` 1: the dual's anchor is ``min(0, min V)`` (fail-state form), 0: ``min V``."""

    beta: float
    bonus: float
    eta: float
    beta_reg: float
    robust: float
    fail_state: float


@njit(cache=True)
def rpo_critic(phi4, Lam_inv, b_r, M, rho, beta, bonus, robust, fail_state, beta_reg, logref,
               pol, Q, nu, V, G, w):
    """Optimistic (robust when ``robust = 1``) regularised evaluation of ``pol[H,S,A]``
    (module docstring): writes ``Q[H,S,A]``, ``nu[H,d]`` and ``V[S] = V_0``."""
    H = Lam_inv.shape[0]
    n, S, A, d = phi4.shape
    for s in range(S):
        V[s] = 0.0
    for h in range(H - 1, -1, -1):
        Li = Lam_inv[h]
        dr_ridge_stage(Li, b_r[h], M[h], w, G)
        if robust != 0.0:
            dr_tv_nu_stage(G, V, rho[h], fail_state, nu[h])
        else:
            for i in range(d):
                t = 0.0
                for s in range(S):
                    t += G[i, s] * V[s]
                nu[h, i] = t
        dr_optimistic_q_stage(phi4[min(h, n - 1)], Li, w, nu[h], beta, bonus,
                              float(H - h), Q[h])
        for s in range(S):   # V_{h+1} is overwritten only once stage h is done
            t = 0.0
            for a in range(A):
                p = pol[h, s, a]
                if p > 0.0:
                    t += p * Q[h, s, a]
                    if beta_reg != 0.0:
                        t -= beta_reg * p * (math.log(p) - logref[h, s, a])
            V[s] = t


@njit(cache=True)
def rpo_actor(Q, eta, beta_reg, logref, logits, pol):
    """One KL-regularised mirror-descent step in place (module docstring):
    ``logits ← c logits + (1 - c) logref + c η Q``, ``c = 1/(1 + η β_reg)``, normalised;
    ``pol = exp(logits)``."""
    H, S, A = Q.shape
    c = 1.0 / (1.0 + eta * beta_reg)
    ce = c * eta
    for h in range(H):
        for s in range(S):
            m = -np.inf
            for a in range(A):
                x = c * logits[h, s, a] + (1.0 - c) * logref[h, s, a] + ce * Q[h, s, a]
                logits[h, s, a] = x
                if x > m:
                    m = x
            z = 0.0
            for a in range(A):
                e = math.exp(logits[h, s, a] - m)
                pol[h, s, a] = e
                z += e
            lz = m + math.log(z)
            for a in range(A):
                pol[h, s, a] /= z
                logits[h, s, a] -= lz


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    rpo_critic(state.phi4, state.Lam_inv, state.b_r, state.M, state.rho, params.beta,
               params.bonus, params.robust, params.fail_state, params.beta_reg, state.logref, state.pol,
               state.Q, state.nu, state.V, state.G, state.w)
    est = 0.0
    for s in range(state.V.shape[0]):
        est += state.init[s] * state.V[s]
    rpo_actor(state.Q, params.eta, params.beta_reg, state.logref, state.logits, state.pol)
    H, S, A = pi.shape
    for h in range(H):
        for s in range(S):
            for a in range(A):
                pi[h, s, a] = state.pol[h, s, a]
    return est


def rpo_step_size(A: int, H: int, K: int, eta: float = 1.0) -> float:
    """``eta · sqrt(2 log A / (H² K))`` (OPPO's mirror-descent step; ``eta = 1`` theory)."""
    return float(eta) * math.sqrt(2.0 * math.log(max(A, 2)) / (H ** 2 * max(K, 1)))


def gibbs_closed_form(Qs, eta: float, beta_reg: float, logref) -> np.ndarray:
    """The policy after the steps ``Q^1, …, Q^k`` (``Qs: float[k, H, S, A]``) from
    ``π_ref``, in closed form: ``π ∝ π_ref exp(η Σ_j c^{k+1-j} Q^j)``, ``c = 1/(1+ηβ_reg)``
    (NumPy; for the tests and the docs)."""
    Qs = np.asarray(Qs, dtype=np.float64)
    k = Qs.shape[0]
    c = 1.0 / (1.0 + eta * beta_reg)
    x = np.array(logref, dtype=np.float64)
    for j in range(k):
        x = x + eta * c ** (k - j) * Qs[j]
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


_HP_COMMON = (
    HP_LAM,
    HyperParameter("c", 0.01, float, "proposed",
                   "multiplier of the bonus β = c·d·H·sqrt(log(2dT/δ)) (tuned on held-out "
                   "instances: drect_simplex rng 100, 101 and the fail state, K = 3000)",
                   theory=1.0, valid=lambda v: v >= 0.0, expected="a number >= 0"),
    HP_DELTA,
    HyperParameter("eta", 1000.0, float, "proposed",
                   "multiplier of the actor step η = eta·sqrt(2 log A / (H² K)) (tuned with c "
                   "on the same held-out instances)", theory=1.0,
                   valid=lambda v: v > 0.0, expected="a positive number"),
    HyperParameter("beta_reg", 0.0, float, "proposed",
                   "KL weight β_reg towards the uniform π_ref (match the setting's)",
                   valid=lambda v: v >= 0.0, expected="a number >= 0"),
    HP_BONUS,
)

_HP_RADII = (
    *HP_RADII,
    HyperParameter("dual", "general", str, "paper",
                   "TV dual's anchor: 'general' min V (exact for any model) or 'fail_state' "
                   "min(0, min V) (the papers' form; problem statement: a fail state of value "
                   "0 exists)", choices=DUALS),
)


class _RPOBase(Learner):
    needs = ("features",)
    needs_episodes = True
    State = State
    Params = Params
    plan = _plan
    observe = linear_observe
    _robust = 1.0

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        phi4 = check_features(cls.name, info)
        H, S, A, d = info.H, info.S, info.A, phi4.shape[3]
        Lam_inv, b_r, M = lsvi_ucb_state(H, S, d, hp["lam"])
        rho = (radii(H, d, hp["rho"], hp["rho_stage"], hp["rho_factor"]) if cls._robust
               else np.zeros((H, d)))
        logref = np.full((H, S, A), -math.log(A))
        return State(phi4=phi4, Lam_inv=Lam_inv, b_r=b_r, M=M,
                     rho=rho, Q=np.zeros((H, S, A)), nu=np.zeros((H, d)), logref=logref,
                     logits=logref.copy(), pol=np.exp(logref), V=np.zeros(S),
                     G=np.zeros((d, S)), w=np.zeros(d),
                     init=np.array(info.init, dtype=np.float64, copy=True))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        f = info.side.features
        d = int(np.shape(f)[-1]) if f is not None else 1
        K = max(int(info.K), 1)
        beta = lsvi_ucb_beta(d, info.H, K, delta=hp["delta"], c=hp["c"])
        return Params(beta=float(beta), bonus=float(BONUSES.index(hp["bonus"])),
                      eta=rpo_step_size(info.A, info.H, K, hp["eta"]),
                      beta_reg=float(hp["beta_reg"]), robust=float(cls._robust),
                      fail_state=float(hp.get("dual", "general") == "fail_state"))


_RECON = ("whole algorithm reconstructed from the abstract (critic: DR-LSVI-UCB's optimistic "
          "robust evaluation of the current policy; actor: KL-regularised mirror descent)",
          "rewards learned by ridge regression", "multipliers c and eta tuned here")


@register_learner
class DR_RPO(_RPOBase):
    """DR-RPO (reconstruction) for d-rectangular TV-robust linear MDPs with a KL-to-π_ref
    regulariser. See :mod:`mdpsim.algorithms.linear.dr_rpo`."""

    name = "dr_rpo"
    title = "DR-RPO (reconstruction)"
    paper = ("Gu, He, Liu, Xu, Policy Regularized Distributionally Robust Markov Decision "
             "Processes with Linear Function Approximation, arXiv:2510.14246 (reconstruction)")
    reconstructed = _RECON
    hyperparameters = _HP_COMMON + _HP_RADII
    bound = Bound("dr_rpo", dr_lsvi_ucb_regret, 0.5, "Õ(d²H²√K) (as DR-LSVI-UCB; [R])",
                  "Gu, He, Liu, Xu 2025 (abstract: 'matching value-based approaches')",
                  "order [R]; constant [R]")
    acceptance = RULES["sublinear"]


@register_learner
class RPO_Nominal(_RPOBase):
    """The non-robust counterpart of DR-RPO (nominal optimistic evaluation, same actor);
    reconstruction. See :mod:`mdpsim.algorithms.linear.dr_rpo`."""

    name = "rpo_nominal"
    title = "RPO (non-robust, reconstruction)"
    paper = ("comparator of DR-RPO (Gu, He, Liu, Xu, arXiv:2510.14246): the same policy "
             "optimisation with a nominal critic (reconstruction)")
    reconstructed = _RECON
    hyperparameters = _HP_COMMON
    bound = None
    acceptance = None
    _robust = 0.0

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        return super().init_state(info, {**hp, "rho": 0.0, "rho_stage": -1, "rho_factor": -1})
