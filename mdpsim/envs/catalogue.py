"""Built-in environment factories (imports register them)."""
from .garnet import garnet
from .riverswim import riverswim
from .chain_lock import chain_lock
from .deepsea import deepsea
from .gridworld import gridworld
from .dirichlet import dirichlet
from .forest import forest
from .machine_replacement import machine_replacement
from .inventory import inventory
from .linear import (linear_simplex, linear_simplex_hidden, linear_one_hot, linear_aggregated, linear_fail_state,
                     linear_riverswim)
from .model_class import riverswim_class, garnet_class, lock_class, needle_class
from .robust_linear import drect_simplex, drect_fail_state
from .games import (random_game, pennies_chain, random_game_class, pennies_chain_class,
                    exploiter_trap_class)

__all__ = ["garnet", "riverswim", "chain_lock", "deepsea", "gridworld", "dirichlet", "forest",
           "machine_replacement", "inventory", "linear_simplex", "linear_simplex_hidden", "linear_one_hot",
           "linear_aggregated", "linear_fail_state", "linear_riverswim", "riverswim_class",
           "garnet_class", "drect_simplex", "drect_fail_state", "random_game", "pennies_chain",
           "random_game_class", "pennies_chain_class", "exploiter_trap_class", "lock_class", "needle_class"]
