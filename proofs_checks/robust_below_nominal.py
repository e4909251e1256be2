r"""Robust value is at most the nominal value (rewards), for every policy and at the optimum.

The nominal kernel belongs to every set, so :math:`V^\pi_{\mathcal P} = \min_{p\in\mathcal P}
V^{\pi,p} \le V^{\pi,\bar p}` for every policy, and :math:`V^*_{\mathcal P} \le V^*`. Also:
the robust value of the robust-optimal policy equals :math:`V^*_{\mathcal P}` (robust VI's
policy is optimal) and a larger set gives a smaller robust value (nested sets). Exact robust
policy evaluation (certified 1e-12) and robust VI (1e-11). Margins: smallest slacks (>= -tol).
"""
from __future__ import annotations

import numpy as np

import mdpsim
from mdpsim.robust import robust_evaluate, robust_value_iteration

from _robust_instances import robust_instances  # proofs_checks/ on sys.path

STATEMENT = ("V^pi_P <= V^pi_nominal for all pi; V*_P <= V*; V^{pi*_P}_P = V*_P; P1 in P2 => "
             "V_P2 <= V_P1")


def check(rng=0, n_instances: int = 24, tol: float = 1e-9) -> dict:
    pol_slack = opt_slack = nest_slack = np.inf
    opt_err = 0.0
    for gen, rm in robust_instances(rng, n_instances):
        pi = gen.dirichlet(np.ones(rm.A), size=rm.S)
        rob = robust_evaluate(rm, pi, tol=1e-12).V
        nom = mdpsim.evaluate(rm.nominal, pi)
        pol_slack = min(pol_slack, float(np.min(nom - rob)))
        sol = robust_value_iteration(rm, tol=1e-11)
        opt_slack = min(opt_slack, float(np.min(mdpsim.solve(rm.nominal, tol=1e-11).V - sol.V)))
        opt_err = max(opt_err, float(np.max(np.abs(robust_evaluate(rm, sol.pi, tol=1e-12).V
                                                   - sol.V))))
        bigger = rm.replace(radius=rm.radius * 1.5)
        nest_slack = min(nest_slack, float(np.min(rob - robust_evaluate(bigger, pi,
                                                                        tol=1e-12).V)))
    passed = bool(min(pol_slack, opt_slack, nest_slack) >= -tol and opt_err <= 1e-8)
    return {"name": "robust value below nominal", "statement": STATEMENT, "passed": passed,
            "instances": n_instances, "tolerance": tol,
            "margins": {"policy_slack_min": pol_slack, "optimal_slack_min": opt_slack,
                        "nested_sets_slack_min": nest_slack,
                        "robust_optimal_policy_value_error": opt_err}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
