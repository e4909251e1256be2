"""Robustness of the trained policies on the anchor-interpolated American put: exact return vs
the test up-move probability p (issue #13, experiment 2, optional item; figure
paper_figs/dr_rpo_put.py; model: mdpsim.envs.robust_linear.american_put, docs/papers/drrpo.md
§10 — an exactly linear modelling choice of mdpsim, not the papers' put).

Every learner trains K episodes on the nominal put (p0 = 0.5) only; the policy it plays in
episode K is scored by its exact expected return (plain finite-horizon evaluation) in the put
with up-move probability p_test (setting PerturbedTest, registered as american_put_test). The
training trajectory of a seed does not depend on p_test (same root seed, same training model),
so each seed's curve is one trained policy evaluated on the whole p grid.

Learners: DR-RPO (reconstruction) at TV radius rho = 0.03 on every factor (general TV dual),
objective beta_reg = 0.01; its non-robust counterpart RPO-nominal; DR-LSVI-UCB at the same
radius and the non-robust LSVI-UCB (all at their frozen default multipliers: with d = 61 and
H = 20 their bonus beta = c d H sqrt(log(2dT/delta)) is 53 for DR-RPO, 158 for the LSVI
learners, against rewards <= 1); and DR-RPO / RPO-nominal with the bonus multiplier
c = 1e-4 (beta = 0.53), chosen here (not tuned, not a default) so that the bonus is of the
order of the rewards. The robust learners also at rho = 0.025 (the learner's radius; the
training model and the scoring do not depend on the env's rho). Claim
to test: the robust policies give up a little at small p and gain beyond a threshold p* (the
price drifts up, the put loses value and early exercise pays). The same learners' exact gap
to the robust-regularised optimum during training is measured by the companion spec
experiments/dr_rpo_put_train.py (rho = 0.03, beta_reg = 0.01).
"""

_D, _H = 30, 20
_ROB = {"rho": 0.03, "beta_reg": 0.01}

SPEC = {
    "name": "dr_rpo_put",
    "description": "exact return vs test up-move probability p on the anchor-interpolated "
                   "American put of policies trained K episodes on p0 = 0.5: DR-RPO "
                   "(reconstruction), RPO-nominal, DR-LSVI-UCB, LSVI-UCB",
    "tags": ["robustness", "robust", "linear", "dr_rpo", "issue-13", "american_put"],
    "root_seed": 25_120_413,
    "envs": {
        "AmericanPut-test": {"env": "american_put_test",
                             "params": {"d": _D, "horizon": _H, "rho": 0.03},
                             "grid": {"p_test": [0.2, 0.4, 0.6, 0.8, 1.0]}},
    },
    "algorithms": {
        "DR-RPO_rho=0.03": {"algorithm": "dr_rpo", "params": _ROB},
        "RPO-nominal": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.01}},
        "DR-LSVI-UCB_rho=0.03": {"algorithm": "dr_lsvi_ucb", "params": {"rho": 0.03}},
        "LSVI-UCB": "lsvi_ucb",
        "DR-RPO_rho=0.03_c=1e-4": {"algorithm": "dr_rpo", "params": {**_ROB, "c": 1e-4}},
        "RPO-nominal_c=1e-4": {"algorithm": "rpo_nominal",
                               "params": {"beta_reg": 0.01, "c": 1e-4}},
        "DR-RPO_rho=0.025": {"algorithm": "dr_rpo", "params": {**_ROB, "rho": 0.025}},
        "DR-LSVI-UCB_rho=0.025": {"algorithm": "dr_lsvi_ucb", "params": {"rho": 0.025}},
        "DR-RPO_rho=0.025_c=1e-4": {"algorithm": "dr_rpo",
                                    "params": {**_ROB, "rho": 0.025, "c": 1e-4}},
    },
    "episodes": 500,
    "seeds": 10,
    "seed_batch": 10,
    "eval_every": [500],
    "profiles": {
        "quick": {"episodes": 200, "seeds": 2, "seed_batch": 2, "eval_every": [200]},
    },
    "figures": ["dr_rpo_put"],
}
