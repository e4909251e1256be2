"""Garnet G(S, A, b): random MDPs with b successors per state-action pair."""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..models import TabularMDP, SuccessorLists
from ._common import criterion, check_int
from ._registry import register

__all__ = ["garnet", "garnet_successors"]


def garnet_successors(S: int, A: int, b: int, rng, n_stages: int = 1) -> SuccessorLists:
    """For each of the ``n_stages * S * A`` rows: ``b`` distinct next states drawn uniformly
    without replacement, with weights ``U(0, 1)`` normalised to sum to 1 (sorted indices)."""
    rows = n_stages * S * A
    if S <= 4 * b or S <= 64:
        idx = np.argsort(rng.random((rows, S)), axis=1)[:, :b]
    else:  # draw with replacement, redraw the (rare) rows that repeat a state
        idx = rng.integers(0, S, size=(rows, b))
        while True:
            srt = np.sort(idx, axis=1)
            dup = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))
            if dup.size == 0:
                break
            idx[dup] = rng.integers(0, S, size=(dup.size, b))
    idx = np.sort(idx, axis=1)
    w = rng.random((rows, b))
    w /= w.sum(axis=1, keepdims=True)
    indptr = np.arange(rows + 1, dtype=np.int64) * b
    return SuccessorLists(indptr, idx.reshape(-1), w.reshape(-1), S, A, n_stages)


@register("garnet")
def garnet(S: int = 20, A: int = 4, b: int = 5, *, horizon: int | None = None,
           gamma: float | None = None, rng=0, storage: str = "successors",
           stage_dependent: bool = False) -> TabularMDP:
    """Garnet G(S, A, b) (Archibald, McKinnon, Thomas 1995; "generalized average reward
    non-stationary environment test-bench").

    Each (s, a) reaches ``b`` distinct next states chosen uniformly at random, with
    probabilities from ``U(0, 1)`` weights normalised (the DRPG code draws ``U(0, 5)`` weights
    and normalises: the same distribution). Mean rewards ``R[s, a] ~ U(0, 1)``. Initial state 0.
    [P] standard choices; the DRPG cost instances are built in the robust module.

    Parameters: ``S, A, b`` sizes (1 <= b <= S); ``horizon`` or ``gamma`` (default
    ``gamma = 0.95``); ``rng`` seed/Generator; ``storage`` ``"successors"`` (default, O(SAb)
    memory) or ``"dense"``; ``stage_dependent`` draws a fresh P and R per stage (finite
    horizon only).
    """
    S, A, b = check_int("S", S), check_int("A", A), check_int("b", b)
    if b > S:
        raise ValueError(f"b must be <= S (b distinct successors among S states), got b={b}, "
                         f"S={S}")
    if storage not in ("successors", "dense"):
        raise ValueError(f"storage must be 'successors' or 'dense', got {storage!r}")
    crit = criterion(horizon, gamma, default_gamma=0.95)
    g = as_generator(rng)
    n = crit.get("horizon", 1) if stage_dependent else 1
    if stage_dependent and "horizon" not in crit:
        raise ValueError("stage_dependent=True needs a finite horizon")
    L = garnet_successors(S, A, b, g, n)
    R = g.random((n, S, A) if n > 1 else (S, A))
    P = L if storage == "successors" else L.to_dense()
    return TabularMDP(P, R, name=f"garnet(S={S},A={A},b={b})", **crit)
