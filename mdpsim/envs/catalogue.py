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

__all__ = ["garnet", "riverswim", "chain_lock", "deepsea", "gridworld", "dirichlet", "forest",
           "machine_replacement", "inventory"]
