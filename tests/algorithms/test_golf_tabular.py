"""Confidence-set comparator by Lagrangian bisection (mdpsim.algorithms.golf_tabular): its
inner solve is MEX's, the level loss falls with λ, the
compiled and reference loops agree, planner calls are counted; bad input gets one line."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms.golf_tabular import level_loss, solve_at
from mdpsim.algorithms.mex_tabular import ascent, empirical_kernel, upper_bound


def _data(seed, H=4, S=3, A=2):
    g = np.random.default_rng(seed)
    Nsas = g.integers(0, 4, size=(H, S, A, S)).astype(float)
    Nsas[g.random((H, S, A)) < 0.3] = 0.0                  # some unvisited cells
    N = Nsas.sum(-1)
    P = empirical_kernel(N, Nsas, np.zeros((H, S, A, S)))
    R3 = g.uniform(0, 1, (1, S, A))
    init = np.eye(S)[0]
    return P, R3, init, N


@pytest.mark.parametrize("seed", range(5))
def test_level_loss_falls_with_lambda_and_solve_is_mex(seed):
    P, R3, init, N = _data(seed)
    H, S, A = N.shape
    prev = np.inf
    for lam in [1e-3, 1e-2, 1e-1, 1.0, 10.0, 1e3]:
        pol = np.zeros((H, S), np.int64)
        J, calls = solve_at(P, R3, init, N, lam, np.zeros((H, S), np.int64), pol, 50)
        assert calls >= 3
        # the same as MEX's solve: chord plan + ascent, and the ascent from the warm policy
        chord = np.zeros((H, S), np.int64)
        upper_bound(P, R3, init, N, lam, chord)
        J2, _ = ascent(P, R3, init, N, lam, chord, 50)
        w = np.zeros((H, S), np.int64)
        J1, _ = ascent(P, R3, init, N, lam, w, 50)
        assert J == max(J1, J2)
        L = level_loss(P, init, N, lam, pol)
        assert L <= prev + 1e-9 or L <= 1e-9
        prev = L
    assert prev <= 1e-3                                    # large λ: near the empirical fit


def test_golf_tabular_runs_and_counts_calls():
    env = mdpsim.make("riverswim", S=4, horizon=6)
    a = mdpsim.run("golf_tabular", env, episodes=60, seeds=2, rng=0, eval_every=1,
                   c_beta=1e-3, bisect_steps=6)
    b = mdpsim.run("golf_tabular", env, episodes=60, seeds=2, rng=0, eval_every=1,
                   c_beta=1e-3, bisect_steps=6, engine="reference")
    assert np.allclose(a.regret.values, b.regret.values, rtol=0, atol=1e-9)
    assert np.array_equal(a.aux.values, b.aux.values)
    m = mdpsim.run("mex_tabular", env, episodes=60, seeds=2, rng=0, eval_every=1)
    # 1 + bisect_steps MEX solves per episode, each >= 3 planner calls
    assert a.aux.min() >= 3 * 7 and m.aux.min() >= 3 and m.aux.max() <= 1 + 2 * 50
    assert a.aux.mean() > 5 * m.aux.mean()


def test_golf_tabular_bad_input():
    env = mdpsim.make("riverswim", S=4, horizon=6)
    with pytest.raises(ValueError, match="lam_lo") as e:
        mdpsim.run("golf_tabular", env, episodes=3, lam_lo=10.0, lam_hi=1.0)
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="c_beta"):
        mdpsim.run("golf_tabular", env, episodes=3, c_beta=-1.0)
