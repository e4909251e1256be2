r"""Exact linear MDPs: factories returning :class:`~mdpsim.models.LinearMDP` instances.

Every model here is *exactly* linear (``P = phi mu`` and ``r = phi theta`` to rounding), so
its optimum is that of ``model.to_tabular()`` (``mdpsim.solve``); the fail-state MDP also has
a closed form (:func:`fail_state_optimum`). Constructions (``docs/papers/lsvi_ucb.md`` §5):

* ``linear_simplex`` — random simplex (low-rank) MDPs: ``phi(s, a) ∈ Δ_d``,
  ``mu_{h,i} ∈ Δ(S)``, ``theta_h ∈ [0, 1]^d``; exactly linear and d-rectangular;
* ``linear_simplex_hidden`` — a random simplex MDP in which exploration matters: one reward
  factor that only the last action's features load on;
* :func:`one_hot` / ``linear_one_hot`` — any tabular MDP with one-hot features (``d = S A``);
* :func:`aggregate` / ``linear_aggregated`` — state-action pairs sharing their transition row
  and reward (at every stage) share one feature;
* ``linear_fail_state`` — the fail-state MDP of the DR-LSVI-UCB papers (d = 4, H = 3,
  16 actions); partly reconstructed, see its docstring;
* ``linear_riverswim`` — RiverSwim written as a linear MDP (one-hot, or kernel-row features).

For a model that is *not* exactly linear in given features use
:func:`mdpsim.models.fit_linear`, which reports the misfit.
"""
from __future__ import annotations

import numpy as np

from .._rng import as_generator
from ..models import LinearMDP, TabularMDP
from ._common import criterion, check_int, check_real
from ._registry import register, make
from .riverswim import riverswim

__all__ = ["linear_simplex", "linear_simplex_hidden", "one_hot", "linear_one_hot", "aggregate",
           "linear_aggregated", "linear_fail_state", "fail_state_optimum", "fail_state_actions", "linear_riverswim"]


# ------------------------------------------------------------------------------ simplex
def _garnet_factors(g, rows: int, S: int, b: int) -> np.ndarray:
    """``rows`` Garnet rows in ``Δ(S)``: ``b`` distinct states drawn uniformly, ``U(0, 1)``
    weights normalised (the draw order of :func:`linear_simplex`)."""
    idx = np.sort(np.argsort(g.random((rows, S)), axis=1)[:, :b], axis=1)
    w = g.random((rows, b))
    w /= w.sum(axis=1, keepdims=True)
    mu = np.zeros((rows, S))
    np.put_along_axis(mu, idx, w, axis=1)
    return mu


@register("linear_simplex")
def linear_simplex(S: int = 20, A: int = 5, d: int = 5, *, horizon: int | None = None,
                   gamma: float | None = None, rng=0, b: int | None = None,
                   alpha: float = 1.0, stage_dependent: bool = False) -> LinearMDP:
    """Random simplex-feature (low-rank) linear MDP, exactly linear and d-rectangular.

    * features ``phi(s, a) ~ Dirichlet(alpha * 1_d)`` (in the simplex ``Δ_d``);
    * factors ``mu_{h,i} ∈ Δ(S)``: ``b`` distinct states drawn uniformly (all ``S`` when
      ``b`` is None), weights ``U(0, 1)`` normalised (a Garnet row);
    * reward parameters ``theta_h ~ U(0, 1)^d``, so ``r = phi theta ∈ [0, 1]``;
    * start state 0; ``stage_dependent=True`` draws fresh ``mu_h, theta_h`` per stage (the
      features stay shared, as in Jin et al.); discounted models are stationary.

    Source: the simplex-feature construction of the linear-MDP literature
    (``docs/papers/lsvi_ucb.md`` §5.1); sizes default to the LSVI-UCB check of issue #12
    (S = 20, A = 5, d = 5, H = 5). The draws are **[P]** choices of mdpsim. Known optimum:
    ``mdpsim.solve(model.to_tabular())``.
    """
    S, A, d = check_int("S", S), check_int("A", A), check_int("d", d)
    b = S if b is None else check_int("b", b)
    if b > S:
        raise ValueError(f"b must be <= S (b distinct states per factor), got b={b}, S={S}")
    alpha = check_real("alpha", alpha, lo=0.0, lo_open=True)
    crit = criterion(horizon, gamma, default_horizon=5)
    if stage_dependent and "horizon" not in crit:
        raise ValueError("stage_dependent=True needs a finite horizon")
    g = as_generator(rng)
    n = crit["horizon"] if stage_dependent else 1
    phi = g.dirichlet(np.full(d, alpha), size=(S, A))
    mu = _garnet_factors(g, n * d, S, b).reshape(n, d, S)
    theta = g.random((n, d))
    if n == 1:
        mu, theta = mu[0], theta[0]
    return LinearMDP(phi, mu, theta, simplex_features=True, factor_distributions=True,
                     name=f"linear_simplex(S={S},A={A},d={d})", **crit)


