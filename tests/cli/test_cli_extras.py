"""Small CLI behaviours: ``mdpsim cache``, ``mdpsim list | head -1``, ``status`` defaulting to
the last run's profile, ``solve(tol=)`` on a finite-horizon model, make()'s default
criterion warning."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import mdpsim


def _cli(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "mdpsim.cli", *args], capture_output=True,
                          text=True, timeout=300, env=env, **kw)


def test_cache_command_shows_and_clears_stale_versions(tmp_path):
    env = dict(os.environ, MDPSIM_CACHE_DIR=str(tmp_path))
    env.pop("NUMBA_CACHE_DIR", None)
    stale = tmp_path / "0.0.1-py3.11-numba0.1-deadbeefdeadbeef"
    stale.mkdir()
    r = _cli("cache", env=env)
    assert r.returncode == 0 and str(tmp_path) in r.stdout and "other cached versions" in r.stdout
    r = _cli("cache", "--clear", "--stale", env=env)
    assert r.returncode == 0 and not stale.exists()
    assert [d.name for d in tmp_path.iterdir()] == [mdpsim._jit._key()] or \
        not list(tmp_path.iterdir())


def test_list_into_a_closed_pipe_is_not_an_error():
    r = subprocess.run(f"{sys.executable} -m mdpsim.cli list | head -1", shell=True,
                       capture_output=True, text=True, timeout=300)
    assert r.stdout.startswith("algorithms:") and "Traceback" not in r.stderr \
        and "Broken pipe" not in r.stderr


def test_finite_horizon_solve_rejects_tol():
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    with pytest.raises(ValueError, match="finite-horizon model .* exactly"):
        mdpsim.solve(mdp, tol=1e-6)
    assert mdpsim.solve(mdp).V.shape == (5, 4)


def test_make_names_the_default_criterion():
    with pytest.warns(UserWarning, match="default horizon=20"):
        mdpsim.make("riverswim", S=6)
