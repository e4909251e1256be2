r"""Bridge to `gymnasium <https://gymnasium.farama.org>`_: any :class:`~mdpsim.TabularMDP` as a
``gymnasium.Env``, and the toy-text environments that publish their transition table
(FrozenLake, Taxi, CliffWalking) as exact :class:`~mdpsim.TabularMDP` models.

``pip install 'mdpsim[gym]'`` (gymnasium is imported only when these functions are called).

**to_gymnasium(mdp)** — observations are state indices (``Discrete(S)``), actions
``Discrete(A)``. ``reset(seed=...)`` draws ``s_0 ~ init``; ``step(a)`` draws
``s' ~ P_h(s, a, .)`` by the inverse CDF of one uniform from the environment's
``np_random`` (the first successor ``j`` with ``u < p_0 + ... + p_j``, in successor order —
the sampling rule of :mod:`mdpsim.kernels`) and returns the realised reward ``r_h(s, a, s')``
when the model has next-state rewards (``mdp.R_next``), else the mean reward ``R_h(s, a)``.
Reaching one of the model's terminal states (``mdp.terminal``) *terminates* the episode.
Finite horizon: the episode is *truncated* after ``H`` steps (``info["stage"]`` is ``h``);
discounted: it runs until a terminal state, or for ever (wrap it in
``gymnasium.wrappers.TimeLimit``).

**from_gymnasium(env)** — reads ``env.unwrapped.P[s][a] = [(p, s', r, done), ...]`` and
``env.unwrapped.initial_state_distrib``. Rewards are kept per transition, as the model's
next-state rewards ``R_next[s, a, s']`` (duplicate successors are summed, their rewards
averaged with the probabilities as weights), so a simulator pays the realised reward and
planning uses the expectation ``R[s, a] = sum p r``. A transition with ``done = True`` ends
the episode: it goes to one extra state (index ``S``) that is a *terminal state* of the model
(``terminal[S] = True``; its reward is the one paid on the way in), instead of ``s'``: the value
of every state equals the episodic value in the toy-text environment.
"""
from __future__ import annotations

import numpy as np

from .models import TabularMDP

__all__ = ["to_gymnasium", "from_gymnasium"]


def _gym():
    try:
        import gymnasium
    except ImportError:
        raise ImportError("the gymnasium bridge needs gymnasium: pip install 'mdpsim[gym]'") \
            from None
    return gymnasium


def to_gymnasium(mdp: TabularMDP):
    """A ``gymnasium.Env`` that simulates ``mdp`` (see the module docstring)."""
    gym = _gym()
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")

    class TabularMDPEnv(gym.Env):
        """``mdp`` as a gymnasium environment (``mdpsim.to_gymnasium``)."""

        metadata = {"render_modes": []}

        def __init__(self):
            self.mdp = mdp
            self.observation_space = gym.spaces.Discrete(mdp.S)
            self.action_space = gym.spaces.Discrete(mdp.A)
            self._succ = mdp.successors
            R = np.asarray(mdp.R, dtype=np.float64)
            self._R = R[None] if R.ndim == 2 else R
            self._rn = mdp.R_next_successors           # [n_rn, nnz] (aligned) or None
            self._term = mdp.terminal
            self._cdf_init = np.cumsum(mdp.init)
            self.s = 0
            self.h = 0

        def reset(self, *, seed=None, options=None):
            super().reset(seed=seed)
            u = self.np_random.random()
            self.s = int(min(np.searchsorted(self._cdf_init, u, side="right"), mdp.S - 1))
            while mdp.init[self.s] == 0.0:   # skip zero-probability states at the boundary
                self.s -= 1
            self.h = 0
            return self.s, {"stage": 0}

        def step(self, action):
            a = int(action)
            if not 0 <= a < mdp.A:
                raise ValueError(f"action {action!r} outside Discrete({mdp.A})")
            h = self.h
            L = self._succ
            row = ((min(h, L.n_stages - 1)) * mdp.S + self.s) * mdp.A + a
            lo, hi = int(L.indptr[row]), int(L.indptr[row + 1])
            u = self.np_random.random()
            c, nxt, kk = 0.0, int(L.indices[hi - 1]), hi - 1
            for k in range(lo, hi):
                p = L.probs[k]
                if p > 0.0:
                    c += p
                    nxt, kk = int(L.indices[k]), k
                    if u < c:
                        break
            if self._rn is not None:   # the realised reward of the sampled successor
                r = float(self._rn[min(h, self._rn.shape[0] - 1), kk])
            else:
                r = float(self._R[min(h, self._R.shape[0] - 1), self.s, a])
            self.s, self.h = nxt, h + 1
            terminated = bool(self._term is not None and self._term[nxt])
            truncated = bool(mdp.finite_horizon and self.h >= mdp.horizon and not terminated)
            return nxt, r, terminated, truncated, {"stage": self.h}

    return TabularMDPEnv()


def from_gymnasium(env, *, gamma: float | None = None, horizon: int | None = None,
                   name: str | None = None) -> TabularMDP:
    """The exact model of a toy-text environment that exposes ``env.unwrapped.P`` (see the
    module docstring); give ``gamma`` or ``horizon``. States ``0..S-1`` are the environment's,
    state ``S`` is the absorbing state reached by ``done`` transitions."""
    if (gamma is None) == (horizon is None):
        raise ValueError("give exactly one of gamma= (discounted) or horizon= (finite horizon)")
    u = getattr(env, "unwrapped", env)
    table = getattr(u, "P", None)
    if not isinstance(table, dict):
        raise ValueError(f"{type(u).__name__} has no transition table env.unwrapped.P "
                         f"(a dict s -> a -> [(p, s', r, done)]); only such environments "
                         f"(FrozenLake, Taxi, CliffWalking) can be converted")
    S = len(table)
    A = len(table[0])
    P = np.zeros((S + 1, A, S + 1))
    W = np.zeros((S + 1, A, S + 1))       # sum of p * r per (s, a, target)
    for s in range(S):
        if len(table[s]) != A:
            raise ValueError(f"env.unwrapped.P[{s}] has {len(table[s])} actions, "
                             f"P[0] has {A}")
        for a in range(A):
            for k, (p, s2, r, done) in enumerate(table[s][a]):
                if not 0 <= int(s2) < S:
                    raise ValueError(f"env.unwrapped.P[{s}][{a}][{k}]: next state {s2} "
                                     f"outside 0..{S - 1}")
                t = S if done else int(s2)
                P[s, a, t] += float(p)
                W[s, a, t] += float(p) * float(r)
    P[S, :, S] = 1.0
    R_next = np.divide(W, P, out=np.zeros_like(W), where=P > 0)
    terminal = np.zeros(S + 1, dtype=bool)
    terminal[S] = True
    isd = getattr(u, "initial_state_distrib", None)
    if isd is None:
        raise ValueError(f"{type(u).__name__} has no initial_state_distrib; build the model "
                         f"with TabularMDP(P, R, init=...) yourself")
    init = np.append(np.asarray(isd, dtype=np.float64), 0.0)
    spec = getattr(u, "spec", None) or getattr(env, "spec", None)
    label = name or (spec.id if spec is not None else type(u).__name__)
    return TabularMDP(P, None, R_next=R_next, terminal=terminal, gamma=gamma, horizon=horizon,
                      init=init, name=label)
