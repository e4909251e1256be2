r"""Finite model classes that contain the truth: the problems of MEX and its baselines
(:mod:`mdpsim.algorithms.mex`). Each factory returns a :class:`mdpsim.settings.FiniteClass`
(the true model plus the class given to the learner).

* ``riverswim_class`` — the true model is RiverSwim (:func:`mdpsim.envs.riverswim.riverswim`,
  default parameters); the class holds RiverSwim variants whose interior right move advances
  w.p. ``x`` (stays w.p. ``0.95 - x``, falls back w.p. 0.05, as in the truth), ``x`` on a grid
  geometric in ``[0.02, 0.9]`` that includes the truth's 0.35, and "jackpot" variants: the truth's kernel
  except that *left at state 0* reaches the far end ``S - 1`` w.p. ``j`` (else stays). All
  members share the truth's support except the jackpots' one extra entry, so no member is
  refuted by the first transitions the greedy "left" policy sees: a jackpot is unlearnt only
  through likelihood (``log(1/(1-j))`` nats per observation). The jackpot's optimal policy
  (left at 0 forever) is poor on the truth; the low-``x`` variants' optimal policy (stay on
  the left bank) too. [P] our construction, after the small numeric check of the note.
* ``garnet_class`` — the true model is a dense Garnet; the other members are random
  perturbations on the same support, ``P_m ∝ P ⊙ exp(σ Z_m)``, ``Z_m ~ N(0, 1)`` entrywise.
* ``lock_class`` — class families in which identifying the truth needs ``log2 M`` distinctions:
  a stochastic combination lock with ``n`` positions and ``A = 2`` (states: positions
  ``0..n−1``, a goal paying 1 per step, a fail state paying 0; both absorbing). At position
  ``i`` the correct action ``c_i`` advances w.p. ``p_hi``, the other w.p. ``p_lo``; otherwise
  the chain fails. The class is all ``M = 2^n`` combinations, the truth one of them (drawn by
  ``rng``). Every member has the same optimal value, so MEX's argmax is the likelihood's
  (η only scales the loss): the hard part is the ``n = log2 M`` bits, each learnt from the
  advance frequencies of the action played at its position. [P] ours.
* ``needle_class`` — a class family in which identifying the truth needs ``M − 1``
  distinctions (each member hides its "needle" in a different cell): at the start state,
  action 0 leads to a state paying ``r_safe`` per step, action ``a >= 1`` to a state paying 0;
  member ``m >= 1`` differs from the truth only in that its action ``m`` reaches a jackpot
  state (1 per step) w.p. ``j`` (else the 0 state). With ``j > r_safe`` every wrong member is
  more optimistic than the truth, and each must be unlearnt by playing its own action. [P] ours.

The class order is shuffled by ``rng`` (the order decides exact ties, e.g. greedy MLE's first
choice); the setting records where the truth landed (``df.attrs["true_index"]``).
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..settings.finite_class import FiniteClass
from ._common import check_int
from ._registry import register
from ._common import TabularMDP
from .garnet import garnet
from .riverswim import riverswim

__all__ = ["riverswim_class", "garnet_class", "riverswim_kernels", "lock_class", "needle_class"]


def riverswim_kernels(S: int, M: int) -> tuple[np.ndarray, int]:
    """``(P[M, S, 2, S], index of the truth)`` of the RiverSwim class (unshuffled; module
    docstring): ``n_jack = max(1, M // 8)`` jackpots, the rest a grid of ``x``."""
    n_jack = max(1, M // 8)
    n_grid = M - n_jack
    if n_grid < 1:
        raise ValueError(f"riverswim_class needs M >= 2, got {M}")
    xs = np.geomspace(0.02, 0.9, n_grid)
    i = int(np.argmin(np.abs(xs - 0.35)))
    xs[i] = 0.35                                   # the truth's interior probability
    truth = riverswim(S, horizon=5).P
    Ps = []
    for x in xs:
        P = riverswim(S, horizon=5, p_right=float(x), p_stay=0.95 - float(x)).P
        Ps.append(P)
    for j in np.linspace(0.3, 0.7, n_jack):
        P = truth.copy()
        P[0, 0] = 0.0
        P[0, 0, 0] = 1.0 - j
        P[0, 0, S - 1] = j
        Ps.append(P)
    return np.stack(Ps), i


@register("riverswim_class")
def riverswim_class(S: int = 5, *, horizon: int = 10, M: int = 16, rng=0) -> FiniteClass:
    """RiverSwim with a finite class of ``M`` RiverSwim variants and jackpots (module
    docstring); ``rng`` shuffles the class order."""
    S = check_int("S", S, lo=3)
    M = check_int("M", M, lo=2)
    truth = riverswim(S, horizon=horizon)
    P, _ = riverswim_kernels(S, M)
    perm = as_generator(rng).permutation(M)
    return FiniteClass(truth, P[perm], label=f"RiverSwim({S})")


@register("garnet_class")
def garnet_class(S: int = 8, A: int = 3, b: int = 3, *, horizon: int = 10, M: int = 16,
                 sigma: float = 1.0, rng=0) -> FiniteClass:
    """A dense Garnet ``G(S, A, b)`` with ``M - 1`` perturbations on its support (module
    docstring); ``rng`` draws the Garnet, the perturbations and the class order."""
    M = check_int("M", M, lo=2)
    g = as_generator(rng)
    truth = garnet(S, A, b, horizon=horizon, rng=g, storage="dense")
    P0 = np.asarray(truth.P, dtype=np.float64)
    Ps = [P0]
    for _ in range(M - 1):
        W = P0 * np.exp(float(sigma) * g.standard_normal(P0.shape))
        Ps.append(W / W.sum(-1, keepdims=True))
    perm = g.permutation(M)
    return FiniteClass(truth, np.stack(Ps)[perm], label=f"Garnet({S},{A},{b})")


def _lock_kernel(code, p_hi: float, p_lo: float) -> np.ndarray:
    n = len(code)
    goal, fail = n, n + 1
    P = np.zeros((n + 2, 2, n + 2))
    P[goal, :, goal] = 1.0
    P[fail, :, fail] = 1.0
    for i, c in enumerate(code):
        for a in range(2):
            p = p_hi if a == c else p_lo
            P[i, a, i + 1] = p                         # i + 1 == goal at the last position
            P[i, a, fail] = 1.0 - p
    return P


@register("lock_class")
def lock_class(n: int = 4, *, horizon: int = 10, p_hi: float = 0.9, p_lo: float = 0.5,
               rng=0) -> FiniteClass:
    """The stochastic combination lock with all ``2^n`` combinations as the class (module
    docstring); ``rng`` draws the true combination and the class order."""
    n = check_int("n", n, lo=1)
    if n > 10:
        raise ValueError(f"lock_class: n = {n} gives M = 2^n = {2 ** n} members; at most 10")
    horizon = check_int("horizon", horizon, lo=n + 1)
    for name, v in (("p_hi", p_hi), ("p_lo", p_lo)):
        if not (isinstance(v, (int, float)) and 0.0 < v < 1.0):
            raise ValueError(f"lock_class: {name} must be a number in (0, 1), got {v!r}")
    if not p_lo < p_hi:
        raise ValueError(f"lock_class: p_lo = {p_lo!r} must be below p_hi = {p_hi!r}")
    g = as_generator(rng)
    truth_code = g.integers(0, 2, size=n)
    codes = [((m >> np.arange(n)) & 1) for m in range(2 ** n)]
    R = np.zeros((n + 2, 2))
    R[n] = 1.0
    truth = TabularMDP(_lock_kernel(truth_code, p_hi, p_lo), R, horizon=horizon,
                       name=f"lock(n={n})")
    P = np.stack([_lock_kernel(c, p_hi, p_lo) for c in codes])
    return FiniteClass(truth, P[g.permutation(len(codes))], label=f"Lock({n})")


@register("needle_class")
def needle_class(M: int = 16, *, horizon: int = 10, r_safe: float = 0.8, j: float = 0.9,
                 rng=0) -> FiniteClass:
    """The truth and ``M − 1`` needle members (module docstring): states start, safe, zero,
    jackpot; ``A = M`` actions; ``rng`` shuffles the class order."""
    M = check_int("M", M, lo=2)
    horizon = check_int("horizon", horizon, lo=2)
    if not (isinstance(r_safe, (int, float)) and 0.0 <= r_safe < 1.0):
        raise ValueError(f"needle_class: r_safe must be a number in [0, 1), got {r_safe!r}")
    if not (isinstance(j, (int, float)) and r_safe < j < 1.0):
        raise ValueError(f"needle_class: j must be a number in (r_safe, 1) = ({r_safe}, 1), "
                         f"got {j!r}")
    A = M
    P0 = np.zeros((4, A, 4))
    P0[1:, :, :] = np.eye(4)[1:, None, :]                 # absorbing safe, zero, jackpot
    P0[0, 0, 1] = 1.0
    P0[0, 1:, 2] = 1.0
    R = np.zeros((4, A))
    R[1], R[3] = r_safe, 1.0
    truth = TabularMDP(P0, R, horizon=horizon, name=f"needle(M={M})")
    Ps = [P0]
    for m in range(1, M):
        P = P0.copy()
        P[0, m, 2], P[0, m, 3] = 1.0 - j, j
        Ps.append(P)
    return FiniteClass(truth, np.stack(Ps)[as_generator(rng).permutation(M)],
                       label=f"Needle({M})")
