"""Shared by experiments/dr_rpo_regret_fail.py and experiments/dr_rpo_regret_simplex.py (not a
spec: the leading underscore keeps it out of the spec list): the learners and the run settings
of the DR-RPO regret specs, which differ only in the instance and in the learners' uncertainty
set (``robust``: the TV radius and, on the fail-state MDP, where it acts and the dual's form).
"""


def learners(robust: dict) -> dict:
    """DR-RPO at its tuned multipliers (c = 0.01, eta = 1000) and at the theory preset (c = 1,
    eta = 1), DR-RPO with c = 0 (no bonus), DR-LSVI-UCB (c = 0.01) and the non-robust RPO, all
    with beta_reg = 0.01; then DR-RPO and RPO for the objective with beta_reg = 0.1."""
    return {
        "DR-RPO": {"algorithm": "dr_rpo", "params": {**robust, "beta_reg": 0.01}},
        "DR-RPO-theory": {"algorithm": "dr_rpo",
                          "params": {**robust, "beta_reg": 0.01, "c": 1.0, "eta": 1.0}},
        "DR-RPO-nobonus": {"algorithm": "dr_rpo", "params": {**robust, "beta_reg": 0.01,
                                                             "c": 0.0}},
        "DR-LSVI-UCB": {"algorithm": "dr_lsvi_ucb", "params": {**robust, "c": 0.01}},
        "RPO-nominal": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.01}},
        # the same learners for the objective with beta_reg = 0.1 (env label "<env>-b0.1")
        "DR-RPO-b0.1": {"algorithm": "dr_rpo", "params": {**robust, "beta_reg": 0.1}},
        "RPO-nominal-b0.1": {"algorithm": "rpo_nominal", "params": {"beta_reg": 0.1}},
    }


def run_settings() -> dict:
    """Episodes, seeds, evaluation grid, the quick profile and the figure (a fresh dict)."""
    return {
        "episodes": 10_000,
        "seeds": 20,
        "seed_batch": 10,
        "eval_every": ["log", 60],
        "profiles": {
            "quick": {"episodes": 2_000, "seeds": 5, "seed_batch": 5},
        },
        "figures": ["dr_rpo_regret"],
    }
