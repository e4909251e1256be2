"""DR-RPO per-episode cost (issue #13): its compiled plan (critic + actor,
:func:`mdpsim.algorithms.linear.dr_rpo.rpo_critic` / :func:`~mdpsim.algorithms.linear.dr_rpo.
rpo_actor`) against DR-LSVI-UCB's compiled plan (:func:`mdpsim.algorithms.linear.dr_lsvi_ucb.
dr_plan`) and against a NumPy transcription of the same DR-RPO plan (vectorised per stage,
per-factor duals by a Python loop over breakpoints), all on the learner's statistics after
the same run, in one process; plus the whole engine episode (plan + H observations + exact
robust evaluation of the played policy) of both learners through ``mdpsim.run``. The NumPy
plan's Q must equal the compiled one to 1e-10 (checked). Ratios only (shared machine).

Usage: ``python benchmarks/bench_dr_rpo.py [K]``; writes ``benchmarks/results/dr_rpo_cost.md``.
"""
from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import numpy as np

import mdpsim
from mdpsim.settings import RobustLinear
from mdpsim.algorithms.linear.dr_rpo import rpo_critic, rpo_actor
from mdpsim.algorithms.linear.dr_lsvi_ucb import dr_plan


def numpy_plan(st, beta, eta, beta_reg):
    """NumPy transcription of DR-RPO's plan (critic on ``pol``, then one actor step)."""
    phi4, Li_all, b_r, M, rho = st["phi4"], st["Lam_inv"], st["b_r"], st["M"], st["rho"]
    logref, logits, pol = st["logref"], st["logits"].copy(), st["pol"]
    H = Li_all.shape[0]
    n, S, A, d = phi4.shape
    V = np.zeros(S)
    Q = np.zeros((H, S, A))
    for h in range(H - 1, -1, -1):
        ph, Li = phi4[min(h, n - 1)], Li_all[h]
        w = Li @ b_r[h]
        G = Li @ M[h]
        vmin = V.min()
        nu = np.empty(d)
        for i in range(d):
            best = vmin
            for a in V:
                f = G[i] @ np.minimum(V, a) - rho[h, i] * (a - vmin)
                best = max(best, f)
            nu[i] = best
        bonus = beta * (ph * np.sqrt(np.maximum(np.diag(Li), 0.0))).sum(-1)
        Q[h] = np.clip(ph @ (w + nu) + bonus, 0.0, H - h)
        p = pol[h]
        with np.errstate(divide="ignore", invalid="ignore"):
            kl = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1.0)) - logref[h]), 0.0)
        V = (p * Q[h]).sum(-1) - beta_reg * kl.sum(-1)
    c = 1.0 / (1.0 + eta * beta_reg)
    x = c * logits + (1 - c) * logref + c * eta * Q
    x -= x.max(-1, keepdims=True)
    e = np.exp(x)
    return Q, e / e.sum(-1, keepdims=True)


