"""Conservative exploration with an offline-learned baseline: violations and regret vs n.

Claim (arXiv:2306.06265, extension): when the baseline is not given but learned from an
offline dataset of n trajectories of an unknown behaviour policy π^β, similar guarantees hold
"if the offline dataset is sufficiently large". Reconstruction ([R]/[P], see
``mdpsim.algorithms._conservative``): the learner plays the empirical behaviour policy π̂^b as
its baseline, with V^b unknown (threshold (1 - α) × an upper confidence bound, baseline
component bounded below), counts seeded with the data; the constraint is measured against the
behaviour policy's true value (1 - α) V^{π^β}, V^{π^β} = 0.7 V*. Expected: violations fall to
~0 above a threshold n (for small n the estimated baseline itself is below the level: see
"Baseline (π̂)"); regret approaches the known-baseline run. K = 5000, 50 seeds, α = 0.1.

Figure: paper_figs/stepmix_offline.py.
"""

_COMMON = {"baseline_fraction": 0.7, "bonus_scale": 0.003, "cert_scale": 0.1, "alpha": 0.1}
_NS = [3, 10, 30, 100, 300, 1000, 3000]

SPEC = {
    "name": "stepmix_offline",
    "description": "offline-learned baseline: violations of (1 - alpha) V^beta and regret vs "
                   "the number n of behaviour trajectories (StepMix, EpsMix, the estimated "
                   "baseline alone; known-baseline references)",
    "tags": ["conservative", "offline", "stepmix", "epsmix", "issue-4", "reconstructed"],
    "root_seed": 2_306_06267,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
        "Garnet": {"env": "garnet", "params": {"S": 10, "A": 3, "b": 3, "horizon": 10,
                                               "rng": 3}},
    },
    "algorithms": {
        "StepMix": {"algorithm": "stepmix", "params": _COMMON, "grid": {"offline_n": _NS}},
        "EpsMix": {"algorithm": "epsmix", "params": _COMMON, "grid": {"offline_n": _NS}},
        "Baseline": {"algorithm": "baseline",
                     "params": {"baseline_fraction": 0.7, "alpha": 0.1},
                     "grid": {"offline_n": _NS}},
        "StepMix-known": {"algorithm": "stepmix", "params": _COMMON},
        "EpsMix-known": {"algorithm": "epsmix", "params": _COMMON},
    },
    "episodes": 5_000,
    "seeds": 50,
    "seed_batch": 25,
    "eval_every": ["log", 30],
    "profiles": {
        "quick": {"episodes": 1_000, "seeds": 4, "seed_batch": 4},
    },
    "figures": ["stepmix_offline"],
}
