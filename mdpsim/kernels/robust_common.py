r"""Shared definitions for the robust kernels (no computation here).

Layout. A robust model reaches the kernels as a :class:`RobustTrans`: the nominal kernel in
CSR form over the *candidate entries* of each row ``r = (hp*S + s)*A + a`` (the nominal
support, or every state for ``tv``), the reward of each transition, and the budgets.

* ``q[k]`` — nominal probability of entry ``k`` (0 allowed only for ``tv`` rows);
* ``rn[k]`` — reward of the transition (``R_next``; 0 when rewards do not depend on s');
* ``Rb[hr, s, a]`` — reward of the pair (``R``; 0 when ``R_next`` is given);
* ``budget`` — ``float64[S*A]`` (``rect == SA``) or ``float64[S]`` (``rect == S_RECT``), in
  the units of the distance ``D`` (``radius**2`` for ``l2``).

Every backup minimises over the set (nature against a reward-maximising agent) the linear
function ``p -> sum_k p_k z_k`` with ``z_k = Rb + rn_k + c V[idx_k]`` (``c`` = gamma or 1).

Row problems (one (s,a), budget ``b``), all exact up to rounding:

* ``l1`` / ``tv`` — sort: put ``min(b/u, 1 - q_*)`` extra mass on the smallest ``z`` and remove
  it from the largest ``z`` down (``u = 2`` for L1, 1 for TV);
* ``linf`` — fractional knapsack between ``max(q-b,0)`` and ``min(q+b,1)``;
* ``l2`` / ``chi2`` — the minimiser is ``p(t) = argmin_{p in simplex} t z.p + 1/2 sum w (p-q)^2``
  (``w = 1`` or ``1/q``), a weighted simplex projection; ``D(p(t))`` increases in ``t``, which
  is bisected to ``D = b`` (the 1-D dual in the multiplier ``1/t``);
* ``kl`` — the minimiser is the exponential tilt ``p_eta ∝ q exp(-eta z)``; ``KL(p_eta||q)``
  increases in ``eta``, bisected to ``KL = b`` (the 1-D dual in ``lambda = 1/eta``).

s-rectangular states (budget ``B`` shared by the actions, ``sum_a D(p_a, q_a) <= B``):

* fixed policy ``pi`` — minimise ``sum_a pi_a f_a(d_a)`` over allocations ``sum d_a <= B``,
  ``f_a(d)`` the row worst case at budget ``d`` (convex, non-increasing). L1/TV: ``f_a`` is
  piecewise linear; the allocation is a greedy merge of all segments by ``pi_a * rate``.
  Smooth kinds: equal marginal rates ``pi_a f_a'(d_a) = -mu``, i.e. path parameter
  ``pi_a * nu`` per action (``nu = 1/mu`` up to a factor), bisected on ``nu``;
* optimal (max over ``pi``) — by the minimax theorem the value is
  ``min_{sum d_a <= B} max_a f_a(d_a)``, the smallest level ``u`` whose total required budget
  ``G(u) = sum_a f_a^{-1}(u)`` is at most ``B`` (Ho, Petrik & Wiesemann's level-set idea).
  L1/TV: ``G`` is piecewise linear and solved exactly; smooth kinds: bisection on ``u``. The
  optimal (possibly stochastic) policy is ``pi_a ∝ |d f_a^{-1}(u)/du|`` at ``u*``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Kernel codes of the set kinds, in :data:`mdpsim.models.robust.SET_KINDS` order.
L1, TV, LINF, L2, CHI2, KL = 0, 1, 2, 3, 4, 5
KIND_NAMES = ("l1", "tv", "linf", "l2", "chi2", "kl")
#: Rectangularity codes.
SA, S_RECT = 0, 1
#: Cap on bisection steps (each halves the bracket; they stop earlier at float resolution).
BISECT_MAX = 200
#: Cap on bracket doublings / halvings.
BRACKET_MAX = 2000


class RobustTrans(NamedTuple):
    """Kernel view of a :class:`~mdpsim.models.robust.RobustMDP` (see module docstring)."""

    kind: int
    rect: int
    S: int
    A: int
    n_p: int
    indptr: np.ndarray   # int64[n_p*S*A + 1]
    idx: np.ndarray      # int64[nnz]
    q: np.ndarray        # float64[nnz]
    rn: np.ndarray       # float64[nnz]
    Rb: np.ndarray       # float64[n_r, S, A]
    budget: np.ndarray   # float64[S*A] or float64[S]


class RVIResult(NamedTuple):
    V: np.ndarray          # float64[S]: within tol/2 of V* when converged
    pi: np.ndarray         # float64[S, A]: greedy (one-hot for sa-rect), tol-optimal
    n_iter: int
    gap_bound: float       # certified bound on V* - V^pi (sup norm)
    converged: bool


class REvalResult(NamedTuple):
    V: np.ndarray          # float64[S]: within gap_bound/2 of the robust value of pi
    pw: np.ndarray         # float64[nnz]: a worst-case kernel for the returned value
    n_iter: int
    gap_bound: float
    converged: bool
