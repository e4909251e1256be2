"""Exploratory outer step-size study for DRPG on the s-rectangular Garnets (issue #5).

Chooses the outer step schedule of the warm-started DRPG for the s-rectangular sizes
G(10,5,10) and G(15,8,15) of ``experiments/drpg_garnet.py`` on **separate exploratory
instances**: seed ``i`` of size index ``k`` (3: G(10,5,10), 4: G(15,8,15), the spawn keys of
the sweep) is the instance ``SeedSequence(EXPLORE_ROOT, spawn_key=(k, i))``, ``i = 0..15``,
with ``EXPLORE_ROOT != drpg_garnet``'s root seed ``2212_10439``, so none of them is one of the
sweep's instances. The instance generator, T = 200, the inner loop (warm start, paper-code
beta 0.2 and inner tol 1e-4: ``preset="paper"`` plus ``warm_start``) and the acceptance rule
(last iterate, ``Phi(pi_200) - Phi* <= 1e-3 Phi*``, Phi* by robust VI to 1e-10: the ``drpg``
planner's) are those of the sweep; only the outer step schedule varies
(``mdpsim.algorithms.drpg.step_sizes``), one planner entry per schedule.

Committed table: ``experiments/results/drpg/srect_stepsize_explore.csv`` (one row per config x
size x instance: final, best, t = 100/150 and worst-over-[180, 200] relative gaps, total inner
iterations, phi_star; 12 significant digits) and its summary ``srect_stepsize.md``, written by
the hand-written script this spec replaced (config names there: ``sqrt c=0.1`` = label
``sqrt_c=0.1``, ``geometric a0=0.5 q=0.97`` = ``geometric_a0=0.5_q=0.97``, ``constant
0.1/sqrt(T+1)`` = ``constant_0.1_over_sqrt_T+1``, ...). The ``quick`` profile (G(10,5,10), two
instances, the earlier choice ``sqrt c=0.1`` and the chosen ``geometric a0=0.5 q=0.97``)
reproduces those rows to their printed precision (``tests/experiment/test_experiment_planner.py``).

Usage: ``mdpsim run experiments/drpg_srect_stepsize.py --profile quick`` (seconds);
``mdpsim run experiments/drpg_srect_stepsize.py`` (the full study, 256 runs: about 20 minutes
on one core).
"""

EXPLORE_ROOT = 9_2212_10439          # not drpg_garnet's root seed: disjoint instances
WARM = {"preset": "paper", "warm_start": True}

SPEC = {
    "name": "drpg_srect_stepsize",
    "description": "DRPG outer step-size schedules on exploratory s-rectangular Garnet "
                   "instances (disjoint from the drpg_garnet sweep)",
    "tags": ["robust", "drpg", "planner", "exploratory"],
    "root_seed": EXPLORE_ROOT,
    "envs": {
        "G10.5.10": {"env": "drpg_garnet", "params": {"S": 10, "A": 5, "b": 10, "rect": "s"},
                     "spawn_key": [3]},
        "G15.8.15": {"env": "drpg_garnet", "params": {"S": 15, "A": 8, "b": 15, "rect": "s"},
                     "spawn_key": [4]},
    },
    "planners": {
        "sqrt_c=0.1": {"planner": "drpg", "params": {**WARM, "step_schedule": "sqrt",
                                                     "alpha": 0.1}},
        "sqrt_c=0.2": {"planner": "drpg", "params": {**WARM, "step_schedule": "sqrt",
                                                     "alpha": 0.2}},
        "sqrt_c=0.3": {"planner": "drpg", "params": {**WARM, "step_schedule": "sqrt",
                                                     "alpha": 0.3}},
        "sqrt_c=0.5": {"planner": "drpg", "params": {**WARM, "step_schedule": "sqrt",
                                                     "alpha": 0.5}},
        "harmonic_c=1": {"planner": "drpg", "params": {**WARM, "step_schedule": "harmonic",
                                                       "alpha": 1.0}},
        "geometric_a0=0.3_q=0.98": {"planner": "drpg", "params": {
            **WARM, "step_schedule": "geometric", "alpha": 0.3, "step_rate": 0.98}},
        "geometric_a0=0.5_q=0.97": {"planner": "drpg", "params": {
            **WARM, "step_schedule": "geometric", "alpha": 0.5, "step_rate": 0.97}},
        # the constant step 0.1/sqrt(T + 1) = 0.1/sqrt(201) (float64, correctly rounded)
        "constant_0.1_over_sqrt_T+1": {"planner": "drpg",
                                       "params": {**WARM, "alpha": 0.007053456158585983}},
    },
    "iterations": 200,
    "seeds": 16,
    "seed_batch": 4,
    "profiles": {
        "quick": {"description": "G(10,5,10), 2 instances, sqrt c=0.1 and geometric "
                                 "a0=0.5 q=0.97",
                  "envs": ["G10.5.10"],
                  "planners": ["sqrt_c=0.1", "geometric_a0=0.5_q=0.97"],
                  "seeds": 2, "seed_batch": 1},
    },
    "figures": [],
}
