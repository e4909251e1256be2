"""Batched planning (``mdpsim.batch``): one call over B models vs B single calls, serial vs
parallel Numba, and — where a GPU is present — CuPy vs Numba.

Measured as ratios in one process (interleaved min-of-N, ``planning_harness.race``):

1. **Batched vs looped** (target >= 3x on B = 100 small models, where per-call overhead
   dominates): ``batch.backward_induction_batch(models)`` against
   ``[mdpsim.backward_induction(m) for m in models]`` — Garnet(S = 10, A = 3, b = 2), H = 10;
   and policy evaluation of B = 100 policies on one model against 100 ``mdpsim.evaluate``.
2. **Serial vs parallel Numba** over the batch, at a small and a larger size; the default
   (``parallel=None``) uses the parallel loop only on machines with at least 4 cores and
   for at least ``mdpsim.batch.PARALLEL_MIN_WORK`` multiply-adds (on these 2 shared cores it
   never paid); the table says whether it pays on this machine.
3. **GPU** (only with CuPy and a CUDA device; skipped otherwise): B = 1 000 Garnets of
   S = 200, A = 10, H = 50 and B policies on one dense S = 2 000 model, CuPy vs Numba.

Run: ``python -m pytest benchmarks/bench_batched.py -q`` (ratios asserted on item 1) or
``python benchmarks/bench_batched.py`` (prints the table; writes
``benchmarks/results/batched.md``).
"""
from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import mdpsim  # noqa: E402
from mdpsim import batch  # noqa: E402
from mdpsim.kernels import available_backends  # noqa: E402
from planning_harness import race  # noqa: E402

TARGET_LOOP = 3.0


def garnets(B, S=10, A=3, b=2, H=10, storage="successors"):
    return [mdpsim.make("garnet", S=S, A=A, b=b, horizon=H, rng=i, storage=storage)
            for i in range(B)]


def loop_ratio(B=100, prebuilt=True):
    """Looped single calls / one batched call; ``prebuilt``: the batch is stacked once
    (models solved repeatedly, e.g. a finite class each episode), else stacked in the call."""
    ms = garnets(B)
    M = batch.stack(ms)
    arg = M if prebuilt else ms
    batch.backward_induction_batch(arg)                  # compile / load
    [mdpsim.backward_induction(m) for m in ms]
    r = race({"looped": lambda: [mdpsim.backward_induction(m) for m in ms],
              "batched": lambda: batch.backward_induction_batch(arg, parallel=False)})
    return r["looped"] / r["batched"]


def eval_ratio(B=100):
    m = garnets(1)[0]
    M = batch.stack([m])
    pis = np.random.default_rng(0).dirichlet(np.ones(3), size=(B, 10, 10))
    batch.evaluate_batch(M, pis)
    r = race({"looped": lambda: [mdpsim.evaluate(m, p) for p in pis],
              "batched": lambda: batch.evaluate_batch(M, pis, parallel=False)})
    return r["looped"] / r["batched"]


def parallel_ratio(B, **kw):
    ms = batch.stack(garnets(B, **kw))
    batch.backward_induction_batch(ms, parallel=True)
    batch.backward_induction_batch(ms, parallel=False)
    r = race({"serial": lambda: batch.backward_induction_batch(ms, parallel=False),
              "parallel": lambda: batch.backward_induction_batch(ms, parallel=True)})
    return r["serial"] / r["parallel"]


def test_batched_beats_looped_single_calls(benchmark):
    ratio = loop_ratio()
    ev = eval_ratio()
    benchmark.extra_info.update({"bi_batched_over_looped": ratio, "eval_batched_over_looped": ev})
    benchmark.pedantic(lambda: None, rounds=1)
    assert ratio >= TARGET_LOOP, f"batched backward induction only {ratio:.2f}x the loop"
    assert ev >= TARGET_LOOP, f"batched evaluation only {ev:.2f}x the loop"


@pytest.mark.skipif("cupy" not in available_backends(), reason="needs CuPy and a CUDA GPU")
def test_gpu_batched(benchmark):  # pragma: no cover - GPU only
    ms = garnets(1000, S=200, A=10, b=5, H=50)
    batch.backward_induction_batch(ms, backend="cupy")
    t = {}
    for be in ("numba", "cupy"):
        t0 = time.perf_counter()
        batch.backward_induction_batch(ms, backend=be)
        t[be] = time.perf_counter() - t0
    benchmark.extra_info.update({"numba_s": t["numba"], "cupy_s": t["cupy"]})
    benchmark.pedantic(lambda: None, rounds=1)


def main():
    rows = [("backward induction, B=100 Garnet(10,3,2) H=10: batched (stacked once) / looped",
             loop_ratio()),
            ("the same, stacking the 100 models inside the call", loop_ratio(prebuilt=False)),
            ("policy evaluation, B=100 policies, one Garnet(10,3,2) H=10: batched / looped",
             eval_ratio()),
            ("parallel / serial Numba, B=100 Garnet(10,3,2) H=10", parallel_ratio(100)),
            ("parallel / serial Numba, B=200 Garnet(200,10,5) H=50",
             parallel_ratio(200, S=200, A=10, b=5, H=50))]
    gpu = "cupy" in available_backends()
    lines = ["# Batched planning (benchmarks/bench_batched.py)", "",
             f"Machine: {platform.platform()}, {os.cpu_count()} CPUs; GPU: "
             f"{'yes' if gpu else 'none here (CuPy rows not measured)'}.", "",
             "| case | speed-up |", "|---|---|"]
    lines += [f"| {name} | {x:.2f}x |" for name, x in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "results" / "batched.md"
    out.write_text(text)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
