r"""The robust setting: play on the nominal model, score by the worst case over the set.

The learner plays (and observes transitions of) the **nominal** model ``Pbar`` of a
:class:`~mdpsim.models.robust.RobustMDP`; each played policy is scored by its **robust
value**, the worst case over the rectangular uncertainty set :math:`\mathcal P`,

.. math:: v_{\mathcal P}(\pi) = \sum_s \mathrm{init}(s)\,\min_{p\in\mathcal P} V^{\pi,p}_0(s),

and regret is measured against the **robust optimum**
:math:`v^*_{\mathcal P} = \max_\pi v_{\mathcal P}(\pi)` (:func:`mdpsim.robust.robust_solve`).

Finite horizon (the online setting). Rectangularity makes the inner minimum stage-wise: with
``V_H = 0``,

.. math:: V_h(s) = \min_{p_s\in\mathcal P_s}\sum_a \pi_h(a|s)\sum_{s'} p_{s,a}(s')
          \big(r(s,a,s') + V_{h+1}(s')\big)

(``(s,a)``-rectangular sets: one independent minimum per action; ``s``-rectangular: one per
state over a budget shared by the actions). Each backup is an exact convex row/state problem
(sort for L1/TV, knapsack for L-inf, monotone bisection to float resolution for L2/chi2/KL;
:mod:`mdpsim.kernels.robust_common`), so the value is exact up to rounding for the polyhedral
sets and to bisection resolution (~1e-15 relative) for the smooth ones. The compiled
evaluator (:func:`robust_policy_value`) runs the robust kernels' backup
(:mod:`mdpsim.kernels.robust_numba`) stage by stage; the reference loop uses the independent
NumPy kernels (:mod:`mdpsim.kernels.robust_reference`).

Discounted robust models are accepted for exact metrics of policy sequences (value =
:func:`mdpsim.robust.robust_evaluate`, nature's policy iteration with a span certificate to
``tol``; optimum = :func:`mdpsim.robust.robust_solve` to ``tol``), not by the online loop.

Columns: ``value``, ``optimal_value`` and ``regret`` are the robust value, the robust optimum
and the robust regret. ``return`` and ``realized_regret`` are realised on the nominal model
(``realized_regret = sum_j (v*_P - return_j)`` mixes the two and can be negative). The
``below_floor`` count compares the robust value with the level a conservative learner reports
(computed by the learner from the nominal model). An episode-level mixture ``pi`` / ``pi_alt``
(probability ``q``) is scored ``(1 - q) v_P(pi) + q v_P(pi_alt)``: nature responds to the
policy drawn for the episode.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..kernels.robust_numba import backup_sweep as _backup
from ..models.robust import RobustMDP
from .base import Setting
from .episodic import tabular_env

__all__ = ["Robust", "robust_policy_value", "ROBUST_COLUMNS"]

#: Metric columns of the robust setting.
ROBUST_COLUMNS = {
    "value": "exact robust value min_{p in P} init @ V^{pi_k, p}_0 (worst case over the "
             "uncertainty set) of the policy played in episode k, float64",
    "optimal_value": "exact robust optimum max_pi min_{p in P} init @ V^{pi, p}_0 "
                     "(robust backward induction), float64",
    "regret": "exact cumulative robust regret sum_{j<=k} (V*_P - V^{pi_j}_P) over *all* "
              "episodes j <= k",
    "realized_regret": "sum_{j<=k} (V*_P - return_j) with returns realised on the nominal "
                       "model, random (can be negative)",
}


@njit(cache=True)
def robust_policy_value(ev, pi, V):
    """Robust value ``init @ V_0`` of ``pi: float64[H, S, A]`` by robust backward evaluation
    (module docstring); ``ev = (kind, rect, S, A, n_p, indptr, idx, q, rn, Rb, budget, init)``
    (:meth:`Robust.eval_env`, the fields of a
    :class:`~mdpsim.kernels.robust_common.RobustTrans`); ``V: float64[H + 1, S]`` a work
    buffer (``V[h]`` holds the robust ``V_h`` on return)."""
    kind, rect, S, A, n_p, indptr, idx, q, rn, Rb, budget, init = ev
    H = pi.shape[0]
    tv = np.empty(S)
    pig = np.zeros((S, A))
    pw = np.zeros(q.shape[0])
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hp = min(h, n_p - 1)
        hr = min(h, Rb.shape[0] - 1)
        _backup(kind, rect, S, A, hp, indptr, idx, q, rn, Rb, hr, budget, V[h + 1], 1.0,
                pi[h], True, tv, pig, pw)
        for s in range(S):
            V[h, s] = tv[s]
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


class Robust(Setting):
    """Learn on ``rmdp.nominal``; robust value, robust optimum, robust regret (module
    docstring). ``tol`` is used for discounted models only (their evaluator and optimum are
    iterative, certified to ``tol``); finite-horizon ones are exact.

    Refused in one line, on purpose: a nominal model with an action mask, next-state rewards
    or terminal states of its own, or ``horizon`` and ``gamma`` together. The robust backups
    (:mod:`mdpsim.kernels.robust_common`) maximise over all ``A`` actions of every family;
    a mask is not one ``-inf`` entry there — in the ``s``-rectangular sets nature's budget is
    shared by the actions and the maximisation runs over the policy simplex jointly with it,
    so a mask means restricting that simplex in each kernel (L1, L-inf, L2, chi2, KL).
    Next-state rewards already have their place in the robust model
    (``RobustMDP(..., R_next=...)``), and a discount inside the finite-horizon robust sweeps
    is another kernel change. None of these is a small change, so they stay refused until
    the robust kernels take them."""

    name = "robust"
    columns = ROBUST_COLUMNS
    evaluator = staticmethod(robust_policy_value)

    def __init__(self, rmdp: RobustMDP, *, tol: float = 1e-10):
        if not isinstance(rmdp, RobustMDP):
            raise ValueError(f"Robust setting needs a RobustMDP, got {type(rmdp).__name__}")
        nom = rmdp.nominal
        for flag, what in ((nom.masked, "an action mask"), (nom.has_next_rewards,
                           "next-state rewards"), (nom.terminal is not None, "terminal states"),
                           (nom.discounted_finite, "horizon and gamma together")):
            if flag:
                raise ValueError(f"Robust setting: the nominal model has {what}, which the "
                                 "robust evaluator does not support yet")
        self.rmdp = rmdp
        self.tol = tol
        self.online = bool(rmdp.finite_horizon)
        self._env = None
        self._opt = None

    def learner_model(self):
        if not self.online:
            self._not_online("learner_model")
        return self.rmdp.nominal

    def simulator_env(self) -> tuple:
        if not self.online:
            self._not_online("simulator_env")
        if self._env is None:
            self._env = tabular_env(self.rmdp.nominal)
        return self._env

    def eval_env(self) -> tuple:
        from ..robust.view import robust_trans
        if not self.online:
            self._not_online("eval_env")
        RT = robust_trans(self.rmdp)
        init = np.array(self.rmdp.init, dtype=np.float64, order="C", copy=True)
        def w(a):  # writable C copies (the view's arrays are read-only): one signature
            return np.array(a, order="C", copy=True)
        return (int(RT.kind), int(RT.rect), int(RT.S), int(RT.A), int(RT.n_p), w(RT.indptr),
                w(RT.idx), w(RT.q), w(RT.rn), w(RT.Rb), w(RT.budget), init)

    def optimum(self) -> float:
        from ..robust import robust_solve
        if self._opt is None:
            self._opt = float(robust_solve(self.rmdp, tol=self.tol).value)
        return self._opt

    def value(self, policy) -> float:
        from ..robust import robust_evaluate
        return float(robust_evaluate(self.rmdp, policy, tol=self.tol).value)

    def reference_value(self, pi) -> float:
        from ..kernels import robust_reference
        from ..robust.view import robust_trans
        V = robust_reference.robust_evaluate_finite(robust_trans(self.rmdp), self.rmdp.horizon,
                                                    np.asarray(pi, dtype=np.float64))
        return float(np.asarray(self.rmdp.init) @ V[0])

    def describe(self) -> str:
        rm = self.rmdp
        when = f"H={rm.horizon}" if rm.finite_horizon else f"gamma={rm.gamma}"
        return (f"Robust({rm.name or rm.nominal.name or 'RobustMDP'}, kind={rm.kind}, "
                f"rect={rm.rect}, {when})")
