"""Regression tests for the rough edges a new user hit (issue #17): the spec validator
reports every problem at once and rejects a discounted environment for online learners up
front; ``load`` names an unknown experiment or a profile that was not run; ``status``
defaults to the last run's profile; the progress line says ``compiling kernels`` instead of
an ETA while the first cells compile."""
from __future__ import annotations

import io

import pytest

from mdpsim.cli import main
from mdpsim.experiment import load
from mdpsim.experiment.progress import Progress
from mdpsim.experiment.spec import SpecError, load_spec

BASE = {"name": "v", "root_seed": 0,
        "envs": {"rs": {"env": "riverswim", "params": {"S": 4, "horizon": 5}}},
        "algorithms": {"CH": "ucbvi_ch"}, "episodes": 10, "seeds": 2}


def test_validator_reports_every_problem_in_one_line():
    bad = {**BASE, "episodes": 2.5, "seeds": -1, "algorithms": {"X": "nope"},
           "envs": {"g": {"env": "garnet", "params": {"S": 6, "A": 2, "b": 2, "gamma": 0.9}},
                    "e": "riverswimm"}}
    with pytest.raises(SpecError) as ei:
        load_spec(bad)
    msg = str(ei.value)
    assert "\n" not in msg
    for needle in ("episodes: must be a positive integer, got 2.5",
                   "seeds: must be a positive integer, got -1",
                   "algorithms.X.algorithm: unknown algorithm 'nope'",
                   "envs.e.env: unknown environment 'riverswimm'",
                   "envs.g.params", "is discounted (gamma=0.9)", "give horizon=H"):
        assert needle in msg, (needle, msg)
    assert msg.count("; ") >= 4


def test_discounted_environment_in_an_online_spec_fails_validation_not_cells():
    spec = {**BASE, "envs": {"g": {"env": "garnet",
                                   "params": {"S": 6, "A": 2, "b": 2, "gamma": 0.9}}}}
    with pytest.raises(SpecError, match=r"envs\.g\.params: .* is discounted"):
        load_spec(spec)
    load_spec(BASE)                                     # the finite-horizon one is fine


SPEC_TEXT = """
SPEC = {
    "name": "edges",
    "root_seed": 5,
    "envs": {"RS": {"env": "riverswim", "params": {"S": 4, "horizon": 5}}},
    "algorithms": {"G": "greedy"},
    "episodes": 60,
    "seeds": 4,
    "seed_batch": 2,
    "profiles": {"quick": {"episodes": 30, "seeds": 2}},
}
"""


def test_load_and_status_name_the_profiles_that_were_run(tmp_path, capsys):
    f = tmp_path / "edges.py"
    f.write_text(SPEC_TEXT)
    out = str(tmp_path / "res")
    with pytest.raises(ValueError, match=r"no stored results of 'nosuch' under .*run it first"):
        load("nosuch", out=out)
    assert main(["run", str(f), "--out", out, "--profile", "quick", "--executor", "inline",
                 "--no-progress"]) == 0
    capsys.readouterr()
    assert len(load(str(f), out=out)) > 0                   # what is stored: quick
    with pytest.raises(ValueError, match=r"'full' profile .*profiles run there: quick"):
        load(str(f), out=out, profile="full")
    assert main(["status", str(f), "--out", out]) == 0      # no --profile: the last run's
    st = capsys.readouterr().out
    assert "[quick]" in st and "last run's profile" in st and "1 total, 1 done" in st
    assert main(["status", str(f), "--out", out, "--profile", "full"]) == 0
    assert "2 total, 0 done, 2 pending" in capsys.readouterr().out


def test_progress_says_compiling_until_the_warmup_cells_are_done():
    buf = io.StringIO()
    bar = Progress(6, label="x", stream=buf, every=0.0, warmup=2)
    bar.update()
    bar.update()
    assert "compiling kernels" in bar.line() and "eta" not in bar.line()
    bar.update()                                            # one cell after the warm-up
    assert "compiling" not in bar.line() and "eta" in bar.line()
    for _ in range(3):
        bar.update()
    bar.close()
    lines = buf.getvalue().strip().splitlines()
    assert "compiling kernels" in lines[0] and lines[-1].startswith("x [#")
    assert "eta 00:00" in lines[-1]
