r"""LSVI-UCB (Jin, Yang, Wang, Jordan, COLT 2020, arXiv:1907.05388) as an engine learner.

Runs in the linear setting (:class:`mdpsim.settings.Linear`): the learner declares
``needs = ("features",)`` and receives the feature map ``φ`` (``info.side.features``,
``float64[n, S, A, d]``) — never ``μ``, ``θ`` or the kernel; its state holds ``φ`` and its own
regression statistics only. Rewards are learned through the regression target (the observed
``r``), not read from the known means.

Per episode ``k`` (0-based stages, ``docs/papers/lsvi_ucb.md`` §3, kernels in
:mod:`mdpsim.algorithms.linear.lsvi_ucb_kernels`): for ``h = H-1, ..., 0``,
``w_h = Λ_h^{-1}(Σ_τ φ_τ r_τ + M_h V_{h+1})``,
``Q_h = min(φᵀw_h + β‖φ‖_{Λ_h^{-1}}, H - h)``, ``V_h = max_a Q_h``; play greedily in ``Q``.
``Λ_h`` is per stage, its inverse updated by Sherman–Morrison at every observed step.

Hyper-parameters and provenance:

* ``lam = 1`` — the paper's ridge parameter (Theorem 3.1);
* ``c`` — ``β = c · d · H · sqrt(ι)``, ``ι = log(2 d T / δ)``, ``T = K H``. The theorem
  asserts *some* absolute constant; ``c = 1`` is the nominal theory value (``theory``). With
  ``c = 1`` the bonus (``β ≈ 100`` at ``d = H = 5``, ``K = 10^4``) keeps every ``Q`` at its
  cap for thousands of episodes, so the default is a multiplier tuned once on held-out
  instances and frozen (``proposed``, ``c = 0.03``; ``experiments/lsvi_ucb_tuning.py`` and
  ``docs/papers/lsvi_ucb.md`` §8: the geometric-mean rule picked 0.01, which fails to explore
  the fail-state MDP; 0.03 is the minimax-slope choice, adopted after that failure);
* ``delta`` — the confidence ``δ`` (the paper's ``p``), ``proposed`` 0.05 as UCBVI's;
* ``ties`` — ``"lowest"`` (default): lowest action index among exactly equal clipped values;
  ``"unclipped"``: among actions whose clipped values are exactly equal, the largest
  *unclipped* value ``φᵀw + β‖φ‖`` (then the lowest index). The paper leaves ties open; both
  are optimistic-greedy, the second keeps the bonus informative while ``Q`` saturates the cap.

The reported ``estimate`` is the optimistic ``init @ V_0``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ...theory.acceptance import RULES
from ...theory.bounds import Bound
from .._api import Learner, HyperParameter, ModelInfo, register_learner
from .lsvi_ucb_kernels import linear_observe, lsvi_plan, lsvi_ucb_beta, lsvi_ucb_state

__all__ = ["LSVI_UCB", "State", "Params", "lsvi_ucb_regret", "check_features", "lsvi_plan",
           "C_PRESETS"]

TIES = ("lowest", "unclipped")

#: Named values of the bonus multiplier ``c`` (pass one as ``c=C_PRESETS[name]``; the
#: learner's default stays ``"default"``, so no stored table changes). ``"default"``: 0.03,
#: the frozen minimax-slope choice on held-out random simplex and RiverSwim instances;
#: ``"tuned"``: 0.1, what the same minimax-slope rule picks on four held-out hidden-factor
#: simplex instances (``experiments/lsvi_ucb_tuning.py``, profile ``hidden``, instance seeds
#: 100..103) — chosen *after* the pre-registered hidden-factor test at 0.03 failed, then
#: tested on fresh instances by ``experiments/lsvi_ucb_confirm.py``; it is the preset for the
#: simplex family and the fail-state MDP (on linear RiverSwim, where d·H is about 3x larger,
#: 0.1 is still in its burn-in at K = 10^4: use ``"default"`` there); ``"theory"``: 1, the
#: nominal constant of Theorem 3.1. See ``docs/papers/lsvi_ucb.md`` §8.
C_PRESETS = {"default": 0.03, "tuned": 0.1, "theory": 1.0}


def lsvi_ucb_regret(K, d: int | None = None, H: int = 1, delta: float = 0.05, c: float = 1.0,
                    S: int | None = None, A: int | None = None, **_):
    r"""Order of Theorem 3.1: ``c sqrt(d^3 H^3 T ι^2)``, ``T = K H``,
    ``ι = log(2 d T / δ)`` (the absolute constant is not given; ``c = 1`` a reference line).
    Without ``d``, the one-hot embedding's ``d = S A``."""
    if d is None:
        if S is None or A is None:
            raise ValueError("lsvi_ucb_regret needs d (or S and A: d = S A)")
        d = S * A
    K = np.asarray(K, dtype=np.float64)
    T = K * H
    iota = np.log(2.0 * d * T / delta)
    return c * np.sqrt(float(d) ** 3 * float(H) ** 3 * T * iota ** 2)


class State(NamedTuple):
    """``phi4: float64[n, S, A, d]`` the features (side information), ``Lam_inv:
    float64[H, d, d]`` the inverses of ``Λ_h``, ``b_r: float64[H, d] = Σ φ r``, ``M:
    float64[H, d, S]`` (``M_h[:, s'] = Σ_{τ: s'_τ = s'} φ_τ``), ``Q`` and ``Qu``
    (clipped / unclipped optimistic values ``float64[H, S, A]``), ``w: float64[H, d]``,
    ``V: float64[S]`` work buffer, ``init``."""

    phi4: np.ndarray
    Lam_inv: np.ndarray
    b_r: np.ndarray
    M: np.ndarray
    Q: np.ndarray
    Qu: np.ndarray
    w: np.ndarray
    V: np.ndarray
    init: np.ndarray


