"""LPO: total transitions N(ε) and exact success rate under the ε schedule (issue #14, items 2
and 3: the ε-budget and d-scaling at fixed ε).

Claim under test (``docs/papers/lpo.md`` §1, §8): LPO outputs an ε-optimal policy with
``O~(poly(d)/ε³)`` samples; policy-cover methods that re-optimise every round need more.
LPO and its ε schedule are **reconstructions** (``docs/papers/lpo.md`` §3, §8; every row
carries the ``reconstructed`` labels).

For each ε in {0.4, 0.2, 0.1, 0.05, 0.025} every run sets its budgets by the schedule of
:mod:`mdpsim.algorithms.policy_opt.eps_schedule` (``eps_constants="tuned"``: the theory's
shape in ε with tuned multipliers — the theory constants need ~10^13 transitions per run even
at ε = 0.4, see the summary), outputs a bonus-free exploit phase's policy (``output=
"exploit"``) and reports: N(ε) = every environment transition consumed (exploration, critic
roll-ins and roll-outs, the output phase), and whether V*(init) − V^{π_out}(init) <= ε, the
value computed **exactly** (the discounted setting's linear solve). N is random (sampling):
medians and distributions over seeds; the success rate is a frequency over seeds.

Planners: ``LPO`` (switch when the sensitivity-sampled kept set changes, C_s = 0.02; 20
seeds),
``every-round`` (the ENIAC-style cover: one NPG phase per exploration episode, same schedule),
stopped at 10^8 transitions (``max_transitions``; a capped run is "not reached within 10^8
transitions", not dropped) — 8 seeds at ε >= 0.1, 2 seeds at ε <= 0.05 where the schedule
predicts 10^8.7 to 10^10 transitions, so every run hits the cap; ``PC-PG`` (planner
``pcpg``: the PC-PG-style cover with a full-data covariance, one phase per round; same
schedule, output and cap, same seed counts); ``LPO-no-bonus`` (``bonus="none"``: the
no-exploration baseline on the same schedule, 20 seeds, ε >= 0.1). ``LPO-d``: simplex linear MDPs d in {4, 8, 16} at ε = 0.1 (item 3).

Environments (gamma = 0.9): RiverSwim (6 states), combination lock (``chain_lock``, 6
positions, 2 actions, one combination per seed), simplex linear MDPs (S = 20, A = 5, one
fixed instance per d, ``rng = 1``).

Figure and numbers: ``paper_figs/lpo_sample_complexity.py`` -> ``experiments/results/
lpo_sample_complexity/summary.md`` (log N against log(1/ε) with bootstrap intervals from
:func:`mdpsim.theory.fit_slope`, next to the theorem's 3).

Usage: ``mdpsim run experiments/lpo_sample_complexity.py --profile quick`` (4 seeds, LPO
only), ``mdpsim run experiments/lpo_sample_complexity.py`` (the protocol above).
"""

EPS = [0.4, 0.2, 0.1, 0.05, 0.025]
COMMON = {"eps_constants": "tuned", "output": "exploit", "C_s": 0.02}
PCPG = {"eps_constants": "tuned", "output": "exploit"}     # pcpg has no sampler (no C_s)

SPEC = {
    "name": "lpo_sample_complexity",
    "description": "LPO (reconstruction) total transitions N(eps) and exact success rate under "
                   "the eps schedule, against the every-round (ENIAC-style) cover; d-scaling "
                   "at eps = 0.1",
    "tags": ["lpo", "policy_opt", "planner", "sample_complexity", "issue-14"],
    "root_seed": 2306_09554_3,
    "envs": {
        "riverswim": {"env": "riverswim", "params": {"S": 6, "gamma": 0.9}, "spawn_key": [1]},
        "lock": {"env": "chain_lock", "params": {"S": 6, "A": 2, "gamma": 0.9},
                 "spawn_key": [0]},
        "simplex_d4": {"env": "linear_simplex",
                       "params": {"S": 20, "A": 5, "d": 4, "gamma": 0.9, "rng": 1},
                       "spawn_key": [2]},
        "simplex_d8": {"env": "linear_simplex",
                       "params": {"S": 20, "A": 5, "d": 8, "gamma": 0.9, "rng": 1},
                       "spawn_key": [3]},
        "simplex_d16": {"env": "linear_simplex",
                        "params": {"S": 20, "A": 5, "d": 16, "gamma": 0.9, "rng": 1},
                        "spawn_key": [4]},
    },
    "planners": {
        "LPO": {"planner": "lpo", "params": {**COMMON, "max_transitions": 1_000_000_000},
                "grid": {"eps": EPS}, "envs": ["riverswim", "lock", "simplex_d4"]},
        "every-round": {"planner": "lpo",
                        "params": {**COMMON, "switching": "every_round",
                                   "max_transitions": 100_000_000},
                        "grid": {"eps": [0.4, 0.2, 0.1]}, "seeds": 8,
                        "envs": ["riverswim", "lock", "simplex_d4"]},
        "every-round-small-eps": {"planner": "lpo",
                                  "params": {**COMMON, "switching": "every_round",
                                             "max_transitions": 100_000_000},
                                  "grid": {"eps": [0.05, 0.025]}, "seeds": 2,
                                  "envs": ["riverswim", "lock", "simplex_d4"]},
        "PC-PG": {"planner": "pcpg",
                  "params": {**PCPG, "max_transitions": 100_000_000},
                  "grid": {"eps": [0.4, 0.2, 0.1]}, "seeds": 8,
                  "envs": ["riverswim", "lock", "simplex_d4"]},
        "PC-PG-small-eps": {"planner": "pcpg",
                            "params": {**PCPG, "max_transitions": 100_000_000},
                            "grid": {"eps": [0.05, 0.025]}, "seeds": 2,
                            "envs": ["riverswim", "lock", "simplex_d4"]},
        "LPO-no-bonus": {"planner": "lpo", "params": {**COMMON, "bonus": "none",
                                                      "max_transitions": 1_000_000_000},
                         "grid": {"eps": [0.4, 0.2, 0.1]},
                         "envs": ["riverswim", "lock", "simplex_d4"]},
        "LPO-d": {"planner": "lpo", "params": {**COMMON, "eps": 0.1,
                                               "max_transitions": 1_000_000_000},
                  "envs": ["simplex_d4", "simplex_d8", "simplex_d16"]},
    },
    "iterations": 1_000_000,
    "seeds": 20,
    "seed_batch": 4,
    "profiles": {
        "quick": {"description": "4 seeds, LPO on the three instances (all eps) and d-scaling",
                  "seeds": 4, "planners": ["LPO", "LPO-d"]},
        "lpo": {"description": "the LPO cells of the full profile only (same cells)",
                "planners": ["LPO", "LPO-d", "LPO-no-bonus"]},
        "lpo_core": {"description": "LPO cells on the lock and the simplex MDPs only (same "
                                    "cells)", "planners": ["LPO", "LPO-d"],
                     "envs": ["lock", "simplex_d4", "simplex_d8", "simplex_d16"]},
        "full": {"description": "LPO 20 seeds; every-round and PC-PG 8 seeds at eps >= 0.1, 2 "
                                "below (capped at 1e8 transitions)"},
    },
    "figures": ["lpo_sample_complexity"],
}
