"""Moved to :mod:`mdpsim.envs.robust_instances` (robust instances live with the other
environments); this name re-exports it."""
from ..envs.robust_instances import *  # noqa: F401,F403
from ..envs.robust_instances import (DRPGInstance, drpg_garnet, ParametricInstance,  # noqa: F401
                                     drpg_inventory, GARNET_SA_SIZES, GARNET_S_SIZES)

__all__ = ["DRPGInstance", "drpg_garnet", "ParametricInstance", "drpg_inventory",
           "GARNET_SA_SIZES", "GARNET_S_SIZES"]
