"""mdpsim — put reinforcement-learning theory to the test on exact numbers.

Flat public API::

    import mdpsim
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    sol = mdpsim.solve(mdp)            # .V, .Q, .policy
    V = mdpsim.evaluate(mdp, sol.policy)
"""
from ._version import __version__
from . import _jit

_jit.install()   # before any module defines a cache=True kernel (see mdpsim._jit)

from .models import TabularMDP, SuccessorLists, LinearMDP, fit_linear
from .models import from_quantecon, to_quantecon, from_mdptoolbox, to_mdptoolbox
from .planning import (Solution, solve, evaluate, q_values, backward_induction,
                       value_iteration, modified_policy_iteration, policy_iteration,
                       linear_programming, bellman_operator,
                       occupancy, sample_trajectory)
from .envs import make, list_envs, register
from .kernels import available_backends
from .algorithms import list_algorithms
from .engine import run, agent, Agent
from .experiment import load
from .robust import RobustMDP  # robust MDPs: mdpsim.robust; DRPG: mdpsim.algorithms.drpg
from .gymnasium_bridge import to_gymnasium, from_gymnasium  # imports gymnasium only when called

__all__ = ["__version__", "TabularMDP", "SuccessorLists", "LinearMDP", "fit_linear", "Solution",
           "solve", "evaluate",
           "q_values", "backward_induction", "value_iteration",
           "modified_policy_iteration", "policy_iteration",
           "linear_programming", "bellman_operator", "occupancy", "sample_trajectory", "make",
           "list_envs", "register", "available_backends", "run", "list_algorithms", "agent",
           "Agent", "load", "to_gymnasium", "from_gymnasium", "from_quantecon", "to_quantecon",
           "from_mdptoolbox", "to_mdptoolbox"]
