"""DRPG on Garnet robust MDPs: worst-case cost gap |Phi(pi_t) - Phi*| vs outer iteration t.

Reproduces the Garnet experiments of Wang, Ho & Petrik, "Policy Gradient in Robust MDPs with
Global Convergence Guarantee" (ICML 2023, arXiv:2212.10439) with the parameters of
``docs/papers/drpg.md`` §7: gamma = 0.95, costs U(0,5), support-preserving L1 sets,
(s,a)-rectangular G(5,4,3), G(10,6,3), G(15,8,3) (radii U(0.1,0.5)) and s-rectangular
G(10,5,10), G(15,8,15) (radii U(0.5,1)), 50 instances per size, 200 outer iterations.

Claim under test: DRPG's iterates reach the robust optimum, Phi(pi_T) - Phi* <= 1e-3 Phi* on
every instance, against Phi* from certified robust value iteration (tol 1e-10). Phi(pi_t) is
evaluated exactly (robust policy evaluation, certified to 1e-12) at every iterate.

Variants (same instances for all, paired; every variant but ``defaults`` is
``preset="paper"`` plus its own settings):

* ``defaults`` — ``drpg(rm)`` as a user runs it (``preset="default"``, the configuration that
  converges: warm start and (sa) alpha = 0.5, (s) alpha_t = 0.5 * 0.97^t; the same numbers
  as the two variants it was chosen from), on the paper's 50 instances and on five new
  instances per size (``instance`` 50-54); summary in ``results/drpg/defaults.md``;
* ``paper-code`` — DRPG with the authors' constants (``preset="paper"``; sa: alpha 0.05, beta
  0.1, inner ||dv||_2 <= 1e-3; s: alpha 0.1, beta 0.2, 1e-4), inner ascent restarted from the
  nominal kernel every outer step (as in the code); also on the five new instances;
* ``geometric-eps`` (sa, first 20 instances: it is the slow one) — the same with
  eps_t = 1e-3 * 0.95^t (inner capped at 2000 steps) [R: a non-increasing schedule as in the
  theory];
* ``warm-start`` — inner ascent started from the previous outer step's kernel [proposed];
  (sa) also with alpha = 0.5; (s) with two diminishing outer steps (Phi is nonsmooth at the
  stochastic s-rect optimum, so a constant step oscillates): alpha_t = 0.1/sqrt(t+1), the
  classical subgradient step (chosen on 8 separate exploratory instances, seeds 100-103), and
  alpha_t = 0.5 * 0.97^t, the geometrically decaying step of subgradient methods for sharp
  weakly convex functions (Davis et al. 2018), chosen among 8 schedules on 16 + 16
  exploratory instances of a different root seed by ``experiments/drpg_srect_stepsize.py``
  (``results/drpg/srect_stepsize.md``); no instance of this sweep was used to choose either;
* ``exact-inner`` — the exact worst-case kernel (robust policy evaluation) with the paper
  alpha and (s) alpha 0.01, alpha_t = 0.1/sqrt(t+1) and alpha_t = 0.5 * 0.97^t: separates
  the outer loop's error from the inner loop's;
* ``non-robust PG`` — projected PG on the nominal kernel, paper alpha.

Seeds and instances: each size is an environment ``drpg_garnet`` (registered in
``mdpsim.envs``) with ``spawn_key = [k]`` (k = the size's index); seed ``i`` of the sweep builds
instance ``i`` with ``rng = SeedSequence(root_seed, spawn_key=(k, i))`` — the seeding of the
hand-written sweep that produced the committed tables, so the same instances come out. Each
planner entry is one variant: the registered planner ``drpg`` with its ``params``; its
``seeds`` caps the instances it runs on and its ``envs`` the sizes. The store, resume, locks,
executors and progress are those of every experiment (``mdpsim run experiments/drpg_garnet.py
[--profile quick] [--executor dask]``); each row of a cell is one iterate ``t`` of one
instance with the exact ``phi = Phi(pi_t)``, ``phi_star``, ``rel_gap``, the inner solver's
``J_inner`` and the resolved hyper-parameters.

Committed tables (``experiments/results/drpg/``): ``garnet_curves.parquet`` (size, instance,
variant, t, rel_gap, J_rel_gap, inner_iters on the grid every step to 20, every 2nd to 100,
every 5th to 200) and ``garnet_final.csv`` were written by the hand-written sweep this spec
replaces (same code path: ``drpg()`` loops over the planner's steps); the ``quick`` profile
(2 sizes x 2 instances x defaults/paper-code) reproduces their rows bit for bit
(``tests/experiment/test_experiment_planner.py``: one cell; ``tests/project/test_paper_figs_drpg.py``: every
quick row on the committed t grid). Figure: ``paper_figs/drpg_garnet.py`` (reads the stored
run of this spec through ``mdpsim.experiment.load`` when there is one — labels mapped back,
``G5.4.3`` -> ``G(5,4,3)``, ``rel_gap`` subsampled on the committed t grid — else the
committed tables; its summary says which). ``mdpsim report drpg_garnet`` applies the
``drpg`` planner's acceptance rule to every stored instance.

Results (T = 200, 50 instances per size; pass = Phi(pi_200) - Phi* <= 1e-3 Phi*, last
iterate; worst = largest final relative gap ``(Phi(pi_200) - Phi*)/Phi*``)::

    variant               G(5,4,3) pass  worst  G(10,6,3) pass  worst  G(15,8,3) pass  worst
    --------------------  --------------------  ---------------------  ---------------------
    defaults              50/50  1.33e-05       50/50  7.35e-05        50/50  9.04e-05
    paper-code            37/50  2.85e-02       33/50  2.70e-03        17/50  4.60e-03
    geometric-eps         16/20  4.42e-03       15/20  3.28e-03        7/20  3.18e-03
    warm-start            50/50  5.38e-04       49/50  1.24e-03        40/50  2.14e-03
    warm-start alpha=0.5  50/50  1.33e-05       50/50  7.35e-05        50/50  9.04e-05
    exact-inner           50/50  5.46e-04       49/50  1.24e-03        39/50  2.14e-03
    non-robust PG         19/50  1.97e-01       7/50  1.04e-01         0/50  1.04e-01

    variant                          G(10,5,10) pass  worst  G(15,8,15) pass  worst
    -------------------------------  ----------------------  ----------------------
    defaults                         50/50  5.92e-04         50/50  3.99e-04
    paper-code                       0/50  4.19e-02          0/50  2.20e-02
    warm-start alpha=0.1/sqrt(t+1)   49/50  1.02e-03         50/50  9.29e-04
    warm-start alpha=0.5*0.97^t      50/50  5.92e-04         50/50  3.99e-04
    exact-inner                      0/50  4.40e-02          0/50  2.22e-02
    exact-inner alpha=0.01           35/50  1.78e-03         38/50  1.61e-03
    exact-inner alpha=0.1/sqrt(t+1)  47/50  1.10e-03         49/50  1.03e-03
    exact-inner alpha=0.5*0.97^t     50/50  5.93e-04         50/50  3.69e-04
    non-robust PG                    0/50  3.44e-01          0/50  4.01e-01

The geometric steps alpha_t = 0.5 * 0.97^t (warm start or exact inner) are the only s-rect
steps that pass on all 100 s-rect instances; the earlier alpha_t = 0.1/sqrt(t+1) misses
G(10,5,10) by one instance (gap 1.02e-3). Caveat: the geometric schedule is matched to the
horizon T = 200 (alpha_199 = 1.2e-3); its early iterates are worse than those of the sqrt
schedule (median gap ~2e-2 at t = 50 against ~1.2e-3; every instance below 1e-3 from
t = 130 on), so it is not an anytime schedule.

On the five new instances per size (``instance`` 50-54): ``defaults`` 5/5 on every size
(worst 6.3e-13, 7.1e-06, 6.0e-05, 2.7e-04, 1.9e-04), ``paper-code`` 3/5, 2/5, 0/5, 0/5, 0/5.

Usage: ``mdpsim run experiments/drpg_garnet.py --profile quick`` (under a minute),
``mdpsim run experiments/drpg_garnet.py`` (the full sweep: hours on two cores).
"""

