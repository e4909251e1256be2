r"""Exact robust planning on a :class:`~mdpsim.models.robust.RobustMDP`.

Reward semantics: the agent maximises, nature minimises over the rectangular set
:math:`\mathcal P`. For a value vector ``v`` the robust Bellman operators are

.. math:: (T_\pi v)(s) = \min_{p_s\in\mathcal P_s}\sum_a \pi(a|s)\sum_{s'} p_{s,a}(s')
          \big(r(s,a,s') + \gamma v(s')\big),\qquad (T v)(s) = \max_{\pi_s} (T_\pi v)(s)

(for (s,a)-rectangular sets the max is attained by a deterministic action; for s-rectangular
sets it may need a stochastic one, computed exactly from the saddle point, see
:mod:`mdpsim.kernels.robust_common`). Both are monotone, translation-equivariant
(``T(v + c1) = Tv + gamma c 1``, because kernels sum to 1) and gamma-contractions in the sup
norm, so the certificates of :func:`mdpsim.value_iteration` carry over verbatim.

**Robust VI stopping rule (the epsilon-certificate).** With ``Delta_n = T v_n - v_n`` and
``k = gamma/(1-gamma)``: ``T v_n + k min Delta_n <= V* <= T v_n + k max Delta_n`` and the greedy
(saddle-point) policy ``pi_n`` of ``v_n`` has ``V^{pi_n}_P >= T v_n + k min Delta_n``.

* ``rule="span"`` (default): stop when ``k * sp(Delta_n) < tol``; return
  ``V = T v_n + k (max Delta_n + min Delta_n)/2``. Then ``||V - V*||_inf < tol/2`` and
  ``||V* - V^{pi_n}_P||_inf < tol`` (``gap_bound`` certifies the latter).
* ``rule="sup"``: stop when ``2 k ||Delta_n||_inf < tol``; return ``V = T v_n``; same two
  guarantees (Puterman Thm 6.3.1, whose proof uses only monotonicity and contraction).

**Robust policy evaluation** (:func:`robust_evaluate`) runs nature's policy iteration: best
response ``p_k`` to ``v_k``, then ``v_{k+1} = V^{pi, p_k}`` by a linear solve. It stops with the
same span certificate (``T_pi`` in place of ``T``), typically after a handful of solves.

Backends: ``"numba"`` (default) and ``"reference"`` (NumPy, the oracle). The robust kernels have
no CuPy path for these per-row sort/bisection loops; :mod:`mdpsim.kernels.robust_cupy` offers a
batched (s,a)-rectangular backup for the GPU.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..models.robust import RobustMDP
from ..planning import check_tol, as_stochastic_policy
from .view import robust_trans, check_robust

__all__ = ["RobustSolution", "RobustEvaluation", "robust_value_iteration", "robust_solve",
           "robust_evaluate", "robust_bellman", "worst_case_kernel", "get_robust_backend",
           "entries_to_dense"]

ROBUST_BACKENDS = ("numba", "reference")


def get_robust_backend(name: str | None = None):
    """The robust kernel module for ``name`` (``None`` = ``"numba"``)."""
    name = "numba" if name is None else name
    if name == "numba":
        from ..kernels import robust_numba as mod
    elif name == "reference":
        from ..kernels import robust_reference as mod
    elif name == "cupy":
        raise ValueError("robust planning has no 'cupy' backend (the per-row sort and "
                         "bisection loops are not natural on a GPU); use backend='numba', or "
                         "mdpsim.kernels.robust_cupy for batched (s,a)-rectangular backups")
    else:
        raise ValueError(f"backend must be one of {', '.join(ROBUST_BACKENDS)}; got {name!r}")
    return mod


def entries_to_dense(rm: RobustMDP, pw, h: int = 0) -> np.ndarray:
    """A kernel given on the candidate entries as dense ``float64[S, A, S']`` (stage ``h``)."""
    RT = robust_trans(rm)
    S, A = RT.S, RT.A
    hp = h if RT.n_p > 1 else 0
    lo, hi = RT.indptr[hp * S * A], RT.indptr[(hp + 1) * S * A]
    rows = np.repeat(np.arange(S * A), np.diff(RT.indptr[hp * S * A:(hp + 1) * S * A + 1]))
    out = np.zeros((S * A, S))
    out[rows, RT.idx[lo:hi]] = pw[lo:hi]
    return out.reshape(S, A, S)


@dataclass(frozen=True)
class RobustSolution:
    """Result of :func:`robust_value_iteration` / :func:`robust_solve`.

    Discounted: ``V: float64[S]``, ``pi: float64[S, A]`` (greedy; one-hot for (s,a)-rect),
    ``policy: int64[S]`` (argmax of ``pi``; optimal only when ``pi`` is deterministic).
    Finite horizon: ``V: [H, S]``, ``pi: [H, S, A]``, ``policy: [H, S]``.
    ``value = init @ V``; ``gap_bound`` certifies ``max_s V*(s) - V^pi(s)``.
    """

    V: np.ndarray
    pi: np.ndarray
    policy: np.ndarray
    value: float
    method: str
    n_iter: int = 0
    converged: bool = True
    gap_bound: float = 0.0
    tol: float | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RobustEvaluation:
    """Result of :func:`robust_evaluate`: robust value ``V`` of a policy (``[S]`` or
    ``[H, S]``), ``value = init @ V``, a worst-case kernel ``P_worst[S, A, S']`` (discounted),
    and the certificate ``gap_bound`` (``|V - V^pi_P| <= gap_bound / 2``)."""

    V: np.ndarray
    value: float
    P_worst: np.ndarray | None
    n_iter: int
    converged: bool
    gap_bound: float
    tol: float | None = None


def _discounted(rm: RobustMDP, what: str):
    if rm.finite_horizon:
        raise ValueError(f"{what} needs a discounted robust MDP; this one is finite-horizon "
                         f"(horizon={rm.horizon}); use robust_solve / robust_evaluate")


def robust_value_iteration(rm: RobustMDP, *, tol: float = 1e-8, rule: str = "span",
                           max_iter: int = 1_000_000, V0=None,
                           backend: str | None = None) -> RobustSolution:
    """Robust value iteration with an epsilon-certified stopping rule (module docstring):
    on return with ``converged=True``, ``||V - V*||_inf < tol/2`` and the returned policy is
    ``tol``-optimal for the robust criterion."""
    check_robust(rm)
    _discounted(rm, "robust_value_iteration")
    check_tol(tol, max_iter)
    if rule not in ("span", "sup"):
        raise ValueError(f"rule must be 'span' or 'sup', got {rule!r}")
    V0 = np.zeros(rm.S) if V0 is None else np.asarray(V0, dtype=np.float64)
    if V0.shape != (rm.S,):
        raise ValueError(f"V0 must have shape [S] = [{rm.S}], got {V0.shape}")
    kb = get_robust_backend(backend)
    r = kb.robust_value_iteration(robust_trans(rm), rm.gamma, float(tol), int(max_iter), V0,
                                  rule)
    return RobustSolution(r.V, r.pi, r.pi.argmax(1), float(rm.init @ r.V),
                          f"robust_value_iteration[{rule}]", r.n_iter, r.converged,
                          r.gap_bound, float(tol))


def robust_solve(rm: RobustMDP, *, tol: float = 1e-10, backend: str | None = None,
                 max_iter: int = 1_000_000) -> RobustSolution:
    """Robust optimum: exact robust backward induction (finite horizon) or robust value
    iteration to ``tol`` (discounted)."""
    check_robust(rm)
    if not rm.finite_horizon:
        return robust_value_iteration(rm, tol=tol, backend=backend, max_iter=max_iter)
    kb = get_robust_backend(backend)
    V, pi = kb.robust_backward_induction(robust_trans(rm), rm.horizon)
    V = V[:-1]
    return RobustSolution(V, pi, pi.argmax(-1), float(rm.init @ V[0]),
                          "robust_backward_induction")


def robust_evaluate(rm: RobustMDP, policy, *, tol: float = 1e-10, max_iter: int = 10_000,
                    backend: str | None = None) -> RobustEvaluation:
    """Robust value ``V^pi_P = min_{p in P} V^{pi,p}`` of a deterministic ``int[S]`` or
    stochastic ``float[S, A]`` policy (``[H, S]`` / ``[H, S, A]`` for finite horizon).
    Discounted: nature's policy iteration with the span certificate (module docstring)."""
    check_robust(rm)
    pi = as_stochastic_policy(rm.nominal, policy)
    kb = get_robust_backend(backend)
    RT = robust_trans(rm)
    if rm.finite_horizon:
        V = kb.robust_evaluate_finite(RT, rm.horizon, pi)[:-1]
        return RobustEvaluation(V, float(rm.init @ V[0]), None, 1, True, 0.0)
    check_tol(tol, max_iter)
    r = kb.robust_evaluate(RT, rm.gamma, pi[0], float(tol), int(max_iter))
    return RobustEvaluation(r.V, float(rm.init @ r.V), entries_to_dense(rm, r.pw), r.n_iter,
                            r.converged, r.gap_bound, float(tol))


def robust_bellman(rm: RobustMDP, V, *, policy=None, h: int = 0, backend: str | None = None,
                   kernel: bool = True):
    """One robust backup: ``(TV: float64[S], pi: float64[S, A], P_worst: float64[S, A, S'])``,
    or ``(TV, pi)`` with ``kernel=False``.

    ``policy`` None: the optimal operator ``T`` and its greedy (saddle-point) policy; else
    ``T_pi``. ``c`` is gamma (discounted) or 1 (finite horizon, stage ``h``).

    ``kernel=False`` skips building the dense worst-case kernel (an ``S*A*S`` array, which
    costs several times the backup itself on large models); ``TV`` and ``pi`` are the same
    bits either way."""
    check_robust(rm)
    V = np.ascontiguousarray(V, dtype=np.float64)
    if V.shape != (rm.S,):
        raise ValueError(f"V must have shape [S] = [{rm.S}], got {V.shape}")
    pi = None
    if policy is not None:
        pi3 = as_stochastic_policy(rm.nominal, policy)
        pi = pi3[h if pi3.shape[0] > 1 else 0]
    c = 1.0 if rm.finite_horizon else rm.gamma
    TVo, pig, pw = get_robust_backend(backend).robust_backup(robust_trans(rm), V, c, h, pi)
    if not kernel:
        return TVo, pig
    return TVo, pig, entries_to_dense(rm, pw, h)


def worst_case_kernel(rm: RobustMDP, policy, *, tol: float = 1e-10,
                      backend: str | None = None) -> np.ndarray:
    """A worst-case kernel ``float64[S, A, S']`` for the stationary ``policy`` (discounted)."""
    _discounted(rm, "worst_case_kernel")
    return robust_evaluate(rm, policy, tol=tol, backend=backend).P_worst

