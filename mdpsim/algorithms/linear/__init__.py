"""Algorithms for linear MDPs (:class:`~mdpsim.models.LinearMDP`).

For now the compiled LSVI-UCB kernels (:mod:`mdpsim.algorithms.linear.lsvi_ucb_kernels`),
standalone functions over explicit arrays; nothing here is registered as an engine learner
yet, and this package imports nothing from the algorithm registry.
"""
from .lsvi_ucb_kernels import (lsvi_ucb_beta, lsvi_ucb_state, sherman_morrison,
                               lsvi_ucb_observe, lsvi_ucb_plan, greedy_action, greedy_policy)

__all__ = ["lsvi_ucb_beta", "lsvi_ucb_state", "sherman_morrison", "lsvi_ucb_observe",
           "lsvi_ucb_plan", "greedy_action", "greedy_policy"]
