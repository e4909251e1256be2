r"""d-rectangular robust linear MDP instances (:class:`~mdpsim.models.robust_linear.
DRectLinearMDP`): a nominal linear MDP of :mod:`mdpsim.envs.linear` plus TV radii.

* ``drect_simplex`` — the random simplex-feature linear MDP (``linear_simplex``) with one TV
  radius ``rho`` for every factor and stage (issue #13's instance: S = 20, A = 5, d = 5,
  H = 5);
* ``drect_simplex_hidden`` — the hidden-reward-factor simplex MDP
  (``linear_simplex_hidden``: one reward factor that only the last action loads on, so
  exploration matters) with one TV radius ``rho`` for every factor and stage;
* ``drect_fail_state`` — the fail-state MDP (``linear_fail_state``) with the uncertainty the
  DR-LSVI-UCB experiments put on it: only factor 4 (the one leading to the rewarding state
  ``x5``) at step 1, radius ``rho`` (``docs/papers/drrpo.md`` §5; the group's code
  [V-code, via our notes]); every other radius 0. Its worst case is exactly the test
  perturbation ``q = rho`` of ``linear_fail_state`` (mass ``rho`` of ``x5`` moved to the fail
  state ``x4``), which a test checks;
* ``american_put`` — the anchor-interpolated American put option (hold / exercise, hat
  features on evenly spaced price anchors, up-move probability ``p``), exactly linear and
  d-rectangular by construction (``docs/papers/drrpo.md`` §10).
"""
from __future__ import annotations

import numpy as np

from ..models.robust_linear import DRectLinearMDP
from ._common import check_real
from ._registry import register
from ..models.linear import LinearMDP
from .linear import linear_simplex, linear_simplex_hidden, linear_fail_state

__all__ = ["drect_simplex", "drect_simplex_hidden", "drect_fail_state", "american_put",
           "put_anchors", "put_hat", "put_lattice", "PUT_STRIKE"]


@register("drect_simplex")
def drect_simplex(S: int = 20, A: int = 5, d: int = 5, *, horizon: int = 5, rho: float = 0.1,
                  rng=0, stage_dependent: bool = False, b: int | None = None,
                  alpha: float = 1.0) -> DRectLinearMDP:
    """``linear_simplex(S, A, d, horizon, rng, b, alpha, stage_dependent)`` with TV radius
    ``rho`` on every factor at every stage. ``alpha`` is the Dirichlet concentration of the
    features: small ``alpha`` (e.g. 0.1) puts them near the coordinate vectors, where the
    d-rectangular bonus behaves like the ellipsoidal one (``docs/papers/drrpo.md`` §8).
    **[P]** instance of mdpsim."""
    lin = linear_simplex(S, A, d, horizon=horizon, rng=rng, b=b, alpha=alpha,
                         stage_dependent=stage_dependent)
    tail = "" if alpha == 1.0 else f",alpha={alpha:g}"
    return DRectLinearMDP(lin, rho, name=f"drect_simplex(S={S},A={A},d={d},H={horizon},"
                                         f"rho={rho:g}{tail})")


@register("drect_simplex_hidden")
def drect_simplex_hidden(S: int = 20, A: int = 5, d: int = 5, *, horizon: int = 5,
                         rho: float = 0.1, load: float = 0.5, r_max: float = 0.5, rng=0,
                         b: int | None = None) -> DRectLinearMDP:
    """``linear_simplex_hidden(S, A, d, horizon, rng, b, rho=load, r_max)`` — the reward factor
    ``d - 1`` is loaded (weight ``load``) only by the last action — with TV radius ``rho`` on
    every factor at every stage. Exactly linear with ``φ ∈ Δ_d`` and ``μ_{h,i} ∈ Δ(S)``, hence
    d-rectangular. **[P]** instance of mdpsim (issue #13, fixed before any learner ran on it)."""
    load = check_real("load", load)
    if not 0.0 < load <= 1.0:
        raise ValueError(f"load must lie in (0, 1] (weight of the reward factor in the last "
                         f"action's features), got load={load!r}")
    lin = linear_simplex_hidden(S, A, d, horizon=horizon, rng=rng, b=b, rho=load, r_max=r_max)
    return DRectLinearMDP(lin, rho, name=f"drect_simplex_hidden(S={S},A={A},d={d},H={horizon},"
                                         f"rho={rho:g},load={load:g})")


