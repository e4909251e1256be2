"""``mdpsim run`` with the process pool under ``kill -9``: the pool's workers exit when their
parent dies (no idle worker left under PID 1), and a run killed three times and resumed
stores exactly the table of an uninterrupted run."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import mdpsim

pytestmark = pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc (Linux)")

SPEC = '''
SPEC = {
    "name": "killcheck",
    "root_seed": 17,
    "envs": {"RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}}},
    "algorithms": {"UCBVI-CH": "ucbvi_ch", "UCBVI-BF": "ucbvi_bf"},
    "episodes": 6000,
    "seeds": 8,
    "seed_batch": 1,
    "eval_every": 500,
}
'''


def _children(pid: int) -> list[int]:
    out = []
    for p in pathlib.Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(p.name))
    return out


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for PID 1 to reap it)."""
    try:
        state = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _start(spec, out):
    cmd = [sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out", str(out),
           "--workers", "2", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _table(out):
    df = mdpsim.load("killcheck", out=out)
    df = df.drop(columns=[c for c in df.columns if "wall" in c or c == "run_id"])
    return df.sort_values(["cell_id", "seed", "episode"]).reset_index(drop=True)


def _kill_when_busy(proc, out, n_done_min):
    """SIGKILL ``proc`` once its pool workers exist and at least ``n_done_min`` cells are
    stored; returns the worker pids seen just before the kill."""
    cells = pathlib.Path(out) / "killcheck" / "cells"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        kids = [k for k in _children(proc.pid) if _alive(k)]
        done = len(list(cells.glob("*.parquet"))) if cells.is_dir() else 0
        if len(kids) >= 2 and done >= n_done_min:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return kids
        time.sleep(0.05)
    raise AssertionError("the run never got busy")


def test_kill9_leaves_no_worker_and_resume_gives_the_uninterrupted_table(tmp_path):
    spec = tmp_path / "killcheck.py"
    spec.write_text(SPEC)
    ref = tmp_path / "ref"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out", str(ref),
                        "--workers", "2", "--no-progress"], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]

    out = tmp_path / "killed"
    for n_done in (0, 4, 9):      # three kills: before any cell, early, late
        proc = _start(spec, out)
        kids = _kill_when_busy(proc, out, n_done)
        t0 = time.monotonic()
        while any(_alive(k) for k in kids) and time.monotonic() - t0 < 5.0:
            time.sleep(0.05)
        left = [k for k in kids if _alive(k)]
        assert left == [], f"pool processes alive 5 s after their parent was killed: {left}"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out", str(out),
                        "--workers", "2", "--no-progress"], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    a, b = _table(ref), _table(out)
    assert len(a) == 2 * 8 * 12
    pd.testing.assert_frame_equal(a, b, check_exact=True)
