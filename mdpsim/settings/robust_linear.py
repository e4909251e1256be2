r"""The robust-linear setting: play the nominal linear MDP, score by the d-rectangular worst
case (optionally regularised towards a reference policy).

The learner plays (and observes transitions of) the **nominal** model of a
:class:`~mdpsim.models.robust_linear.DRectLinearMDP` — its exact tabular model ``φμ⁰``, as in
:class:`~mdpsim.settings.Linear`, with the features ``φ`` as side information (never ``μ⁰``,
``θ``, the radii' worst case or the kernel). Each played policy ``π`` is scored exactly by its
robust(-regularised) value

.. math:: v(\pi) = \sum_s \mathrm{init}(s)\,\inf_{P\in\mathcal U}
          \mathbb E^{\pi,P}\Big[\sum_{h}\big(r_h(s_h,a_h) - \beta_{reg}\,
          \mathrm{KL}(\pi_h(\cdot|s_h)\,\|\,\pi_{ref,h}(\cdot|s_h))\big)\Big]

(robust backward evaluation, :func:`mdpsim.robust.linear.drect_evaluate_kernel`; exact up to
rounding: the TV worst case per factor is a sort), and regret is measured against the robust
(-regularised) optimum :func:`mdpsim.robust.linear.drect_solve` (greedy for ``β_reg = 0``,
Gibbs ``π ∝ π_ref exp(Q/β_reg)`` otherwise). ``β_reg = 0`` (default) is the plain robust
objective of DR-LSVI-UCB; ``β_reg > 0`` the "doubly constrained" objective of DR-RPO
(**[R]**, ``docs/papers/drrpo.md``).

Columns as in :class:`~mdpsim.settings.Robust`: ``value``, ``optimal_value``, ``regret`` are
robust(-regularised); ``return`` / ``realized_regret`` are realised on the nominal model.
The reference loop's value is the plain-NumPy oracle
:func:`~mdpsim.robust.linear.drect_solve_reference`.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..envs import register
from ..envs.robust_linear import (drect_fail_state, drect_simplex, drect_simplex_hidden,
                                  american_put)
from ..models.robust_linear import DRectLinearMDP
from ..robust.linear import (drect_evaluate_kernel, drect_eval_env, drect_solve, drect_evaluate,
                             drect_solve_reference, check_regularisation)
from .linear import Linear

__all__ = ["RobustLinear", "drect_policy_value", "ROBUST_LINEAR_COLUMNS",
           "drect_fail_state_reg", "drect_simplex_reg", "drect_simplex_hidden_reg",
           "PerturbedTest",
           "drect_fail_state_test", "american_put_reg", "american_put_test"]

ROBUST_LINEAR_COLUMNS = {
    "value": "exact robust(-regularised) value of the policy played in episode k: worst case "
             "over the d-rectangular set of init @ E[sum_h r_h - beta_reg KL(pi_h || pi_ref)], "
             "float64",
    "optimal_value": "exact robust(-regularised) optimum (d-rectangular robust backward "
                     "induction; Gibbs policies when beta_reg > 0), float64",
    "regret": "exact cumulative robust(-regularised) regret sum_{j<=k} (V* - V^{pi_j}) over "
              "all episodes j <= k",
    "realized_regret": "sum_{j<=k} (V* - return_j) with returns realised on the nominal model "
                       "(mixes the two; can be negative)",
}


@njit(cache=True)
def drect_policy_value(ev, pi, V):
    """Robust(-regularised) value ``init @ V_0`` of ``pi: float64[H, S, A]``;
    ``ev = (phi, mu, R, rho, beta_reg, logref, init, kind)`` (:func:`mdpsim.robust.linear.
    drect_eval_env`); ``V: float64[H + 1, S]`` work buffer."""
    phi, mu, R, rho, beta_reg, logref, init, kind = ev
    H, S, A, d = phi.shape
    Q = np.empty((H, S, A))
    nu = np.empty((H, d))
    drect_evaluate_kernel(phi, mu, R, rho, beta_reg, logref, pi, V, Q, nu, kind)
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


class RobustLinear(Linear):
    """Learn on ``model.nominal`` with its features; robust(-regularised) value, optimum and
    regret (module docstring). ``beta_reg >= 0``; ``pi_ref`` ``None`` = uniform."""

    name = "robust_linear"
    columns = ROBUST_LINEAR_COLUMNS
    evaluator = staticmethod(drect_policy_value)

    def __init__(self, model: DRectLinearMDP, *, beta_reg: float = 0.0, pi_ref=None,
                 features=None, storage: str = "auto"):
        if not isinstance(model, DRectLinearMDP):
            raise ValueError(f"RobustLinear setting needs a DRectLinearMDP, got "
                             f"{type(model).__name__}")
        check_regularisation(model, beta_reg, pi_ref)
        super().__init__(model.nominal, features=features, storage=storage)
        self.model = model
        self.beta_reg = float(beta_reg)
        self.pi_ref = None if pi_ref is None else np.array(pi_ref, dtype=np.float64)
        self._ev = None
        self._ropt = None

    def eval_env(self) -> tuple:
        if self._ev is None:
            self._ev = drect_eval_env(self.model, self.beta_reg, self.pi_ref)
        return self._ev

    def solution(self):
        """The robust(-regularised) optimum (:class:`~mdpsim.robust.linear.DRectSolution`)."""
        if self._ropt is None:
            self._ropt = drect_solve(self.model, beta_reg=self.beta_reg, pi_ref=self.pi_ref)
        return self._ropt

    def optimum(self) -> float:
        return float(self.solution().value)

    def value(self, policy) -> float:
        return float(drect_evaluate(self.model, policy, beta_reg=self.beta_reg,
                                    pi_ref=self.pi_ref).value)

    def reference_value(self, pi) -> float:
        V, _ = drect_solve_reference(self.model, beta_reg=self.beta_reg, pi_ref=self.pi_ref,
                                     policy=np.asarray(pi, dtype=np.float64))
        return float(np.asarray(self.model.init) @ V[0])

    def attrs(self) -> dict:
        return {**super().attrs(), "beta_reg": self.beta_reg,
                "rho_max": float(self.model.radius.max())}

    def describe(self) -> str:
        m = self.model
        return (f"RobustLinear({m.name}, kind={m.kind}, d={self.d}, H={m.H}, "
                f"rho in [{m.radius.min():g}, {m.radius.max():g}], beta_reg={self.beta_reg:g})")


# ------------------------------------------------------------------------------ registered
# The regularised objective is part of the setting, not of the model; these two registered
# factories let an experiment spec (plain data) ask for it by name.
@register("drect_fail_state_reg")
def drect_fail_state_reg(*, rho: float = 0.1, beta_reg: float = 0.0,
                         q: float = 0.0) -> RobustLinear:
    """``RobustLinear(drect_fail_state(rho=rho, q=q), beta_reg=beta_reg)`` (uniform
    ``π_ref``): the fail-state MDP scored by its robust-regularised value."""
    return RobustLinear(drect_fail_state(rho=rho, q=q), beta_reg=beta_reg)


@register("drect_simplex_reg")
def drect_simplex_reg(S: int = 20, A: int = 5, d: int = 5, *, horizon: int = 5,
                      rho: float = 0.1, rng=0, beta_reg: float = 0.0,
                      alpha: float = 1.0) -> RobustLinear:
    """``RobustLinear(drect_simplex(S, A, d, horizon=horizon, rho=rho, rng=rng, alpha=alpha),
    beta_reg=beta_reg)`` (uniform ``π_ref``)."""
    return RobustLinear(drect_simplex(S, A, d, horizon=horizon, rho=rho, rng=rng, alpha=alpha),
                        beta_reg=beta_reg)


@register("drect_simplex_hidden_reg")
def drect_simplex_hidden_reg(S: int = 20, A: int = 5, d: int = 5, *, horizon: int = 5,
                             rho: float = 0.1, load: float = 0.5, r_max: float = 0.5, rng=0,
                             beta_reg: float = 0.0) -> RobustLinear:
    """``RobustLinear(drect_simplex_hidden(S, A, d, horizon=horizon, rho=rho, load=load,
    r_max=r_max, rng=rng), beta_reg=beta_reg)`` (uniform ``π_ref``): the instance where
    exploration matters."""
    return RobustLinear(drect_simplex_hidden(S, A, d, horizon=horizon, rho=rho, load=load,
                                             r_max=r_max, rng=rng), beta_reg=beta_reg)


class PerturbedTest(RobustLinear):
    """Learn on ``model.nominal`` (as :class:`RobustLinear`), score every played policy by its
    exact **plain return** (no robustness, no regulariser) in another model ``test`` with the
    same features, sizes and rewards — the perturbed test environments of the robustness
    figures, computed exactly instead of by test roll-outs. ``value`` / ``optimal_value`` /
    ``regret`` refer to ``test`` (its nominal optimum); the learner never sees ``test``."""

    name = "perturbed_test"

    def __init__(self, model: DRectLinearMDP, test: DRectLinearMDP, *, storage: str = "auto"):
        super().__init__(model, storage=storage)
        if not isinstance(test, DRectLinearMDP):
            raise ValueError(f"test must be a DRectLinearMDP, got {type(test).__name__}")
        if (test.S, test.A, test.d, test.H) != (model.S, model.A, model.d, model.H):
            raise ValueError(f"test model sizes (S, A, d, H) = {(test.S, test.A, test.d, test.H)}"
                             f" differ from the training model's "
                             f"{(model.S, model.A, model.d, model.H)}")
        self.test = test.replace(radius=0.0)

    def eval_env(self) -> tuple:
        if self._ev is None:
            self._ev = drect_eval_env(self.test, 0.0, None)
        return self._ev

    def solution(self):
        if self._ropt is None:
            self._ropt = drect_solve(self.test)
        return self._ropt

    def value(self, policy) -> float:
        return float(drect_evaluate(self.test, policy).value)

    def reference_value(self, pi) -> float:
        V, _ = drect_solve_reference(self.test, policy=np.asarray(pi, dtype=np.float64))
        return float(np.asarray(self.test.init) @ V[0])

    def describe(self) -> str:
        return f"PerturbedTest(train={self.model.name}, test={self.test.name})"


@register("drect_fail_state_test")
def drect_fail_state_test(*, rho: float = 0.1, q_test: float = 0.0) -> PerturbedTest:
    """Train on the fail-state MDP (``drect_fail_state(rho=rho)``, nominal ``q = 0``), score by
    the exact return in the perturbed fail-state MDP ``q = q_test`` (:class:`PerturbedTest`)."""
    return PerturbedTest(drect_fail_state(rho=rho), drect_fail_state(rho=rho, q=q_test))


@register("american_put_reg")
def american_put_reg(*, d: int = 30, horizon: int = 20, p: float = 0.5, rho: float = 0.025,
                     beta_reg: float = 0.0) -> RobustLinear:
    """``RobustLinear(american_put(d=d, horizon=horizon, p=p, rho=rho), beta_reg=beta_reg)``
    (uniform ``π_ref``): the anchor-interpolated American put scored by its
    robust-regularised value (``docs/papers/drrpo.md`` §10)."""
    return RobustLinear(american_put(d=d, horizon=horizon, p=p, rho=rho), beta_reg=beta_reg)


@register("american_put_test")
def american_put_test(*, d: int = 30, horizon: int = 20, rho: float = 0.025, p0: float = 0.5,
                      p_test: float = 0.5) -> PerturbedTest:
    """Train on the American put with up-move probability ``p0`` (``american_put(d, horizon,
    p=p0, rho=rho)``), score by the exact return with up-move probability ``p_test``
    (:class:`PerturbedTest`; only the hold factors change)."""
    return PerturbedTest(american_put(d=d, horizon=horizon, p=p0, rho=rho),
                         american_put(d=d, horizon=horizon, p=p_test, rho=rho))
