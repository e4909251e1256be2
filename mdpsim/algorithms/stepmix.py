r"""StepMix — conservative exploration by a certified step-level mixture (reconstructed).

Paper: D. Li, R. Huang, C. Shen, J. Yang, "Near-optimal Conservative Exploration in
Reinforcement Learning under Episode-wise Constraints", ICML 2023 (PMLR 202),
arXiv:2306.06265. Claim: with a safe baseline ``π^b``, the policy of **every** episode has
value ``>= (1 - α) V^b`` w.p. ``>= 1 - δ``, and the regret has the same near-optimal order as
unconstrained exploration; StepMix plays a mixture that "adaptively and smoothly interpolates
between the baseline policy and the optimistic policy".

What follows the paper (abstract): the setting, the episode-wise constraint, an optimistic
policy, a certified interpolation with the baseline chosen per episode.

What is **reconstructed** (the full text was not available; ``docs/papers/stepmix.md``
§3, [R]), and labelled so in the ``reconstructed`` output column:

* ``optimistic-policy``: UCBVI-CH (:mod:`mdpsim.algorithms.ucbvi`, identical recursion);
* ``pessimistic-evaluation``: the lower-confidence pass of
  :mod:`mdpsim.algorithms.conservative` (L1 width; valid for every policy at
  ``cert_scale = 1``);
* ``mixture-family``: ``mixture="per_step"`` (default; reading e1: at every step the
  optimistic action w.p. ``λ``, else ``π^b``) or ``mixture="switch"`` (reading e2: optimistic
  for the first ``⌊λH⌋`` steps, a ``λH - ⌊λH⌋`` mixture at the switching step, ``π^b``
  afterwards). Both are Markov stochastic policies, evaluated exactly by the engine;
* ``weight-search``: ``λ_k`` = the largest ``λ`` whose certificate clears the threshold, by
  a compiled search (``λ = 1`` first; an optional coarse grid of ``grid`` points from the
  top; ``iters`` secant probes warm-started at ``λ_{k-1}``; see
  :func:`~mdpsim.algorithms.conservative.certified_weight`);
* ``anchored-certificate``: besides the direct pessimistic value, a lower bound anchored at
  the known ``V^b`` through the performance-difference lemma, whose error scales with ``λ``
  (ours; see :mod:`mdpsim.algorithms.conservative`);
* ``baseline``: built by :func:`~mdpsim.engine.side.baseline_policy` (mixture of
  ``π*`` and a bottom policy at a chosen fraction of ``V*``); ``V^b`` known, or an upper
  confidence bound when ``baseline_known=False``; the offline extension (``offline_n > 0``).

Per episode ``k``: counts -> optimistic ``π^{o,k}`` -> threshold ``T`` (``(1 - α) V^b``, or
``(1 - α) Ū^{π^b}``) -> ``λ_k`` -> play ``π_k = Mix(π^b, π^{o,k}; λ_k)``. Outputs: ``aux`` =
``λ_k``; ``estimate`` = the optimistic value ``V̄_1`` (as UCBVI); the engine's ``below_floor``
counts episodes with exact value ``< (1 - α) V^b``.
"""
from __future__ import annotations

from .conservative import ConservativeBase, conservative_hps, stepmix_plan
from ._api import HyperParameter, register_learner

__all__ = ["StepMix"]

@register_learner
class StepMix(ConservativeBase):
    """StepMix (Li, Huang, Shen, Yang, ICML 2023, arXiv:2306.06265) — **reconstructed**
    mixture family and weight search. See :mod:`mdpsim.algorithms.stepmix`."""

    name = "stepmix"
    title = "StepMix (reconstructed)"
    paper = ("Li, Huang, Shen, Yang, Near-optimal Conservative Exploration in Reinforcement "
             "Learning under Episode-wise Constraints, ICML 2023, arXiv:2306.06265")
    hyperparameters = conservative_hps(extra=(
        HyperParameter("mixture", "per_step", str, "proposed",
                       "mixture family (reconstructed): 'per_step' (reading e1, default) or "
                       "'switch' (time switching, reading e2)", choices=("per_step", "switch")),
        HyperParameter("grid", 1, int, "proposed",
                       "optional coarse grid j/grid (j = grid-1..1) scanned from the top "
                       "before the secant search, a safeguard against a non-monotone "
                       "certificate (1: none; each point costs one backward pass)",
                       valid=lambda v: v >= 1, expected="an integer >= 1"),
        HyperParameter("iters", 3, int, "proposed",
                       "probes of the warm-started secant search (each one backward pass)",
                       valid=lambda v: 0 <= v <= 60, expected="an integer in [0, 60]"),
    ))
    reconstructed = ("optimistic-policy", "pessimistic-evaluation", "anchored-certificate",
                     "mixture-family", "weight-search", "baseline")
    plan = stepmix_plan

    @classmethod
    def params(cls, info, hp):
        return super().params(info, hp)._replace(
            mode=0.0 if hp["mixture"] == "per_step" else 1.0)
