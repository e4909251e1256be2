"""Frozen model data: :class:`TabularMDP` (and its successor-list storage), :class:`LinearMDP`
and :class:`RobustMDP`."""
from .tabular import TabularMDP, SuccessorLists, ROW_SUM_TOL
from .linear import LinearMDP, LinearFit, fit_linear
from .robust import RobustMDP  # nominal model + rectangular uncertainty set
from .robust_linear import DRectLinearMDP  # linear MDP + d-rectangular set

__all__ = ["TabularMDP", "SuccessorLists", "LinearMDP", "LinearFit", "fit_linear",
           "DRectLinearMDP", "ROW_SUM_TOL"]