@register("drect_fail_state")
def drect_fail_state(*, rho: float = 0.1, horizon: int = 3, delta: float = 0.3,
                     xi_norm: float = 0.2, p_fail: float = 0.001,
                     q: float = 0.0) -> DRectLinearMDP:
    """The fail-state MDP with a TV ball of radius ``rho`` on factor 4 at step 1 only
    (module docstring); ``q`` perturbs the nominal model itself (the test environments)."""
    rho = check_real("rho", rho)
    lin = linear_fail_state(horizon=horizon, delta=delta, xi_norm=xi_norm, p_fail=p_fail, q=q)
    radius = np.zeros((3, 4))
    radius[0, 3] = rho
    return DRectLinearMDP(lin, radius, name=f"drect_fail_state(rho={rho:g},q={q:g})")


# ------------------------------------------------------------------------------ American put
#: strike of :func:`american_put`; prices are normalised by ``STRIKE - lowest anchor`` so that
#: rewards lie in [0, 1]
PUT_STRIKE = 100.0
_PUT_LOW_SPAN = 42.0      # strike - lowest anchor (d = 30: anchors 58, 61.5, ..., 159.5)
_PUT_HIGH_SPAN = 59.5     # highest anchor - strike (d = 30)
_PUT_UP, _PUT_DOWN = 1.02, 0.98


def put_anchors(d: int) -> np.ndarray:
    """The ``d`` evenly spaced hat anchors of :func:`american_put`: spacing ``Δ = 42 / k`` with
    ``k = round(42 (d - 1) / 101.5)`` anchors below the strike, so the strike 100 is an anchor
    (``d = 30``: ``58, 61.5, ..., 100, ..., 159.5``, ``Δ = 3.5``)."""
    k = int(round(_PUT_LOW_SPAN * (d - 1) / (_PUT_LOW_SPAN + _PUT_HIGH_SPAN)))
    k = min(max(k, 1), d - 2)
    delta = _PUT_LOW_SPAN / k
    return PUT_STRIKE + delta * (np.arange(d, dtype=np.float64) - k)


def put_hat(prices, anchors) -> np.ndarray:
    """Hat features ``φ_i(s) = max(0, 1 - |s - s_i| / Δ)`` of ``prices`` (inside the anchor
    range), ``float64[n, d]``: at most two neighbouring non-zeros, summing to 1 exactly."""
    prices = np.asarray(prices, dtype=np.float64)
    lo, delta, d = anchors[0], anchors[1] - anchors[0], anchors.size
    j = np.clip(np.floor((prices - lo) / delta).astype(np.int64), 0, d - 2)
    w = np.clip((prices - anchors[j]) / delta, 0.0, 1.0)
    out = np.zeros((prices.size, d))
    out[np.arange(prices.size), j] = 1.0 - w
    out[np.arange(prices.size), j + 1] += w
    return out


def put_lattice(d: int):
    """``(prices, anchors, up, down)`` of :func:`american_put`: ``prices`` (sorted) are the
    one-step moves ``1.02 s_i`` and ``0.98 s_i`` of the anchors clamped to the anchor range
    ``[s_1, s_d]``; ``up[i]`` / ``down[i]`` index the moves of anchor ``i`` in ``prices``."""
    anchors = put_anchors(d)
    lo, hi = anchors[0], anchors[-1]
    moves = np.concatenate([np.minimum(anchors * _PUT_UP, hi), np.maximum(anchors * _PUT_DOWN, lo)])
    prices = np.unique(np.round(moves, 9))
    up = np.searchsorted(prices, np.round(np.minimum(anchors * _PUT_UP, hi), 9))
    down = np.searchsorted(prices, np.round(np.maximum(anchors * _PUT_DOWN, lo), 9))
    return prices, anchors, up, down


