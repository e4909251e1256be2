"""Class families for the class-size experiment (mdpsim.envs.model_class): lock_class holds
all 2^n combinations with equal optimal values, needle_class one needle per action; bad input
gets one line."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.planning import backward_induction


def test_lock_class_members_and_values():
    for n in (1, 3):
        fc = mdpsim.make("lock_class", n=n, horizon=8, rng=n)
        models = fc.models
        assert len(models) == 2 ** n
        V = [backward_induction(m).value for m in models]
        assert np.ptp(V) <= 1e-12                         # symmetric class: equal V*
        assert 0 <= fc.true_index < 2 ** n
        opt = backward_induction(fc.mdp).value
        assert opt == pytest.approx(V[0], abs=1e-12)


def test_needle_class_members():
    fc = mdpsim.make("needle_class", M=6, horizon=5, r_safe=0.8, j=0.9, rng=1)
    V = np.array([backward_induction(m).value for m in fc.models])
    assert V[fc.true_index] == pytest.approx(0.8 * 4, abs=1e-12)
    others = np.delete(V, fc.true_index)
    assert np.allclose(others, 0.9 * 4, atol=1e-12)      # every wrong member is optimistic


@pytest.mark.parametrize("kw, msg", [
    (dict(n=0), "n"), (dict(n=11), "at most 10"), (dict(n=3, horizon=3), "horizon"),
    (dict(p_hi=0.4, p_lo=0.5), "p_lo = 0.5 must be below"), (dict(p_hi=1.5), "p_hi")])
def test_lock_class_bad_input(kw, msg):
    with pytest.raises(ValueError, match=msg) as e:
        mdpsim.make("lock_class", **kw)
    assert "\n" not in str(e.value)


def test_needle_class_bad_input():
    with pytest.raises(ValueError, match="j must be a number in") as e:
        mdpsim.make("needle_class", r_safe=0.8, j=0.7)
    assert "\n" not in str(e.value)
