"""Built-in algorithms (importing this module registers them)."""
from .ucbvi import UCBVI_CH, UCBVI_BF
from .psrl import PSRL
from .optq import OptimisticQLearning
from .greedy import Greedy, EpsilonGreedy

__all__ = ["UCBVI_CH", "UCBVI_BF", "PSRL", "OptimisticQLearning", "Greedy", "EpsilonGreedy"]

# conservative exploration (StepMix / EpsMix, arXiv:2306.06265) and its comparators
from .conservative import StepMix, EpsMix, BudgetUCBVI, BaselinePolicy  # noqa: E402
__all__ += ["StepMix", "EpsMix", "BudgetUCBVI", "BaselinePolicy"]
