r"""Gridworlds from a text map, with goal and pit cells.

Cells: ``'.'`` free, ``'#'`` wall, ``'S'`` start, ``'G'`` goal, ``'P'`` pit. States are the
non-wall cells in row-major order (:func:`gridworld_cells` gives their coordinates).
Actions ``0 = up, 1 = right, 2 = down, 3 = left``. From a free or start cell the intended
direction is taken w.p. ``1 - slip`` and each of the three other directions w.p.
``slip / 3``; a move into a wall or off the map leaves the agent where it is. Goal and pit
cells are absorbing with reward 0. Mean rewards are paid on entering:

.. math::  R[s, a] = \text{step\_reward}
           + \sum_{s'} P(s' \mid s, a)\,\big(\text{goal\_reward}\,\mathbb 1[s' \in G]
           + \text{pit\_reward}\,\mathbb 1[s' \in \text{Pits}]\big)

for non-terminal ``s``. With ``slip = 0`` the optimal value at the start is ``goal_reward``
whenever a goal is reachable (avoiding pits) within the horizon and ``step_reward = 0``.
"""
from __future__ import annotations

import numpy as np

from ._common import TabularMDP, criterion, check_prob, check_real
from ._registry import register

__all__ = ["gridworld", "gridworld_cells", "parse_layout", "DEFAULT_LAYOUT", "ACTIONS"]

#: Russell & Norvig's 4 x 3 world: start bottom-left, goal top-right, pit below it, one wall.
DEFAULT_LAYOUT = ("...G",
                  ".#.P",
                  "S...")

#: Action index -> (d_row, d_col): up, right, down, left.
ACTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))
_CHARS = ".#SGP"


def parse_layout(layout) -> list[str]:
    """Validate a text map and return it as a list of equal-length row strings.

    ``layout`` is a string (rows separated by newlines; surrounding whitespace on each row
    and leading/trailing blank lines are ignored) or a sequence of row strings.
    """
    if isinstance(layout, str):
        rows = [ln.strip() for ln in layout.strip().splitlines()]
    elif isinstance(layout, (list, tuple)) and all(isinstance(r, str) for r in layout):
        rows = [r.strip() for r in layout]
    else:
        raise ValueError("layout must be a string or a list of row strings, got "
                         f"{layout!r}")
    if not rows or not rows[0]:
        raise ValueError(f"layout must have at least one non-empty row, got {layout!r}")
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width:
            raise ValueError(f"layout row {i} has length {len(r)} ({r!r}); every row must have "
                             f"the length of row 0, {width}")
        for j, ch in enumerate(r):
            if ch not in _CHARS:
                raise ValueError(f"layout row {i}, column {j}: unknown cell character {ch!r}; "
                                 "expected one of '.' (free), '#' (wall), 'S' (start), "
                                 "'G' (goal), 'P' (pit)")
    if not any("S" in r for r in rows):
        raise ValueError("layout has no start cell 'S'")
    return rows


def gridworld_cells(layout=DEFAULT_LAYOUT) -> list[tuple[int, int]]:
    """``(row, col)`` of each state of :func:`gridworld` with this layout (state order)."""
    rows = parse_layout(layout)
    return [(i, j) for i, r in enumerate(rows) for j, ch in enumerate(r) if ch != "#"]


@register("gridworld")
def gridworld(layout=DEFAULT_LAYOUT, *, horizon: int | None = None,
              gamma: float | None = None, slip: float = 0.05, goal_reward: float = 1.0,
              pit_reward: float = -1.0, step_reward: float = 0.0) -> TabularMDP:
    """Gridworld with goals and pits from a text map (4 actions: up, right, down, left).

    See the module docstring for the maths. States are the non-wall cells in row-major
    order (coordinates from :func:`gridworld_cells`); the initial distribution is uniform
    over the ``'S'`` cells (usually one). Entering a goal pays ``goal_reward``, entering a
    pit ``pit_reward``; both are absorbing with reward 0 afterwards. Every action from a
    non-terminal cell also pays ``step_reward`` (R&N's "living reward", 0 by default).
    With probability ``slip`` the move goes in one of the three other directions, chosen
    uniformly; bumping into a wall or the border leaves the agent in place.

    Default layout (Russell & Norvig, AIMA ch. 17, 4 x 3 world)::

        ...G
        .#.P
        S...

    Source and provenance: **[P]** the layout is R&N's; the 3 x 4 "gridworld with pits" with
    ``H = 10`` is the conservative-exploration testbed (Garcelon et al. reproductions). The
    slip model (uniform over the other 3 directions) and ``slip = 0.05`` follow the
    NicolasMakaroff/project_RL grid (success 0.95); R&N instead slip 0.1 to each
    perpendicular side. Rewards on entry (+1 / -1) are a choice made here.

    Parameters
    ----------
    layout : str | list[str]
        Text map (see the module docstring for the characters).
    horizon, gamma :
        Criterion (at most one; default ``horizon = 10``).
    slip : float in [0, 1]
        Probability that the move goes in another direction.
    goal_reward, pit_reward, step_reward : float
        Rewards on entering a goal / a pit, and for every step from a non-terminal cell.
    """
    rows = parse_layout(layout)
    slip = check_prob("slip", slip)
    goal_reward = check_real("goal_reward", goal_reward)
    pit_reward = check_real("pit_reward", pit_reward)
    step_reward = check_real("step_reward", step_reward)
    crit = criterion(horizon, gamma, default_horizon=10)

    n_r, n_c = len(rows), len(rows[0])
    cells = gridworld_cells(rows)
    index = {rc: k for k, rc in enumerate(cells)}
    S, A = len(cells), len(ACTIONS)
    kind = np.array([rows[i][j] for i, j in cells])
    terminal = (kind == "G") | (kind == "P")
    enter = np.where(kind == "G", goal_reward, np.where(kind == "P", pit_reward, 0.0))

    def move(s, d):
        i, j = cells[s]
        ni, nj = i + ACTIONS[d][0], j + ACTIONS[d][1]
        if 0 <= ni < n_r and 0 <= nj < n_c and rows[ni][nj] != "#":
            return index[(ni, nj)]
        return s

    P = np.zeros((S, A, S), dtype=np.float64)
    for s in range(S):
        if terminal[s]:
            P[s, :, s] = 1.0
            continue
        for a in range(A):
            for d in range(A):
                p = 1.0 - slip if d == a else slip / 3.0
                P[s, a, move(s, d)] += p
    R = np.where(terminal[:, None], 0.0, step_reward + P @ enter)
    starts = kind == "S"
    init = starts / starts.sum()
    return TabularMDP(P, R, init=init, name=f"gridworld({n_r}x{n_c})", **crit)
