"""The U-shape of MEX's regret in η: final regret against c_η (η = c_η √(log M / (H K)))
over five decades, with greedy MLE (η = ∞) as the right-hand limit.

Claim (docs/papers/mex.md §5): η → 0 ignores the data (the most optimistic member, here a
"jackpot" whose policy is poor on the truth, is kept until η·NLL outweighs its value: linear
regret at small c_η); η → ∞ is greedy MLE (no optimism: a pessimistic member that fits the
early data is never tested again, linear regret on the seeds where that happens). In between
the regret is small: the curve is U-shaped. Instance: ``riverswim_class`` (S = 5, H = 10,
M = 16). Class-size dependence: MEX at its default c_η on ``riverswim_class`` with M in
{4, 8, 16, 32, 64}. Figure: paper_figs/mex_eta.py.
"""

C_GRID = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]
M_GRID = [4, 8, 16, 32, 64]

SPEC = {
    "name": "mex_eta",
    "description": "MEX final regret vs c_eta (U-shape) and vs class size M on riverswim_class",
    "tags": ["regret", "finite_class", "mex", "eta", "issue-15"],
    "root_seed": 20_230_530,
    "envs": {
        **{f"RiverSwim-M{M}": {"env": "riverswim_class",
                               "params": {"S": 5, "horizon": 10, "M": M, "rng": 0}}
           for M in M_GRID},
    },
    "algorithms": {
        **{f"MEX-c{c:g}": {"algorithm": "mex", "params": {"c_eta": c}} for c in C_GRID},
        "MLE-greedy": "mle_greedy",
    },
    "episodes": 3_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 40],
    "profiles": {
        "quick": {"episodes": 3_000, "seeds": 20},
    },
    "figures": ["mex_eta"],
}
