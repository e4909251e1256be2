r"""Machine replacement: operate a deteriorating machine or repair it.

States: deterioration levels ``0..S-1`` (0 = as new). Actions ``0 = continue``,
``1 = repair``. With ``d = deterioration`` (``d[k]`` = probability of worsening by ``k``
levels in one period, capped at ``S-1``) and ``q = p_imperfect``:

.. math::  P(\min(s+k, S-1) \mid s, \text{continue}) \mathrel{+}= d_k,\qquad
           P(0 \mid s, \text{repair}) = 1 - q,\quad P(1 \mid s, \text{repair}) = q,

.. math::  R(s, \text{continue}) = -\text{operating\_cost}\cdot \frac{s}{S-1},\qquad
           R(s, \text{repair}) = -\text{repair\_cost}.

The optimal policy is of threshold type (continue below a level, repair from it on).
"""
from __future__ import annotations

import numpy as np

from ._common import TabularMDP, criterion, check_int, check_prob, check_real, check_pmf
from ._registry import register

__all__ = ["machine_replacement", "CONTINUE", "REPAIR"]

CONTINUE, REPAIR = 0, 1


@register("machine_replacement")
def machine_replacement(S: int = 10, *, deterioration=(0.2, 0.5, 0.3),
                        operating_cost: float = 1.0, repair_cost: float = 1.5,
                        p_imperfect: float = 0.0, horizon: int | None = None,
                        gamma: float | None = None) -> TabularMDP:
    """Machine replacement with ``S`` deterioration levels (see the module docstring).

    ``continue`` (0): the machine runs and worsens by ``k`` levels w.p.
    ``deterioration[k]`` (default: 0 / 1 / 2 levels w.p. 0.2 / 0.5 / 0.3), the excess
    mass piling up at the worst level ``S-1``; the reward is the operating cost
    ``-operating_cost * s / (S-1)``, from 0 (new) to ``-operating_cost`` (worst).
    ``repair`` (1): reward ``-repair_cost``; the machine is as new (level 0) next period,
    or at level 1 w.p. ``p_imperfect``. Initial state 0. Default criterion ``gamma = 0.95``;
    with the defaults the optimal policy continues at levels 0-4 and repairs from level 5.

    Source and provenance: **[P]** no source fixes the parameters (the reference catalogue
    recommends machine replacement for robust / constrained checks; craam2 ships an R
    example; Delage & Mannor 2010 use a different 10-state variant). Every number here is a
    choice made for mdpsim.

    Parameters
    ----------
    S : int >= 2
        Number of deterioration levels.
    deterioration : sequence of probabilities
        ``deterioration[k]`` = probability of worsening by ``k`` levels under continue.
    operating_cost : float >= 0
        Per-period cost at the worst level (scales linearly with the level).
    repair_cost : float >= 0
        Cost of a repair.
    p_imperfect : float in [0, 1]
        Probability that a repair leaves the machine at level 1 instead of 0.
    horizon, gamma :
        Criterion (at most one; default ``gamma = 0.95``).
    """
    S = check_int("S", S, lo=2)
    d = check_pmf("deterioration", deterioration)
    operating_cost = check_real("operating_cost", operating_cost, lo=0.0)
    repair_cost = check_real("repair_cost", repair_cost, lo=0.0)
    p_imperfect = check_prob("p_imperfect", p_imperfect)
    crit = criterion(horizon, gamma, default_gamma=0.95)
    P = np.zeros((S, 2, S), dtype=np.float64)
    for s in range(S):
        for k, pk in enumerate(d):
            P[s, CONTINUE, min(s + k, S - 1)] += pk
    P[:, REPAIR, 0] = 1.0 - p_imperfect
    P[:, REPAIR, 1] += p_imperfect
    R = np.empty((S, 2), dtype=np.float64)
    R[:, CONTINUE] = -operating_cost * np.arange(S) / (S - 1)
    R[:, REPAIR] = -repair_cost
    return TabularMDP(P, R, name=f"machine_replacement(S={S})", **crit)
