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
  other advance probabilities ``p`` on a grid), order shuffled by ``rng``;
* ``exploiter_trap_class`` — a class on which greedy self-play fails (the two-player analogue
  of the RiverSwim trap). One matrix game at the start state, ``A = B = 2``, then ``H − 1``
  steps in an absorbing state paying ``0.5`` (*mid*, reached by ``a = 0``), ``0.8``
  (*good*, reached by ``(1, 0)``), ``1`` (*jackpot*) or ``0`` (*bad*). Only the outcome of
  the joint action ``(1, 1)`` differs between members: in the truth it leads to *bad*; in
  member ``x`` to *jackpot* w.p. ``x`` and *bad* otherwise, ``x`` on a grid in
  ``[x_min, 1]``. Per remaining step the start game is ``[[0.5, 0.5], [0.8, 0]]`` in the truth
  (Nash: ``a = 0``, value ``0.5``) and ``[[0.5, 0.5], [0.8, x]]`` in member ``x`` (for
  ``x > 0.8``, ``a = 1`` dominates and the min player answers ``b = 0``). So no member's Nash
  pair ever plays ``(1, 1)``: self-play never sees the only transition that tells the members
  apart, keeps choosing among tied members, and each wrong choice ``(a = 1, b = 0)`` has duality
  gap ``(0.5 + 0.3)(H − 1)`` on the truth. An exploiter (the best response to ``a = 1`` under
  the truth, ``b = 1``) plays ``(1, 1)`` at once. [P] our construction.
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..models.game import MarkovGame
from ..settings.markov_game import GameClass
from ._common import check_int
from ._registry import register

__all__ = ["random_game", "pennies_chain", "pennies_kernel", "random_game_class",
           "pennies_chain_class", "exploiter_trap_class"]


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


#: states of the exploiter trap: start, mid (0.5), good (0.8), jackpot (1), bad (0)
TRAP_REWARDS = (0.0, 0.5, 0.8, 1.0, 0.0)


def _trap_kernel(x: float) -> np.ndarray:
    P = np.zeros((5, 2, 2, 5))
    for s in range(1, 5):
        P[s, :, :, s] = 1.0                       # absorbing
    P[0, 0, :, 1] = 1.0                           # a = 0: mid
    P[0, 1, 0, 2] = 1.0                           # (1, 0): good
    P[0, 1, 1, 3] = x                             # (1, 1): jackpot w.p. x, else bad
    P[0, 1, 1, 4] = 1.0 - x
    return P


@register("exploiter_trap_class")
def exploiter_trap_class(*, horizon: int = 5, M: int = 8, x_min: float = 0.85,
                         rng=0) -> GameClass:
    """The exploiter trap (module docstring): the truth (``x = 0``) and ``M − 1`` members
    with ``x`` on a grid in ``[x_min, 1]``, order shuffled by ``rng``."""
    M = check_int("M", M, lo=1)
    horizon = check_int("horizon", horizon, lo=2)
    if not (isinstance(x_min, (int, float)) and 0.8 < x_min <= 1.0):
        raise ValueError(f"x_min must be a number in (0.8, 1] (below 0.8 the members' Nash "
                         f"pairs would play (1, 1)); got {x_min!r}")
    r = np.broadcast_to(np.asarray(TRAP_REWARDS)[:, None, None], (5, 2, 2)).copy()
    game = MarkovGame(_trap_kernel(0.0), r, horizon, name="exploiter_trap")
    xs = [0.0] + list(np.linspace(float(x_min), 1.0, M - 1)) if M > 1 else [0.0]
    P = np.stack([_trap_kernel(float(x)) for x in xs])
    return GameClass(game, P[as_generator(rng).permutation(M)], label=game.name)
