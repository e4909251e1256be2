r"""Exact planning on a :class:`~mdpsim.models.TabularMDP`: solve, evaluate, occupancy, sample.

Finite horizon (H steps, undiscounted). Backward induction computes, with ``V_H = 0``,

.. math::  Q_h(s,a) = R_h(s,a) + \sum_{s'} P_h(s'|s,a) V_{h+1}(s'),\qquad
           V_h(s) = \max_a Q_h(s,a),

exactly (no tolerance), and a greedy policy with deterministic tie-breaking (the lowest action
index among values tied to ``1e-12`` relative). A policy ``pi`` is evaluated by the same
recursion with ``V_h(s) = \sum_a \pi_h(a|s) Q_h(s,a)``.

Discounted (``0 <= gamma < 1``). The Bellman operator ``(Tv)(s) = \max_a R(s,a) + \gamma
\sum_{s'} P(s'|s,a) v(s')`` is a gamma-contraction in the sup norm. :func:`value_iteration`
iterates it and stops with a certificate; with ``\Delta_n = T v_n - v_n``:

* ``rule="sup"`` (classical; Puterman 1994, Thm 6.3.1): stop when
  ``\|\Delta_n\|_\infty < \varepsilon(1-\gamma)/(2\gamma)``; return ``V = T v_n``, which is
  within ``\varepsilon/2`` of ``V^*``, and the policy greedy for ``v_n``, which is
  ``\varepsilon``-optimal.
* ``rule="span"`` (default; MacQueen–Porteus bounds, Puterman §6.6.3): for every ``v``,
  ``T v + \tfrac{\gamma}{1-\gamma}\min\Delta \le V^* \le T v + \tfrac{\gamma}{1-\gamma}\max\Delta``
  and the greedy policy ``\pi`` of ``v`` has ``V^\pi \ge T v + \tfrac{\gamma}{1-\gamma}\min\Delta``.
  Stop when ``\tfrac{\gamma}{1-\gamma}\operatorname{sp}(\Delta_n) < \varepsilon``; return
  ``V = T v_n + \tfrac{\gamma}{1-\gamma}\tfrac{\max\Delta_n + \min\Delta_n}{2}`` (within
  ``\varepsilon/2`` of ``V^*``) and the greedy policy (``\varepsilon``-optimal). The span
  contracts at least as fast as the sup norm and usually much faster (by the ergodicity
  coefficient of ``P_\pi``), so the same guarantee costs far fewer sweeps.

Both rules give the same two guarantees: ``\|V - V^*\|_\infty < \varepsilon/2`` and
``\|V^* - V^{\pi}\|_\infty < \varepsilon`` (``result.gap_bound`` is the certified bound on the
latter). :func:`policy_iteration` is exact (a linear solve per step; ties keep the current
action, so it cannot cycle), and :func:`linear_programming` solves the primal LP with HiGHS.

One canonical policy. Every method returns the greedy policy of its final values with the
lowest-index rule (the lowest action within ``TIE_RTOL * (1 + |max|)`` of ``max_a Q(s, a)``,
``TIE_RTOL = 1e-12``), so ``vi``, ``pi`` and ``lp`` return the same policy on a model with
exact ties (policy iteration keeps its incumbent while iterating, then reports the
lowest-index greedy action of its final, exact ``Q``).

Models as users write them (:class:`~mdpsim.models.TabularMDP`). Infeasible actions
(``feasible``, ``[S, A]`` or per stage ``[H, S, A]``) have ``Q = -inf``: the maximisations, the greedy policies and the LP's
constraints range over feasible actions only, and a policy with mass on an infeasible action
is rejected by evaluation. Next-state rewards enter through their expectation ``R`` (the
model stores it). Terminal states are absorbing with reward 0 (in the model itself). A model
with both ``horizon`` and ``gamma`` is solved by discounted backward induction,
``Q_h = R_h + gamma P_h V_{h+1}``, exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kernels import get_backend, Trans, STOP_RULES
from .models.tabular import TabularMDP, ROW_SUM_TOL
from ._rng import as_generator

__all__ = ["Solution", "solve", "evaluate", "q_values", "backward_induction",
           "value_iteration", "modified_policy_iteration", "policy_iteration", "linear_programming", "bellman_operator",
           "occupancy", "sample_trajectory", "as_stochastic_policy"]


# ------------------------------------------------------------------------------ helpers
def _check_mdp(mdp) -> TabularMDP:
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    return mdp


def transitions(mdp: TabularMDP, storage: str | None = None) -> Trans:
    """The kernels' view of ``P`` (:class:`~mdpsim.kernels.Trans`) in ``storage`` (default:
    the model's own storage), built once per model and storage."""
    storage = storage or mdp.storage
    if storage not in ("dense", "successors"):
        raise ValueError(f"storage must be 'dense' or 'successors', got {storage!r}")

    def build():
        if storage == "dense":
            return Trans("dense", mdp.S, mdp.A, mdp.n_p_stages, P=mdp.stage_P())
        L = mdp.successors
        return Trans("csr", mdp.S, mdp.A, L.n_stages, indptr=L.indptr, indices=L.indices,
                     probs=L.probs)
    return mdp.memo(("trans", storage), build)


