r"""Robust gradient dominance (the step from stationarity to global optimality in DRPG).

Costs; ``p_pi`` a worst-case kernel of ``pi`` (exact robust policy evaluation), ``pi*`` a
robust-optimal policy (robust VI, possibly stochastic for s-rect sets). By
:math:`\Phi(\pi^*) \ge J(\pi^*, p_\pi)` and the performance-difference lemma under
:math:`p_\pi`,

.. math:: \Phi(\pi) - \Phi^* \;\le\; J(\pi,p_\pi) - J(\pi^*,p_\pi)
          \;\le\; D_\pi \max_{\bar\pi\in\Pi}\langle \pi - \bar\pi,\,
          \nabla_\pi J(\pi, p_\pi)\rangle,\qquad
          D_\pi = \Big\|\frac{d^{\pi^*, p_\pi}}{d^{\pi, p_\pi}}\Big\|_\infty
          \le \frac{1}{1-\gamma}\Big\|\frac{d^{\pi^*, p_\pi}}{\rho}\Big\|_\infty .

(The reference notes state it with ``D/(1-gamma)``, ``D`` a distribution-mismatch
coefficient; both forms are checked.) The maximum over the product of simplices is
``sum_s (<pi_s, g_s> - min_a g(s,a))``. Random Garnet RMDPs ((s,a)- and s-rectangular L1,
plus KL) and random policies, including near-optimal ones. Margins: smallest slacks
``rhs - lhs`` (>= -tol) and the smallest ratio ``rhs / lhs``.
"""
from __future__ import annotations

import numpy as np

from mdpsim.algorithms import drpg as D
from mdpsim.robust import drpg_garnet, robust_evaluate, robust_value_iteration

STATEMENT = ("Phi(pi) - Phi* <= ||d^{pi*,p_pi}/d^{pi,p_pi}||_inf max_pibar <pi - pibar, "
             "grad_pi J(pi, p_pi)> <= ||d^{pi*,p_pi}/rho||_inf/(1-gamma) * (same)")


def check(rng=0, n_instances: int = 8, policies: int = 5, tol: float = 1e-9) -> dict:
    seq = np.random.SeedSequence(rng)
    slack_a = slack_b = np.inf
    ratio = np.inf
    count = 0
    for j, child in enumerate(seq.spawn(n_instances)):
        gen = np.random.default_rng(child)
        rect = "sa" if j % 2 == 0 else "s"
        S = int(gen.integers(4, 7))
        inst = drpg_garnet(S, int(gen.integers(2, 4)), 3 if rect == "sa" else S, rect=rect,
                           rng=gen)
        rm = inst.rmdp
        if j % 4 == 3:                    # a KL set on the same nominal model
            rm = rm.replace(kind="kl", radius=rm.radius * 0.5)
        g_ = rm.gamma
        sol = robust_value_iteration(rm, tol=1e-12)
        phi_star = -sol.value
        for k in range(policies):
            pi = gen.dirichlet(np.ones(rm.A) * (0.3 if k % 2 else 3.0), size=rm.S)
            if k == policies - 1:                      # near the optimum
                pi = 0.9 * sol.pi + 0.1 * pi
            ev = robust_evaluate(rm, pi, tol=1e-13)
            phi = -ev.value
            P = ev.P_worst
            grad = D.policy_gradient(rm, pi, P)
            gap_fw = float(np.sum(np.sum(pi * grad, axis=1) - grad.min(axis=1)))

            def occ(pol):
                Ppi = np.einsum("sa,sat->st", pol, P)
                return np.linalg.solve((np.eye(rm.S) - g_ * Ppi).T, (1 - g_) * rm.init)

            d_pi, d_star = occ(pi), occ(sol.pi)
            Da = float(np.max(d_star / d_pi))
            Db = float(np.max(d_star / rm.init)) / (1 - g_)
            lhs = phi - phi_star
            slack_a = min(slack_a, Da * gap_fw - lhs)
            slack_b = min(slack_b, Db * gap_fw - Da * gap_fw)
            if lhs > 1e-8:
                ratio = min(ratio, Da * gap_fw / lhs)
            count += 1
    passed = bool(slack_a >= -tol and slack_b >= -tol)
    return {"name": "robust gradient dominance", "statement": STATEMENT, "passed": passed,
            "instances": count, "tolerance": tol,
            "margins": {"sharp_form_slack_min": float(slack_a),
                        "rho_form_minus_sharp_min": float(slack_b),
                        "rhs_over_lhs_min": float(ratio)}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
