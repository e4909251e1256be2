"""The teaching notebooks run top to bottom and their claims hold.

Each lesson in ``notebooks/`` is a jupytext "percent" script (open it in Jupyter with
jupytext, or run it with ``python``); its claims are ``assert`` statements, so executing the
file is the test. Each runs in a fresh interpreter, from a temporary directory (a lesson must
not depend on the working directory nor write files), with a non-interactive matplotlib
backend. Lessons listed in ``SLOW`` run only without ``-m 'not slow'``.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
SLOW: set[str] = set()          # names of lessons too heavy for the default run
TIMEOUT_S = 300


def test_the_four_lessons_exist():
    names = [p.stem for p in NOTEBOOKS]
    for prefix in ("01_", "02_", "03_", "04_"):
        assert any(n.startswith(prefix) for n in names), (prefix, names)


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.stem,
                          marks=[pytest.mark.slow] if p.stem in SLOW else [])
             for p in NOTEBOOKS])
def test_lesson_runs_and_its_claims_hold(path, tmp_path):
    text = path.read_text()
    assert text.startswith("# ---\n# jupyter:"), "jupytext header missing"
    assert "format_name: percent" in text
    assert re.search(r"^# # Lesson \d", text, flags=re.M), "a lesson starts with its title"
    assert len(re.findall(r"^\s*assert ", text, flags=re.M)) >= 5, "claims are asserted"
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT) + os.pathsep
               + os.environ.get("PYTHONPATH", ""))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT_S)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 0, (f"{path.name} failed after {elapsed:.1f} s:\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    assert not any(tmp_path.iterdir()), "a lesson must not write files"
    print(f"{path.name}: {elapsed:.1f} s")
