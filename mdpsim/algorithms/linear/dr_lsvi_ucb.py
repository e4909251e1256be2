r"""DR-LSVI-UCB (Liu & Xu, AISTATS 2024, arXiv:2402.15399): optimistic least-squares value
iteration for d-rectangular TV-robust linear MDPs, learning only in the nominal model.

Runs in the robust-linear setting (:class:`mdpsim.settings.RobustLinear`; also in
:class:`~mdpsim.settings.Linear`, where regret is nominal): ``needs = ("features",)``, the
learner sees ``φ`` and its own transitions, never ``μ⁰``, ``θ`` or the kernel. The radii of
the uncertainty set are part of the problem statement and given as hyper-parameters
(``rho`` on factor ``rho_factor`` at stage ``rho_stage``; ``-1`` = all), which must match the
setting's set for the regret to mean what it says.

Per episode (0-based stages, ``h = H-1, …, 0``; ``V_H = 0``; data of past episodes):

* ``Λ_h = λI + Σ_τ φ_τφ_τᵀ`` (inverse by Sherman–Morrison), reward weights
  ``ŵ_h = Λ_h^{-1} Σ_τ φ_τ r_τ`` (rewards learned by regression, as in LSVI-UCB);
* per factor ``i`` the estimated truncated expectation
  ``ẑ_{h,i}(α) = [Λ_h^{-1} Σ_τ φ_τ min(V_{h+1}(s'_τ), α)]_i = Σ_{s'} G_h[i, s'] min(V_{h+1}(s'), α)``
  with ``G_h = Λ_h^{-1} M_h`` (``M_h[:, s'] = Σ_{τ: s'_τ = s'} φ_τ``);
* the TV dual ``ν_{h,i} = max_α ẑ_{h,i}(α) - ρ_{h,i} (α - min_s V_{h+1}(s))``, solved
  **exactly by enumerating the breakpoints** ``α ∈ {V_{h+1}(s)}`` (``ẑ`` is piecewise linear
  with those kinks — even with signed ridge weights — so the maximum over
  ``[min V, max V]`` is at one of them), floored at ``min V`` (the true ``ν`` is at least
  that); with the fail-state convention ``min V = 0`` this is the authors' code's
  "max over breakpoints, floor 0" [V-code, via our notes]. ``dual="fail_state"`` anchors the
  dual at ``min(0, min V)`` instead (:func:`tv_dual_anchor`): the papers' form, for models
  known to have a fail state of value 0. It matters while that state is unvisited: the
  optimistic estimate of its value is then high, the general form's ``min V`` misses it,
  and the worst case is underestimated (measured on ``drect_fail_state`` with ``ρ = 0.5``,
  ``docs/papers/drrpo.md`` §7);
* bonus ``Γ_h(s,a) = β Σ_i φ_i(s,a) sqrt([Λ_h^{-1}]_{ii})`` (the theory's d-rectangular
  form; ``bonus="quadratic"``: ``β sqrt(Σ_i φ_i² [Λ_h^{-1}]_{ii})``, the group's offline code;
  ``bonus="ellipsoidal"``: ``β sqrt(φᵀΛ_h^{-1}φ)``, LSVI-UCB's form, an mdpsim option **[P]**
  that shrinks along an observed direction — the d-rectangular forms do not when the observed
  features are collinear and not coordinate vectors, ``docs/papers/drrpo.md`` §8);
* ``Q_h = clip(φᵀ(ŵ_h + ν_h) + Γ_h, 0, H - h)``, ``V_h = max_a Q_h``; play greedily (lowest
  index on ties).

Cost per plan ``O(H (d² S + d S log S + S A d))``, per observation ``O(d²)``.

Reconstructed / proposed (**[R]/[P]**): the general-form dual with ``min V`` (the paper
assumes a fail state with ``min V = 0``), the floor, the regression of rewards (the group's
code treats ``θ`` as known), ``β = c d H sqrt(log(2dT/δ))`` with LSVI-UCB's tuned multiplier
``c = 0.03`` (not tuned for this algorithm); the rate ``Õ(d²H²√K)`` (``docs/papers/drrpo.md``;
regret ``Õ(√(d⁴H⁴K))``, constants not given).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ...theory.acceptance import RULES
from ...theory.bounds import Bound
from .._api import Learner, HyperParameter, ModelInfo, register_learner
from .lsvi_ucb import check_features
from .lsvi_ucb_kernels import linear_observe, lsvi_ucb_beta, lsvi_ucb_state

__all__ = ["DR_LSVI_UCB", "State", "Params", "dr_lsvi_ucb_regret", "dr_plan", "tv_dual_ridge",
           "radii", "tv_dual_anchor", "DUALS"]

BONUSES = ("drect", "quadratic", "ellipsoidal")
#: the TV dual's anchor ``v0``: ``min V`` (general form) or ``min(0, min V)`` (fail-state form)
DUALS = ("general", "fail_state")


def dr_lsvi_ucb_regret(K, d: int | None = None, H: int = 1, c: float = 1.0, **_):
    """Order ``c d² H² sqrt(K)`` of Liu & Xu 2024 (log factors dropped; [R])."""
    if d is None:
        raise ValueError("dr_lsvi_ucb_regret needs d")
    return c * float(d) ** 2 * float(H) ** 2 * np.sqrt(np.asarray(K, dtype=np.float64))


class State(NamedTuple):
    """``phi4[n,S,A,d]``; ``Lam_inv[H,d,d]``; ``b_r[H,d] = Σ φ r``; ``M[H,d,S]``; ``rho[H,d]``
    the radii; ``Q[H,S,A]``; ``nu[H,d]`` the last duals; work buffers ``V[S]``, ``G[d,S]``,
    ``w[d]``; ``init``."""

    phi4: np.ndarray
    Lam_inv: np.ndarray
    b_r: np.ndarray
    M: np.ndarray
    rho: np.ndarray
    Q: np.ndarray
    nu: np.ndarray
    V: np.ndarray
    G: np.ndarray
    w: np.ndarray
    init: np.ndarray


class Params(NamedTuple):
    """``beta`` bonus scale; ``bonus`` 0 (d-rectangular Σ φ_i sqrt(Λ⁻¹_ii)) or 1 (quadratic);
    ``fail_state`` 1: fail-state form of the TV dual (anchor ``min(0, min V)``), 0: general."""

    beta: float
    bonus: float
    fail_state: float


@njit(cache=True)
def tv_dual_ridge(G_i, V, order, rho):
    """``max_{α ∈ {V(s)}} Σ_s G_i[s] min(V(s), α) - ρ (α - min V)``, floored at ``min V``
    (exact breakpoint enumeration; ``order = argsort(V)``)."""
    return tv_dual_anchor(G_i, V, order, rho, V[order[0]])


@njit(cache=True)
def tv_dual_anchor(G_i, V, order, rho, v0):
    """``max_{α ∈ {v0} ∪ {V(s)}} Σ_s G_i[s] min(V(s), α) - ρ (α - v0)`` with the value at
    ``α = v0`` taken as ``v0`` (the floor), for ``v0 <= min V``; ``order = argsort(V)``.

    ``v0 = min V`` is the general-form TV dual (:func:`tv_dual_ridge`, same arithmetic);
    ``v0 = 0``
    the fail-state form ``max_α ẑ(α) - ρα`` of the papers (a state of value 0 is known to
    exist, so the worst case may move mass there even before it is visited)."""
    S = V.shape[0]
    tail = 0.0
    for s in range(S):
        tail += G_i[s]
    head = 0.0
    best = v0
    for j in range(S):
        s = order[j]
        head += G_i[s] * V[s]
        tail -= G_i[s]
        a = V[s]
        f = head + a * tail - rho * (a - v0)
        if f > best:
            best = f
    return best


@njit(cache=True, inline="always")
def dr_ridge_stage(Li, b_r_h, M_h, w, G):
    """Stage ridge solves ``w = Λ_h^{-1} b_h`` (reward weights) and ``G = Λ_h^{-1} M_h``
    (``Li = Λ_h^{-1}``), in place."""
    d = Li.shape[0]
    S = M_h.shape[1]
    for i in range(d):
        t = 0.0
        for j in range(d):
            t += Li[i, j] * b_r_h[j]
        w[i] = t
        for s in range(S):
            t = 0.0
            for j in range(d):
                t += Li[i, j] * M_h[j, s]
            G[i, s] = t


@njit(cache=True, inline="always")
def dr_tv_nu_stage(G, V, rho_h, fail_state, nu_h):
    """``nu_h[i]`` = the TV dual of factor ``i`` (:func:`tv_dual_anchor`), anchored at
    ``min V`` (general form, :func:`tv_dual_ridge`) or, when ``fail_state = 1``, at
    ``min(0, min V)``."""
    order = np.argsort(V, kind="mergesort")
    v0 = V[order[0]]
    if fail_state != 0.0 and v0 > 0.0:
        v0 = 0.0
    for i in range(G.shape[0]):
        nu_h[i] = tv_dual_anchor(G[i], V, order, rho_h[i], v0)


@njit(cache=True, inline="always")
def dr_optimistic_q_stage(ph, Li, w, nu_h, beta, bonus, cap, Q_h):
    """``Q_h = clip(φᵀ(ŵ_h + ν_h) + Γ_h, 0, cap)`` with the bonus
    ``Γ_h = β Σ_i φ_i sqrt([Λ_h^{-1}]_{ii})`` (``bonus = 0``),
    ``β sqrt(Σ_i φ_i² [Λ_h^{-1}]_{ii})`` (``bonus = 1``) or the ellipsoidal
    ``β sqrt(φᵀ Λ_h^{-1} φ)`` (``bonus = 2``, LSVI-UCB's form; a diagnostic option, not the
    paper's); ``ph = φ[S,A,d]``."""
    S, A, d = ph.shape
    for s in range(S):
        for a in range(A):
            x = ph[s, a]
            q = 0.0
            g = 0.0
            for i in range(d):
                q += x[i] * (w[i] + nu_h[i])
                if bonus == 0.0:
                    g += x[i] * math.sqrt(max(Li[i, i], 0.0))
                elif bonus == 1.0:
                    g += x[i] * x[i] * max(Li[i, i], 0.0)
                else:
                    t = 0.0
                    for j in range(d):
                        t += Li[i, j] * x[j]
                    g += x[i] * t
            if bonus != 0.0:
                g = math.sqrt(max(g, 0.0))
            val = q + beta * g
            if val > cap:
                val = cap
            if val < 0.0:
                val = 0.0
            Q_h[s, a] = val


@njit(cache=True)
def dr_plan(phi4, Lam_inv, b_r, M, rho, beta, bonus, Q, nu, V, G, w, fail_state=0.0):
    """Optimistic robust backward induction (module docstring); ``V`` holds ``V_0``.
    ``fail_state = 1``: the TV dual's anchor is ``min(0, min V)`` (:func:`tv_dual_anchor`)."""
    H = Lam_inv.shape[0]
    n, S, A, d = phi4.shape
    for s in range(S):
        V[s] = 0.0
    for h in range(H - 1, -1, -1):
        Li = Lam_inv[h]
        dr_ridge_stage(Li, b_r[h], M[h], w, G)
        dr_tv_nu_stage(G, V, rho[h], fail_state, nu[h])
        dr_optimistic_q_stage(phi4[min(h, n - 1)], Li, w, nu[h], beta, bonus,
                              float(H - h), Q[h])
        for s in range(S):   # V_{h+1} is overwritten only once stage h is done
            best = Q[h, s, 0]
            for a in range(1, A):
                if Q[h, s, a] > best:
                    best = Q[h, s, a]
            V[s] = best


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    dr_plan(state.phi4, state.Lam_inv, state.b_r, state.M, state.rho, params.beta,
            params.bonus, state.Q, state.nu, state.V, state.G, state.w, params.fail_state)
    Q = state.Q
    H, S, A = Q.shape
    for h in range(H):
        for s in range(S):
            best = 0
            for a in range(1, A):
                if Q[h, s, a] > Q[h, s, best]:
                    best = a
            for a in range(A):
                pi[h, s, a] = 0.0
            pi[h, s, best] = 1.0
    acc = 0.0
    for s in range(S):
        acc += state.init[s] * state.V[s]
    return acc


def radii(H: int, d: int, rho: float, stage: int, factor: int) -> np.ndarray:
    """``float64[H, d]``: ``rho`` at (``stage``, ``factor``), ``-1`` meaning all; else 0."""
    out = np.zeros((H, d))
    hs = slice(None) if stage < 0 else slice(stage, stage + 1)
    fs = slice(None) if factor < 0 else slice(factor, factor + 1)
    if stage >= H or factor >= d:
        raise ValueError(f"dr_lsvi_ucb: rho_stage must be < H = {H} and rho_factor < d = {d} "
                         f"(or -1 for all), got {stage}, {factor}")
    out[hs, fs] = rho
    return out


# Hyper-parameters shared with DR-RPO (:mod:`mdpsim.algorithms.linear.dr_rpo`).
HP_LAM = HyperParameter("lam", 1.0, float, "paper", "ridge parameter λ",
                        valid=lambda v: v > 0.0, expected="a positive number")
HP_DELTA = HyperParameter("delta", 0.05, float, "proposed", "confidence δ",
                          valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)")
HP_RADII = (
    HyperParameter("rho", 0.1, float, "proposed",
                   "TV radius of the uncertainty set (problem statement; match the "
                   "setting's)", valid=lambda v: 0.0 <= v <= 1.0,
                   expected="a number in [0, 1]"),
    HyperParameter("rho_stage", -1, int, "proposed",
                   "stage (0-based) carrying the radius, -1 = every stage",
                   valid=lambda v: v >= -1, expected="an integer >= -1"),
    HyperParameter("rho_factor", -1, int, "proposed",
                   "factor (0-based) carrying the radius, -1 = every factor",
                   valid=lambda v: v >= -1, expected="an integer >= -1"),
)
HP_BONUS = HyperParameter("bonus", "drect", str, "paper",
                          "bonus form: 'drect' Σ_i φ_i sqrt([Λ⁻¹]_ii) (theory), 'quadratic' "
                          "sqrt(Σ_i φ_i² [Λ⁻¹]_ii) (the group's offline code) or "
                          "'ellipsoidal' sqrt(φᵀΛ⁻¹φ) (LSVI-UCB's form, shrinks along the "
                          "played direction; a diagnostic option of mdpsim [P], "
                          "docs/papers/drrpo.md §8)",
                          choices=BONUSES)


@register_learner
class DR_LSVI_UCB(Learner):
    """DR-LSVI-UCB for d-rectangular TV-robust linear MDPs. See
    :mod:`mdpsim.algorithms.linear.dr_lsvi_ucb`."""

    name = "dr_lsvi_ucb"
    title = "DR-LSVI-UCB"
    paper = ("Liu & Xu, Distributionally Robust Off-Dynamics RL: Provable Efficiency with "
             "Linear Function Approximation, AISTATS 2024, arXiv:2402.15399")
    needs = ("features",)
    needs_episodes = True
    reconstructed = ("general-form TV dual with min V and floor at min V (paper: fail state, "
                     "min V = 0)", "rewards learned by ridge regression",
                     "bonus multiplier c borrowed from LSVI-UCB's tuning")
    State = State
    Params = Params
    hyperparameters = (
        HP_LAM,
        HyperParameter("c", 0.03, float, "proposed",
                       "multiplier of β = c·d·H·sqrt(log(2dT/δ)) (LSVI-UCB's tuned value)",
                       theory=1.0, valid=lambda v: v >= 0.0, expected="a number >= 0"),
        HP_DELTA,
        *HP_RADII,
        HP_BONUS,
        HyperParameter("dual", "general", str, "paper",
                       "TV dual's anchor: 'general' min V (exact for any model) or "
                       "'fail_state' min(0, min V) (the paper's form; problem statement: a "
                       "fail state of value 0 exists)", choices=DUALS),
    )
    bound = Bound("dr_lsvi_ucb", dr_lsvi_ucb_regret, 0.5, "Õ(d²H²√K)",
                  "Liu & Xu, AISTATS 2024", "order [S]; constant [R]")
    acceptance = RULES["sublinear"]
    plan = _plan
    observe = linear_observe

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        phi4 = check_features(cls.name, info)
        H, S, A, d = info.H, info.S, info.A, phi4.shape[3]
        Lam_inv, b_r, M = lsvi_ucb_state(H, S, d, hp["lam"])
        return State(phi4=phi4, Lam_inv=Lam_inv, b_r=b_r, M=M,
                     rho=radii(H, d, hp["rho"], hp["rho_stage"], hp["rho_factor"]),
                     Q=np.zeros((H, S, A)), nu=np.zeros((H, d)), V=np.zeros(S),
                     G=np.zeros((d, S)), w=np.zeros(d),
                     init=np.array(info.init, dtype=np.float64, copy=True))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        f = info.side.features
        d = int(np.shape(f)[-1]) if f is not None else 1
        beta = lsvi_ucb_beta(d, info.H, max(int(info.K), 1), delta=hp["delta"], c=hp["c"])
        return Params(beta=float(beta), bonus=float(BONUSES.index(hp["bonus"])),
                      fail_state=float(hp["dual"] == "fail_state"))
