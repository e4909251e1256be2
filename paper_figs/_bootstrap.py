"""Two-sample percentile bootstrap shared by the figure scripts (reads nothing, draws nothing
but from the generator it is given)."""
from __future__ import annotations

import numpy as np


def two_sample_interval(stat, n_a: int, n_b: int, rng, *, n_boot: int = 2000,
                        quantiles=(0.025, 0.975), min_finite: float = 0.95):
    """``(lo, hi, finite)``: the percentile interval (default 95 %) of ``stat(i, j)`` over ``n_boot``
    resamples, ``i`` of ``range(n_a)`` and ``j`` of ``range(n_b)`` drawn with replacement
    from ``rng`` (``i`` first, then ``j``, in each round), and the fraction of resamples where
    ``stat`` is finite. The interval is over the finite values, and NaN unless more than
    ``min_finite`` of them are (a crossing point that most resamples do not have has no
    interval)."""
    boots = np.array([stat(rng.integers(n_a, size=n_a), rng.integers(n_b, size=n_b))
                      for _ in range(n_boot)])
    ok = np.isfinite(boots)
    lo, hi = (np.quantile(boots[ok], list(quantiles)) if ok.mean() > min_finite
              else (np.nan, np.nan))
    return lo, hi, ok.mean()
