"""Former name of :mod:`mdpsim.algorithms._api` (kept so that existing imports work)."""
from ._api import (HyperParameter, Learner, Algorithm, ModelInfo, SideInfo,  # noqa: F401
                   register_learner, register_algorithm, get_algorithm, list_algorithms,
                   SOURCES, RESERVED)
