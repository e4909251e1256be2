"""The d = 8 cells of experiments/dr_rpo_d_sweep.py continued to K = 10^5 (10 seeds, budget):
at K = 10^4 every bonus learner there still had a per-episode gap of 0.1-0.27, so the d-exponent
fitted at K = 10^4 mixes burn-in with rate; this run says whether the d = 8 gap closes
(issue #13; docs/papers/drrpo.md §9). Same instances, learners and objective (beta_reg = 0.1)
as the sweep; the step eta and the bonus beta depend on K through the theory formulas
(docs/papers/drrpo.md §6), so the K = 10^5 run is not a continuation of the K = 10^4 one.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dr_rpo_d_sweep import SPEC as _SWEEP  # noqa: E402

SPEC = {
    **_SWEEP,
    "name": "dr_rpo_d8_long",
    "description": "the d = 8 cells of dr_rpo_d_sweep to K = 1e5 (10 seeds): DR-RPO "
                   "(reconstruction), no bonus, ellipsoidal variant",
    "root_seed": 25_120_416,
    "envs": {k: v for k, v in _SWEEP["envs"].items() if k.endswith("-d8")},
    "episodes": 100_000,
    "seeds": 10,
    "seed_batch": 5,
    "eval_every": ["log", 80],
    "profiles": {"quick": {"episodes": 3_000, "seeds": 3, "seed_batch": 3}},
}
