"""Exploratory outer step-size study for DRPG on the s-rectangular Garnets (issue #5).

Chooses the outer step schedule of the warm-started DRPG for the s-rectangular sizes
G(10,5,10) and G(15,8,15) of :mod:`experiments.drpg_garnet` on **separate exploratory
instances**: ``SeedSequence(EXPLORE_ROOT, spawn_key=(size_index, i))``, ``i = 0..n-1``, with
``EXPLORE_ROOT != drpg_garnet.ROOT_SEED``, so none of them is one of the 50 sweep instances
(``SeedSequence(ROOT_SEED, spawn_key=(size_index, i))``). The instance generator, T = 200,
the inner loop (warm start, paper-code beta 0.2 and inner tol 1e-4: ``preset="paper"`` plus
the config) and the acceptance rule
(last iterate, ``Phi(pi_200) - Phi* <= 1e-3 Phi*``, Phi* by robust VI to 1e-10) are those of
the sweep; only the outer step schedule varies (``mdpsim.algorithms.drpg.step_sizes``).

Output: ``experiments/results/drpg/srect_stepsize_explore.csv`` (one row per config x size x
instance, appended as it goes so an interrupted run resumes) and a summary on stdout.

Usage: ``python experiments/drpg_srect_stepsize.py [--instances 16] [--configs a,b]``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drpg_garnet import ROOT_SEED, SIZES, ACCEPT  # noqa: E402

EXPLORE_ROOT = 9_2212_10439          # not ROOT_SEED: disjoint from the sweep's instances
S_SIZES = (3, 4)                      # G(10,5,10), G(15,8,15)
CONFIGS = {
    "sqrt c=0.1": {"step_schedule": "sqrt", "alpha": 0.1},
    "sqrt c=0.2": {"step_schedule": "sqrt", "alpha": 0.2},
    "sqrt c=0.3": {"step_schedule": "sqrt", "alpha": 0.3},
    "sqrt c=0.5": {"step_schedule": "sqrt", "alpha": 0.5},
    "harmonic c=1": {"step_schedule": "harmonic", "alpha": 1.0},
    "geometric a0=0.3 q=0.98": {"step_schedule": "geometric", "alpha": 0.3, "step_rate": 0.98},
    "geometric a0=0.5 q=0.97": {"step_schedule": "geometric", "alpha": 0.5, "step_rate": 0.97},
    "constant 0.1/sqrt(T+1)": {"alpha": 0.1 / np.sqrt(201.0)},
}
OUT = Path(__file__).resolve().parent / "results" / "drpg" / "srect_stepsize_explore.csv"
assert EXPLORE_ROOT != ROOT_SEED


def main(argv=None) -> int:
    from mdpsim.robust import drpg_garnet, robust_value_iteration
    from mdpsim.algorithms.drpg import drpg

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=16)
    ap.add_argument("--configs", type=str, default="", help="comma-separated config names")
    ap.add_argument("--sizes", type=str, default="3,4")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    names = a.configs.split(",") if a.configs else list(CONFIGS)
    done = set()
    if a.out.exists():
        old = pd.read_csv(a.out)
        done = set(zip(old.config, old.size_index, old.instance))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for k in [int(x) for x in a.sizes.split(",")]:
        rect, S, A, b = SIZES[k]
        assert rect == "s"
        for i in range(a.instances):
            todo = [n for n in names if (n, k, i) not in done]
            if not todo:
                continue
            seed = np.random.SeedSequence(EXPLORE_ROOT, spawn_key=(k, i))
            inst = drpg_garnet(S, A, b, rect=rect, rng=seed)
            sol = robust_value_iteration(inst.rmdp, tol=1e-10)
            if not sol.converged:
                raise RuntimeError(f"robust VI did not converge on {inst.label} #{i}")
            phi_star = -sol.value
            rows = []
            for name in todo:
                t1 = time.perf_counter()
                r = drpg(inst.rmdp, pi0=inst.pi0, T=200, warm_start=True, preset="paper",
                         **CONFIGS[name])
                rel = (r.phi - phi_star) / abs(phi_star)
                rows.append({"config": name, "size": inst.label, "size_index": k,
                             "instance": i, "rel_gap_T": rel[-1],
                             "rel_gap_best_iterate": rel[r.t_best],
                             "min_rel_gap": float(rel.min()), "rel_gap_100": rel[100],
                             "rel_gap_150": rel[150],
                             "max_rel_gap_180_200": float(rel[180:].max()),
                             "passed": bool(rel[-1] <= ACCEPT),
                             "inner_iters_total": int(r.inner_iters.sum()),
                             "seconds": time.perf_counter() - t1, "phi_star": phi_star,
                             "root_seed": EXPLORE_ROOT, "spawn_key": f"{k},{i}"})
            df = pd.DataFrame(rows)
            df.to_csv(a.out, mode="a", header=not a.out.exists(), index=False,
                      float_format="%.12g")
            print(f"[{time.perf_counter() - t0:7.1f}s] {inst.label} #{i}: " +
                  ", ".join(f"{r['config']} {r['rel_gap_T']:.2e}" for r in rows), flush=True)
    res = pd.read_csv(a.out)
    summ = res.groupby(["size", "config"], sort=False).agg(
        passed=("passed", "sum"), n=("passed", "size"), worst=("rel_gap_T", "max"),
        median=("rel_gap_T", "median"), worst_best_iterate=("rel_gap_best_iterate", "max"),
        worst_180_200=("max_rel_gap_180_200", "max"), sec=("seconds", "mean"))
    print(summ.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
