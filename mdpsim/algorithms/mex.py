r"""MEX (Maximize to Explore) on a finite model class, exactly, with its baselines.

Paper: Liu, Lu, Xiong, Zhong, Hu, Zhang, Zheng, Yang, Wang, "Maximize to Explore: One
Objective Function Fusing Estimation, Planning, and Exploration", NeurIPS 2023,
arXiv:2305.18258. Note: ``docs/papers/mex.md``.

Setting: :class:`mdpsim.settings.FiniteClass` — the learner is given a finite class
``{P_1, ..., P_M}`` of transition kernels that contains the truth (``info.side.model_class``,
``needs = ("model_class",)``), never which member is the truth. Rewards are known.

At the start (``init_state``, Python, once per run) the optimal value
``V_m = V*_{1, P_m}(x_1)`` and an optimal policy ``π_m`` of every member are computed by one
batched backward induction (:func:`mdpsim.batch.backward_induction_batch` on the stacked
class: the members do not change, so neither do their optima). After that an episode costs
``O(M)`` (the choice of the member) and a transition ``O(M)`` (the log-likelihood update):
no planner call per episode.

Per transition ``(h, s, a, s')`` every member's negative log-likelihood is updated exactly,

.. math:: L_m \mathrel{+}= -\log P_{m,h}(s' \mid s, a),

and a member that gives the transition probability 0 is *refuted* (``L_m = +∞``; it is then
never chosen by a learner that looks at the data). At episode ``k`` the learners choose

* ``mex`` — MEX, the paper's objective: ``m_k = argmax_m { V_m − η L_m }`` (exact, over all
  ``M``), ``η = c_η sqrt(log M / (H K))`` [R: the form η ≍ sqrt(log|𝓗| / (H K)) is
  re-derived, the paper's constant is not pinned; ``c_η`` tuned, see the note];
* ``mex_ps`` — the posterior-sampling cousin: draw ``m_k`` with probability
  ``∝ exp((V_m − η L_m) / τ)`` (``τ = 1``: the density ``exp(V − η L)`` of the note) [R];
* ``mle_greedy`` — greedy MLE (``η = ∞``): ``m_k = argmin_m L_m``, certainty equivalence
  without optimism; exact ties (members that agree on every observed transition, e.g. all of
  them before any data) are broken uniformly at random (no prior, no optimism);
* ``omle`` — the optimistic confidence-set comparator (OMLE-style, on the same class):
  ``m_k = argmax { V_m : L_m − min_j L_j <= β }``, ``β = c_β log(M / δ)`` [P].

and play ``π_{m_k}``. Other exact ties go to the lowest class index (the class order is part of the
problem). ``η = 0`` ignores the data entirely (``argmax_m V_m``, refuted members included).
The column ``aux`` records ``m_k``; the returned estimate is ``V_{m_k}``.

Complexity: init one batched backward induction, ``O(M H S² A)``; per episode ``O(M + H S A)``;
per transition ``O(M)``.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from ..theory.acceptance import RULES
from ..theory.bounds import Bound, linear_regret
from ._api import HyperParameter, Learner, ModelInfo, register_learner

__all__ = ["MEX", "MEXPosterior", "MLEGreedy", "OMLE", "State", "Params", "class_optima",
           "finite_class_regret", "choose"]

#: learner modes (``Params.mode``)
MEX_MODE, PS_MODE, MLE_MODE, OMLE_MODE = 0.0, 1.0, 2.0, 3.0


class State(NamedTuple):
    """The learner's memory: ``logP: float64[M, n_p, S, A, S]`` the members' log-kernels
    (``-inf`` where a member gives probability 0); ``V1: float64[M]`` the members' optimal
    values from the initial distribution; ``policy: int64[M, H, S]`` their optimal policies;
    ``nll: float64[M]`` the negative log-likelihood of the data (finite part);
    ``refuted: float64[M]`` the number of observed transitions of probability 0 under each
    member; ``weights: float64[M]`` a work buffer; ``chosen: int64[1]`` the last choice."""

    logP: np.ndarray
    V1: np.ndarray
    policy: np.ndarray
    nll: np.ndarray
    refuted: np.ndarray
    weights: np.ndarray
    chosen: np.ndarray


class Params(NamedTuple):
    """``mode`` (:data:`MEX_MODE`, ...); ``eta`` = η (fixed-budget); ``c_eta``, ``log_m`` =
    log M, ``H`` for the anytime schedule ``η_k = c_η sqrt(log M / (H k))`` (``anytime`` =
    1.0 without an episode budget); ``temp`` = τ; ``beta`` = β."""

    mode: float
    eta: float
    c_eta: float
    log_m: float
    H: float
    anytime: float
    temp: float
    beta: float


def finite_class_regret(K, S: int, A: int, H: int, M: int = 16):
    r"""Order of the finite-class MEX bound [R] (``docs/papers/mex.md`` §4):
    ``sqrt(d_GEC · β · H K)`` with ``d_GEC ≈ H S A`` (tabular) and ``β ≈ log M``, i.e.
    ``sqrt(H² S A log M · K)``; constants not pinned (a reference line, not a certificate)."""
    K = np.asarray(K, dtype=np.float64)
    return np.sqrt(H * H * S * A * math.log(max(M, 2)) * K)


def class_optima(batch):
    """``(V1[M], policy[M, H, S], logP[M, n_p, S, A, S])`` of a stacked class (one batched
    backward induction; :func:`mdpsim.batch.backward_induction_batch`)."""
    from ..batch import backward_induction_batch
    sol = backward_induction_batch(batch)
    if batch.dense:
        P = np.asarray(batch.P, dtype=np.float64)
    else:
        B, n_p, S, A, w = batch.idx.shape
        P = np.zeros((B, n_p, S, A, S))
        bi, hi, si, ai, _ = np.indices(batch.idx.shape)   # padded slots add exact zeros
        np.add.at(P, (bi, hi, si, ai, batch.idx), batch.prob)
    with np.errstate(divide="ignore"):
        logP = np.log(P)
    return (np.ascontiguousarray(sol.value, dtype=np.float64),
            np.ascontiguousarray(sol.policy, dtype=np.int64),
            np.ascontiguousarray(logP))


@njit(cache=True)
def choose(V1, nll, refuted, mode, eta, temp, beta, u):
    """The member chosen at one episode (module docstring), ``int``. ``V1, nll, refuted:
    float64[M]``; ``u`` a uniform draw in [0, 1) (the posterior-sampling draw; greedy MLE's
    uniform choice among exact minimisers). Other exact ties go to the lowest index."""
    M = V1.shape[0]
    best = 0
    if mode == 2.0 or mode == 3.0:              # greedy MLE / confidence set
        lmin = np.inf
        for m in range(M):
            if refuted[m] == 0.0 and nll[m] < lmin:
                lmin = nll[m]
                best = m
        if mode == 2.0:                         # uniform among the exact minimisers
            n = 0
            for m in range(M):
                if refuted[m] == 0.0 and nll[m] == lmin:
                    n += 1
            j = min(int(u * n), n - 1)
            for m in range(M):
                if refuted[m] == 0.0 and nll[m] == lmin:
                    if j == 0:
                        return m
                    j -= 1
            return best
        vbest = -np.inf
        for m in range(M):
            if refuted[m] == 0.0 and nll[m] - lmin <= beta and V1[m] > vbest:
                vbest = V1[m]
                best = m
        return best
    # MEX objective V - eta L (eta = 0: the data are ignored)
    obest = -np.inf
    for m in range(M):
        if eta > 0.0 and refuted[m] > 0.0:
            continue
        o = V1[m] - eta * nll[m] if eta > 0.0 else V1[m]
        if o > obest:
            obest = o
            best = m
    if mode == 0.0:
        return best
    # posterior sampling: P(m) ∝ exp((o_m - o_best) / temp), inverse CDF on u
    tot = 0.0
    for m in range(M):
        if eta > 0.0 and refuted[m] > 0.0:
            continue
        o = V1[m] - eta * nll[m] if eta > 0.0 else V1[m]
        tot += math.exp((o - obest) / temp)
    x = u * tot
    acc = 0.0
    last = best
    for m in range(M):
        if eta > 0.0 and refuted[m] > 0.0:
            continue
        o = V1[m] - eta * nll[m] if eta > 0.0 else V1[m]
        acc += math.exp((o - obest) / temp)
        last = m
        if x < acc:
            return m
    return last


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    """Choose ``m_k`` (:func:`choose`) and write its optimal policy (one-hot) into ``pi``;
    returns ``V_{m_k}``."""
    logP, V1, policy, nll, refuted, weights, chosen = state
    eta = params.eta
    if params.anytime != 0.0:
        eta = params.c_eta * math.sqrt(params.log_m / (params.H * (k + 1)))
    u = rng.random() if params.mode == 1.0 or params.mode == 2.0 else 0.0
    m = choose(V1, nll, refuted, params.mode, eta, params.temp, params.beta, u)
    chosen[0] = m
    H, S, A = pi.shape
    for h in range(H):
        for s in range(S):
            for a in range(A):
                pi[h, s, a] = 0.0
            pi[h, s, policy[m, h, s]] = 1.0
    return V1[m]


@njit(cache=True)
def _observe(state, params, h, s, a, r, s_next):
    """Exact NLL update of every member, ``O(M)``: ``nll[m] -= log P_{m,h}(s'|s,a)``, or
    ``refuted[m] += 1`` where that probability is 0."""
    logP, V1, policy, nll, refuted, weights, chosen = state
    hs = min(h, logP.shape[1] - 1)
    for m in range(V1.shape[0]):
        lp = logP[m, hs, s, a, s_next]
        if lp == -np.inf:
            refuted[m] += 1.0
        else:
            nll[m] -= lp


@njit(cache=True)
def _report(state, params, pi_alt):
    """``aux`` = the chosen member's index."""
    return 0.0, float(state.chosen[0]), np.nan


def _pos(v):
    return v >= 0.0


class _FiniteClassBase(Learner):
    needs = ("model_class",)
    needs_episodes = False
    State = State
    Params = Params
    plan = _plan
    observe = _observe
    report = _report
    _mode = MEX_MODE

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        batch = info.side.model_class
        if batch is None:
            raise ValueError(f"{cls.name} needs a model class (mdpsim.settings.FiniteClass)")
        if (batch.S, batch.A, batch.H) != (info.S, info.A, info.H):
            raise ValueError(f"{cls.name}: the model class has (S, A, H) = "
                             f"{(batch.S, batch.A, batch.H)}, the problem {(info.S, info.A, info.H)}")
        V1, policy, logP = class_optima(batch)
        M = V1.shape[0]
        return State(logP, V1, policy, np.zeros(M), np.zeros(M), np.zeros(M),
                     np.zeros(1, np.int64))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        M = info.side.model_class.B
        log_m = math.log(M) if M > 1 else 0.0
        c = float(hp.get("c_eta", 0.0))
        K = info.K
        eta = c * math.sqrt(log_m / (info.H * K)) if K > 0 else 0.0
        beta = float(hp.get("c_beta", 0.0)) * math.log(M / float(hp.get("delta", 0.05)))
        return Params(mode=cls._mode, eta=eta, c_eta=c, log_m=log_m, H=float(info.H),
                      anytime=float(K <= 0), temp=float(hp.get("temperature", 1.0)),
                      beta=beta)


_PAPER = ("Liu, Lu, Xiong, Zhong, Hu, Zhang, Zheng, Yang, Wang, Maximize to Explore: One "
          "Objective Function Fusing Estimation, Planning, and Exploration, NeurIPS 2023, "
          "arXiv:2305.18258")

_C_ETA = HyperParameter(
    "c_eta", 10.0, float, "proposed",
    "η = c_η sqrt(log M / (H K)) (the paper's η ≍ sqrt(d / (β K)) fixes no constant [R]); "
    "default from the U-shape sweep on riverswim_class, K = 3000 (experiments/mex_eta.py: "
    "c_η in 0.01..1000; 10 is the smallest-regret value with no stuck seed for M = 4..64; "
    "tuned on the instance it is judged on)",
    valid=_pos, expected="a number >= 0 (η < 0 would reward unlikely models)")


@register_learner
class MEX(_FiniteClassBase):
    """MEX on a finite model class (exact argmax). See :mod:`mdpsim.algorithms.mex`."""

    name = "mex"
    title = "MEX (finite class)"
    paper = _PAPER
    hyperparameters = (_C_ETA,)
    reconstructed = ("eta schedule c sqrt(log M/(HK)) (order re-derived, constant tuned)",)
    bound = Bound("mex", finite_class_regret, 0.5, "Õ(√(H² S A log M · K))",
                  "Liu et al., NeurIPS 2023, Thm (finite class; form re-derived)",
                  "order [R]; constants none")
    acceptance = RULES["sublinear"]
    _mode = MEX_MODE


@register_learner
class MEXPosterior(_FiniteClassBase):
    """Posterior-sampling cousin of MEX. See :mod:`mdpsim.algorithms.mex`."""

    name = "mex_ps"
    title = "MEX posterior sampling (finite class)"
    paper = _PAPER + " (the sampling cousin, density ∝ exp(V − η L))"
    hyperparameters = (
        _C_ETA,
        HyperParameter("temperature", 1.0, float, "proposed",
                       "τ of P(m) ∝ exp((V_m − η L_m) / τ); 1 = the density exp(V − η L)",
                       valid=lambda v: v > 0.0, expected="a number > 0"),
    )
    reconstructed = ("sampling density exp((V - eta L)/tau) [R]",
                     "eta schedule c sqrt(log M/(HK))")
    acceptance = RULES["sublinear"]
    _mode = PS_MODE


@register_learner
class MLEGreedy(_FiniteClassBase):
    """Greedy MLE on a finite class (MEX with η = ∞). See :mod:`mdpsim.algorithms.mex`."""

    name = "mle_greedy"
    title = "Greedy MLE (finite class)"
    paper = "certainty-equivalence baseline (MEX with η = ∞, arXiv:2305.18258)"
    hyperparameters = ()
    bound = Bound("mle_greedy", lambda K, **_: linear_regret(K), 1.0, "Θ(K) worst case",
                  "no guarantee (certainty equivalence)", "[P]", kind="none")
    _mode = MLE_MODE

    @classmethod
    def rule(cls, *, hard_exploration: bool = True):
        """Linear regret on a hard-exploration instance; no claim elsewhere."""
        return RULES["linear"] if hard_exploration else None


@register_learner
class OMLE(_FiniteClassBase):
    """Optimistic MLE over a likelihood confidence set on the same finite class.
    See :mod:`mdpsim.algorithms.mex`."""

    name = "omle"
    title = "OMLE (finite class, confidence set)"
    paper = ("Liu, Netrapalli, Ge, Jin, Optimistic MLE: A Generic Model-based Algorithm for "
             "Partially Observable Sequential Decision Making, STOC 2023, arXiv:2209.14997 "
             "(comparator of arXiv:2305.18258)")
    hyperparameters = (
        HyperParameter("c_beta", 1.0, float, "proposed",
                       "β = c_β log(M / δ): width of the likelihood confidence set",
                       valid=_pos, expected="a number >= 0"),
        HyperParameter("delta", 0.05, float, "proposed", "confidence δ of β",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
    )
    reconstructed = ("confidence set {L_m - min L <= c log(M/delta)} [P]",)
    bound = Bound("omle", finite_class_regret, 0.5, "Õ(√(H² S A log M · K))",
                  "OMLE-style finite-class bound (order)", "order [P]; constants none")
    acceptance = RULES["sublinear"]
    _mode = OMLE_MODE
