"""Helpers shared by the environment factories."""
from __future__ import annotations

import numpy as np

from ..models import TabularMDP


def criterion(horizon, gamma, default_horizon=None, default_gamma=None) -> dict:
    """Keyword arguments for :class:`TabularMDP`: the one the caller gave, else the factory's
    documented default (exactly one of ``default_horizon`` / ``default_gamma``)."""
    if horizon is not None and gamma is not None:
        raise ValueError("give at most one of horizon (finite-horizon) or gamma (discounted), "
                         f"got horizon={horizon!r}, gamma={gamma!r}")
    if horizon is None and gamma is None:
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


__all__ = ["criterion", "check_int", "check_prob", "TabularMDP"]
