"""Command line: quickstart solves catalogue environments; errors are one line, exit 2."""
from __future__ import annotations

import subprocess
import sys

import pytest

from mdpsim.cli import main


def test_quickstart_solve_only_prints_values(capsys):
    assert main(["quickstart", "--solve-only"]) == 0
    out = capsys.readouterr().out
    assert "V*(init)" in out
    rows = [line for line in out.splitlines() if line.startswith(("garnet", "riverswim"))]
    assert len(rows) >= 2
    for row in rows:
        float(row.split()[-3])  # the value column parses as a number


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "garnet" in out and "numba" in out


def test_user_error_is_one_line_exit_2():
    code = "from mdpsim.cli import main, UserError\n" \
           "import mdpsim.cli as c\n" \
           "def bad(a):\n    raise ValueError('unknown environment \\'x\\'; available: garnet')\n" \
           "c._cmd_list = bad\nimport sys; sys.exit(main(['list']))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 2
    assert p.stderr.strip().count("\n") == 0 and "unknown environment" in p.stderr
    assert "Traceback" not in p.stderr


def test_entry_point_installed():
    pytest.importorskip("importlib.metadata")
    from importlib.metadata import entry_points
    eps = [e for e in entry_points(group="console_scripts") if e.name == "mdpsim"]
    if not eps:
        pytest.skip("package not installed with its entry point (run pip install -e .)")
    assert eps[0].value == "mdpsim.cli:console_main"