def _opt_R(mdp: TabularMDP) -> np.ndarray:
    """``stage_R()`` with ``-inf`` at infeasible pairs (the rewards the planners maximise);
    ``stage_R()`` itself for an unmasked model."""
    if not mdp.masked:
        return mdp.stage_R()

    def build():
        F = mdp.stage_feasible()                       # [n_f, S, A], n_f in {1, H}
        R3 = mdp.stage_R()
        n = max(R3.shape[0], F.shape[0])
        R3 = np.array(np.broadcast_to(R3, (n,) + R3.shape[1:]), copy=True)
        R3[np.broadcast_to(~F, R3.shape)] = -np.inf
        R3.setflags(write=False)
        return R3
    return mdp.memo("R3_opt", build)


def _mask_q(mdp: TabularMDP, Q: np.ndarray) -> np.ndarray:
    """``Q: float64[H, S, A]`` or ``[S, A]`` with ``-inf`` at the infeasible pairs."""
    if mdp.masked:
        F = mdp.feasible                               # [S, A] or [H, S, A]
        Q = np.where(F, Q, -np.inf)
    return Q


def _discounted_backward(mdp: TabularMDP, pi=None):
    """Discounted finite horizon: ``Q_h = R_h + gamma P_h V_{h+1}``, ``V_H = 0``; optimal
    (``pi`` None: greedy, lowest index on ties) or of ``pi: float64[n, S, A]``.
    Returns ``(Q[H, S, A], V[H + 1, S], policy[H, S] or None)`` (exact; NumPy)."""
    from .kernels import get_backend as _gb
    H, S, A, g = mdp.horizon, mdp.S, mdp.A, mdp.gamma
    P4 = mdp.stage_P()
    R3 = mdp.stage_R() if pi is not None else _opt_R(mdp)
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    pol = None if pi is not None else np.empty((H, S), dtype=np.int64)
    greedy = _gb("reference").greedy
    for h in range(H - 1, -1, -1):
        PV = P4[min(h, P4.shape[0] - 1)].reshape(S * A, S) @ V[h + 1]
        Q[h] = R3[min(h, R3.shape[0] - 1)] + g * PV.reshape(S, A)
        if pi is None:
            pol[h] = greedy(Q[h])
            V[h] = Q[h].max(1)
        else:
            V[h] = (pi[min(h, pi.shape[0] - 1)] * Q[h]).sum(1)
    return Q, V, pol


def _require(mdp: TabularMDP, finite: bool, what: str) -> None:
    if finite and not mdp.finite_horizon:
        raise ValueError(f"{what} needs a finite-horizon MDP (horizon=H); this one is "
                         f"discounted (gamma={mdp.gamma})")
    if not finite and mdp.finite_horizon:
        raise ValueError(f"{what} needs a discounted MDP (gamma); this one is finite-horizon "
                         f"(horizon={mdp.horizon})")


