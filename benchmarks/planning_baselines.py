"""Baselines, peer adapters and exact references for ``bench_planning.py``.

Everything here is plain NumPy / SciPy or a thin adapter over a peer library; nothing is
timed here (timing lives in :mod:`conftest`). Conventions follow mdpsim: ``P[s, a, s']``,
``R[s, a]``, stage-first finite-horizon outputs ``Q[h, s, a]``, ``V[h, s]``.

Baselines
---------
* :func:`numpy_backward_induction` - one ``Q = R + P.reshape(S*A, S) @ V`` per stage (a BLAS
  ``dgemv`` over the whole table, near the memory bandwidth), then ``max``/``argmax``.
  With a SciPy CSR matrix in place of the dense reshape it is the "scipy CSR" baseline.
* :func:`loop_backward_induction` - the per-state Python loop ``Q[s] = R[s] + P[s] @ V``.
* :func:`numpy_value_iteration` - classical value iteration, stopped by the sup-norm rule
  ``|T v - v| < eps (1 - gamma) / (2 gamma)`` (Puterman Thm 6.3.1), returning ``T v``.

Peers (imported lazily; callers skip when absent)
-------------------------------------------------
* QuantEcon ``DiscreteDP``: dense ``Q[s, a, s']`` or the state-action-pair form with a SciPy
  CSR ``Q[(s, a), s']``; ``backward_induction(ddp, T)`` for finite horizon (``beta = 1``).
* pymdptoolbox ``ValueIteration`` / ``FiniteHorizon`` with ``P[a]`` dense or CSR. Its input
  check rejects rows whose sum is off by more than ``10 * eps`` whatever ``S`` is
  (:func:`mdptoolbox_rejects`); :func:`mdptoolbox_unchecked` disables that check for timing
  (the released 4.0b3 has no ``skip_check`` argument; where a newer version has one, it is
  used instead).
"""
from __future__ import annotations

import contextlib
import inspect

import numpy as np
import scipy.sparse as sp

import mdpsim


# ------------------------------------------------------------------------------ instances
def dirichlet_tables(S: int, A: int, seed: int = 0):
    """Dense ``P[s, a, :] ~ Dirichlet(1)`` exactly as ``numpy.random.Generator.dirichlet``
    returns it (no renormalisation), ``R ~ U(0, 1)``.

    The rows are valid transition rows: ``|sum - 1|`` is a few ulps (20 ulps = 4.4e-15 at
    S = 2000), far inside mdpsim's ``ROW_SUM_TOL = 1e-9``."""
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    R = rng.random((S, A))
    return P, R


def csr_of(mdp) -> sp.csr_matrix:
    """``P`` of a stationary model as a SciPy CSR matrix ``[(s, a), s']``."""
    L = mdp.successors
    return sp.csr_matrix((L.probs, L.indices, L.indptr), shape=(mdp.S * mdp.A, mdp.S))


def dense2d_of(mdp) -> np.ndarray:
    """``P`` of a stationary model as a dense C-contiguous ``[(s, a), s']`` array."""
    return np.ascontiguousarray(mdp.P.reshape(mdp.S * mdp.A, mdp.S))


# ------------------------------------------------------------------------------ baselines
def numpy_backward_induction(P2, R, H: int):
    """``P2: [S*A, S]`` (dense array or CSR), ``R: [S, A]`` -> ``Q[H,S,A], V[H+1,S],
    policy[H,S]``, one ``R + P2 @ V`` per stage."""
    S, A = R.shape
    Q = np.empty((H, S, A))
    V = np.zeros((H + 1, S))
    policy = np.empty((H, S), dtype=np.int64)
    for h in range(H - 1, -1, -1):
        Q[h] = R + (P2 @ V[h + 1]).reshape(S, A)
        V[h] = Q[h].max(axis=1)
        policy[h] = Q[h].argmax(axis=1)
    return Q, V, policy


