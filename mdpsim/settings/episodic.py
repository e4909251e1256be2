r"""The episodic finite-horizon tabular setting (the engine's original and default setting).

Simulator: the true finite-horizon model (stationary or stage-dependent; dense or successor
lists); an episode starts at ``s_0 ~ init`` and runs ``H`` steps. Evaluator: exact backward
evaluation on the same model, with ``V_H = 0``,

.. math:: V^\pi_h(s) = \sum_a \pi_h(a|s)\Big(R_h(s,a) + \sum_{s'} P_h(s'|s,a) V^\pi_{h+1}(s')\Big),
          \qquad v(\pi) = \sum_s \mathrm{init}(s) V^\pi_0(s),

exact up to rounding (no iteration). Optimum: ``V*_1 = init @ V*_0`` by backward induction
(:func:`mdpsim.solve`). Regret of episode ``k``: ``V*_1 - v(pi_k)``.

Models as users write them (:func:`learner_view`). The learner plays an unmasked,
undiscounted model that is exactly equivalent to the user's:

* **discounted finite horizon** (``horizon`` and ``gamma``): stage rewards
  ``gamma^h R_h`` (and ``gamma^h r_h(s, a, s')``), so ``init @ V_0`` is the discounted value,
  exactly, and the learner observes the discounted reward ``gamma^h r_h``;
* **action masks**: the learner's action ``j`` in state ``s`` is the ``j``-th feasible action
  of ``s`` (``action_map[s, j]``); ``A' = max_s |F(s)|``, and a state with fewer feasible
  actions repeats its last one (a duplicate column, so optimism and sampling range over
  feasible actions only: no learner can take an infeasible action). Values, optimum and
  regret are those of the user's model (the duplicated rows are copies). A per-stage mask
  ``feasible[H, S, A]`` is relabelled per stage (``action_map[h, s, j]``, ``A' =
  max_{h,s} |F_h(s)|``): the learner plays a stage-dependent model whose stage-``h`` actions
  are the feasible actions of stage ``h`` (the learners of the engine take stage-dependent
  models, so one mechanism serves both).
* **next-state rewards**: the simulator pays the realised ``r_h(s, a, s')`` of the
  transition it sampled (the evaluator and the learner's known rewards use the expectation
  ``R``); with ``reward_noise="bernoulli"`` the paid reward is ``1[u < r_h(s, a, s')]``, whose
  mean is still ``R_h(s, a)``;
* **terminal states** are absorbing with reward 0 in the model itself, so an episode that
  reaches one collects nothing more, in the simulator and in the evaluator alike.

A model with none of these is played as it is (the same arrays, bit for bit).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..models import TabularMDP
from .base import Setting

__all__ = ["Episodic", "policy_value", "tabular_env", "check_episodic", "EPISODIC_COLUMNS",
           "learner_view"]

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


def learner_view(mdp: TabularMDP):
    """``(model, action_map)``: the unmasked, undiscounted finite-horizon model the engine's
    learners play (module docstring) and ``action_map: int64[S, A']`` (the user's action of
    the learner's action ``j`` in ``s``), ``int64[H, S, A']`` for a per-stage mask (the
    relabelling of stage ``h``; the played model is then stage-dependent), None when the
    model has no mask. ``model`` is ``mdp`` itself when it has neither a mask nor a
    discount."""
    if not mdp.discounted_finite and not mdp.masked:
        return mdp, None
    H, S = mdp.horizon, mdp.S
    P = mdp.P if mdp.storage == "dense" else mdp.successors.to_dense()
    R, Rn = mdp.R, mdp.R_next
    if mdp.discounted_finite:
        g = mdp.gamma ** np.arange(H)
        R = g[:, None, None] * np.broadcast_to(mdp.stage_R(), (H, S, mdp.A))
        if Rn is not None:
            Rn = g[:, None, None, None] * np.broadcast_to(Rn, (H,) + Rn.shape[1:])
    amap = None
    if mdp.masked:
        F = mdp.stage_feasible()                   # [n_f, S, A], n_f in {1, H}
        A2 = int(F.sum(-1).max())
        amap = np.empty((F.shape[0], S, A2), dtype=np.int64)
        for h in range(F.shape[0]):
            for s in range(S):
                acts = np.flatnonzero(F[h, s])
                amap[h, s] = np.concatenate([acts, np.full(A2 - acts.size, acts[-1])])
        rows = np.arange(S)[:, None]
        if F.shape[0] == 1:                        # one relabelling for every stage
            amap = amap[0]
            P = P[..., rows, amap, :]
            R = R[..., rows, amap]
            if Rn is not None:
                Rn = Rn[..., rows, amap, :]
        else:                                      # per stage: stage-dependent P and R
            hh = np.arange(H)[:, None, None]
            P4 = P if P.ndim == 4 else np.broadcast_to(P, (H,) + P.shape)
            P = P4[hh, rows[None], amap, :]
            R3 = np.broadcast_to(R if R.ndim == 3 else R[None], (H, S, mdp.A))
            R = R3[hh, rows[None], amap]
            if Rn is not None:
                Rn = np.broadcast_to(Rn, (H,) + Rn.shape[1:])[hh, rows[None], amap, :]
    if Rn is not None:
        model = TabularMDP(P, R_next=Rn if Rn.shape[0] > 1 else Rn[0], horizon=H,
                           init=mdp.init, name=mdp.name)
    else:
        model = TabularMDP(P, R, horizon=H, init=mdp.init, name=mdp.name)
    if mdp.storage == "successors":
        model = model.to_successors()
    return model, amap


def tabular_env(mdp: TabularMDP) -> tuple:
    """A finite-horizon model as the loop's ``env`` tuple (dense or successor-list layout):
    ``(dense, P[n_p, S, A, S'], indptr, indices, probs, n_p, R3[n_r, S, A], init, H, S, A)``;
    with next-state rewards the seventh field is ``R_next: float64[n_r, S, A, S']`` (dense)
    or ``float64[n_rn, nnz]`` (successor lists, per successor: the model stays sparse) — the
    realised rewards the simulator pays; :meth:`Episodic.eval_env` keeps the expected ``R3``."""
    from ..planning import transitions
    T = transitions(mdp)
    # writable C-contiguous copies: one array type per field, hence one compiled signature
    if not mdp.has_next_rewards:
        R3 = mdp.stage_R()
    else:   # dense: [n_r, S, A, S']; successor lists: per successor [n_rn, nnz], aligned
        R3 = mdp.R_next if T.kind == "dense" else mdp.R_next_successors
    R3 = np.array(R3, dtype=np.float64, order="C", copy=True)
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

    @property
    def played(self) -> TabularMDP:
        """The model the learner plays (:func:`learner_view`; ``mdp`` itself when plain)."""
        if getattr(self, "_view", None) is None:
            self._view = learner_view(self.mdp)
        return self._view[0]

    @property
    def action_map(self):
        """``int64[S, A']`` learner action -> the user's action (None without a mask)."""
        self.played
        return self._view[1]

    def learner_model(self) -> TabularMDP:
        return self.played

    def simulator_env(self) -> tuple:
        if self._env is None:
            self._env = tabular_env(self.played)
        return self._env

    def eval_env(self) -> tuple:
        env = self.simulator_env()
        if not self.played.has_next_rewards:
            return env[:8]
        R3 = np.array(self.played.stage_R(), dtype=np.float64, order="C", copy=True)
        return env[:6] + (R3, env[7])

    def optimum(self) -> float:
        from ..planning import solve
        return float(solve(self.played).value)

    def value(self, policy) -> float:
        """Exact value of a policy of the learner's action space (:attr:`action_map`)."""
        from ..planning import evaluate
        m = self.played
        return float(m.init @ evaluate(m, policy)[0])

    def reference_value(self, pi) -> float:
        from ..kernels import get_backend
        from ..planning import transitions
        ref = get_backend("reference")
        m = self.played
        V = ref.evaluate_finite(transitions(m), m.stage_R(), m.horizon, pi)[1]
        return float(np.asarray(m.init) @ V[0])

    def user_policy(self, pi) -> np.ndarray:
        """A learner's ``pi: float64[H, S, A']`` as a policy of the user's model
        ``float64[H, S, A]`` (mass moved through :attr:`action_map`)."""
        pi = np.asarray(pi, dtype=np.float64)
        amap = self.action_map
        if amap is None:
            return pi
        H, S = self.mdp.horizon, self.mdp.S
        pi = np.broadcast_to(pi, (H,) + pi.shape[-2:])
        am = np.broadcast_to(amap, (H, S, amap.shape[-1]))
        out = np.zeros((H, S, self.mdp.A))
        hh, ss = np.meshgrid(np.arange(H), np.arange(S), indexing="ij")
        for j in range(am.shape[-1]):
            np.add.at(out, (hh, ss, am[..., j]), pi[..., j])
        return out

    def describe(self) -> str:
        return f"Episodic({self.mdp.name or 'TabularMDP'}, H={self.mdp.horizon})"
