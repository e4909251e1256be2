r"""Simulation lemma, checked exactly on random finite-horizon MDPs.

For one policy ``π`` and two models ``M = (P, R)`` and ``M̂ = (P̂, R̂)`` with the same
``S, A, H`` and initial distribution ``ρ`` (stationary or stage-dependent):

.. math::
    V^π_{M}(ρ) - V^π_{M̂}(ρ) = \sum_{h=0}^{H-1} \sum_{s,a} d^{π,M}_h(s,a)
        \big[(R_h - \hat R_h)(s,a) + \big((P_h - \hat P_h)(\cdot|s,a)\big)^\top
        V^π_{M̂,h+1}\big]                                                     \quad (identity)

and hence, with ``V^π_{M̂,h+1} ∈ [0, H - h - 1]`` for rewards in [0, 1],

.. math::
    |V^π_{M}(ρ) - V^π_{M̂}(ρ)| \le \sum_h \mathbb E_{d_h}\big[|ΔR_h| + \tfrac{H-h-1}{2}
        \|ΔP_h(\cdot|s,a)\|_1\big] \le H ε_R + \tfrac{H(H-1)}{2} ε_P        \quad (bound)

(the factor 1/2: ``ΔP`` sums to 0, so ``ΔP^T V ≤ ½‖ΔP‖₁ span(V)``). Everything is computed
exactly with ``mdpsim.evaluate`` and ``mdpsim.occupancy``; ``M̂`` is a random perturbation of
``M`` of random size. Margins: the identity's largest absolute error (should be ≤ the
tolerance) and the two bounds' smallest slacks ``rhs - |lhs|`` (should be ≥ 0).
"""
from __future__ import annotations

import numpy as np

import mdpsim

from _random_mdps import instances, random_kernel, random_policy  # proofs_checks/ on sys.path

STATEMENT = ("V^pi_M - V^pi_Mhat = sum_h E_{d_h^{pi,M}}[dR_h + dP_h . V^pi_Mhat,h+1]; "
             "|.| <= sum_h E[|dR| + (H-h-1)/2 |dP|_1] <= H eps_R + H(H-1)/2 eps_P")


def check(rng=0, n_instances: int = 60, tol: float = 1e-10) -> dict:
    worst_err, worst_slack_local, worst_slack_global = 0.0, np.inf, np.inf
    for gen, M in instances(rng, n_instances):
        H, S, A = M.horizon, M.S, M.A
        P = M.P if M.P.ndim == 4 else np.broadcast_to(M.P, (H, S, A, S))
        R = M.R if M.R.ndim == 3 else np.broadcast_to(M.R, (H, S, A))
        mix = gen.uniform(0.0, 0.5)
        Ph = (1 - mix) * P + mix * random_kernel(gen, (H, S, A), S)
        Rh = np.clip(R + gen.normal(0.0, 0.1, size=R.shape), 0.0, 1.0)
        Mh = mdpsim.TabularMDP(Ph, Rh, horizon=H, init=M.init)
        pi = random_policy(gen, M)

        v = M.init @ mdpsim.evaluate(M, pi)[0]
        Vh = mdpsim.evaluate(Mh, pi)                      # V^pi_Mhat [H, S]
        Vnext = np.vstack([Vh[1:], np.zeros((1, S))])     # V^pi_Mhat,h+1, V_H = 0
        vh = M.init @ Vh[0]
        d = mdpsim.occupancy(M, pi)                       # d_h^{pi,M}(s,a) [H, S, A]
        dR, dP = R - Rh, P - Ph
        rhs = np.sum(d * (dR + np.einsum("hsat,ht->hsa", dP, Vnext)))
        lhs = v - vh
        worst_err = max(worst_err, abs(lhs - rhs))
        l1 = np.abs(dP).sum(-1)
        span = (H - 1 - np.arange(H))[:, None, None]      # V_h+1 in [0, H-h-1]
        local = np.sum(d * (np.abs(dR) + 0.5 * span * l1))
        glob = H * np.abs(dR).max() + 0.5 * H * (H - 1) * l1.max()
        worst_slack_local = min(worst_slack_local, local - abs(lhs))
        worst_slack_global = min(worst_slack_global, glob - abs(lhs))
    passed = bool(worst_err <= tol and worst_slack_local >= -tol and worst_slack_global >= -tol)
    return {"name": "simulation lemma", "statement": STATEMENT, "passed": passed,
            "instances": n_instances, "tolerance": tol,
            "margins": {"identity_max_error": float(worst_err),
                        "local_bound_min_slack": float(worst_slack_local),
                        "global_bound_min_slack": float(worst_slack_global)}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
