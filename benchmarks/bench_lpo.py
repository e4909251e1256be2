"""LPO costs (issue #14): per-sample cost of online sensitivity sampling and per-switch cost of
an NPG phase, the compiled kernels against NumPy transcriptions in the same process.

* per sample: :func:`mdpsim.algorithms.policy_opt.online_sensitivity_sample` (compiled,
  Sherman–Morrison) against a NumPy loop doing the same Sherman–Morrison update per point,
  stream of ``T = 20000`` simplex features, d in {4, 16};
* per switch: :func:`mdpsim.algorithms.policy_opt.lpo.lpo_npg_phase` (one NPG phase: K
  iterations x M critic roll-in/roll-out samples + ridge fit + softmax update) against a NumPy
  transcription of the same phase (Python loop over samples and steps, ``Generator.random``
  draws), on RiverSwim (one-hot, d = 12) and a simplex linear MDP (d = 8).

Usage: ``python benchmarks/bench_lpo.py``. Prints seconds per sample / per phase, per critic
transition, and the ratios (NumPy / compiled). Timings are the best of 3 after a warm call.
"""
from __future__ import annotations

import time

import numpy as np

import mdpsim
from mdpsim.algorithms.policy_opt import online_sensitivity_sample
from mdpsim.algorithms.policy_opt.lpo import lpo_npg_phase, lpo_problem
from mdpsim.settings.discounted import discounted_env


def numpy_sensitivity(X, C_s=1.0, delta=0.1, lam=1.0, rng=0):
    T, d = X.shape
    L = np.log(T / delta)
    U = np.random.default_rng(rng).random(T)
    Linv = np.eye(d) / lam
    kept = 0
    for t in range(T):
        x = X[t]
        v = Linv @ x
        sc = x @ v
        p = min(1.0, C_s * min(1.0, sc) * L)
        if U[t] < p:
            w = 1.0 / p
            Linv -= w * np.outer(v, v) / (1.0 + w * sc)
            kept += 1
    return kept


def numpy_npg_phase(tab, phi, bonus, cover, K, M, eta, lam_c, rng):
    from mdpsim.planning import transitions
    P = np.asarray(transitions(tab, "dense").P)[0]
    R, init, g = np.asarray(tab.stage_R()[0]), np.asarray(tab.init), tab.gamma
    S, A = R.shape
    cdf = np.cumsum(P, axis=2)
    logits = np.zeros((S, A))
    trans = 0
    d = phi.shape[1]

    def draw(p, u):
        return min(int(np.searchsorted(np.cumsum(p), u, side="right")), len(p) - 1)
    for _ in range(K):
        pi = np.exp(logits - logits.max(1, keepdims=True))
        pi /= pi.sum(1, keepdims=True)
        G, gv = lam_c * np.eye(d), np.zeros(d)
        for _ in range(M):
            c = min(int(rng.random() * len(cover)), len(cover) - 1)
            s = draw(init, rng.random())
            while rng.random() < g:
                a = draw(cover[c][s], rng.random())
                s = min(int(np.searchsorted(cdf[s, a], rng.random(), side="right")), S - 1)
                trans += 1
            a0 = min(int(rng.random() * A), A - 1)
            y, ss, aa = 0.0, s, a0
            while True:
                y += R[ss, aa] + bonus[ss, aa]
                trans += 1
                if not rng.random() < g:
                    break
                ss = min(int(np.searchsorted(cdf[ss, aa], rng.random(), side="right")), S - 1)
                aa = draw(pi[ss], rng.random())
            x = phi[s * A + a0]
            G += np.outer(x, x)
            gv += (y - bonus[s, a0]) * x
        theta = np.linalg.solve(G, gv)
        logits += eta * ((phi @ theta).reshape(S, A) + bonus)
    return trans


def best(f, n=3):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = f()
        out.append(time.perf_counter() - t)
    return min(out), r


def main():
    g = np.random.default_rng(0)
    print("per sample (online sensitivity sampling, T = 20000)")
    for d in (4, 16):
        X = g.dirichlet(np.ones(d), size=20_000)
        online_sensitivity_sample(X[:100])
        tc, _ = best(lambda: online_sensitivity_sample(X, rng=1))
        tn, _ = best(lambda: numpy_sensitivity(X, rng=1), n=1)
        print(f"  d={d:2d}: compiled {tc / X.shape[0] * 1e9:8.1f} ns/sample, NumPy "
              f"{tn / X.shape[0] * 1e9:8.1f} ns/sample, ratio {tn / tc:6.1f}x")
    print("per switch (one NPG phase, K = 10, M = 50)")
    for name, m in (("riverswim(S=6) one-hot", mdpsim.make("riverswim", S=6, gamma=0.9)),
                    ("simplex(S=20,A=5,d=8)", mdpsim.make("linear_simplex", S=20, A=5, d=8,
                                                          gamma=0.9, rng=1))):
        tab, phi, _ = lpo_problem(m)
        ev = discounted_env(tab)
        S, A = tab.S, tab.A
        bonus = np.zeros((S, A))
        bonus[S - 1] = 10.0
        cover = np.full((2, S, A), 1.0 / A)
        K, M, eta = 10, 50, 1.0

        def comp():
            return lpo_npg_phase(ev, phi, bonus, cover, 2, K, M, eta, 0.01,
                                 np.random.default_rng(3), np.zeros((S, A)))
        comp()
        tc, nc = best(comp)
        tn, nn = best(lambda: numpy_npg_phase(tab, phi, bonus, [cover[0], cover[1]], K, M,
                                              eta, 0.01, np.random.default_rng(3)), n=1)
        print(f"  {name}: compiled {tc * 1e3:7.2f} ms/phase ({tc / nc * 1e9:6.1f} ns per "
              f"critic transition, {nc} transitions), NumPy {tn * 1e3:8.2f} ms/phase "
              f"({tn / nn * 1e9:7.1f} ns/transition), ratio {tn / tc:6.1f}x")


if __name__ == "__main__":
    main()
