r"""EpsMix (arXiv:2306.06265, reconstructed rule): the closed-form certified probability equals
a bisection on the mixture's linear value, and that value is exact.

Statement. The episode-level mixture "play ``π^o`` w.p. ε, else ``π^b``" has value
``V(ε) = (1 - ε) V^b + ε V^{π^o}`` — linear in ε. With a lower bound ``L_o <= V^{π^o}``, the
baseline component's value (or lower bound) ``B`` and the threshold ``T``, the largest ε in
[0, 1] with ``(1 - ε) B + ε L_o >= T`` is ``1`` if ``L_o >= T``, ``0`` if ``B <= T``, else
``(B - T) / (B - L_o)`` (:func:`mdpsim.algorithms.conservative.epsmix_weight`).

Check. (i) Closed form vs a 200-step bisection on ``ε -> (1 - ε) B + ε L_o - T`` over random
``(B, T, L_o)`` (including the boundary cases), margin = largest difference; and the
certified value at the closed form is ``>= T`` (smallest slack). (ii) Linearity, checked
independently on random MDPs: the occupancy measure of the episode-level mixture is
``d = (1 - ε) d^b + ε d^o``; the Markov policy ``π_h(a|s) = d_h(s,a) / d_h(s)`` has the same
occupancy, hence the same value — computed by ``mdpsim.evaluate``, it must equal
``(1 - ε) V^b + ε V^o``.
"""
from __future__ import annotations

import numpy as np

import mdpsim
from mdpsim.algorithms.conservative import epsmix_weight

from _random_mdps import instances, random_policy   # proofs_checks/ on sys.path

STATEMENT = ("eps* = argmax{eps in [0,1]: (1-eps) B + eps L_o >= T} = closed form; "
             "V(episode mixture) = (1-eps) V^b + eps V^o (occupancy check)")


def _bisect(L, B, T, steps=200):
    if L >= T:
        return 1.0
    if B < T:
        return 0.0
    lo, hi = 0.0, 1.0
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if (1 - mid) * B + mid * L >= T:
            lo = mid
        else:
            hi = mid
    return lo


def check(rng=0, n_triples: int = 20_000, n_instances: int = 30, tol: float = 1e-10) -> dict:
    gen = np.random.default_rng(rng)
    diff, slack = 0.0, np.inf
    for i in range(n_triples):
        B = gen.uniform(0.01, 20.0)
        T = B * gen.choice([gen.uniform(0.0, 1.2), 1.0, 0.0])
        L = gen.choice([B * gen.uniform(-0.5, 1.5), T, 0.0])
        e = epsmix_weight(L, B, T)
        diff = max(diff, abs(e - _bisect(L, B, T)))
        if e > 0.0:
            slack = min(slack, ((1 - e) * B + e * L - T) / max(1.0, B))
    lin = 0.0
    for g2, mdp in instances(gen.integers(1 << 31), n_instances):
        H, S, A = mdp.horizon, mdp.S, mdp.A
        pib = random_policy(g2, mdp)
        pio = np.zeros((H, S, A))
        np.put_along_axis(pio, g2.integers(0, A, size=(H, S, 1)), 1.0, axis=-1)
        eps = float(g2.random())
        vb = float(mdp.init @ mdpsim.evaluate(mdp, pib)[0])
        vo = float(mdp.init @ mdpsim.evaluate(mdp, pio)[0])
        d = (1 - eps) * mdpsim.occupancy(mdp, pib) + eps * mdpsim.occupancy(mdp, pio)
        ds = d.sum(-1, keepdims=True)
        pi = np.where(ds > 0, d / np.where(ds > 0, ds, 1.0), 1.0 / A)
        v = float(mdp.init @ mdpsim.evaluate(mdp, pi)[0])
        lin = max(lin, abs(v - ((1 - eps) * vb + eps * vo)) / max(1.0, abs(v)))
    passed = bool(diff <= tol and slack >= -tol and lin <= tol)
    return {"name": "EpsMix closed form = bisection; mixture value linear in eps",
            "statement": STATEMENT, "passed": passed, "tolerance": tol,
            "triples": n_triples, "instances": n_instances,
            "margins": {"closed_form_vs_bisection_max_diff": float(diff),
                        "certified_value_min_slack": float(slack),
                        "linearity_max_rel_error": float(lin)}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
