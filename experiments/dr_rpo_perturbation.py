"""Robustness of the trained policies: exact return vs the test perturbation q on the
fail-state MDP (issue #13, experiment 2; figure paper_figs/dr_rpo_perturbation.py).

Every learner trains for K episodes on the nominal fail-state MDP (q = 0) only; the policy it
plays in episode K is then scored by its **exact** expected return (no regulariser, no
robustness: a plain finite-horizon evaluation) in the perturbed fail-state MDP q_test, where
a fraction q_test of the step-1 mass of factor 4 (which leads to the rewarding state x5) goes
to the fail state x4 — the test environments of the papers' robustness figures, computed
exactly instead of by 100 test roll-outs (setting mdpsim.settings.robust_linear.
PerturbedTest, registered as drect_fail_state_test). The learner never sees q_test, and the
training trajectory of a seed does not depend on it (same root seed, same training model):
each seed's curve is one trained policy evaluated on the whole q grid.

Learners (as in experiments/dr_rpo_regret_fail.py, rho = 0.5 on factor 4 at step 1, fail-state
TV dual, objective beta_reg = 0.01): DR-RPO (reconstruction) and its non-robust counterpart
RPO-nominal, DR-LSVI-UCB and the non-robust LSVI-UCB (both at LSVI-UCB's frozen default
c = 0.03: at c = 0.01 LSVI-UCB does not explore the fail-state MDP and ends on the robust
step-1 choice by accident, which a first run of this spec showed). Claim: the robust
policies lose a little at q = 0 and win beyond a threshold q*; for the two deterministic
step-1 choices (all -1 vs all +1 actions) the threshold is q* = 1 - V_2(x2)(1 - p_fail)/2
= 0.3757 (closed form, fail_state_optimum); the figure reports the measured crossing of the
seed means with a bootstrap interval.
"""

_FAIL = {"rho": 0.5, "rho_stage": 0, "rho_factor": 3, "dual": "fail_state"}

SPEC = {
    "name": "dr_rpo_perturbation",
    "description": "exact return vs test perturbation q on the fail-state MDP of policies "
                   "trained K episodes on the nominal model: DR-RPO (reconstruction), "
                   "RPO-nominal, DR-LSVI-UCB, LSVI-UCB",
    "tags": ["robustness", "robust", "linear", "dr_rpo", "issue-13"],
    "root_seed": 25_101_426,
    "envs": {
        "FailState-test": {"env": "drect_fail_state_test", "params": {"rho": 0.5},
                           "grid": {"q_test": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
                                               0.9, 1.0]}},
    },
    "algorithms": {
        "DR-RPO": {"algorithm": "dr_rpo", "params": {**_FAIL, "beta_reg": 0.01}},
        "RPO-nominal": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.01}},
        "DR-LSVI-UCB": {"algorithm": "dr_lsvi_ucb", "params": _FAIL},
        "LSVI-UCB": "lsvi_ucb",
    },
    "episodes": 3_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": [3_000],
    "profiles": {
        "quick": {"episodes": 3_000, "seeds": 5, "seed_batch": 5, "eval_every": [3_000]},
    },
    "figures": ["dr_rpo_perturbation"],
}
