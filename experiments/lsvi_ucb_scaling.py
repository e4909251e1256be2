"""LSVI-UCB: regret at fixed K against the feature dimension d, and against the number of
states S at fixed d.

Claims (Jin et al. 2020, Thm 3.1; docs/papers/lsvi_ucb.md): (1) regret grows at most like
d^{3/2} (an upper bound: the fitted exponent of final regret in d, with its bootstrap
interval over seeds, is reported next to 3/2; a smaller exponent is consistent); (2) regret
does not depend on S: at fixed d the regret of LSVI-UCB stays flat while S grows, whereas
tabular UCBVI-CH on the same models (which ignores the features) grows with S.

Instances: random simplex linear MDPs (A = 5, H = 5; factors on b = 5 states so the models
stay sparse at large S). d-scaling: d in {2, 4, 8, 16} at S = 20; S-scaling: S in
{20, 100, 500, 2000} at d = 5 (quick: without 2000). Every (d, S) point is averaged over five
random instances (instance seeds 1..5, disjoint from the tuning seeds) and the seeds; the
fitted exponent's interval is a two-level bootstrap (instances, then seeds within each).
Bonus: one frozen c (lsvi_ucb's default 0.03, tuned on held-out d = 5 instances) for every d
and S, so beta = c d H sqrt(iota) grows with d exactly as in the theorem. Figure:
paper_figs/lsvi_ucb_scaling.py.
"""

SPEC = {
    "name": "lsvi_ucb_scaling",
    "description": "LSVI-UCB final regret vs d (S fixed) and vs S (d fixed), with UCBVI-CH "
                   "on the tabular models for the S sweep",
    "tags": ["regret", "linear", "lsvi_ucb", "scaling", "issue-12"],
    "root_seed": 19_070_539,
    "envs": {
        "d-sweep": {"env": "linear_simplex",
                    "params": {"S": 20, "A": 5, "b": 5, "horizon": 5},
                    "grid": {"d": [2, 4, 8, 16], "rng": [1, 2, 3, 4, 5]}},
        "S-sweep": {"env": "linear_simplex",
                    "params": {"A": 5, "d": 5, "b": 5, "horizon": 5},
                    "grid": {"S": [20, 100, 500], "rng": [1, 2, 3, 4, 5]}},
        "S-sweep-large": {"env": "linear_simplex",
                          "params": {"A": 5, "d": 5, "b": 5, "horizon": 5},
                          "grid": {"S": [2000], "rng": [1, 2, 3, 4, 5]}},
    },
    "algorithms": {
        "LSVI-UCB": "lsvi_ucb",
        "UCBVI-CH": "ucbvi_ch",
    },
    "episodes": 5_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 20],
    "profiles": {
        "quick": {"episodes": 2_000, "seeds": 8, "seed_batch": 8,
                  "envs": ["d-sweep", "S-sweep"]},
    },
    "figures": ["lsvi_ucb_scaling"],
}