@register("linear_simplex_hidden")
def linear_simplex_hidden(S: int = 20, A: int = 5, d: int = 5, *, horizon: int | None = None,
                          gamma: float | None = None, rng=0, b: int | None = None,
                          alpha: float = 1.0, rho: float = 0.5, r_max: float = 0.5,
                          stage_dependent: bool = False) -> LinearMDP:
    r"""Random simplex linear MDP with a **hidden reward factor**: exploration matters.

    On :func:`linear_simplex` instances every action mixes the same ``d`` factors, so the
    data of any policy informs every direction of ``w_h`` and a learner without a bonus does
    about as well as LSVI-UCB. Here the last factor (index ``d - 1``, "the reward factor")
    is seen only through the last action (index ``A - 1``, "the rare action"):

    * ``psi(s, a) ~ Dirichlet(alpha * 1_{d-1})`` for every pair;
      ``phi(s, a) = (psi(s, a), 0)`` for ``a < A - 1`` and
      ``phi(s, A - 1) = ((1 - rho) psi(s, A - 1), rho)`` — every row in ``Δ_d``;
    * factors ``mu_{h,i} ∈ Δ(S)``: Garnet rows on ``b`` states, as in :func:`linear_simplex`
      (the reward factor's included);
    * ``theta_{h,i} ~ U(0, r_max)`` for ``i < d - 1`` and ``theta_{h,d-1} = 1``: the rare action
      pays at least ``rho`` and the others at most ``r_max``.

    Why exploration matters: no feature but the rare action's has a component on the reward
    factor, so from data without the rare action the ridge estimate of ``w_h`` is 0 in that
    direction and the rare action's estimated value is its known part, scaled by
    ``1 - rho``; a learner without a bonus plays it only where that scaled part still wins.
    LSVI-UCB's bonus is largest in the unseen direction. With the defaults
    (``rho = r_max = 0.5``) the rare action is the myopically best action at every state.
    The rare action is the *last* index so that the ``"lowest"`` tie rule (which picks
    action 0 while all estimates are 0) does not hand it to a bonus-free learner; with random
    tie-breaking a bonus-free learner would meet it by chance in its first episodes.

    Exactly linear and d-rectangular (``phi ∈ Δ_d``, ``mu_{h,i} ∈ Δ(S)``,
    ``theta_h ∈ [0, 1]^d``); start state 0; ``stage_dependent`` as in :func:`linear_simplex`.
    **[P]** construction of mdpsim (``docs/papers/lsvi_ucb.md`` §5.1), fixed before any
    learner was run on it. Known optimum: ``mdpsim.solve(model.to_tabular())``.
    """
    S, A, d = check_int("S", S), check_int("A", A, lo=2), check_int("d", d, lo=2)
    b = S if b is None else check_int("b", b)
    if b > S:
        raise ValueError(f"b must be <= S (b distinct states per factor), got b={b}, S={S}")
    alpha = check_real("alpha", alpha, lo=0.0, lo_open=True)
    rho = check_real("rho", rho, lo=0.0, lo_open=True)
    r_max = check_real("r_max", r_max, lo=0.0)
    if rho > 1.0:
        raise ValueError(f"rho must lie in (0, 1] (weight of the reward factor), got rho={rho!r}")
    if r_max > 1.0:
        raise ValueError(f"r_max must lie in [0, 1] (rewards in [0, 1]), got r_max={r_max!r}")
    crit = criterion(horizon, gamma, default_horizon=5)
    if stage_dependent and "horizon" not in crit:
        raise ValueError("stage_dependent=True needs a finite horizon")
    g = as_generator(rng)
    n = crit["horizon"] if stage_dependent else 1
    psi = g.dirichlet(np.full(d - 1, alpha), size=(S, A))
    phi = np.zeros((S, A, d))
    phi[:, :, :d - 1] = psi
    phi[:, A - 1, :d - 1] *= 1.0 - rho
    phi[:, A - 1, d - 1] = rho
    mu = _garnet_factors(g, n * d, S, b).reshape(n, d, S)
    theta = r_max * g.random((n, d))
    theta[:, d - 1] = 1.0
    if n == 1:
        mu, theta = mu[0], theta[0]
    return LinearMDP(phi, mu, theta, simplex_features=True, factor_distributions=True,
                     name=f"linear_simplex_hidden(S={S},A={A},d={d},rho={rho:g})", **crit)


