r"""Finite-horizon two-player zero-sum Markov games: the frozen model, exact Nash values by
backward induction with one matrix game per state, exact values of policy pairs and of best
responses.

:class:`MarkovGame`: ``P[h?, s, a, b, s']`` (stationary ``[S, A, B, S]`` or stage-dependent
``[H, S, A, B, S]``), mean rewards ``r[h?, s, a, b]`` in ``[0, 1]`` paid to the max player
(the min player pays them), horizon ``H``, initial distribution ``init[S]``. Validated (one
line per error: shapes, non-finite or negative entries, rows that do not sum to one, rewards
outside [0, 1], a bad horizon), arrays copied and read-only.

Policies are stochastic: ``mu: float64[H, S, A]`` (max player), ``nu: float64[H, S, B]``
(min player). Values from the initial distribution:

* :func:`nash` — ``V*_h(s) = val(r_h(s) + P_h V*_{h+1}(s))``, ``val`` the value of the matrix
  game ``max_x min_y x^T M y`` solved by a linear programme (SciPy HiGHS; :func:`matrix_game`),
  with the equilibrium strategies of both players;
* :func:`pair_value` — ``V^{μ,ν}`` by policy evaluation;
* :func:`best_response_to_max` — ``V^{μ,†} = min_ν V^{μ,ν}`` and a deterministic best
  response (backward induction: the min player faces an MDP);
  :func:`best_response_to_min` — ``V^{†,ν} = max_μ V^{μ,ν}`` likewise;
* :func:`duality_gap` — ``V^{†,ν}(s_1) − V^{μ,†}(s_1) >= 0``, zero iff ``(μ, ν)`` is a Nash
  pair.

:func:`matrix_game_dual` is an independent formulation (the classical one: shift the matrix
positive, ``min Σu s.t. Mᵀu >= 1``, value ``1/Σu − shift``) used to check the LP.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MarkovGame", "matrix_game", "matrix_game_dual", "nash", "NashSolution",
           "pair_value", "best_response_to_max", "best_response_to_min", "duality_gap"]

#: row sums of ``P`` must be within this of 1
ROW_SUM_TOL = 1e-9


def _ro(x):
    x = np.array(x, dtype=np.float64, copy=True)
    x.setflags(write=False)
    return x


@dataclass(frozen=True)
class MarkovGame:
    """A finite-horizon two-player zero-sum Markov game (module docstring)."""

    P: np.ndarray
    r: np.ndarray
    horizon: int
    init: np.ndarray
    name: str = ""

    def __init__(self, P, r, horizon: int, init=None, name: str = ""):
        try:
            P = np.asarray(P, dtype=np.float64)
            r = np.asarray(r, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"MarkovGame: P and r must be numeric arrays: {exc}") from None
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
            raise ValueError(f"MarkovGame: horizon must be an int >= 1, got {horizon!r}")
        H = int(horizon)
        if P.ndim not in (4, 5) or P.shape[-1] != P.shape[-4] or \
                (P.ndim == 5 and P.shape[0] != H):
            raise ValueError(f"MarkovGame: P must have shape [S, A, B, S] or [H, S, A, B, S] "
                             f"(H = {H}), got {P.shape}")
        S, A, B = P.shape[-4:-1]
        if r.ndim not in (3, 4) or r.shape[-3:] != (S, A, B) or \
                (r.ndim == 4 and r.shape[0] != H):
            raise ValueError(f"MarkovGame: r must have shape [S, A, B] = {(S, A, B)} or "
                             f"[H, S, A, B] matching P, got {r.shape} (P {P.shape})")
        bad = np.argwhere(~np.isfinite(P) | (P < 0))
        if bad.size:
            i = tuple(int(x) for x in bad[0])
            raise ValueError(f"MarkovGame: P{list(i)} = {P[i]!r}; entries must be finite "
                             "and >= 0")
        sums = P.sum(-1)
        bad = np.argwhere(np.abs(sums - 1.0) > ROW_SUM_TOL)
        if bad.size:
            i = tuple(int(x) for x in bad[0])
            raise ValueError(f"MarkovGame: row P{list(i)} sums to {sums[i]!r}; every row "
                             "must sum to 1")
        bad = np.argwhere(~np.isfinite(r) | (r < 0) | (r > 1))
        if bad.size:
            i = tuple(int(x) for x in bad[0])
            raise ValueError(f"MarkovGame: r{list(i)} = {r[i]!r}; rewards must lie in [0, 1]")
        if init is None:
            init = np.zeros(S)
            init[0] = 1.0
        init = np.asarray(init, dtype=np.float64)
        if init.shape != (S,) or np.any(init < 0) or abs(init.sum() - 1.0) > ROW_SUM_TOL:
            raise ValueError(f"MarkovGame: init must be a distribution over the {S} states, "
                             f"got shape {init.shape} summing to {init.sum()!r}")
        object.__setattr__(self, "P", _ro(P))
        object.__setattr__(self, "r", _ro(r))
        object.__setattr__(self, "horizon", H)
        object.__setattr__(self, "init", _ro(init))
        object.__setattr__(self, "name", str(name))

    @property
    def S(self) -> int:
        return self.P.shape[-4]

    @property
    def A(self) -> int:
        return self.P.shape[-3]

    @property
    def B(self) -> int:
        return self.P.shape[-2]

    def stage_P(self) -> np.ndarray:
        """``P[H, S, A, B, S]`` (broadcast when stationary)."""
        P = self.P if self.P.ndim == 5 else self.P[None]
        return np.broadcast_to(P, (self.horizon,) + P.shape[1:])

    def stage_r(self) -> np.ndarray:
        """``r[H, S, A, B]`` (broadcast when stationary)."""
        r = self.r if self.r.ndim == 4 else self.r[None]
        return np.broadcast_to(r, (self.horizon,) + r.shape[1:])

    def __repr__(self):
        return f"MarkovGame({self.name or 'game'}, S={self.S}, A={self.A}, B={self.B}, " \
               f"H={self.horizon})"


def matrix_game(M):
    """``(value, x, y)`` of ``max_x min_y xᵀ M y`` by two LPs (SciPy HiGHS): the max
    player's ``max v s.t. Mᵀx >= v, Σx = 1, x >= 0`` and the min player's mirror."""
    from scipy.optimize import linprog
    M = np.asarray(M, dtype=np.float64)
    m, n = M.shape
    # variables (x, v); minimise -v
    c = np.zeros(m + 1)
    c[-1] = -1.0
    res = linprog(c, A_ub=np.hstack([-M.T, np.ones((n, 1))]), b_ub=np.zeros(n),
                  A_eq=np.hstack([np.ones((1, m)), np.zeros((1, 1))]), b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    if res.status != 0:
        raise RuntimeError(f"matrix game LP failed: {res.message}")
    x = np.clip(res.x[:m], 0.0, None)
    x /= x.sum()
    c2 = np.zeros(n + 1)
    c2[-1] = 1.0
    res2 = linprog(c2, A_ub=np.hstack([M, -np.ones((m, 1))]), b_ub=np.zeros(m),
                   A_eq=np.hstack([np.ones((1, n)), np.zeros((1, 1))]), b_eq=[1.0],
                   bounds=[(0, None)] * n + [(None, None)], method="highs")
    if res2.status != 0:
        raise RuntimeError(f"matrix game LP failed: {res2.message}")
    y = np.clip(res2.x[:n], 0.0, None)
    y /= y.sum()
    return float(-res.fun), x, y


def matrix_game_dual(M) -> float:
    """The value of ``max_x min_y xᵀ M y`` by the classical formulation (independent of
    :func:`matrix_game`): ``M' = M − min M + 1 > 0``, ``min Σu s.t. M'ᵀu >= 1, u >= 0``,
    value ``1/Σu + min M − 1``."""
    from scipy.optimize import linprog
    M = np.asarray(M, dtype=np.float64)
    shift = M.min() - 1.0
    Mp = M - shift
    m, n = M.shape
    res = linprog(np.ones(m), A_ub=-Mp.T, b_ub=-np.ones(n), bounds=[(0, None)] * m,
                  method="highs")
    return float(1.0 / res.fun + shift)


@dataclass(frozen=True)
class NashSolution:
    """``V: float64[H + 1, S]`` the Nash values (``V[H] = 0``), ``mu: [H, S, A]``,
    ``nu: [H, S, B]`` equilibrium policies, ``value`` = ``init · V[0]``."""

    V: np.ndarray
    mu: np.ndarray
    nu: np.ndarray
    value: float


def nash(game: MarkovGame) -> NashSolution:
    """Exact Nash values and policies by backward induction, one LP per ``(h, s)``."""
    P, r = game.stage_P(), game.stage_r()
    H, S, A, B = game.horizon, game.S, game.A, game.B
    V = np.zeros((H + 1, S))
    mu = np.zeros((H, S, A))
    nu = np.zeros((H, S, B))
    for h in range(H - 1, -1, -1):
        Q = r[h] + P[h] @ V[h + 1]
        for s in range(S):
            V[h, s], mu[h, s], nu[h, s] = matrix_game(Q[s])
    return NashSolution(V, mu, nu, float(game.init @ V[0]))


def pair_value(game: MarkovGame, mu, nu) -> np.ndarray:
    """``V^{μ,ν}: float64[H + 1, S]``."""
    P, r = game.stage_P(), game.stage_r()
    H, S = game.horizon, game.S
    V = np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q = r[h] + P[h] @ V[h + 1]
        V[h] = np.einsum("sa,sab,sb->s", mu[h], Q, nu[h])
    return V


def best_response_to_max(game: MarkovGame, mu):
    """``(V^{μ,†}[H + 1, S], ν^†[H, S, B])``: the min player's best response to ``μ``
    (deterministic, lowest index among ties)."""
    P, r = game.stage_P(), game.stage_r()
    H, S, B = game.horizon, game.S, game.B
    V = np.zeros((H + 1, S))
    br = np.zeros((H, S, B))
    for h in range(H - 1, -1, -1):
        Qb = np.einsum("sa,sab->sb", mu[h], r[h] + P[h] @ V[h + 1])
        b = Qb.argmin(-1)
        V[h] = Qb[np.arange(S), b]
        br[h, np.arange(S), b] = 1.0
    return V, br


def best_response_to_min(game: MarkovGame, nu):
    """``(V^{†,ν}[H + 1, S], μ^†[H, S, A])``: the max player's best response to ``ν``."""
    P, r = game.stage_P(), game.stage_r()
    H, S, A = game.horizon, game.S, game.A
    V = np.zeros((H + 1, S))
    br = np.zeros((H, S, A))
    for h in range(H - 1, -1, -1):
        Qa = np.einsum("sab,sb->sa", r[h] + P[h] @ V[h + 1], nu[h])
        a = Qa.argmax(-1)
        V[h] = Qa[np.arange(S), a]
        br[h, np.arange(S), a] = 1.0
    return V, br


def duality_gap(game: MarkovGame, mu, nu) -> float:
    """``V^{†,ν}(s_1) − V^{μ,†}(s_1)`` from the initial distribution."""
    hi = best_response_to_min(game, nu)[0][0]
    lo = best_response_to_max(game, mu)[0][0]
    return float(game.init @ hi - game.init @ lo)
