"""The online-learning engine (the layer above the algorithms; see the docs' API reference).

:func:`run` runs K episodes x H steps x n seeds of a registered algorithm inside compiled
code (one GIL-free call per seed, seeds over a thread pool) and returns the exact regret
curve as a long DataFrame; :class:`Agent` steps the same kernels from Python;
:func:`mdpsim.engine.reference.reference_loop` is the plain-Python oracle.
"""
from .run import run, schedule, COLUMNS, EPS_COLUMNS, eps_columns, seed_sequence
from .agent import Agent, agent
from .driver import compiled_loop
from .side import side_info

__all__ = ["run", "schedule", "COLUMNS", "EPS_COLUMNS", "eps_columns", "seed_sequence", "Agent",
           "agent", "compiled_loop", "side_info"]