def as_stochastic_policy(mdp: TabularMDP, policy) -> np.ndarray:
    """Normalise a policy to ``float64[n, S, A]`` (``n`` = 1 or H) action probabilities.

    Accepted: deterministic ``int[S]`` (stationary) or ``int[H, S]``; stochastic
    ``float[S, A]`` or ``float[H, S, A]``. Stage-indexed forms need a finite horizon.
    """
    S, A, H = mdp.S, mdp.A, mdp.horizon
    arr = np.asarray(policy)
    if arr.dtype.kind in "iu":
        if arr.ndim not in (1, 2) or arr.shape[-1] != S or (arr.ndim == 2 and arr.shape[0] != H):
            exp = "[S]" + (f" or [H, S] = [{H}, {S}]" if H else "")
            raise ValueError(f"deterministic policy must have shape {exp} with S = {S}, got "
                             f"{arr.shape}")
        bad = np.argwhere((arr < 0) | (arr >= A))
        if bad.size:
            i = tuple(bad[0])
            raise ValueError(f"policy[{', '.join(map(str, i))}] = {arr[i]} is not an action in "
                             f"[0, {A})")
        a2 = arr.reshape(-1, S)
        pi = np.zeros((a2.shape[0], S, A))
        np.put_along_axis(pi, a2[..., None].astype(np.int64), 1.0, axis=-1)
        _check_feasible(mdp, pi, arr.ndim == 1)
        return pi
    if arr.dtype.kind != "f":
        raise ValueError("policy must be integer actions ([S] or [H, S]) or float action "
                         f"probabilities ([S, A] or [H, S, A]), got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim == 2 and arr.shape == (S, A):
        pi = arr[None]
    elif arr.ndim == 3 and H is not None and arr.shape == (H, S, A):
        pi = arr
    else:
        exp = f"[S, A] = [{S}, {A}]" + (f" or [H, S, A] = [{H}, {S}, {A}]" if H else "")
        raise ValueError(f"stochastic policy must have shape {exp}, got {arr.shape}")
    bad = np.argwhere(~np.isfinite(pi) | (pi < 0))
    if bad.size:
        i = tuple(bad[0])
        idx = ", ".join(map(str, i[1:] if arr.ndim == 2 else i))
        raise ValueError(f"policy[{idx}] = {float(pi[i])!r}; action probabilities must be finite and "
                         "non-negative")
    sums = pi.sum(-1)
    bad = np.argwhere(np.abs(sums - 1) > ROW_SUM_TOL)
    if bad.size:
        i = tuple(bad[0])
        idx = ", ".join(map(str, i[1:] if arr.ndim == 2 else i))
        raise ValueError(f"policy[{idx}, :] sums to {float(sums[i])!r}; action probabilities must sum "
                         f"to 1 (tolerance {ROW_SUM_TOL:g})")
    _check_feasible(mdp, pi, arr.ndim == 2)
    return np.ascontiguousarray(pi)


def _check_feasible(mdp: TabularMDP, pi: np.ndarray, stationary: bool) -> None:
    """One line when ``pi: float64[n, S, A]`` puts mass on an infeasible action."""
    if not mdp.masked:
        return
    F = mdp.stage_feasible()
    bad = np.argwhere((pi > 0) & ~F)
    if bad.size:
        h, s_, a = (int(x) for x in bad[0])
        where = f"state {s_}" if stationary and F.shape[0] == 1 else f"stage {h}, state {s_}"
        lab = f"{s_}, {a}" if F.shape[0] == 1 else f"{h}, {s_}, {a}"
        p = float(pi[min(h, pi.shape[0] - 1), s_, a])
        raise ValueError(f"policy puts probability {p!r} on action {a} in {where}, which is "
                         f"infeasible there (feasible[{lab}] is False)")


@dataclass(frozen=True)
class Solution:
    """Result of :func:`solve` and the planners.

    Finite horizon: ``V: float64[H, S]``, ``Q: float64[H, S, A]``, ``policy: int64[H, S]``.
    Discounted: ``V: float64[S]``, ``Q: float64[S, A]``, ``policy: int64[S]``.
    ``value`` is ``init @ V[0]`` (finite) or ``init @ V``. ``gap_bound`` certifies
    ``max_s V*(s) - V^policy(s) <= gap_bound`` (0 for exact methods).
    """

    V: np.ndarray
    Q: np.ndarray
    policy: np.ndarray
    value: float
    method: str
    n_iter: int = 0
    converged: bool = True
    gap_bound: float = 0.0
    tol: float | None = None
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ planners
def backward_induction(mdp: TabularMDP, *, backend: str | None = None,
                       storage: str | None = None) -> Solution:
    """Optimal ``Q[H,S,A]``, ``V[H,S]`` and greedy ``policy[H,S]`` of a finite-horizon MDP."""
    _require(_check_mdp(mdp), True, "backward_induction")
    if mdp.discounted_finite:
        Q, V, pol = _discounted_backward(mdp)
        V = V[:-1]
        return Solution(V, Q, pol, float(mdp.init @ V[0]), "backward_induction")
    kb = get_backend(backend)
    Q, V, pol = kb.backward_induction(transitions(mdp, storage), _opt_R(mdp), mdp.horizon)
    V = V[:-1]
    return Solution(V, Q, pol, float(mdp.init @ V[0]), "backward_induction")


def bellman_operator(mdp: TabularMDP, V, *, h: int = 0, backend: str | None = None):
    """``Q[s,a] = R_h[s,a] + c * sum_s' P_h[s,a,s'] V[s']`` with ``c = gamma`` (discounted)
    or 1 (finite horizon, stage ``h``). Returns ``float64[S, A]``; ``Q.max(1)`` is ``T V``."""
    _check_mdp(mdp)
    V = np.ascontiguousarray(V, dtype=np.float64)
    if V.shape != (mdp.S,):
        raise ValueError(f"V must have shape [S] = [{mdp.S}], got {V.shape}")
    R3 = _opt_R(mdp)
    c = 1.0 if mdp.gamma is None else mdp.gamma
    return get_backend(backend).bellman_q(transitions(mdp), R3[h if R3.shape[0] > 1 else 0], V, c,
                                          h)


def check_tol(tol, max_iter):
    """Validate an iterative planner's ``tol`` (a positive finite number, not a bool) and
    ``max_iter`` (a positive integer); shared with :mod:`mdpsim.robust.planning`."""
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating)) \
            or not np.isfinite(tol) or tol <= 0:
        raise ValueError(f"tol must be a positive number, got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) \
            or max_iter <= 0:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")


