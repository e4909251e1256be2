r"""Exact Nash values of zero-sum games (mdpsim.models.game; docs/papers/mex.md §9).

Statement. (1) The matrix-game LP value ``max_x min_y xᵀMy`` (:func:`matrix_game`) equals
the minimax value found by brute force — support enumeration (Shapley–Snow: for every pair
of equal-size supports, the equalising linear system; the value is that of any pair whose
strategies are non-negative and admit no profitable deviation) — to ``tol`` on random 2×2 and
3×3 games, and is bracketed by a brute-force grid over the max player's mixtures (the grid's
max-min is a lower bound, within the grid's resolution). (2) Nash backward induction
(:func:`nash`) satisfies the per-state equilibrium conditions at every ``(h, s)``:
``max_a Q_h(s, a, ·) ν_h(s) <= V_h(s) + tol``, ``min_b μ_h(s)ᵀ Q_h(s, ·, b) >= V_h(s) - tol``
and ``μ_h(s)ᵀ Q_h(s) ν_h(s) = V_h(s)``, with ``Q_h = r_h + P_h V_{h+1}``, on random Markov
games.
"""
from __future__ import annotations

import itertools

import numpy as np

import mdpsim
from mdpsim.models.game import matrix_game, nash

STATEMENT = ("matrix-game LP value = support-enumeration minimax (2x2, 3x3) and within the "
             "grid bracket; Nash backward induction meets the per-state equilibrium "
             "conditions")


def support_enumeration_value(M, tol: float = 1e-9) -> float:
    """The value of the zero-sum matrix game ``M`` by enumerating equal-size supports
    (independent of any LP solver). For supports ``I`` (rows) and ``J`` (columns) with
    ``|I| = |J| = k`` solve ``x_Iᵀ M_IJ = v 1``, ``Σ x = 1`` and ``M_IJ y_J = v 1``,
    ``Σ y = 1``; a solution with ``x, y >= 0`` whose ``v`` no pure strategy improves on
    (``max_i (M y)_i <= v <= min_j (xᵀM)_j``) is an equilibrium. Every matrix game has one
    on supports of equal size (a basic solution)."""
    M = np.asarray(M, dtype=np.float64)
    m, n = M.shape
    for k in range(1, min(m, n) + 1):
        for I in itertools.combinations(range(m), k):
            for J in itertools.combinations(range(n), k):
                sub = M[np.ix_(I, J)]
                Ax = np.zeros((k + 1, k + 1))
                Ax[:k, :k] = sub.T
                Ax[:k, k] = -1.0
                Ax[k, :k] = 1.0
                Ay = np.zeros((k + 1, k + 1))
                Ay[:k, :k] = sub
                Ay[:k, k] = -1.0
                Ay[k, :k] = 1.0
                rhs = np.zeros(k + 1)
                rhs[k] = 1.0
                try:
                    sx = np.linalg.solve(Ax, rhs)
                    sy = np.linalg.solve(Ay, rhs)
                except np.linalg.LinAlgError:
                    continue
                if np.min(sx[:k]) < -tol or np.min(sy[:k]) < -tol:
                    continue
                x = np.zeros(m)
                x[list(I)] = sx[:k]
                y = np.zeros(n)
                y[list(J)] = sy[:k]
                v = sx[k]
                if np.max(M @ y) <= v + tol and np.min(x @ M) >= v - tol:
                    return float(v)
    raise RuntimeError("no equilibrium found by support enumeration")


def _grid_lower(M, steps: int) -> float:
    m = M.shape[0]
    best = -np.inf
    for c in itertools.product(range(steps + 1), repeat=m - 1):
        if sum(c) <= steps:
            x = np.array(list(c) + [steps - sum(c)], dtype=np.float64) / steps
            best = max(best, float(np.min(x @ M)))
    return best


def check(rng=0, games: int = 100, markov_games: int = 8, tol: float = 1e-9) -> dict:
    g = np.random.default_rng(rng)
    err_enum = 0.0
    grid_slack = np.inf       # LP value - grid lower bound (>= 0)
    grid_gap = 0.0            # and its size, against the grid's resolution bound
    grid_ok = True
    for i in range(games):
        m = 2 if i % 2 == 0 else 3
        M = g.uniform(-1.0, 1.0, (m, m))
        v = matrix_game(M)[0]
        err_enum = max(err_enum, abs(v - support_enumeration_value(M)))
        steps = 400 if m == 2 else 120
        lo = _grid_lower(M, steps)
        grid_slack = min(grid_slack, v - lo)
        # moving x by at most 1/steps in each coordinate changes x'M by <= 2 max|M| / steps
        grid_gap = max(grid_gap, v - lo)
        grid_ok &= (v - lo >= -tol) and (v - lo <= 2.0 * np.abs(M).max() * (m - 1) / steps)
    worst_dev = 0.0       # max over (h, s) of the equilibrium-condition violations
    for j in range(markov_games):
        game = mdpsim.make("random_game", S=4, A=3, B=2 + j % 2, horizon=4,
                           rng=int(g.integers(1 << 30)))
        sol = nash(game)
        P, r = game.stage_P(), game.stage_r()
        for h in range(game.horizon):
            Q = r[h] + P[h] @ sol.V[h + 1]
            for s in range(game.S):
                q = Q[s]
                mu, nu, V = sol.mu[h, s], sol.nu[h, s], sol.V[h, s]
                worst_dev = max(worst_dev, float(np.max(q @ nu) - V), float(V - np.min(mu @ q)),
                                abs(float(mu @ q @ nu) - V))
    ok = err_enum <= tol and grid_ok and worst_dev <= tol
    return {"passed": bool(ok), "statement": STATEMENT,
            "instances": f"{games} random matrix games (2x2 and 3x3), {markov_games} random "
                         "Markov games (S 4, A 3, B 2-3, H 4)",
            "tolerance": tol,
            "margins": {"max |LP - support enumeration|": err_enum,
                        "min (LP - grid lower bound)": grid_slack,
                        "max (LP - grid lower bound)": grid_gap,
                        "max equilibrium-condition violation": worst_dev}}