def loop_backward_induction(P, R, H: int):
    """``P: [S, A, S]`` -> ``V[H+1, S], policy[H, S]`` by a Python loop over states."""
    S, A = R.shape
    V = np.zeros((H + 1, S))
    policy = np.empty((H, S), dtype=np.int64)
    for h in range(H - 1, -1, -1):
        v = V[h + 1]
        for s in range(S):
            q = R[s] + P[s] @ v
            V[h, s] = q.max()
            policy[h, s] = q.argmax()
    return V, policy


def numpy_value_iteration(P2, R, gamma: float, eps: float, max_iter: int, V0=None):
    """Classical VI with the sup-norm stop; returns ``(T v_n, greedy policy of v_n, n)``."""
    S, A = R.shape
    v = np.zeros(S) if V0 is None else np.array(V0, dtype=np.float64)
    thr = eps * (1.0 - gamma) / (2.0 * gamma)
    n = 0
    policy = np.zeros(S, dtype=np.int64)
    for n in range(1, max_iter + 1):
        Q = R + gamma * (P2 @ v).reshape(S, A)
        tv = Q.max(axis=1)
        policy = Q.argmax(axis=1)
        done = np.abs(tv - v).max() < thr
        v = tv
        if done:
            break
    return v, policy, n


# ------------------------------------------------------------------------------ exact values
def policy_value(mdp, policy, tol: float = 1e-11, max_iter: int = 1_000_000) -> np.ndarray:
    """``V^pi`` of a deterministic stationary policy to ``tol`` (sup norm), certified.

    Iterates ``v <- r_pi + gamma P_pi v`` on a CSR ``P_pi`` and stops on the MacQueen bounds
    ``T_pi v + gamma/(1-gamma) [min D, max D]`` (``D = T_pi v - v``), returning the midpoint:
    the same certificate as the span rule of :func:`mdpsim.value_iteration`, for one policy.
    No linear solve, so it scales to S = 20 000 sparse models (SuperLU fills in on random
    sparse graphs)."""
    S, A, g = mdp.S, mdp.A, mdp.gamma
    policy = np.asarray(policy, dtype=np.int64)
    M = csr_of(mdp)[np.arange(S) * A + policy]
    r = mdp.R[np.arange(S), policy]
    k = g / (1.0 - g)
    v = np.zeros(S)
    for _ in range(max_iter):
        tv = r + g * (M @ v)
        d = tv - v
        lo, hi = d.min(), d.max()
        if k * (hi - lo) < 2.0 * tol:
            return tv + k * 0.5 * (hi + lo)
        v = tv
    raise RuntimeError(f"policy evaluation did not reach tol={tol} in {max_iter} sweeps")


def optimal_values(mdp, tol: float = 1e-12):
    """``V*`` to ``tol / 2`` (certified) by mdpsim's span-rule VI; cross-checked against
    policy iteration (exact linear solves) for S <= 2000 by the caller."""
    sol = mdpsim.value_iteration(mdp, tol=tol, rule="span")
    assert sol.converged, "reference VI did not converge"
    return sol.V


# ------------------------------------------------------------------------------ QuantEcon
def quantecon_available() -> bool:
    try:
        import quantecon  # noqa: F401
    except ImportError:
        return False
    return True


def quantecon_ddp(mdp, *, sparse: bool, beta: float | None = None):
    """A QuantEcon ``DiscreteDP`` of ``mdp``: dense ``Q[s, a, s']`` or, with ``sparse=True``,
    the state-action-pair form with a SciPy CSR ``Q[(s, a), s']`` (what QuantEcon documents
    for large sparse models). ``beta`` defaults to the model's gamma (1 for finite horizon)."""
    import warnings
    from quantecon.markov import DiscreteDP

    beta = (1.0 if mdp.finite_horizon else mdp.gamma) if beta is None else beta
    S, A = mdp.S, mdp.A
    R = mdp.stage_R()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # beta = 1 warns that infinite-horizon methods are off
        if sparse:
            s_idx = np.repeat(np.arange(S), A)
            a_idx = np.tile(np.arange(A), S)
            return DiscreteDP(R.reshape(-1).copy(), csr_of(mdp), beta, s_idx, a_idx)
        return DiscreteDP(R.copy(), np.ascontiguousarray(mdp.P), beta)


