"""Hybrid offline–online actor-critic: success of the non-optimistic hybrid against the number
of offline trajectories N_off, for behaviour policies of different coverage (Tan, Fan, Wei,
ICML 2025, arXiv:2505.03710; docs/papers/optimistic_actor_critic.md §3.5).

Claim (an upper bound, with an unknown constant): the non-optimistic hybrid finds an ε-optimal
policy once N_off ≳ c*_off d H⁴ / ε² (c*_off the single-policy concentrability of the
behaviour policy μ, d = S A for a tabular MDP). Without offline data the non-optimistic critic
fails on RiverSwim (S = 6, H = 20: it settles on the left bank). Measured: the fraction of
seeds whose policy at the last of K = 200 online episodes is ε-optimal (exact gap
V* − V^{π_K}), for ε ∈ {0.1, 0.3, 1.0}, against N_off, for μ = the π*/uniform mixtures with
V^μ / V* ∈ {0.05, 0.2, 0.5} (exact c*_off = 23.4, 5.32, 2.10 from the occupancies,
mdpsim.engine.side.behaviour_catalogue). The observed threshold (smallest N_off with success
≥ 0.9) is compared with the predicted c*_off S A H⁴ / ε² (ratio). Figure:
paper_figs/oac_hybrid.py.
"""

SPEC = {
    "name": "oac_hybrid",
    "description": "non-optimistic hybrid actor-critic: success (exact ε-optimality of the "
                   "last policy) vs the number of offline trajectories and the behaviour's "
                   "coverage, RiverSwim S=6 H=20",
    "tags": ["hybrid", "offline", "actor_critic", "issue-16"],
    "root_seed": 20_250_507,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
    },
    "algorithms": {
        "hybrid": {"algorithm": "actor_critic_hybrid",
                   "grid": {"offline_n": [0, 1, 2, 3, 5, 10, 20, 30, 50, 100, 300],
                            "baseline_fraction": [0.05, 0.2, 0.5]}},
    },
    "episodes": 200,
    "seeds": 20,
    "seed_batch": 20,
    "eval_every": ["log", 20],
    "profiles": {
        "quick": {"seeds": 10, "seed_batch": 10},
    },
    "figures": ["oac_hybrid"],
}
