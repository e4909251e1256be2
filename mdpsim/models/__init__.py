"""Frozen model data: :class:`TabularMDP` (and its successor-list storage), :class:`LinearMDP`
and :class:`RobustMDP`."""
from .tabular import TabularMDP, SuccessorLists, ROW_SUM_TOL
from .linear import LinearMDP
from .robust import RobustMDP  # nominal model + rectangular uncertainty set

__all__ = ["TabularMDP", "SuccessorLists", "LinearMDP", "ROW_SUM_TOL"]
