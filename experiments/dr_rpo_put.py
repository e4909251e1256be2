"""Robustness of the trained policies on the anchor-interpolated American put: exact return vs
the test up-move probability p (issue #13, experiment 2, optional item; figure
paper_figs/dr_rpo_put.py; model: mdpsim.envs.robust_linear.american_put, docs/papers/drrpo.md
§10 — an exactly linear modelling choice of mdpsim, not the papers' put).

Every learner trains K episodes on the nominal put (p0 = 0.5) only; the policy it plays in
episode K is scored by its exact expected return (plain finite-horizon evaluation) in the put
with up-move probability p_test (setting PerturbedTest, registered as american_put_test). The
training trajectory of a seed does not depend on p_test (same root seed, same training model),
so each seed's curve is one trained policy evaluated on the whole p grid.

Learners: DR-RPO (reconstruction) at TV radius rho = 0.025 and 0.03 on every factor (general
TV dual), objective beta_reg = 0.01; its non-robust counterpart RPO-nominal; DR-LSVI-UCB at the
same radii and the non-robust LSVI-UCB (frozen defaults). Claim: the robust policies give up a
little at p = 0.2-0.5 and gain beyond a threshold p* (the price drifts up, the put loses value
and early exercise pays). The same learners' exact gap to the robust-regularised optimum at
the end of training is measured by the companion env AmericanPut-reg (rho grid).
"""

_D, _H = 30, 20

SPEC = {
    "name": "dr_rpo_put",
    "description": "exact return vs test up-move probability p on the anchor-interpolated "
                   "American put of policies trained K episodes on p0 = 0.5: DR-RPO "
                   "(reconstruction), RPO-nominal, DR-LSVI-UCB, LSVI-UCB",
    "tags": ["robustness", "robust", "linear", "dr_rpo", "issue-13", "american_put"],
    "root_seed": 25_120_413,
    "envs": {
        "AmericanPut-test": {"env": "american_put_test", "params": {"d": _D, "horizon": _H},
                             "grid": {"p_test": [0.2, 0.4, 0.5, 0.6, 0.8, 1.0]}},
    },
    "algorithms": {
        "DR-RPO_rho=0.025": {"algorithm": "dr_rpo", "params": {"rho": 0.025, "beta_reg": 0.01}},
        "DR-RPO_rho=0.03": {"algorithm": "dr_rpo", "params": {"rho": 0.03, "beta_reg": 0.01}},
        "RPO-nominal": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.01}},
        "DR-LSVI-UCB_rho=0.025": {"algorithm": "dr_lsvi_ucb", "params": {"rho": 0.025}},
        "DR-LSVI-UCB_rho=0.03": {"algorithm": "dr_lsvi_ucb", "params": {"rho": 0.03}},
        "LSVI-UCB": "lsvi_ucb",
    },
    "episodes": 1_000,
    "seeds": 10,
    "seed_batch": 10,
    "eval_every": [1_000],
    "profiles": {
        "quick": {"episodes": 200, "seeds": 2, "seed_batch": 2, "eval_every": [200]},
    },
    "figures": ["dr_rpo_put"],
}
