"""The README's two commands, in order, on a fresh virtual environment leave a working CLI
and package (slow: two installs and a quickstart; ``.ci/run`` runs it after the test suite).

This is the sequence that used to break the installed CLI: ``pip install .`` then
``mdpsim quickstart`` wrote Numba cache files into ``site-packages/mdpsim``, and the
editable install that followed was shadowed by the leftover folder. Compiled code is now
cached outside the package (:mod:`mdpsim._jit`)."""
from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(cmd, cwd, timeout=1800):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def test_readme_commands_in_order_on_a_fresh_venv(tmp_path):
    src = tmp_path / "src"
    if (ROOT / ".git").exists():
        _run(["git", "clone", "-q", str(ROOT), str(src)], tmp_path)
    else:   # pragma: no cover - a source tree without git
        shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("results", "figures",
                                                                 "__pycache__", ".venv*"))
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    py, cli = venv / "bin" / "python", venv / "bin" / "mdpsim"
    # README command 1
    _run([py, "-m", "pip", "install", "-q", "."], src)
    out = _run([cli, "quickstart", "--no-progress"], src)
    assert "figure:" in out
    elsewhere = tmp_path / "elsewhere"       # the installed package alone, any directory
    elsewhere.mkdir()
    out = _run([cli, "quickstart", "--no-progress", "--workers", "1"], elsewhere)
    assert "figure:" in out and (elsewhere / "results" / "regret_tabular").is_dir()
    assert "regret_tabular" in _run([cli, "list"], elsewhere)
    site = pathlib.Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()"
                                        "['purelib'])"], src).strip())
    assert not list((site / "mdpsim").rglob("*.nb[ic]")), "compiled code inside the package"
    # README command 2 (its install; the suite itself is what .ci/run runs)
    _run([py, "-m", "pip", "install", "-q", "-e", ".[test]"], src)
    assert not (site / "mdpsim").exists(), "a leftover site-packages/mdpsim shadows the " \
                                           "editable install"
    assert "algorithms:" in _run([cli, "list"], src)
    assert "20 done" in _run([cli, "status", "regret_tabular", "--profile", "quick"], src)
    assert "figure:" in _run([cli, "figs", "regret_tabular", "--profile", "quick"], src)
    assert "passed" in _run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             "tests/models/test_models.py"], src)
