"""Frozen model data: :class:`TabularMDP` and its successor-list storage."""
from .tabular import TabularMDP, SuccessorLists, ROW_SUM_TOL
from .robust import RobustMDP  # nominal model + rectangular uncertainty set

__all__ = ["TabularMDP", "SuccessorLists", "ROW_SUM_TOL"]
