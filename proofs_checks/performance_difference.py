r"""Performance difference lemma (Kakade & Langford 2002), checked exactly on random MDPs.

Finite horizon, policies ``π, π'`` and initial distribution ``ρ``:

.. math::
    V^π_0(ρ) - V^{π'}_0(ρ) = \sum_{h=0}^{H-1} \sum_{s,a} d^{π}_h(s,a)\, A^{π'}_h(s,a),
    \qquad A^{π'}_h(s,a) = Q^{π'}_h(s,a) - V^{π'}_h(s);

discounted, with the normalised occupancy ``d^π_ρ(s,a) = (1-γ) Σ_t γ^t Pr(s_t=s, a_t=a)``:

.. math::
    V^π(ρ) - V^{π'}(ρ) = \frac{1}{1-γ} \sum_{s,a} d^{π}_ρ(s,a)\, A^{π'}(s,a).

Consequence checked as an inequality (policy improvement): the greedy policy ``g`` of
``Q^{π'}`` has ``A^{π'}_h(s, g(s)) ≥ 0`` everywhere, hence ``V^g(s) ≥ V^{π'}(s)`` in every
state. All terms exact (``mdpsim.q_values``, ``mdpsim.occupancy``). Margins: the identities'
largest absolute errors (≤ tolerance) and the smallest improvement ``V^g - V^{π'}`` (≥ 0).
"""
from __future__ import annotations

import numpy as np

import mdpsim

from _random_mdps import instances, random_policy  # proofs_checks/ on sys.path

STATEMENT = ("V^pi - V^pi' = sum_h E_{d_h^pi}[A^pi'_h] (finite), = E_{d^pi}[A^pi']/(1-gamma) "
             "(discounted); greedy(Q^pi') improves on pi' in every state")


def check(rng=0, n_instances: int = 40, tol: float = 1e-10) -> dict:
    err_f = err_d = 0.0
    improve = np.inf
    seq = np.random.SeedSequence(rng).spawn(2)
    for gen, M in instances(seq[0], n_instances):
        pi, pi2 = random_policy(gen, M), random_policy(gen, M)
        Q2, V2 = mdpsim.q_values(M, pi2)                 # [H, S, A], [H, S]
        adv = Q2 - V2[..., None]
        d = mdpsim.occupancy(M, pi)                      # [H, S, A], sums to H
        lhs = M.init @ (mdpsim.evaluate(M, pi)[0] - V2[0])
        err_f = max(err_f, abs(lhs - np.sum(d * adv)))
        g = np.argmax(Q2, axis=-1)                       # greedy in Q^pi' [H, S]
        improve = min(improve, float(np.min(mdpsim.evaluate(M, g) - V2)))
    for gen, M in instances(seq[1], n_instances, discounted=True):
        pi, pi2 = random_policy(gen, M), random_policy(gen, M)
        Q2, V2 = mdpsim.q_values(M, pi2)                 # [S, A], [S]
        adv = Q2 - V2[:, None]
        d = mdpsim.occupancy(M, pi)                      # [S, A], sums to 1
        lhs = M.init @ (mdpsim.evaluate(M, pi) - V2)
        scale = 1.0 / (1.0 - M.gamma)
        err_d = max(err_d, abs(lhs - scale * np.sum(d * adv)) / scale)
        g = np.argmax(Q2, axis=-1)
        improve = min(improve, float(np.min(mdpsim.evaluate(M, g) - V2)))
    passed = bool(err_f <= tol and err_d <= tol and improve >= -tol)
    return {"name": "performance difference lemma", "statement": STATEMENT, "passed": passed,
            "instances": 2 * n_instances, "tolerance": tol,
            "margins": {"finite_max_error": float(err_f),
                        "discounted_max_rel_error": float(err_d),
                        "greedy_improvement_min": float(improve)}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
