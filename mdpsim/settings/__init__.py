"""Settings: how a learner meets a model (simulator) and how its play is scored (exact
evaluator, optimum, metric columns). See :mod:`mdpsim.settings.base` for the protocol and
the extension point for linear and two-player zero-sum settings.

* :class:`Episodic` — finite-horizon tabular, regret against ``V*`` (the default of
  :func:`mdpsim.run`).
* :class:`Discounted` — discounted, online trajectories or a generative model; exact
  ``V^pi`` by a linear solve.
* :class:`Robust` — play on the nominal model, robust value and regret against the robust
  optimum.
* :class:`Linear` — a finite-horizon ``LinearMDP`` played as its exact tabular model, the
  features ``φ`` given to the learner as side information.
* :class:`RobustLinear` — play the nominal model of a d-rectangular robust linear MDP with
  its features; robust(-regularised) value and regret against the robust(-regularised)
  optimum.
* :class:`FiniteClass` — episodic learning with a finite class of candidate models (containing
  the truth) given to the learner as side information (MEX and its baselines).

:func:`as_setting` turns a model into its setting (``TabularMDP`` with a horizon ->
``Episodic``, ``RobustMDP`` -> ``Robust``, ``LinearMDP`` -> ``Linear``) and passes settings through.
"""
from .base import Setting
from .episodic import Episodic
from .discounted import Discounted
from .robust import Robust
from .linear import Linear
from .finite_class import FiniteClass
from .robust_linear import RobustLinear

__all__ = ["Setting", "Episodic", "Discounted", "Robust", "Linear", "FiniteClass", "RobustLinear",
           "as_setting"]


def as_setting(model) -> Setting:
    """``model`` as a :class:`Setting`: a setting as is; a finite-horizon ``TabularMDP`` ->
    :class:`Episodic`; a ``RobustMDP`` -> :class:`Robust`; a ``LinearMDP`` -> :class:`Linear`; a ``DRectLinearMDP`` ->
    :class:`RobustLinear`; anything else: one-line error."""
    from ..models import TabularMDP
    from ..models.robust import RobustMDP
    from ..models.linear import LinearMDP
    from ..models.robust_linear import DRectLinearMDP
    if isinstance(model, Setting):
        return model
    if isinstance(model, RobustMDP):
        return Robust(model)
    if isinstance(model, TabularMDP):
        return Episodic(model)
    if isinstance(model, LinearMDP):
        return Linear(model)
    if isinstance(model, DRectLinearMDP):
        return RobustLinear(model)
    raise ValueError(f"mdp must be a TabularMDP, a RobustMDP, a LinearMDP or a Setting, got "
                     f"{type(model).__name__}")
