"""Helpers shared by the environment factories."""
from __future__ import annotations

import numpy as np

from ..models import TabularMDP, SuccessorLists

_NUMBER = (int, float, np.integer, np.floating)


def criterion(horizon, gamma, default_horizon=None, default_gamma=None) -> dict:
    """Keyword arguments for :class:`TabularMDP`: the one the caller gave, else the factory's
    documented default (exactly one of ``default_horizon`` / ``default_gamma``)."""
    if horizon is not None and gamma is not None:
        raise ValueError("give at most one of horizon (finite-horizon) or gamma (discounted), "
                         f"got horizon={horizon!r}, gamma={gamma!r}")
    if horizon is None and gamma is None:
        import warnings
        which = (f"horizon={default_horizon}" if default_horizon is not None
                 else f"gamma={default_gamma}")
        warnings.warn(f"neither horizon= nor gamma= given: using this environment's default "
                      f"{which} (pass it explicitly to make the criterion visible and to "
                      f"silence this warning)", UserWarning, stacklevel=4)
        return {"horizon": default_horizon} if default_horizon is not None else \
            {"gamma": default_gamma}
    return {"horizon": horizon} if horizon is not None else {"gamma": gamma}


def check_int(name: str, value, lo: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(value)


def check_prob(name: str, value, *, open_right: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not (0.0 <= value <= 1.0) or (open_right and value == 1.0):
        rng = "[0, 1)" if open_right else "[0, 1]"
        raise ValueError(f"{name} must be a probability in {rng}, got {value!r}")
    return float(value)


def check_real(name: str, value, *, lo: float | None = None, lo_open: bool = False) -> float:
    """A finite real number, optionally ``>= lo`` (``> lo`` with ``lo_open``)."""
    ok = not isinstance(value, bool) and isinstance(value, _NUMBER) and bool(np.isfinite(value))
    if ok and lo is not None:
        ok = value > lo if lo_open else value >= lo
    if not ok:
        bound = "" if lo is None else f" {'>' if lo_open else '>='} {lo:g}"
        raise ValueError(f"{name} must be a finite number{bound}, got {value!r}")
    return float(value)


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_pmf(name: str, values, tol: float = 1e-9) -> np.ndarray:
    """A probability vector: 1-D, non-empty, finite, non-negative, summing to 1 (to ``tol``).
    Returns a float64 copy renormalised to sum to 1 exactly up to rounding."""
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of probabilities, got {values!r}")
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of probabilities, got {values!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of probabilities, got "
                         f"{values!r}")
    bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}] = {float(arr[i])!r}; {name} must hold finite non-negative "
                         "probabilities")
    tot = float(arr.sum())
    if abs(tot - 1.0) > tol:
        raise ValueError(f"{name} must sum to 1, got sum {tot!r} for {name}={values!r}")
    return arr / tot


def check_storage(storage) -> str:
    if storage not in ("successors", "dense"):
        raise ValueError(f"storage must be 'successors' or 'dense', got {storage!r}")
    return storage


def successor_lists(S: int, A: int, rows, cols, probs, n_stages: int = 1) -> SuccessorLists:
    """Build :class:`SuccessorLists` from transition triples ``(row, s', p)`` where
    ``row = (h * S + s) * A + a``. Duplicate ``(row, s')`` pairs are summed and zero
    probabilities dropped; every row must end up with at least one successor."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    keep = probs > 0
    rows, cols, probs = rows[keep], cols[keep], probs[keep]
    keys, inv = np.unique(rows * S + cols, return_inverse=True)
    p = np.bincount(inv.reshape(-1), weights=probs, minlength=keys.size)
    r, c = np.divmod(keys, S)
    n_rows = n_stages * S * A
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
    return SuccessorLists(indptr, c, p, S, A, n_stages)


__all__ = ["criterion", "check_int", "check_prob", "check_real", "check_bool", "check_pmf",
           "check_storage", "successor_lists", "TabularMDP"]