# ------------------------------------------------------------------------------ one-hot
def one_hot(mdp: TabularMDP) -> LinearMDP:
    """The one-hot embedding of a tabular MDP: ``d = S A``, ``phi(s, a) = e_{s A + a}``,
    ``mu_h[s A + a, :] = P_h(.|s, a)``, ``theta_h[s A + a] = R_h(s, a)``.

    Exactly linear and d-rectangular (d-rectangularity reduces to (s, a)-rectangularity);
    ``one_hot(mdp).to_tabular()`` has the same ``P`` and ``R`` as ``mdp``, bit for bit.
    """
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    S, A = mdp.S, mdp.A
    phi = np.eye(S * A).reshape(S, A, S * A)
    P, R = mdp.P, mdp.R
    mu = P.reshape(P.shape[:-3] + (S * A, S))
    theta = R.reshape(R.shape[:-2] + (S * A,))
    crit = {"horizon": mdp.horizon} if mdp.finite_horizon else {"gamma": mdp.gamma}
    return LinearMDP(phi, mu, theta, init=mdp.init, simplex_features=True,
                     factor_distributions=True, reward_range=None,
                     name=f"one_hot({mdp.name})" if mdp.name else "one_hot", **crit)


@register("linear_one_hot")
def linear_one_hot(base: str = "riverswim", *, horizon: int | None = None,
                   gamma: float | None = None, base_params: dict | None = None) -> LinearMDP:
    """The one-hot embedding (:func:`one_hot`, ``d = S A``) of the registered tabular
    environment ``base`` built with ``base_params`` and the given criterion. Known optimum:
    that of ``base`` (the embedding's tabular model is the same model)."""
    if not isinstance(base, str) or base.startswith("linear_"):
        raise ValueError(f"base must name a registered tabular environment, got {base!r}")
    params = dict(base_params or {})
    for k, v in (("horizon", horizon), ("gamma", gamma)):
        if v is not None:
            params[k] = v
    mdp = make(base, **params)
    return one_hot(mdp).replace(name=f"linear_one_hot({mdp.name})")


