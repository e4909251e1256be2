"""Binomial intervals of mdpsim.theory.acceptance against published worked examples."""
import math

import pytest

from mdpsim.theory import success_difference, wilson_interval


def test_wilson_matches_newcombe_1998_examples():
    # Newcombe (1998), Stat. Med. 17:857, Table I, method 3 (Wilson score, no correction)
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(15, 148) == pytest.approx((0.0624, 0.1605), abs=5e-5)
    assert wilson_interval(0, 20) == pytest.approx((0.0, 0.1611), abs=5e-5)
    lo, hi = wilson_interval(20, 20)
    assert hi == 1.0 and lo == pytest.approx(0.8389, abs=5e-5)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_newcombe_difference_matches_published_method_10():
    # Newcombe (1998), Stat. Med. 17:873, Table II, method 10 (hybrid score)
    d, lo, hi = success_difference(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert success_difference(9, 10, 3, 10)[1:] == pytest.approx((0.1705, 0.8090), abs=5e-5)
    # symmetric: swapping the groups negates and mirrors the interval
    d2, lo2, hi2 = success_difference(48, 80, 56, 70)
    assert (d2, lo2, hi2) == pytest.approx((-d, -hi, -lo))


def test_margin_rule_at_experiment_counts():
    # 16/20 against 4/20 is the pre-registered boundary of the LPO margin experiment
    assert success_difference(16, 20, 4, 20)[1] > 0
    # equal counts never show a margin
    assert success_difference(10, 20, 10, 20)[1] < 0 < success_difference(10, 20, 10, 20)[2]


@pytest.mark.parametrize("args, msg", [
    ((3, 2), "need 0 <= k <= n"), ((-1, 5), "need 0 <= k <= n"),
    ((1.5, 4), "must be integers"), ((True, 4), "must be integers")])
def test_bad_counts_are_one_line(args, msg):
    with pytest.raises(ValueError, match=msg):
        wilson_interval(*args)


def test_bad_level_and_empty_groups():
    with pytest.raises(ValueError, match=r"level must be in \(0, 1\)"):
        wilson_interval(1, 2, level=1.0)
    with pytest.raises(ValueError, match="both groups need trials"):
        success_difference(0, 0, 1, 2)
