"""Regret of DR-RPO (a reconstruction) against the feature dimension d (issue #13, item 3 of
"Experiments"; figure paper_figs/dr_rpo_explore.py). Decided and committed before running.

Two families, d in {2, 4, 8}, S = 20, A = 5, H = 5, TV radius 0.1 on every factor and stage,
rng = 0, K = 10^4, 20 seeds, exact robust-regularised regret:

* "Coord-d": drect_simplex with Dirichlet concentration alpha = 0.2/d (features near the
  coordinate vectors, mean largest coordinate about 0.9 at every d: "fail-state-like", where
  the d-rectangular bonus shrinks along played directions, docs/papers/drrpo.md §8),
  beta_reg = 0.1;
* "Hidden-d": drect_simplex_hidden (the exploration instance of
  experiments/dr_rpo_regret_hidden.py) with beta_reg = 0.1 here, so that one learner
  set (beta_reg = 0.1) matches both families' objectives.

Learners: DR-RPO (tuned c = 0.01, eta = 1000), its no-bonus ablation, and the
ellipsoidal-bonus variant (diagnostic, labelled). The regret at K = 10^4 is fitted as
log R = a + b log d with a bootstrap interval over seeds (mdpsim.theory); DR-LSVI-UCB's bound
is of order d^2 (docs/papers/drrpo.md §4), the bonus multiplier beta grows like d.
"""

_ENVS = {}
for _d in (2, 4, 8):
    _ENVS[f"Coord-d{_d}"] = {"env": "drect_simplex_reg",
                             "params": {"S": 20, "A": 5, "d": _d, "horizon": 5, "rho": 0.1,
                                        "rng": 0, "alpha": 0.2 / _d, "beta_reg": 0.1}}
    _ENVS[f"Hidden-d{_d}"] = {"env": "drect_simplex_hidden_reg",
                              "params": {"S": 20, "A": 5, "d": _d, "horizon": 5, "rho": 0.1,
                                         "load": 0.5, "r_max": 0.5, "rng": 0,
                                         "beta_reg": 0.1}}

_R = {"rho": 0.1, "beta_reg": 0.1}

SPEC = {
    "name": "dr_rpo_d_sweep",
    "description": "DR-RPO (reconstruction) exact robust-regularised regret vs d in {2, 4, 8} "
                   "on near-coordinate simplex and hidden-factor d-rectangular MDPs "
                   "(rho = 0.1, beta_reg = 0.1)",
    "tags": ["regret", "robust", "linear", "dr_rpo", "scaling", "issue-13"],
    "root_seed": 25_120_415,
    "envs": _ENVS,
    "algorithms": {
        "DR-RPO": {"algorithm": "dr_rpo", "params": dict(_R)},
        "DR-RPO-nobonus": {"algorithm": "dr_rpo", "params": {**_R, "c": 0.0}},
        "DR-RPO-ellipsoidal": {"algorithm": "dr_rpo",
                               "params": {**_R, "bonus": "ellipsoidal"}},
    },
    "episodes": 10_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 60],
    "profiles": {"quick": {"episodes": 2_000, "seeds": 5, "seed_batch": 5}},
    "figures": ["dr_rpo_explore"],
}
