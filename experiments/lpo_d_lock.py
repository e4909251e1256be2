"""LPO's transitions against d on combination locks, where LPO succeeds at every d, next to
its no-bonus baseline (issue #14, item 3, second instance family). **Pre-registered**: this
file was committed before any of its cells ran.

Why. The d-scaling of ``experiments/lpo_sample_complexity.py`` (simplex linear MDPs d = 4, 8,
16 at ε = 0.1) measures N at critic sizes where LPO mostly fails (success 9/20, 1/20, 0/20):
its exponent is that of a budget, not of a successful run. On a combination lock with S
positions and A = 2 actions the one-hot feature dimension is d = A(S + 1), and LPO
succeeded on every probe (``experiments/lpo_exploration_margin.py``), so N(d) there is the
cost of a success.

Instances: ``chain_lock(S, A=2, gamma=0.9)`` with S in {4, 8, 12, 16} (d = 10, 18, 26, 34;
V* = 0.9^(S-1) = 0.729, 0.478, 0.314, 0.206), one combination per seed. ε = 0.1, tuned ε
schedule and bonus-free exploit output (``docs/papers/lpo.md`` §8), 20 seeds. Planners:
``LPO`` (C_s = 0.02) and ``LPO-no-bonus`` (``bonus="none"``).

Registered expectations (not a pass/fail rule for the theorem, which states only poly(d)):
(1) the reconstructed schedule predicts N ∝ d² up to logarithms (P ∝ d log T phases, M ∝ d
critic samples, K and the roll-out length independent of d); the fitted exponent of N in d
is reported with its bootstrap interval next to 2. (2) LPO succeeds on >= 16/20 seeds at
every S. (3) The no-bonus baseline succeeds while K·M·2^-S (an upper bound on reward-
collecting critic samples per phase under the uniform policy) is well above 1 and fails once
it is below 1; the S where it stops succeeding is reported. The longer lock also needs a
longer exploration path, so the d-exponent on this family mixes d with the lock length.

LPO and its ε schedule are **reconstructions** (``docs/papers/lpo.md`` §3, §8).

Usage: ``mdpsim run experiments/lpo_d_lock.py`` (about 10 CPU-minutes), ``--profile quick``
(3 seeds). Figure: ``python paper_figs/lpo_d_lock.py``.
"""

COMMON = {"eps": 0.1, "eps_constants": "tuned", "output": "exploit", "C_s": 0.02,
          "max_transitions": 1_000_000_000}
SIZES = [4, 8, 12, 16]

SPEC = {
    "name": "lpo_d_lock",
    "description": "LPO (reconstruction) total transitions against the feature dimension on "
                   "combination locks (one-hot d = 2(S+1)) at eps = 0.1, with its no-bonus "
                   "baseline",
    "tags": ["lpo", "policy_opt", "planner", "sample_complexity", "issue-14",
             "pre-registered"],
    "root_seed": 2306_09554_6,
    "envs": {f"lock{S}": {"env": "chain_lock", "params": {"S": S, "A": 2, "gamma": 0.9},
                          "spawn_key": [i]} for i, S in enumerate(SIZES)},
    "planners": {
        "LPO": {"planner": "lpo", "params": dict(COMMON)},
        "LPO-no-bonus": {"planner": "lpo", "params": {**COMMON, "bonus": "none"}},
    },
    "iterations": 1_000_000,
    "seeds": 20,
    "seed_batch": 4,
    "profiles": {
        "quick": {"description": "3 seeds (a smoke run)", "seeds": 3},
        "full": {"description": "20 seeds, S in {4, 8, 12, 16}"},
    },
    "figures": ["lpo_d_lock"],
}
