"""Fit windows: which episodes a log–log slope is fitted on.

Rules from ``docs/papers/metrics_and_acceptance.md`` §2 [P]: fit the regret over the
**last 1–1.5 decades** of episodes (MEX: the last decade), and for conservative methods —
whose early episodes are nearly linear baseline play — over the **last 50–70 %** of
episodes. A window is a pair ``(k_lo, k_hi)`` of episode numbers, inclusive.
"""
from __future__ import annotations

import numpy as np

__all__ = ["fit_window", "in_window", "WINDOW_RULES", "describe_window"]

WINDOW_RULES = ("last_decade", "last_decades", "last_fraction", "all")


def fit_window(episodes, rule="last_decade", *, decades: float = 1.0,
               fraction: float = 0.6, min_points: int = 5) -> tuple[int, int]:
    """``(k_lo, k_hi)`` for the recorded ``episodes`` (any order, repeats allowed).

    ``rule``: ``"last_decade"`` (``[K / 10, K]``), ``"last_decades"`` (``[K / 10**decades,
    K]``), ``"last_fraction"`` (the last ``fraction`` of episodes, ``[(1 - fraction) K,
    K]``), ``"all"``, or an explicit ``(k_lo, k_hi)``. The window is clipped to the recorded
    range and must hold at least ``min_points`` distinct recorded episodes (``ValueError``
    otherwise, saying how many it has)."""
    e = np.unique(np.asarray(episodes, dtype=np.int64))
    if e.size == 0:
        raise ValueError("no recorded episodes to fit on")
    K, first = int(e[-1]), int(e[0])
    if isinstance(rule, (tuple, list)) and len(rule) == 2:
        lo, hi = float(rule[0]), float(rule[1])
        if not (0 < lo < hi):
            raise ValueError(f"window (k_lo, k_hi) must have 0 < k_lo < k_hi, got {rule!r}")
    elif rule == "last_decade":
        lo, hi = K / 10.0, K
    elif rule == "last_decades":
        if not decades > 0:
            raise ValueError(f"decades must be positive, got {decades!r}")
        lo, hi = K / 10.0 ** decades, K
    elif rule == "last_fraction":
        if not 0 < fraction <= 1:
            raise ValueError(f"fraction must be in (0, 1], got {fraction!r}")
        lo, hi = (1.0 - fraction) * K, K
    elif rule == "all":
        lo, hi = first, K
    else:
        raise ValueError(f"window rule must be one of {', '.join(WINDOW_RULES)} or (k_lo, "
                         f"k_hi), got {rule!r}")
    lo, hi = max(int(np.ceil(lo)), first, 1), min(int(np.floor(hi)), K)
    n = int(np.count_nonzero((e >= lo) & (e <= hi)))
    if n < min_points:
        raise ValueError(f"fit window [{lo}, {hi}] holds {n} recorded episodes, fewer than "
                         f"{min_points}; record more episodes there (eval_every) or widen "
                         f"the window")
    return lo, hi


def in_window(episodes, window) -> np.ndarray:
    """Boolean mask of ``episodes`` inside ``window = (k_lo, k_hi)``."""
    e = np.asarray(episodes)
    return (e >= window[0]) & (e <= window[1])


def describe_window(window) -> str:
    lo, hi = window
    return f"K in [{lo:,}, {hi:,}] ({np.log10(hi / lo):.2g} decades)"
