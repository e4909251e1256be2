"""Two-player zero-sum Markov games (mdpsim.models.game, mdpsim.settings.markov_game,
mdpsim.envs.games): matrix-game LP against an independent LP, closed forms and a brute-force
grid; Nash backward induction satisfies the equilibrium conditions; best responses; the
duality-gap driver; bad input gets one line."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.models.game import (MarkovGame, best_response_to_max, best_response_to_min,
                                duality_gap, matrix_game, matrix_game_dual, nash, pair_value)


def test_matrix_game_lp_against_independent_lp_and_closed_forms():
    rng = np.random.default_rng(0)
    for m, n in [(2, 2), (3, 3), (4, 2), (5, 6)] * 15:
        M = rng.uniform(-1, 2, (m, n))
        v, x, y = matrix_game(M)
        assert v == pytest.approx(matrix_game_dual(M), abs=1e-9)
        assert np.min(x @ M) >= v - 1e-9 and np.max(M @ y) <= v + 1e-9   # saddle point
    for _ in range(50):                                   # 2 x 2 closed form / pure saddle
        a, b, c, d = rng.uniform(0, 1, 4)
        M = np.array([[a, b], [c, d]])
        lo = max(min(a, b), min(c, d))
        hi = min(max(a, c), max(b, d))
        exact = lo if lo == hi else (a * d - b * c) / (a + d - b - c)
        assert matrix_game(M)[0] == pytest.approx(exact, abs=1e-9)
    for m in (2, 3):                                      # brute-force grid over mixtures
        M = rng.uniform(0, 1, (m, 3))
        grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 201)] * (m - 1)), -1).reshape(-1, m - 1)
        grid = grid[grid.sum(1) <= 1]
        X = np.hstack([grid, 1 - grid.sum(1, keepdims=True)])
        brute = (X @ M).min(1).max()
        assert brute <= matrix_game(M)[0] + 1e-12
        assert matrix_game(M)[0] - brute <= 2e-2 / (m - 1)


@pytest.mark.parametrize("seed", range(4))
def test_nash_backward_induction_is_an_equilibrium(seed):
    game = mdpsim.make("random_game", S=4, A=3, B=2, horizon=4, rng=seed)
    sol = nash(game)
    assert duality_gap(game, sol.mu, sol.nu) <= 1e-9
    assert game.init @ pair_value(game, sol.mu, sol.nu)[0] == pytest.approx(sol.value, abs=1e-9)
    # per-state conditions: no unilateral deviation helps at any (h, s)
    lo, _ = best_response_to_max(game, sol.mu)
    hi, _ = best_response_to_min(game, sol.nu)
    assert np.max(np.abs(lo - sol.V)) <= 1e-9 and np.max(np.abs(hi - sol.V)) <= 1e-9
    # a perturbed policy pair has a positive gap, >= the gap of each side
    mu = 0.5 * sol.mu + 0.5 / game.A
    assert duality_gap(game, mu, sol.nu) >= -1e-12


def test_game_class_driver_gap_is_exact_and_mex_mg_is_bounded():
    gc = mdpsim.make("random_game_class", S=3, A=2, B=2, horizon=4, M=6, rng=2)
    t = gc.tables()
    for j in range(gc.M):
        assert t["true_hi_nash"][j] - t["true_lo"][j] == pytest.approx(
            duality_gap(gc.game, t["mu"][j], t["nu"][j]), abs=1e-12)
    assert t["star"] == pytest.approx(t["V1"][gc.true_index], abs=1e-9)
    df = gc.run("mex_mg", episodes=600, seeds=3, rng=0)
    assert set(df.columns) >= {"episode", "seed", "gap", "gap_regret", "regret"}
    assert df.gap.min() >= -1e-9
    fin = df[df.episode == 600].gap_regret.values
    mid = df[df.episode == 300].gap_regret.values
    assert np.all(fin - mid <= 0.5 * mid + 1e-9)          # the second half adds little
    assert (df[df.episode > 500].gap <= 1e-9).mean() > 0.9  # the truth's Nash pair, mostly


def test_bad_input_one_line():
    P = np.full((2, 2, 2, 2), 0.5)
    r = np.zeros((2, 2, 2))
    MarkovGame(P, r, 3)
    cases = [((P[:, :, :1], r), "r must have shape"), ((P * 0.9, r), "sums to"),
             ((P, r + 2), r"in \[0, 1\]"), ((np.ones((2, 2, 2)), r), "P must have shape")]
    for (Pb, rb), msg in cases:
        with pytest.raises(ValueError, match=msg) as e:
            MarkovGame(Pb, rb, 3)
        assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="horizon"):
        MarkovGame(P, r, 0)
    g = MarkovGame(P, r, 3)
    with pytest.raises(AttributeError):
        g.horizon = 4
    with pytest.raises(ValueError):
        g.P[0, 0, 0, 0] = 1.0
    from mdpsim.settings.markov_game import GameClass
    with pytest.raises(ValueError, match="does not contain the true game"):
        GameClass(g, np.stack([np.full((2, 2, 2, 2), 0.5) * [1.2, 0.8]]))
    with pytest.raises(ValueError, match="c_eta must be a number >= 0"):
        GameClass(g, P[None]).run("mex_mg", episodes=3, c_eta=-1.0)


def test_proofs_check_markov_game_nash_passes():
    import markov_game_nash          # proofs_checks/ is on sys.path (tests/conftest.py)
    out = markov_game_nash.check(rng=1, games=30, markov_games=3)
    assert out["passed"], out["margins"]
    assert out["margins"]["max |LP - support enumeration|"] <= 1e-9
