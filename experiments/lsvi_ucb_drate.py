"""LSVI-UCB: the exponent of regret in d measured in the rate regime (issue #12, experiment 2).

Why a new design (docs/papers/lsvi_ucb.md §8): with one frozen c = 0.03 for every d
(experiments/lsvi_ucb_scaling.py), beta = c d H sqrt(iota) does grow with d as in the theorem,
but at small d the bonus is too small (some d = 2 instances never explore: linear regret) and
at d = 16 it is too large (still in its burn-in at K = 2 10^4): only d = 8 was in the rate
regime, so no rate-regime d-exponent was available.

Design, fixed and committed BEFORE any run of this spec:

1. Tuning (profile "tune", the default "full" profile runs it too): for each
   d in {2, 4, 8, 16}, random simplex MDPs (linear_simplex, S = 20, A = 5, H = 5, factors on
   b = 5 states, as the d-sweep of lsvi_ucb_scaling) with held-out instance seeds 100..103,
   c in {0.01, 0.03, 0.1, 0.3}, K = 10^4, 4 seeds. Rule (the minimax-slope rule already used
   for c): per d, the c with the smallest worst-case slope over the four instances (slope of
   the seed-mean regret over [10^3, 10^4]); ties to the smaller c.
2. Measurement (profiles "rate-d2", "rate-d4", "rate-d8", "rate-d16", one learner each: its d's
   tuned c, filled in mechanically from step 1 in a later commit): instance seeds 1..20 (the
   d-sweep's), 4 seeds each, K = 2 10^4.
3. Regime check per d: the slope of the mean regret (pooled over instances and seeds) over
   [2 10^3, 2 10^4]; a d "qualifies" iff that slope is <= 0.6.
4. Estimators: primary, the slope of log(mean final regret at K = 2 10^4) on log d over the
   qualifying d's (at least three needed, else "not available"), 95% two-level bootstrap
   (instances, then seeds; paper_figs/lsvi_ucb_scaling.fit_exponent); secondary, the same with
   the geometric mean over instances, and the same over all four d's whatever their regime
   (labelled). Compared with the theorem's d^{3/2} as an upper bound (interval's upper end).

Caveat stated in advance: a c tuned per d changes the d-dependence of beta (beta_d =
c_d d H sqrt(iota)); the exponent measured is that of the tuned learner, not of the theorem's
algorithm with one constant; the tuned c_d are reported with it. Figure and tables:
paper_figs/lsvi_ucb_drate.py.
"""

_SIMPLEX = {"S": 20, "A": 5, "b": 5, "horizon": 5}
DS = (2, 4, 8, 16)
C_GRID = [0.01, 0.03, 0.1, 0.3]
#: per-d bonus multiplier chosen by step 1 (paper_figs/lsvi_ucb_drate.pick_c on the "tune" run;
#: worst-case held-out slopes 0.90, 0.70, 0.72, 0.83 at d = 2, 4, 8, 16)
C_TUNED = {2: 0.1, 4: 0.1, 8: 0.03, 16: 0.01}

_envs = {f"d{d}-tune": {"env": "linear_simplex", "params": {"d": d, **_SIMPLEX},
                        "grid": {"rng": [100, 101, 102, 103]}} for d in DS}
_algs = {"LSVI-UCB-grid": {"algorithm": "lsvi_ucb", "grid": {"c": C_GRID}}}
_profiles = {"full": {"envs": [f"d{d}-tune" for d in DS], "algorithms": ["LSVI-UCB-grid"]},
             "tune": {"envs": [f"d{d}-tune" for d in DS], "algorithms": ["LSVI-UCB-grid"]},
             "quick": {"episodes": 1_000, "seeds": 2, "seed_batch": 2,
                       "envs": ["d2-tune"], "algorithms": ["LSVI-UCB-grid"]}}
for _d, _c in C_TUNED.items():
    if _c is None:
        continue
    _envs[f"d{_d}"] = {"env": "linear_simplex", "params": {"d": _d, **_SIMPLEX},
                       "grid": {"rng": list(range(1, 21))}}
    _algs[f"LSVI-UCB-d{_d}"] = {"algorithm": "lsvi_ucb", "params": {"c": _c}}
    _profiles[f"rate-d{_d}"] = {"episodes": 20_000, "envs": [f"d{_d}"],
                                "algorithms": [f"LSVI-UCB-d{_d}"]}

SPEC = {
    "name": "lsvi_ucb_drate",
    "description": "LSVI-UCB regret vs d in the rate regime: c tuned per d on held-out "
                   "instances, then K = 2e4 on the d-sweep instances, regime checked per d",
    "tags": ["regret", "linear", "lsvi_ucb", "scaling", "issue-12"],
    "root_seed": 19_070_543,
    "envs": _envs,
    "algorithms": _algs,
    "episodes": 10_000,
    "seeds": 4,
    "seed_batch": 4,
    "eval_every": ["log", 30],
    "profiles": _profiles,
    "figures": ["lsvi_ucb_drate"],
}
