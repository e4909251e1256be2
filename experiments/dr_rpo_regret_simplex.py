"""Robust-regularised regret vs K of DR-RPO (a reconstruction), DR-LSVI-UCB and the non-robust
policy optimisation on a random d-rectangular simplex MDP (issue #13, experiment 1; figure
paper_figs/dr_rpo_regret.py, with experiments/dr_rpo_regret_fail.py, whose docstring states
the claim).

Instance: drect_simplex(S = 20, A = 5, d = 5, H = 5, rng = 0) — random simplex features and
factors — with a TV ball of radius 0.1 on every factor at every stage, objective regularised
with beta_reg = 0.01 towards the uniform policy; regret exact against the robust-regularised
optimum. General form of the TV dual (no fail state here). The instance (rng = 0) is disjoint
from the tuning instances (rng = 100, 101). Same learners and the same two objectives
(beta_reg = 0.01 and 0.1, matching pairs only in the figure) as the fail-state spec.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _dr_rpo_regret import learners, run_settings  # noqa: E402

_R = {"rho": 0.1}

SPEC = {
    "name": "dr_rpo_regret_simplex",
    "description": "exact robust-regularised regret vs episodes on drect_simplex(20, 5, 5, "
                   "H = 5, rho = 0.1, beta_reg = 0.01): DR-RPO (reconstruction), "
                   "DR-LSVI-UCB, non-robust RPO",
    "tags": ["regret", "robust", "linear", "dr_rpo", "issue-13"],
    "root_seed": 25_101_425,
    "envs": {
        "Simplex": {"env": "drect_simplex_reg",
                    "params": {"S": 20, "A": 5, "d": 5, "horizon": 5, "rho": 0.1, "rng": 0,
                               "beta_reg": 0.01}},
        "Simplex-b0.1": {"env": "drect_simplex_reg",
                         "params": {"S": 20, "A": 5, "d": 5, "horizon": 5, "rho": 0.1,
                                    "rng": 0, "beta_reg": 0.1}},
    },
    "algorithms": learners(_R),
    **run_settings(),
}
