r"""Linear MDPs: transitions and rewards linear in known features.

A :class:`LinearMDP` (Jin, Yang, Wang, Jordan, COLT 2020; see ``docs/papers/lsvi_ucb.md`` §2)
is frozen data. It holds

* features ``phi`` — ``float64[S, A, d]`` (shared by every stage) or ``float64[H, S, A, d]``;
* factors ``mu`` — ``float64[d, S]`` (stationary) or ``float64[H, d, S]``: row ``mu[h, i]`` is
  the signed measure ``mu_{h,i}(.)`` over next states;
* reward parameters ``theta`` — ``float64[d]`` or ``float64[H, d]``;
* exactly one of ``horizon`` (episodic) or ``gamma`` (discounted; everything stationary);
* ``init`` — the initial distribution (default: state 0).

The model it defines is

.. math::  P_h(s'|s,a) = \langle \phi_h(s,a), \mu_h(s') \rangle,\qquad
           r_h(s,a) = \langle \phi_h(s,a), \theta_h \rangle .

Validation happens once, on construction, and raises a one-line :class:`ValueError` naming
the field, the offending index and value and what was expected:

* shapes agree (one ``d``, one ``S``, stage counts ``1`` or ``H``);
* every entry is finite;
* ``simplex_features=True``: every ``phi[(h,) s, a, :]`` lies in the simplex ``Δ_d``
  (non-negative, sums to 1 within ``ROW_SUM_TOL``); otherwise, unless ``feature_norm=None``,
  ``||phi(s, a)||_2 <= feature_norm`` (default 1, the normalisation of Jin et al.);
* ``factor_distributions=True``: every ``mu[(h,) i, :]`` is a probability distribution
  (the d-rectangular construction of the robust linear papers);
* ``P = phi mu`` is a transition kernel: entries ``>= -ROW_SUM_TOL`` and rows summing to 1
  within ``ROW_SUM_TOL`` (the tolerance of :class:`~mdpsim.models.TabularMDP`);
* ``r = phi theta`` lies in ``reward_range`` (default ``(0, 1)``; ``None`` skips the check).

Inputs are copied and stored read-only. :meth:`LinearMDP.to_tabular` returns the exact
:class:`~mdpsim.models.TabularMDP` (``P = phi mu`` and ``r = phi theta`` computed in float64;
negative entries of size at most ``ROW_SUM_TOL``, which only signed features can produce, are
set to 0), so every exact kernel of :mod:`mdpsim.planning` (solve, evaluate, occupancy)
applies unchanged.
"""
from __future__ import annotations

import numpy as np

from .tabular import TabularMDP, ROW_SUM_TOL, _fmt_index

__all__ = ["LinearMDP", "LinearFit", "fit_linear"]


def _array(name: str, value) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array: {exc}") from None
    bad = np.argwhere(~np.isfinite(arr))
    if bad.size:
        i = tuple(bad[0])
        raise ValueError(f"{name}[{_fmt_index(i)}] = {float(arr[i])!r} is not finite; {name} "
                         "must hold finite numbers")
    return arr


def _n_stages(name: str, arr: np.ndarray, base_ndim: int, horizon, shape_txt: str) -> int:
    """1 for a stationary array (``base_ndim`` dimensions), H for a per-stage one."""
    if arr.ndim == base_ndim:
        return 1
    if arr.ndim == base_ndim + 1:
        if horizon is None:
            raise ValueError(f"per-stage {name} ({base_ndim + 1} dimensions) needs horizon=H; "
                             f"discounted models take {name} of shape {shape_txt}")
        if arr.shape[0] != horizon:
            raise ValueError(f"per-stage {name} has {arr.shape[0]} stages but horizon = "
                             f"{horizon}")
        return int(arr.shape[0])
    raise ValueError(f"{name} must have shape {shape_txt} or [H, {shape_txt[1:-1]}], got shape "
                     f"{arr.shape}")


