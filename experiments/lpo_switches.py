"""LPO: number of policy switches against the exploration stream length T (issue #14, (a)).

Claim under test (``docs/papers/lpo.md`` §1, §2): with online sensitivity sampling LPO switches
its policy only ``O~(poly(d) log T)`` times — switches grow linearly in ``ln T`` — while the
ENIAC-style cover that re-optimises after every exploration episode switches linearly in T.

LPO is a **reconstruction** (``docs/papers/lpo.md`` §3; every row carries the
``reconstructed`` labels). Each seed is one run of budget ``T_max`` exploration transitions
(the ``T`` of ``log(T/delta)`` is ``T_max``); a row is written at every switch with the
stream position ``explore_transitions``, so ``switches(t)`` at any checkpoint ``t <= T_max`` is
read off the rows. Sampling is random: distributions over seeds. Every output policy's value
is exact (the discounted setting's linear solve); ``transitions`` counts every environment
transition, critic roll-ins and roll-outs included.

Environments (gamma = 0.9): combination lock (``chain_lock``, 8 positions, 2 actions, one
combination per seed), RiverSwim (6 states), simplex linear MDPs ``linear_simplex`` (S = 20,
A = 5) with d in {4, 8, 16} (one fixed instance per d, ``rng = 1``). Planners: ``LPO``
(``lpo``, defaults) and ``every-round`` (the same with
``switching="every_round"``; budget 10^4, its cost is one NPG phase per episode).

Figure and numbers: ``paper_figs/lpo_switches.py`` -> ``experiments/results/lpo_switches/
summary.md`` (slope of switches on ln t and R^2 per environment, log-log exponents with
bootstrap intervals from :func:`mdpsim.theory.fit_slope`).

Baselines at larger T (profiles ``baselines`` and ``baselines_full``): the every-round cover
and the PC-PG-style cover (planner ``pcpg``, a reconstruction, ``docs/papers/lpo.md`` §7)
switch once per exploration episode and pay one NPG phase per switch, about 10^4 phases per
10^5 transitions. At the default phase (K = 20, M = 100: 11-27 ms per phase on the shared
machine) that is 2-5 minutes per run at T = 10^5 and ten times more at 10^6, so these profiles
use **cheaper NPG phases, K = 4 iterations x M = 10 critic samples (0.4-0.5 ms per phase),
for LPO, every-round and PC-PG alike** (``CHEAP``): the three planners run on the same
schedule on the lock, RiverSwim and the simplex MDP with d = 8, 8 seeds, T_max = 10^5
(``baselines``) or 10^6 (``baselines_full``). Switch counts, not the output policies' quality,
are the claim there (the cheap phases give poorer policies).

Usage: ``mdpsim run experiments/lpo_switches.py --profile quick`` (8 seeds, T_max = 10^5),
``mdpsim run experiments/lpo_switches.py`` (20 seeds, T_max = 10^6),
``mdpsim run experiments/lpo_switches.py --profile baselines`` (LPO, every-round and PC-PG
with cheap phases, 8 seeds, T_max = 10^5; ``baselines_full``: 10^6).
"""

CRITIC = {}   # the planner defaults: K = 20 NPG iterations x M = 100 critic samples
CHEAP = {"K": 4, "M": 10}   # cheaper NPG phases, applied to all three planners alike
BASE_ENVS = ["lock", "riverswim", "simplex_d8"]

SPEC = {
    "name": "lpo_switches",
    "description": "LPO (reconstruction) policy switches vs exploration transitions T, "
                   "against the every-round (ENIAC-style) cover",
    "tags": ["lpo", "policy_opt", "planner", "switching", "issue-14"],
    "root_seed": 2306_09554,
    "envs": {
        "lock": {"env": "chain_lock", "params": {"S": 8, "A": 2, "gamma": 0.9},
                 "spawn_key": [0]},
        "riverswim": {"env": "riverswim", "params": {"S": 6, "gamma": 0.9}, "spawn_key": [1]},
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
        "LPO": {"planner": "lpo", "params": {"budget": 1_000_000, **CRITIC}},
        "LPO_T1e5": {"planner": "lpo", "params": {"budget": 100_000, **CRITIC}},
        "every-round": {"planner": "lpo",
                        "params": {"budget": 10_000, "switching": "every_round", **CRITIC},
                        "seeds": 4},
        "LPO_cheap_T1e5": {"planner": "lpo", "params": {"budget": 100_000, **CHEAP},
                           "envs": BASE_ENVS},
        "every-round_cheap_T1e5": {"planner": "lpo",
                                   "params": {"budget": 100_000, "switching": "every_round",
                                              **CHEAP},
                                   "envs": BASE_ENVS},
        "PC-PG_cheap_T1e5": {"planner": "pcpg", "params": {"budget": 100_000, **CHEAP},
                             "envs": BASE_ENVS},
        "LPO_cheap": {"planner": "lpo", "params": {"budget": 1_000_000, **CHEAP},
                      "envs": BASE_ENVS},
        "every-round_cheap": {"planner": "lpo",
                              "params": {"budget": 1_000_000, "switching": "every_round",
                                         **CHEAP},
                              "envs": BASE_ENVS},
        "PC-PG_cheap": {"planner": "pcpg", "params": {"budget": 1_000_000, **CHEAP},
                        "envs": BASE_ENVS},
    },
    "iterations": 1_000_000,
    "seeds": 20,
    "seed_batch": 4,
    "profiles": {
        "quick": {"description": "8 seeds, T_max = 1e5 (LPO), 4 seeds every-round to 1e4",
                  "seeds": 8, "planners": ["LPO_T1e5", "every-round"]},
        "full": {"description": "20 seeds, T_max = 1e6 (LPO), 4 seeds every-round to 1e4",
                 "planners": ["LPO", "every-round"]},
        "baselines": {"description": "LPO, every-round and PC-PG with the same cheap NPG "
                                     "phases (K = 4, M = 10), lock / RiverSwim / simplex "
                                     "d = 8, 8 seeds, T_max = 1e5",
                      "seeds": 8, "envs": BASE_ENVS,
                      "planners": ["LPO_cheap_T1e5", "every-round_cheap_T1e5",
                                   "PC-PG_cheap_T1e5"]},
        "baselines_full": {"description": "the same to T_max = 1e6",
                           "seeds": 8, "envs": BASE_ENVS,
                           "planners": ["LPO_cheap", "every-round_cheap", "PC-PG_cheap"]},
    },
    "figures": ["lpo_switches"],
}
