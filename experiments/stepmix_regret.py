"""Conservative exploration: regret, per-episode values and mixing weights (arXiv:2306.06265).

Claim (Li, Huang, Shen, Yang, ICML 2023): with a safe baseline π^b, StepMix and EpsMix keep
the value of **every** episode's policy above (1 - α) V^b w.p. >= 1 - δ, and their regret has
the same near-optimal order as unconstrained exploration (UCBVI): sublinear, with an overhead
that does not grow with K (relative to UCBVI's regret it shrinks) and grows as α shrinks.
The budget method (Garcelon et al. 2020 style) only guarantees the *cumulative* constraint and
violates the episode-wise one; UCBVI-CH (unconstrained) violates it early; the baseline alone
has linear regret.

All conservative learners are **reconstructions** (see ``mdpsim.algorithms.stepmix``): the
optimistic component is UCBVI-CH with the same bonus multiplier as the unconstrained
comparator ("UCBVI-CH" below is ``stepmix`` with ``constrained=False``, bit-for-bit UCBVI-CH,
so that it also counts its violations of (1 - α) V^b at α = 0.1). Baseline: the per-step
mixture of π* and the uniform policy with V^b = 0.7 V* (``baseline_policy``), V^b known.
Tuned multipliers (not the theoretical constants): bonus_scale = 0.003 (UCBVI-CH's tuned
default), cert_scale = 0.1 (certification width; 1.0 = theory).

Figures: paper_figs/stepmix_regret.py (regret, log–log slopes over the last 60 % of episodes
and the last decade, overhead vs UCBVI), paper_figs/stepmix_values.py (exact value of each
episode's policy vs episodes with the (1 - α) V^b line), paper_figs/stepmix_weights.py
(mixing weight vs episodes).
"""

_COMMON = {"baseline_fraction": 0.7, "bonus_scale": 0.003, "cert_scale": 0.1, "delta": 0.05}
_ALPHAS = [0.05, 0.1, 0.2]

SPEC = {
    "name": "stepmix_regret",
    "description": "StepMix / EpsMix vs budget-conservative UCBVI, UCBVI-CH and the baseline: "
                   "exact regret, values, violations and mixing weights; RiverSwim S=6 H=20 "
                   "and Garnet G(10, 3, 3) H=10; alpha in {0.05, 0.1, 0.2}",
    "tags": ["conservative", "stepmix", "epsmix", "regret", "issue-4", "reconstructed"],
    "root_seed": 2_306_06265,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
        "Garnet": {"env": "garnet", "params": {"S": 10, "A": 3, "b": 3, "horizon": 10,
                                               "rng": 3}},
    },
    "algorithms": {
        "StepMix": {"algorithm": "stepmix", "params": _COMMON, "grid": {"alpha": _ALPHAS}},
        "StepMix-switch": {"algorithm": "stepmix",
                           "params": {**_COMMON, "mixture": "switch", "alpha": 0.1}},
        "EpsMix": {"algorithm": "epsmix", "params": _COMMON, "grid": {"alpha": _ALPHAS}},
        "Budget": {"algorithm": "budget_ucbvi", "params": _COMMON,
                   "grid": {"alpha": _ALPHAS}},
        "UCBVI-CH": {"algorithm": "stepmix",
                     "params": {**_COMMON, "constrained": False, "alpha": 0.1}},
        "Baseline": {"algorithm": "baseline",
                     "params": {"baseline_fraction": 0.7, "alpha": 0.1}},
    },
    "episodes": 100_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 150],
    "profiles": {
        "quick": {"episodes": 2_000, "seeds": 4, "seed_batch": 4, "eval_every": ["log", 40]},
    },
    "figures": ["stepmix_regret", "stepmix_values", "stepmix_weights"],
}