# ------------------------------------------------------------------------------ pymdptoolbox
def mdptoolbox_available() -> bool:
    try:
        import mdptoolbox.mdp  # noqa: F401
    except ImportError:
        return False
    return True


def mdptoolbox_inputs(P, R, *, sparse: bool):
    """pymdptoolbox's layout: ``P`` as ``[A, S, S]`` (dense) or a tuple of A CSR matrices,
    ``R`` as ``[S, A]``."""
    S, A = R.shape
    if sparse:
        M = P if sp.issparse(P) else sp.csr_matrix(P.reshape(S * A, S))
        M = M.tocsr()
        Pa = tuple(M[np.arange(S) * A + a] for a in range(A))
        return Pa, np.ascontiguousarray(R)
    P = np.asarray(P).reshape(S, A, S)
    return np.ascontiguousarray(P.transpose(1, 0, 2)), np.ascontiguousarray(R)


def mdptoolbox_rejects(Pa, R):
    """The exception pymdptoolbox's input check raises on ``(Pa, R)``, or None."""
    import mdptoolbox.util
    try:
        mdptoolbox.util.check(Pa, R)
    except Exception as exc:  # its error classes differ between versions
        return exc
    return None


def _has_skip_check(cls) -> bool:
    return "skip_check" in inspect.signature(cls.__init__).parameters


@contextlib.contextmanager
def mdptoolbox_unchecked():
    """Disable pymdptoolbox's input check for the duration (timing only; the instances are
    valid). Used only where the installed version has no ``skip_check`` argument."""
    import mdptoolbox.mdp as mmdp
    saved = mmdp._util.check
    mmdp._util.check = lambda P, R: None
    try:
        yield
    finally:
        mmdp._util.check = saved


def mdptoolbox_vi(Pa, R, gamma: float, eps: float, max_iter: int):
    """pymdptoolbox ``ValueIteration`` (input check off): returns ``(V, policy, iterations)``.

    Note its semantics: ``max_iter`` is replaced by an a-priori bound computed in the
    constructor (``_boundIter``), the run stops when ``span(v_{n+1} - v_n) < eps (1-gamma) /
    gamma`` and ``V`` is the last iterate ``v_{n+1}``, without the MacQueen correction."""
    import mdptoolbox.mdp as mmdp
    cls = mmdp.ValueIteration
    if _has_skip_check(cls):
        vi = cls(Pa, R, gamma, epsilon=eps, max_iter=max_iter, skip_check=True)
    else:
        with mdptoolbox_unchecked():
            vi = cls(Pa, R, gamma, epsilon=eps, max_iter=max_iter)
    vi.run()
    return np.asarray(vi.V), np.asarray(vi.policy, dtype=np.int64), int(vi.iter)


def mdptoolbox_finite_horizon(Pa, R, H: int):
    """pymdptoolbox ``FiniteHorizon`` (discount 1, input check off): ``V[S, H+1]``,
    ``policy[S, H]`` in its own layout."""
    import io
    import mdptoolbox.mdp as mmdp
    cls = mmdp.FiniteHorizon
    with contextlib.redirect_stdout(io.StringIO()):  # it prints a warning for discount = 1
        if _has_skip_check(cls):
            fh = cls(Pa, R, 1.0, H, skip_check=True)
        else:
            with mdptoolbox_unchecked():
                fh = cls(Pa, R, 1.0, H)
        fh.run()
    return np.asarray(fh.V), np.asarray(fh.policy)
