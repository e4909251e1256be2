"""Conservative exploration: fraction of seeds with any episode-wise violation vs δ.

Claim (arXiv:2306.06265): w.p. >= 1 - δ *every* episode's policy has value >= (1 - α) V^b,
so the fraction of seeds with at least one violating episode (exact DP on the true model,
counted over all episodes by the engine's ``below_floor``) must be <= δ. Runs StepMix and
EpsMix (reconstructions) at the tuned certification width (cert_scale = 0.1) and at an
under-scaled width (cert_scale = 0.01, labelled "-c0.01": shows that the measurement detects
violations when the certificate is too narrow), and UCBVI-CH (unconstrained, counting its
violations) for reference; K = 10^4 episodes (violations happen before the certificates
tighten), 50 seeds, α = 0.1, V^b = 0.7 V*.

Figure: paper_figs/stepmix_delta.py.
"""

_COMMON = {"baseline_fraction": 0.7, "bonus_scale": 0.003, "alpha": 0.1}
_DELTAS = [0.01, 0.02, 0.05, 0.1, 0.2]

SPEC = {
    "name": "stepmix_delta",
    "description": "fraction of seeds with any violation of (1 - alpha) V^b vs delta: "
                   "StepMix, EpsMix (tuned and under-scaled certificates), UCBVI-CH",
    "tags": ["conservative", "stepmix", "epsmix", "violations", "issue-4", "reconstructed"],
    "root_seed": 2_306_06266,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
        "Garnet": {"env": "garnet", "params": {"S": 10, "A": 3, "b": 3, "horizon": 10,
                                               "rng": 3}},
    },
    "algorithms": {
        "StepMix": {"algorithm": "stepmix", "params": {**_COMMON, "cert_scale": 0.1},
                    "grid": {"delta": _DELTAS}},
        "EpsMix": {"algorithm": "epsmix", "params": {**_COMMON, "cert_scale": 0.1},
                   "grid": {"delta": _DELTAS}},
        "StepMix-c0.01": {"algorithm": "stepmix", "params": {**_COMMON, "cert_scale": 0.01},
                         "grid": {"delta": _DELTAS}},
        "EpsMix-c0.01": {"algorithm": "epsmix", "params": {**_COMMON, "cert_scale": 0.01},
                        "grid": {"delta": _DELTAS}},
        "UCBVI-CH": {"algorithm": "stepmix", "params": {**_COMMON, "constrained": False},
                     "grid": {"delta": _DELTAS}},
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
