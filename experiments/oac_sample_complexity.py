"""Sample complexity of the optimistic actor-critic: episodes K_ε until the output policy is
ε-optimal, exactly, for ε over a decade (Tan, Fan, Wei, ICML 2025, arXiv:2505.03710;
docs/papers/optimistic_actor_critic.md §4).

Output policy: the **uniform mixture** of the played policies π_1..π_K (an episode-level
mixture: its exact value is the mean of their exact values), so its suboptimality is
Regret(K) / K and K_ε = min{K : Regret(K) / K <= ε}, read from the exact cumulative regret at
every episode (``eval_every = "every"``). The theorem's O(1/ε²) shows as a fitted exponent of
K_ε in ε of at least −2 (an upper bound on the growth; gap-dependent instances give about −1).
Why not the last iterate: right after a reset the actor restarts from uniform, so with a small
step the last iterate makes a mistake at every switch (an exploratory trial, not stored:
c_η = 30 on RiverSwim S = 4, H = 10, K = 2·10^4, 6 seeds gave a last-iterate K_ε ≈ 12600 for
every ε in [0.01, 0.1], i.e. the last switch); the mixture has no such artefact.
Instance: RiverSwim (S = 6, H = 20). Learners: AC (tuned), AC-theory-eta (c_η = 1),
UCBVI-CH-matched (the same bonus size, greedy). Figure: paper_figs/oac_sample_complexity.py.
"""

SPEC = {
    "name": "oac_sample_complexity",
    "description": "episodes until the mixture policy is eps-optimal (exact): optimistic "
                   "actor-critic (reconstructed), its paper-step variant, UCBVI-CH",
    "tags": ["sample_complexity", "actor_critic", "issue-16"],
    "root_seed": 20_250_508,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
    },
    "algorithms": {
        "AC": "actor_critic",
        "AC-theory-eta": {"algorithm": "actor_critic", "params": {"c_eta": 1.0}},
        "UCBVI-CH-matched": {"algorithm": "ucbvi_ch", "params": {"bonus_scale": 3e-4}},
    },
    "episodes": 20_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": "every",
    "profiles": {
        "quick": {"episodes": 5_000, "seeds": 10},
    },
    "figures": ["oac_sample_complexity"],
}
