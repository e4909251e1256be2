r"""Online sensitivity sampling for a linear function class (and its tabular special case).

Source: Kong, Salakhutdinov, Wang, Yang, "Online Sub-Sampling for Reinforcement Learning with
General Function Approximation" (arXiv:2106.07203), as used by LPO (Li, Wang, Cheng, Yang,
ICML 2023, arXiv:2306.09554); see ``docs/papers/lpo.md`` §2. For the class
``F = {(s, a) -> phi(s, a)ᵀ theta}`` the sensitivity of a new point is, by Cauchy-Schwarz, the
ridge leverage score over the importance-weighted kept set ``Z`` (a reconstruction of the
general-class formula for the linear class, ``docs/papers/lpo.md`` §2):

.. math:: \mathrm{score}(z) = \min\{1,\ \phi(z)^\top (\Lambda_Z + \lambda I)^{-1} \phi(z)\},
          \qquad \Lambda_Z = \sum_{z' \in Z} \phi(z')\phi(z')^\top / p_{z'} ,

.. math:: p_z = \min\{1,\ C_s\,\mathrm{score}(z)\,\log(T/\delta)\},

and ``z`` is kept (with weight ``1/p_z``) when a uniform draw ``u < p_z``. ``T`` is the length
of the stream (the budget, known in advance), ``delta`` the failure probability, ``C_s`` the
constant (the theory's is large; it is exposed). Expected number of kept points
``E|Z| <= C_s log(T/delta) sum_t score_t``, and the elliptical-potential argument bounds the
sum of scores by ``O(d log(1 + T/(d lambda)))``: ``|Z| = O~(d log T)``.

Tabular special case (one-hot ``phi``, ``d = S A``): ``Lambda_Z + lambda I`` is diagonal with
the importance-weighted counts ``n_w(s, a) + lambda``, so ``score = min(1, 1/(n_w + lambda))``
and a kept point adds ``1/p`` to its pair's count (:func:`sensitivity_step_counts`); the
linear kernel on one-hot features makes the same decisions (a test says so).

Kernels are compiled (``@njit(cache=True)``) and update the sampler's state in place (the
state belongs to the caller's run: ``Lam``, ``Linv`` or ``n_w``); uniforms are passed in.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ..._rng import as_generator

__all__ = ["sensitivity_log_term", "quad_form", "leverage_score", "sensitivity_step",
           "sensitivity_step_counts", "SensitivityResult", "online_sensitivity_sample",
           "online_sensitivity_sample_counts", "expected_size_bound"]


def sensitivity_log_term(T: int, delta: float) -> float:
    """``log(T / delta)`` with the checks: ``T >= 1`` an int, ``0 < delta < 1``."""
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be a positive int (stream length), got {T!r}")
    if not (isinstance(delta, (int, float, np.floating)) and 0.0 < float(delta) < 1.0):
        raise ValueError(f"delta must be in (0, 1), got {delta!r}")
    return float(np.log(T / float(delta)))


@njit(cache=True, inline="always")
def quad_form(Linv, x):
    """``xᵀ Linv x`` (``Linv: float64[d, d]``, ``x: float64[d]``; row by row, no clipping)."""
    d = x.shape[0]
    acc = 0.0
    for i in range(d):
        t = 0.0
        for j in range(d):
            t += Linv[i, j] * x[j]
        acc += x[i] * t
    return acc


@njit(cache=True)
def leverage_score(Linv, x):
    """``Linv: float64[d, d]`` (``(Lambda_Z + lambda I)^{-1}``), ``x: float64[d]`` ->
    ``min(1, xᵀ Linv x)``."""
    return min(1.0, quad_form(Linv, x))


@njit(cache=True)
def sensitivity_step(Lam, Linv, x, C_s, log_term, u):
    """One point of the stream: ``Lam, Linv: float64[d, d]`` (updated in place when kept),
    ``x: float64[d]``, ``u`` a uniform draw -> ``(kept, p)``.

    ``p = min(1, C_s score log_term)``; kept iff ``u < p``; then ``Lam += xxᵀ/p`` and
    ``Linv`` by the Sherman-Morrison formula ``Linv - w v vᵀ/(1 + w xᵀ v)``, ``v = Linv x``,
    ``w = 1/p``."""
    d = x.shape[0]
    v = np.empty(d)
    sc = 0.0
    for i in range(d):
        t = 0.0
        for j in range(d):
            t += Linv[i, j] * x[j]
        v[i] = t
        sc += x[i] * t
    score = min(1.0, sc)
    p = min(1.0, C_s * score * log_term)
    if not u < p:
        return False, p
    w = 1.0 / p
    den = 1.0 + w * sc
    for i in range(d):
        for j in range(d):
            Lam[i, j] += w * x[i] * x[j]
            Linv[i, j] -= w * v[i] * v[j] / den
    return True, p


@njit(cache=True)
def sensitivity_step_counts(n_w, j, lam, C_s, log_term, u):
    """Tabular (one-hot) case: ``n_w: float64[n]`` importance-weighted counts (updated in
    place), ``j`` the pair's index -> ``(kept, p)``; ``score = min(1, 1/(n_w[j] + lam))``,
    kept iff ``u < p`` with ``p = min(1, C_s score log_term)``, then ``n_w[j] += 1/p``."""
    score = min(1.0, 1.0 / (n_w[j] + lam))
    p = min(1.0, C_s * score * log_term)
    if not u < p:
        return False, p
    n_w[j] += 1.0 / p
    return True, p


@njit(cache=True)
def _sens_stream(X, C_s, log_term, lam, U, kept, probs):
    n, d = X.shape
    Lam = np.zeros((d, d))
    Linv = np.eye(d) / lam
    for t in range(n):
        k, p = sensitivity_step(Lam, Linv, X[t], C_s, log_term, U[t])
        kept[t] = k
        probs[t] = p
    return Lam, Linv


@njit(cache=True)
def _sens_stream_counts(idx, n_pairs, C_s, log_term, lam, U, kept, probs):
    n_w = np.zeros(n_pairs)
    for t in range(idx.shape[0]):
        k, p = sensitivity_step_counts(n_w, idx[t], lam, C_s, log_term, U[t])
        kept[t] = k
        probs[t] = p
    return n_w


class SensitivityResult(NamedTuple):
    kept: np.ndarray       # bool[T]: point t entered the kept set
    probs: np.ndarray      # float64[T]: its keep probability p_t
    weights: np.ndarray    # float64[T]: 1/p_t where kept, else 0
    Lam: np.ndarray        # float64[d, d]: sum of kept x xᵀ / p (no ridge); counts [n] when tabular
    log_term: float        # log(T / delta)


def _check_common(C_s, lam):
    if isinstance(C_s, bool) or not isinstance(C_s, (int, float, np.integer, np.floating)) \
            or not np.isfinite(C_s) or C_s <= 0:
        raise ValueError(f"C_s must be a finite number > 0, got {C_s!r}")
    if isinstance(lam, bool) or not isinstance(lam, (int, float, np.integer, np.floating)) \
            or not np.isfinite(lam) or lam <= 0:
        raise ValueError(f"lam must be a finite number > 0, got {lam!r}")


def online_sensitivity_sample(X, *, C_s: float = 1.0, delta: float = 0.1, lam: float = 1.0,
                              T: int | None = None, rng=0) -> SensitivityResult:
    """Run online sensitivity sampling over the rows of ``X: float64[T, d]`` in order
    (module docstring). ``T`` (the log term's stream length) defaults to ``len(X)``; one
    uniform per point from ``rng``."""
    _check_common(C_s, lam)
    X = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"X must have shape [T, d] with T >= 1, got {X.shape}")
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        raise ValueError(f"X[{bad[0][0]}, {bad[0][1]}] = {X[tuple(bad[0])]!r} is not finite")
    L = sensitivity_log_term(X.shape[0] if T is None else T, delta)
    U = as_generator(rng).random(X.shape[0])
    kept = np.zeros(X.shape[0], dtype=np.bool_)
    probs = np.zeros(X.shape[0])
    Lam, _ = _sens_stream(X, float(C_s), L, float(lam), U, kept, probs)
    w = np.where(kept, 1.0 / probs, 0.0)
    return SensitivityResult(kept, probs, w, Lam, L)


def online_sensitivity_sample_counts(idx, n_pairs: int, *, C_s: float = 1.0,
                                     delta: float = 0.1, lam: float = 1.0,
                                     T: int | None = None, rng=0) -> SensitivityResult:
    """The tabular (one-hot) special case over a stream of pair indices ``idx: int[T]`` in
    ``[0, n_pairs)``; ``Lam`` of the result is the weighted count vector ``n_w[n_pairs]``.
    Same draws as :func:`online_sensitivity_sample` on ``X = eye(n_pairs)[idx]``."""
    _check_common(C_s, lam)
    idx = np.ascontiguousarray(np.asarray(idx))
    if idx.ndim != 1 or idx.size < 1 or idx.dtype.kind not in "iu":
        raise ValueError(f"idx must be a non-empty 1-D integer array, got {idx.dtype} "
                         f"shape {idx.shape}")
    bad = np.flatnonzero((idx < 0) | (idx >= n_pairs))
    if bad.size:
        raise ValueError(f"idx[{bad[0]}] = {idx[bad[0]]} is outside [0, {n_pairs})")
    L = sensitivity_log_term(idx.size if T is None else T, delta)
    U = as_generator(rng).random(idx.size)
    kept = np.zeros(idx.size, dtype=np.bool_)
    probs = np.zeros(idx.size)
    n_w = _sens_stream_counts(idx.astype(np.int64), int(n_pairs), float(C_s), L, float(lam),
                              U, kept, probs)
    w = np.where(kept, 1.0 / probs, 0.0)
    return SensitivityResult(kept, probs, w, n_w, L)


def expected_size_bound(X, *, C_s: float, log_term: float, lam: float) -> float:
    r"""The elliptical-potential bound on the expected kept-set size for the stream ``X``:
    ``C_s log_term * 2 d log(1 + T max||x||² / (d lam))`` — since ``E|Z| <= C_s log_term
    sum_t score_t`` and (leverage against the kept set is at most a constant times the
    leverage against all past data, Kong et al.'s approximation lemma; here the bound uses
    ``min(1, ·)`` scores whose sum the elliptical potential lemma bounds by
    ``2 d log(1 + T L²/(d lam))``). Reported next to the measured size in tests and checks."""
    X = np.asarray(X, dtype=np.float64)
    T, d = X.shape
    L2 = float(np.max(np.sum(X * X, axis=1)))
    return float(C_s * log_term * 2.0 * d * np.log(1.0 + T * L2 / (d * lam)))
