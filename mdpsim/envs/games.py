r"""Two-player zero-sum Markov games (:class:`mdpsim.models.game.MarkovGame`) and game
classes for MEX-MG (:class:`mdpsim.settings.markov_game.GameClass`). [P] our constructions.

* ``random_game`` — ``P[s, a, b] ~ Dirichlet(α 1)`` on ``b_succ`` random successors,
  ``r ~ U[0, 1]``, stationary;
* ``pennies_chain`` — a chain of ``S`` states; at each state the players play matching
  pennies (``A = B = 2``): if both play heads the max player advances w.p. ``p``, both tails w.p.
  ``1 − p`` (else stays), otherwise the chain falls back one state w.p. ``q`` (else stays); reward 1 per step
  spent in the last state;
* ``random_game_class`` / ``pennies_chain_class`` — the true game plus ``M − 1`` other
  kernels (random perturbations ``P ∝ P ⊙ exp(σ Z)`` on the same support; for the chain,
  other advance probabilities ``p`` on a grid), order shuffled by ``rng``.
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..models.game import MarkovGame
from ..settings.markov_game import GameClass
from ._common import check_int
from ._registry import register

__all__ = ["random_game", "pennies_chain", "pennies_kernel", "random_game_class",
           "pennies_chain_class"]


@register("random_game")
def random_game(S: int = 4, A: int = 2, B: int = 2, *, horizon: int = 5, b_succ: int = 2,
                alpha: float = 1.0, rng=0) -> MarkovGame:
    """A random stationary zero-sum game (module docstring)."""
    S, A, B = check_int("S", S, lo=1), check_int("A", A, lo=1), check_int("B", B, lo=1)
    b_succ = check_int("b_succ", b_succ, lo=1)
    g = as_generator(rng)
    P = np.zeros((S, A, B, S))
    for s in range(S):
        for a in range(A):
            for b in range(B):
                succ = g.choice(S, size=min(b_succ, S), replace=False)
                P[s, a, b, succ] = g.dirichlet(np.full(succ.size, alpha))
    r = g.uniform(0.0, 1.0, (S, A, B))
    return MarkovGame(P, r, horizon, name=f"random_game({S},{A},{B})")


def pennies_kernel(S: int, p: float, q: float) -> np.ndarray:
    """``P[S, 2, 2, S]`` of the matching-pennies chain (module docstring)."""
    P = np.zeros((S, 2, 2, S))
    for s in range(S):
        for a in range(2):
            for b in range(2):
                if a == b:
                    pa = p if a == 0 else 1.0 - p
                    P[s, a, b, min(s + 1, S - 1)] += pa
                    P[s, a, b, s] += 1.0 - pa
                else:
                    P[s, a, b, max(s - 1, 0)] += q
                    P[s, a, b, s] += 1.0 - q
    return P


@register("pennies_chain")
def pennies_chain(S: int = 4, *, horizon: int = 6, p: float = 0.6,
                  q: float = 0.3) -> MarkovGame:
    """The matching-pennies chain (module docstring)."""
    S = check_int("S", S, lo=2)
    r = np.zeros((S, 2, 2))
    r[S - 1] = 1.0
    return MarkovGame(pennies_kernel(S, p, q), r, horizon, name=f"pennies_chain({S})")


@register("random_game_class")
def random_game_class(S: int = 4, A: int = 2, B: int = 2, *, horizon: int = 5, M: int = 8,
                      sigma: float = 1.0, rng=0) -> GameClass:
    """A random game with ``M − 1`` perturbations on its support (module docstring)."""
    M = check_int("M", M, lo=1)
    g = as_generator(rng)
    game = random_game(S, A, B, horizon=horizon, rng=g)
    P0 = np.asarray(game.P)
    Ps = [P0]
    for _ in range(M - 1):
        W = P0 * np.exp(float(sigma) * g.standard_normal(P0.shape))
        Ps.append(W / W.sum(-1, keepdims=True))
    return GameClass(game, np.stack(Ps)[g.permutation(M)], label=game.name)


@register("pennies_chain_class")
def pennies_chain_class(S: int = 4, *, horizon: int = 6, M: int = 8, p: float = 0.6,
                        q: float = 0.3, rng=0) -> GameClass:
    """The pennies chain with ``M`` advance probabilities on a grid in [0.05, 0.95] that
    includes the truth's ``p`` (module docstring)."""
    M = check_int("M", M, lo=1)
    game = pennies_chain(S, horizon=horizon, p=p, q=q)
    ps = np.linspace(0.05, 0.95, M)
    ps[int(np.argmin(np.abs(ps - p)))] = p
    P = np.stack([pennies_kernel(S, float(x), q) for x in ps])
    return GameClass(game, P[as_generator(rng).permutation(M)], label=game.name)
