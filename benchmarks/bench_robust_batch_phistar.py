"""Does ``mdpsim.batch`` pay for DRPG's ``Phi*`` (robust VI to tol 1e-10 per Garnet)?

Compares, in one process, the looped compiled robust VI (``robust_value_iteration`` per
instance: one Numba call that iterates inside) on 50 DRPG Garnets against the same number of
sweeps of the batched robust backup (``stack_robust`` once, then the Numba batched backup per
sweep, no stopping rule — a lower bound on a batched robust VI's cost). Min of 5 repeats.

Run: ``python benchmarks/bench_robust_batch_phistar.py`` (writes
``benchmarks/results/robust_batch_phistar.json``). Issue #18, item "use the batched kernels
where the algorithms already batch": measured 0.44x (sa, G(15,8,3)) and 0.58x (s, G(15,8,15))
on 2 shared cores — the loop of compiled robust VI calls is faster, so ``Phi*`` is not batched.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "results"


def measure(n_inst=50, repeats=5):
    from mdpsim.batch import stack_robust
    from mdpsim.kernels import batched_numba
    from mdpsim.robust import drpg_garnet, robust_value_iteration

    rows = {}
    for rect, S, A, b in (("sa", 15, 8, 3), ("s", 15, 8, 15)):
        rms = [drpg_garnet(S, A, b, rect=rect, rng=s).rmdp
               for s in np.random.SeedSequence(1).spawn(n_inst)]
        robust_value_iteration(rms[0], tol=1e-10)
        loop = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            sols = [robust_value_iteration(r, tol=1e-10) for r in rms]
            loop = min(loop, time.perf_counter() - t0)
        n = max(s.n_iter for s in sols)
        RB = stack_robust(rms)
        g = float(rms[0].gamma)
        batched_numba.robust_backup(RB, np.zeros((n_inst, S)), g, 0, None, False)
        bat = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            V = np.zeros((n_inst, S))
            for _ in range(n):
                V = batched_numba.robust_backup(RB, V, g, 0, None, False)[0]
            bat = min(bat, time.perf_counter() - t0)
        rows[f"G({S},{A},{b}) {rect}"] = {"looped_rvi_ms": 1e3 * loop, "batched_sweeps_ms": 1e3 * bat,
                                         "sweeps": int(n), "batched_over_loop_speedup": loop / bat}
    return rows


if __name__ == "__main__":
    res = measure()
    OUT.mkdir(exist_ok=True)
    (OUT / "robust_batch_phistar.json").write_text(json.dumps(res, indent=1))
    for k, r in res.items():
        print(k, {a: round(v, 3) if isinstance(v, float) else v for a, v in r.items()})
