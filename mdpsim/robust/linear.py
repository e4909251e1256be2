r"""Exact ground truth on d-rectangular robust linear MDPs (:class:`~mdpsim.models.
robust_linear.DRectLinearMDP`), optionally regularised towards a reference policy.

**Per-factor worst case (TV).** For a value vector ``V`` and a factor ``μ ∈ Δ(S)``,

.. math:: \nu(\mu, V, \rho) = \min_{\mu'\in\Delta(S),\ \|\mu'-\mu\|_1/2\le\rho} \mu'^\top V

is a linear programme whose solution is explicit (sort-based primal,
:func:`tv_factor_worst`): move ``min(ρ, 1 - μ(s_min))`` of mass to a state ``s_min`` of least
value, taking it from the states of largest value first. Exact up to rounding; one sort of
``V`` per stage serves all ``d`` factors. Its dual (:func:`tv_factor_dual`),

.. math:: \nu = \max_{\alpha\in[\min V, \max V]} \Big\{ \mathbb E_\mu[\min(V,\alpha)]
          - \rho\,(\alpha - \min_s V(s)) \Big\},

is concave and piecewise linear in ``α`` with breakpoints at the values ``V(s)``, so the
maximum is attained at one of them: enumerating the breakpoints solves it exactly (this is the
form DR-LSVI-UCB uses with estimated expectations). The tests check primal = dual = LP.

**Per-factor worst case (KL, chi-square).** Over the support of ``μ``:
:func:`smooth_factor_worst` runs the compiled 1-D path solver of the ``(s,a)``-rectangular
``kl`` / ``chi2`` rows (the tilt ``μ' ∝ μ e^{-V/λ}`` resp. ``μ' ∝ μ (α - V)_+`` with the
parameter set so that the divergence equals ``ρ``). Independent oracles for the tests and the
NumPy reference: :func:`kl_factor_dual` (the temperature dual
``max_{λ>0} -λ log E_μ[e^{-V/λ}] - λρ``, concave in ``λ``) and
:func:`chi2_factor_worst_reference` (the KKT threshold ``α``).

**Robust(-regularised) backward induction.** With ``V_H = 0``, for ``h = H-1, …, 0``:
``ν_{h,i} = ν(μ^0_{h,i}, V_{h+1}, ρ_{h,i})``, ``Q_h(s,a) = r_h(s,a) + φ_h(s,a)ᵀν_h`` and

* optimum, ``β_reg = 0``: ``V_h(s) = max_a Q_h(s,a)``, greedy policy (lowest index on ties);
* optimum, ``β_reg > 0`` (KL penalty to ``π_ref``, the "doubly constrained" objective of
  DR-RPO, ``docs/papers/drrpo.md`` §2 **[R]**):
  ``V_h(s) = max_p Σ_a p(a) Q_h(s,a) - β_reg KL(p ‖ π_ref,h(·|s)) = β_reg log Σ_a
  π_ref(a|s) exp(Q_h(s,a)/β_reg)``, attained by the Gibbs policy
  ``π_h(a|s) ∝ π_ref(a|s) exp(Q_h(s,a)/β_reg)``;
* evaluation of a given ``π``: ``V_h(s) = Σ_a π_h(a|s) Q_h(s,a) - β_reg KL(π_h(·|s) ‖
  π_ref,h(·|s))``.

Why this is exact for the d-rectangular set: ``φ ≥ 0`` and the factors are chosen
independently, so ``min_{P∈U_h(s,a)} P V_{h+1} = Σ_i φ_{h,i}(s,a) ν_{h,i}`` and the minimising
factors depend on ``V_{h+1}`` only — one choice is worst for every ``(s, a)`` at once, and the
KL penalty of stage ``h`` does not depend on nature's choice. The stage-wise max–min therefore
equals the max over (Markov) policies of the min over the set (Liu & Xu 2024, Prop. on the
robust Bellman equation **[R]**: restated, not copied).

The compiled kernels (``@njit(cache=True)``) live here; :func:`drect_solve_reference` is an
independent plain-NumPy version for the tests.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..kernels.robust_common import CHI2, KL
from ..kernels.robust_numba import row_worst_kernel
from ..models.robust_linear import DRectLinearMDP

__all__ = ["tv_factor_worst", "tv_factor_dual", "tv_factor_worst_distribution",
           "smooth_factor_worst", "kl_factor_dual", "chi2_factor_worst_reference", "KIND_CODES",
           "drect_backup", "drect_solve_kernel", "drect_evaluate_kernel", "DRectSolution",
           "DRectEvaluation", "drect_solve", "drect_evaluate", "drect_solve_reference",
           "check_regularisation", "drect_eval_env"]


# ------------------------------------------------------------------------------ 1-D problems
@njit(cache=True)
def tv_factor_worst(mu, V, rho, order):
    """Sort-based primal: ``min {μ'ᵀV : μ' ∈ Δ(S), TV(μ', μ) <= ρ}``. ``order`` is
    ``argsort(V)`` (ascending; ``order[0]`` a state of least value)."""
    S = V.shape[0]
    vmin = V[order[0]]
    val = 0.0
    for s in range(S):
        val += mu[s] * V[s]
    rem = rho
    j = S - 1
    while rem > 0.0 and j > 0:
        s = order[j]
        t = mu[s]
        if t > rem:
            t = rem
        val -= t * (V[s] - vmin)
        rem -= t
        j -= 1
    return val


@njit(cache=True)
def tv_factor_dual(mu, V, rho, order):
    """TV dual by breakpoint enumeration: ``max_α E_μ[min(V, α)] - ρ (α - min V)`` over
    ``α ∈ {V(s)}`` (exact: the objective is piecewise linear with these breakpoints)."""
    S = V.shape[0]
    vmin = V[order[0]]
    # at alpha = V[order[j]]: E min(V, alpha) = sum_{l<=j} mu V + alpha * sum_{l>j} mu
    tail = 0.0
    for s in range(S):
        tail += mu[s]
    head = 0.0
    best = -np.inf
    for j in range(S):
        s = order[j]
        head += mu[s] * V[s]
        tail -= mu[s]
        a = V[s]
        f = head + a * max(tail, 0.0) - rho * (a - vmin)
        if f > best:
            best = f
    return best


def tv_factor_worst_distribution(mu, V, rho) -> np.ndarray:
    """A minimiser ``μ'`` of the TV problem (NumPy; for tests and figures)."""
    mu = np.asarray(mu, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    order = np.argsort(V, kind="stable")
    out = mu.copy()
    rem = float(rho)
    moved = 0.0
    for s in order[::-1][:-1]:
        if rem <= 0:
            break
        t = min(out[s], rem)
        out[s] -= t
        rem -= t
        moved += t
    out[order[0]] += moved
    return out


#: kernel codes of :data:`mdpsim.models.robust_linear.DRECT_KINDS` (TV 0; KL and chi-square
#: the codes of the (s,a)-rectangular row solvers, :mod:`mdpsim.kernels.robust_common`)
KIND_CODES = {"tv": 0, "kl": KL, "chi2": CHI2}


@njit(cache=True)
def smooth_factor_worst(kind, mu, V, rho):
    """KL (``kind = KL``) or chi-square (``CHI2``) factor worst case
    ``min {μ'ᵀV : μ' ≪ μ, D(μ' ‖ μ) <= ρ}`` over the support of ``μ`` (module docstring),
    by the compiled 1-D path solver of the (s,a)-rectangular rows
    (:data:`mdpsim.kernels.robust_numba.row_worst_kernel`)."""
    S = V.shape[0]
    m = 0
    for s in range(S):
        if mu[s] > 0.0:
            m += 1
    z = np.empty(m)
    q = np.empty(m)
    p = np.empty(m)
    j = 0
    for s in range(S):
        if mu[s] > 0.0:
            z[j] = V[s]
            q[j] = mu[s]
            j += 1
    return row_worst_kernel(kind, z, q, rho, p)


def kl_factor_dual(mu, V, rho) -> float:
    """KL factor worst case by its 1-D dual (NumPy/SciPy; an oracle independent of the path
    solver): ``max_{λ>0} -λ log E_μ[exp(-(V - m)/λ)] + m - λρ`` (``m = min_{supp μ} V``),
    a concave maximisation over the temperature ``λ``, solved by bisection of its derivative
    to relative 1e-15 in ``λ``; ``m`` when ``ρ >= -log μ(argmin)`` (all mass on the least
    values)."""
    mu = np.asarray(mu, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    sup = mu > 0
    q, v = mu[sup], V[sup]
    m = float(v.min())
    W = v - m
    pm = float(q[W <= 0].sum())
    if rho <= 0 or W.max() <= 0:
        return float(q @ v)
    if rho >= -np.log(pm):
        return m

    def dg(lam):       # g'(λ) = -log Z - E_tilt[W]/λ - ρ, decreasing in λ
        e = q * np.exp(-W / lam)
        Z = e.sum()
        return -np.log(Z) - (e @ W) / Z / lam - rho

    lo, hi = W.max(), W.max()
    while dg(lo) <= 0:
        lo /= 2.0
    while dg(hi) > 0:
        hi *= 2.0
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if dg(mid) > 0:
            lo = mid
        else:
            hi = mid
    lam = 0.5 * (lo + hi)
    return float(m - lam * np.log((q * np.exp(-W / lam)).sum()) - lam * rho)


def chi2_factor_worst_reference(mu, V, rho) -> np.ndarray:
    """A chi-square worst-case factor (NumPy; an oracle independent of the path solver): by
    the KKT conditions ``μ'(s) ∝ μ(s) (α - V(s))_+``; ``α`` is set by bisection so that
    ``χ²(μ' ‖ μ) = Var_μ(u) / E_μ[u]² = ρ`` with ``u = (α - V)_+`` (decreasing in ``α``);
    all mass on the least values when ``ρ >= 1/μ(argmin) - 1``."""
    mu = np.asarray(mu, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    sup = mu > 0
    q, v = mu[sup], V[sup]
    out = np.zeros_like(mu)
    m = v.min()
    low = v <= m
    if rho <= 0:
        return mu.copy()
    if rho >= 1.0 / q[low].sum() - 1.0:
        w = np.where(low, q, 0.0)
        out[sup] = w / w.sum()
        return out

    def chi(a):
        u = np.maximum(a - v, 0.0)
        t = q @ u
        return (q @ u ** 2) / t ** 2 - 1.0

    lo, hi = m, v.max() + 1.0
    while chi(hi) > rho:
        hi = m + 2.0 * (hi - m)
    for _ in range(400):
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if chi(mid) > rho:
            lo = mid
        else:
            hi = mid
    u = q * np.maximum(hi - v, 0.0)
    out[sup] = u / u.sum()
    return out


# ------------------------------------------------------------------------------ backward induction
@njit(cache=True)
def drect_backup(phi_h, mu_h, R_h, rho_h, Vn, nu, Q, kind=0):
    """One d-rectangular backup: ``nu[i] = ν(μ_h[i], Vn, ρ_h[i])`` (TV for ``kind = 0``, else
    KL / chi-square, :data:`KIND_CODES`), ``Q[s, a] = R_h[s, a] + φ_h[s, a]ᵀ nu``."""
    S, A, d = phi_h.shape
    if kind == 0:
        order = np.argsort(Vn, kind="mergesort")
        for i in range(d):
            nu[i] = tv_factor_worst(mu_h[i], Vn, rho_h[i], order)
    else:
        for i in range(d):
            nu[i] = smooth_factor_worst(kind, mu_h[i], Vn, rho_h[i])
    for s in range(S):
        for a in range(A):
            t = R_h[s, a]
            for i in range(d):
                t += phi_h[s, a, i] * nu[i]
            Q[s, a] = t


@njit(cache=True)
def drect_solve_kernel(phi, mu, R, rho, beta_reg, logref, V, Q, pi, nu, kind=0):
    """Robust(-regularised) optimum by backward induction (module docstring).
    ``phi[H,S,A,d], mu[H,d,S], R[H,S,A], rho[H,d]``, ``logref[H,S,A]`` = ``log π_ref``;
    outputs ``V[H+1,S]`` (``V[H] = 0``), ``Q[H,S,A]``, ``pi[H,S,A]``, ``nu[H,d]``; ``kind`` a
    :data:`KIND_CODES` value."""
    H, S, A, d = phi.shape
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        drect_backup(phi[h], mu[h], R[h], rho[h], V[h + 1], nu[h], Q[h], kind)
        for s in range(S):
            if beta_reg == 0.0:
                best = 0
                for a in range(1, A):
                    if Q[h, s, a] > Q[h, s, best]:
                        best = a
                for a in range(A):
                    pi[h, s, a] = 0.0
                pi[h, s, best] = 1.0
                V[h, s] = Q[h, s, best]
            else:
                m = -np.inf
                for a in range(A):
                    x = logref[h, s, a] + Q[h, s, a] / beta_reg
                    if x > m:
                        m = x
                z = 0.0
                for a in range(A):
                    e = math.exp(logref[h, s, a] + Q[h, s, a] / beta_reg - m)
                    pi[h, s, a] = e
                    z += e
                for a in range(A):
                    pi[h, s, a] /= z
                V[h, s] = beta_reg * (m + math.log(z))


@njit(cache=True)
def drect_evaluate_kernel(phi, mu, R, rho, beta_reg, logref, pi, V, Q, nu, kind=0):
    """Robust(-regularised) value of ``pi[H,S,A]``: ``V[H+1,S]`` (module docstring)."""
    H, S, A, d = phi.shape
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        drect_backup(phi[h], mu[h], R[h], rho[h], V[h + 1], nu[h], Q[h], kind)
        for s in range(S):
            t = 0.0
            for a in range(A):
                p = pi[h, s, a]
                if p > 0.0:
                    t += p * Q[h, s, a]
                    if beta_reg != 0.0:
                        t -= beta_reg * p * (math.log(p) - logref[h, s, a])
            V[h, s] = t


# ------------------------------------------------------------------------------ Python API
@dataclass(frozen=True)
class DRectSolution:
    """Robust(-regularised) optimum: ``V[H, S]``, ``Q[H, S, A]``, ``pi[H, S, A]`` (greedy, or
    Gibbs when ``beta_reg > 0``), worst-case factor values ``nu[H, d]``, ``value = init @ V[0]``."""

    V: np.ndarray
    Q: np.ndarray
    pi: np.ndarray
    nu: np.ndarray
    value: float
    beta_reg: float


@dataclass(frozen=True)
class DRectEvaluation:
    """Robust(-regularised) value of a policy: ``V[H, S]``, ``Q[H, S, A]``, ``nu[H, d]``,
    ``value = init @ V[0]``."""

    V: np.ndarray
    Q: np.ndarray
    nu: np.ndarray
    value: float
    beta_reg: float


def check_regularisation(model: DRectLinearMDP, beta_reg, pi_ref) -> tuple[float, np.ndarray]:
    """Validated ``(beta_reg, log π_ref: float64[H, S, A])``; ``pi_ref`` ``None`` = uniform,
    else ``float[S, A]`` or ``float[H, S, A]`` with strictly positive rows summing to 1."""
    if isinstance(beta_reg, bool) or not isinstance(beta_reg, (int, float, np.floating)) \
            or not math.isfinite(beta_reg) or beta_reg < 0:
        raise ValueError(f"beta_reg must be a finite number >= 0 (0 = no regularisation), got "
                         f"{beta_reg!r}")
    H, S, A = model.H, model.S, model.A
    if pi_ref is None:
        return float(beta_reg), np.full((H, S, A), -math.log(A))
    p = np.array(pi_ref, dtype=np.float64)
    if p.shape == (S, A):
        p = np.repeat(p[None], H, axis=0)
    if p.shape != (H, S, A):
        raise ValueError(f"pi_ref must have shape [S, A] = [{S}, {A}] or [H, S, A], got "
                         f"{p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError("pi_ref must be strictly positive (KL(pi || pi_ref) is infinite "
                         "where pi_ref = 0)")
    if np.any(np.abs(p.sum(-1) - 1.0) > 1e-9):
        raise ValueError("every row pi_ref[h, s, :] must sum to 1")
    return float(beta_reg), np.log(p)


def _check(model):
    if not isinstance(model, DRectLinearMDP):
        raise ValueError(f"model must be a DRectLinearMDP, got {type(model).__name__}")


def drect_solve(model: DRectLinearMDP, *, beta_reg: float = 0.0, pi_ref=None) -> DRectSolution:
    """Robust (``beta_reg = 0``) or robust-regularised optimum (module docstring)."""
    _check(model)
    beta, logref = check_regularisation(model, beta_reg, pi_ref)
    phi, mu, R = model.stage_arrays()
    H, S, A, d = phi.shape
    V = np.empty((H + 1, S))
    Q = np.empty((H, S, A))
    pi = np.empty((H, S, A))
    nu = np.empty((H, d))
    drect_solve_kernel(phi, mu, R, np.ascontiguousarray(model.radius), beta, logref, V, Q,
                       pi, nu, KIND_CODES[model.kind])
    return DRectSolution(V[:-1], Q, pi, nu, float(model.init @ V[0]), beta)


def drect_evaluate(model: DRectLinearMDP, policy, *, beta_reg: float = 0.0,
                   pi_ref=None) -> DRectEvaluation:
    """Robust(-regularised) value of ``policy`` (``int[H, S]`` deterministic or
    ``float[H, S, A]`` / ``float[S, A]`` stochastic)."""
    _check(model)
    beta, logref = check_regularisation(model, beta_reg, pi_ref)
    pi = as_policy3(model, policy)
    phi, mu, R = model.stage_arrays()
    H, S, A, d = phi.shape
    V = np.empty((H + 1, S))
    Q = np.empty((H, S, A))
    nu = np.empty((H, d))
    drect_evaluate_kernel(phi, mu, R, np.ascontiguousarray(model.radius), beta, logref, pi, V,
                          Q, nu, KIND_CODES[model.kind])
    return DRectEvaluation(V[:-1], Q, nu, float(model.init @ V[0]), beta)


def as_policy3(model: DRectLinearMDP, policy) -> np.ndarray:
    """``policy`` as ``float64[H, S, A]`` (validated: rows are distributions)."""
    H, S, A = model.H, model.S, model.A
    p = np.asarray(policy)
    if p.dtype.kind in "iu" and p.shape in ((H, S), (S,)):
        p = np.broadcast_to(p, (H, S))
        out = np.zeros((H, S, A))
        if p.min() < 0 or p.max() >= A:
            raise ValueError(f"deterministic policy entries must be actions in [0, {A})")
        np.put_along_axis(out, p[..., None], 1.0, axis=2)
        return out
    p = np.array(p, dtype=np.float64)
    if p.shape == (S, A):
        p = np.repeat(p[None], H, axis=0)
    if p.shape != (H, S, A):
        raise ValueError(f"policy must be int[H, S] or float[H, S, A] / float[S, A] with H = {H}, "
                         f"S = {S}, A = {A}; got shape {p.shape}")
    if np.any(p < -1e-12) or np.any(np.abs(p.sum(-1) - 1.0) > 1e-9):
        raise ValueError("policy rows must be probability distributions")
    return np.ascontiguousarray(np.maximum(p, 0.0))


def drect_eval_env(model: DRectLinearMDP, beta_reg: float = 0.0, pi_ref=None) -> tuple:
    """The compiled evaluator's environment ``(phi, mu, R, rho, beta_reg, logref, init,
    kind)`` (writable C-contiguous copies; ``kind`` a :data:`KIND_CODES` value; see
    :mod:`mdpsim.settings.robust_linear`)."""
    beta, logref = check_regularisation(model, beta_reg, pi_ref)
    phi, mu, R = model.stage_arrays()
    def w(a):
        return np.array(a, dtype=np.float64, order="C", copy=True)
    return (w(phi), w(mu), w(R), w(model.radius), float(beta), w(logref), w(model.init),
            int(KIND_CODES[model.kind]))


def drect_solve_reference(model: DRectLinearMDP, *, beta_reg: float = 0.0, pi_ref=None,
                          policy=None):
    """Plain-NumPy oracle: ``(V[H, S], pi[H, S, A])`` of the optimum (``policy=None``) or
    ``V`` of ``policy``, written independently of the compiled kernels (worst factors via
    :func:`tv_factor_worst_distribution`)."""
    _check(model)
    beta, logref = check_regularisation(model, beta_reg, pi_ref)
    phi, mu, R = model.stage_arrays()
    H, S, A, d = phi.shape
    pol = None if policy is None else as_policy3(model, policy)
    V = np.zeros((H + 1, S))
    PI = np.zeros((H, S, A))
    for h in range(H - 1, -1, -1):
        if model.kind == "tv":
            nu = np.array([tv_factor_worst_distribution(mu[h, i], V[h + 1], model.radius[h, i])
                           @ V[h + 1] for i in range(d)])
        elif model.kind == "kl":
            nu = np.array([kl_factor_dual(mu[h, i], V[h + 1], model.radius[h, i])
                           for i in range(d)])
        else:
            nu = np.array([chi2_factor_worst_reference(mu[h, i], V[h + 1], model.radius[h, i])
                           @ V[h + 1] for i in range(d)])
        Q = R[h] + phi[h] @ nu
        if pol is not None:
            p = pol[h]
            with np.errstate(divide="ignore", invalid="ignore"):
                kl = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - logref[h]), 0.0)
            V[h] = (p * Q).sum(-1) - beta * kl.sum(-1)
            PI[h] = p
        elif beta == 0.0:
            a = Q.argmax(-1)
            PI[h, np.arange(S), a] = 1.0
            V[h] = Q.max(-1)
        else:
            x = logref[h] + Q / beta
            m = x.max(-1, keepdims=True)
            e = np.exp(x - m)
            PI[h] = e / e.sum(-1, keepdims=True)
            V[h] = beta * (m[:, 0] + np.log(e.sum(-1)))
    return V[:-1], PI
