r"""Confidence-set optimism over the same model-free tabular class and loss as
:mod:`mdpsim.algorithms.mex_tabular` (GOLF-style), solved by Lagrangian bisection — the
comparator of the compute claim of MEX (``docs/papers/mex.md`` §11). **Our construction**
[P]; the comparison it serves is the paper's (Liu et al., "Maximize to Explore", NeurIPS
2023, arXiv:2305.18258: MEX replaces a constrained optimisation over a data-dependent level
set by one unconstrained maximisation).

**Problem.** Over every Q-table with the squared empirical Bellman loss ``L(Q)`` of
:mod:`~mdpsim.algorithms.mex_tabular` (whose minimum is 0: the empirical backup), GOLF-style
optimism plays the greedy policy of

.. math:: \max_Q V_{1,Q}(x_1) \quad\text{s.t.}\quad L(Q) \le \beta .

Its Lagrangian at multiplier ``λ`` is exactly MEX's objective with ``η = λ``, so with MEX's
unconstrained solver as the only primitive (the chord plan plus the "linearise and plan"
ascent, warm-started from the previous episode's policy) the constrained problem is solved
by bisection on ``log10 λ`` over ``[lam_lo, lam_hi]``: at each ``λ`` the solver's fixed point
has loss ``L_λ = Σ_{h,x,a} n δ_λ²`` (``δ_λ = min(q/(2λn), H − h)``, the implicit bonus), which
falls as ``λ`` grows; the policy of the smallest ``λ`` found with ``L_λ <= β`` (the most
optimistic feasible one) is played. The loss-β level is ``β = c_β H² log(H S A K / δ)``
[P] (a per-cell Hoeffding scale, not a union bound over the class; ``c_β`` proposed).

Cost: ``1 + bisect_steps`` MEX solves per episode instead of one. ``aux`` = the episode's
planner calls (backward inductions), counted as in ``mex_tabular``; estimate = ``J_λ`` of
the played policy. Like MEX's ascent the inner solves reach local optima (the caveat of
``mex_tabular``), and with a non-monotone ``L_λ`` the bisection finds *a* crossing.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..theory.acceptance import RULES
from ._api import HyperParameter, Learner, ModelInfo, register_learner
from .mex_tabular import (State, ascent, ascent_calls, count_step, empirical_kernel,
                          implicit_bonus, occupancy, onehot_policy, report_calls, tabular_state,
                          upper_bound)

__all__ = ["GOLFTabular", "State", "Params", "level_loss", "solve_at"]


@njit(cache=True)
def level_loss(P, init, N, lam, pol):
    """``L_λ(pol) = Σ_{n>0} n δ²``, ``δ = min(q^pol/(2λn), H − h)`` the implicit bonus at
    the occupancy of ``pol`` in ``P`` (the loss of the Q-table MEX pairs with ``pol``)."""
    H, S, A = N.shape
    q = np.zeros((H, S, A))
    occupancy(P, init, pol, q)
    d = np.zeros((H, S, A))
    implicit_bonus(q, N, lam, d)
    L = 0.0
    for h in range(H):
        for s in range(S):
            for a in range(A):
                n = N[h, s, a]
                if n > 0.0:
                    L += n * d[h, s, a] * d[h, s, a]
    return L


@njit(cache=True)
def solve_at(P, R3, init, N, lam, warm_pol, out_pol, max_iter):
    """MEX's unconstrained solve at ``η = λ`` (chord plan + ascent, and an ascent from
    ``warm_pol``; the larger objective wins, ties to the warm one); writes the policy to
    ``out_pol``; returns ``(J, planner calls)``."""
    chord = np.empty_like(out_pol)
    upper_bound(P, R3, init, N, lam, chord)
    J2, s2 = ascent(P, R3, init, N, lam, chord, max_iter)
    calls = 1 + ascent_calls(s2, max_iter)
    w = warm_pol.copy()
    J, s = ascent(P, R3, init, N, lam, w, max_iter)
    calls += ascent_calls(s, max_iter)
    if J2 > J:
        out_pol[:] = chord
        return J2, calls
    out_pol[:] = w
    return J, calls


class Params(NamedTuple):
    beta: float
    log_lo: float
    log_hi: float
    steps: float
    max_iter: float


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    N, Nsas, Phat, R3, init, pol, last = state
    empirical_kernel(N, Nsas, Phat)
    mi = int(params.max_iter)
    cand = np.empty_like(pol)
    best = np.empty_like(pol)
    lo, hi = params.log_lo, params.log_hi
    Jb, calls = solve_at(Phat, R3, init, N, 10.0 ** hi, pol, best, mi)   # feasible end
    for _ in range(int(params.steps)):
        mid = 0.5 * (lo + hi)
        lam = 10.0 ** mid
        J, c = solve_at(Phat, R3, init, N, lam, pol, cand, mi)
        calls += c
        if level_loss(Phat, init, N, lam, cand) <= params.beta:
            hi = mid
            best[:] = cand
            Jb = J
        else:
            lo = mid
    pol[:] = best
    last[0] = calls
    last[1] = hi
    onehot_policy(pol, pi)
    return Jb


@register_learner
class GOLFTabular(Learner):
    """Confidence-set optimism over the model-free tabular class by Lagrangian bisection on
    MEX's solver (module docstring). Our construction."""

    name = "golf_tabular"
    title = "Confidence-set optimism (model-free tabular, Lagrangian bisection)"
    paper = ("comparator for Liu et al., Maximize to Explore, NeurIPS 2023, arXiv:2305.18258 "
             "(GOLF-style level set; our construction)")
    hyperparameters = (
        HyperParameter("c_beta", 1.0, float, "proposed",
                       "β = c_β H² log(H S A K / δ): the loss level of the confidence set",
                       valid=lambda v: v > 0.0, expected="a number > 0"),
        HyperParameter("delta", 0.05, float, "proposed", "confidence level in β",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("bisect_steps", 12, int, "proposed",
                       "bisection steps on log10 λ (each one MEX solve)",
                       valid=lambda v: 1 <= v <= 60, expected="an int in [1, 60]"),
        HyperParameter("lam_lo", 1e-4, float, "proposed", "lower end of the λ bracket",
                       valid=lambda v: v > 0.0, expected="a number > 0"),
        HyperParameter("lam_hi", 1e4, float, "proposed", "upper end of the λ bracket",
                       valid=lambda v: v > 0.0, expected="a number > 0"),
        HyperParameter("max_iter", 50, int, "proposed", "cap on ascent steps per solve",
                       valid=lambda v: v >= 1, expected="an int >= 1"),
    )
    reconstructed = ("GOLF-style level set on the closed-form tabular loss [P]",
                     "beta = c_beta H^2 log(HSAK/delta) [P]",
                     "Lagrangian bisection on MEX's solver [P]")
    needs_episodes = True
    acceptance = RULES["sublinear"]
    State = State
    Params = Params
    plan = _plan
    observe = count_step
    report = report_calls

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        """:func:`~mdpsim.algorithms.mex_tabular.tabular_state` with ``last: float64[2]``
        (planner calls, chosen log10 λ)."""
        return tabular_state(info, 2)

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        lo, hi = float(hp.get("lam_lo", 1e-4)), float(hp.get("lam_hi", 1e4))
        if not lo < hi:
            raise ValueError(f"golf_tabular: lam_lo = {lo!r} must be below lam_hi = {hi!r}")
        H, S, A, K = info.H, info.S, info.A, max(int(info.K), 1)
        beta = float(hp.get("c_beta", 1.0)) * H * H * math.log(
            H * S * A * K / float(hp.get("delta", 0.05)))
        return Params(beta=beta, log_lo=math.log10(lo), log_hi=math.log10(hi),
                      steps=float(hp.get("bisect_steps", 12)),
                      max_iter=float(hp.get("max_iter", 50)))
