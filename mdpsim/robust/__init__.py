"""Robust MDPs: uncertainty sets, exact robust Bellman kernels, robust VI and evaluation.

* :class:`RobustMDP` (:mod:`mdpsim.models.robust`) — nominal model + rectangular set
  (``l1``, ``tv``, ``linf``, ``l2``, ``chi2``, ``kl``; ``rect="sa"`` or ``"s"``).
* :func:`robust_value_iteration`, :func:`robust_solve`, :func:`robust_evaluate`,
  :func:`robust_bellman`, :func:`worst_case_kernel` (:mod:`mdpsim.robust.planning`).
* d-rectangular robust linear MDPs: :class:`DRectLinearMDP`
  (:mod:`mdpsim.models.robust_linear`), exact robust(-regularised) backward induction and
  evaluation :func:`drect_solve`, :func:`drect_evaluate` (:mod:`mdpsim.robust.linear`).
* DRPG instances (:mod:`mdpsim.envs.robust_instances`, registered environments): the Garnet RMDPs and the parametric
  "inventory" instance of Wang, Ho & Petrik (ICML 2023).
* The DRPG algorithm itself lives in :mod:`mdpsim.algorithms.drpg`.
* LP / cvxpy oracles for the tests and checks: ``proofs_checks/_lp_oracles.py`` (outside the
  package).
"""
from ..models.robust import RobustMDP, SET_KINDS, RECTANGULARITIES
from .planning import (RobustSolution, RobustEvaluation, robust_value_iteration, robust_solve,
                       robust_evaluate, robust_bellman, worst_case_kernel, entries_to_dense)
from .linear import (DRectSolution, DRectEvaluation, drect_solve, drect_evaluate,
                     tv_factor_worst, tv_factor_dual)
from ..models.robust_linear import DRectLinearMDP
from .instances import drpg_garnet, DRPGInstance, drpg_inventory, ParametricInstance

__all__ = ["RobustMDP", "SET_KINDS", "RECTANGULARITIES", "RobustSolution", "RobustEvaluation",
           "robust_value_iteration", "robust_solve", "robust_evaluate", "robust_bellman",
           "worst_case_kernel", "entries_to_dense", "drpg_garnet", "DRPGInstance",
           "drpg_inventory", "ParametricInstance", "DRectLinearMDP", "DRectSolution",
           "DRectEvaluation", "drect_solve", "drect_evaluate", "tv_factor_worst",
           "tv_factor_dual"]