# ------------------------------------------------------------------------------ aggregation
def aggregate(mdp: TabularMDP, *, atol: float = 0.0) -> LinearMDP:
    """Aggregate state-action pairs that share their transition row and reward at every stage.

    Pairs are grouped in order of first appearance (``s A + a`` increasing); with ``atol = 0``
    (default) a group holds pairs whose rows ``(P_h(.|s,a), R_h(s,a))_h`` are identical, and
    the result is exact: ``phi(s, a) = e_{group(s,a)}``, ``mu_h[g] = P_h(.|rep_g)``,
    ``theta_h[g] = R_h(rep_g)`` with ``rep_g`` the first pair of group ``g``, so ``d`` is the
    number of distinct rows. With ``atol > 0`` a pair joins the first group whose
    representative is within ``atol`` in every entry; the model is then that of the
    representatives and differs from ``mdp`` by at most ``atol`` per entry.
    """
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    atol = check_real("atol", atol, lo=0.0)
    S, A = mdp.S, mdp.A
    P4 = mdp.P if mdp.P.ndim == 4 else mdp.P[None]          # [n_p, S, A, S]
    R3 = mdp.R if mdp.R.ndim == 3 else mdp.R[None]          # [n_r, S, A]
    rows = np.concatenate([P4.transpose(1, 2, 0, 3).reshape(S * A, -1),
                           R3.transpose(1, 2, 0).reshape(S * A, -1)], axis=1)
    if atol == 0.0:
        _, first, inv = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        inv = inv.reshape(-1)
        order = np.argsort(first)             # groups numbered by first appearance
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        group, reps = rank[inv], first[order]
    else:
        reps_l: list[int] = []
        group = np.empty(S * A, dtype=np.int64)
        for k in range(S * A):
            for g, r in enumerate(reps_l):
                if np.max(np.abs(rows[k] - rows[r])) <= atol:
                    group[k] = g
                    break
            else:
                group[k] = len(reps_l)
                reps_l.append(k)
        reps = np.array(reps_l, dtype=np.int64)
    d = int(reps.size)
    phi = np.zeros((S * A, d))
    phi[np.arange(S * A), group] = 1.0
    rs, ra = np.divmod(reps, A)
    mu = P4[:, rs, ra, :]                      # [n_p, d, S]
    theta = R3[:, rs, ra]                      # [n_r, d]
    if mu.shape[0] == 1:
        mu = mu[0]
    if theta.shape[0] == 1:
        theta = theta[0]
    crit = {"horizon": mdp.horizon} if mdp.finite_horizon else {"gamma": mdp.gamma}
    return LinearMDP(phi.reshape(S, A, d), mu, theta, init=mdp.init, simplex_features=True,
                     factor_distributions=True, reward_range=None,
                     name=f"aggregate({mdp.name})" if mdp.name else "aggregate", **crit)


@register("linear_aggregated")
def linear_aggregated(S: int = 20, A: int = 4, d: int = 6, b: int = 3, *,
                      horizon: int | None = None, gamma: float | None = None,
                      rng=0) -> LinearMDP:
    """A random MDP whose ``S A`` state-action pairs fall into ``d`` classes sharing their
    transition row and reward, written as a linear MDP by :func:`aggregate`.

    Class ``g`` has ``b`` distinct successors drawn uniformly with ``U(0, 1)`` weights
    normalised (a Garnet row) and reward ``U(0, 1)``; pairs are assigned to classes uniformly
    at random with every class used. **[P]** construction of mdpsim (a Garnet with
    state-action aggregation). Known optimum: ``mdpsim.solve(model.to_tabular())``.
    """
    S, A, d, b = check_int("S", S), check_int("A", A), check_int("d", d), check_int("b", b)
    if d > S * A:
        raise ValueError(f"d must be <= S*A = {S * A} (one class per pair at most), got d={d}")
    if b > S:
        raise ValueError(f"b must be <= S, got b={b}, S={S}")
    crit = criterion(horizon, gamma, default_horizon=5)
    g = as_generator(rng)
    cls = np.concatenate([np.arange(d), g.integers(0, d, size=S * A - d)])
    cls = cls[g.permutation(S * A)]
    idx = np.sort(np.argsort(g.random((d, S)), axis=1)[:, :b], axis=1)
    w = g.random((d, b))
    w /= w.sum(axis=1, keepdims=True)
    rowP = np.zeros((d, S))
    np.put_along_axis(rowP, idx, w, axis=1)
    rowR = g.random(d)
    tab = TabularMDP(rowP[cls].reshape(S, A, S), rowR[cls].reshape(S, A),
                     name=f"linear_aggregated(S={S},A={A},d={d})", **crit)
    lin = aggregate(tab)
    return lin.replace(reward_range=(0.0, 1.0), name=tab.name)


