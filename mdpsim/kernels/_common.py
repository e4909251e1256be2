"""Shared definitions for the kernel backends (and the one stopping rule of value iteration).

Every backend module (``reference``, ``numba``, ``cupy``) exposes the same functions over a
:class:`Trans` (the transition tables in one of two layouts) and plain arrays:

=============================  =============================================================
``bellman_q(T, R, V, c)``      ``Q[s,a] = R[s,a] + c * sum_s' P[s,a,s'] V[s']`` (one stage)
``backward_induction``         optimal ``Q[H,S,A]``, ``V[H+1,S]``, greedy ``policy[H,S]``
``evaluate_finite``            ``Q^pi[H,S,A]``, ``V^pi[H+1,S]`` of a stochastic ``pi[H,S,A]``
``value_iteration``            discounted VI with an epsilon-optimal stopping rule
``evaluate_discounted``        ``V^pi = (I - gamma P_pi)^{-1} r_pi`` by a linear solve
``occupancy_finite``           ``d[h,s,a] = Pr(s_h = s, a_h = a)`` from ``init``
``occupancy_discounted``       ``d[s,a] = (1-gamma) sum_t gamma^t Pr(s_t = s, a_t = a)``
``sample_trajectory``          one trajectory by inverse CDF from pre-drawn uniforms
=============================  =============================================================

Conventions: ``P`` stages ``n_p`` and reward stages ``n_r`` are 1 (stationary) or H; stage
``h`` reads ``P[h if n_p > 1 else 0]``. ``V[H] = 0`` is the terminal value. Greedy policies
take the lowest action index among the actions within ``TIE_RTOL * (1 + |max|)`` of the
maximum, so that rounding differences between backends (BLAS vs. loops) never flip a tie.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

#: Relative tolerance under which two action values count as tied for the greedy policy.
TIE_RTOL = 1e-12


def stop_rule(lo, hi, gamma, tol, sup_rule):
    """Stopping test of discounted value iteration (and of robust policy evaluation) from
    ``lo = min(T v - v)``, ``hi = max(T v - v)``: returns ``(stop, shift)``.

    * sup rule (Puterman, Thm 6.3.1): stop when ``2 gamma max(hi, -lo) < tol (1 - gamma)``;
      the result is ``T v`` (``shift`` unused);
    * span rule (MacQueen–Porteus bounds ``T v + gamma/(1-gamma) [lo, hi]`` around ``V*``):
      stop when ``gamma (hi - lo) < tol (1 - gamma)``; the result is the bracket's midpoint
      ``T v + shift``, ``shift = gamma/(1-gamma) (hi + lo)/2``.

    Plain Python on floats; the Numba backends compile this same function."""
    shift = gamma / (1.0 - gamma) * 0.5 * (hi + lo)
    if sup_rule:
        return 2.0 * gamma * max(hi, -lo) < tol * (1.0 - gamma), shift
    return gamma * (hi - lo) < tol * (1.0 - gamma), shift


class Trans(NamedTuple):
    """Transition tables for the kernels.

    ``kind == "dense"``: ``P: float64[n_p, S, A, S']`` (C-contiguous), CSR fields are ``None``.
    ``kind == "csr"``: row ``(h*S + s)*A + a`` holds next states
    ``indices[indptr[r]:indptr[r+1]]`` with probabilities ``probs[...]``; ``P`` is ``None``.
    """

    kind: str
    S: int
    A: int
    n_p: int
    P: object = None
    indptr: object = None
    indices: object = None
    probs: object = None


class VIResult(NamedTuple):
    V: np.ndarray          # float64[S]: value estimate (within tol/2 of V* when converged)
    policy: np.ndarray     # int64[S]: greedy policy (tol-optimal when converged)
    n_iter: int            # number of Bellman sweeps
    gap_bound: float       # certified bound on V* - V^policy (sup norm)
    converged: bool


STOP_RULES = ("span", "sup")
