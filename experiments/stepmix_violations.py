"""Conservative exploration: zero episode-wise violations over 50 seeds, α = 0.05 and 0.2.

Claim (arXiv:2306.06265): every episode's policy has value >= (1 - α) V^b w.p. >= 1 - δ.
Counted exactly (DP on the true model, all episodes) by the engine's ``below_floor``.
Complements ``stepmix_delta`` (α = 0.1, δ grid, 50 seeds) and ``stepmix_regret`` (K = 10^5,
20 seeds): StepMix (per-step and switch families) and EpsMix (reconstructions) at α in
{0.05, 0.2}, δ = 0.05, tuned certificate (cert_scale = 0.1), V^b = 0.7 V*, K = 10^4 — the
violations of an under-covered certificate occur before it tightens (``stepmix_delta``).

Figure: paper_figs/stepmix_delta.py (table of violation counts).
"""

_COMMON = {"baseline_fraction": 0.7, "bonus_scale": 0.003, "cert_scale": 0.1, "delta": 0.05}

SPEC = {
    "name": "stepmix_violations",
    "description": "episode-wise violations of (1 - alpha) V^b over 50 seeds: StepMix, "
                   "StepMix-switch, EpsMix at alpha in {0.05, 0.2}",
    "tags": ["conservative", "stepmix", "epsmix", "violations", "issue-4", "reconstructed"],
    "root_seed": 2_306_06268,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
        "Garnet": {"env": "garnet", "params": {"S": 10, "A": 3, "b": 3, "horizon": 10,
                                               "rng": 3}},
    },
    "algorithms": {
        "StepMix": {"algorithm": "stepmix", "params": _COMMON, "grid": {"alpha": [0.05, 0.2]}},
        "StepMix-switch": {"algorithm": "stepmix", "params": {**_COMMON, "mixture": "switch"},
                           "grid": {"alpha": [0.05, 0.2]}},
        "EpsMix": {"algorithm": "epsmix", "params": _COMMON, "grid": {"alpha": [0.05, 0.2]}},
    },
    "episodes": 10_000,
    "seeds": 50,
    "seed_batch": 25,
    "eval_every": ["log", 30],
    "profiles": {
        "quick": {"episodes": 1_000, "seeds": 4, "seed_batch": 4},
    },
    "figures": ["stepmix_delta"],
}
