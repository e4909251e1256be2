r"""d-rectangular robust linear MDP instances (:class:`~mdpsim.models.robust_linear.
DRectLinearMDP`): a nominal linear MDP of :mod:`mdpsim.envs.linear` plus TV radii.

* ``drect_simplex`` — the random simplex-feature linear MDP (``linear_simplex``) with one TV
  radius ``rho`` for every factor and stage (issue #13's instance: S = 20, A = 5, d = 5,
  H = 5);
* ``drect_simplex_hidden`` — the hidden-reward-factor simplex MDP
  (``linear_simplex_hidden``: one reward factor that only the last action loads on, so
  exploration matters) with one TV radius ``rho`` for every factor and stage;
* ``drect_fail_state`` — the fail-state MDP (``linear_fail_state``) with the uncertainty the
  DR-LSVI-UCB experiments put on it: only factor 4 (the one leading to the rewarding state
  ``x5``) at step 1, radius ``rho`` (``docs/papers/drrpo.md`` §5; the group's code
  [V-code, via our notes]); every other radius 0. Its worst case is exactly the test
  perturbation ``q = rho`` of ``linear_fail_state`` (mass ``rho`` of ``x5`` moved to the fail
  state ``x4``), which a test checks.
"""
from __future__ import annotations

import numpy as np

from ..models.robust_linear import DRectLinearMDP
from ._common import check_real
from ._registry import register
from .linear import linear_simplex, linear_simplex_hidden, linear_fail_state

__all__ = ["drect_simplex", "drect_simplex_hidden", "drect_fail_state"]


@register("drect_simplex")
def drect_simplex(S: int = 20, A: int = 5, d: int = 5, *, horizon: int = 5, rho: float = 0.1,
                  rng=0, stage_dependent: bool = False, b: int | None = None,
                  alpha: float = 1.0) -> DRectLinearMDP:
    """``linear_simplex(S, A, d, horizon, rng, b, alpha, stage_dependent)`` with TV radius
    ``rho`` on every factor at every stage. ``alpha`` is the Dirichlet concentration of the
    features: small ``alpha`` (e.g. 0.1) puts them near the coordinate vectors, where the
    d-rectangular bonus behaves like the ellipsoidal one (``docs/papers/drrpo.md`` §8).
    **[P]** instance of mdpsim."""
    lin = linear_simplex(S, A, d, horizon=horizon, rng=rng, b=b, alpha=alpha,
                         stage_dependent=stage_dependent)
    tail = "" if alpha == 1.0 else f",alpha={alpha:g}"
    return DRectLinearMDP(lin, rho, name=f"drect_simplex(S={S},A={A},d={d},H={horizon},"
                                         f"rho={rho:g}{tail})")


@register("drect_simplex_hidden")
def drect_simplex_hidden(S: int = 20, A: int = 5, d: int = 5, *, horizon: int = 5,
                         rho: float = 0.1, load: float = 0.5, r_max: float = 0.5, rng=0,
                         b: int | None = None) -> DRectLinearMDP:
    """``linear_simplex_hidden(S, A, d, horizon, rng, b, rho=load, r_max)`` — the reward factor
    ``d - 1`` is loaded (weight ``load``) only by the last action — with TV radius ``rho`` on
    every factor at every stage. Exactly linear with ``φ ∈ Δ_d`` and ``μ_{h,i} ∈ Δ(S)``, hence
    d-rectangular. **[P]** instance of mdpsim (issue #13, fixed before any learner ran on it)."""
    load = check_real("load", load)
    if not 0.0 < load <= 1.0:
        raise ValueError(f"load must lie in (0, 1] (weight of the reward factor in the last "
                         f"action's features), got load={load!r}")
    lin = linear_simplex_hidden(S, A, d, horizon=horizon, rng=rng, b=b, rho=load, r_max=r_max)
    return DRectLinearMDP(lin, rho, name=f"drect_simplex_hidden(S={S},A={A},d={d},H={horizon},"
                                         f"rho={rho:g},load={load:g})")


@register("drect_fail_state")
def drect_fail_state(*, rho: float = 0.1, horizon: int = 3, delta: float = 0.3,
                     xi_norm: float = 0.2, p_fail: float = 0.001,
                     q: float = 0.0) -> DRectLinearMDP:
    """The fail-state MDP with a TV ball of radius ``rho`` on factor 4 at step 1 only
    (module docstring); ``q`` perturbs the nominal model itself (the test environments)."""
    rho = check_real("rho", rho)
    lin = linear_fail_state(horizon=horizon, delta=delta, xi_norm=xi_norm, p_fail=p_fail, q=q)
    radius = np.zeros((3, 4))
    radius[0, 3] = rho
    return DRectLinearMDP(lin, radius, name=f"drect_fail_state(rho={rho:g},q={q:g})")
