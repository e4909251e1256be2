r"""Single-item inventory control with lost sales.

State: stock on hand ``s in {0..C}`` (``C = capacity``). Action: order quantity
``a in {0..max_order}``, delivered at once; units beyond the capacity are discarded (but
paid for). Then a demand ``D ~ demand`` (a pmf on ``{0..len(demand)-1}``) is served from
the stock ``y = min(s + a, C)``; unmet demand is lost:

.. math::  s' = (y - D)^+,\qquad
           R(s, a) = \text{price}\; \mathbb E[\min(y, D)]
                     - \text{fixed\_cost}\,\mathbb 1[a > 0] - \text{order\_cost}\cdot a
                     - \text{holding\_cost}\; \mathbb E[(y - D)^+].
"""
from __future__ import annotations

import numpy as np

from ._common import TabularMDP, criterion, check_int, check_real, check_pmf
from ._registry import register

__all__ = ["inventory"]


@register("inventory")
def inventory(capacity: int = 7, max_order: int = 2, *, demand=(0.2, 0.3, 0.3, 0.2),
              price: float = 1.0, order_cost: float = 0.5, holding_cost: float = 0.1,
              fixed_cost: float = 0.0, horizon: int | None = None,
              gamma: float | None = None) -> TabularMDP:
    """Lost-sales inventory model with ``S = capacity + 1`` stock levels and
    ``A = max_order + 1`` order quantities (defaults: ``S = 8``, ``A = 3``).

    See the module docstring for the maths. Per period: order ``a`` (instant delivery,
    stock capped at ``capacity``, the whole order paid), then demand ``D`` with pmf
    ``demand`` (default 0 / 1 / 2 / 3 units w.p. 0.2 / 0.3 / 0.3 / 0.2, mean 1.5), sales
    ``min(y, D)`` at ``price``, unmet demand lost, ``holding_cost`` per unit left at the end
    of the period, ``order_cost`` per unit ordered plus ``fixed_cost`` per order placed.
    Money is in units of the sale price (``price = 1``). Initial state: empty stock.
    Default criterion ``gamma = 0.95``.

    Source and provenance: **[P]** a structured inventory model chosen for mdpsim. Its sizes
    ``S = 8, A = 3, gamma = 0.95`` match the DRPG "inventory" instance, but that instance is
    a random MDP (see the robust module), not this model; all prices, costs and the demand
    pmf are choices made here.

    Parameters
    ----------
    capacity : int >= 1
        Maximum stock ``C``.
    max_order : int >= 0
        Largest order quantity.
    demand : sequence of probabilities
        ``demand[k]`` = probability of a demand of ``k`` units.
    price, order_cost, holding_cost, fixed_cost : float >= 0
        Unit sale price, unit ordering cost, unit holding cost (end-of-period stock), fixed
        cost per non-zero order.
    horizon, gamma :
        Criterion (at most one; default ``gamma = 0.95``).
    """
    C = check_int("capacity", capacity)
    max_order = check_int("max_order", max_order, lo=0)
    pd = check_pmf("demand", demand)
    price = check_real("price", price, lo=0.0)
    order_cost = check_real("order_cost", order_cost, lo=0.0)
    holding_cost = check_real("holding_cost", holding_cost, lo=0.0)
    fixed_cost = check_real("fixed_cost", fixed_cost, lo=0.0)
    crit = criterion(horizon, gamma, default_gamma=0.95)
    S, A = C + 1, max_order + 1
    D = np.arange(pd.size)
    P = np.zeros((S, A, S), dtype=np.float64)
    R = np.zeros((S, A), dtype=np.float64)
    for s in range(S):
        for a in range(A):
            y = min(s + a, C)
            left = np.maximum(y - D, 0)
            np.add.at(P[s, a], left, pd)
            sales = pd @ np.minimum(y, D)
            R[s, a] = (price * sales - fixed_cost * (a > 0) - order_cost * a
                       - holding_cost * (pd @ left))
    return TabularMDP(P, R, name=f"inventory(capacity={C},max_order={max_order})", **crit)
