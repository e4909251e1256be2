r"""Random dense MDPs with Dirichlet transition rows.

.. math::  P(\cdot \mid s, a) \sim \operatorname{Dirichlet}(\alpha \mathbf 1_S),\qquad
           R(s, a) \sim U(0, 1),

independently for every ``(s, a)`` (and every stage ``h`` when ``stage_dependent``).
``alpha = 1`` is the uniform distribution on the simplex; small ``alpha`` gives nearly
deterministic rows, large ``alpha`` rows close to uniform.
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ._common import TabularMDP, criterion, check_int, check_real, check_bool
from ._registry import register

__all__ = ["dirichlet"]


@register("dirichlet")
def dirichlet(S: int = 10, A: int = 2, *, alpha: float = 1.0, horizon: int | None = None,
              gamma: float | None = None, rng=0, stage_dependent: bool = False) -> TabularMDP:
    """Random MDP with ``P[s, a, :] ~ Dirichlet(alpha * 1)`` and ``R[s, a] ~ U(0, 1)``.

    Draw order (for reproducibility): all transition rows first (shape ``[n, S, A, S]``,
    ``n = H`` if ``stage_dependent`` else 1) with ``Generator.dirichlet``, then the rewards
    (``[n, S, A]``) with ``Generator.random``. Initial state 0.

    Source and provenance: **[P]** the "Dirichlet transitions, rewards in [0, 1]" random
    MDPs of the StepMix experiments (``S in {5, 10, 20}``, ``A in {2, 5}``,
    ``H in {5, 10}``); ``alpha = 1`` (uniform on the simplex) is the choice made here.

    Parameters
    ----------
    S, A : int >= 1
        Numbers of states and actions.
    alpha : float > 0
        Symmetric Dirichlet concentration.
    horizon, gamma :
        Criterion (at most one; default ``horizon = 10``).
    rng : Generator | SeedSequence | int
        Seed.
    stage_dependent : bool
        Fresh P and R for every stage (finite horizon only).
    """
    S, A = check_int("S", S), check_int("A", A)
    alpha = check_real("alpha", alpha, lo=0.0, lo_open=True)
    stage_dependent = check_bool("stage_dependent", stage_dependent)
    crit = criterion(horizon, gamma, default_horizon=10)
    if stage_dependent and "horizon" not in crit:
        raise ValueError("stage_dependent=True needs a finite horizon, got "
                         f"gamma={crit['gamma']!r}")
    g = as_generator(rng)
    n = crit["horizon"] if stage_dependent else 1
    P = g.dirichlet(np.full(S, alpha), size=(n, S, A))
    tot = P.sum(axis=-1, keepdims=True)
    if not np.all(np.isfinite(tot)) or np.any(tot <= 0):
        raise ValueError(f"alpha = {alpha!r} is too small: Dirichlet draws underflowed to "
                         "zero rows; use a larger alpha")
    P /= tot
    R = g.random((n, S, A))
    if n == 1:
        P, R = P[0], R[0]
    return TabularMDP(P, R, name=f"dirichlet(S={S},A={A},alpha={alpha:g})", **crit)
