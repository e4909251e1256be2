"""The built-in learners by class name (kept for code that imports it; registration no longer
needs it: importing :mod:`mdpsim.algorithms` discovers every module)."""
from .ucbvi import UCBVI_CH, UCBVI_BF
from .psrl import PSRL
from .optq import OptimisticQLearning
from .greedy import Greedy, EpsilonGreedy
from .stepmix import StepMix
from .epsmix import EpsMix
from .budget import BudgetUCBVI
from .baseline import BaselinePolicy

__all__ = ["UCBVI_CH", "UCBVI_BF", "PSRL", "OptimisticQLearning", "Greedy", "EpsilonGreedy",
           "StepMix", "EpsMix", "BudgetUCBVI", "BaselinePolicy"]
