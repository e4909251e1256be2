"""Algorithms for linear MDPs (:class:`~mdpsim.models.LinearMDP`).

The compiled LSVI-UCB kernels (:mod:`mdpsim.algorithms.linear.lsvi_ucb_kernels`, standalone
functions over explicit arrays) and the registered learners over them: ``lsvi_ucb``
(:mod:`~mdpsim.algorithms.linear.lsvi_ucb`), the same on the engine's lazy-policy contract,
``lsvi_ucb_lazy`` (:mod:`~mdpsim.algorithms.linear.lsvi_ucb_lazy`: the learner's work per
episode does not grow with S), and ``lsvi_greedy`` (β = 0,
:mod:`~mdpsim.algorithms.linear.lsvi_greedy`) and ``oppo_linear`` (OPPO-style policy optimisation, a
reconstruction, :mod:`~mdpsim.algorithms.linear.oppo`), discovered with the rest of
:mod:`mdpsim.algorithms`. They need the linear setting's features
(``mdpsim.run("lsvi_ucb", linear_mdp, ...)``).
"""
from .lsvi_ucb_kernels import (lsvi_ucb_beta, lsvi_ucb_state, sherman_morrison,
                               lsvi_ucb_observe, lsvi_ucb_plan, greedy_action, greedy_policy)

__all__ = ["lsvi_ucb_beta", "lsvi_ucb_state", "sherman_morrison", "lsvi_ucb_observe",
           "lsvi_ucb_plan", "greedy_action", "greedy_policy"]
