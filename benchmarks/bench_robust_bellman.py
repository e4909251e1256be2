"""``robust_bellman`` against the robust sweep inside robust VI, as ratios in one process.

Run: ``python benchmarks/bench_robust_bellman.py [S]`` (default S = 400, A = 10, b = 10
successors, (s,a)- and s-rectangular L1 DRPG Garnets). Per sweep:

* ``vi``: robust value iteration forced to ``N`` sweeps (``tol=1e-300``, ``max_iter=N``) / ``N``;
* ``bellman``: one ``robust_bellman(rm, V, kernel=False)`` call (TV and greedy policy only);
* ``bellman+kernel``: the default ``robust_bellman(rm, V)``, which also builds the dense
  ``S*A*S`` worst-case kernel.

Min over repeats (``time.perf_counter``). Target of issue #18: ``bellman / vi <= 1.2``.
No assertion on wall-clock time; the ratios are printed and written to
``benchmarks/results/robust_bellman.json``."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent / "results"


def _best(fn, repeats):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(S=400, A=10, b=10, sweeps=20, repeats=7):
    from mdpsim.robust import drpg_garnet, robust_bellman, robust_value_iteration

    rows = {}
    for rect in ("sa", "s"):
        rm = drpg_garnet(S, A, b, rect=rect, rng=np.random.SeedSequence(3)).rmdp
        V = robust_value_iteration(rm, tol=1e-6).V
        tv1, pi1 = robust_bellman(rm, V, kernel=False)          # compile / load
        tv2, pi2, _ = robust_bellman(rm, V)
        assert np.array_equal(tv1, tv2) and np.array_equal(pi1, pi2)
        robust_value_iteration(rm, tol=1e-300, max_iter=2)
        vi = _best(lambda: robust_value_iteration(rm, tol=1e-300, max_iter=sweeps), repeats) / sweeps
        bo = _best(lambda: robust_bellman(rm, V, kernel=False), repeats * 3)
        bk = _best(lambda: robust_bellman(rm, V), repeats * 3)
        rows[rect] = {"vi_sweep_ms": 1e3 * vi, "bellman_ms": 1e3 * bo,
                      "bellman_kernel_ms": 1e3 * bk, "bellman_over_vi": bo / vi,
                      "bellman_kernel_over_vi": bk / vi}
    return {"S": S, "A": A, "b": b, "rows": rows}


def main(argv):
    S = int(argv[0]) if argv else 400
    res = measure(S)
    OUT.mkdir(exist_ok=True)
    (OUT / "robust_bellman.json").write_text(json.dumps(res, indent=1))
    for rect, r in res["rows"].items():
        print(f"S={res['S']} A={res['A']} {rect}-rect: VI sweep {r['vi_sweep_ms']:.2f} ms, "
              f"robust_bellman(kernel=False) {r['bellman_ms']:.2f} ms "
              f"({r['bellman_over_vi']:.2f}x), with kernel {r['bellman_kernel_ms']:.2f} ms "
              f"({r['bellman_kernel_over_vi']:.2f}x)")


if __name__ == "__main__":
    main(sys.argv[1:])
