"""Reference kernels: plain array code, obviously correct, the test oracle.

Every function is written against an array namespace ``xp`` picked once from its inputs
(NumPy, or CuPy when given CuPy arrays — see :mod:`mdpsim.kernels.cupy`), and allocates
like its inputs. Shapes and equations are in :mod:`mdpsim.kernels._common`.
"""
from __future__ import annotations

import numpy as np

from ._common import TIE_RTOL, Trans, VIResult, stop_rule

__all__ = ["bellman_q", "greedy", "backward_induction", "evaluate_finite", "value_iteration",
           "evaluate_discounted", "occupancy_finite", "occupancy_discounted",
           "sample_trajectory", "policy_matrix"]


def _xp(a):
    mod = type(a).__module__
    if mod.startswith("cupy"):
        import cupy
        return cupy
    return np


def _sparse(xp):
    if xp is np:
        import scipy.sparse as sp
        return sp
    import cupyx.scipy.sparse as sp
    return sp


def _stage_matrix(T: Trans, h: int, xp):
    """P for stage h as a matrix [S*A, S'] (dense array or CSR matrix)."""
    hp = h if T.n_p > 1 else 0
    SA = T.S * T.A
    if T.kind == "dense":
        return T.P[hp].reshape(SA, T.S)
    lo = hp * SA
    ip = T.indptr[lo:lo + SA + 1]
    start = int(ip[0])
    stop = int(ip[-1])
    return _sparse(xp).csr_matrix((T.probs[start:stop], T.indices[start:stop], ip - start),
                                  shape=(SA, T.S))


def bellman_q(T: Trans, R, V, c: float = 1.0, h: int = 0):
    """``R: float64[S, A], V: float64[S'] -> Q: float64[S, A]``.

    ``Q[s, a] = R[s, a] + c * sum_s' P_h[s, a, s'] V[s']``; ``c`` is gamma (discounted) or 1.
    """
    xp = _xp(V)
    pv = _stage_matrix(T, h, xp) @ V
    return R + c * pv.reshape(T.S, T.A)


def greedy(Q):
    """``Q: float64[..., A] -> int64[...]``: lowest action index within
    ``TIE_RTOL * (1 + |max|)`` of the row maximum."""
    xp = _xp(Q)
    vmax = Q.max(axis=-1)
    ok = Q >= (vmax - TIE_RTOL * (1.0 + xp.abs(vmax)))[..., None]
    return xp.argmax(ok, axis=-1).astype(xp.int64)


def backward_induction(T: Trans, R3, H: int):
    """``R3: float64[n_r, S, A] -> Q[H, S, A], V[H+1, S], policy int64[H, S]``.

    ``V[H] = 0``; ``Q[h] = R_h + P_h V[h+1]``; ``V[h] = max_a Q[h]``; ``policy[h] = greedy(Q[h])``.
    """
    xp = _xp(R3)
    S, A = T.S, T.A
    Q = xp.empty((H, S, A))
    V = xp.zeros((H + 1, S))
    policy = xp.empty((H, S), dtype=xp.int64)
    for h in range(H - 1, -1, -1):
        Q[h] = bellman_q(T, R3[h if R3.shape[0] > 1 else 0], V[h + 1], 1.0, h)
        V[h] = Q[h].max(axis=-1)
        policy[h] = greedy(Q[h])
    return Q, V, policy


def evaluate_finite(T: Trans, R3, H: int, pi3):
    """``pi3: float64[n_pi, S, A] -> Q[H, S, A], V[H+1, S]`` of the stochastic policy.

    ``Q[h] = R_h + P_h V[h+1]``; ``V[h, s] = sum_a pi_h[s, a] Q[h, s, a]``.
    """
    xp = _xp(R3)
    S, A = T.S, T.A
    Q = xp.empty((H, S, A))
    V = xp.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q[h] = bellman_q(T, R3[h if R3.shape[0] > 1 else 0], V[h + 1], 1.0, h)
        V[h] = (pi3[h if pi3.shape[0] > 1 else 0] * Q[h]).sum(axis=-1)
    return Q, V


def value_iteration(T: Trans, R, gamma: float, tol: float, max_iter: int, V0, rule: str,
                    partial_sweeps: int = 0):
    """Discounted value iteration ``v <- T v`` from ``V0: float64[S]``; see
    :func:`mdpsim.value_iteration` for the two stopping rules and their guarantees.

    ``partial_sweeps = m > 0`` is modified policy iteration: after each Bellman sweep that
    does not stop, ``v <- T_pi^m v`` for the greedy ``pi`` of that sweep (Jacobi sweeps). The
    stopping tests are evaluated on ``T v - v`` for the current ``v``, for which the
    MacQueen–Porteus bounds hold whatever ``v`` is, so the guarantees are unchanged."""
    xp = _xp(R)
    v = V0.copy()
    k = gamma / (1.0 - gamma)
    gap, conv, n = float("inf"), False, 0
    policy = xp.zeros(T.S, dtype=xp.int64)
    for n in range(1, max_iter + 1):
        Q = bellman_q(T, R, v, gamma)
        tv = Q.max(axis=-1)
        policy = greedy(Q)
        delta = tv - v
        lo, hi = float(delta.min()), float(delta.max())
        gap = k * (hi - lo)
        stop, shift = stop_rule(lo, hi, gamma, tol, rule == "sup")
        v = tv + shift if stop and rule != "sup" else tv
        if stop:
            conv = True
            break
        if partial_sweeps:
            M = _stage_matrix(T, 0, xp)[xp.arange(T.S) * T.A + policy]
            r_pi = R[xp.arange(T.S), policy]
            for _ in range(partial_sweeps):
                v = r_pi + gamma * (M @ v)
    return VIResult(v, policy, n, gap, conv)


