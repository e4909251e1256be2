"""Bit-identical tables across refactors: every algorithm, RiverSwim / Garnets / robust
Garnets, against ``tests/data/golden.json`` (written before the settings refactor; see
``tests/_golden.py``)."""
from __future__ import annotations

import json

import pytest

import _golden

GOLD = json.loads(_golden.GOLDEN.read_text())


@pytest.fixture(scope="module")
def learners():
    return _golden.compute_learners()


@pytest.fixture(scope="module")
def robust():
    return _golden.compute_robust()


def _compare(case, got, want):
    assert got is not None, f"{case}: no longer computed"
    if got["sha256"] != want["sha256"]:
        moved = {k: (want[k], got[k]) for k in want if k != "sha256" and got.get(k) != want[k]}
        pytest.fail(f"{case}: table changed (digest differs); readable numbers that moved "
                    f"(golden, now): {moved or 'none (a column not summarised changed)'}")


def test_every_case_is_computed(learners, robust):
    assert sorted({**learners, **robust}) == sorted(GOLD)


@pytest.mark.parametrize("case", sorted(c for c in GOLD if "/" in c and
                                        not c.startswith(("drpg", "robust_vi"))))
def test_learner_tables_bit_identical(learners, case):
    _compare(case, learners.get(case), GOLD[case])


@pytest.mark.parametrize("case", sorted(c for c in GOLD if c.startswith(("drpg", "robust_vi"))))
def test_robust_results_bit_identical(robust, case):
    _compare(case, robust.get(case), GOLD[case])
