"""MEX's final regret against the class size M on class families in which the hard part grows
with M (mdpsim/envs/model_class.py), with greedy MLE and OMLE on the same classes.

Claim put to the test (docs/papers/mex.md §10): the finite-class bound is Õ(√(d log M · H K))
at fixed d, i.e. regret growing like √(log M). On ``riverswim_class`` (``mex_eta``) regret
*falls* with M (the extra members are refuted by the same data and η grows with log M), so
this experiment builds families where identifying the truth needs more distinctions as M
grows:

* ``lock_class`` (``n`` = 1..6, M = 2^n): a stochastic combination lock whose class is all
  2^n combinations — ``log2 M`` binary distinctions, each made from the advance frequency of
  the action played at one position. Every member has the same optimal value, so MEX's argmax
  is the likelihood's (lowest-index ties): this measures the cost of the distinctions, not
  optimism. Each n is averaged over 10 instances (true combination and class order drawn by
  ``rng`` 0..9) × the seeds.
* ``needle_class`` (M = 4..64): M − 1 optimistic members, each hiding a jackpot behind its own
  action — ``M − 1`` distinctions, the worst case of a finite class (d grows with M: A = M).

Reported: mean final regret at K per M, the fitted exponent of mean final regret in log M
(lock) and in M (needle), each with a 95% bootstrap interval over runs (instance × seed).
Figure: paper_figs/mex_class_size.py.
"""

LOCK_N = [1, 2, 3, 4, 5, 6]
NEEDLE_M = [4, 8, 16, 32, 64]

SPEC = {
    "name": "mex_class_size",
    "description": "MEX, greedy MLE and OMLE final regret vs class size on lock_class (log2 M "
                   "distinctions) and needle_class (M - 1 distinctions)",
    "tags": ["regret", "finite_class", "mex", "class_size", "issue-15"],
    "root_seed": 20_230_601,
    "envs": {
        "Lock": {"env": "lock_class", "params": {"horizon": 10, "p_hi": 0.9, "p_lo": 0.5},
                 "grid": {"n": LOCK_N, "rng": list(range(10))}},
        "Needle": {"env": "needle_class", "params": {"horizon": 10, "r_safe": 0.8, "j": 0.9},
                   "grid": {"M": NEEDLE_M}},
    },
    "algorithms": {
        "MEX": "mex",
        "MLE-greedy": "mle_greedy",
        "OMLE": "omle",
    },
    "episodes": 10_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 30],
    "profiles": {
        # about a minute on 2 cores once compiled
        "quick": {"episodes": 3_000, "seeds": 10},
    },
    "figures": ["mex_class_size"],
}
