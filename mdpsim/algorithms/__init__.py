"""Online learners for tabular episodic MDPs, registered by name (and the DRPG planner).

``list_algorithms()`` gives the names; ``get_algorithm(name).describe()`` the
hyper-parameters with their defaults, types and provenance (``paper`` / ``paper-code`` /
``proposed``). Each learner is one module whose docstring cites the paper and says which
parts follow it and which are reconstructions or tuned choices; the protocol is in
:mod:`mdpsim.algorithms._api`. Run them with :func:`mdpsim.run` or step them with
:func:`mdpsim.agent`.

Importing this package imports every module in it (:func:`discover`), so a module that
registers a learner with :func:`register_learner` is all a new learner needs: no list to
edit here, no entry in :mod:`mdpsim.theory.bounds` or :mod:`mdpsim.theory.acceptance`
(its ``bound`` and ``acceptance`` are declared on its class). Every registered learner class
is importable from here by its class name (``from mdpsim.algorithms import UCBVI_CH``).
"""
from ._api import (HyperParameter, Learner, Algorithm, ModelInfo, SideInfo, NO_SIDE,
                   register_learner, register_algorithm, get_algorithm, list_algorithms,
                   discover, SOURCES)
from ._common import model_info
from . import _api as _api_module

discover(__name__)   # imports every module of the package: each registers its learners
from ._planner import (Planner, Acceptance, register_planner, get_planner,  # noqa: E402
                       list_planners, run_planner, resolve_hyperparameters)

_learners = sorted({c.__name__: c for c in _api_module._REGISTRY.values()
                    if c.__module__.startswith(__name__ + ".")}.items())
globals().update(_learners)

__all__ = ["HyperParameter", "Learner", "Algorithm", "ModelInfo", "SideInfo", "NO_SIDE",
           "register_learner", "register_algorithm", "get_algorithm", "list_algorithms",
           "discover", "model_info", "SOURCES", "Planner", "Acceptance", "register_planner",
           "get_planner", "list_planners", "run_planner", "resolve_hyperparameters"] + [n for n, _ in _learners]
del _learners
