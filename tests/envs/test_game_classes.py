"""Game classes for MEX-MG (mdpsim.envs.games): the exploiter trap is built as documented (no
member's Nash pair plays the distinguishing joint action), greedy self-play is linear on it
and MEX-MG is bounded; bad input gets one line."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim


def test_exploiter_trap_structure():
    gc = mdpsim.make("exploiter_trap_class", horizon=5, M=6, rng=3)
    t = gc.tables()
    H1 = gc.game.horizon - 1
    assert t["star"] == pytest.approx(0.5 * H1, abs=1e-9)
    for j in range(gc.M):
        mu0, nu0 = t["mu"][j, 0, 0], t["nu"][j, 0, 0]
        assert mu0[1] * nu0[1] <= 1e-12                 # (1, 1) never played by a Nash pair
        gap = t["true_hi_nash"][j] - t["true_lo"][j]
        if j == gc.true_index:
            assert gap == pytest.approx(0.0, abs=1e-9)
        else:                                           # (a=1, b=0): (0.5 + 0.3)(H − 1)
            assert gap == pytest.approx(0.8 * H1, abs=1e-9)
            assert t["V1"][j] == pytest.approx(0.8 * H1, abs=1e-9)


def test_exploiter_trap_selfplay_linear_mex_mg_bounded():
    gc = mdpsim.make("exploiter_trap_class", horizon=5, M=8, rng=0)
    K = 400
    sp = gc.run("mle_selfplay", episodes=K, seeds=2, rng=0)
    late = sp[sp.episode > K // 2].gap.mean()
    assert late >= 0.5 * 3.2                            # 7/8 of the members are wrong
    mx = gc.run("mex_mg", episodes=K, seeds=2, rng=0)
    assert (mx[mx.episode > K // 2].gap <= 1e-9).all()  # the truth's Nash pair at the end
    assert mx[mx.episode == K].gap_regret.max() <= 50.0


def test_exploiter_trap_bad_input():
    with pytest.raises(ValueError, match="x_min must be a number in") as e:
        mdpsim.make("exploiter_trap_class", x_min=0.5)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="horizon"):
        mdpsim.make("exploiter_trap_class", horizon=1)