def value_iteration(mdp: TabularMDP, *, tol: float = 1e-8, rule: str = "span",
                    max_iter: int = 1_000_000, V0=None, partial_sweeps: int = 0,
                    backend: str | None = None, storage: str | None = None) -> Solution:
    """Discounted value iteration with an epsilon-optimal stopping rule (``tol`` = epsilon).

    On return with ``converged=True``: ``|V - V*| < tol/2`` and the policy is ``tol``-optimal
    (see the module docstring for the ``"span"`` and ``"sup"`` rules). If ``max_iter`` is hit
    first, ``converged`` is False and ``gap_bound`` still certifies the returned policy.
    ``partial_sweeps = m > 0`` turns it into modified policy iteration (see
    :func:`modified_policy_iteration`); ``n_iter`` counts Bellman (improvement) sweeps only.
    """
    _require(_check_mdp(mdp), False, "value_iteration")
    check_tol(tol, max_iter)
    if rule not in STOP_RULES:
        raise ValueError(f"rule must be one of {STOP_RULES}, got {rule!r}")
    if isinstance(partial_sweeps, bool) or not isinstance(partial_sweeps, (int, np.integer)) \
            or partial_sweeps < 0:
        raise ValueError(f"partial_sweeps must be a non-negative integer, got "
                         f"{partial_sweeps!r}")
    V0 = np.zeros(mdp.S) if V0 is None else np.asarray(V0, dtype=np.float64)
    if V0.shape != (mdp.S,):
        raise ValueError(f"V0 must have shape [S] = [{mdp.S}], got {V0.shape}")
    kb = get_backend(backend)
    T = transitions(mdp, storage)
    R = _opt_R(mdp)[0]
    r = kb.value_iteration(T, R, mdp.gamma, float(tol), int(max_iter), V0, rule,
                           int(partial_sweeps))
    Q = kb.bellman_q(T, R, r.V, mdp.gamma)
    name = f"value_iteration[{rule}]" if not partial_sweeps else \
        f"modified_policy_iteration[{rule}, m={partial_sweeps}]"
    return Solution(r.V, Q, r.policy, float(mdp.init @ r.V), name, r.n_iter, r.converged,
                    r.gap_bound, float(tol))


