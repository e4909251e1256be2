"""LSVI-UCB per-episode cost: the compiled learner (``mdpsim.run``, plan + H observations +
exact evaluation of the played policy) against a straightforward per-step NumPy transcription
of Jin et al. (2020), Algorithm 1 (rebuild Λ_h and its inverse from the raw data at every
episode, one regression target per past sample), in one process on the same instance.

Per-episode cost vs S (S = 20, 200, 2000; d = 5, b = 5): the whole engine episode (plan +
H observations + exact evaluation of the played policy) next to the planning kernel alone
(:func:`mdpsim.algorithms.linear.lsvi_ucb.lsvi_plan` on the learner's statistics after the
run) and the same engine loop for greedy LSVI. Planning is **not** restricted to the states
actually needed: the engine's contract asks ``plan`` for the policy ``pi[H, S, A]`` at every
state (the exact evaluation pass reads all of it), so the bonus ``‖φ‖_{Λ⁻¹}`` is computed at
all ``S A`` pairs per stage, ``O(H S A d²)``, the same order in ``S`` as the evaluation pass
(``O(H · nnz)``); only the regression part (``M_h V_{h+1}``) could skip unobserved successors.

Usage: ``python benchmarks/bench_lsvi.py [K]``. Prints seconds per episode and the ratio.
The NumPy transcription's cost grows with k (it re-reads all past data every episode); the
ratio is measured over the same K episodes.
"""
from __future__ import annotations

import sys
import time

import numpy as np

import mdpsim
from mdpsim.algorithms.linear import lsvi_ucb_beta


def numpy_lsvi(lm, K, beta, rng=0):
    H, S, A = lm.horizon, lm.S, lm.A
    phi = np.asarray(lm.phi)
    P = np.asarray(lm.P)
    R = np.asarray(lm.R)
    g = np.random.default_rng(rng)
    data = [[] for _ in range(H)]
    for k in range(K):
        Q = np.zeros((H + 1, S, A))
        for h in range(H - 1, -1, -1):
            Lam = np.eye(phi.shape[-1])
            tgt = np.zeros(phi.shape[-1])
            for (s, a, r, s2) in data[h]:
                x = phi[s, a]
                Lam += np.outer(x, x)
                tgt += x * (r + Q[h + 1, s2].max())
            Li = np.linalg.inv(Lam)
            w = Li @ tgt
            for s in range(S):
                for a in range(A):
                    x = phi[s, a]
                    Q[h, s, a] = min(x @ w + beta * np.sqrt(x @ Li @ x), H - h)
        s = 0
        for h in range(H):
            a = int(np.argmax(Q[h, s]))
            s2 = int(g.choice(S, p=P[s, a]))
            data[h].append((s, a, R[s, a], s2))
            s = s2


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    K = int(argv[0]) if argv else 200
    lm = mdpsim.make("linear_simplex", S=20, A=5, d=5, horizon=5, rng=0)
    mdpsim.run("lsvi_ucb", lm, episodes=5, seeds=1)           # compile / load cache
    t = time.perf_counter()
    mdpsim.run("lsvi_ucb", lm, episodes=K, seeds=1, reevaluate="always")
    tc = (time.perf_counter() - t) / K
    beta = lsvi_ucb_beta(5, 5, K, delta=0.05, c=0.01)
    t = time.perf_counter()
    numpy_lsvi(lm, K, beta)
    tn = (time.perf_counter() - t) / K
    print(f"linear_simplex S=20 A=5 d=5 H=5, K={K}: compiled {tc * 1e6:.1f} us/episode "
          f"(incl. exact evaluation every episode), NumPy transcription {tn * 1e3:.2f} "
          f"ms/episode, ratio {tn / tc:.0f}x")
    from mdpsim.engine.agent import Agent
    from mdpsim.algorithms.linear.lsvi_ucb import lsvi_plan
    for S in (20, 200, 2000):
        lm = mdpsim.make("linear_simplex", S=S, A=5, d=5, b=5, horizon=5, rng=0)
        mdpsim.run("lsvi_ucb", lm, episodes=2, seeds=1)
        t = time.perf_counter()
        mdpsim.run("lsvi_ucb", lm, episodes=200, seeds=1, reevaluate="always")
        te = (time.perf_counter() - t) / 200
        ag = Agent("lsvi_ucb", lm, rng=0, episodes=200)
        ag.policy()
        st = ag._state
        n = 200
        t = time.perf_counter()
        for _ in range(n):
            lsvi_plan(st.phi4, st.Lam_inv, st.b_r, st.M, 1.0, st.Q, st.Qu, st.w, st.V)
        tp = (time.perf_counter() - t) / n
        print(f"  S={S}: engine episode {te * 1e6:.0f} us (plan kernel alone {tp * 1e6:.0f} us,"
              f" rest = H observations + exact evaluation + loop {(te - tp) * 1e6:.0f} us)")


if __name__ == "__main__":
    main()
