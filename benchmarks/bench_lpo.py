"""LPO costs (issue #14): per-sample cost of online sensitivity sampling and per-switch cost of
an NPG phase, the compiled kernels against NumPy transcriptions in the same process.

* per sample: :func:`mdpsim.algorithms.policy_opt.online_sensitivity_sample` (compiled,
  Sherman–Morrison) against a NumPy loop doing the same Sherman–Morrison update per point,
  stream of ``T = 20000`` simplex features, d in {4, 16};
* per switch: :func:`mdpsim.algorithms.policy_opt.lpo.lpo_npg_phase` (one NPG phase: K
  iterations x M critic roll-in/roll-out samples + ridge fit + softmax update) against a NumPy
  transcription of the same phase (Python loop over samples and steps, ``Generator.random``
  draws), on RiverSwim (one-hot, d = 12) and a simplex linear MDP (d = 8).

PC-PG-style cover (planner ``pcpg``, ``docs/papers/lpo.md`` §7) next to LPO, same process:

* per exploration sample: :func:`mdpsim.algorithms.policy_opt.pcpg.pcpg_rollin` (roll-in step
  + rank-one update of the full cover covariance) against a NumPy transcription of it, and
  against LPO's exploration (:func:`mdpsim.algorithms.policy_opt.lpo.lpo_explore`: the same
  draws + a sensitivity-sampling step), ``N = 20000`` transitions of the uniform policy;
* per switch and per transition: whole runs of ``lpo``, ``lpo`` with
  ``switching="every_round"`` and ``pcpg`` at the same exploration budget ``T = 5000`` and
  the same NPG phase (defaults K = 20, M = 100): seconds per switch, per transition (all
  transitions, critic included) and the ratios to LPO.

Usage: ``python benchmarks/bench_lpo.py``. Prints seconds per sample / per phase, per critic
transition, and the ratios (NumPy / compiled). Timings are the best of 3 after a warm call
(whole runs: one timed run after a warm-up run); the PC-PG section times the CPU seconds of
this process (``time.process_time``), robust to other jobs on a shared machine.
"""
from __future__ import annotations

import time

import numpy as np

import mdpsim
from mdpsim.algorithms.policy_opt import online_sensitivity_sample
from mdpsim.algorithms import run_planner
from mdpsim.algorithms.policy_opt.lpo import lpo_explore, lpo_npg_phase, lpo_problem
from mdpsim.algorithms.policy_opt.pcpg import pcpg_rollin
from mdpsim.algorithms.policy_opt.sensitivity import sensitivity_log_term
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


def numpy_rollin(tab, pi, phi, N, rng):
    """NumPy transcription of :func:`pcpg_rollin`: geometric episodes of ``pi`` until ``N``
    transitions, ``Lam += phi phiᵀ`` per visited pair."""
    from mdpsim.planning import transitions
    P = np.asarray(transitions(tab, "dense").P)[0]
    init, g = np.asarray(tab.init), tab.gamma
    S, A = pi.shape
    cdf = np.cumsum(P, axis=2)
    Lam = np.zeros((phi.shape[1],) * 2)
    steps = 0
    while steps < N:
        s = min(int(np.searchsorted(np.cumsum(init), rng.random(), side="right")), S - 1)
        while steps < N:
            a = min(int(np.searchsorted(np.cumsum(pi[s]), rng.random(), side="right")), A - 1)
            s2 = min(int(np.searchsorted(cdf[s, a], rng.random(), side="right")), S - 1)
            steps += 1
            x = phi[s * A + a]
            Lam += np.outer(x, x)
            s = s2
            if not rng.random() < g:
                break
    return Lam


def lpo_stream(ev, pi, phi, tabular, N, rng):
    """LPO's exploration for ``N`` transitions (calls of :func:`lpo_explore` until a kept-set
    change, as LPO does, repeated until ``N`` transitions); returns the kept count."""
    d = phi.shape[1]
    S, A = pi.shape
    Lam, Linv = np.zeros((d, d)), np.eye(d)
    n_w, visits = np.zeros(S * A), np.zeros(S * A, dtype=np.int64)
    L = sensitivity_log_term(N, 0.1)
    done = kept = 0
    while done < N:
        st, _, k = lpo_explore(ev, pi, phi, tabular, Lam, Linv, n_w, 1.0, L, 1.0, rng,
                               N - done, True, visits)
        done += st
        kept += k
    return kept


