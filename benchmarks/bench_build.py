"""Cost of building a dense model around a solve (issue: build + solve <= 1.2x solve alone at
S = 2 000, A = 10 dense).

``TabularMDP`` copies and checks ``P`` in one compiled pass (``mdpsim.models._validate``);
with ``copy=False`` it checks the caller's array in place and freezes it (no allocation of
the table's 320 MB, whose page faults cost as much as the copy). Interleaved min-of-N in one
process (``planning_harness.race``); ratios, not times, are reported and asserted.

Run: ``python -m pytest benchmarks/bench_build.py -q`` or ``python benchmarks/bench_build.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import mdpsim  # noqa: E402
from planning_harness import race  # noqa: E402

S, A = 2000, 10


def ratios(H: int = 10, rounds: int = 3) -> dict:
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    R = rng.random((S, A))
    m = mdpsim.TabularMDP(P, R, horizon=H)
    own = [P.copy() for _ in range(rounds + 1)]     # copy=False takes (and freezes) an array

    def build_copy_false():
        mdpsim.backward_induction(mdpsim.TabularMDP(own.pop(), R, horizon=H, copy=False))

    t = race({"solve": lambda: mdpsim.backward_induction(m),
              "build+solve": lambda: mdpsim.backward_induction(mdpsim.TabularMDP(P, R, horizon=H)),
              "build(copy=False)+solve": build_copy_false}, rounds=rounds)
    return {"build+solve / solve": t["build+solve"] / t["solve"],
            "build(copy=False)+solve / solve": t["build(copy=False)+solve"] / t["solve"]}


def test_build_plus_solve(benchmark):
    r = ratios()
    benchmark.extra_info.update(r)
    benchmark.pedantic(lambda: None, rounds=1)
    assert r["build(copy=False)+solve / solve"] <= 1.2, r


if __name__ == "__main__":
    for H in (10, 50):
        print(H, ratios(H))