def modified_policy_iteration(mdp: TabularMDP, *, tol: float = 1e-8, m: int = 5,
                              rule: str = "span", max_iter: int = 1_000_000,
                              backend: str | None = None,
                              storage: str | None = None) -> Solution:
    """Modified policy iteration (Puterman 1994, §6.5) with the same certificate as VI.

    Each iteration does one Bellman sweep ``T v`` (which yields the greedy policy ``pi`` and
    the stopping test) and then ``m`` cheap partial-evaluation sweeps ``v <- T_pi v`` (one
    action per state: ``A`` times cheaper than a Bellman sweep). The MacQueen–Porteus bounds
    hold for every ``v``, so the stopping rule and its guarantees are exactly those of
    :func:`value_iteration` (``|V - V*| < tol/2``, policy ``tol``-optimal, ``gap_bound``).
    Starts from ``v_0 = min R / (1 - gamma)``, for which ``T v_0 >= v_0`` and the iterates
    increase monotonically to ``V*`` (Puterman Thm 6.5.5).
    """
    _require(_check_mdp(mdp), False, "modified_policy_iteration")
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m must be a positive integer (partial evaluation sweeps), got {m!r}")
    V0 = np.full(mdp.S, float(mdp.R[mdp.feasible].min()) / (1.0 - mdp.gamma))
    return value_iteration(mdp, tol=tol, rule=rule, max_iter=max_iter, V0=V0,
                           partial_sweeps=int(m), backend=backend, storage=storage)


def policy_iteration(mdp: TabularMDP, *, max_iter: int = 10_000, policy0=None,
                     backend: str | None = None, storage: str | None = None) -> Solution:
    """Howard's policy iteration: exact evaluation by a linear solve, greedy improvement.

    An action is only replaced when another is better by more than the tie tolerance, so
    the iteration stops at the first policy that is greedy for its own value (optimal) and
    cannot cycle between tied policies.
    """
    _require(_check_mdp(mdp), False, "policy_iteration")
    check_tol(1.0, max_iter)
    kb = get_backend(backend)
    T = transitions(mdp, storage)
    R = mdp.stage_R()[0]
    Ropt = _opt_R(mdp)[0]
    S, A = mdp.S, mdp.A
    if policy0 is not None:
        pol = as_stochastic_policy(mdp, np.asarray(policy0, dtype=np.int64))[0].argmax(1)
    elif mdp.masked:
        pol = np.argmax(mdp.feasible, axis=1).astype(np.int64)   # first feasible action
    else:
        pol = np.zeros(S, dtype=np.int64)
    eye = np.eye(A)
    for it in range(1, max_iter + 1):
        V = kb.evaluate_discounted(T, R, mdp.gamma, eye[pol])
        Q = kb.bellman_q(T, Ropt, V, mdp.gamma)
        greedy = kb.greedy(Q)
        keep = Q[np.arange(S), pol] >= Q[np.arange(S), greedy] - 1e-12 * (1 + np.abs(Q.max(1)))
        new = np.where(keep, pol, greedy)
        if np.array_equal(new, pol):
            # the canonical policy: lowest-index greedy action of the final (exact) Q
            return Solution(V, Q, greedy, float(mdp.init @ V), "policy_iteration", it)
        pol = new
    return Solution(V, Q, pol, float(mdp.init @ V), "policy_iteration", max_iter, False,
                    float("nan"))


