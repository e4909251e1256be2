"""LPO against its no-exploration baseline on locks that random roll-outs cannot open
(issue #14: the margin over a no-exploration baseline). **Pre-registered**: this file, with
its instances, ε grid, seeds and decision rule, was committed before any of its cells ran.

Why a new instance. On the instances of ``experiments/lpo_sample_complexity.py`` (RiverSwim
S = 6, a 6-position lock, a d = 4 simplex MDP) LPO without its bonus (``bonus="none"``)
succeeds as often as LPO. The reason is the critic: every NPG iteration draws M roll-outs
that start with a uniformly random action, and each phase starts from the uniform policy, so
a phase's K·M critic samples are mostly random walks. A random walk opens an S-position,
A-action lock with probability at most ``A^-S``; on the 6-lock at ε = 0.4 (K = 21, M = 117)
that is up to K·M/2^6 ≈ 38 reward-collecting samples per phase — enough for NPG to find
the lock without any bonus. Here the locks are long enough that the same bound is below one
per phase:

* ``lock16``: ``chain_lock(S=16, A=2, gamma=0.9)``, V* = 0.9^15 = 0.206, one-hot d = 34;
  K·M·2^-16 ≈ 0.5 per phase at ε = 0.1;
* ``lock10x3``: ``chain_lock(S=10, A=3, gamma=0.9)``, V* = 0.9^9 = 0.387, d = 33;
  K·M·3^-10 ≈ 0.5 per phase at ε = 0.1.

One combination per seed (the env's ``rng`` comes from the seed). The instances were chosen
after a one-seed probe at ε = 0.1 (seed 0 of a direct ``run_planner`` call, outside this
spec): LPO reached the optimum on both, the no-bonus variant stayed at the uniform policy's
value. The ε grid stops at 0.05: at ε = 0.025 the tuned schedule's K jumps to 160 and one LPO
run needs more than 10^9 transitions.

Planners (both with the tuned ε schedule, ``docs/papers/lpo.md`` §8, and the bonus-free
exploit output; everything else at LPO's defaults): ``LPO`` (C_s = 0.02) and ``LPO-no-bonus``
(the same with ``bonus="none"``: no optimism, the no-exploration baseline). 20 seeds, ε in
{0.15, 0.1, 0.05} (all below V*/2 on lock10x3 and below V* on lock16, where a uniformly
random policy has gap 0.206 - 0.9^15·2^-16 > 0.15). Success = exact V*(init) - V^π_out(init)
<= ε (the discounted setting's linear solve); N = every environment transition of the run.

Decision rule (fixed before the runs). The margin is shown on an (instance, ε) cell when
(a) LPO succeeds on at least 16 of 20 seeds, (b) the no-bonus baseline on at most 4 of 20,
and (c) the 95 % Newcombe (Wilson hybrid) interval of the difference in success rates lies
above 0. The claim "LPO has a margin over its no-exploration baseline" passes if every one
of the 6 cells passes. Secondary, not part of the rule: LPO's exponent of N in 1/ε on each
lock (only a factor 3 in ε, so a wide interval), the median exact gaps, and N of both.

LPO and its ε schedule are **reconstructions** (``docs/papers/lpo.md`` §3, §8).

Usage: ``mdpsim run experiments/lpo_exploration_margin.py`` (the protocol above; about
25 CPU-minutes), ``--profile quick`` (3 seeds).
Figure and verdict: ``python paper_figs/lpo_exploration_margin.py``.
"""

EPS = [0.15, 0.1, 0.05]
COMMON = {"eps_constants": "tuned", "output": "exploit", "C_s": 0.02,
          "max_transitions": 1_000_000_000}

SPEC = {
    "name": "lpo_exploration_margin",
    "description": "LPO (reconstruction) against its no-bonus (no-exploration) baseline on "
                   "long combination locks, pre-registered decision rule on exact success",
    "tags": ["lpo", "policy_opt", "planner", "sample_complexity", "issue-14",
             "pre-registered"],
    "root_seed": 2306_09554_5,
    "envs": {
        "lock16": {"env": "chain_lock", "params": {"S": 16, "A": 2, "gamma": 0.9},
                   "spawn_key": [0]},
        "lock10x3": {"env": "chain_lock", "params": {"S": 10, "A": 3, "gamma": 0.9},
                     "spawn_key": [1]},
    },
    "planners": {
        "LPO": {"planner": "lpo", "params": dict(COMMON), "grid": {"eps": EPS}},
        "LPO-no-bonus": {"planner": "lpo", "params": {**COMMON, "bonus": "none"},
                         "grid": {"eps": EPS}},
    },
    "iterations": 1_000_000,
    "seeds": 20,
    "seed_batch": 4,
    "profiles": {
        "quick": {"description": "3 seeds (a smoke run, not the test)",
                  "seeds": 3},
        "full": {"description": "20 seeds, eps in {0.15, 0.1, 0.05}, both locks"},
    },
    "figures": ["lpo_exploration_margin"],
}
