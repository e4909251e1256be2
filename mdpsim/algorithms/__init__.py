"""Online learning algorithms for tabular episodic MDPs, registered by name.

``list_algorithms()`` gives the names; ``get_algorithm(name).describe()`` the
hyper-parameters with their defaults, types and provenance (``paper`` / ``paper-code`` /
``proposed``). Each algorithm is one module whose docstring cites the paper and says which
parts follow it and which are reconstructions or tuned choices. Run them with
:func:`mdpsim.run` or step them with :func:`mdpsim.agent`.
"""
from ._registry import (HyperParameter, Algorithm, ModelInfo, register_algorithm,
                        get_algorithm, list_algorithms, SOURCES)
from ._common import model_info
from . import catalogue  # noqa: F401  (registers the built-in algorithms)
from .catalogue import *  # noqa: F401,F403
from . import drpg  # noqa: F401  (DRPG, a robust planner; not an online learner)
from ._planner import (Planner, Acceptance, register_planner, get_planner, list_planners,
                       run_planner)
from . import robust_vi  # noqa: F401  (registers the robust VI planner)

__all__ = ["HyperParameter", "Algorithm", "ModelInfo", "register_algorithm", "get_algorithm",
           "list_algorithms", "model_info", "SOURCES", "Planner", "Acceptance",
           "register_planner", "get_planner", "list_planners", "run_planner"] + catalogue.__all__
