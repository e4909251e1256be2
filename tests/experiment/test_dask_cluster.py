"""The Dask executor on a real cluster: ``dask scheduler`` and two ``dask worker`` processes
started on loopback by the test (not a ``LocalCluster`` inside this process).

* a sweep of 100 cells on the cluster stores exactly the table of the inline executor;
* a worker killed with SIGKILL mid-sweep loses no cell and duplicates none: the sweep (an
  ``mdpsim run`` process) completes on the remaining worker;
* a bad ``--scheduler`` is one line: wrong scheme, nobody listening, a host that does not
  answer within ``$MDPSIM_DASK_CONNECT_TIMEOUT``.

Cells/s with one and two workers: ``benchmarks/bench_dask_cluster.py``."""
from __future__ import annotations

import pathlib
import subprocess
import sys
import time

import pandas as pd
import pytest

from mdpsim.experiment import load, run_experiment

from _dask_cluster import child_env, cluster, dask_cli, free_port

pytestmark = pytest.mark.skipif(dask_cli() is None,
                                reason="needs dask.distributed and its `dask` command")

N_CELLS = 100


def spec_text(episodes: int = 40) -> str:
    return f'''
SPEC = {{
    "name": "cluster",
    "root_seed": 23,
    "envs": {{"rs": {{"env": "riverswim", "params": {{"S": 4, "horizon": 5}}}}}},
    "algorithms": {{"greedy": "greedy"}},
    "episodes": {episodes},
    "seeds": {N_CELLS},
    "seed_batch": 1,
    "eval_every": 10,
}}
'''


def table(out) -> pd.DataFrame:
    df = load("cluster", out=out)
    df = df.drop(columns=[c for c in df.columns if "wall" in c or c == "run_id"])
    return df.sort_values(["cell_id", "seed", "episode"]).reset_index(drop=True)


def cell_files(out) -> list:
    return sorted((pathlib.Path(out) / "cluster" / "cells").glob("*.parquet"))


def test_two_workers_give_the_inline_table(tmp_path):
    spec = tmp_path / "cluster.py"
    spec.write_text(spec_text())
    ref = run_experiment(spec, out=tmp_path / "inline", executor="inline", progress=False)
    assert ref.computed == N_CELLS and ref.ok
    with cluster(2, tmp_path / "logs") as c:
        rep = run_experiment(spec, out=tmp_path / "dask", executor="dask",
                             scheduler=c.address, progress=False)
    assert (rep.executor, rep.workers, rep.computed) == ("dask", 2, N_CELLS), rep.summary()
    assert rep.ok, rep.summary()
    assert len(cell_files(tmp_path / "dask")) == N_CELLS
    pd.testing.assert_frame_equal(table(tmp_path / "inline"), table(tmp_path / "dask"),
                                  check_exact=True)


def test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing(tmp_path):
    spec = tmp_path / "cluster.py"
    spec.write_text(spec_text(episodes=3000))     # cells long enough to kill in flight
    ref = run_experiment(spec, out=tmp_path / "inline", executor="inline", progress=False)
    assert ref.computed == N_CELLS
    out = tmp_path / "dask"
    with cluster(2, tmp_path / "logs") as c:
        p = subprocess.Popen([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                              str(out), "--executor", "dask", "--scheduler", c.address,
                              "--no-progress"], env=child_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 300
            while len(cell_files(out)) < 15:
                assert p.poll() is None, p.stderr.read()[-2000:]
                assert time.monotonic() < deadline, "the sweep never got going"
                time.sleep(0.05)
            done_at_kill = len(cell_files(out))
            c.kill_worker(0)
            stdout, stderr = p.communicate(timeout=600)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        assert c.n_workers() == 1
    assert p.returncode == 0, stderr[-2000:]
    assert done_at_kill < N_CELLS, "the sweep finished before the kill; make cells longer"
    assert f"computed {N_CELLS}, failed 0" in stdout, stdout
    files = cell_files(out)
    assert len(files) == N_CELLS
    got = table(out)
    assert not got.duplicated(["cell_id", "seed", "episode"]).any()
    pd.testing.assert_frame_equal(table(tmp_path / "inline"), got, check_exact=True)


def _cli_error(tmp_path, address, timeout_s="1"):
    spec = tmp_path / "cluster.py"
    spec.write_text(spec_text())
    env = child_env()
    env["MDPSIM_DASK_CONNECT_TIMEOUT"] = timeout_s
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--executor",
                        "dask", "--scheduler", address, "--out", str(tmp_path / "out"),
                        "--no-progress"], capture_output=True, text=True, env=env,
                       timeout=120)
    return r, time.monotonic() - t0


@pytest.mark.parametrize("address,expect", [
    ("127.0.0.1:8786", "must look like tcp://HOST:PORT"),
    ("http://127.0.0.1:8786", "must look like tcp://HOST:PORT"),
    ("tcp://127.0.0.1", "must look like tcp://HOST:PORT"),
    ("tcp://127.0.0.1:99999", "port in 1..65535"),
    ("tcp://127.0.0.1:{free}", "cannot reach the Dask scheduler"),
    ("tcp://10.255.255.1:8786", "cannot reach the Dask scheduler"),
])
def test_a_bad_scheduler_address_is_one_line(tmp_path, address, expect):
    address = address.format(free=free_port())
    r, seconds = _cli_error(tmp_path, address)
    assert r.returncode == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0] and "Traceback" not in r.stderr, r.stderr
    assert seconds < 60      # a short probe, not Dask's 30 s of retries per attempt
