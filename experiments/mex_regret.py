"""Regret of MEX on a finite model class vs K, against its posterior-sampling cousin, the
optimistic confidence-set method (OMLE-style) and greedy MLE (η = ∞).

Claim (Liu et al., NeurIPS 2023, arXiv:2305.18258; docs/papers/mex.md): one unconstrained
maximisation of V_m − η·NLL_m explores well enough for sublinear regret, Õ(√K) (accepted: fitted
log–log slope <= 0.6, an upper limit: on a well-separated finite class the regret is bounded,
slope ≈ 0); greedy MLE has no guarantee and, where exploration matters, linear regret (slope
>= 0.9 on the RiverSwim class). Instances: ``riverswim_class`` (S = 5, H = 10, M = 16:
RiverSwim variants and "jackpot" members, see mdpsim/envs/model_class.py) and
``garnet_class`` (S = 8, A = 3, b = 3, H = 10, M = 16 perturbations on the truth's support).
Per-episode cost (wall time in the table's attrs) of MEX and OMLE is recorded in the same run.
Figure: paper_figs/mex_regret.py.
"""

SPEC = {
    "name": "mex_regret",
    "description": "exact cumulative regret vs episodes on finite model classes: MEX, MEX "
                   "posterior sampling, OMLE (confidence set), greedy MLE",
    "tags": ["regret", "finite_class", "mex", "issue-15"],
    "root_seed": 20_230_529,
    "envs": {
        "RiverSwim-class": {"env": "riverswim_class",
                            "params": {"S": 5, "horizon": 10, "M": 16, "rng": 0}},
        "Garnet-class": {"env": "garnet_class",
                         "params": {"S": 8, "A": 3, "b": 3, "horizon": 10, "M": 16,
                                    "rng": 0}},
    },
    "algorithms": {
        "MEX": "mex",
        "MEX-PS": "mex_ps",
        "OMLE": "omle",
        "MLE-greedy": "mle_greedy",
    },
    "episodes": 10_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 60],
    "profiles": {
        # well under a minute on 2 cores once compiled
        "quick": {"episodes": 3_000, "seeds": 20},
    },
    "figures": ["mex_regret"],
}
