r"""LSVI-UCB kernels: least-squares value iteration with a UCB bonus for linear MDPs.

Paper: C. Jin, Z. Yang, Z. Wang, M. I. Jordan, "Provably Efficient Reinforcement Learning with
Linear Function Approximation", COLT 2020 (PMLR 125), arXiv:1907.05388. Regret
``Õ(sqrt(d^3 H^3 T))``, ``T = K H``, with probability ``1 - δ`` (``docs/papers/lsvi_ucb.md``
§4).

Stages are **0-based** here: ``h = 0, ..., H-1`` (the paper's ``h = 1, ..., H``). At the start
of episode ``k``, for ``h = H-1, ..., 0`` with ``Q_H ≡ 0`` and the data of episodes
``τ < k``:

.. math::
    \Lambda_h = \lambda I + \sum_{\tau<k} \phi_\tau \phi_\tau^\top,\qquad
    w_h = \Lambda_h^{-1} \sum_{\tau<k} \phi_\tau\,\big(r_\tau + \max_a Q_{h+1}(s'_\tau, a)\big),

.. math::
    Q_h(s,a) = \min\big\{\phi_h(s,a)^\top w_h + \beta\,\|\phi_h(s,a)\|_{\Lambda_h^{-1}},\;
    H - h\big\},

where ``φ_τ = φ_h(s^τ_h, a^τ_h)``, ``r_τ = r^τ_h``, ``s'_τ = s^τ_{h+1}``; the cap ``H - h``
(0-based) is the paper's ``H - h + 1`` (1-based). ``Λ_h`` is kept **per stage** (never pooled
across ``h``) and only its inverse is stored, updated by Sherman–Morrison rank-one steps
(:func:`sherman_morrison`). The agent then plays ``a_h = argmax_a Q_h(s_h, a)``, ties broken
to the **lowest action index** among exactly equal (clipped) values.

Bonus scale (:func:`lsvi_ucb_beta`): ``β = c · d · H · sqrt(ι)``, ``ι = log(2 d T / δ)``,
``c = 1`` the paper's constant (Theorem 3.1 states ``β = c d H sqrt(ι)`` with an absolute
constant ``c``; the constant is not pinned in the statement, so ``c = 1`` is the nominal
theoretical choice) and a multiplier for tuned runs; ``λ = 1`` as in the theorem.

Implementation (exact algebra, different summation order from a direct transcription): the
regression target is split as ``Σ_τ φ_τ r_τ + M_h V_{h+1}`` with
``M_h[:, s'] = Σ_{τ: s'_τ = s'} φ_τ`` accumulated once per observation, so a plan costs
``O(H (S A d^2 + d S))`` whatever the number of past episodes, and an observation
``O(H d^2)``. The statistics are the learner's own state, created by :func:`lsvi_ucb_state`
and updated in place by :func:`lsvi_ucb_observe`; no kernel writes anything else it is given.

Follows the paper: per-stage Gram matrices with ``λ I``, the regression target with the
clipped next-stage value, the bonus ``β ||φ||_{Λ^{-1}}``, the cap, greedy play. Ours
(**[P]**): the lowest-index tie rule (the paper leaves ties open), the multiplier ``c``, and
``δ`` (a parameter; the paper's ``p``).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["lsvi_ucb_beta", "lsvi_ucb_state", "sherman_morrison", "ucb_value",
           "lsvi_ucb_observe", "lsvi_ucb_plan", "lsvi_plan", "observe_step", "linear_observe", "ridge_weights", "greedy_action", "greedy_policy"]


def lsvi_ucb_beta(d: int, H: int, K: int, *, delta: float = 0.01, c: float = 1.0) -> float:
    """``β = c · d · H · sqrt(log(2 d T / δ))`` with ``T = K H`` (Jin et al. 2020, Thm 3.1;
    ``c = 1`` nominal theory constant, other values a tuned multiplier)."""
    for name, v in (("d", d), ("H", H), ("K", K)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if not (isinstance(delta, (int, float)) and 0.0 < delta < 1.0):
        raise ValueError(f"delta must be in (0, 1), got {delta!r}")
    if not (isinstance(c, (int, float)) and math.isfinite(c) and c >= 0.0):
        raise ValueError(f"c must be a finite number >= 0, got {c!r}")
    iota = math.log(2.0 * d * K * H / delta)
    return float(c) * d * H * math.sqrt(iota)


def lsvi_ucb_state(H: int, S: int, d: int, lam: float = 1.0):
    """Fresh learner statistics: ``(Lam_inv, b_r, M)``.

    ``Lam_inv: float64[H, d, d] = I / lam`` (inverse of ``Λ_h = lam I``),
    ``b_r: float64[H, d] = 0`` (``Σ_τ φ_τ r_τ``), ``M: float64[H, d, S] = 0``
    (``M_h[:, s'] = Σ_{τ: s'_τ = s'} φ_τ``). ``lam = 1`` is the paper's ridge parameter.
    """
    if not (isinstance(lam, (int, float)) and math.isfinite(lam) and lam > 0):
        raise ValueError(f"lam must be a positive number, got {lam!r}")
    Lam_inv = np.zeros((H, d, d))
    for h in range(H):
        np.fill_diagonal(Lam_inv[h], 1.0 / lam)
    return Lam_inv, np.zeros((H, d)), np.zeros((H, d, S))


@njit(cache=True)
def sherman_morrison(Ainv, x, out):
    r"""``Ainv: float64[d, d]`` (symmetric), ``x: float64[d]``, ``out: float64[d, d]`` (may be
    ``Ainv`` itself) ``->`` ``out = (A + x xᵀ)^{-1} = A^{-1} - u uᵀ / (1 + xᵀ u)``,
    ``u = A^{-1} x``."""
    d = x.shape[0]
    u = np.empty(d)
    for i in range(d):
        t = 0.0
        for j in range(d):
            t += Ainv[i, j] * x[j]
        u[i] = t
    den = 1.0
    for i in range(d):
        den += x[i] * u[i]
    for i in range(d):
        for j in range(d):
            out[i, j] = Ainv[i, j] - u[i] * u[j] / den


@njit(cache=True)
def lsvi_ucb_observe(phi4, Lam_inv, b_r, M, states, actions, rewards):
    """Add one episode to the statistics (in place).

    ``phi4: float64[n, S, A, d]`` (``n`` in {1, H}; stage ``h`` uses ``phi4[min(h, n-1)]``),
    ``Lam_inv: float64[H, d, d]``, ``b_r: float64[H, d]``, ``M: float64[H, d, S]`` (the
    learner's state, see :func:`lsvi_ucb_state`), ``states: int64[H+1]``,
    ``actions: int64[H]``, ``rewards: float64[H]``. For each ``h``, with
    ``x = φ_h(s_h, a_h)``: ``Λ_h^{-1} ← (Λ_h + x xᵀ)^{-1}``, ``b_r[h] += x r_h``,
    ``M[h, :, s_{h+1}] += x``.
    """
    for h in range(Lam_inv.shape[0]):
        observe_step(phi4, Lam_inv, b_r, M, h, states[h], actions[h], rewards[h],
                     states[h + 1])


@njit(cache=True)
def observe_step(phi4, Lam_inv, b_r, M, h, s, a, r, s_next):
    """One transition at stage ``h`` with ``x = φ_h(s, a)``: ``Λ_h^{-1} ← (Λ_h + x xᵀ)^{-1}``
    (Sherman–Morrison), ``b_r[h] += x r``, ``M[h, :, s_next] += x``."""
    x = phi4[min(h, phi4.shape[0] - 1), s, a]
    Li = Lam_inv[h]
    sherman_morrison(Li, x, Li)
    for i in range(x.shape[0]):
        b_r[h, i] += x[i] * r
        M[h, i, s_next] += x[i]


@njit(cache=True)
def linear_observe(state, params, h, s, a, r, s_next):
    """The ``observe`` kernel of the linear learners whose state has ``phi4``, ``Lam_inv``,
    ``b_r`` and ``M`` (LSVI-UCB, OPPO, DR-LSVI-UCB): :func:`observe_step`."""
    observe_step(state.phi4, state.Lam_inv, state.b_r, state.M, h, s, a, r, s_next)


@njit(cache=True)
def ridge_weights(Li, b_r_h, M_h, V, bvec, w_h):
    """``w_h = Λ_h^{-1} (b_r[h] + M[h] V)`` (``bvec`` scratch), the least-squares weights of
    the regression target ``r + V_{h+1}(s')`` summed by next state."""
    d = bvec.shape[0]
    S = V.shape[0]
    for i in range(d):
        t = b_r_h[i]
        for s in range(S):
            t += M_h[i, s] * V[s]
        bvec[i] = t
    for i in range(d):
        t = 0.0
        for j in range(d):
            t += Li[i, j] * bvec[j]
        w_h[i] = t


@njit(cache=True, inline="always")
def ucb_value(x, wh, Li, beta, u):
    """Unclipped optimistic value ``xᵀw_h + β sqrt(xᵀ Λ_h⁻¹ x)`` of one feature row ``x``
    (``u`` is scratch of length d, left holding ``Λ_h⁻¹ x``). One copy of the arithmetic, in one
    fixed order, for the table plan (:func:`lsvi_plan`) and the lazy ``act`` of
    ``lsvi_ucb_lazy``, so the two give the same bits."""
    d = wh.shape[0]
    q = 0.0
    for i in range(d):
        q += x[i] * wh[i]
        t = 0.0
        for j in range(d):
            t += Li[i, j] * x[j]
        u[i] = t
    quad = 0.0
    for i in range(d):
        quad += x[i] * u[i]
    return q + beta * math.sqrt(max(quad, 0.0))


@njit(cache=True)
def lsvi_plan(phi4, Lam_inv, b_r, M, beta, Q, Qu, w, V):
    r"""Optimistic backward induction of LSVI-UCB (:func:`lsvi_ucb_plan`), also keeping the
    unclipped values ``Qu: float64[H, S, A]``; ``V: float64[S]`` (a work buffer) holds
    ``V_0`` on return. The one implementation: the registered learner
    (:mod:`mdpsim.algorithms.linear.lsvi_ucb`) calls it directly."""
    H = Lam_inv.shape[0]
    n, S, A, d = phi4.shape
    bvec = np.empty(d)
    u = np.empty(d)
    for s in range(S):
        V[s] = 0.0
    for h in range(H - 1, -1, -1):
        ph = phi4[min(h, n - 1)]
        Li = Lam_inv[h]
        ridge_weights(Li, b_r[h], M[h], V, bvec, w[h])
        cap = float(H - h)
        for s in range(S):
            best = -np.inf
            for a in range(A):
                val = ucb_value(ph[s, a], w[h], Li, beta, u)
                Qu[h, s, a] = val
                if val > cap:
                    val = cap
                Q[h, s, a] = val
                if val > best:
                    best = val
            V[s] = best


@njit(cache=True)
def lsvi_ucb_plan(phi4, Lam_inv, b_r, M, beta, Q_out, w_out):
    r"""Optimistic backward induction of LSVI-UCB (module docstring).

    ``phi4: float64[n, S, A, d]``, ``Lam_inv: float64[H, d, d]``, ``b_r: float64[H, d]``,
    ``M: float64[H, d, S]``, ``beta: float64`` ``->`` ``Q_out: float64[H, S, A]``,
    ``w_out: float64[H, d]`` with ``w_h = Λ_h^{-1}(b_r[h] + M[h] V_{h+1})``,
    ``V_{h+1}(s) = max_a Q_{h+1}(s, a)`` (``V_H = 0``) and
    ``Q_h(s,a) = min(φᵀw_h + β sqrt(φᵀΛ_h^{-1}φ), H - h)``.
    """
    Qu = np.empty_like(Q_out)
    V = np.empty(phi4.shape[1])
    lsvi_plan(phi4, Lam_inv, b_r, M, beta, Q_out, Qu, w_out, V)


@njit(cache=True)
def greedy_action(q_row):
    """``q_row: float64[A] -> int64``: ``argmax_a q_row[a]``, the lowest index among ties."""
    best = 0
    for a in range(1, q_row.shape[0]):
        if q_row[a] > q_row[best]:
            best = a
    return best


@njit(cache=True)
def greedy_policy(Q):
    """``Q: float64[H, S, A] -> int64[H, S]``: the greedy action of every stage and state
    (lowest index among ties)."""
    H, S, _ = Q.shape
    out = np.empty((H, S), dtype=np.int64)
    for h in range(H):
        for s in range(S):
            out[h, s] = greedy_action(Q[h, s])
    return out
