"""Robust value iteration as a planner: ``V_{t+1} = T V_t`` with the robust Bellman operator
``(T V)(s) = max_pi min_{p in P_s} sum_a pi(a|s) sum_s' p(s'|s,a) (r + gamma V(s'))``.

The iterate is ``V_t`` with its greedy (saddle-point) policy ``pi_t``; the objective is the
exact robust value of ``pi_t`` (robust policy evaluation certified to 1e-12) and the
Bellman residual ``||T V_t - V_t||_inf``; the optimum is certified robust VI at tol 1e-10
(:func:`mdpsim.robust.robust_value_iteration`, whose kernels this planner's steps use).
Rewards (mdpsim's semantics): the gap is ``value* - value(pi_t) >= 0``. Source: Iyengar,
"Robust dynamic programming", Math. Oper. Res. 2005; Nilim & El Ghaoui, Oper. Res. 2005.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._planner import Acceptance, Planner, register_planner
from ._registry import HyperParameter

__all__ = ["RobustVIPlanner", "RobustVIIterate"]


class RobustVIIterate(NamedTuple):
    """``V[S]`` (the value iterate), ``TV[S]`` (its backup), ``pi[S, A]`` (greedy at ``V``)."""

    V: np.ndarray
    TV: np.ndarray
    pi: np.ndarray


def _rm(model):
    from ..models.robust import RobustMDP
    rm = model if isinstance(model, RobustMDP) else getattr(model, "rmdp", None)
    if not isinstance(rm, RobustMDP) or rm.finite_horizon:
        raise ValueError(f"robust_vi runs on a discounted RobustMDP or a DRPG instance, got "
                         f"{type(model).__name__}")
    return rm


@register_planner
class RobustVIPlanner(Planner):
    name = "robust_vi"
    paper = ("G. N. Iyengar, Robust dynamic programming, Math. Oper. Res. 30(2), 2005; "
             "A. Nilim, L. El Ghaoui, Robust control of Markov decision processes with "
             "uncertain transition matrices, Oper. Res. 53(5), 2005")
    summary = "robust value iteration from V = 0; objective: robust value of the greedy policy"
    iterations = "T"
    objective_key, optimum_key, sense = "value", "value_star", "max"
    acceptance = Acceptance("rel_gap", 1e-6, "last", "greedy policy robust-optimal to 1e-6")

    def hyperparameters(self, model, preset="default"):
        h = HyperParameter("T", 200, int, "proposed", "robust Bellman backups",
                           valid=lambda v: v > 0, expected="> 0")
        return {"T": h}

    def _backup(self, rm, V):
        from ..robust.planning import robust_bellman
        TV, pi, _ = robust_bellman(rm, V)
        return RobustVIIterate(V, TV, pi)

    def init(self, model, hp):
        return self._backup(_rm(model), np.zeros(_rm(model).S))

    def step(self, model, hp, iterate, t):
        return self._backup(_rm(model), iterate.TV)

    def objective(self, model, it):
        from ..robust.planning import robust_evaluate
        rm = _rm(model)
        ev = robust_evaluate(rm, it.pi, tol=1e-12)
        return {"value": ev.value, "bellman_residual": float(np.max(np.abs(it.TV - it.V)))}

    def optimum(self, model):
        from ..robust.planning import robust_value_iteration
        sol = robust_value_iteration(_rm(model), tol=1e-10)
        return {"value_star": sol.value}