def linear_programming(mdp: TabularMDP) -> Solution:
    """Discounted optimum from the primal LP, solved by SciPy's HiGHS:

    ``min_V sum_s V(s)  s.t.  V(s) >= R(s,a) + gamma sum_s' P(s'|s,a) V(s')  for all (s,a)``.
    An independent oracle for tests; accurate to the solver's tolerance (~1e-9).
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    _require(_check_mdp(mdp), False, "linear_programming")
    S, A, g = mdp.S, mdp.A, mdp.gamma
    L = mdp.successors
    M = sp.csr_matrix((L.probs, L.indices, L.indptr), shape=(S * A, S))
    E = sp.csr_matrix((np.ones(S * A), (np.arange(S * A), np.repeat(np.arange(S), A))),
                      shape=(S * A, S))
    keep = np.flatnonzero(mdp.feasible.reshape(-1))   # one constraint per feasible pair
    res = linprog(np.ones(S), A_ub=(g * M - E).tocsr()[keep], b_ub=-mdp.R.reshape(-1)[keep],
                  bounds=[(None, None)] * S, method="highs",
                  options={"primal_feasibility_tolerance": 1e-10,
                           "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:
        raise RuntimeError(f"HiGHS did not solve the LP: {res.message}")
    V = res.x
    Q = bellman_operator(mdp, V)
    pol = get_backend(None).greedy(Q)
    return Solution(V, Q, pol, float(mdp.init @ V), "linear_programming")


def solve(mdp: TabularMDP, *, tol: float | None = None, method: str = "auto",
          backend: str | None = None, max_iter: int = 1_000_000) -> Solution:
    """Solve ``mdp`` exactly (finite horizon) or to ``tol`` (discounted; default 1e-10).

    ``method``: ``"auto"`` (backward induction for finite horizon, span-rule value iteration
    for discounted), ``"vi"`` / ``"vi-sup"`` / ``"vi-span"``, ``"mpi"`` (modified policy
    iteration, m = 5, same certificate), ``"pi"``, ``"lp"``.
    Returns a :class:`Solution` with ``.V``, ``.Q``, ``.policy``.

    A finite-horizon solve is exact (one backward induction), so ``tol`` has no meaning there
    and passing one is an error rather than silently ignored. A model with both ``horizon``
    and ``gamma`` is finite-horizon: discounted backward induction.

    Ties: every method returns the same, canonical policy — in each state the lowest action
    index whose ``Q`` (from the method's final values) is within ``TIE_RTOL * (1 + |max|)``
    (``TIE_RTOL = 1e-12``) of the maximum over feasible actions. Exact ties therefore give
    identical policies from ``vi``, ``pi`` and ``lp``.
    """
    _check_mdp(mdp)
    if mdp.finite_horizon:
        if method not in ("auto", "backward_induction"):
            raise ValueError(f"method {method!r} is for discounted MDPs; finite-horizon MDPs are "
                             "solved exactly by method='auto' (backward induction)")
        if tol is not None:
            raise ValueError(f"tol={tol!r} applies to discounted models only; a finite-horizon "
                             f"model (horizon={mdp.horizon}) is solved exactly by backward "
                             f"induction: leave tol out")
        return backward_induction(mdp, backend=backend)
    tol = 1e-10 if tol is None else tol
    if method in ("auto", "vi", "vi-span"):
        return value_iteration(mdp, tol=tol, rule="span", max_iter=max_iter, backend=backend)
    if method == "vi-sup":
        return value_iteration(mdp, tol=tol, rule="sup", max_iter=max_iter, backend=backend)
    if method == "mpi":
        return modified_policy_iteration(mdp, tol=tol, max_iter=max_iter, backend=backend)
    if method == "pi":
        return policy_iteration(mdp, backend=backend)
    if method == "lp":
        return linear_programming(mdp)
    raise ValueError(f"method must be one of 'auto', 'vi', 'vi-sup', 'vi-span', 'mpi', 'pi', "
                     f"'lp'; "
                     f"got {method!r}")


# ------------------------------------------------------------------------------ evaluation
def q_values(mdp: TabularMDP, policy, *, backend: str | None = None):
    """``Q^pi`` and ``V^pi`` of a deterministic or stochastic policy.

    Finite horizon: ``Q[H,S,A]``, ``V[H,S]``; discounted: ``Q[S,A]``, ``V[S]`` (exact linear
    solve ``V = (I - gamma P_pi)^{-1} r_pi``).
    """
    _check_mdp(mdp)
    pi = as_stochastic_policy(mdp, policy)
    kb = get_backend(backend)
    T = transitions(mdp)
    if mdp.discounted_finite:
        Q, V, _ = _discounted_backward(mdp, pi)
        return _mask_q(mdp, Q), V[:-1]
    if mdp.finite_horizon:
        Q, V = kb.evaluate_finite(T, mdp.stage_R(), mdp.horizon, pi)
        return _mask_q(mdp, Q), V[:-1]
    R = mdp.stage_R()[0]
    V = kb.evaluate_discounted(T, R, mdp.gamma, pi[0])
    return _mask_q(mdp, kb.bellman_q(T, R, V, mdp.gamma)), V


def evaluate(mdp: TabularMDP, policy, *, backend: str | None = None) -> np.ndarray:
    """Exact value of ``policy``: ``V[h, s]`` (finite horizon) or ``V[s]`` (discounted).

    ``policy``: deterministic ``int[S]`` / ``int[H, S]`` or stochastic ``float[S, A]`` /
    ``float[H, S, A]``.
    """
    return q_values(mdp, policy, backend=backend)[1]


def occupancy(mdp: TabularMDP, policy, *, backend: str | None = None) -> np.ndarray:
    """State-action occupancy of ``policy`` from ``mdp.init``.

    Finite horizon: ``d[h, s, a] = Pr(s_h = s, a_h = a)`` (sums to H).
    Discounted: ``d[s, a] = (1 - gamma) sum_t gamma^t Pr(s_t = s, a_t = a)`` (sums to 1).
    """
    _check_mdp(mdp)
    pi = as_stochastic_policy(mdp, policy)
    kb = get_backend(backend)
    if mdp.finite_horizon:
        return kb.occupancy_finite(transitions(mdp), mdp.horizon, pi, mdp.init)
    return kb.occupancy_discounted(transitions(mdp), mdp.gamma, pi[0], mdp.init)


def sample_trajectory(mdp: TabularMDP, policy, *, rng=None, uniforms=None,
                      steps: int | None = None, backend: str | None = None):
    """Sample one trajectory by inverse CDF.

    Either ``rng`` (the ``2 * steps + 1`` uniforms are drawn from it) or ``uniforms`` (pre-drawn,
    so that every backend and storage produces the identical trajectory). ``steps`` defaults to
    H for finite-horizon models and is required for discounted ones.
    Returns ``(states int64[steps+1], actions int64[steps], rewards float64[steps])``.
    """
    _check_mdp(mdp)
    pi = as_stochastic_policy(mdp, policy)
    if steps is None:
        if not mdp.finite_horizon:
            raise ValueError("steps is required for a discounted MDP")
        steps = mdp.horizon
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps <= 0:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if mdp.finite_horizon and steps > mdp.horizon:
        raise ValueError(f"steps = {steps} exceeds the horizon H = {mdp.horizon}")
    if (uniforms is None) == (rng is None):
        raise ValueError("give exactly one of rng or uniforms")
    if uniforms is None:
        uniforms = as_generator(rng).random(2 * steps + 1)
    u = np.ascontiguousarray(uniforms, dtype=np.float64)
    if u.shape != (2 * steps + 1,):
        raise ValueError(f"uniforms must have shape [2*steps + 1] = [{2 * steps + 1}], got "
                         f"{u.shape}")
    if np.any((u < 0) | (u >= 1)):
        raise ValueError("uniforms must lie in [0, 1)")
    kb = get_backend(backend)
    states, actions, rewards = kb.sample_trajectory(transitions(mdp), mdp.stage_R(), pi,
                                                    mdp.init, u)
    if mdp.has_next_rewards and mdp.storage == "dense":
        # the realised next-state rewards of the sampled transitions
        Rn = mdp.R_next
        h = np.minimum(np.arange(steps), Rn.shape[0] - 1)
        rewards = Rn[h, states[:-1], actions, states[1:]]
    elif mdp.has_next_rewards:            # successor lists: per successor (stays sparse)
        L, rn = mdp.successors, mdp.R_next_successors
        S, A = mdp.S, mdp.A
        rewards = np.empty(steps)
        for t in range(steps):
            r = ((min(t, L.n_stages - 1) * S + int(states[t])) * A + int(actions[t]))
            lo, hi = int(L.indptr[r]), int(L.indptr[r + 1])
            k = lo + int(np.searchsorted(L.indices[lo:hi], states[t + 1]))
            rewards[t] = rn[min(t, rn.shape[0] - 1), k]
    return states, actions, rewards