def best(f, n=3, clock=time.perf_counter):
    out = []
    for _ in range(n):
        t = clock()
        r = f()
        out.append(clock() - t)
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
    pcpg_costs()


def _envs():
    return (("riverswim(S=6) one-hot d=12", mdpsim.make("riverswim", S=6, gamma=0.9)),
            ("simplex(S=20,A=5,d=8)", mdpsim.make("linear_simplex", S=20, A=5, d=8, gamma=0.9,
                                                  rng=1)),
            ("simplex(S=20,A=5,d=16)", mdpsim.make("linear_simplex", S=20, A=5, d=16,
                                                   gamma=0.9, rng=1)))


#: the PC-PG section times CPU seconds of this process (single-threaded kernels), which a
#: machine shared with other jobs inflates far less than wall-clock time
CPU = time.process_time


def pcpg_costs(N=20_000, T=5_000):
    print("(CPU seconds of this process)")
    print(f"per exploration sample (uniform policy, N = {N} transitions): PC-PG roll-in "
          f"(full covariance) vs LPO exploration (sensitivity sampling)")
    for name, m in _envs():
        tab, phi, tabular = lpo_problem(m)
        ev = discounted_env(tab)
        S, A = tab.S, tab.A
        d = phi.shape[1]
        pi = np.full((S, A), 1.0 / A)

        def comp():
            Lam = np.zeros((d, d))
            pcpg_rollin(ev, pi, phi, Lam, np.zeros(S * A, dtype=np.int64),
                        np.random.default_rng(3), 10**9, N)
            return Lam
        comp()
        tc, _ = best(comp, clock=CPU)
        tn, _ = best(lambda: numpy_rollin(tab, pi, phi, N, np.random.default_rng(3)), n=1,
                     clock=CPU)
        lpo_stream(ev, pi, phi, tabular, 100, np.random.default_rng(3))
        tl, kept = best(lambda: lpo_stream(ev, pi, phi, tabular, N, np.random.default_rng(3)),
                        clock=CPU)
        print(f"  {name}: PC-PG compiled {tc / N * 1e9:7.1f} ns/sample, NumPy "
              f"{tn / N * 1e9:8.1f} ns/sample (ratio {tn / tc:6.1f}x); LPO explore "
              f"{tl / N * 1e9:7.1f} ns/sample ({kept} kept); PC-PG / LPO {tc / tl:5.2f}")
    print(f"per switch and per transition (whole runs, exploration budget T = {T}, K = 20, "
          f"M = 100, seed 0)")
    for name, m in _envs():
        res = {}
        for lab, pl, kw in (("LPO", "lpo", {}),
                            ("every-round", "lpo", {"switching": "every_round"}),
                            ("PC-PG", "pcpg", {})):
            run_planner(pl, m, rng=1, budget=200, **kw)
            t0 = CPU()
            last = run_planner(pl, m, rng=0, budget=T, **kw).iloc[-1]
            res[lab] = (CPU() - t0, int(last.switches), int(last.transitions))
        tl, sl, nl = res["LPO"]
        line = []
        for lab, (t, s, n) in res.items():
            line.append(f"{lab}: {t:6.2f} s, {s} switches, {t / max(s, 1) * 1e3:6.2f} "
                        f"ms/switch, {t / n * 1e9:5.1f} ns/transition ({n:.2e})"
                        + ("" if lab == "LPO" else
                           f", x{t / tl:5.1f} time, x{(t / max(s, 1)) / (tl / max(sl, 1)):4.2f}"
                           f" per switch vs LPO"))
        print(f"  {name}:\n    " + "\n    ".join(line))


if __name__ == "__main__":
    main()
