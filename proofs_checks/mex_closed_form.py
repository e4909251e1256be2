r"""Model-free tabular MEX: the closed form equals the original objective
(mdpsim.algorithms.mex_tabular; docs/papers/mex.md §8, a reconstruction).

Statement. On random empirical data (counts ``n``, kernel ``P̂``, rewards ``r``), for every
η on a grid and every deterministic policy π of a tiny MDP, the closed-form objective
``J(π)`` (:func:`objective`: the value of π under ``r`` plus the implicit bonus built from its
occupancy, minus the implied loss) equals the original MEX objective
``V_{1,Q}(x_1) − η Σ_h Σ_{s,a} n_h(s,a) (Q_h − r − P̂ V_{h+1,Q})²`` evaluated at the Q-table
the closed form builds for π (with ``V_Q`` read along π), and ``max_π J`` equals the original
objective with ``V_Q = max_a Q`` at the maximiser's greedy Q-table; no random Q-table of the
class (Bellman residual ≤ H − h) exceeds ``max_π J``.
"""
from __future__ import annotations

import itertools

import numpy as np

from mdpsim.algorithms.mex_tabular import empirical_kernel, implicit_bonus, objective, occupancy

STATEMENT = ("model-free MEX: closed-form J(pi) = original objective at its Q-table; max J = "
             "original objective at the greedy maximiser; no class member exceeds max J")


def random_data(g, S, A, H):
    """Random empirical data ``(P̂, R3, init, N)``: counts in {0..3} per (h, s, a), successor
    counts multinomial on a Dirichlet draw, rewards U(0, 1), start in state 0."""
    N = g.integers(0, 4, (H, S, A)).astype(float)
    Nsas = np.zeros((H, S, A, S))
    for idx in np.ndindex(H, S, A):
        if N[idx] > 0:
            Nsas[idx] = g.multinomial(int(N[idx]), g.dirichlet(np.ones(S)))
    P = empirical_kernel(N, Nsas, np.zeros((H, S, A, S)))
    init = np.zeros(S)
    init[0] = 1.0
    return P, g.uniform(0, 1, (1, S, A)), init, N


def policies(S, A, H):
    """All ``A^(S H)`` deterministic Markov policies as ``int64[H, S]`` arrays."""
    return [np.array(c, np.int64).reshape(H, S) for c in itertools.product(range(A), repeat=S * H)]


def _original(P, R3, init, N, eta, Q, V):
    res = Q - R3 - np.einsum("hsay,hy->hsa", P, V[1:])
    return float(init @ V[0] - eta * np.sum(N * res ** 2))


def _q_table(P, R3, N, eta, pol, init, greedy):
    H, S, A = N.shape
    d = implicit_bonus(occupancy(P, init, pol, np.zeros((H, S, A))), N, eta, np.zeros((H, S, A)))
    Q = np.zeros((H, S, A))
    V = np.zeros((H + 1, S))
    for h in range(H - 1, -1, -1):
        Q[h] = R3[0] + P[h] @ V[h + 1] + d[h]
        V[h] = Q[h].max(-1) if greedy else Q[h][np.arange(S), pol[h]]
    return Q, V


def check(rng=0, instances: int = 20, members: int = 200, tol: float = 1e-9) -> dict:
    g = np.random.default_rng(rng)
    err_pi = err_max = 0.0
    excess = -np.inf        # max over random class members of (original - max J)
    for _ in range(instances):
        S, A, H = 3, 2, 3
        P, R3, init, N = random_data(g, S, A, H)
        pols = policies(S, A, H)
        for eta in (0.05, 0.5, 5.0):
            q0 = np.zeros((H, S, A))
            Js = np.array([objective(P, R3, init, N, eta, p, q0) for p in pols])
            for p, J in zip(pols, Js):
                Q, V = _q_table(P, R3, N, eta, p, init, greedy=False)
                err_pi = max(err_pi, abs(_original(P, R3, init, N, eta, Q, V) - J))
            best = pols[int(np.argmax(Js))]
            Q, V = _q_table(P, R3, N, eta, best, init, greedy=True)
            err_max = max(err_max, abs(_original(P, R3, init, N, eta, Q, V) - Js.max()))
            cap = np.arange(H, 0, -1)[:, None, None]
            for _ in range(members):
                Q = g.uniform(0, H, (H, S, A)) * (cap / H)
                V = np.vstack([Q.max(-1), np.zeros((1, S))])
                res = Q - R3 - np.einsum("hsay,hy->hsa", P, V[1:])
                if np.all(res <= cap):
                    excess = max(excess, _original(P, R3, init, N, eta, Q, V) - Js.max())
    ok = err_pi <= tol and err_max <= tol and excess <= tol
    return {"passed": bool(ok), "statement": STATEMENT,
            "instances": f"{instances} random data sets (S 3, A 2, H 3) x eta in "
                         "{0.05, 0.5, 5}, all 512 policies, "
                         f"{members} random class members each",
            "tolerance": tol,
            "margins": {"max |J(pi) - original at its Q|": err_pi,
                        "max |max J - original at greedy maximiser|": err_max,
                        "max (random member - max J)": excess}}
