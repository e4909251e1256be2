"""Conservative exploration under episode-wise constraints (Li, Huang, Shen, Yang, ICML 2023,
arXiv:2306.06265): StepMix, EpsMix, and the comparators (budget-based conservative UCBVI,
the baseline alone), with the baseline construction and offline-data helpers.

Importing this module registers the four learners. See :mod:`mdpsim.algorithms.stepmix`,
:mod:`~mdpsim.algorithms.epsmix`, :mod:`~mdpsim.algorithms.budget`,
:mod:`~mdpsim.algorithms.baseline`, :mod:`~mdpsim.algorithms.baselines` and the shared
kernels in :mod:`~mdpsim.algorithms._conservative` (which parts are reconstructions).
"""
from .stepmix import StepMix
from .epsmix import EpsMix
from .budget import BudgetUCBVI
from .baseline import BaselinePolicy
from .baselines import Baseline, baseline_policy, offline_dataset, behaviour_estimate

__all__ = ["StepMix", "EpsMix", "BudgetUCBVI", "BaselinePolicy", "Baseline", "baseline_policy",
           "offline_dataset", "behaviour_estimate"]