# ------------------------------------------------------------------------------ fail state
def fail_state_actions() -> np.ndarray:
    """The 16 actions of the fail-state MDP as ``int64[16, 4]`` in ``{-1, +1}``: action ``j``
    has ``a_i = +1`` iff bit ``i`` of ``j`` is set (so action 15 is ``(1, 1, 1, 1)``)."""
    j = np.arange(16)[:, None]
    return (2 * ((j >> np.arange(4)[None, :]) & 1) - 1).astype(np.int64)


@register("linear_fail_state")
def linear_fail_state(*, horizon: int | None = None, gamma: float | None = None,
                      delta: float = 0.3, xi_norm: float = 0.2, p_fail: float = 0.001,
                      q: float = 0.0) -> LinearMDP:
    r"""The simulated linear MDP with a fail state of the DR-LSVI-UCB papers (Liu & Xu,
    AISTATS 2024, and the same group's offline sibling; ``docs/papers/lsvi_ucb.md`` §5.2).

    States ``x1..x5`` are ``0..4``, start ``x1``; ``d = 4``; ``H = 3`` (no other horizon and no
    discounting); 16 actions ``a ∈ {-1, 1}^4`` (:func:`fail_state_actions`);
    ``ξ = xi_norm (1, 1, 1, 1) / 4``, ``p(a) = delta + ξᵀa``:

    * features: ``phi(x_j, a) = (1 - p(a)) e_j + p(a) e_4`` for ``j = 1, 2, 3``;
      ``phi(x4) = e_3``, ``phi(x5) = e_4`` (every action);
    * factors (the same at every stage): ``mu_1 = (1 - p_fail) δ_{x2} + p_fail δ_{x4}``,
      ``mu_2 = (1 - p_fail) δ_{x3} + p_fail δ_{x4}``, ``mu_3 = δ_{x4}``, ``mu_4 = δ_{x5}``;
      with the test perturbation ``q``, ``mu_4`` at step 1 only is
      ``(1 - q) δ_{x5} + q δ_{x4}``;
    * rewards ``theta_1 = 0``, ``theta_2 = theta_3 = e_4``: ``x5`` pays 1 at steps 2 and 3,
      ``x4`` (absorbing fail state) pays 0.

    Provenance: the features, rewards and the transitions along the reachable path
    (``x1 → x2 → x3``, fail ``x4``, success ``x5``) are those of the group's released code
    [V-code, read through our catalogue notes]. **Reconstructed:** the factors of the unreachable
    (state, stage) pairs — the papers give the dynamics per step only where the chain can be;
    we use one stage-independent set of factors, which agrees with every stated step, so the
    values from ``x1`` are unaffected. Requires ``xi_norm <= delta <= 1 - xi_norm``
    (features in the simplex).

    Known optimum (:func:`fail_state_optimum`, closed form): for ``q = 0`` action 15
    (``a = 1``) at every state and stage, ``V*_1(x1) = 1.624250125`` for the defaults.
    """
    crit = criterion(horizon, gamma, default_horizon=3)
    if crit.get("horizon") != 3:
        raise ValueError(f"the fail-state MDP is defined for horizon=3 only (no discounting), "
                         f"got {crit}")
    delta = check_real("delta", delta)
    xi_norm = check_real("xi_norm", xi_norm, lo=0.0)
    p_fail = check_real("p_fail", p_fail, lo=0.0)
    q = check_real("q", q, lo=0.0)
    if not (xi_norm <= delta <= 1.0 - xi_norm):
        raise ValueError(f"delta must lie in [xi_norm, 1 - xi_norm] = [{xi_norm:g}, "
                         f"{1 - xi_norm:g}] so that the features are in the simplex, got "
                         f"delta={delta!r}")
    if p_fail > 1.0 or q > 1.0:
        raise ValueError(f"p_fail and q must be probabilities in [0, 1], got p_fail={p_fail!r}, "
                         f"q={q!r}")
    acts = fail_state_actions()
    p = delta + (xi_norm / 4.0) * acts.sum(axis=1)           # [16]
    S, A, d, H = 5, 16, 4, 3
    phi = np.zeros((S, A, d))
    for j in range(3):
        phi[j, :, j] = 1.0 - p
        phi[j, :, 3] = p
    phi[3, :, 2] = 1.0
    phi[4, :, 3] = 1.0
    mu1 = np.zeros((d, S))
    mu1[0, 1], mu1[0, 3] = 1.0 - p_fail, p_fail
    mu1[1, 2], mu1[1, 3] = 1.0 - p_fail, p_fail
    mu1[2, 3] = 1.0
    mu1[3, 4] = 1.0
    mu = np.repeat(mu1[None], H, axis=0)
    mu[0, 3, 4], mu[0, 3, 3] = 1.0 - q, q
    theta = np.zeros((H, d))
    theta[1:, 3] = 1.0
    return LinearMDP(phi, mu, theta, horizon=3, simplex_features=True,
                     factor_distributions=True,
                     name=f"linear_fail_state(delta={delta:g},xi_norm={xi_norm:g},q={q:g})")


