r"""Combination lock: a deterministic chain that only one action sequence opens.

States ``0..S-1`` are the lock positions and state ``S`` is an absorbing sink (reward 0
forever). Each position ``s`` has one correct action ``c_s``:

.. math::  P(s+1 \mid s, c_s) = 1 \ (s < S-1),\qquad P(S \mid S-1, c_{S-1}) = 1,\qquad
           P(S \mid s, a) = 1 \ (a \ne c_s),\qquad P(S \mid S, a) = 1,

and the only reward is ``R[S-1, c_{S-1}] = 1`` (opening the lock). From state 0 the optimal
value is 1 when ``H >= S`` (0 when ``H < S``) and ``gamma^{S-1}`` when discounted; a uniformly
random policy opens the lock with probability ``A^{-S}`` per episode.
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ._common import TabularMDP, criterion, check_int
from ._registry import register

__all__ = ["chain_lock"]


@register("chain_lock")
def chain_lock(S: int = 10, A: int = 2, *, horizon: int | None = None,
               gamma: float | None = None, rng=0, combination=None) -> TabularMDP:
    """Combination lock with ``S`` positions, ``A`` actions and an absorbing sink.

    The model has ``S + 1`` states: positions ``0..S-1`` (start at 0) and the sink ``S``.
    The correct action ``c_s`` advances from ``s`` to ``s + 1``; any other action drops into
    the sink (reward 0 forever). The correct action at the last position ``S - 1`` earns
    reward 1 and also enters the sink (the episode's work is done). The combination
    ``c_0..c_{S-1}`` is drawn uniformly from ``{0..A-1}`` with ``rng`` unless given
    explicitly as ``combination``.

    Optimal value from the start: 1 for any ``horizon >= S`` (0 for ``horizon < S``),
    ``gamma ** (S - 1)`` when discounted. Random exploration opens the lock with
    probability ``A ** -S`` per episode, so it needs about ``A ** H`` episodes (``H = S``).

    Source and provenance: **[P]** the standard theory "combination lock" (e.g. the LPO,
    AC and MEX experiments: ``S = H``, ``A = 2..4``, ``H = 5..20``); the sink state and
    the reward on the final correct action are choices made here.

    Parameters
    ----------
    S : int >= 1
        Number of lock positions (the model has ``S + 1`` states).
    A : int >= 1
        Number of actions.
    horizon, gamma :
        Criterion (at most one; default ``horizon = S``).
    rng : Generator | SeedSequence | int
        Seed for the combination (ignored when ``combination`` is given).
    combination : sequence of S ints in ``[0, A)``, optional
        The correct action at each position.
    """
    S, A = check_int("S", S), check_int("A", A)
    crit = criterion(horizon, gamma, default_horizon=S)
    if combination is None:
        code = as_generator(rng).integers(0, A, size=S)
    else:
        try:
            code = np.array(combination)
        except (TypeError, ValueError):
            code = None
        if code is None or code.shape != (S,) or code.dtype.kind not in "iu":
            raise ValueError(f"combination must be a sequence of S = {S} integer actions, got "
                             f"{combination!r}")
        bad = np.flatnonzero((code < 0) | (code >= A))
        if bad.size:
            i = int(bad[0])
            raise ValueError(f"combination[{i}] = {code[i]} is not an action in [0, {A})")
    code = code.astype(np.int64)
    sink = S
    P = np.zeros((S + 1, A, S + 1), dtype=np.float64)
    P[:, :, sink] = 1.0
    pos = np.arange(S)
    P[pos, code, sink] = 0.0
    P[pos, code, pos + 1] = 1.0  # pos + 1 == sink for the last position: sets it back to 1
    R = np.zeros((S + 1, A), dtype=np.float64)
    R[S - 1, code[S - 1]] = 1.0
    return TabularMDP(P, R, name=f"chain_lock(S={S},A={A})", **crit)
