r"""Optimistic actor-critic with rare-switching resets — tabular version. **Mostly a
reconstruction** (see below and ``docs/papers/optimistic_actor_critic.md`` §3).

Paper: K. Tan, W. Fan, Y. Wei, "Actor-Critics Can Achieve Optimal Sample Efficiency",
ICML 2025 (PMLR 267), arXiv:2505.03710. Claimed: ``O(d H^5 log|A| / ε² + d H^4 log|F| / ε²)``
trajectories for an ε-optimal policy and ``√T`` regret (``T`` read here as the number of
episodes ``K``), with three ingredients: optimism, an off-policy critic that targets ``Q*``
(not ``Q^π``), and rare-switching policy resets.

Per episode ``k`` (0-based), with per-step visit counts ``n_h(s, a)`` and the counts
``n^{last}_h(s, a)`` recorded at the start of the current epoch:

1. **Switch test** (rare switching): a new epoch starts when the information has doubled
   somewhere, ``∃ (h, s, a): n_h(s, a) >= max(1, 2 n^{last}_h(s, a))`` and
   ``n_h(s, a) > n^{last}_h(s, a)`` [R]; then ``n^{last} ← n`` and the actor's logits are
   reset to 0 (the uniform policy) and its step-size clock to ``τ = 1``. Every ``(h, s, a)``
   can fire at counts ``1, 2, 4, ...`` only, so the number of epochs is at most
   ``1 + S A H (1 + ⌊log₂ K⌋)`` (:func:`epoch_bound`).
2. **Critic** (optimistic, ``Q*``-targeting, all data): backward induction on the empirical
   model (counts pooled over steps when the true ``P`` is stationary, as in UCBVI),

   .. math:: f_h(s,a) = \min\{V_{\max,h},\ R(s,a) + \hat P(\cdot|s,a)\,
             \max_{a'} f_{h+1}(\cdot, a') + c_b\, w H \sqrt{L / n(s,a)}\},

   ``f_h(s, a) = V_{max,h} = (H - h) r_max`` where ``n(s, a) = 0``; ``L = ln(S A H K / δ)``
   and ``w = r_hi - r_lo``. The ``max_{a'}`` backup is what makes the critic off-policy (data
   of any earlier policy stay valid). The tabular bonus is our surrogate for the paper's
   optimistic selection from a confidence set [R]. ``refit="every"`` refits the critic from
   all data at every episode; ``refit="switch"`` only at the start of each epoch (frozen
   within an epoch) — the two readings of when the critic is refreshed; **both are
   reconstructions** [R].
3. **Actor** (natural policy gradient / exponential weights on the critic):
   ``θ_h(s, ·) += η_τ f_h(s, ·)``, ``π_h(· | s) ∝ exp(θ_h(s, ·))``, with
   ``η_τ = c_η sqrt(ln|A| / (H² τ))``, ``τ`` = the number of episodes of the current epoch
   so far, this one included (an anytime reading of the paper's "η = sqrt(log|A|/(H² τ))" with
   ``τ`` the epoch length, unknown in advance) [R].
4. The episode is played with the softmax policy ``π``; every transition is added to the
   data.

Ablations (hyper-parameters): ``optimism=False`` — no bonus and ``f = 0`` on unvisited pairs
(the non-optimistic critic: plain fitted ``Q*`` iteration on the empirical model; expected
linear regret on hard exploration); ``resets=False`` — epochs are still counted (and the
critic refreshed at them with ``refit="switch"``) but the actor is never reset and its clock
``τ = k + 1`` runs over the whole run; ``switching="every"`` — every episode is a new epoch
(the actor is reset each episode: the played policy is ``softmax(η_1 f)``, a Boltzmann policy
on the optimistic critic).

Recorded: the engine's ``switches`` column counts changes of the played policy table (the
softmax policy changes every episode); the **number of epochs so far** is the ``aux`` column
(from :func:`_report`). The estimate is ``init @ max_a f_0`` (the critic's optimistic value).

Tuning (``TUNING``): ``(c_η, c_b)`` in two stages, ``{30, 100, 300} × {0.01, 0.03, 0.1}``
then (the best corner) ``{300, 1000, 3000} × {0.003, 0.01}``, on two instances that no
experiment judges — RiverSwim(S=5, H=15) and Garnet(10, 3, 3, H=10, rng=7) — at
``K = 5000``, 3 seeds; rule: the largest ``c_b`` (more exploration), then the smallest
``c_η``, whose final regret is within 2x of the grid's best on both instances. Result ``c_η = 1000, c_b = 0.01`` (regret 22.6 and 28.1 against the best 14.7 and
14.5; UCBVI-CH at its default: 335 and 981). At this ``c_η`` the first step
``η_1 = 1000 sqrt(ln 2) / 20 ≈ 42`` on RiverSwim(H = 20) already makes the actor nearly greedy
in the critic: the tuned actor-critic behaves close to a greedy policy on the optimistic
critic, and the paper's step (``c_η = 1``) pays linear regret at ``K <= 10^4`` (the
experiment runs both).

What follows the paper: the three ingredients, the form ``η ∝ sqrt(log|A| / (H² τ))`` of
the step size, resets to uniform at switches. What is ours or reconstructed: the doubling test
on tabular counts, the Hoeffding-form bonus and its constant, the anytime clock ``τ``, the two
refit readings, the unvisited-pair values, the ablations' exact forms.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..kernels.numba_backend import inv_cdf
from ..theory.acceptance import RULES
from ._api import HyperParameter, Learner, ModelInfo, register_learner
from ._common import EMPIRICAL_FIELDS, count_transition, empirical_state, record_type

#: the tuning grid and rule behind the defaults (module docstring)
TUNING = {"stages": (((30.0, 100.0, 300.0), (0.01, 0.03, 0.1)),
                     ((300.0, 1000.0, 3000.0), (0.003, 0.01))),
          "instances": ("riverswim S=5 H=15", "garnet S=10 A=3 b=3 H=10 rng=7"),
          "episodes": 5000, "seeds": 3, "chosen": (1000.0, 0.01)}

__all__ = ["epoch_step", "OptimisticActorCritic", "OptimisticActorCriticHybrid", "HybridState",
           "HybridParams", "TUNING", "State", "Params", "epoch_bound", "softmax_policy",
           "doubling_fired", "REFIT", "SWITCHING"]

#: critic refresh readings: every episode, or only at the start of an epoch [R]
REFIT = ("every", "switch")
#: switching rules: the doubling test, or a switch at every episode (ablation)
SWITCHING = ("doubling", "every")


def epoch_bound(S: int, A: int, H: int, K: int) -> int:
    """Largest possible number of epochs in ``K`` episodes under the doubling test:
    ``1 + S A H (1 + ⌊log₂ K⌋)`` (each per-step count ``n_h(s, a) <= K`` fires at ``1, 2, 4,
    ...`` only; the first epoch starts at episode 1)."""
    if K < 1:
        return 1
    return 1 + S * A * H * (1 + int(math.floor(math.log2(K))))


State = record_type(
    "State", EMPIRICAL_FIELDS + ("R3", "init", "f", "V", "logits", "Nstep", "Nlast", "clock"),
    np.ndarray, __name__,
    """``N, Nsas, succ, nsucc`` the critic's empirical model (pooled over steps when ``P``
    is stationary; :mod:`mdpsim.algorithms._common`), ``Rsum, NR`` unused (known rewards);
    ``R3`` the known rewards, ``init``; ``f: float64[H, S, A]`` the critic,
    ``V: float64[H + 1, S]`` its greedy values; ``logits: float64[H, S, A]`` the actor;
    ``Nstep: float64[H, S, A]`` per-step counts and ``Nlast`` their values at the start of
    the epoch (the doubling test); ``clock: float64[3]`` = (epochs so far, first episode of
    the current actor clock, last η).""")

Params = record_type(
    "Params", ("scale", "L", "width", "r_hi", "c_eta", "logA", "optimism", "resets",
               "refit_every", "switch_every", "SAH", "delta", "anytime"), float, __name__,
    """Constants (flags as 0.0 / 1.0): ``scale`` = c_b; ``L = ln(S A H K / δ)`` (anytime:
    recomputed per episode); ``width`` = r_hi - r_lo; ``r_hi``; ``c_eta``; ``logA = ln A``;
    ``optimism``; ``resets``; ``refit_every``; ``switch_every``; ``SAH`` and ``delta`` for
    the anytime ``L``; ``anytime`` (no episode budget).""")


@njit(cache=True, inline="always")
def epoch_step(k, fired, resets, clock, logits):
    """Epoch bookkeeping shared by the tabular and linear learners. Episode ``k = 0`` starts
    epoch 1 (``clock = [1, 0]``); later, when ``fired`` (the switch test, or switching every
    episode), a new epoch is counted (``clock[0] += 1``) and, with ``resets``, the actor goes
    back to uniform (``logits = 0``) and its step clock restarts at ``k`` (``clock[1] = k``).
    Returns whether episode ``k`` starts a new epoch (the caller then moves its reference
    statistics)."""
    if k == 0:
        clock[0] = 1.0
        clock[1] = 0.0
        return False
    if fired:
        clock[0] += 1.0
        if resets != 0.0:
            logits[:] = 0.0
            clock[1] = k
        return True
    return False


@njit(cache=True)
def doubling_fired(Nstep, Nlast):
    """``True`` iff some ``n_h(s, a) >= max(1, 2 n^{last}_h(s, a))`` with
    ``n > n^{last}`` (``Nstep, Nlast: float64[H, S, A]``)."""
    H, S, A = Nstep.shape
    for h in range(H):
        for s in range(S):
            for a in range(A):
                n = Nstep[h, s, a]
                m = Nlast[h, s, a]
                if n > m and n >= max(1.0, 2.0 * m):
                    return True
    return False


@njit(cache=True)
def softmax_policy(logits, pi):
    """``pi[h, s, :] = softmax(logits[h, s, :])`` (max-shifted; ``float64[H, S, A]``)."""
    H, S, A = logits.shape
    for h in range(H):
        for s in range(S):
            m = logits[h, s, 0]
            for a in range(1, A):
                m = max(m, logits[h, s, a])
            z = 0.0
            for a in range(A):
                e = math.exp(logits[h, s, a] - m)
                pi[h, s, a] = e
                z += e
            for a in range(A):
                pi[h, s, a] /= z
    return pi


@njit(cache=True)
def _oac_critic(state, params, L):
    """The optimistic ``Q*``-targeting critic (module docstring, step 2) into ``state.f``,
    ``state.V``; returns ``init @ V_0``."""
    N, Nsas, succ, nsucc = state.N, state.Nsas, state.succ, state.nsucc
    R3, init, f, V = state.R3, state.init, state.f, state.V
    H, S, A = f.shape
    nps = N.shape[0]
    opt = params.optimism != 0.0
    cb = params.scale * params.width * H
    r_hi = params.r_hi
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        hs = min(h, nps - 1)
        hr = min(h, R3.shape[0] - 1)
        vmax = (H - h) * r_hi
        for s in range(S):
            vbest = -np.inf
            for a in range(A):
                n = N[hs, s, a]
                q = vmax if opt else 0.0
                if n > 0.0:
                    m = 0.0
                    for i in range(nsucc[hs, s, a]):
                        y = succ[hs, s, a, i]
                        m += Nsas[hs, s, a, y] * V[h + 1, y]
                    q = R3[hr, s, a] + m / n
                    if opt:
                        q += cb * math.sqrt(L / n)
                    q = min(vmax, q)
                f[h, s, a] = q
                vbest = max(vbest, q)
            V[h, s] = vbest
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[0, s]
    return acc


@njit(cache=True)
def _oac_plan(state, params, k, rng, pi):
    """Switch test, critic, actor step, softmax policy (module docstring); returns the
    critic's value ``init @ max_a f_0``."""
    init, f, V, logits = state.init, state.f, state.V, state.logits
    Nstep, Nlast, clock = state.Nstep, state.Nlast, state.clock
    H, S, A = f.shape
    L = params.L
    if params.anytime != 0.0:
        L = math.log(params.SAH * (k + 1) / params.delta)
    switch = epoch_step(k, k > 0 and (params.switch_every != 0.0
                                       or doubling_fired(Nstep, Nlast)),
                        params.resets, clock, logits)
    if switch:
        Nlast[:] = Nstep
    est = 0.0
    if k == 0 or switch or params.refit_every != 0.0:
        est = _oac_critic(state, params, L)
    else:
        for s in range(S):
            est += init[s] * V[0, s]
    tau = k - clock[1] + 1.0
    eta = params.c_eta * math.sqrt(params.logA / (H * H * tau))
    clock[2] = eta
    for h in range(H):
        for s in range(S):
            for a in range(A):
                logits[h, s, a] += eta * f[h, s, a]
    softmax_policy(logits, pi)
    return est