def _time(fn, reps):
    fn()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t) / reps


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    K = int(argv[0]) if argv else 300
    beta_reg = 0.01
    lines = []
    for S in (20, 200):
        m = mdpsim.make("drect_simplex", S=S, A=5, d=5, horizon=5, rho=0.1, rng=0)
        setting = RobustLinear(m, beta_reg=beta_reg)
        kw = dict(rho=0.1)
        # whole engine episodes (exact robust evaluation of every played policy)
        mdpsim.run("dr_rpo", setting, episodes=3, seeds=1, beta_reg=beta_reg, **kw)
        mdpsim.run("dr_lsvi_ucb", setting, episodes=3, seeds=1, **kw)
        t = time.perf_counter()
        mdpsim.run("dr_rpo", setting, episodes=K, seeds=1, reevaluate="always",
                   beta_reg=beta_reg, **kw)
        t_rpo = (time.perf_counter() - t) / K
        t = time.perf_counter()
        mdpsim.run("dr_lsvi_ucb", setting, episodes=K, seeds=1, reevaluate="always", **kw)
        t_lsvi = (time.perf_counter() - t) / K
        # plan kernels on the statistics of an agent after K episodes
        ag = mdpsim.agent("dr_rpo", setting, rng=0, episodes=K, beta_reg=beta_reg, **kw)
        g = np.random.default_rng(0)
        tab = m.nominal.to_tabular()
        P = np.asarray(tab.P)
        R = np.asarray(tab.R)
        for _ in range(K):
            pi = ag.policy()
            s = 0
            for h in range(m.H):
                Ph = P[h] if P.ndim == 4 else P
                Rh = R[h] if R.ndim == 3 else R
                a = int(g.choice(m.A, p=pi[h, s]))
                s2 = int(g.choice(S, p=Ph[s, a]))
                ag.observe(h, s, a, float(Rh[s, a]), s2)
                s = s2
        st = ag.state
        pr = ag.params
        H, A, d = m.H, m.A, m.d
        Q = np.zeros((H, S, A))
        nu = np.zeros((H, d))
        Vb = np.zeros(S)
        Gb = np.zeros((d, S))
        wb = np.zeros(d)

        def rpo():
            logits, pol = st["logits"].copy(), st["pol"].copy()
            rpo_critic(st["phi4"], st["Lam_inv"], st["b_r"], st["M"], st["rho"], pr.beta,
                       pr.bonus, pr.robust, pr.fail_state, pr.beta_reg, st["logref"],
                       st["pol"], Q, nu, Vb, Gb, wb)
            rpo_actor(Q, pr.eta, pr.beta_reg, st["logref"], logits, pol)
            return pol

        def lsvi():
            dr_plan(st["phi4"], st["Lam_inv"], st["b_r"], st["M"], st["rho"], pr.beta,
                    pr.bonus, Q, nu, Vb, Gb, wb)

        pol_c = rpo()
        Qc = Q.copy()
        Qn, pol_n = numpy_plan(st, pr.beta, pr.eta, pr.beta_reg)
        err = max(float(np.max(np.abs(Qn - Qc))), float(np.max(np.abs(pol_n - pol_c))))
        assert err < 1e-10, err
        reps = 200 if S <= 20 else 40
        tk_rpo = _time(rpo, reps)
        tk_lsvi = _time(lsvi, reps)
        tk_np = _time(lambda: numpy_plan(st, pr.beta, pr.eta, pr.beta_reg), max(reps // 10, 3))
        lines.append(f"| {S} | {t_rpo * 1e6:.0f} | {t_lsvi * 1e6:.0f} | {t_rpo / t_lsvi:.2f} | "
                     f"{tk_rpo * 1e6:.0f} | {tk_lsvi * 1e6:.0f} | {tk_rpo / tk_lsvi:.2f} | "
                     f"{tk_np * 1e6:.0f} | {tk_np / tk_rpo:.0f} | {err:.1e} |")
    head = ("| S | DR-RPO episode (us) | DR-LSVI-UCB episode (us) | ratio | DR-RPO plan (us) | "
            "DR-LSVI-UCB plan (us) | ratio | NumPy DR-RPO plan (us) | NumPy / compiled | "
            "max abs diff |\n|---|---|---|---|---|---|---|---|---|---|")
    text = (f"# DR-RPO per-episode cost (benchmarks/bench_dr_rpo.py, K = {K})\n\n"
            "drect_simplex A=5 d=5 H=5 rho=0.1, beta_reg=0.01; episode = plan + H "
            "observations + exact robust-regularised evaluation of the played policy (mdpsim.run "
            "with reevaluate='always'); plan = the compiled plan kernels on the statistics "
            "after K episodes; NumPy = a vectorised transcription of the same DR-RPO plan "
            "(equal to the compiled Q and policy to the max abs diff shown). One process, "
            "shared 2-vCPU machine: ratios, not absolute times.\n\n" + head + "\n"
            + "\n".join(lines) + "\n")
    print(text)
    out = Path(__file__).resolve().parent / "results" / "dr_rpo_cost.md"
    out.write_text(text)


if __name__ == "__main__":
    main()
