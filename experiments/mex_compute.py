"""Compute of MEX against the confidence-set comparator on the same class and loss: regret,
planner calls per episode and CPU time, model-free tabular (mdpsim.algorithms.mex_tabular vs
mdpsim.algorithms.golf_tabular).

Claim (Liu et al., NeurIPS 2023, arXiv:2305.18258; docs/papers/mex.md §11): MEX's one
unconstrained maximisation tracks the regret of optimism over a confidence set at lower
compute. In the exact finite-class form both need zero planner calls per episode (mex_regret),
so the comparison is made where they differ: over every tabular Q-table with the squared
Bellman loss, the confidence-set problem max V s.t. L <= β is solved by Lagrangian bisection
on MEX's own solver (1 + bisect_steps MEX solves per episode). The learners' ``aux`` column
records the planner calls (backward inductions) of each episode; ``wall_time`` the CPU
seconds. GOLF's level β = c_β H² log(HSAK/δ) is swept over four decades (its regret depends
on it as MEX's depends on c_η); greedy (no exploration) is the baseline.
Figure: paper_figs/mex_compute.py.
"""

SPEC = {
    "name": "mex_compute",
    "description": "model-free tabular MEX vs confidence-set optimism by Lagrangian bisection: "
                   "regret, planner calls and CPU per episode",
    "tags": ["regret", "compute", "mex", "issue-15"],
    "root_seed": 20_230_602,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 5, "horizon": 10}},
        "Garnet": {"env": "garnet", "params": {"S": 6, "A": 3, "b": 3, "horizon": 8,
                                               "rng": 3, "storage": "dense"}},
    },
    "algorithms": {
        "MEX-MF": "mex_tabular",
        "GOLF-bisect": {"algorithm": "golf_tabular",
                        "grid": {"c_beta": [1e-4, 1e-3, 1e-2, 1.0]}},
        "greedy": "greedy",
    },
    "episodes": 5_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 40],
    "profiles": {
        "quick": {"episodes": 2_000, "seeds": 10},
    },
    "figures": ["mex_compute"],
}
