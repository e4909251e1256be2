"""Environment catalogue: factories returning :class:`~mdpsim.TabularMDP` instances.

See ``mdpsim.list_envs()`` for the registered names and each factory's docstring for its
parameters and source.
"""
from ._registry import register, make, list_envs, env_factory, check_size, memory_limit
from . import catalogue  # noqa: F401
from .catalogue import *  # noqa: F401,F403
from .robust_instances import (drpg_garnet, drpg_inventory, DRPGInstance,  # noqa: F401
                               ParametricInstance)

__all__ = ["register", "make", "list_envs", "env_factory", "check_size", "memory_limit", "drpg_garnet", "drpg_inventory",
           "DRPGInstance", "ParametricInstance"] + catalogue.__all__
