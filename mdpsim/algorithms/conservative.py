"""Conservative exploration under episode-wise constraints (Li, Huang, Shen, Yang, ICML 2023,
arXiv:2306.06265): StepMix, EpsMix, and the comparators (budget-based conservative UCBVI,
the baseline alone). The baseline construction and the offline data source are side
information, built on the engine side (:mod:`mdpsim.engine.side`).

Importing this module registers the four learners. See :mod:`mdpsim.algorithms.stepmix`,
:mod:`~mdpsim.algorithms.epsmix`, :mod:`~mdpsim.algorithms.budget`,
:mod:`~mdpsim.algorithms.baseline` and the shared
kernels in :mod:`~mdpsim.algorithms._conservative` (which parts are reconstructions).
"""
from .stepmix import StepMix
from .epsmix import EpsMix
from .budget import BudgetUCBVI
from .baseline import BaselinePolicy

__all__ = ["StepMix", "EpsMix", "BudgetUCBVI", "BaselinePolicy"]
