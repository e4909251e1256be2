"""Regret of the linear optimistic actor-critic (LSVI-UCB critic, det Λ_h doubling resets; a
reconstruction, docs/papers/optimistic_actor_critic.md §3.4) against LSVI-UCB, greedy LSVI and
its own no-optimism ablation on linear MDPs.

Claim: sublinear regret (fitted log–log slope upper limit <= 0.6) with a margin over the
no-optimism ablation where exploration matters (linear RiverSwim with kernel features,
S = 6, H = 10, d = 7); the simplex MDP (S = 20, A = 5, d = 5, H = 5, rng = 0) is the
"exploration barely matters" contrast (greedy LSVI is competitive there,
experiments/lsvi_ucb_regret.py). Epochs (``aux``) against ln K next to the d H log₂ K scale.
Constants are not tuned for this learner (c = 0.03 from LSVI-UCB, c_η = 1000 from the tabular
tuning). Figure: paper_figs/oac_linear.py.
"""

SPEC = {
    "name": "oac_linear",
    "description": "exact regret vs episodes on linear MDPs: linear optimistic actor-critic "
                   "(reconstructed), its no-optimism ablation, LSVI-UCB, greedy LSVI",
    "tags": ["regret", "linear", "actor_critic", "issue-16"],
    "root_seed": 20_250_509,
    "envs": {
        "RiverSwim-kernel": {"env": "linear_riverswim",
                             "params": {"S": 6, "horizon": 10, "features": "kernel"}},
        "Simplex": {"env": "linear_simplex",
                    "params": {"S": 20, "A": 5, "d": 5, "horizon": 5, "rng": 0}},
    },
    "algorithms": {
        "AC-linear": "actor_critic_linear",
        "AC-linear-no-optimism": {"algorithm": "actor_critic_linear",
                                  "params": {"optimism": False}},
        "LSVI-UCB": "lsvi_ucb",
        "LSVI-greedy": "lsvi_greedy",
    },
    "episodes": 10_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 60],
    "profiles": {
        "quick": {"episodes": 10_000, "seeds": 10},
    },
    "figures": ["oac_linear"],
}
