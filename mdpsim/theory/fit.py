r"""Log–log slope of a regret curve with a bootstrap-over-seeds confidence interval.

For cumulative regret ``Reg_i(k)`` of seeds ``i = 1..n`` recorded at episodes ``k``, the
fitted exponent is the least-squares slope ``b`` of

.. math::  \log \overline{Reg}(k) = a + b \log k,\qquad
           \overline{Reg}(k) = \tfrac1n \textstyle\sum_i Reg_i(k),

over the episodes of a window (default: the last decade, ``[K/10, K]``; see
:mod:`mdpsim.theory.windows`). The interval is the percentile bootstrap over seeds: resample
the n seeds with replacement, refit on the resampled mean curve. A curve recorded at every
episode is thinned to ``n_grid`` log-spaced episodes first, so that each part of the window
weighs the same on the log axis (the fit is then the same whether the run recorded every
episode or log-spaced checkpoints).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._rng import as_generator
from .windows import fit_window

__all__ = ["SlopeFit", "fit_slope"]


class SlopeFit(NamedTuple):
    slope: float        # least-squares slope of log mean regret on log k
    lo: float           # bootstrap percentile interval (level)
    hi: float
    intercept: float    # a in log Reg = a + b log k (natural logs)
    k_lo: int           # fit window (episodes, inclusive)
    k_hi: int
    n_points: int       # episodes used in the fit
    n_seeds: int
    level: float


def _slopes(x: np.ndarray, logY: np.ndarray) -> np.ndarray:
    """OLS slopes of each row of ``logY`` on ``x``."""
    xc = x - x.mean()
    return (logY - logY.mean(axis=-1, keepdims=True)) @ xc / (xc @ xc)


def fit_slope(episodes, regret, *, window="last_decade", level: float = 0.95,
              n_boot: int = 2000, rng=0, n_grid: int = 50) -> SlopeFit:
    """Fit ``log mean-regret = a + b log k`` on a window; bootstrap CI over seeds.

    ``episodes: int[m]`` (increasing, 1-based), ``regret: float[n_seeds, m]`` (one row per
    seed; a 1-D curve counts as one seed and gets no interval). ``window``: a rule of
    :func:`mdpsim.theory.windows.fit_window` (``"last_decade"``, ``"last_decades"``,
    ``"last_fraction"``, ``"all"``) or ``(k_lo, k_hi)``. Raises ``ValueError`` when the mean
    regret is not positive inside the window (no logarithm) or the window holds fewer than 5
    episodes.
    """
    k = np.asarray(episodes, dtype=np.float64)
    Y = np.asarray(regret, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[None]
    if k.ndim != 1 or Y.ndim != 2 or Y.shape[1] != k.shape[0]:
        raise ValueError(f"regret must have shape [n_seeds, len(episodes)] = [n, {k.shape[0]}],"
                         f" got {np.shape(regret)}")
    if np.any(np.diff(k) <= 0) or (k.size and k[0] < 1):
        raise ValueError("episodes must be strictly increasing positive episode numbers")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    lo_k, hi_k = fit_window(k.astype(np.int64), window)
    idx = np.flatnonzero((k >= lo_k) & (k <= hi_k))
    if idx.size > n_grid:  # thin to log-spaced episodes (nearest recorded, unique)
        targets = np.geomspace(k[idx[0]], k[idx[-1]], n_grid)
        pos = np.clip(np.searchsorted(k[idx], targets), 1, idx.size - 1)
        left = k[idx][pos - 1]
        right = k[idx][pos]
        pick = np.where(np.abs(np.log(targets / left)) <= np.abs(np.log(right / targets)),
                        pos - 1, pos)
        idx = idx[np.unique(pick)]
    x = np.log(k[idx])
    Yw = Y[:, idx]
    mean = Yw.mean(axis=0)
    if np.any(~np.isfinite(mean)) or np.any(mean <= 0):
        j = int(np.flatnonzero(~(mean > 0))[0])
        raise ValueError(f"mean regret must be positive in the fit window; at episode "
                         f"{int(k[idx][j])} it is {mean[j]!r}")
    logm = np.log(mean)
    b = float(_slopes(x, logm[None])[0])
    a = float(logm.mean() - b * x.mean())
    n = Y.shape[0]
    lo, hi = boot_slope_interval(x, Yw, level=level, n_boot=n_boot, rng=rng)
    return SlopeFit(b, lo, hi, a, int(lo_k), int(hi_k), int(idx.size), int(n), float(level))


def boot_slope_interval(x, Y, *, level: float, n_boot: int, rng) -> tuple[float, float]:
    """Percentile bootstrap interval over seeds of the slope of ``log mean(Y)`` on ``x``:
    resample the rows (seeds) of ``Y: float[n, m]`` with replacement ``n_boot`` times and
    refit on the resampled mean. ``(nan, nan)`` for one seed or ``n_boot = 0``."""
    n = Y.shape[0]
    if n <= 1 or n_boot <= 0:
        return float("nan"), float("nan")
    g = as_generator(rng)
    draws = g.integers(0, n, size=(n_boot, n))
    # mean over resampled seeds: counts @ Y / n (no [n_boot, n, m] temporary)
    counts = np.zeros((n_boot, n))
    np.add.at(counts, (np.repeat(np.arange(n_boot), n), draws.ravel()), 1.0)
    boot = counts @ Y / n
    ok = np.all(boot > 0, axis=1)
    bs = _slopes(x, np.log(boot[ok]))
    alpha = (1.0 - level) / 2.0
    lo, hi = np.quantile(bs, [alpha, 1.0 - alpha])
    return float(lo), float(hi)
