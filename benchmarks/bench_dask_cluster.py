"""Cells/s of a 100-cell sweep on a real Dask cluster on loopback (``dask scheduler`` and
1 or 2 ``dask worker`` processes, as in ``tests/experiment/test_dask_cluster.py``), and of the inline
executor in the same run. ``python benchmarks/bench_dask_cluster.py [EPISODES]``.

The cluster is started before the clock; the sweep's time includes the workers' warm-up
(kernels loaded from the cache) and the client writing every cell. On a 2-core machine
shared with other work, two workers cannot be twice as fast; the figure is what it is."""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _dask_cluster import cluster  # noqa: E402
from test_dask_cluster import N_CELLS, spec_text, table  # noqa: E402


def main(argv):
    import pandas as pd
    from mdpsim.experiment import run_experiment

    episodes = int(argv[0]) if argv else 400
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        spec = d / "cluster.py"
        spec.write_text(spec_text(episodes))
        run_experiment(spec, out=d / "warm", executor="inline", progress=False)
        t0 = time.perf_counter()
        run_experiment(spec, out=d / "inline", executor="inline", progress=False)
        res = {"inline": N_CELLS / (time.perf_counter() - t0)}
        for n in (1, 2):
            with cluster(n, d / f"logs{n}") as c:
                t0 = time.perf_counter()
                rep = run_experiment(spec, out=d / f"dask{n}", executor="dask",
                                     scheduler=c.address, progress=False)
                res[f"dask x{n}"] = N_CELLS / (time.perf_counter() - t0)
            assert rep.computed == N_CELLS and rep.ok
            pd.testing.assert_frame_equal(table(d / "inline"), table(d / f"dask{n}"),
                                          check_exact=True)
    for k, v in res.items():
        print(f"{k:>8}: {v:6.1f} cells/s ({N_CELLS} cells, greedy, {episodes} episodes each)")
    print(f"2 workers / 1 worker: {res['dask x2'] / res['dask x1']:.2f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