class Params(NamedTuple):
    """``beta`` the bonus scale; ``ties`` 0 (lowest index) or 1 (largest unclipped value)."""

    beta: float
    ties: float


@njit(cache=True)
def _plan(state, params, k, rng, pi):
    phi4, Lam_inv, b_r, M, Q, Qu, w, V, init = state
    lsvi_plan(phi4, Lam_inv, b_r, M, params.beta, Q, Qu, w, V)
    H, S, A = Q.shape
    unclipped = params.ties != 0.0
    for h in range(H):
        for s in range(S):
            best = 0
            for a in range(1, A):
                qa = Q[h, s, a]
                qb = Q[h, s, best]
                if qa > qb or (unclipped and qa == qb and Qu[h, s, a] > Qu[h, s, best]):
                    best = a
            for a in range(A):
                pi[h, s, a] = 0.0
            pi[h, s, best] = 1.0
    acc = 0.0
    for s in range(S):
        acc += init[s] * V[s]
    return acc


def check_features(name: str, info: ModelInfo) -> np.ndarray:
    """``info.side.features`` as ``float64[n, S, A, d]`` (C-contiguous copy) after checking
    it matches ``info`` (one-line ``ValueError`` otherwise)."""
    f = info.side.features
    if f is None:
        raise ValueError(f"{name} needs features (side information of the linear setting): "
                         "run it on a LinearMDP or mdpsim.settings.Linear(lmdp)")
    f = np.asarray(f)
    if f.ndim != 4 or f.shape[0] not in (1, info.H) or f.shape[1:3] != (info.S, info.A) \
            or f.shape[3] < 1:
        raise ValueError(f"{name}: features must have shape [n, S, A, d] with n in {{1, H}}, "
                         f"S = {info.S}, A = {info.A}, H = {info.H}; got shape {f.shape}")
    if f.dtype.kind not in "fiu" or not np.all(np.isfinite(f)):
        raise ValueError(f"{name}: features must be finite numbers")
    return np.array(f, dtype=np.float64, order="C", copy=True)


_POS = dict(valid=lambda v: v > 0.0, expected="a positive number")


@register_learner
class LSVI_UCB(Learner):
    """LSVI-UCB for linear MDPs. See :mod:`mdpsim.algorithms.linear.lsvi_ucb`."""

    name = "lsvi_ucb"
    title = "LSVI-UCB"
    paper = ("Jin, Yang, Wang, Jordan, Provably Efficient RL with Linear Function "
             "Approximation, COLT 2020, arXiv:1907.05388")
    needs = ("features",)
    needs_episodes = True
    State = State
    Params = Params
    hyperparameters = (
        HyperParameter("lam", 1.0, float, "paper", "ridge parameter λ of Λ_h = λI + Σ φφᵀ",
                       **_POS),
        HyperParameter("c", 0.03, float, "proposed",
                       "multiplier of β = c·d·H·sqrt(log(2dT/δ)); c = 1 is the theorem's "
                       "nominal constant, the default tuned once on held-out instances and "
                       "frozen (experiments/lsvi_ucb_tuning.py, docs/papers/lsvi_ucb.md)",
                       theory=1.0, valid=lambda v: v >= 0.0, expected="a number >= 0"),
        HyperParameter("delta", 0.05, float, "proposed",
                       "confidence δ of ι = log(2dT/δ) (the paper's p)",
                       valid=lambda v: 0.0 < v < 1.0, expected="a number in (0, 1)"),
        HyperParameter("ties", "lowest", str, "proposed",
                       "tie rule among equal clipped values: lowest action index, or the "
                       "largest unclipped value (then lowest index)", choices=TIES),
    )
    bound = Bound("lsvi_ucb", lsvi_ucb_regret, 0.5, "Õ(√(d³H³T))",
                  "Jin, Yang, Wang, Jordan, COLT 2020, Thm 3.1", "order [V-src]; constant [R]")
    acceptance = RULES["sublinear"]
    plan = _plan
    observe = linear_observe

    @classmethod
    def beta(cls, info: ModelInfo, hp: dict, d: int) -> float:
        return lsvi_ucb_beta(d, info.H, max(int(info.K), 1), delta=hp["delta"], c=hp["c"])

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> State:
        phi4 = check_features(cls.name, info)
        H, S, A, d = info.H, info.S, info.A, phi4.shape[3]
        Lam_inv, b_r, M = lsvi_ucb_state(H, S, d, hp["lam"])
        return State(phi4=phi4, Lam_inv=Lam_inv, b_r=b_r,
                     M=M, Q=np.zeros((H, S, A)), Qu=np.zeros((H, S, A)),
                     w=np.zeros((H, d)), V=np.zeros(S),
                     init=np.array(info.init, dtype=np.float64, copy=True))

    @classmethod
    def params(cls, info: ModelInfo, hp: dict) -> Params:
        f = info.side.features
        d = int(np.shape(f)[-1]) if f is not None else 1
        return Params(beta=float(cls.beta(info, hp, d)), ties=float(hp["ties"] == "unclipped"))