ROOT_SEED = 2212_10439
#: (rect, S, A, b) of the paper's sizes, in the order of their spawn-key index
SIZES = (("sa", 5, 4, 3), ("sa", 10, 6, 3), ("sa", 15, 8, 3), ("s", 10, 5, 10),
         ("s", 15, 8, 15))
ENVS = {f"G{S}.{A}.{b}": {"env": "drpg_garnet",
                          "params": {"S": S, "A": A, "b": b, "rect": rect},
                          "spawn_key": [k]}
        for k, (rect, S, A, b) in enumerate(SIZES)}
SA = [lab for lab, e in ENVS.items() if e["params"]["rect"] == "sa"]
S_RECT = [lab for lab, e in ENVS.items() if e["params"]["rect"] == "s"]
PAPER = {"preset": "paper"}
SQRT = {"step_schedule": "sqrt"}
GEOM = {"step_schedule": "geometric", "alpha": 0.5, "step_rate": 0.97}

SPEC = {
    "name": "drpg_garnet",
    "description": "DRPG on Garnet robust MDPs (Wang, Ho & Petrik, ICML 2023): exact "
                   "worst-case cost gap to robust VI per outer iteration",
    "tags": ["robust", "drpg", "planner"],
    "root_seed": ROOT_SEED,
    "envs": ENVS,
    "planners": {
        # drpg(rm) as a user runs it (preset "default") and the paper's run, on all 55
        # instances; every other variant on the paper's 50 (geometric-eps: the first 20)
        "defaults": {"planner": "drpg"},
        "paper-code": {"planner": "drpg", "params": PAPER},
        "geometric-eps": {"planner": "drpg", "params": {**PAPER, "tolerance_schedule":
                                                        "geometric", "inner_max_iter": 2000},
                          "seeds": 20, "envs": SA},
        "warm-start": {"planner": "drpg", "seeds": 50, "params": {**PAPER, "warm_start": True},
                       "envs": SA},
        "warm-start_alpha=0.5": {"planner": "drpg", "seeds": 50, "envs": SA,
                                 "params": {**PAPER, "warm_start": True, "alpha": 0.5}},
        "warm-start_alpha=0.1_sqrt": {"planner": "drpg", "seeds": 50, "envs": S_RECT,
                                      "params": {**PAPER, "warm_start": True, **SQRT}},
        "warm-start_alpha=0.5_geom0.97": {"planner": "drpg", "seeds": 50, "envs": S_RECT,
                                          "params": {**PAPER, "warm_start": True, **GEOM}},
        "exact-inner": {"planner": "drpg", "seeds": 50, "params": {**PAPER, "inner": "exact"}},
        "exact-inner_alpha=0.01": {"planner": "drpg", "seeds": 50, "envs": S_RECT,
                                   "params": {**PAPER, "inner": "exact", "alpha": 0.01}},
        "exact-inner_alpha=0.1_sqrt": {"planner": "drpg", "seeds": 50, "envs": S_RECT,
                                       "params": {**PAPER, "inner": "exact", **SQRT}},
        "exact-inner_alpha=0.5_geom0.97": {"planner": "drpg", "seeds": 50, "envs": S_RECT,
                                           "params": {**PAPER, "inner": "exact", **GEOM}},
        "non-robust-PG": {"planner": "drpg", "seeds": 50, "params": {**PAPER, "inner": "nominal"}},
    },
    "iterations": 200,
    "seeds": 55,            # the paper's 50 instances (0-49) and five new ones (50-54)
    "seed_batch": 5,
    "profiles": {
        "quick": {"description": "2 sizes x 2 instances, defaults and paper-code",
                  "envs": ["G5.4.3", "G10.5.10"], "planners": ["defaults", "paper-code"],
                  "seeds": 2, "seed_batch": 1},
    },
    "figures": ["drpg_garnet"],
}
