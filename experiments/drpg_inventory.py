"""DRPG with the parametric (exponentially tilted) kernel on the "inventory" instance.

Reproduces the parametric-kernel comparison of Wang, Ho & Petrik (ICML 2023,
arXiv:2212.10439; ``docs/papers/drpg.md`` §7.3): S = 8, A = 3, gamma = 0.95, kernel
``p ∝ pbar exp(theta.phi(s') / lambda.psi(s,a))`` with ``||theta - theta_c||_1 <= 1``,
``||lambda - lambda_c||_1 <= 1``, ``lambda >= 1e-5``. Methods (planner ``drpg_parametric``):
DRPG with alpha = 0.1 and alpha = 0.01, and non-robust PG (``robust=False``: policy steps
under the nominal tilt ``p(theta_c, lambda_c)``, alpha = 0.1). Each row is one iterate ``t``
with ``worst_cost``, the iterate's worst-case cost as found by the inner solver (projected
ascent on (theta, lambda), steps 0.01, start (1, 1), stop ``||dV||_2 <= 1e-4``) — a heuristic:
the parametric set is not rectangular and the inner problem is not concave, so no exact Phi
exists here (labelled in the figure) — and ``nominal_cost``, the exact cost
``J(pi_t, p(theta_c, lambda_c))`` under the nominal tilt.

The instance is the released code's random generator (costs |N(2,2)|, integer weights), with
[R] reconstructed state coordinates and initial policy (see
:mod:`mdpsim.envs.robust_instances`). One instance: the environment ``drpg_inventory`` with
``rng = ROOT_SEED`` fixed in its params (``default_rng(ROOT_SEED)``, the same generator as the
``SeedSequence(ROOT_SEED)`` of the hand-written script this spec replaced), one seed.

Committed table: ``experiments/results/drpg/inventory_curves.csv`` (method, t, worst_cost,
nominal_cost, inner_iters) and ``inventory_meta.json``, written by that script; a run of this
spec reproduces them bit for bit (``tests/experiment/test_experiment_planner.py`` checks the ``quick``
profile, 20 iterations). Figure: ``paper_figs/drpg_inventory.py`` (reads the stored run of
this spec through ``mdpsim.experiment.load`` when there is one, else the committed table).

Usage: ``mdpsim run experiments/drpg_inventory.py [--profile quick]`` (the full run: about a
minute).
"""

ROOT_SEED = 2212_10439_7

SPEC = {
    "name": "drpg_inventory",
    "description": "DRPG with a parametric (exponentially tilted) kernel on the 'inventory' "
                   "instance (Wang, Ho & Petrik, ICML 2023): heuristic worst-case and nominal "
                   "cost per outer iteration",
    "tags": ["robust", "drpg", "planner"],
    "root_seed": ROOT_SEED,
    "envs": {"inventory": {"env": "drpg_inventory", "params": {"rng": ROOT_SEED}}},
    "planners": {
        "DRPG_alpha=0.1": {"planner": "drpg_parametric", "params": {"alpha": 0.1}},
        "DRPG_alpha=0.01": {"planner": "drpg_parametric", "params": {"alpha": 0.01}},
        "non-robust-PG_alpha=0.1": {"planner": "drpg_parametric",
                                    "params": {"alpha": 0.1, "robust": False}},
    },
    "iterations": 200,
    "seeds": 1,
    "seed_batch": 1,
    "profiles": {
        "quick": {"description": "the three methods, 20 outer iterations",
                  "iterations": 20},
    },
    "figures": ["drpg_inventory"],
}
