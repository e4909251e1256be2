"""The :class:`Agent` facade: one online algorithm, stepped from Python.

For notebooks and for users who bring their own environment loop. It calls the same
compiled ``plan`` / ``observe`` kernels as :func:`mdpsim.run` (one Python call per episode
and per step, so it is slow compared with the compiled engine)::

    agent = mdpsim.agent("ucbvi", mdp, rng=0, episodes=1000)
    for k in range(1000):
        s = ...                                  # initial state
        for h in range(mdp.horizon):
            a = agent.act(h, s)                  # plans at the start of each episode
            s_next, r = ...                      # your environment
            agent.observe(h, s, a, r, s_next)
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..algorithms import get_algorithm, model_info
from .side import side_info
from ..models import TabularMDP
from ..settings.episodic import check_episodic
from .reference import inv_cdf

__all__ = ["Agent", "agent"]


_check_episodic = check_episodic   # the episodic setting's check (one-line errors)


class Agent:
    """An online algorithm for episodic ``mdp`` (its S, A, H, and its mean rewards when
    rewards are known). ``mdp`` may also be a finite-horizon ``LinearMDP`` or an online
    setting; the learner then gets the setting's side information (the features).

    Parameters: ``algorithm`` a registered name (see :func:`mdpsim.list_algorithms`);
    ``rng`` a Generator, SeedSequence or int (a Generator is used as is, so it can be shared
    with the caller's loop); ``episodes`` the episode budget K (needed by algorithms whose
    constants use ``T = K H``, e.g. UCBVI's ``L = ln(5 S A T / δ)``); hyper-parameters by
    keyword.

    Protocol per episode: :meth:`policy` or :meth:`act` (plans the episode's policy on first
    use), then :meth:`observe` for steps ``h = 0, ..., H-1`` in order; after step ``H-1`` the
    next :meth:`policy`/:meth:`act` plans a new episode.
    """

    def __init__(self, algorithm, mdp: TabularMDP, *, rng=0, episodes: int | None = None,
                 **hyperparameters):
        self.algorithm = get_algorithm(algorithm)
        features = None
        model_class = None
        from ..models.linear import LinearMDP
        from ..settings import Setting, Linear
        if isinstance(mdp, LinearMDP):
            mdp = Linear(mdp)
        if isinstance(mdp, TabularMDP) and mdp.finite_horizon and (mdp.masked
                                                                   or mdp.discounted_finite):
            from ..settings import Episodic   # actions are the learner's: Episodic.action_map
            mdp = Episodic(mdp)
        if isinstance(mdp, Setting):
            features = mdp.side_features()
            model_class = mdp.side_model_class()
            mdp = mdp.learner_model()
        _check_episodic(mdp, "an online algorithm")
        if episodes is None:
            if self.algorithm.needs_episodes:
                raise ValueError(f"{self.algorithm.name} needs episodes=K: its confidence "
                                 "terms use T = K * H")
            episodes = 0
        elif isinstance(episodes, bool) or not isinstance(episodes, (int, np.integer)) \
                or episodes <= 0:
            raise ValueError(f"episodes must be a positive integer, got {episodes!r}")
        self.hyperparameters = self.algorithm.resolve(hyperparameters)
        self.mdp = mdp
        self.info = model_info(mdp, int(episodes),
                               side_info(self.algorithm, mdp, self.hyperparameters,
                                         features=features, model_class=model_class))
        self._state = self.algorithm.init_state(self.info, self.hyperparameters)
        self._params = self.algorithm.params(self.info, self.hyperparameters)
        self.rng = as_generator(rng)
        H, S, A = self.info.H, self.info.S, self.info.A
        self._pi = np.zeros((H, S, A))
        self._pi_alt = np.zeros((H, S, A))
        self._report = (0.0, float("nan"), float("nan"))
        self._planned = False
        self._step = 0
        #: Number of episodes planned so far.
        self.episode = 0
        #: The algorithm's own value estimate for the current episode (see ``plan``).
        self.estimate = float("nan")

    @property
    def name(self) -> str:
        return self.algorithm.name

    def _plan(self) -> None:
        if getattr(self.algorithm, "contract", "table") == "lazy":
            self._plan_lazy()
            return
        self.estimate = float(self.algorithm.plan(self._state, self._params, self.episode,
                                                  self.rng, self._pi))
        if self.algorithm.report is not None:
            q, aux, floor = self.algorithm.report(self._state, self._params, self._pi_alt)
            self._report = (float(q), float(aux), float(floor))
        self.episode += 1
        self._planned = True
        self._step = 0

    def _plan_lazy(self) -> None:
        """A learner on the lazy contract: ``plan``, then its table from ``act`` at every
        stage and state (the facade shows the whole policy; the compiled engine never builds
        it) and its ``estimate``."""
        alg, st, par = self.algorithm, self._state, self._params
        alg.plan(st, par, self.episode, self.rng)
        H, S = self.info.H, self.info.S
        self._pi[:] = 0.0
        for h in range(H):
            for s in range(S):
                self._pi[h, s, int(alg.act(st, par, h, s))] = 1.0
        self.estimate = float(alg.estimate(st, par))
        self.episode += 1
        self._planned = True
        self._step = 0

    def policy(self) -> np.ndarray:
        """The current episode's policy ``float64[H, S, A]`` (a copy); plans it if needed."""
        if not self._planned:
            self._plan()
        return self._pi.copy()

    def report(self) -> tuple:
        """``(q, aux, floor, pi_alt)`` of the current episode from the algorithm's report
        hook (``(0, nan, nan, zeros)`` without one): the probability ``q`` of the
        alternative policy ``pi_alt`` of an episode-level mixture (the episode's policy
        is :meth:`policy` or, w.p. ``q``, ``pi_alt``), a diagnostic ``aux`` (StepMix's
        mixing weight) and the value level ``floor`` the engine counts violations of."""
        if not self._planned:
            self._plan()
        q, aux, floor = self._report
        return q, aux, floor, self._pi_alt.copy()

    def act(self, h: int, s: int, u: float | None = None) -> int:
        """Action at step ``h`` in state ``s``: ``F^{-1}_{pi_h(s)}(u)`` with ``u`` drawn from
        the agent's generator unless given."""
        if not self._planned:
            self._plan()
        if u is None:
            u = self.rng.random()
        return inv_cdf(self._pi[h, s].tolist(), u)

    def observe(self, h: int, s: int, a: int, r: float, s_next: int) -> None:
        """Feed the transition ``(s, a) -> (r, s_next)`` taken at step ``h``."""
        H, S, A = self.info.H, self.info.S, self.info.A
        if not self._planned:
            raise ValueError("observe() before the episode's policy: call policy() or act() "
                             "at the start of each episode")
        if h != self._step:
            raise ValueError(f"observe() expected step h = {self._step} of this episode, "
                             f"got h = {h!r}")
        for nm, v, hi in (("s", s, S), ("a", a, A), ("s_next", s_next, S)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < hi:
                raise ValueError(f"{nm} must be an integer in [0, {hi}), got {v!r}")
        if not np.isfinite(r):
            raise ValueError(f"r must be a finite number, got {r!r}")
        self.algorithm.observe(self._state, self._params, int(h), int(s), int(a), float(r),
                               int(s_next))
        self._step += 1
        if self._step == H:
            self._planned = False

    @property
    def state(self) -> dict:
        """The learner's state by field name (copies of its ``State`` NamedTuple's arrays),
        e.g. UCBVI's optimistic ``V``."""
        names = getattr(self._state, "_fields", None) or self.algorithm.state_fields
        return {n: np.array(a, copy=True) for n, a in zip(names, self._state)}

    @property
    def params(self):
        """The learner's ``Params`` NamedTuple (numeric hyper-parameters and constants)."""
        return self._params

    def __repr__(self) -> str:
        return f"Agent({self.name!r}, episode={self.episode}, {self.hyperparameters})"


def agent(algorithm, mdp: TabularMDP, *, rng=0, episodes: int | None = None,
          **hyperparameters) -> Agent:
    """``Agent(algorithm, mdp, rng=rng, episodes=episodes, **hyperparameters)``."""
    return Agent(algorithm, mdp, rng=rng, episodes=episodes, **hyperparameters)
