"""DR-RPO (a reconstruction) against the radius rho and the regulariser weight beta_reg on the
fail-state MDP (issue #13, knobs; figure paper_figs/dr_rpo_knobs.py).

Exact robust-regularised regret at K = 3000 (10 seeds) of DR-RPO and of the non-robust RPO on
the fail-state MDP (uncertainty on factor 4 at step 1, fail-state TV dual), for
rho in {0.4, 0.5, 0.7} at beta_reg = 0.1 and for beta_reg in {0.03, 0.1, 0.3} at rho = 0.5.
A learner's rho and beta_reg must match the objective it is scored by; the engine cannot pair
grids, so the spec runs the cross product and the figure keeps the matching cells only (the
non-robust RPO has no rho: it is matched on beta_reg). rho = 0.4 is just above the value
0.375 at which the robust step-1 action changes (docs/papers/drrpo.md §6).
"""

_FAIL = {"rho_stage": 0, "rho_factor": 3, "dual": "fail_state"}

SPEC = {
    "name": "dr_rpo_knobs",
    "description": "DR-RPO (reconstruction) and non-robust RPO: exact robust-regularised "
                   "regret at K = 3000 on the fail-state MDP over rho and beta_reg grids",
    "tags": ["regret", "robust", "linear", "dr_rpo", "issue-13"],
    "root_seed": 25_101_427,
    "envs": {
        "rho": {"env": "drect_fail_state_reg", "params": {"beta_reg": 0.1},
                "grid": {"rho": [0.4, 0.5, 0.7]}},
        "beta": {"env": "drect_fail_state_reg", "params": {"rho": 0.5},
                 "grid": {"beta_reg": [0.03, 0.1, 0.3]}},
    },
    "algorithms": {
        "DR-RPO-rho": {"algorithm": "dr_rpo", "params": {**_FAIL, "beta_reg": 0.1},
                       "grid": {"rho": [0.4, 0.5, 0.7]}},
        "DR-RPO-beta": {"algorithm": "dr_rpo", "params": {**_FAIL, "rho": 0.5},
                        "grid": {"beta_reg": [0.03, 0.1, 0.3]}},
        "RPO-nominal": {"algorithm": "rpo_nominal",
                        "grid": {"beta_reg": [0.03, 0.1, 0.3]}},
    },
    "episodes": 3_000,
    "seeds": 10,
    "seed_batch": 10,
    "eval_every": ["log", 30],
    "profiles": {
        "quick": {"episodes": 1_000, "seeds": 3, "seed_batch": 3},
    },
    "figures": ["dr_rpo_knobs"],
}