def fail_state_optimum(delta: float = 0.3, xi_norm: float = 0.2, p_fail: float = 0.001,
                       q: float = 0.0) -> float:
    r"""Closed-form ``V*_1(x1)`` of :func:`linear_fail_state`.

    From step 2 on, ``p(a) = delta + ξᵀa`` raises every value, so the optimum plays
    ``a = 1`` with ``p = delta + xi_norm``: ``V_3(x3) = p``, ``V_2(x5) = 2``,
    ``V_2(x2) = p + (1 - p)(1 - p_fail) p + p``. At step 1 the value
    ``(1 - p_1)(1 - p_fail) V_2(x2) + p_1 (1 - q) 2`` is linear in ``p_1``, so the best
    ``p_1`` is ``delta + xi_norm`` or ``delta - xi_norm`` (all +1 or all -1 actions; the
    former when ``q = 0``)."""
    p = delta + xi_norm
    v2_x2 = p + (1.0 - p) * (1.0 - p_fail) * p + p
    return max((1.0 - p1) * (1.0 - p_fail) * v2_x2 + p1 * (1.0 - q) * 2.0
               for p1 in (delta - xi_norm, delta + xi_norm))


# ------------------------------------------------------------------------------ RiverSwim
@register("linear_riverswim")
def linear_riverswim(S: int = 6, *, horizon: int | None = None, gamma: float | None = None,
                     features: str = "one_hot") -> LinearMDP:
    """RiverSwim (:func:`mdpsim.envs.riverswim.riverswim`, default parameters) as an exactly
    linear MDP whose tabular model is RiverSwim's.

    * ``features="one_hot"`` (default): :func:`one_hot`, ``d = 2 S``, simplex features and
      distribution factors (d-rectangular ⇒ (s, a)-rectangular: the tabular special case of
      the DR-RPO line of work);
    * ``features="kernel"``: ``phi(s, a) = (P(.|s, a), R(s, a))``, ``d = S + 1``,
      ``mu = [I_S; 0]``, ``theta = e_{S+1}``. RiverSwim's kernel has rank ``S``, so no linear
      model has fewer than ``S`` features; this one is not d-rectangular (the last factor is
      the zero measure) and ``||phi||_2 <= sqrt(2)``.

    **[P]** construction of mdpsim. Known optimum: that of ``riverswim(S)``.
    """
    S = check_int("S", S, lo=2)
    base = riverswim(S, **criterion(horizon, gamma, default_horizon=20))
    if features == "one_hot":
        lin = one_hot(base)
        return lin.replace(name=f"linear_riverswim(S={S},one_hot)", reward_range=(0.0, 1.0))
    if features != "kernel":
        raise ValueError(f"features must be 'one_hot' or 'kernel', got {features!r}")
    phi = np.concatenate([base.P, base.R[:, :, None]], axis=2)
    mu = np.concatenate([np.eye(S), np.zeros((1, S))], axis=0)
    theta = np.zeros(S + 1)
    theta[S] = 1.0
    crit = {"horizon": base.horizon} if base.finite_horizon else {"gamma": base.gamma}
    return LinearMDP(phi, mu, theta, init=base.init, feature_norm=np.sqrt(2.0),
                     name=f"linear_riverswim(S={S},kernel)", **crit)
