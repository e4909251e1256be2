"""LSVI-UCB: regret at fixed K against the feature dimension d, and against the number of
states S at fixed d.

Claims (Jin et al. 2020, Thm 3.1; docs/papers/lsvi_ucb.md): (1) regret grows at most like
d^{3/2} (an upper bound: the fitted exponent of final regret in d, with its bootstrap
interval, is reported next to 3/2; a smaller exponent is consistent); (2) regret does not
depend on S: at fixed d the regret of LSVI-UCB stays flat while S grows, whereas tabular
UCBVI-CH on the same models (which ignores the features) grows with S.

Instances: random simplex linear MDPs (A = 5, H = 5; factors on b = 5 states so the models
stay sparse at large S). d-scaling: d in {2, 4, 8, 16} at S = 20 on twenty random instances
per d (instance seeds 1..20, disjoint from the tuning seeds 100..103), and the same sweep on
the hidden-reward-factor construction (linear_simplex_hidden, where exploration matters;
instance seeds 1..20). S-scaling: S in {20, 100, 500, 2000} at d = 5, ten instances per S
(seeds 1..10; at S = 2000, where an episode costs ~100x more, five instances (seeds 1..5) in
the first full run, ten (seeds 1..10) since the profile "S-sweep" of the follow-up). Four
seeds per instance: the spread between random instances, not the seeds,
dominates the interval (the quick run of the previous design, five instances x eight seeds,
gave 0.42 [-0.03, 1.50] in d), so the full profile buys instances. K = 5000, the same at every
point; each point's own slope in K over the last decade is reported as the check that the
point is past the burn-in.

Estimators (fixed before the full run): primary, the slope of log(mean final regret over
instances and seeds) against log d (or log S), with a 95% two-level bootstrap (instances,
then seeds within each); secondary, the same with the geometric mean over instances (of the
per-instance seed means), which one outlying instance cannot dominate.

Bonus: one frozen c (lsvi_ucb's default 0.03, tuned on held-out d = 5 instances) for every d
and S, so beta = c d H sqrt(iota) grows with d exactly as in the theorem. The exact regret
needs the value of every episode's policy; the engine evaluates a policy only when it
changes, and eval_every = ["log", 20] only thins the stored rows. Figure:
paper_figs/lsvi_ucb_scaling.py.
"""

_SIMPLEX = {"A": 5, "b": 5, "horizon": 5}

SPEC = {
    "name": "lsvi_ucb_scaling",
    "description": "LSVI-UCB final regret vs d (S fixed; random and hidden-factor simplex "
                   "MDPs) and vs S (d fixed), with UCBVI-CH on the tabular models",
    "tags": ["regret", "linear", "lsvi_ucb", "scaling", "issue-12"],
    "root_seed": 19_070_539,
    "envs": {
        "d-sweep": {"env": "linear_simplex", "params": {"S": 20, **_SIMPLEX},
                    "grid": {"d": [2, 4, 8, 16], "rng": list(range(1, 21))}},
        "d-sweep-hidden": {"env": "linear_simplex_hidden", "params": {"S": 20, **_SIMPLEX},
                           "grid": {"d": [2, 4, 8, 16], "rng": list(range(1, 21))}},
        "S-sweep": {"env": "linear_simplex", "params": {"d": 5, **_SIMPLEX},
                    "grid": {"S": [20, 100, 500], "rng": list(range(1, 11))}},
        "S-sweep-large": {"env": "linear_simplex", "params": {"d": 5, **_SIMPLEX},
                          "grid": {"S": [2000], "rng": list(range(1, 11))}},
    },
    "algorithms": {
        "LSVI-UCB": "lsvi_ucb",
        "UCBVI-CH": "ucbvi_ch",
    },
    "episodes": 5_000,
    "seeds": 4,
    "seed_batch": 4,
    "eval_every": ["log", 20],
    "profiles": {
        "quick": {"episodes": 2_000, "seeds": 2, "seed_batch": 2,
                  "envs": ["d-sweep", "S-sweep"]},
        # the d-sweep four times longer, LSVI-UCB only: is K = 5000 past the burn-in?
        "longK": {"episodes": 20_000, "envs": ["d-sweep"], "algorithms": ["LSVI-UCB"]},
        # the S-sweep alone with ten instances at every S (follow-up; same seeds, so the
        # S <= 500 points and S = 2000 instances 1..5 repeat the full run's numbers)
        "S-sweep": {"envs": ["S-sweep", "S-sweep-large"]},
    },
    "figures": ["lsvi_ucb_scaling"],
}
