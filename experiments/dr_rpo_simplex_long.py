"""DR-RPO (a reconstruction) on the random d-rectangular simplex instance at its theory-shaped
bonus multiplier, to K = 10^5: burn-in or a persistent failure? (issue #13; figure
paper_figs/dr_rpo_explore.py; docs/papers/drrpo.md §8-9.)

Instance and objective as experiments/dr_rpo_regret_simplex.py: drect_simplex(S = 20, A = 5,
d = 5, H = 5, rng = 0), TV radius 0.1 on every factor and stage, beta_reg = 0.01.
Learners: DR-RPO with c = 0.1 (the smallest multiplier at which the optimism check
proofs_checks/drrpo_optimism.py held on every seed; c = 0.01 failed it), eta = 1000; the tuned
default c = 0.01 and the theory preset (c = 1, eta = 1) for reference; the no-bonus ablation;
and, labelled as a diagnostic variant (not the algorithm), DR-RPO with the ellipsoidal bonus
at c = 0.1 (docs/papers/drrpo.md §8: the d-rectangular bonus of a played step-0 action does not
shrink under collinear features). 10 seeds (budget), K = 10^5; exact regret.
"""

_R = {"rho": 0.1, "beta_reg": 0.01}

SPEC = {
    "name": "dr_rpo_simplex_long",
    "description": "exact robust-regularised regret to K = 1e5 on drect_simplex(20, 5, 5, H = 5, "
                   "rho = 0.1, beta_reg = 0.01): DR-RPO at c = 0.1 / 0.01 / theory preset, "
                   "no-bonus ablation, ellipsoidal-bonus variant (10 seeds)",
    "tags": ["regret", "robust", "linear", "dr_rpo", "issue-13"],
    "root_seed": 25_120_414,
    "envs": {
        "Simplex": {"env": "drect_simplex_reg",
                    "params": {"S": 20, "A": 5, "d": 5, "horizon": 5, "rho": 0.1, "rng": 0,
                               "beta_reg": 0.01}},
    },
    "algorithms": {
        "DR-RPO-c0.1": {"algorithm": "dr_rpo", "params": {**_R, "c": 0.1}},
        "DR-RPO": {"algorithm": "dr_rpo", "params": {**_R}},
        "DR-RPO-theory": {"algorithm": "dr_rpo", "params": {**_R, "c": 1.0, "eta": 1.0}},
        "DR-RPO-nobonus": {"algorithm": "dr_rpo", "params": {**_R, "c": 0.0}},
        "DR-RPO-ellipsoidal-c0.1": {"algorithm": "dr_rpo",
                                    "params": {**_R, "c": 0.1, "bonus": "ellipsoidal"}},
    },
    "episodes": 100_000,
    "seeds": 10,
    "seed_batch": 5,
    "eval_every": ["log", 80],
    "profiles": {"quick": {"episodes": 3_000, "seeds": 3, "seed_batch": 3}},
    "figures": ["dr_rpo_explore"],
}
