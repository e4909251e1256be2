r"""EpsMix — conservative exploration by episode-level randomization (reconstructed rule).

Paper: D. Li, R. Huang, C. Shen, J. Yang, "Near-optimal Conservative Exploration in
Reinforcement Learning under Episode-wise Constraints", ICML 2023, arXiv:2306.06265
("a randomization-based variant with the same performance" as StepMix).

Rule ([R], ``docs/papers/stepmix.md`` §3.1(d)): at the start of episode ``k`` play the
optimistic policy ``π^{o,k}`` (UCBVI-CH) for the whole episode with probability ``ε_k``, else
the baseline ``π^b``. The value of that randomized policy is linear in ε,
``V = (1 - ε) V^b + ε V^{π^{o,k}}``; with the pessimistic value ``L_o = V̲^{π^{o,k}}_1`` and
the baseline component's value ``B`` (``V^b`` known, else its lower confidence bound), the
largest certified ε has the closed form

.. math::
    ε_k = 1\ \text{if}\ L_o \ge T;\quad 0\ \text{if}\ B \le T;\quad
    \frac{B - T}{B - L_o}\ \text{otherwise}\quad
    (= α V^b / (V^b - L_o)\ \text{for known}\ V^b,\ T = (1-α) V^b).

The Bernoulli draw (one ``rng.random()`` per episode, only when ``0 < ε_k < 1``) happens in
``plan``; the engine plays the drawn policy and records the **exact value of the mixture**,
``(1 - ε_k) V^{π^b} + ε_k V^{π^{o,k}}`` on the true model (the report hook declares the other
component and its probability), not the value of the drawn component. ``aux`` = ``ε_k``.

``L_o`` is the larger of the direct pessimistic value of ``π^{o,k}`` and the certificate
anchored at ``V^b`` (:mod:`mdpsim.algorithms.conservative`).

Reconstructed parts (``reconstructed`` column): ``optimistic-policy``,
``pessimistic-evaluation``, ``anchored-certificate``, ``closed-form-rule``, ``baseline``.
"""
from __future__ import annotations

from .conservative import ConservativeBase, conservative_hps, epsmix_plan
from ._api import register_learner

__all__ = ["EpsMix"]


@register_learner
class EpsMix(ConservativeBase):
    """EpsMix (Li, Huang, Shen, Yang, ICML 2023, arXiv:2306.06265) — episode-level
    randomization, **reconstructed** closed-form rule. See :mod:`mdpsim.algorithms.epsmix`."""

    name = "epsmix"
    title = "EpsMix (reconstructed)"
    paper = ("Li, Huang, Shen, Yang, Near-optimal Conservative Exploration in Reinforcement "
             "Learning under Episode-wise Constraints, ICML 2023, arXiv:2306.06265")
    hyperparameters = conservative_hps()
    reconstructed = ("optimistic-policy", "pessimistic-evaluation", "anchored-certificate",
                     "closed-form-rule", "baseline")
    plan = epsmix_plan
