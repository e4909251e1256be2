r"""The episodic finite-horizon tabular setting (the engine's original and default setting).

Simulator: the true finite-horizon model (stationary or stage-dependent; dense or successor
lists); an episode starts at ``s_0 ~ init`` and runs ``H`` steps. Evaluator: exact backward
evaluation on the same model, with ``V_H = 0``,

.. math:: V^\pi_h(s) = \sum_a \pi_h(a|s)\Big(R_h(s,a) + \sum_{s'} P_h(s'|s,a) V^\pi_{h+1}(s')\Big),
          \qquad v(\pi) = \sum_s \mathrm{init}(s) V^\pi_0(s),

exact up to rounding (no iteration). Optimum: ``V*_1 = init @ V*_0`` by backward induction
(:func:`mdpsim.solve`). Regret of episode ``k``: ``V*_1 - v(pi_k)``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..models import TabularMDP
from .base import Setting

__all__ = ["Episodic", "policy_value", "tabular_env", "check_episodic", "EPISODIC_COLUMNS"]

#: Metric columns of the episodic setting (the engine's original descriptions).
EPISODIC_COLUMNS = {
    "value": "exact value V^{pi_k}_1 = init @ V^{pi_k}_0 on the true model of the policy "
             "played in episode k (deterministic or stochastic), float64",
    "optimal_value": "exact V*_1 = init @ V*_0, float64",
    "regret": "exact cumulative pseudo-regret sum_{j<=k} (V*_1 - V^{pi_j}_1) over *all* "
              "episodes j <= k (not only the recorded ones)",
    "realized_regret": "sum_{j<=k} (V*_1 - return_j), random",
}


@njit(cache=True)
def policy_value(ev, pi, V):
    """``init @ V^pi_0`` for ``pi: float64[H, S, A]`` by backward evaluation on the true model,
    ``V_h(s) = sum_a pi_h(a|s) (R_h(s,a) + sum_s' P_h(s'|s,a) V_{h+1}(s'))`` (actions with
    ``pi_h(a|s) = 0`` skipped); ``ev = (dense, P, indptr, indices, probs, n_p, R3, init)``
    (:meth:`Episodic.eval_env`); ``V: float64[H + 1, S]`` is a work buffer."""
    dense, P, indptr, indices, probs, n_p, R3, init = ev
    H, S, A = pi.shape
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hp = min(h, n_p - 1)
        hr = min(h, R3.shape[0] - 1)
        for s in range(S):
            acc = 0.0
            for a in range(A):
                w = pi[h, s, a]
                if w != 0.0:
                    q = 0.0
                    if dense:
                        for y in range(S):
                            q += P[hp, s, a, y] * V[h + 1, y]
                    else:
                        r = (hp * S + s) * A + a
                        for k in range(indptr[r], indptr[r + 1]):
                            q += probs[k] * V[h + 1, indices[k]]
                    acc += w * (R3[hr, s, a] + q)
            V[h, s] = acc
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


def tabular_env(mdp: TabularMDP) -> tuple:
    """A finite-horizon model as the loop's ``env`` tuple (dense or successor-list layout):
    ``(dense, P[n_p, S, A, S'], indptr, indices, probs, n_p, R3[n_r, S, A], init, H, S, A)``."""
    from ..planning import transitions
    T = transitions(mdp)
    # writable C-contiguous copies: one array type per field, hence one compiled signature
    R3 = np.array(mdp.stage_R(), dtype=np.float64, order="C", copy=True)
    init = np.array(mdp.init, dtype=np.float64, order="C", copy=True)
    if T.kind == "dense":
        return (True, np.array(T.P, dtype=np.float64, order="C", copy=True),
                np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(0), int(T.n_p), R3,
                init, int(mdp.horizon), mdp.S, mdp.A)
    return (False, np.zeros((0, 0, 0, 0)), np.array(T.indptr, dtype=np.int64, copy=True),
            np.array(T.indices, dtype=np.int64, copy=True),
            np.array(T.probs, dtype=np.float64, copy=True), int(T.n_p), R3, init,
            int(mdp.horizon), mdp.S, mdp.A)


def check_episodic(mdp, what: str) -> TabularMDP:
    """``mdp`` if it is a finite-horizon :class:`TabularMDP`; else one-line ``ValueError``."""
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    if not mdp.finite_horizon:
        raise ValueError(f"{what} needs a finite-horizon MDP (horizon=H); this one is "
                         f"discounted (gamma={mdp.gamma})")
    return mdp


class Episodic(Setting):
    """Finite-horizon tabular learning on ``mdp`` itself; regret against ``V*`` (module
    docstring). ``mdpsim.run(alg, mdp)`` and ``mdpsim.run(alg, Episodic(mdp))`` give the same
    table, bit for bit."""

    name = "episodic"
    online = True
    columns = EPISODIC_COLUMNS
    evaluator = staticmethod(policy_value)   # the dispatcher itself, not a bound method

    def __init__(self, mdp: TabularMDP):
        self.mdp = check_episodic(mdp, "Episodic")
        self._env = None

    def learner_model(self) -> TabularMDP:
        return self.mdp

    def simulator_env(self) -> tuple:
        if self._env is None:
            self._env = tabular_env(self.mdp)
        return self._env

    def eval_env(self) -> tuple:
        return self.simulator_env()[:8]

    def optimum(self) -> float:
        from ..planning import solve
        return float(solve(self.mdp).value)

    def value(self, policy) -> float:
        from ..planning import evaluate
        return float(self.mdp.init @ evaluate(self.mdp, policy)[0])

    def reference_value(self, pi) -> float:
        from ..kernels import get_backend
        from ..planning import transitions
        ref = get_backend("reference")
        V = ref.evaluate_finite(transitions(self.mdp), self.mdp.stage_R(), self.mdp.horizon, pi)[1]
        return float(np.asarray(self.mdp.init) @ V[0])

    def describe(self) -> str:
        return f"Episodic({self.mdp.name or 'TabularMDP'}, H={self.mdp.horizon})"
