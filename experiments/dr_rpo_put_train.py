"""Convergence on the anchor-interpolated American put (issue #13, companion of
experiments/dr_rpo_put.py; docs/papers/drrpo.md §10): the exact gap V* - V^{pi_k} of the policy
played in episode k to the robust-regularised optimum (TV radius rho = 0.03 on every factor,
beta_reg = 0.01, uniform pi_ref) while training on the nominal put p0 = 0.5, and the regret.
Same learners and constants as the perturbation spec (DR-RPO is a reconstruction; its
d-rectangular bonus need not shrink for mixing features, and hat features mix two
neighbouring anchors: §8). DR-LSVI-UCB is greedy and ignores the regulariser (its gap
includes the KL mismatch).
"""

SPEC = {
    "name": "dr_rpo_put_train",
    "description": "exact robust-regularised gap and regret while training on the nominal "
                   "anchor-interpolated American put: DR-RPO (reconstruction), RPO-nominal, "
                   "DR-LSVI-UCB",
    "tags": ["robust", "linear", "dr_rpo", "issue-13", "american_put"],
    "root_seed": 25_120_414,
    "envs": {
        "AmericanPut-reg": {"env": "american_put_reg",
                            "params": {"d": 30, "horizon": 20, "rho": 0.03, "beta_reg": 0.01}},
    },
    "algorithms": {
        "DR-RPO_rho=0.03": {"algorithm": "dr_rpo", "params": {"rho": 0.03, "beta_reg": 0.01}},
        "RPO-nominal": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.01}},
        "DR-LSVI-UCB_rho=0.03": {"algorithm": "dr_lsvi_ucb", "params": {"rho": 0.03}},
        "DR-RPO_rho=0.03_c=1e-4": {"algorithm": "dr_rpo",
                                   "params": {"rho": 0.03, "beta_reg": 0.01, "c": 1e-4}},
        "RPO-nominal_c=1e-4": {"algorithm": "rpo_nominal",
                               "params": {"beta_reg": 0.01, "c": 1e-4}},
    },
    "episodes": 1_000,
    "seeds": 10,
    "seed_batch": 10,
    "eval_every": [1, 10, 30, 100, 300, 1_000],
    "profiles": {
        "quick": {"episodes": 100, "seeds": 2, "seed_batch": 2, "eval_every": [1, 10, 100]},
    },
}
