r"""Natural policy gradient with exact gradients (the no-exploration, no-sampling reference).

Softmax (tabular) policy on a discounted model; with exact ``Q^{pi_t}`` the NPG direction of
the softmax parameterisation is the advantage, and the update is closed form (Kakade 2001;
Agarwal, Kakade, Lee, Mahajan, "On the Theory of Policy Gradient Methods", JMLR 2021,
arXiv:1908.00261, NPG for softmax):

.. math:: \pi_{t+1}(a|s) \propto \pi_t(a|s)\, \exp\!\big(\eta\, Q^{\pi_t}(s,a)/(1-\gamma)\big),

which is also mirror descent with the KL divergence on each state's simplex
(``docs/papers/lpo.md`` §4). ``Q^{pi}`` is exact (a linear solve for ``V^pi``, then
``Q = R + gamma P V``); no sample is drawn, so ``transitions = 0`` on every row: it is the
optimisation reference for LPO's actor, not a learner. Also accepts a discounted
:class:`~mdpsim.models.LinearMDP` (its tabular model). Exact metrics per iterate: ``value``
(``init @ V^{pi_t}``), ``optimal_value`` and ``gap``.
"""
from __future__ import annotations

import numpy as np

from .._planner import Planner, register_planner
from .._api import HyperParameter
from .lpo import lpo_problem

__all__ = ["NPGExact", "npg_exact_q"]


def npg_exact_q(model, pi):
    """``(V^pi[S], Q^pi[S, A])`` of the stationary ``pi: float64[S, A]`` on a discounted
    :class:`~mdpsim.models.TabularMDP` (dense linear solve)."""
    from ...planning import transitions
    P = np.asarray(transitions(model, "dense").P, dtype=np.float64)[0]
    R = np.asarray(model.stage_R()[0], dtype=np.float64)
    g = float(model.gamma)
    P_pi = np.einsum("sa,sat->st", pi, P)
    r_pi = np.einsum("sa,sa->s", pi, R)
    V = np.linalg.solve(np.eye(model.S) - g * P_pi, r_pi)
    return V, R + g * P @ V


@register_planner
class NPGExact(Planner):
    """Exact-gradient softmax NPG (module docstring)."""

    name = "npg_exact"
    paper = ("Agarwal, Kakade, Lee, Mahajan, 'On the Theory of Policy Gradient Methods', "
             "JMLR 2021, arXiv:1908.00261 (softmax NPG)")
    summary = "softmax NPG with exact Q: the no-sampling optimisation reference for LPO"
    iterations = "T"
    objective_key = "value"
    optimum_key = "optimal_value"
    sense = "max"

    def hyperparameters(self, model, preset="default"):
        return {"T": HyperParameter("T", 50, int, "proposed", "NPG iterations",
                                    valid=lambda v: v >= 0, expected=">= 0"),
                "eta": HyperParameter("eta", 0.1, float, "proposed",
                                      "step: pi <- pi exp(eta Q / (1 - gamma))",
                                      valid=lambda v: v > 0, expected="> 0")}

    def init(self, model, hp):
        tab, _, _ = lpo_problem(model)
        return {"tab": tab, "logits": np.zeros((tab.S, tab.A))}

    @staticmethod
    def _pi(logits):
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def step(self, model, hp, it, t):
        tab = it["tab"]
        _, Q = npg_exact_q(tab, self._pi(it["logits"]))
        return {"tab": tab, "logits": it["logits"] + hp["eta"] * Q / (1.0 - tab.gamma)}

    def objective(self, model, it):
        tab = it["tab"]
        V, _ = npg_exact_q(tab, self._pi(it["logits"]))
        return {"value": float(tab.init @ V), "transitions": 0}

    def optimum(self, model):
        from ...planning import policy_iteration
        tab, _, _ = lpo_problem(model)
        return {"optimal_value": float(policy_iteration(tab).value)}
