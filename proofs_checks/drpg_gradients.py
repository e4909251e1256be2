r"""DRPG's exact gradients equal central finite differences (``docs/papers/drpg.md`` §3, §4).

With costs, :math:`J(\pi,p) = \rho^\top(I-\gamma P_\pi)^{-1}c_\pi`,
:math:`d = (1-\gamma)\rho^\top(I-\gamma P_\pi)^{-1}`:

.. math:: \frac{\partial J}{\partial\pi(a|s)} = \frac{d(s)\,q(s,a)}{1-\gamma},\qquad
          \frac{\partial J}{\partial p(s'|s,a)} = \frac{d(s)\pi(a|s)\,(c(s,a,s') +
          \gamma v(s'))}{1-\gamma}

(entries as free coordinates), and for the tilted kernel
:math:`p \propto \bar p\exp(\theta^\top\phi(s')/\lambda^\top\psi(s,a))` the chain-rule
gradients in :math:`\theta, \lambda`. Random Garnet RMDPs (S = 5, A = 3) and the inventory
instance; central differences with h = 1e-6. Margins: largest relative errors (<= tol).
"""
from __future__ import annotations

import numpy as np

from mdpsim.algorithms import drpg as D
from mdpsim.robust import drpg_garnet, drpg_inventory

STATEMENT = ("dJ/dpi = d q/(1-gamma), dJ/dp = d pi (c + gamma v)/(1-gamma), and the "
             "parametric (theta, lambda) gradients equal central finite differences")


def _central(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def check(rng=0, n_instances: int = 6, tol: float = 1e-6) -> dict:
    seq = np.random.SeedSequence(rng)
    e_pi = e_p = e_th = e_lam = 0.0
    for child in seq.spawn(n_instances):
        gen = np.random.default_rng(child)
        inst = drpg_garnet(5, 3, 3, rng=gen)
        rm = inst.rmdp
        pi = gen.dirichlet(np.ones(3), size=5)
        P = np.array(rm.Pbar)
        g = D.policy_gradient(rm, pi, P)
        fd = _central(lambda x: D.cost_objective(rm, x, P), pi)
        e_pi = max(e_pi, float(np.max(np.abs(g - fd)) / np.abs(g).max()))
        g = D.kernel_gradient(rm, pi, P)
        fd = _central(lambda x: D.cost_objective(rm, pi, x), P)
        e_p = max(e_p, float(np.max(np.abs(g - fd)) / np.abs(g).max()))
        inv = drpg_inventory(rng=gen)
        pi = gen.dirichlet(np.ones(3), size=8)
        th, lam = gen.uniform(0.2, 1.2, size=2), gen.uniform(0.2, 1.2, size=2)
        _, gth, glam, _ = D.parametric_gradients(inv, pi, th, lam)
        fth = _central(lambda x: D.parametric_gradients(inv, pi, x, lam)[0], th)
        flam = _central(lambda x: D.parametric_gradients(inv, pi, th, x)[0], lam)
        e_th = max(e_th, float(np.max(np.abs(gth - fth)) / np.abs(gth).max()))
        e_lam = max(e_lam, float(np.max(np.abs(glam - flam)) / np.abs(glam).max()))
    margins = {"policy_grad_max_rel_error": e_pi, "kernel_grad_max_rel_error": e_p,
               "theta_grad_max_rel_error": e_th, "lambda_grad_max_rel_error": e_lam}
    return {"name": "DRPG gradients = finite differences", "statement": STATEMENT,
            "passed": bool(max(margins.values()) <= tol), "instances": 2 * n_instances,
            "tolerance": tol, "margins": margins}


if __name__ == "__main__":  # pragma: no cover
    print(check())