def policy_matrix(T: Trans, pi2):
    """``pi2: float64[S, A] -> P_pi: [S, S']`` (dense array or CSR matrix),
    ``P_pi[s, s'] = sum_a pi[s, a] P[s, a, s']``."""
    xp = _xp(pi2)
    S, A = T.S, T.A
    M = _stage_matrix(T, 0, xp)
    if T.kind == "dense":
        return xp.matmul(pi2[:, None, :], M.reshape(S, A, S))[:, 0, :]
    sp = _sparse(xp)
    rows = xp.repeat(xp.arange(S), A)
    W = sp.csr_matrix((pi2.reshape(-1), (rows, xp.arange(S * A))), shape=(S, S * A))
    return (W @ M).tocsr()


#: Sparse systems up to this size are solved densely (LAPACK): random sparse transition graphs
#: are expanders, whose sparse LU fills in almost completely and is slower than dense LU.
DENSE_SOLVE_MAX_S = 4096


def _solve(T: Trans, Mat, b, xp):
    if T.kind == "dense":
        return xp.linalg.solve(Mat, b)
    if T.S <= DENSE_SOLVE_MAX_S:
        return xp.linalg.solve(Mat.toarray(), b)
    if xp is np:
        from scipy.sparse.linalg import spsolve
    else:
        from cupyx.scipy.sparse.linalg import spsolve
    return spsolve(Mat.tocsc() if xp is np else Mat.tocsr(), b)


def _identity(T: Trans, xp):
    return xp.eye(T.S) if T.kind == "dense" else _sparse(xp).identity(T.S, format="csr")


def evaluate_discounted(T: Trans, R, gamma: float, pi2):
    """``pi2: float64[S, A] -> V: float64[S]``, ``V = (I - gamma P_pi)^{-1} r_pi`` with
    ``r_pi[s] = sum_a pi[s, a] R[s, a]`` (direct solve: LAPACK dense, SuperLU sparse)."""
    xp = _xp(R)
    Ppi = policy_matrix(T, pi2)
    r = (pi2 * R).sum(axis=1)
    return _solve(T, _identity(T, xp) - gamma * Ppi, r, xp)


def occupancy_finite(T: Trans, H: int, pi3, init):
    """``-> d: float64[H, S, A]``, ``d[h, s, a] = Pr(s_h = s, a_h = a)`` with ``s_0 ~ init``;
    each ``d[h]`` sums to 1, so ``d`` sums to H."""
    xp = _xp(pi3)
    S, A = T.S, T.A
    d = xp.empty((H, S, A))
    mu = init.copy()
    for h in range(H):
        d[h] = mu[:, None] * pi3[h if pi3.shape[0] > 1 else 0]
        M = _stage_matrix(T, h, xp)
        mu = M.T @ d[h].reshape(-1)
    return d


def occupancy_discounted(T: Trans, gamma: float, pi2, init):
    """``-> d: float64[S, A]``, ``d[s, a] = (1 - gamma) sum_t gamma^t Pr(s_t = s, a_t = a)``
    (sums to 1), from ``(I - gamma P_pi^T) nu = (1 - gamma) init``."""
    xp = _xp(pi2)
    Ppi = policy_matrix(T, pi2)
    nu = _solve(T, (_identity(T, xp) - gamma * Ppi).T, (1.0 - gamma) * init, xp)
    return nu[:, None] * pi2


def _inverse_cdf(p, u: float) -> int:
    """First j with ``u < cumsum(p)[j]`` (sequential sum); the last positive entry if rounding
    leaves ``u`` above the total."""
    c = np.cumsum(p)
    j = int(np.searchsorted(c, u, side="right"))
    if j >= p.shape[0]:
        j = int(np.flatnonzero(p > 0)[-1])
    return j


def sample_trajectory(T: Trans, R3, pi3, init, u):
    """One trajectory of ``n = (len(u) - 1) // 2`` steps by inverse CDF.

    ``u: float64[2n + 1]`` uniforms in [0, 1): ``u[0]`` draws ``s_0 ~ init``; ``u[1 + 2t]`` the
    action ``a_t ~ pi_t(s_t)``; ``u[2 + 2t]`` the next state ``s_{t+1} ~ P_t(s_t, a_t)``.
    Stage-indexed tables (``n_p``, ``n_r``, ``n_pi`` > 1) are read at ``t``.
    Returns ``states int64[n+1], actions int64[n], rewards float64[n]`` (``rewards[t] =
    R_t[s_t, a_t]``).
    """
    u = np.asarray(u)
    n = (u.shape[0] - 1) // 2
    S, A = T.S, T.A
    states = np.empty(n + 1, dtype=np.int64)
    actions = np.empty(n, dtype=np.int64)
    rewards = np.empty(n)
    s = _inverse_cdf(init, u[0])
    states[0] = s
    for t in range(n):
        a = _inverse_cdf(pi3[t if pi3.shape[0] > 1 else 0, s], u[1 + 2 * t])
        rewards[t] = R3[t if R3.shape[0] > 1 else 0, s, a]
        hp = t if T.n_p > 1 else 0
        if T.kind == "dense":
            nxt = _inverse_cdf(T.P[hp, s, a], u[2 + 2 * t])
        else:
            r = (hp * S + s) * A + a
            lo, hi = T.indptr[r], T.indptr[r + 1]
            nxt = int(T.indices[lo + _inverse_cdf(T.probs[lo:hi], u[2 + 2 * t])])
        actions[t] = a
        s = nxt
        states[t + 1] = s
    return states, actions, rewards
