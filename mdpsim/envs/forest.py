r"""Forest management (pymdptoolbox's ``example.forest``).

States: age classes ``0..S-1`` of a forest (``S-1`` the oldest). Actions ``0 = wait``,
``1 = cut``. Each period a fire burns the forest w.p. ``p`` (back to class 0):

.. math::  P(\min(s+1, S-1) \mid s, \text{wait}) = 1 - p,\quad P(0 \mid s, \text{wait}) = p,
           \qquad P(0 \mid s, \text{cut}) = 1,

(for ``s = S-1`` wait keeps the oldest class w.p. ``1 - p``). Rewards:
``R[S-1, wait] = r1`` and 0 for wait elsewhere; ``R[0, cut] = 0``, ``R[s, cut] = 1`` for
``0 < s < S-1``, ``R[S-1, cut] = r2``.
"""
from __future__ import annotations

import numpy as np

from ._common import TabularMDP, criterion, check_int, check_prob, check_real
from ._registry import register

__all__ = ["forest", "WAIT", "CUT"]

WAIT, CUT = 0, 1


@register("forest")
def forest(S: int = 3, *, r1: float = 4.0, r2: float = 2.0, p: float = 0.1,
           horizon: int | None = None, gamma: float | None = None) -> TabularMDP:
    """Forest management MDP, identical to ``mdptoolbox.example.forest(S, r1, r2, p)``
    (whose ``P[a, s, s']`` is transposed here to ``P[s, a, s']``).

    ``wait`` (0): the forest ages by one class (capped at ``S-1``) w.p. ``1 - p`` and burns
    back to class 0 w.p. ``p``; reward ``r1`` in the oldest class, else 0. ``cut`` (1): back
    to class 0; reward 0 in class 0, 1 in the intermediate classes, ``r2`` in the oldest.
    Initial state 0 (a young forest).

    Source and provenance: **[V-code]** pymdptoolbox ``mdptoolbox.example.forest`` (Cordwell
    et al.; defaults ``S = 3, r1 = 4, r2 = 2, p = 0.1``), checked for equality in the tests.
    The AC hybrid experiments use ``S = 4`` with ``H = 20``. Default criterion
    ``gamma = 0.95`` (pymdptoolbox's examples use 0.9-0.96; a choice made here, **[P]**).

    Parameters
    ----------
    S : int >= 2
        Number of age classes.
    r1, r2 : float >= 0
        Reward for waiting / cutting in the oldest class.
    p : float in [0, 1]
        Fire probability per period.
    horizon, gamma :
        Criterion (at most one; default ``gamma = 0.95``).
    """
    S = check_int("S", S, lo=2)
    r1 = check_real("r1", r1, lo=0.0)
    r2 = check_real("r2", r2, lo=0.0)
    p = check_prob("p", p)
    crit = criterion(horizon, gamma, default_gamma=0.95)
    s = np.arange(S)
    P = np.zeros((S, 2, S), dtype=np.float64)
    P[s, WAIT, np.minimum(s + 1, S - 1)] += 1.0 - p
    P[s, WAIT, 0] += p
    P[s, CUT, 0] = 1.0
    R = np.zeros((S, 2), dtype=np.float64)
    R[S - 1, WAIT] = r1
    R[1:S - 1, CUT] = 1.0
    R[S - 1, CUT] = r2
    return TabularMDP(P, R, name=f"forest(S={S})", **crit)
