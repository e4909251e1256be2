"""Robust-regularised regret vs K on a d-rectangular instance where exploration matters (issue
#13; figure paper_figs/dr_rpo_explore.py). Decided and committed before any learner ran on it.

Instance: drect_simplex_hidden(S = 20, A = 5, d = 5, H = 5, rng = 0) — the hidden-reward-factor
construction of issue #12 (linear_simplex_hidden: factor d - 1 carries reward 1 and only the
last action loads on it, with weight load = 0.5; the other actions' rewards are at most
r_max = 0.5) — with a TV ball of radius rho = 0.1 on every factor at every stage (exactly
linear, phi in the simplex, factors in Delta(S): d-rectangular), objective regularised with
beta_reg = 0.01 towards the uniform policy (the Gibbs regulariser alone does not explore here:
a value difference of 0.1 costs a factor e^-10). The robust-regularised optimum plays the
rare action at every state and stage. General form of the TV dual (no fail state).

Claim put to the test (DR-RPO is our reconstruction, docs/papers/drrpo.md §6): DR-RPO's regret
is sublinear (fitted log-log slope <= 0.6 over K in [1000, 10000], an upper limit, with its
bootstrap interval) with a visible margin over its no-bonus ablation (c = 0, the
no-exploration baseline). Also run: the non-robust RPO, DR-LSVI-UCB (c = 0.01, greedy: its
regret includes the KL term of a deterministic policy, exactly), and, labelled as a
diagnostic variant (not the algorithm), DR-RPO with the ellipsoidal bonus sqrt(phi' L^-1 phi)
(docs/papers/drrpo.md §8). 20 seeds, K = 10^4; exact regret.
"""

SPEC = {
    "name": "dr_rpo_regret_hidden",
    "description": "exact robust-regularised regret vs episodes on drect_simplex_hidden(20, 5, "
                   "5, H = 5, rho = 0.1, beta_reg = 0.01): DR-RPO (reconstruction), no-bonus "
                   "ablation, non-robust RPO, DR-LSVI-UCB, ellipsoidal-bonus variant",
    "tags": ["regret", "robust", "linear", "dr_rpo", "exploration", "issue-13"],
    "root_seed": 25_120_413,
    "envs": {
        "Hidden": {"env": "drect_simplex_hidden_reg",
                   "params": {"S": 20, "A": 5, "d": 5, "horizon": 5, "rho": 0.1, "load": 0.5,
                              "r_max": 0.5, "rng": 0, "beta_reg": 0.01}},
    },
    "algorithms": {
        "DR-RPO": {"algorithm": "dr_rpo", "params": {"rho": 0.1, "beta_reg": 0.01}},
        "DR-RPO-nobonus": {"algorithm": "dr_rpo",
                           "params": {"rho": 0.1, "beta_reg": 0.01, "c": 0.0}},
        "RPO-nominal": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.01}},
        "DR-LSVI-UCB": {"algorithm": "dr_lsvi_ucb", "params": {"rho": 0.1, "c": 0.01}},
        "DR-RPO-ellipsoidal": {"algorithm": "dr_rpo",
                               "params": {"rho": 0.1, "beta_reg": 0.01,
                                          "bonus": "ellipsoidal"}},
    },
    "episodes": 10_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 60],
    "profiles": {"quick": {"episodes": 2_000, "seeds": 5, "seed_batch": 5}},
    "figures": ["dr_rpo_explore"],
}