@njit(cache=True)
def _oac_observe(state, params, h, s, a, r, s_next):
    """Counts of the critic's empirical model and the per-step counts of the switch test."""
    count_transition(state.N, state.Nsas, state.succ, state.nsucc, h, s, a, s_next)
    state.Nstep[h, s, a] += 1.0


@njit(cache=True)
def _oac_report(state, params, pi_alt):
    """``aux`` = the number of epochs so far (the first epoch counts 1)."""
    return 0.0, state.clock[0], np.nan


@register_learner(aliases=("oac",))
class OptimisticActorCritic(Learner):
    """Optimistic actor-critic with rare-switching resets, tabular (Tan, Fan, Wei, ICML
    2025, arXiv:2505.03710). Largely a reconstruction; see
    :mod:`mdpsim.algorithms.actor_critic`."""

    name = "actor_critic"
    title = "Optimistic actor-critic (rare-switching resets)"
    paper = ("Tan, Fan, Wei, Actor-Critics Can Achieve Optimal Sample Efficiency, ICML 2025, "
             "arXiv:2505.03710 (tabular instantiation reconstructed)")
    hyperparameters = (
        HyperParameter("bonus_scale", 0.01, float, "proposed",
                       "c_b of the critic's bonus c_b w H sqrt(L / n), L = ln(S A H K / δ) "
                       "(Hoeffding form, reconstructed); default tuned with c_eta (see "
                       "TUNING in the module)", theory=1.0,
                       valid=lambda v: v >= 0.0, expected="a number >= 0"),
        HyperParameter("delta", 0.05, float, "proposed", "confidence δ of L",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("c_eta", 1000.0, float, "proposed",
                       "multiplier of the actor's step η = c_η sqrt(ln|A| / (H² τ)) (1 = the "
                       "paper's form: linear regret at K <= 1e4 on RiverSwim(6, H=20), the "
                       "burn-in of its H² sqrt(K #epochs) actor term); default tuned with "
                       "bonus_scale (see TUNING in the module)", theory=1.0,
                       valid=lambda v: v > 0.0, expected="a number > 0 (η > 0)"),
        HyperParameter("refit", "every", str, "proposed",
                       "when the critic is refitted from all data: 'every' episode or only at "
                       "a 'switch' (both readings reconstructed)", choices=REFIT),
        HyperParameter("optimism", True, bool, "paper",
                       "optimistic critic (bonus, V_max on unvisited pairs); False: the "
                       "no-optimism ablation (no bonus, 0 on unvisited pairs)"),
        HyperParameter("resets", True, bool, "paper",
                       "reset the actor to uniform at each switch; False: the no-reset "
                       "ablation"),
        HyperParameter("switching", "doubling", str, "proposed",
                       "'doubling': a new epoch when some n_h(s, a) doubles (reconstructed); "
                       "'every': a new epoch every episode (ablation)", choices=SWITCHING),
    )
    reconstructed = ("tabular critic: UCB bonus c_b w H sqrt(L/n) as the surrogate of the "
                     "optimistic confidence-set selection [R]",
                     "switch test: some per-step count n_h(s,a) doubled [R]",
                     "eta clock tau = episodes of the current epoch so far [R]",
                     "critic refresh every episode vs only at switches: both readings [R]",
                     "ablations' exact forms [P]")
    needs_episodes = False
    acceptance = RULES["sublinear"]
    State = State
    Params = Params
    plan = _oac_plan
    observe = _oac_observe
    report = _oac_report

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        H, S, A = info.H, info.S, info.A
        return State(*empirical_state(info), np.ascontiguousarray(info.R3, dtype=np.float64),
                     np.ascontiguousarray(info.init, dtype=np.float64),
                     np.zeros((H, S, A)), np.zeros((H + 1, S)), np.zeros((H, S, A)),
                     np.zeros((H, S, A)), np.zeros((H, S, A)), np.zeros(3))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        SAH = float(info.S * info.A * info.H)
        K = max(info.K, 1)
        return Params(scale=float(hp["bonus_scale"]),
                      L=math.log(SAH * K / hp["delta"]),
                      width=float(info.r_hi - info.r_lo), r_hi=float(info.r_hi),
                      c_eta=float(hp["c_eta"]), logA=math.log(info.A),
                      optimism=float(hp["optimism"]), resets=float(hp["resets"]),
                      refit_every=float(hp["refit"] == "every"),
                      switch_every=float(hp["switching"] == "every"),
                      SAH=SAH, delta=float(hp["delta"]), anytime=float(info.K <= 0))


# ===================================================================== hybrid offline-online
HybridState = record_type(
    "HybridState", State._fields + ("source_P", "source_pi"), np.ndarray, __name__,
    """:class:`State`'s fields, then the offline data source (side information, read only at
    the first ``plan``): ``source_P: float64[n_p, S, A, S]`` and ``source_pi: float64[H, S,
    A]`` (the behaviour policy μ), simulated — never learned from.""")

HybridParams = record_type(
    "HybridParams", Params._fields + ("noff",), float, __name__,
    """:class:`Params`'s fields and ``noff``, the number of offline trajectories.""")


@njit(cache=True)
def _oac_offline_draws(state, params, rng):
    """``noff`` trajectories of μ from the source, in the order of
    :func:`mdpsim.engine.side.offline_dataset` (per trajectory the initial state, then per
    step the action and the next state, inverse-CDF draws), added to the critic's counts and
    to the per-step counts; the first epoch's reference counts are the offline counts."""
    P, mu, init = state.source_P, state.source_pi, state.init
    H = mu.shape[0]
    n_p = P.shape[0]
    for i in range(int(params.noff)):
        s = inv_cdf(init, rng.random())
        for h in range(H):
            a = inv_cdf(mu[h, s], rng.random())
            s2 = inv_cdf(P[min(h, n_p - 1), s, a], rng.random())
            _oac_observe(state, params, h, s, a, 0.0, s2)
            s = s2
    state.Nlast[:] = state.Nstep


@njit(cache=True)
def _oac_hybrid_plan(state, params, k, rng, pi):
    """At ``k = 0`` the offline data first (:func:`_oac_offline_draws`), then the online
    learner's plan."""
    if k == 0:
        _oac_offline_draws(state, params, rng)
    return _oac_plan(state, params, k, rng, pi)


def _hybrid_hps():
    base = {p.name: p for p in OptimisticActorCritic.hyperparameters}
    base["optimism"] = HyperParameter(
        "optimism", False, bool, "paper",
        "False (default): the non-optimistic hybrid (no bonus, 0 on unvisited pairs); True: "
        "the optimistic hybrid")
    return tuple(base.values()) + (
        HyperParameter("offline_n", 0, int, "proposed",
                       "N_off, the number of offline trajectories of the behaviour policy μ "
                       "added to the data before episode 1",
                       valid=lambda v: v >= 0, expected="an integer >= 0"),
        HyperParameter("baseline_fraction", 0.5, float, "proposed",
                       "the behaviour policy μ is baseline_policy(mdp, fraction, kind): the "
                       "per-step mixture of π* and the bottom policy with V^μ = fraction V* "
                       "(catalogue and exact c*_off: mdpsim.engine.side.behaviour_catalogue)",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("baseline_kind", "uniform", str, "proposed",
                       "bottom policy of μ: 'uniform' or 'worst'", choices=("uniform", "worst")),
    )


@register_learner
class OptimisticActorCriticHybrid(OptimisticActorCritic):
    """Hybrid offline-online actor-critic (Tan, Fan, Wei, ICML 2025, arXiv:2505.03710): the
    data start with ``offline_n`` trajectories of a behaviour policy μ; by default the
    critic is **not** optimistic (the paper's non-optimistic hybrid, valid when
    N_off ≳ c*_off d H⁴ / ε²). A reconstruction; see :mod:`mdpsim.algorithms.actor_critic`."""

    name = "actor_critic_hybrid"
    title = "Hybrid actor-critic (offline data, non-optimistic by default)"
    paper = ("Tan, Fan, Wei, Actor-Critics Can Achieve Optimal Sample Efficiency, ICML 2025, "
             "arXiv:2505.03710 (hybrid variant; tabular instantiation reconstructed)")
    needs = ("offline",)
    hyperparameters = _hybrid_hps()
    reconstructed = OptimisticActorCritic.reconstructed + (
        "offline data counted as data of the first epoch (its counts are the doubling "
        "test's reference) [R]", "behaviour policies: mixtures of pi* with a bottom policy "
        "at a stated value fraction [P]")
    State = HybridState
    Params = HybridParams
    plan = _oac_hybrid_plan

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> HybridState:
        base = OptimisticActorCritic.init_state(info, hp)
        off = info.side.offline
        if hp["offline_n"] > 0:
            if off is None:
                raise ValueError(f"{cls.name}: offline_n = {hp['offline_n']} needs offline data "
                                 "(side information the engine builds for the episodic "
                                 "setting)")
            P = np.ascontiguousarray(off.P, dtype=np.float64)
            mu = np.ascontiguousarray(off.behaviour_pi, dtype=np.float64)
            H, S, A = info.H, info.S, info.A
            if P.ndim != 4 or P.shape[1:] != (S, A, S) or mu.shape != (H, S, A):
                raise ValueError(f"{cls.name}: offline data source of the wrong shape: P "
                                 f"{P.shape} (expected [n_p, {S}, {A}, {S}]), behaviour "
                                 f"policy {mu.shape} (expected [{H}, {S}, {A}])")
        else:
            P = np.zeros((1, 1, 1, 1))
            mu = np.zeros((1, 1, 1))
        return HybridState(*base, P, mu)

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> HybridParams:
        return HybridParams(*OptimisticActorCritic.params(info, hp),
                            noff=float(hp["offline_n"]))
