"""Frozen model data: :class:`TabularMDP` (and its successor-list storage), :class:`LinearMDP`
and :class:`RobustMDP`."""
from .tabular import TabularMDP, SuccessorLists, ROW_SUM_TOL
from .linear import LinearMDP, LinearFit, fit_linear
from .robust import RobustMDP  # nominal model + rectangular uncertainty set
from .formats import from_quantecon, to_quantecon, from_mdptoolbox, to_mdptoolbox
from .robust_linear import DRectLinearMDP  # linear MDP + d-rectangular set

__all__ = ["TabularMDP", "SuccessorLists", "LinearMDP", "LinearFit", "fit_linear",
           "DRectLinearMDP", "ROW_SUM_TOL", "from_quantecon", "to_quantecon", "from_mdptoolbox",
           "to_mdptoolbox"]
