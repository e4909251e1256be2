r"""The discounted setting: online trajectories with discount ``gamma``, or a generative model.

Exact evaluator. For a stationary policy ``pi[s, a]`` on a discounted :class:`TabularMDP`,
``V^pi`` is the unique fixed point of ``T_pi``, i.e. the solution of the linear system

.. math:: (I - \gamma P_\pi) V^\pi = r_\pi,\qquad P_\pi(s, s') = \sum_a \pi(a|s) P(s'|s,a),
          \quad r_\pi(s) = \sum_a \pi(a|s) R(s,a),

solved directly (LU; exact up to rounding, ``cond(I - gamma P_pi) <= (1+gamma)/(1-gamma)``),
and ``v(pi) = init @ V^pi``. Optimum: ``V*`` by Howard's policy iteration
(:func:`mdpsim.policy_iteration`: a finite sequence of the same linear solves, so ``V*`` is
exact up to rounding too). Metric of a policy sequence ``pi_1..pi_K``: the value gap
``V*(init) - v(pi_k)`` and its running sum (:meth:`Setting.evaluate_sequence`).

Simulators (compiled, inverse-CDF sampling with the semantics of :mod:`mdpsim.kernels`,
uniforms drawn from the caller's ``numpy.random.Generator`` in the documented order):

* ``mode="trajectory"`` — online episodes with resets. Protocol ``"geometric"`` (default):
  ``s_0 ~ init``; after each step the episode continues with probability ``gamma`` (a draw
  ``u < gamma``), else it ends and the next episode resets to ``init``. The episode length is
  Geometric(1 - gamma) and the *undiscounted* return of an episode is an unbiased sample of
  ``v(pi)``: ``E[sum_t r_t] = sum_t gamma^t E[r_t] = init @ V^pi``. Protocol ``int T``: fixed
  length ``T`` from ``s_0 ~ init`` (the discounted return ``sum_{t<T} gamma^t r_t`` is then
  biased by at most ``gamma^T max|R| / (1 - gamma)``). Per step the draws are: action ``u``,
  next state ``u``, then (geometric) continuation ``u``.
* ``mode="generative"`` — any pair may be queried: ``s' ~ P(.|s, a)`` by one uniform
  (:func:`generative_next`), or one fresh sample for every pair (:func:`generative_round`,
  pairs in ``(s, a)`` row-major order).

No registered learner is discounted yet: :func:`mdpsim.run` refuses this setting with one
line, and the discounted learners of the next issues plug into these samplers and evaluator.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..models import TabularMDP
from .base import Setting

__all__ = ["Discounted", "discounted_value", "discounted_env", "generative_next",
           "generative_round", "rollout", "DISCOUNTED_COLUMNS", "MODES"]

MODES = ("trajectory", "generative")

#: Metric columns of the discounted setting (:meth:`Setting.evaluate_sequence`).
DISCOUNTED_COLUMNS = {
    "value": "exact discounted value init @ V^{pi_k}, V^{pi_k} = (I - gamma P_pi)^{-1} r_pi "
             "(linear solve), of the k-th policy, float64",
    "optimal_value": "exact init @ V* (policy iteration: linear solves), float64",
    "gap": "value gap V*(init) - V^{pi_k}(init) of the k-th policy, exact",
    "regret": "sum_{j<=k} gap_j, exact",
}


@njit(cache=True)
def _step_next(ev, s, a, u):
    """``F^{-1}_{P(s, a)}(u)`` (first index whose running sum exceeds ``u``, zeros skipped)."""
    dense, P, indptr, indices, probs = ev[0], ev[1], ev[2], ev[3], ev[4]
    S = ev[6].shape[0]
    A = ev[5].shape[1]
    c = 0.0
    if dense:
        last = -1
        for y in range(S):
            p = P[0, s, a, y]
            if p > 0.0:
                c += p
                last = y
                if u < c:
                    return y
        return last
    row = s * A + a
    kk = -1
    for k in range(indptr[row], indptr[row + 1]):
        p = probs[k]
        if p > 0.0:
            c += p
            kk = k
            if u < c:
                break
    return indices[kk]


@njit(cache=True)
def _inv(p, u):
    c = 0.0
    last = -1
    for j in range(p.shape[0]):
        if p[j] > 0.0:
            c += p[j]
            last = j
            if u < c:
                return j
    return last


@njit(cache=True)
def generative_next(ev, s, a, rng):
    """Generative model: one ``s' ~ P(.|s, a)`` from one ``rng.random()`` draw."""
    return _step_next(ev, s, a, rng.random())


@njit(cache=True)
def generative_round(ev, rng, out):
    """One fresh ``s' ~ P(.|s, a)`` for every pair, into ``out: int64[S, A]`` (pairs in
    row-major order, one draw each)."""
    S, A = out.shape
    for s in range(S):
        for a in range(A):
            out[s, a] = _step_next(ev, s, a, rng.random())


@njit(cache=True)
def rollout(ev, pi, rng, length, states, actions, rewards):
    """One online episode of the stationary ``pi: float64[S, A]`` from ``s_0 ~ init``:
    ``length > 0`` steps exactly, or (``length = 0``) geometric with continuation probability
    ``gamma`` (module docstring), truncated at the buffers' size. Fills
    ``states: int64[n + 1]``, ``actions: int64[n]``, ``rewards: float64[n]``; returns the
    number of steps taken."""
    R, init, gamma = ev[5], ev[6], ev[7]
    n_max = actions.shape[0]
    s = _inv(init, rng.random())
    states[0] = s
    t = 0
    while t < n_max:
        a = _inv(pi[s], rng.random())
        s2 = _step_next(ev, s, a, rng.random())
        actions[t] = a
        rewards[t] = R[s, a]
        states[t + 1] = s2
        s = s2
        t += 1
        if length > 0:
            if t >= length:
                break
        elif not rng.random() < gamma:
            break
    return t