@register("american_put")
def american_put(*, d: int = 30, horizon: int = 20, p: float = 0.5, rho: float = 0.025,
                 s0_low: float = 95.0, s0_high: float = 105.0) -> DRectLinearMDP:
    r"""The **anchor-interpolated American put**: an exactly linear, d-rectangular version of
    the papers' American put option (``docs/papers/drrpo.md`` §10; a modelling choice of
    mdpsim **[P]**, not the papers' environment).

    * Anchors ``s_1 < … < s_d`` evenly spaced with the strike 100 among them
      (:func:`put_anchors`; ``d = 30``: 58 … 159.5, ``Δ = 3.5``); hat features
      ``φ_i(s) = max(0, 1 − |s − s_i|/Δ)``, a partition of unity on ``[s_1, s_d]``.
    * States: the prices ``1.02 s_i`` and ``0.98 s_i`` (clamped to ``[s_1, s_d]``: the only
      clamps are ``0.98 s_1 → s_1`` and ``1.02 s_d → s_d``) — ``2d`` prices, closed under the
      dynamics — plus an absorbing terminal state (last index). Initial distribution: uniform
      over the prices in ``[s0_low, s0_high]``.
    * Actions: hold (0), exercise (1). Hold: ``P(·|s, hold) = Σ_i φ_i(s) μ_{hold,i}``, where
      ``μ_{hold,i}`` moves the anchor price ``s_i`` up (×1.02) with probability ``p`` and down
      (×0.98) otherwise; from an anchor this is the papers' move, from a price between two
      anchors it is the interpolation of their moves. Exercise: reward
      ``max(0, 100 − s) / (100 − s_1)`` (normalised to [0, 1]; exact as the interpolation of
      the anchor payoffs because the strike is an anchor), then the terminal state.
    * Features ``φ(s, a) ∈ Δ_{2d+1}``: coordinates ``0..d−1`` hold-hats, ``d..2d−1``
      exercise-hats (factor ``δ_terminal``, reward ``θ = payoff(s_i)``), ``2d`` the terminal
      state. TV radius ``rho`` on every factor and stage (the exercise and terminal factors
      already sit at the worst value 0, so only the hold factors matter).

    ``p`` changes only the hold factors (the test perturbation of the robustness figure).
    """
    d = int(_put_check_int("d", d, 4))
    horizon = _put_check_int("horizon", horizon, 1)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) \
            or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1] (up-move probability of hold), "
                         f"got p={p!r}")
    rho = check_real("rho", rho, lo=0.0)
    if rho > 1.0:
        raise ValueError(f"rho must lie in [0, 1] (a TV radius), got rho={rho!r}")
    s0_low, s0_high = check_real("s0_low", s0_low), check_real("s0_high", s0_high)
    prices, anchors, up, down = put_lattice(d)
    start = (prices >= s0_low) & (prices <= s0_high)
    if not start.any():
        raise ValueError(f"s0_low, s0_high = {s0_low!r}, {s0_high!r} contain no price of the "
                         f"lattice [{prices[0]:g}, {prices[-1]:g}]")
    p = float(p)
    n, S, D = prices.size, prices.size + 1, 2 * d + 1
    term = S - 1
    phi = np.zeros((S, 2, D))
    hat = put_hat(prices, anchors)
    phi[:n, 0, :d] = hat
    phi[:n, 1, d:2 * d] = hat
    phi[term, :, 2 * d] = 1.0
    mu = np.zeros((D, S))
    mu[np.arange(d), up] += p
    mu[np.arange(d), down] += 1.0 - p
    mu[d:, term] = 1.0
    theta = np.zeros(D)
    theta[d:2 * d] = np.maximum(0.0, PUT_STRIKE - anchors) / (PUT_STRIKE - anchors[0])
    init = np.zeros(S)
    init[:n][start] = 1.0 / start.sum()
    lin = LinearMDP(phi, mu, theta, horizon=horizon, init=init, simplex_features=True,
                    factor_distributions=True, name=f"american_put(d={d},H={horizon},p={p:g})")
    return DRectLinearMDP(lin, rho, name=f"american_put(d={d},H={horizon},p={p:g},"
                                         f"rho={rho:g})")


def _put_check_int(name, value, lo):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {name}={value!r}")
    return int(value)
