"""``mdpsim compile`` fills the compiled-code cache of this source, and ``robust_bellman``
without the dense kernel returns the same backup."""
from __future__ import annotations

import pytest
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from mdpsim.robust import drpg_garnet, robust_bellman


def test_robust_bellman_without_kernel_is_the_same_backup():
    rm = drpg_garnet(8, 3, 3, rng=0).rmdp
    V = np.random.default_rng(0).random(8)
    TV, pi, P = robust_bellman(rm, V)
    out = robust_bellman(rm, V, kernel=False)
    assert len(out) == 2 and np.array_equal(out[0], TV) and np.array_equal(out[1], pi)
    assert P.shape == (8, 3, 8)


@pytest.mark.slow   # run by .ci/run after the default suite (keeps the default run < 10 min)
def test_compile_fills_an_empty_cache(tmp_path):
    env = {**os.environ, "MDPSIM_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(
        Path(__file__).resolve().parents[2])}
    env.pop("NUMBA_CACHE_DIR", None)
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "compile", "greedy", "--workers", "1",
                        "--no-progress"], env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    cached = list(tmp_path.rglob("*.nbi"))
    # the greedy learner's episode loop (and the kernels it calls) are now on disk
    assert any("greedy" in p.name.lower() or "_episode_loop" in p.name for p in cached), \
        sorted(p.name for p in cached)[:20]