class LinearMDP:
    """A finite MDP whose transitions and rewards are linear in known features.

    Parameters
    ----------
    phi : float64[S, A, d] | float64[H, S, A, d]
        Features ``phi(s, a)`` (per stage ``h`` if 4-dimensional).
    mu : float64[d, S] | float64[H, d, S]
        Factors: ``P_h(s'|s, a) = sum_i phi_h(s, a)[i] * mu[h, i, s']``.
    theta : float64[d] | float64[H, d]
        Reward parameters: ``r_h(s, a) = phi_h(s, a) @ theta[h]``.
    horizon, gamma :
        Exactly one: episode length H (finite horizon) or discount factor in ``[0, 1)``.
    init : float64[S], optional
        Initial distribution (default: state 0).
    simplex_features : bool
        Require every feature vector to lie in the simplex ``Δ_d``.
    factor_distributions : bool
        Require every factor ``mu[h, i, :]`` to be a probability distribution.
    feature_norm : float or None
        Bound on ``||phi(s, a)||_2`` checked when ``simplex_features`` is False (default 1,
        Jin et al.'s normalisation); ``None`` skips it.
    reward_range : (float, float) or None
        Closed interval every ``r_h(s, a)`` must lie in (default ``(0, 1)``); ``None`` skips it.
    name : str, optional

    Examples
    --------
    >>> import numpy as np, mdpsim
    >>> phi = np.array([[[1.0, 0.0], [0.5, 0.5]], [[0.0, 1.0], [0.0, 1.0]]])   # S=2, A=2, d=2
    >>> mu = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> lin = mdpsim.LinearMDP(phi, mu, np.array([0.0, 1.0]), horizon=3,
    ...                        simplex_features=True, factor_distributions=True)
    >>> lin.d, lin.S, lin.A, lin.to_tabular().P[0, 1]
    (2, 2, 2, array([0.55, 0.45]))
    """

    __slots__ = ("_phi", "_mu", "_theta", "_init", "horizon", "gamma", "S", "A", "d", "name",
                 "simplex_features", "factor_distributions", "feature_norm", "reward_range",
                 "_frozen", "_cache")

    def __init__(self, phi, mu, theta, *, horizon=None, gamma=None, init=None,
                 simplex_features: bool = False, factor_distributions: bool = False,
                 feature_norm: float | None = 1.0, reward_range=(0.0, 1.0),
                 name: str | None = None):
        object.__setattr__(self, "_frozen", False)
        object.__setattr__(self, "_cache", {})
        # --- criterion (same rules and messages as TabularMDP) ------------------------------
        if (horizon is None) == (gamma is None):
            raise ValueError("exactly one of horizon (finite-horizon) or gamma (discounted) "
                             f"must be given, got horizon={horizon!r}, gamma={gamma!r}")
        if horizon is not None:
            if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) \
                    or horizon <= 0:
                raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
            horizon = int(horizon)
        else:
            if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.floating,
                                                                 np.integer)):
                raise ValueError(f"gamma must be a number in [0, 1), got {gamma!r}")
            gamma = float(gamma)
            if not (0.0 <= gamma < 1.0):
                raise ValueError(f"gamma must be in [0, 1), got {gamma!r}")
        self.horizon, self.gamma = horizon, gamma
        for flag, v in (("simplex_features", simplex_features),
                        ("factor_distributions", factor_distributions)):
            if not isinstance(v, (bool, np.bool_)):
                raise ValueError(f"{flag} must be True or False, got {v!r}")
        self.simplex_features = bool(simplex_features)
        self.factor_distributions = bool(factor_distributions)
        if feature_norm is not None:
            if isinstance(feature_norm, bool) or not isinstance(
                    feature_norm, (int, float, np.integer, np.floating)) \
                    or not (np.isfinite(feature_norm) and feature_norm > 0):
                raise ValueError(f"feature_norm must be a positive number or None, got "
                                 f"{feature_norm!r}")
            feature_norm = float(feature_norm)
        self.feature_norm = feature_norm
        if reward_range is not None:
            try:
                lo, hi = (float(x) for x in reward_range)
            except (TypeError, ValueError):
                raise ValueError(f"reward_range must be a pair (lo, hi) or None, got "
                                 f"{reward_range!r}") from None
            if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
                raise ValueError(f"reward_range must be finite with lo <= hi, got "
                                 f"{reward_range!r}")
            reward_range = (lo, hi)
        self.reward_range = reward_range

        # --- shapes ----------------------------------------------------------------------
        phi = _array("phi", phi)
        mu = _array("mu", mu)
        theta = _array("theta", theta)
        n_phi = _n_stages("phi", phi, 3, horizon, "[S, A, d]")
        n_mu = _n_stages("mu", mu, 2, horizon, "[d, S]")
        n_th = _n_stages("theta", theta, 1, horizon, "[d]")
        S, A, d = phi.shape[-3:]
        if S == 0 or A == 0 or d == 0:
            raise ValueError(f"phi must have at least one state, action and feature, got shape "
                             f"{phi.shape}")
        if mu.shape[-2] != d:
            raise ValueError(f"mu has {mu.shape[-2]} factors (shape {mu.shape}) but phi has "
                             f"d = {d} features (shape {phi.shape}); mu must be [d, S]")
        if mu.shape[-1] != S:
            raise ValueError(f"mu covers {mu.shape[-1]} next states (shape {mu.shape}) but phi "
                             f"has S = {S} states (shape {phi.shape}); mu must be [d, S]")
        if theta.shape[-1] != d:
            raise ValueError(f"theta has {theta.shape[-1]} entries (shape {theta.shape}) but "
                             f"phi has d = {d} features; theta must be [d]")
        self.S, self.A, self.d = int(S), int(A), int(d)

        # --- features ----------------------------------------------------------------------
        lab = "h, s, a" if n_phi > 1 else "s, a"
        if self.simplex_features:
            bad = np.argwhere(phi < 0)
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"phi[{_fmt_index(i)}] = {float(phi[i])!r} < 0; "
                                 f"simplex_features=True needs phi[{lab}, :] in the simplex "
                                 "(non-negative entries summing to 1)")
            sums = phi.sum(-1)
            bad = np.argwhere(np.abs(sums - 1.0) > ROW_SUM_TOL)
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"phi[{_fmt_index(i)}, :] sums to {float(sums[i])!r}; "
                                 f"simplex_features=True needs each phi[{lab}, :] to sum to 1 "
                                 f"(tolerance {ROW_SUM_TOL:g})")
        elif feature_norm is not None:
            norms = np.sqrt(np.einsum("...i,...i->...", phi, phi))
            bad = np.argwhere(norms > feature_norm * (1 + 1e-12))
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"||phi[{_fmt_index(i)}, :]||_2 = {float(norms[i])!r} exceeds "
                                 f"feature_norm = {feature_norm:g} (pass feature_norm=None to "
                                 "skip this check)")

        # --- factors ------------------------------------------------------------------------
        if self.factor_distributions:
            flab = "h, i" if n_mu > 1 else "i"
            bad = np.argwhere(mu < 0)
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"mu[{_fmt_index(i)}] = {float(mu[i])!r} < 0; "
                                 f"factor_distributions=True needs each mu[{flab}, :] to be a "
                                 "probability distribution")
            sums = mu.sum(-1)
            bad = np.argwhere(np.abs(sums - 1.0) > ROW_SUM_TOL)
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"mu[{_fmt_index(i)}, :] sums to {float(sums[i])!r}; "
                                 f"factor_distributions=True needs each mu[{flab}, :] to sum "
                                 f"to 1 (tolerance {ROW_SUM_TOL:g})")

        # --- P = phi mu is a kernel -----------------------------------------------------------
        P = self._product_P(phi, mu, n_phi, n_mu)
        plab = "h, s, a" if P.ndim == 4 else "s, a"
        bad = np.argwhere(P < -ROW_SUM_TOL)
        if bad.size:
            i = tuple(bad[0])
            raise ValueError(f"P[{_fmt_index(i)}] = (phi mu)[{_fmt_index(i)}] = "
                             f"{float(P[i])!r} < 0; phi mu must be a transition kernel")
        sums = P.sum(-1)
        bad = np.argwhere(np.abs(sums - 1.0) > ROW_SUM_TOL)
        if bad.size:
            i = tuple(bad[0])
            raise ValueError(f"P[{_fmt_index(i)}, :] = (phi mu)[{_fmt_index(i)}, :] sums to "
                             f"{float(sums[i])!r}; each row P[{plab}, :] must sum to 1 "
                             f"(tolerance {ROW_SUM_TOL:g})")
        np.maximum(P, 0.0, out=P)

        # --- r = phi theta in range -------------------------------------------------------------
        R = self._product_R(phi, theta, n_phi, n_th)
        if reward_range is not None:
            lo, hi = reward_range
            bad = np.argwhere((R < lo - 1e-12) | (R > hi + 1e-12))
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"r[{_fmt_index(i)}] = (phi theta)[{_fmt_index(i)}] = "
                                 f"{float(R[i])!r} is outside reward_range [{lo:g}, {hi:g}] "
                                 "(pass reward_range=None to skip this check)")

        # --- initial distribution ---------------------------------------------------------------
        if init is None:
            init_arr = np.zeros(S)
            init_arr[0] = 1.0
        else:
            init_arr = _array("init", init)
            if init_arr.shape != (S,):
                raise ValueError(f"init must have shape [S] = [{S}], got {init_arr.shape}")
            bad = np.flatnonzero(init_arr < 0)
            if bad.size:
                i = int(bad[0])
                raise ValueError(f"init[{i}] = {float(init_arr[i])!r} < 0; init must be a "
                                 "probability distribution")
            tot = float(init_arr.sum())
            if abs(tot - 1.0) > ROW_SUM_TOL:
                raise ValueError(f"init sums to {tot!r}; init must be a probability "
                                 f"distribution summing to 1 (tolerance {ROW_SUM_TOL:g})")
        for arr in (phi, mu, theta, init_arr, P, R):
            arr.setflags(write=False)
        self._phi, self._mu, self._theta, self._init = phi, mu, theta, init_arr
        self._cache["P"], self._cache["R"] = P, R
        self.name = name
        object.__setattr__(self, "_frozen", True)

    # ---------------------------------------------------------------- products
    @staticmethod
    def _product_P(phi, mu, n_phi, n_mu) -> np.ndarray:
        """``P = phi mu``: ``[S, A, S']`` when both are stationary, else ``[H, S, A, S']``."""
        if n_phi == 1 and n_mu == 1:
            return np.einsum("sai,it->sat", phi, mu)
        H = max(n_phi, n_mu)
        ph = np.broadcast_to(phi, (H,) + phi.shape) if n_phi == 1 else phi
        m = np.broadcast_to(mu, (H,) + mu.shape) if n_mu == 1 else mu
        return np.einsum("hsai,hit->hsat", ph, m)

    @staticmethod
    def _product_R(phi, theta, n_phi, n_th) -> np.ndarray:
        """``r = phi theta``: ``[S, A]`` when both are stationary, else ``[H, S, A]``."""
        if n_phi == 1 and n_th == 1:
            return np.einsum("sai,i->sa", phi, theta)
        H = max(n_phi, n_th)
        ph = np.broadcast_to(phi, (H,) + phi.shape) if n_phi == 1 else phi
        th = np.broadcast_to(theta, (H,) + theta.shape) if n_th == 1 else theta
        return np.einsum("hsai,hi->hsa", ph, th)

    # ---------------------------------------------------------------- immutability
    def __setattr__(self, key, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"LinearMDP is frozen; cannot set {key!r}")
        object.__setattr__(self, key, value)

    # ---------------------------------------------------------------- properties
    @property
    def phi(self) -> np.ndarray:
        """Features as given: ``float64[S, A, d]`` or ``float64[H, S, A, d]`` (read-only)."""
        return self._phi

    @property
    def mu(self) -> np.ndarray:
        """Factors as given: ``float64[d, S]`` or ``float64[H, d, S]`` (read-only)."""
        return self._mu

    @property
    def theta(self) -> np.ndarray:
        """Reward parameters as given: ``float64[d]`` or ``float64[H, d]`` (read-only)."""
        return self._theta

    @property
    def init(self) -> np.ndarray:
        return self._init

    @property
    def P(self) -> np.ndarray:
        """``phi mu``: ``float64[S, A, S']`` (all stationary) or ``[H, S, A, S']``."""
        return self._cache["P"]

    @property
    def R(self) -> np.ndarray:
        """``phi theta``: ``float64[S, A]`` (all stationary) or ``[H, S, A]``."""
        return self._cache["R"]

    @property
    def H(self) -> int | None:
        return self.horizon

    @property
    def finite_horizon(self) -> bool:
        return self.horizon is not None

    @property
    def stationary(self) -> bool:
        """True when none of phi, mu, theta depends on the stage."""
        return self._phi.ndim == 3 and self._mu.ndim == 2 and self._theta.ndim == 1

    # ---------------------------------------------------------------- stage views
    def phi_at(self, h: int = 0) -> np.ndarray:
        """Features at stage ``h``: ``float64[S, A, d]`` (read-only view)."""
        return self._phi[self._stage(h)] if self._phi.ndim == 4 else self._phi

    def mu_at(self, h: int = 0) -> np.ndarray:
        """Factors at stage ``h``: ``float64[d, S]`` (read-only view)."""
        return self._mu[self._stage(h)] if self._mu.ndim == 3 else self._mu

    def theta_at(self, h: int = 0) -> np.ndarray:
        """Reward parameters at stage ``h``: ``float64[d]`` (read-only view)."""
        return self._theta[self._stage(h)] if self._theta.ndim == 2 else self._theta

    def stage_phi(self) -> np.ndarray:
        """Features as ``float64[n, S, A, d]``, ``n`` in {1, H} (C-contiguous, read-only):
        the layout the compiled kernels take (stage ``h`` uses row ``min(h, n - 1)``)."""
        if "phi4" not in self._cache:
            a = np.ascontiguousarray(self._phi[None] if self._phi.ndim == 3 else self._phi)
            a.setflags(write=False)
            self._cache["phi4"] = a
        return self._cache["phi4"]

    def _stage(self, h) -> int:
        n = self.horizon if self.horizon is not None else 1
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or not 0 <= h < n:
            raise ValueError(f"stage h must be an integer in [0, {n}), got {h!r}")
        return int(h)

    # ---------------------------------------------------------------- conversions
    def to_tabular(self) -> TabularMDP:
        """The exact :class:`~mdpsim.models.TabularMDP` with ``P = phi mu``, ``R = phi theta``
        (dense storage; stage-dependent where any of phi, mu, theta is)."""
        if "tabular" not in self._cache:
            crit = {"horizon": self.horizon} if self.finite_horizon else {"gamma": self.gamma}
            self._cache["tabular"] = TabularMDP(self.P, self.R, init=self._init,
                                                name=self.name, **crit)
        return self._cache["tabular"]

    def replace(self, **changes) -> "LinearMDP":
        """A new model with some fields changed; validated like any other."""
        kw = dict(phi=self._phi, mu=self._mu, theta=self._theta, init=self._init,
                  simplex_features=self.simplex_features,
                  factor_distributions=self.factor_distributions,
                  feature_norm=self.feature_norm, reward_range=self.reward_range, name=self.name)
        if "horizon" in changes or "gamma" in changes:
            kw["horizon"] = changes.pop("horizon", None)
            kw["gamma"] = changes.pop("gamma", None)
        else:
            kw["horizon"], kw["gamma"] = self.horizon, self.gamma
        unknown = set(changes) - set(kw)
        if unknown:
            raise ValueError(f"replace() got unknown field(s) {sorted(unknown)}; expected "
                             f"{', '.join(sorted(kw))}")
        kw.update(changes)
        return LinearMDP(kw.pop("phi"), kw.pop("mu"), kw.pop("theta"), **kw)

    def __repr__(self) -> str:
        crit = f"horizon={self.horizon}" if self.finite_horizon else f"gamma={self.gamma}"
        nm = f"{self.name!r}, " if self.name else ""
        return (f"LinearMDP({nm}S={self.S}, A={self.A}, d={self.d}, {crit}, "
                f"stationary={self.stationary})")


