r"""The baseline policy alone — the conservative setting's safe but suboptimal reference.

Plays ``π^b`` (built by :func:`~mdpsim.engine.side.baseline_policy`: the per-step
mixture of ``π*`` and a bottom policy with ``V^b = baseline_fraction · V*``) in every episode:
zero violations, linear regret ``K (V* - V^b)``. With ``offline_n = n > 0`` it plays the
empirical behaviour policy ``π̂^b`` estimated from ``n`` offline trajectories (the offline
extension's starting point; see :mod:`mdpsim.algorithms.conservative`). ``estimate`` is
``V^b``; ``aux`` is 0. Comparator of arXiv:2306.06265 (Li, Huang, Shen, Yang, ICML 2023)
experiments as planned in ``docs/papers/stepmix.md`` §6.
"""
from __future__ import annotations

from .conservative import ConservativeBase, conservative_hps, baseline_plan
from ._api import register_learner

__all__ = ["BaselinePolicy"]


@register_learner
class BaselinePolicy(ConservativeBase):
    """Play the baseline policy in every episode. See :mod:`mdpsim.algorithms.baseline`."""

    name = "baseline"
    title = "Baseline policy alone"
    paper = "comparator of arXiv:2306.06265 (conservative exploration)"
    hyperparameters = conservative_hps(bonus=False, cert=False)
    reconstructed = ("baseline",)
    plan = baseline_plan
