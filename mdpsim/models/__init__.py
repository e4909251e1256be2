"""Frozen model data: :class:`TabularMDP` and its successor-list storage."""
from .tabular import TabularMDP, SuccessorLists, ROW_SUM_TOL

__all__ = ["TabularMDP", "SuccessorLists", "ROW_SUM_TOL"]
