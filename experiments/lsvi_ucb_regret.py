"""Regret of LSVI-UCB vs K on linear MDPs, against greedy LSVI (β = 0) and tabular UCBVI.

Claim (Jin, Yang, Wang, Jordan, COLT 2020, Thm 3.1; docs/papers/lsvi_ucb.md): LSVI-UCB's
regret is Õ(sqrt(d^3 H^3 T)), so its log-log slope in K is at most 1/2 (accepted: <= 0.6,
an upper limit), while greedy LSVI has no guarantee and, where exploration matters, linear
regret (slope >= 0.9; its slope must exceed LSVI-UCB's by at least 0.3).

Instances. Exploration matters on linear RiverSwim (H = 10): with "kernel" features
phi(s, a) = (P(.|s, a), R(s, a)), d = S + 1 = 7, and one-hot features (S = 4, d = 2 S = 8; the
same instance UCBVI-CH runs on). On the random simplex MDP (S = 20, A = 5, d = 5, H = 5) the
Dirichlet features mix every action over the same d factors, so exploration barely matters
and greedy LSVI can be competitive at moderate K: it is kept as the "no exploration needed"
contrast, not as the instance that decides. The fail-state MDP (d = 4, H = 3) of the
DR-LSVI-UCB papers (part of it reconstructed, see the note) is the issue's second testbed.

LSVI-UCB runs at its tuned default c = 0.01 (β = c d H sqrt(ι)) and at the theorem's nominal
constant c = 1 ("LSVI-UCB-theory": burn-in with every Q at its cap; the slope is judged only
where that ends). Figure: paper_figs/lsvi_ucb_regret.py.
"""

SPEC = {
    "name": "lsvi_ucb_regret",
    "description": "exact cumulative regret vs episodes on linear MDPs: LSVI-UCB (tuned and "
                   "theory constant), greedy LSVI, UCBVI-CH on the tabular model",
    "tags": ["regret", "linear", "lsvi_ucb", "issue-12"],
    "root_seed": 19_070_538,
    "envs": {
        "RiverSwim-kernel": {"env": "linear_riverswim",
                             "params": {"S": 6, "horizon": 10, "features": "kernel"}},
        "RiverSwim-onehot": {"env": "linear_riverswim", "params": {"S": 4, "horizon": 10}},
        "Simplex": {"env": "linear_simplex",
                    "params": {"S": 20, "A": 5, "d": 5, "horizon": 5, "rng": 0}},
        "FailState": {"env": "linear_fail_state", "params": {"horizon": 3}},
    },
    "algorithms": {
        "LSVI-UCB": "lsvi_ucb",
        "LSVI-UCB-theory": {"algorithm": "lsvi_ucb", "params": {"c": 1.0}},
        "LSVI-greedy": "lsvi_greedy",
        "UCBVI-CH": "ucbvi_ch",
    },
    "episodes": 10_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 60],
    "profiles": {
        # about a minute on 2 cores once compiled
        "quick": {"episodes": 10_000, "seeds": 10},
    },
    "figures": ["lsvi_ucb_regret"],
}