# ------------------------------------------------------------------------------ fitting
class LinearFit:
    """Least-squares fit of a tabular model to given features (see :func:`fit_linear`).

    Attributes: ``mu`` (``float64[d, S]`` or ``[H, d, S]``), ``theta`` (``float64[d]`` or
    ``[H, d]``), ``phi`` (the features, as given), ``transition_misfit`` =
    ``max_{h,s,a} ||P_h(.|s,a) - phi_h(s,a) mu_h||_1`` attained at ``transition_argmax``
    (``(h, s, a)``), ``reward_misfit`` = ``max_{h,s,a} |R_h(s,a) - phi_h(s,a) theta_h|`` at
    ``reward_argmax``, ``rank`` (smallest rank of the ``[S*A, d]`` feature matrices), and
    ``exact`` (both misfits at most ``tol``). All arrays are read-only.
    """

    __slots__ = ("mu", "theta", "phi", "transition_misfit", "transition_argmax",
                 "reward_misfit", "reward_argmax", "rank", "tol", "_mdp")

    def __init__(self, **kw):
        for k, v in kw.items():
            if isinstance(v, np.ndarray):
                v.setflags(write=False)
            object.__setattr__(self, k, v)

    def __setattr__(self, key, value):
        raise AttributeError(f"LinearFit is frozen; cannot set {key!r}")

    @property
    def exact(self) -> bool:
        return self.transition_misfit <= self.tol and self.reward_misfit <= self.tol

    def to_linear(self, **kwargs) -> LinearMDP:
        """The fitted :class:`LinearMDP` (criterion and ``init`` of the fitted model; keyword
        arguments go to :class:`LinearMDP`, e.g. ``feature_norm=None``). Raises a one-line
        ``ValueError`` reporting the misfit when the fit is not exact."""
        if not self.exact:
            raise ValueError(f"the model is not linear in these features: transition misfit "
                             f"max ||P - phi mu||_1 = {self.transition_misfit:.3g} at (h, s, a) "
                             f"= {self.transition_argmax}, reward misfit = "
                             f"{self.reward_misfit:.3g} at {self.reward_argmax} (tolerance "
                             f"{self.tol:g})")
        m = self._mdp
        crit = {"horizon": m.horizon} if m.finite_horizon else {"gamma": m.gamma}
        kwargs.setdefault("reward_range", None)
        kwargs.setdefault("name", f"fit_linear({m.name})" if m.name else None)
        return LinearMDP(self.phi, self.mu, self.theta, init=m.init, **crit, **kwargs)

    def __repr__(self) -> str:
        return (f"LinearFit(d={self.phi.shape[-1]}, transition_misfit="
                f"{self.transition_misfit:.3g}, reward_misfit={self.reward_misfit:.3g}, "
                f"rank={self.rank}, exact={self.exact})")


