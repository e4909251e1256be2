"""``robust_bellman`` against the robust sweep inside robust VI, as ratios in one process.

Run: ``python benchmarks/bench_robust_bellman.py [S]`` (default S = 400, A = 10, b = 10
successors, (s,a)- and s-rectangular L1 DRPG Garnets). Per sweep:

* ``vi``: robust value iteration forced to ``N`` sweeps (``tol=1e-300``, ``max_iter=N``) / ``N``;
* ``bellman``: one ``robust_bellman(rm, V, kernel=False)`` call (TV and greedy policy only);
* ``bellman+kernel``: the default ``robust_bellman(rm, V)``, which also builds the dense
  ``S*A*S`` worst-case kernel.

Min over repeats (``time.perf_counter``). Target of issue #18: ``bellman / vi <= 1.2``.
No assertion on wall-clock time; the ratios are printed and written to
``benchmarks/results/robust_bellman.json``.

Sort once per sweep (``measure_sort_once``, written to ``results/robust_sort_once.json``): the
robust VI sweep (``_backup_impl`` at the robust VI solution, the operator ``_rvi`` applies)
with each L1 / TV row's order derived from one sort of ``V`` (``fast=True``, the default) vs
every row sorted (``fast=False``), same process, outputs checked bit-identical. Cases: a
dense-row TV model (S = 400, A = 10, every state a candidate entry) and an L1 Garnet with
b = 5 successors (S = 400, A = 10), (s,a)- and s-rectangular. The sort-once path needs
transition rewards ``rn = 0`` (pair rewards only); DRPG Garnets carry costs ``C[s,a,s']``
and keep the row sorts."""
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


def _sort_once_cases(S, A, b):
    from mdpsim.envs.garnet import garnet
    from mdpsim.robust import RobustMDP

    m = garnet(S, A, b, gamma=0.95, rng=np.random.SeedSequence(5))
    dense = garnet(S, A, S, gamma=0.95, rng=np.random.SeedSequence(6), storage="dense")
    g = np.random.default_rng(7)
    for rect in ("sa", "s"):
        shape = (S, A) if rect == "sa" else (S,)
        yield f"tv dense {rect}", RobustMDP(dense, "tv", g.uniform(0.05, 0.3, shape), rect=rect)
        yield f"l1 garnet b={b} {rect}", RobustMDP(m, "l1", g.uniform(0.1, 0.5, shape),
                                                   rect=rect)


def measure_sort_once(S=400, A=10, b=5, repeats=15):
    from mdpsim.kernels._robust_sweeps import _backup_impl
    from mdpsim.robust import robust_value_iteration
    from mdpsim.robust.view import robust_trans

    rows = {}
    for name, rm in _sort_once_cases(S, A, b):
        RT = robust_trans(rm)
        assert not RT.rn.any()
        V = robust_value_iteration(rm, tol=1e-6).V

        def sweep(fast):
            out = (np.empty(RT.S), np.zeros((RT.S, RT.A)), np.zeros(RT.q.shape[0]))
            _backup_impl(RT.kind, RT.rect, RT.S, RT.A, 0, RT.indptr, RT.idx, RT.q, RT.rn,
                         RT.Rb, 0, RT.budget, V, rm.gamma, np.zeros((0, 0)), False, *out,
                         fast)
            return out

        a, c = sweep(True), sweep(False)
        assert all(np.array_equal(x, y) for x, y in zip(a, c)), name
        t_sort = t_once = np.inf
        for _ in range(repeats):         # interleaved, so load drift hits both
            t_sort = min(t_sort, _best(lambda: sweep(False), 1))
            t_once = min(t_once, _best(lambda: sweep(True), 1))
        rows[name] = {"row_sorts_ms": 1e3 * t_sort, "sort_once_ms": 1e3 * t_once,
                      "speedup": t_sort / t_once, "nnz": int(RT.q.shape[0])}
    return {"S": S, "A": A, "b": b, "rows": rows}


def main(argv):
    S = int(argv[0]) if argv else 400
    so = measure_sort_once(S)
    OUT.mkdir(exist_ok=True)
    (OUT / "robust_sort_once.json").write_text(json.dumps(so, indent=1))
    for name, r in so["rows"].items():
        print(f"S={so['S']} A={so['A']} {name}: sweep with row sorts {r['row_sorts_ms']:.2f} ms, "
              f"sorted once {r['sort_once_ms']:.2f} ms ({r['speedup']:.2f}x)")
    res = measure(S)
    (OUT / "robust_bellman.json").write_text(json.dumps(res, indent=1))
    for rect, r in res["rows"].items():
        print(f"S={res['S']} A={res['A']} {rect}-rect: VI sweep {r['vi_sweep_ms']:.2f} ms, "
              f"robust_bellman(kernel=False) {r['bellman_ms']:.2f} ms "
              f"({r['bellman_over_vi']:.2f}x), with kernel {r['bellman_kernel_ms']:.2f} ms "
              f"({r['bellman_kernel_over_vi']:.2f}x)")


if __name__ == "__main__":
    main(sys.argv[1:])
