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

The class order is shuffled by ``rng`` (the order decides exact ties, e.g. greedy MLE's first
choice); the setting records where the truth landed (``df.attrs["true_index"]``).
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..settings.finite_class import FiniteClass
from ._common import check_int
from ._registry import register
from .garnet import garnet
from .riverswim import riverswim

__all__ = ["riverswim_class", "garnet_class", "riverswim_kernels"]


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
