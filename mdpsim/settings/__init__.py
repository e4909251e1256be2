"""Settings: how a learner meets a model (simulator) and how its play is scored (exact
evaluator, optimum, metric columns). See :mod:`mdpsim.settings.base` for the protocol and
the extension point for linear and two-player zero-sum settings.

* :class:`Episodic` — finite-horizon tabular, regret against ``V*`` (the default of
  :func:`mdpsim.run`).
* :class:`Discounted` — discounted, online trajectories or a generative model; exact
  ``V^pi`` by a linear solve.
* :class:`Robust` — play on the nominal model, robust value and regret against the robust
  optimum.

:func:`as_setting` turns a model into its setting (``TabularMDP`` with a horizon ->
``Episodic``, ``RobustMDP`` -> ``Robust``) and passes settings through.
"""
from .base import Setting
from .episodic import Episodic
from .discounted import Discounted
from .robust import Robust

__all__ = ["Setting", "Episodic", "Discounted", "Robust", "as_setting"]


def as_setting(model) -> Setting:
    """``model`` as a :class:`Setting`: a setting as is; a finite-horizon ``TabularMDP`` ->
    :class:`Episodic`; a ``RobustMDP`` -> :class:`Robust`; anything else: one-line error."""
    from ..models import TabularMDP
    from ..models.robust import RobustMDP
    if isinstance(model, Setting):
        return model
    if isinstance(model, RobustMDP):
        return Robust(model)
    if isinstance(model, TabularMDP):
        return Episodic(model)
    raise ValueError(f"mdp must be a TabularMDP, a RobustMDP or a Setting, got "
                     f"{type(model).__name__}")
