r"""Greedy least-squares value iteration (LSVI with ``β = 0``): the no-exploration contrast
to LSVI-UCB (:mod:`mdpsim.algorithms.linear.lsvi_ucb`).

The same regression, cap and tie rule as LSVI-UCB with the bonus switched off (the
certainty-equivalence ablation; no paper of its own, ``proposed``). Same kernels, same state;
no regret guarantee.
"""
from __future__ import annotations

from ...theory.bounds import Bound, linear_regret
from ...theory.acceptance import RULES
from .._api import HyperParameter, ModelInfo, register_learner
from .lsvi_ucb import LSVI_UCB, Params, TIES

__all__ = ["LSVI_Greedy"]


@register_learner
class LSVI_Greedy(LSVI_UCB):
    """LSVI with ``β = 0``. See :mod:`mdpsim.algorithms.linear.lsvi_greedy`."""

    name = "lsvi_greedy"
    title = "Greedy LSVI (β = 0)"
    paper = "no-bonus ablation of LSVI-UCB (arXiv:1907.05388)"
    needs_episodes = False
    hyperparameters = (
        HyperParameter("lam", 1.0, float, "paper", "ridge parameter λ of Λ_h = λI + Σ φφᵀ",
                       valid=lambda v: v > 0.0, expected="a positive number"),
        HyperParameter("ties", "lowest", str, "proposed",
                       "tie rule among equal clipped values (as lsvi_ucb)", choices=TIES),
    )
    bound = Bound("lsvi_greedy", lambda K, **_: linear_regret(K), 1.0, "Θ(K) worst case",
                  "no guarantee (certainty equivalence)", "[P]", kind="none")
    acceptance = None

    @classmethod
    def rule(cls, *, hard_exploration: bool = True):
        return RULES["linear"] if hard_exploration else None

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        return Params(beta=0.0, ties=float(hp["ties"] == "unclipped"))