def fit_linear(mdp: TabularMDP, phi, *, tol: float = 1e-9) -> LinearFit:
    r"""Least-squares linear model of ``mdp`` in the features ``phi``, with its misfit.

    ``phi: float64[S, A, d] | float64[H, S, A, d]``. For every stage ``h`` (one when the model
    and the features are stationary), with ``Φ_h`` the ``[S*A, d]`` feature matrix,

    .. math::  \hat\mu_h = \arg\min_\mu \|\Phi_h \mu - P_h\|_F,\qquad
               \hat\theta_h = \arg\min_\theta \|\Phi_h\theta - R_h\|_2

    (minimum-norm solutions, ``numpy.linalg.lstsq``). The result *reports* how far the model
    is from linear in ``phi`` — ``transition_misfit = max_{h,s,a} ||P_h(.|s,a) - φ_h(s,a)ᵀ
    \hat\mu_h||_1`` and the largest reward error — rather than assuming it is;
    :meth:`LinearFit.to_linear` builds a :class:`LinearMDP` only when both are at most ``tol``.
    """
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    phi = _array("phi", phi)
    n_phi = _n_stages("phi", phi, 3, mdp.horizon, "[S, A, d]")
    if phi.shape[-3:-1] != (mdp.S, mdp.A):
        raise ValueError(f"phi must have shape [S, A, d] with S = {mdp.S}, A = {mdp.A} (those "
                         f"of the model), got {phi.shape}")
    if not (isinstance(tol, (int, float)) and tol >= 0):
        raise ValueError(f"tol must be a non-negative number, got {tol!r}")
    S, A, d = mdp.S, mdp.A, phi.shape[-1]
    P4, R3 = mdp.stage_P(), mdp.stage_R()
    n = max(n_phi, P4.shape[0], R3.shape[0])
    mu = np.empty((n, d, S))
    theta = np.empty((n, d))
    tm, ta, rm, ra, rank = -1.0, None, -1.0, None, d
    for h in range(n):
        Phi = (phi[h] if n_phi > 1 else phi).reshape(S * A, d)
        Ph = P4[h if P4.shape[0] > 1 else 0].reshape(S * A, S)
        Rh = R3[h if R3.shape[0] > 1 else 0].reshape(S * A)
        mu[h], _, rk, _ = np.linalg.lstsq(Phi, Ph, rcond=None)
        theta[h] = np.linalg.lstsq(Phi, Rh, rcond=None)[0]
        rank = min(rank, int(rk))
        err = np.abs(Ph - Phi @ mu[h]).sum(axis=1)
        k = int(np.argmax(err))
        if err[k] > tm:
            tm, ta = float(err[k]), (h, *divmod(k, A))
        rerr = np.abs(Rh - Phi @ theta[h])
        k = int(np.argmax(rerr))
        if rerr[k] > rm:
            rm, ra = float(rerr[k]), (h, *divmod(k, A))
    if n == 1:
        mu, theta = mu[0], theta[0]
    return LinearFit(mu=mu, theta=theta, phi=phi, transition_misfit=tm, transition_argmax=ta,
                     reward_misfit=rm, reward_argmax=ra, rank=rank, tol=float(tol), _mdp=mdp)
