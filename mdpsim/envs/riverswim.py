r"""RiverSwim: a chain where the rewarding end lies upstream.

States ``0..S-1`` left to right, actions ``0 = left`` (with the current) and ``1 = right``
(against it). With ``q = 1 - p_right - p_stay``:

============  =============================  =========================================
state         left (a = 0)                   right (a = 1)
============  =============================  =========================================
``0``         ``0`` w.p. 1                   ``1`` w.p. ``p_right_start``, else ``0``
``0<s<S-1``   ``s-1`` w.p. 1                 ``s+1`` w.p. ``p_right``, ``s`` w.p.
                                             ``p_stay``, ``s-1`` w.p. ``q``
``S-1``       ``S-2`` w.p. 1                 ``S-1`` w.p. ``p_stay_end``, else ``S-2``
============  =============================  =========================================

Mean rewards: ``R[0, left] = r_left``, ``R[S-1, right] = r_right``, 0 elsewhere. Start state 0.
"""
from __future__ import annotations

import numpy as np

from ._common import TabularMDP, criterion, check_int, check_prob, check_real
from ._registry import register

__all__ = ["riverswim", "LEFT", "RIGHT"]

LEFT, RIGHT = 0, 1


@register("riverswim")
def riverswim(S: int = 6, *, horizon: int | None = None, gamma: float | None = None,
              p_right: float = 0.35, p_stay: float = 0.6, p_right_start: float = 0.6,
              p_stay_end: float = 0.6, r_left: float = 0.005,
              r_right: float = 1.0) -> TabularMDP:
    """RiverSwim (Strehl & Littman 2008), in the normalised variant of Osband, Russo & Van Roy
    2013.

    Dynamics (``0 = left``, ``1 = right``; see the module docstring for the table):

    * left moves one state left deterministically (state 0 stays at 0);
    * right in the interior ``0 < s < S-1``: advance w.p. ``p_right = 0.35``, stay w.p.
      ``p_stay = 0.6``, fall back w.p. ``1 - p_right - p_stay = 0.05``;
    * right at state 0: advance w.p. ``p_right_start = 0.6``, stay w.p. 0.4;
    * right at state ``S-1``: stay w.p. ``p_stay_end = 0.6``, fall back w.p. 0.4;
    * mean rewards ``R[0, 0] = r_left = 0.005`` (= 5/1000) and ``R[S-1, 1] = r_right = 1``,
      0 elsewhere (the reward is earned by the action, whatever the next state);
    * start state 0. Default criterion ``horizon = 20``.

    Source and provenance: **[P]** pinned. The chain and its interior probabilities
    (0.35 / 0.6 / 0.05) are those of Strehl & Littman, "An analysis of model-based interval
    estimation for Markov decision processes", JCSS 74(8), 2008; the rewards 5/1000 and 1 are
    the normalisation of Osband, Russo & Van Roy, "(More) efficient reinforcement learning via
    posterior sampling", NeurIPS 2013 (arXiv:1306.0940). The end-state rows (0.6 / 0.4 at both
    ends) and ``R[S-1, right] = 1`` follow the public implementations that cite Osband et al.
    (the UCRL/PSRL exploration code bases); checked against that code, not against the papers'
    figures. ``H = 20`` is the StepMix / AC episodic setting.

    Parameters
    ----------
    S : int >= 2
        Number of states.
    horizon, gamma :
        Criterion (at most one; default ``horizon = 20``).
    p_right, p_stay : float
        Interior right-move probabilities of advancing and staying; ``p_right + p_stay <= 1``.
    p_right_start : float
        Probability that right at state 0 advances.
    p_stay_end : float
        Probability that right at state ``S-1`` stays there.
    r_left, r_right : float
        The small left-bank reward and the large right-end reward.
    """
    S = check_int("S", S, lo=2)
    p_right = check_prob("p_right", p_right)
    p_stay = check_prob("p_stay", p_stay)
    if p_right + p_stay > 1.0 + 1e-12:
        raise ValueError(f"p_right + p_stay must be <= 1 (the rest is the fall-back "
                         f"probability), got p_right={p_right!r}, p_stay={p_stay!r}")
    p_back = max(0.0, 1.0 - p_right - p_stay)
    p_right_start = check_prob("p_right_start", p_right_start)
    p_stay_end = check_prob("p_stay_end", p_stay_end)
    r_left = check_real("r_left", r_left)
    r_right = check_real("r_right", r_right)
    crit = criterion(horizon, gamma, default_horizon=20)

    P = np.zeros((S, 2, S), dtype=np.float64)
    s = np.arange(S)
    P[s, LEFT, np.maximum(s - 1, 0)] = 1.0
    P[0, RIGHT, 1] += p_right_start
    P[0, RIGHT, 0] += 1.0 - p_right_start
    for i in range(1, S - 1):
        P[i, RIGHT, i + 1] += p_right
        P[i, RIGHT, i] += p_stay
        P[i, RIGHT, i - 1] += p_back
    P[S - 1, RIGHT, S - 1] += p_stay_end
    P[S - 1, RIGHT, S - 2] += 1.0 - p_stay_end
    R = np.zeros((S, 2), dtype=np.float64)
    R[0, LEFT] = r_left
    R[S - 1, RIGHT] += r_right
    return TabularMDP(P, R, name=f"riverswim(S={S})", **crit)
