r"""Sample complexity from exact per-episode values: ε-mistakes and the settling episode, and
the fit of their dependence on ε.

For one seed with exact values ``v_k = V^{π_k}_1`` of the policies played in episodes
``k = 1..K`` and ``V*_1``:

* the number of **ε-mistakes** is ``M(ε) = #{k <= K : V*_1 - v_k > ε}`` (the episodes whose
  policy is more than ε below optimal);
* the **settling episode** is ``K_ε = 1 + max{k : V*_1 - v_k > ε}`` (``1`` if there is no
  mistake): from ``K_ε`` on every played policy is ε-optimal. If the last episode is itself a
  mistake the run has not settled; ``K_ε`` is then censored (``censored = True``, ``K_ε =
  K + 1``).

Both are exact — the values are computed by dynamic programming on the true model, and every
episode is counted, not only recorded ones. Two sources, the same numbers: the engine counts
them inside its episode loop (``mdpsim.run(..., eps_grid=[...])`` adds the columns
``eps_mistakes@<ε>`` and ``eps_settle@<ε>``, exact whatever ``eval_every``), or they are
counted here from a table recorded at every episode (``eval_every="every"``; a table that
skips episodes is rejected). A claim
"the sample complexity scales like ε^-p" is checked as regret slopes are: the least-squares
slope of ``log mean M(ε)`` (or ``log mean K_ε``) on ``log ε`` over a grid of ε, with a
percentile bootstrap interval over seeds (:func:`fit_eps_exponent`); accept by a bound on the
slope (``>= -p`` for an upper bound ``O(ε^-p)``: :func:`mdpsim.theory.acceptance.eps_rule`).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .fit import _slopes, boot_slope_interval

__all__ = ["eps_mistakes", "engine_eps_grid", "EpsFit", "fit_eps_exponent", "fit_eps"]

_MIST, _SETTLE = "eps_mistakes@", "eps_settle@"


def engine_eps_grid(df: pd.DataFrame) -> list:
    """The ε of the engine's sample-complexity columns in ``df`` (``eps_mistakes@<ε>`` with
    its ``eps_settle@<ε>``), increasing; ``[]`` when it has none."""
    out = []
    for c in df.columns:
        if isinstance(c, str) and c.startswith(_MIST) and \
                _SETTLE + c[len(_MIST):] in df.columns:
            out.append(float(c[len(_MIST):]))
    return sorted(out)


def eps_mistakes(df: pd.DataFrame, eps_grid=None, *, by=("seed",)) -> pd.DataFrame:
    """ε-mistake counts and settling episodes per group (default: per seed) and ε.

    ``df``: a table of :func:`mdpsim.run` with columns ``episode`` and the ``by`` columns.
    Where it holds the engine's columns for every ε asked (``mdpsim.run(...,
    eps_grid=...)``), they are read at each group's last recorded episode (exact over all
    episodes, any ``eval_every``); otherwise the mistakes are counted from ``value`` and
    ``optimal_value``, which must be recorded at **every** episode (``eval_every="every"``).
    ``eps_grid``: positive numbers (default: the engine columns' grid). Returns one row per
    group × ε with ``eps, mistakes, settle_episode, censored, episodes`` (K)."""
    if eps_grid is None:
        eps_grid = engine_eps_grid(df)
        if not eps_grid:
            raise ValueError("df has no sample-complexity columns (run with eps_grid=[...]); "
                             "pass eps_grid to count from per-episode values")
    eps = np.asarray(eps_grid, dtype=np.float64).ravel()
    if eps.size == 0 or np.any(~np.isfinite(eps)) or np.any(eps <= 0):
        raise ValueError(f"eps_grid must hold positive finite numbers, got {eps_grid!r}")
    by = list(by)
    names = [(f"{_MIST}{float(e)!r}", f"{_SETTLE}{float(e)!r}") for e in eps]
    if all(m in df.columns and s in df.columns for m, s in names):
        return _from_engine(df, eps, names, by)
    missing = [c for c in ["episode", "value", "optimal_value", *by] if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks the column(s) {missing}; pass a table of mdpsim.run")
    rows = []
    for key, g in df.groupby(by, sort=True, observed=True):
        g = g.sort_values("episode")
        k = g["episode"].to_numpy(dtype=np.int64)
        K = int(k[-1])
        if k.size != K or k[0] != 1 or np.any(np.diff(k) != 1):
            raise ValueError(f"group {dict(zip(by, np.atleast_1d(key)))}: episodes are not "
                             f"1..{K} (recorded {k.size} of them); ε-mistakes need the value "
                             f"of every episode: run with eps_grid=[...] (counted in the "
                             f"engine) or eval_every='every'")
        gap = g["optimal_value"].to_numpy(np.float64) - g["value"].to_numpy(np.float64)
        mist = gap[None, :] > eps[:, None]                    # [n_eps, K]
        count = mist.sum(axis=1)
        last = np.where(count > 0, K - np.argmax(mist[:, ::-1], axis=1), 0)
        for e, c, l in zip(eps, count, last):
            rows.append({**dict(zip(by, np.atleast_1d(key))), "eps": float(e),
                         "mistakes": int(c), "settle_episode": int(l) + 1,
                         "censored": bool(l == K), "episodes": K})
    return pd.DataFrame(rows)


def _from_engine(df, eps, names, by) -> pd.DataFrame:
    """The engine's counts at each group's last recorded episode."""
    missing = [c for c in ["episode", *by] if c not in df.columns]
    if missing:
        raise ValueError(f"df lacks the column(s) {missing}; pass a table of mdpsim.run")
    rows = []
    for key, g in df.groupby(by, sort=True, observed=True):
        last = g.loc[g["episode"].idxmax()]
        K = int(last["episode"])
        for e, (m, s) in zip(eps, names):
            settle = int(last[s])
            rows.append({**dict(zip(by, np.atleast_1d(key))), "eps": float(e),
                         "mistakes": int(last[m]), "settle_episode": settle,
                         "censored": bool(settle == K + 1), "episodes": K})
    return pd.DataFrame(rows)


class EpsFit(NamedTuple):
    exponent: float     # slope of log mean(metric) on log eps
    lo: float           # percentile bootstrap interval over seeds (level)
    hi: float
    intercept: float
    n_eps: int          # grid points used (mean metric > 0)
    n_seeds: int
    level: float


def fit_eps_exponent(eps, values, *, level: float = 0.95, n_boot: int = 2000,
                     rng=0) -> EpsFit:
    """Fit ``log mean(values) = a + b log ε``; bootstrap interval over seeds.

    ``eps: float[m]`` (the grid), ``values: float[n_seeds, m]`` (e.g. the ``mistakes`` or
    ``settle_episode`` of :func:`eps_mistakes` pivoted to seeds × ε). Grid points whose mean
    is 0 are left out (no logarithm); at least 3 must remain. ``K_ε ∝ ε^-2`` shows as
    ``b ≈ -2``."""
    e = np.asarray(eps, dtype=np.float64)
    Y = np.asarray(values, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[None]
    if e.ndim != 1 or Y.shape[-1] != e.size:
        raise ValueError(f"values must have shape [n_seeds, len(eps)] = [n, {e.size}], got "
                         f"{np.shape(values)}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    keep = Y.mean(axis=0) > 0
    if keep.sum() < 3:
        raise ValueError(f"need at least 3 grid points with a positive mean, got "
                         f"{int(keep.sum())}")
    x, Yk = np.log(e[keep]), Y[:, keep]
    logm = np.log(Yk.mean(axis=0))
    b = float(_slopes(x, logm[None])[0])
    a = float(logm.mean() - b * x.mean())
    lo, hi = boot_slope_interval(x, Yk, level=level, n_boot=n_boot, rng=rng)
    return EpsFit(b, lo, hi, a, int(keep.sum()), int(Y.shape[0]), float(level))


def fit_eps(table: pd.DataFrame, metric: str = "settle_episode", *, seed: str = "seed",
            level: float = 0.95, n_boot: int = 2000, rng=0) -> EpsFit:
    """:func:`fit_eps_exponent` on a table of :func:`eps_mistakes` (one row per seed × ε):
    ``metric`` is ``"settle_episode"`` (K_ε) or ``"mistakes"`` (M(ε)). For K_ε, grid points
    where some seed has not settled (``censored``: K_ε is only known to exceed K) are left
    out, since their value is the run length, not the settling episode."""
    if metric not in ("settle_episode", "mistakes"):
        raise ValueError(f"metric must be 'settle_episode' or 'mistakes', got {metric!r}")
    t = table
    if metric == "settle_episode":
        cens = t.groupby("eps")["censored"].any()
        t = t[~t["eps"].isin(cens.index[cens.to_numpy()])]
    Y = t.pivot(index=seed, columns="eps", values=metric).sort_index(axis=1)
    if Y.isna().to_numpy().any():
        raise ValueError("the table must have one row per seed and eps")
    return fit_eps_exponent(Y.columns.to_numpy(np.float64), Y.to_numpy(np.float64),
                            level=level, n_boot=n_boot, rng=rng)
