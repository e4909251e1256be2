r"""Side information: what a setting grants a learner beyond its observations, built here,
on the engine side, from the true model — the learner receives the result
(:class:`~mdpsim.algorithms.SideInfo` in ``info.side``), never the model.

:func:`side_info` is what :func:`mdpsim.run` and :class:`mdpsim.Agent` call: for a learner
that declares ``needs = ("baseline", ...)`` it builds the baseline policy and its exact value
(:func:`baseline_policy`, from the hyper-parameters ``baseline_fraction`` and
``baseline_kind``), and for ``"offline"`` with ``offline_n > 0`` the offline data source
(:class:`OfflineSource`).

Baselines. Safe but suboptimal baseline policies for conservative exploration (StepMix,
EpsMix, ...).

Conservative exploration (Li, Huang, Shen, Yang, "Near-optimal Conservative Exploration in
Reinforcement Learning under Episode-wise Constraints", ICML 2023, arXiv:2306.06265; Garcelon
et al., AISTATS 2020) assumes a *baseline* policy ``π^b`` whose value ``V^b = V^{π^b}_1(s_1)``
is acceptable but below the optimum. The catalogue environments come with no such policy, so
:func:`baseline_policy` builds one with a chosen fraction of the optimal value:

.. math::
    π^b_β = β\,π^* + (1 - β)\,π^{\rm bottom},\qquad
    V^{π^b_β}_1(s_1) = f\, V^*_1(s_1),

a per-step mixture (at every step, the optimal action w.p. β, else an action of the "bottom"
policy) whose weight ``β`` is found by bisection on its **exact** value (backward induction
on the true model). The bottom policy is

* ``kind="uniform"`` (default): the uniform policy — the usual "optimal + noise" baseline;
* ``kind="worst"``: the value-minimising deterministic policy (optimal for ``-R``), for
  instances where the uniform policy is already above the requested fraction (on Garnet
  G(10, 3, 3), H = 10, the uniform policy has ``V ≈ 0.67 V*``).

``V(β)`` is continuous, equals ``V^{bottom}`` at β = 0 and ``V*`` at β = 1, so bisection on
the sign of ``V(β) - f V*`` converges to a root for any ``f`` in between (the root is unique
when ``V(β)`` is increasing, which is the typical case; bisection needs only continuity).
On RiverSwim (S = 6, H = 20) "swim left" has ``V ≈ 0.1`` against ``V* ≈ 3.40``, too poor
to be a useful baseline; the mixture construction gives any fraction above the uniform
policy's ``≈ 0.013``.

Every choice here is ours ([P] in ``docs/papers/stepmix.md``: "a low-temperature softmax
of Q* mixed with uniform, a softmax-perturbed optimal policy, ...").

Offline data. :func:`offline_dataset` draws ``n`` trajectories of a behaviour policy from
the true model (the data of the offline-baseline extension; the learners simulate the same
draws inside their compiled kernels from the :class:`OfflineSource` they are given, see
:mod:`mdpsim.algorithms.conservative`), and
:func:`behaviour_estimate` is the empirical policy ``π̂_h(a|s) = n_h(s, a) / n_h(s)``
(uniform where ``n_h(s) = 0``).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._rng import as_generator
from ..algorithms import NO_SIDE, SideInfo
from ..models import TabularMDP

__all__ = ["side_info", "OfflineSource", "Baseline", "baseline_policy", "offline_dataset",
           "behaviour_estimate", "coverage_constant", "behaviour_catalogue"]

KINDS = ("uniform", "worst")


class Baseline(NamedTuple):
    """A baseline policy and its exact value.

    ``pi: float64[H, S, A]`` action probabilities; ``value = init @ V^{pi}_0`` (exact);
    ``optimal_value = V*_1``; ``fraction`` the requested ``V^b / V*``; ``weight`` the
    mixing weight β on the optimal policy; ``kind`` the bottom policy; ``iterations`` of the
    bisection; ``error = |value - fraction * optimal_value|``.
    """

    pi: np.ndarray
    value: float
    optimal_value: float
    fraction: float
    weight: float
    kind: str
    iterations: int
    error: float


def _episodic(mdp) -> TabularMDP:
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    if not mdp.finite_horizon:
        raise ValueError(f"baseline policies are built for finite-horizon MDPs (horizon=H); "
                         f"this one is discounted (gamma={mdp.gamma})")
    return mdp


def _onehot(policy: np.ndarray, A: int) -> np.ndarray:
    pi = np.zeros(policy.shape + (A,))
    np.put_along_axis(pi, policy[..., None].astype(np.int64), 1.0, axis=-1)
    return pi


def _value(mdp: TabularMDP, pi: np.ndarray) -> float:
    from ..planning import evaluate
    return float(mdp.init @ evaluate(mdp, pi)[0])


def baseline_policy(mdp: TabularMDP, fraction: float = 0.5, *, kind: str = "uniform",
                    tol: float = 1e-12, max_iter: int = 200) -> Baseline:
    """A baseline ``π^b = β π* + (1 - β) π^{bottom}`` with ``V^{π^b}_1 = fraction · V*_1``.

    Parameters
    ----------
    mdp : TabularMDP
        Finite-horizon model (the *true* model: the baseline is side information of the
        conservative setting, built by the experimenter).
    fraction : float in (0, 1)
        Requested ``V^b / V*``; must lie between the bottom policy's fraction and 1.
    kind : "uniform" | "worst"
        Bottom policy (see the module docstring).
    tol : float
        Bisection stops when ``|V(β) - fraction V*| <= tol * max(1, |V*|)``.
    max_iter : int
        Bisection steps at most (each halves the bracket; 200 reach float64 resolution).

    Returns
    -------
    Baseline
        ``pi: float64[H, S, A]``, its exact ``value`` and the rest (see :class:`Baseline`).

    Raises ``ValueError`` naming ``fraction`` when it is outside ``(V^{bottom}/V*, 1)``.
    """
    from ..planning import solve
    mdp = _episodic(mdp)
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float, np.floating,
                                                               np.integer)):
        raise ValueError(f"fraction must be a number in (0, 1), got {fraction!r}")
    fraction = float(fraction)
    if not (0.0 < fraction < 1.0):
        raise ValueError(f"fraction must be in (0, 1) (V^b / V*), got {fraction!r}")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}; got {kind!r}")
    H, S, A = mdp.horizon, mdp.S, mdp.A
    sol = solve(mdp)
    vstar = float(sol.value)
    top = _onehot(np.asarray(sol.policy), A)
    if kind == "uniform":
        bottom = np.full((H, S, A), 1.0 / A)
    else:
        worst = solve(mdp.replace(R=-np.asarray(mdp.R)))
        bottom = _onehot(np.asarray(worst.policy), A)
    target = fraction * vstar
    v_lo = _value(mdp, bottom)
    scale = max(1.0, abs(vstar))
    if not (v_lo < target < vstar) and abs(v_lo - target) > tol * scale:
        lo_frac = v_lo / vstar if vstar != 0.0 else float("nan")
        raise ValueError(f"fraction = {fraction!r} is not reachable with kind={kind!r}: the "
                         f"{kind} policy already has V / V* = {lo_frac:.6g} (V = {v_lo:.6g}, "
                         f"V* = {vstar:.6g}); choose fraction in ({lo_frac:.6g}, 1)"
                         + (" or kind='worst'" if kind == "uniform" else ""))
    lo, hi = 0.0, 1.0
    beta, v = 0.0, v_lo
    it = 0
    while it < max_iter and abs(v - target) > tol * scale:
        beta = 0.5 * (lo + hi)
        v = _value(mdp, beta * top + (1.0 - beta) * bottom)
        if v < target:
            lo = beta
        else:
            hi = beta
        it += 1
    pi = beta * top + (1.0 - beta) * bottom
    return Baseline(pi=pi, value=v, optimal_value=vstar, fraction=fraction, weight=beta,
                    kind=kind, iterations=it, error=abs(v - target))


def offline_dataset(mdp: TabularMDP, pi: np.ndarray, n: int, *, rng=0):
    """``n`` trajectories of the behaviour policy ``pi: float64[H, S, A]`` on ``mdp``.

    Returns ``(states: int64[n, H + 1], actions: int64[n, H])``. Uniforms are drawn from
    ``rng`` in the order of the learners' kernels (per trajectory: the initial state, then
    per step the action and the next state), with the inverse-CDF rule of
    :mod:`mdpsim.kernels`, so a learner seeded with the same generator sees the same data.
    """
    from .reference import inv_cdf
    mdp = _episodic(mdp)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer (number of trajectories), got {n!r}")
    g = as_generator(rng)
    H, S, A = mdp.horizon, mdp.S, mdp.A
    pi = np.asarray(pi, dtype=np.float64)
    if pi.shape != (H, S, A):
        raise ValueError(f"pi must have shape [H, S, A] = [{H}, {S}, {A}], got {pi.shape}")
    P = np.asarray(mdp.P)
    P4 = P[None] if P.ndim == 3 else P
    init = np.asarray(mdp.init).tolist()
    states = np.zeros((n, H + 1), dtype=np.int64)
    actions = np.zeros((n, H), dtype=np.int64)
    for i in range(n):
        s = inv_cdf(init, g.random())
        states[i, 0] = s
        for h in range(H):
            a = inv_cdf(pi[h, s].tolist(), g.random())
            s = inv_cdf(P4[min(h, P4.shape[0] - 1), s, a].tolist(), g.random())
            actions[i, h] = a
            states[i, h + 1] = s
    return states, actions


def behaviour_estimate(states: np.ndarray, actions: np.ndarray, S: int, A: int) -> np.ndarray:
    """Empirical behaviour policy ``π̂_h(a|s) = n_h(s, a) / n_h(s)`` (uniform where
    ``n_h(s) = 0``) from ``states: int[n, H + 1]``, ``actions: int[n, H]`` ->
    ``float64[H, S, A]``."""
    states = np.asarray(states)
    actions = np.asarray(actions)
    n, H = actions.shape
    cnt = np.zeros((H, S, A))
    for h in range(H):
        np.add.at(cnt[h], (states[:, h], actions[:, h]), 1.0)
    tot = cnt.sum(-1, keepdims=True)
    return np.where(tot > 0, cnt / np.where(tot > 0, tot, 1.0), 1.0 / A)


def coverage_constant(mdp: TabularMDP, mu: np.ndarray, pi=None) -> float:
    r"""Single-policy concentrability of the behaviour policy ``mu: float64[H, S, A]`` for
    ``pi`` (default: an optimal policy of ``mdp``), computed exactly from the occupancies
    (:func:`mdpsim.planning.occupancy`):

    .. math:: c^*_{\rm off} = \max_{h, s, a:\ d^{\pi}_h(s, a) > 0}
              d^{\pi}_h(s, a) / d^{\mu}_h(s, a)

    (``inf`` when ``mu`` misses a pair that ``pi`` visits; ``>= 1`` always, since both
    occupancies sum to 1 at each step). The ratio form is the usual one for tabular hybrid
    RL; which variant the actor-critic paper uses is a reconstruction
    (``docs/papers/optimistic_actor_critic.md`` §3.5)."""
    from ..planning import occupancy, solve
    mdp = _episodic(mdp)
    H, S, A = mdp.horizon, mdp.S, mdp.A
    mu = np.asarray(mu, dtype=np.float64)
    if mu.shape != (H, S, A):
        raise ValueError(f"mu must have shape [H, S, A] = [{H}, {S}, {A}], got {mu.shape}")
    if pi is None:
        pi = _onehot(np.asarray(solve(mdp).policy), A)
    dpi = np.asarray(occupancy(mdp, pi), dtype=np.float64)
    dmu = np.asarray(occupancy(mdp, mu), dtype=np.float64)
    on = dpi > 0.0
    if np.any(dmu[on] <= 0.0):
        return float("inf")
    return float(np.max(dpi[on] / dmu[on]))


def behaviour_catalogue(mdp: TabularMDP, fractions=(0.2, 0.5, 0.8),
                        kinds=("uniform", "worst")) -> list:
    """The behaviour policies the hybrid learners can be given (``baseline_fraction``,
    ``baseline_kind``), each with its exact value and coverage constant: a list of dicts
    ``{"kind", "fraction", "weight", "value", "optimal_value", "c_off", "pi"}``, one per
    reachable ``(kind, fraction)`` (a fraction below the bottom policy's is skipped).
    ``c_off`` = :func:`coverage_constant` against the optimal policy of ``solve(mdp)``."""
    out = []
    for kind in kinds:
        for f in fractions:
            try:
                b = baseline_policy(mdp, f, kind=kind)
            except ValueError:
                continue
            out.append({"kind": kind, "fraction": float(f), "weight": b.weight,
                        "value": b.value, "optimal_value": b.optimal_value,
                        "c_off": coverage_constant(mdp, b.pi), "pi": b.pi})
    return out


class OfflineSource(NamedTuple):
    """The offline data source of the conservative learners' offline extension: ``n``
    trajectories of the behaviour policy ``behaviour_pi: float64[H, S, A]`` are simulated
    from ``P: float64[n_p, S, A, S]`` (a dense copy of the true kernel, stage-first) inside
    the learner's first ``plan`` call with the seed's generator. It is a simulator granted as
    side information (the data's source), not a model to learn from: no learning code reads
    ``P``."""

    P: np.ndarray
    behaviour_pi: np.ndarray
    n: int


_BASELINES: dict = {}


def _baseline_for(mdp, fraction: float, kind: str) -> Baseline:
    """``baseline_policy(mdp, fraction, kind=kind)``, cached per model object."""
    key = (id(mdp), float(fraction), kind)
    hit = _BASELINES.get(key)
    if hit is not None and hit[0] is mdp:   # the model is held, so its id is not reused
        return hit[1]
    try:
        b = baseline_policy(mdp, fraction, kind=kind)
    except ValueError as exc:
        raise ValueError(f"hyper-parameter baseline_fraction: {exc}") from None
    if len(_BASELINES) >= 32:
        _BASELINES.clear()
    _BASELINES[key] = (mdp, b)
    return b


def side_info(algo, mdp: TabularMDP, hp: dict, *, features=None,
              model_class=None) -> SideInfo:
    """The :class:`~mdpsim.algorithms.SideInfo` that learner ``algo`` (a registered class)
    receives on ``mdp`` with the resolved hyper-parameters ``hp``, from what it declares in
    ``needs``: ``"baseline"`` — ``baseline_policy(mdp, hp["baseline_fraction"],
    kind=hp["baseline_kind"])`` and its exact value; ``"offline"`` — with ``hp["offline_n"] >
    0``, the :class:`OfflineSource` whose behaviour policy is that baseline (the baseline
    policy itself is then *not* given: ``baseline_pi = None``; its value is, as the level
    the engine counts violations against); ``"features"`` — ``features``, the feature map
    ``float64[n, S, A, d]`` the setting grants (:meth:`mdpsim.settings.Setting.side_features`:
    the linear setting's ``φ``, never ``μ`` or ``θ``); a learner that needs features on a
    setting that grants none gets a one-line ``ValueError``; ``"model_class"`` —
    ``model_class``, the finite class the setting grants
    (:meth:`mdpsim.settings.Setting.side_model_class`), likewise.
    :data:`~mdpsim.algorithms.NO_SIDE` for a learner that needs nothing."""
    needs = tuple(getattr(algo, "needs", ()))
    if not needs:
        return NO_SIDE
    feats = None
    if "features" in needs:
        if features is None:
            raise ValueError(f"{algo.name} needs features (side information of the linear "
                             "setting): run it on a LinearMDP or mdpsim.settings.Linear(lmdp) "
                             "(a TabularMDP grants none; mdpsim.envs.linear.one_hot(mdp) gives "
                             "d = S A)")
        feats = features
    mc = None
    if "model_class" in needs:
        if model_class is None:
            raise ValueError(f"{algo.name} needs a model class (side information of the "
                             "finite-class setting): run it on mdpsim.settings.FiniteClass("
                             "mdp, models) or a *_class environment (e.g. "
                             "make('riverswim_class'))")
        mc = model_class
    if "baseline" not in needs and "offline" not in needs:
        return SideInfo(features=feats, model_class=mc)
    b = _baseline_for(mdp, hp["baseline_fraction"], hp["baseline_kind"])
    offline = None
    if "offline" in needs and hp.get("offline_n", 0) > 0:
        P = np.asarray(mdp.P, dtype=np.float64)
        offline = OfflineSource(P=np.ascontiguousarray(P[None] if P.ndim == 3 else P),
                                behaviour_pi=b.pi, n=int(hp["offline_n"]))
    pi = b.pi if ("baseline" in needs and offline is None) else None
    return SideInfo(baseline_pi=pi, baseline_value=float(b.value), offline=offline,
                    features=feats, model_class=mc)
