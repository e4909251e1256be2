r"""d-rectangular robust linear MDPs (issue #13): the exact ground truth against independent
oracles on random simplex instances.

* the per-factor TV worst case (sort-based primal) equals the LP over the ball (scipy HiGHS)
  and the breakpoint dual;
* robust value <= nominal value for every policy tried (optimal, Gibbs, random);
* the Gibbs policy ``π ∝ π_ref exp(Q/β_reg)`` is the regularised optimum: no random policy
  beats its robust-regularised value;
* one-hot features: the d-rectangular optimum equals the (s,a)-rectangular ``tv`` robust
  optimum of :mod:`mdpsim.robust` (radius ``ρ_{sA+a}`` -> ``radius[s, a]``).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

import mdpsim
from mdpsim.envs.linear import one_hot
from mdpsim.models.robust_linear import DRectLinearMDP
from mdpsim.robust import robust_solve
from mdpsim.robust.linear import (tv_factor_worst, tv_factor_dual, drect_solve, drect_evaluate)

STATEMENT = ("d-rect TV worst case = LP = breakpoint dual; robust <= nominal; Gibbs is the "
             "regularised optimum; one-hot d-rect = (s,a)-rect tv")
TOL = 1e-8


def _lp(mu, V, rho):
    S = mu.size
    I = np.eye(S)
    r = linprog(np.concatenate([V, np.zeros(S)]),
                A_ub=np.block([[I, -I], [-I, -I], [np.zeros((1, S)), np.ones((1, S))]]),
                b_ub=np.concatenate([mu, -mu, [2 * rho]]),
                A_eq=np.concatenate([np.ones(S), np.zeros(S)])[None], b_eq=[1.0],
                bounds=[(0, None)] * (2 * S), method="highs")
    return r.fun


def check(rng=0, instances: int = 5) -> dict:
    g = np.random.default_rng(rng)
    lp_err = dual_err = 0.0
    slack_nom = slack_gibbs = np.inf
    onehot_err = 0.0
    for k in range(instances):
        lin = mdpsim.make("linear_simplex", S=10, A=3, d=4, horizon=4, rng=int(g.integers(1e9)),
                          stage_dependent=True)
        m = DRectLinearMDP(lin, g.random((4, 4)) * 0.5)
        sol = drect_solve(m)
        V = np.vstack([sol.V, np.zeros((1, lin.S))])
        phi, mu, _ = m.stage_arrays()
        for h in range(4):
            o = np.argsort(V[h + 1], kind="mergesort")
            for i in range(4):
                p = tv_factor_worst(mu[h, i], V[h + 1], m.radius[h, i], o)
                lp_err = max(lp_err, abs(p - _lp(mu[h, i], V[h + 1], m.radius[h, i])))
                dual_err = max(dual_err, abs(p - tv_factor_dual(mu[h, i], V[h + 1],
                                                                 m.radius[h, i], o)))
        tab = lin.to_tabular()
        pols = [sol.pi] + [g.dirichlet(np.ones(3), size=(4, lin.S)) for _ in range(5)]
        for pi in pols:
            nv = float(lin.init @ mdpsim.evaluate(tab, pi)[0])
            slack_nom = min(slack_nom, nv - drect_evaluate(m, pi).value)
        beta = float(g.choice([0.05, 0.5, 2.0]))
        gs = drect_solve(m, beta_reg=beta)
        for pi in pols[1:]:
            slack_gibbs = min(slack_gibbs, gs.value - drect_evaluate(m, pi, beta_reg=beta).value)
        tabr = mdpsim.make("garnet", S=5, A=2, b=3, horizon=4, rng=int(g.integers(1e9)))
        oh = DRectLinearMDP(one_hot(tabr), g.random(10) * 0.6)
        onehot_err = max(onehot_err, float(np.abs(drect_solve(oh).V
                                                  - robust_solve(oh.to_sa_robust()).V).max()))
    passed = (lp_err <= TOL and dual_err <= 1e-12 and slack_nom >= -1e-12
              and slack_gibbs >= -1e-12 and onehot_err <= 1e-10)
    return {"passed": bool(passed), "statement": STATEMENT, "instances": instances,
            "tolerance": TOL,
            "margins": {"max |primal - LP|": lp_err, "max |primal - dual|": dual_err,
                        "min nominal - robust": slack_nom,
                        "min V_gibbs - V_random (regularised)": slack_gibbs,
                        "max |d-rect - (s,a)-rect| (one-hot)": onehot_err}}


if __name__ == "__main__":
    print(check())
