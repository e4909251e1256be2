"""PSRL beats greedy certainty equivalence on a deep-exploration chain.

Claim: on RiverSwim (S = 6, H = 20), PSRL's exact regret is sublinear in the number of
episodes K (fitted log-log slope at most 0.6 over the last decade) while greedy certainty
equivalence pays linear regret (slope at least 0.9). An example experiment for
``docs/own_experiment.md``; ``tests/project/test_docs_examples.py`` runs its ``quick`` profile.
"""

SPEC = {
    "name": "my_claim",
    "description": "PSRL vs greedy on RiverSwim S=6 H=20: exact regret",
    "tags": ["regret", "example"],
    "root_seed": 12_345,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
    },
    "algorithms": {
        "PSRL": "psrl",
        "Greedy": "greedy",
    },
    "episodes": 20_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 100],
    "profiles": {
        "quick": {"episodes": 1_000, "seeds": 4, "seed_batch": 2},
    },
}
