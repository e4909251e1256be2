r"""DeepSea (bsuite): an N x N grid where one must go right all the way down.

State ``s = row * N + col`` for the cells, plus an absorbing terminal state ``N * N`` entered
after the last row. Start at ``(0, 0)``. Every step moves one row down; the action is mapped
per cell to "right" or "left": action ``a`` means right at ``(row, col)`` iff
``a == mapping[row, col]``. Right moves to ``min(col + 1, N - 1)`` (in the stochastic
version only w.p. ``1 - 1/N``, else the column is kept); left to ``max(col - 1, 0)``.
Mean rewards:

.. math::  R[(r, c), \text{right}] = -\frac{\text{move\_cost}}{N} + \mathbb 1[c = N-1],
           \qquad R[(r, c), \text{left}] = 0,

so always going right earns ``1 - move_cost = 0.99`` over the ``N`` steps (deterministic
version), the optimum. Cells with ``col > row`` are unreachable from the start.
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ._common import (TabularMDP, criterion, check_int, check_real, check_bool,
                      check_storage, successor_lists)
from ._registry import register

__all__ = ["deepsea", "deepsea_action_mapping"]


def deepsea_action_mapping(N: int, rng=0, randomize_actions: bool = True) -> np.ndarray:
    """``int64[N, N]``: the action that means "right" in each cell (the other means left).

    Random: i.i.d. fair coin per cell from ``rng`` (bsuite draws ``binomial(1, 0.5, [N, N])``
    from its ``mapping_seed``); otherwise all ones (action 1 = right everywhere).
    """
    N = check_int("N", N)
    if not check_bool("randomize_actions", randomize_actions):
        return np.ones((N, N), dtype=np.int64)
    return as_generator(rng).integers(0, 2, size=(N, N)).astype(np.int64)


@register("deepsea")
def deepsea(N: int = 10, *, horizon: int | None = None, gamma: float | None = None,
            rng=0, randomize_actions: bool = True, deterministic: bool = True,
            move_cost: float = 0.01, storage: str = "successors") -> TabularMDP:
    """bsuite DeepSea of size ``N`` as an exact tabular MDP (``N*N + 1`` states, 2 actions).

    Cells ``s = row * N + col`` and a terminal absorbing state ``N * N`` (reward 0) reached
    after the step taken in the last row. Each step moves one row down and the column right
    (``min(col+1, N-1)``) or left (``max(col-1, 0)``). Whether action 0 or 1 is "right" in a
    cell is given by :func:`deepsea_action_mapping` (random per cell with ``rng`` when
    ``randomize_actions``, else 1 = right). Right costs ``move_cost / N``; right in the last
    column (``col = N - 1``, reachable only in the last row) also earns 1. Hence the optimal
    policy (always right) earns exactly ``1 - move_cost`` from the start with ``horizon = N``.

    ``deterministic=False`` is bsuite's stochastic variant: right succeeds only w.p.
    ``1 - 1/N`` (else the column is kept); bsuite's extra N(0, 1) reward noise in the bottom
    corners has mean 0 and so does not change ``R``.

    Source and provenance: **[V-code]** bsuite ``environments/deep_sea.py`` (Osband et al.,
    "Behaviour Suite for Reinforcement Learning", ICLR 2020; arXiv:1908.03568; also
    arXiv:1703.07608, 1806.03335): ``N`` steps, reward 1 at bottom-right, ``unscaled_move_cost
    = 0.01``, random per-cell action mapping. The terminal state and the indexing are choices
    made here; mapping draws use ``rng`` (not bsuite's RandomState stream).

    Parameters
    ----------
    N : int >= 1
        Grid size (bsuite sweeps ``N = 10, 12, ..., 50``).
    horizon, gamma :
        Criterion (at most one; default ``horizon = N``).
    rng : Generator | SeedSequence | int
        Seed for the action mapping.
    randomize_actions : bool
        Random per-cell action mapping (default, as in bsuite) or 1 = right everywhere.
    deterministic : bool
        False: right fails (keeps the column) w.p. ``1/N``.
    move_cost : float >= 0
        Unscaled cost of moving right; each right move costs ``move_cost / N``.
    storage : "successors" | "dense"
        Storage of P (successor lists by default: ``N*N + 1`` states, 1-2 successors each).
    """
    N = check_int("N", N)
    randomize_actions = check_bool("randomize_actions", randomize_actions)
    deterministic = check_bool("deterministic", deterministic)
    move_cost = check_real("move_cost", move_cost, lo=0.0)
    storage = check_storage(storage)
    crit = criterion(horizon, gamma, default_horizon=N)
    mapping = deepsea_action_mapping(N, rng, randomize_actions)

    S, A, term = N * N + 1, 2, N * N
    row, col = np.divmod(np.arange(N * N), N)
    nxt_row = row + 1
    right_col = np.minimum(col + 1, N - 1)
    left_col = np.maximum(col - 1, 0)

    def cell(r, c):
        return np.where(r >= N, term, r * N + c)

    p_ok = 1.0 if deterministic else 1.0 - 1.0 / N
    rows, cols, probs = [], [], []
    R = np.zeros((S, A), dtype=np.float64)
    for a in (0, 1):
        is_right = mapping[row, col] == a
        src = np.arange(N * N) * A + a
        # main outcome
        dst = cell(nxt_row, np.where(is_right, right_col, left_col))
        rows.append(src)
        cols.append(dst)
        probs.append(np.where(is_right, p_ok, 1.0))
        # failed right move keeps the column
        rows.append(src)
        cols.append(cell(nxt_row, col))
        probs.append(np.where(is_right, 1.0 - p_ok, 0.0))
        R[: N * N, a] = np.where(is_right, -move_cost / N + (col == N - 1), 0.0)
    rows.append(np.array([term * A, term * A + 1]))
    cols.append(np.array([term, term]))
    probs.append(np.ones(2))
    L = successor_lists(S, A, np.concatenate(rows), np.concatenate(cols),
                        np.concatenate(probs))
    P = L if storage == "successors" else L.to_dense()
    kind = "" if deterministic else ",stochastic"
    return TabularMDP(P, R, name=f"deepsea(N={N}{kind})", **crit)