@njit(cache=True)
def discounted_value(ev, pi, V):
    """``init @ V^pi`` of the stationary ``pi[0]: float64[S, A]`` (``pi: float64[n, S, A]``)
    by the linear solve ``(I - gamma P_pi) V = r_pi``; ``V[0]`` receives ``V^pi``."""
    dense, P, indptr, indices, probs, R, init, gamma = ev
    S, A = R.shape
    M = np.eye(S)
    r = np.zeros(S)
    for s in range(S):
        for a in range(A):
            w = pi[0, s, a]
            if w != 0.0:
                r[s] += w * R[s, a]
                if dense:
                    for y in range(S):
                        M[s, y] -= gamma * w * P[0, s, a, y]
                else:
                    row = s * A + a
                    for k in range(indptr[row], indptr[row + 1]):
                        M[s, indices[k]] -= gamma * w * probs[k]
    v = np.linalg.solve(M, r)
    acc = 0.0
    for s in range(S):
        V[0, s] = v[s]
        acc += init[s] * v[s]
    return acc


def discounted_env(mdp: TabularMDP) -> tuple:
    """``(dense, P[1, S, A, S'], indptr, indices, probs, R[S, A], init, gamma)`` of a
    discounted model (writable C-contiguous copies)."""
    from ..planning import transitions
    T = transitions(mdp)
    R = np.array(mdp.stage_R()[0], dtype=np.float64, order="C", copy=True)
    init = np.array(mdp.init, dtype=np.float64, order="C", copy=True)
    g = float(mdp.gamma)
    if T.kind == "dense":
        return (True, np.array(T.P, dtype=np.float64, order="C", copy=True),
                np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(0), R, init, g)
    return (False, np.zeros((0, 0, 0, 0)), np.array(T.indptr, dtype=np.int64, copy=True),
            np.array(T.indices, dtype=np.int64, copy=True),
            np.array(T.probs, dtype=np.float64, copy=True), R, init, g)


class Discounted(Setting):
    """Discounted tabular setting on ``mdp`` (module docstring).

    ``mode``: ``"trajectory"`` (online episodes with resets; ``episode="geometric"`` or a
    fixed length ``int``) or ``"generative"`` (sample any pair). ``value`` / ``optimum`` /
    :attr:`evaluator` are exact (linear solves)."""

    name = "discounted"
    columns = DISCOUNTED_COLUMNS
    evaluator = staticmethod(discounted_value)

    def __init__(self, mdp: TabularMDP, mode: str = "trajectory", *, episode="geometric"):
        if not isinstance(mdp, TabularMDP):
            raise ValueError(f"Discounted setting needs a TabularMDP, got {type(mdp).__name__}")
        if mdp.finite_horizon:
            raise ValueError(f"Discounted setting needs a discounted MDP (gamma); this one is "
                             f"finite-horizon (horizon={mdp.horizon}); use Episodic")
        if mode not in MODES:
            raise ValueError(f"mode must be 'trajectory' or 'generative'; got {mode!r}")
        if not (episode == "geometric" or (isinstance(episode, (int, np.integer))
                                           and not isinstance(episode, bool) and episode > 0)):
            raise ValueError(f"episode must be 'geometric' or a positive int length; got "
                             f"{episode!r}")
        self.mdp = mdp
        self.mode = mode
        self.episode = episode
        self._ev = None
        self._opt = None

    def eval_env(self) -> tuple:
        if self._ev is None:
            self._ev = discounted_env(self.mdp)
        return self._ev

    def optimum(self) -> float:
        from ..planning import policy_iteration
        if self._opt is None:
            self._opt = float(policy_iteration(self.mdp).value)
        return self._opt

    def value(self, policy) -> float:
        from ..planning import as_stochastic_policy
        pi = as_stochastic_policy(self.mdp, policy)
        return float(discounted_value(self.eval_env(), pi, np.empty((1, self.mdp.S))))

    def sample(self, rng, *, s=None, a=None, policy=None, max_steps: int = 100_000):
        """Draw from the simulator with ``rng`` (a ``numpy.random.Generator``).

        Generative mode: ``s' ~ P(.|s, a)`` for the pair given, or ``int64[S, A]`` (one per
        pair) when ``s, a`` are omitted. Trajectory mode: one episode of the stationary
        ``policy`` -> ``(states, actions, rewards)`` (geometric episodes are cut at
        ``max_steps``)."""
        ev = self.eval_env()
        if self.mode == "generative":
            if s is None and a is None:
                out = np.empty((self.mdp.S, self.mdp.A), dtype=np.int64)
                generative_round(ev, rng, out)
                return out
            return int(generative_next(ev, int(s), int(a), rng))
        if policy is None:
            raise ValueError("trajectory mode needs policy= (stationary, [S] or [S, A])")
        from ..planning import as_stochastic_policy
        pi = np.ascontiguousarray(as_stochastic_policy(self.mdp, policy)[0])
        n = self.episode if self.episode != "geometric" else int(max_steps)
        st = np.empty(n + 1, dtype=np.int64)
        ac = np.empty(n, dtype=np.int64)
        rw = np.empty(n)
        t = rollout(ev, pi, rng, 0 if self.episode == "geometric" else n, st, ac, rw)
        return st[:t + 1], ac[:t], rw[:t]

    def describe(self) -> str:
        proto = f", episode={self.episode}" if self.mode == "trajectory" else ""
        return (f"Discounted({self.mdp.name or 'TabularMDP'}, gamma={self.mdp.gamma}, "
                f"mode={self.mode}{proto})")
