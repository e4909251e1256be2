"""Is LPO's low success on the simplex linear MDPs the critic's size? (issue #14, diagnostic
for item 3.) **Exploratory, not pre-registered**: the multipliers were chosen after a 4-seed
probe at d = 8 (critic ×1: 0/4, ×8: 3/4, ×32: 3/4 successes); 10 fresh seeds each here.

The d-scaling of ``experiments/lpo_sample_complexity.py`` runs the tuned ε schedule on simplex
linear MDPs (S = 20, A = 5, d in {4, 8, 16}, fixed instance ``rng = 1``, γ = 0.9) at ε = 0.1
and LPO succeeds on 9/20, 1/20 and 0/20 seeds. The summary attributes this to the critic:
M ∝ d critic samples per NPG iteration give Monte-Carlo noise larger than the action gaps.
This experiment tests that reading by scaling only M: K, the exploration budget T and the
step are the tuned schedule's at ε = 0.1 (``lpo_eps_schedule(0.1, constants=...)`` with
``c_M`` multiplied by 1, 8 and 32), passed to the planner explicitly, so everything else is
identical. Success = exact V* − V^π_out <= 0.1 (the schedule's ε); N = every transition.
If the reading is right, success rises with the critic multiplier at every d.

LPO and its ε schedule are **reconstructions** (``docs/papers/lpo.md`` §3, §8).

Usage: ``mdpsim run experiments/lpo_critic_size.py`` (about 20 CPU-minutes, most of it d = 16
at ×32), ``--profile quick`` (2 seeds, d = 4 and 8). Figure: ``python paper_figs/lpo_critic_size.py``.
"""
from mdpsim.algorithms.policy_opt.eps_schedule import EPS_CONSTANTS, lpo_eps_schedule

EPS = 0.1
DS = [4, 8, 16]
MULTIPLIERS = [1, 8, 32]


def _planner(d, mult):
    c = {**EPS_CONSTANTS["tuned"], "c_M": EPS_CONSTANTS["tuned"]["c_M"] * mult}
    s = lpo_eps_schedule(EPS, gamma=0.9, A=5, d=d, constants=c)
    return {"planner": "lpo", "envs": [f"simplex_d{d}"],
            "params": {"K": s["K"], "M": s["M"], "budget": s["budget"],
                       "eta_scale": s["eta_scale"], "output": "exploit", "C_s": 0.02,
                       "max_transitions": 1_000_000_000}}


SPEC = {
    "name": "lpo_critic_size",
    "description": "LPO (reconstruction) success on simplex linear MDPs at eps = 0.1 against "
                   "the critic size (the tuned schedule's M times 1, 8, 32)",
    "tags": ["lpo", "policy_opt", "planner", "sample_complexity", "issue-14", "diagnostic"],
    "root_seed": 2306_09554_7,
    "envs": {f"simplex_d{d}": {"env": "linear_simplex",
                               "params": {"S": 20, "A": 5, "d": d, "gamma": 0.9, "rng": 1}}
             for d in DS},
    "planners": {f"LPO-d{d}-critic-x{m}": _planner(d, m) for d in DS for m in MULTIPLIERS},
    "iterations": 1_000_000,
    "seeds": 10,
    "seed_batch": 2,
    "profiles": {
        "quick": {"description": "2 seeds, d = 4 and 8", "seeds": 2,
                  "envs": ["simplex_d4", "simplex_d8"]},
        "full": {"description": "10 seeds, d in {4, 8, 16}, critic x1, x8, x32"},
    },
    "figures": ["lpo_critic_size"],
}
