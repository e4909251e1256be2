"""Regret of the optimistic baselines on a hard-exploration chain and a random MDP.

Claim (upper bounds, docs/papers/metrics_and_acceptance.md): UCBVI-CH, UCBVI-BF, PSRL and
optimistic Q-learning have sublinear regret, Õ(sqrt(K)) in the number of episodes K (their
bounds: Õ(sqrt(H^3 S A K)), Õ(sqrt(H^2 S A K)), Õ(S sqrt(H^3 A K)), Õ(sqrt(H^5 S A K))); greedy
certainty equivalence has no such guarantee and is expected to pay linear regret on
RiverSwim. The figure (paper_figs/regret_tabular.py) fits the log-log slope of the exact
cumulative regret over the last decade of episodes, with a bootstrap CI over seeds.

Hyper-parameters are the engine's defaults: tuned bonus multipliers (``bonus_scale``), not
the theoretical constants — see ``mdpsim.algorithms.get_algorithm(name).describe()``.
"""

SPEC = {
    "name": "regret_tabular",
    "description": "exact cumulative regret vs episodes: UCBVI-CH, UCBVI-BF, PSRL, optimistic "
                   "Q-learning, greedy; RiverSwim S=6 H=20 and Garnet G(10, 3, 3) H=10",
    "tags": ["regret", "tabular", "baselines", "issue-3"],
    "root_seed": 20_240_601,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
        "Garnet": {"env": "garnet", "params": {"S": 10, "A": 3, "b": 3, "horizon": 10,
                                               "rng": 3}},
    },
    "algorithms": {
        "UCBVI-CH": "ucbvi_ch",
        "UCBVI-BF": "ucbvi_bf",
        "PSRL": "psrl",
        "OptQL": "optq",
        "Greedy": "greedy",
    },
    "episodes": 100_000,
    "seeds": 20,
    "seed_batch": 5,
    "eval_every": ["log", 200],
    "profiles": {
        # about a minute on 2 cores (kernels compiled or loaded from Numba's cache)
        "quick": {"episodes": 10_000, "seeds": 10},
    },
    "figures": ["regret_tabular"],
}
