r"""d-rectangular robust linear MDPs: a :class:`~mdpsim.models.LinearMDP` whose factors are
perturbed inside divergence balls shared by every state-action pair.

Setting (Ma et al. 2022; Liu & Xu, AISTATS 2024; ``docs/papers/drrpo.md`` §2). The nominal
model is a finite-horizon linear MDP with simplex features and factor distributions,

.. math:: P^0_h(\cdot|s,a) = \sum_{i=1}^d \phi_{h,i}(s,a)\,\mu^0_{h,i}(\cdot),\qquad
          \phi_h(s,a)\in\Delta_d,\ \mu^0_{h,i}\in\Delta(S).

The **d-rectangular** uncertainty set at stage ``h`` perturbs each factor independently,

.. math:: \mathcal U_h = \Big\{ (\mu_{h,1},\dots,\mu_{h,d}) : \mu_{h,i}\in\Delta(S),\
          D(\mu_{h,i}, \mu^0_{h,i}) \le \rho_{h,i} \Big\},\qquad
          P_h(\cdot|s,a) = \sum_i \phi_{h,i}(s,a)\,\mu_{h,i}(\cdot),

one choice of factors shared by *all* ``(s, a)`` (not one set per pair). With
``D = TV`` (``kind="tv"``, ``TV(p, q) = ||p - q||_1 / 2``, no support restriction: mass may
move to any state, as the ``tv`` sets of :class:`~mdpsim.models.RobustMDP`). Nature may pick
different factors at different stages.

Because ``φ ≥ 0`` and the factors are independent, the robust Bellman backup separates into
``d`` one-dimensional problems per stage, each depending on ``V_{h+1}`` only (not on
``(s, a)``), so one choice of worst-case factors is simultaneously worst for every pair:

.. math:: \inf_{P\in\mathcal U_h(s,a)} P V = \sum_i \phi_{h,i}(s,a)\,
          \nu_{h,i},\qquad \nu_{h,i} = \inf_{\mu\in\Delta(S),\, D(\mu,\mu^0_{h,i})\le\rho_{h,i}}
          \mu^\top V

(:mod:`mdpsim.robust.linear` computes it exactly).

**Tabular special case.** One-hot features (``d = S A``, ``φ(s, a) = e_{sA+a}``,
:func:`mdpsim.envs.linear.one_hot`) make factor ``i = sA + a`` the row ``P(·|s, a)``; the
d-rectangular set with radii ``ρ_{h, sA+a}`` is then the ``(s,a)``-rectangular ``tv`` set of
:class:`~mdpsim.models.RobustMDP` with ``radius[s, a] = ρ_{sA+a}`` (stage-independent radii:
``RobustMDP`` has no per-stage radii). :meth:`DRectLinearMDP.to_sa_robust` builds it.

Validation (one-line ``ValueError`` naming the field, index and value): the nominal model is
finite-horizon, its features lie in the simplex (``φ ≥ 0``, rows summing to 1 within
``ROW_SUM_TOL``) and its factors are distributions — the d-rectangular set is defined only
then; radii are finite, ``>= 0`` (negative: empty set) and at most 1 for TV (the diameter of
the simplex; no upper limit for KL and χ²); ``radius`` is a scalar, ``float64[d]`` or
``float64[H, d]``; ``kind`` one of :data:`DRECT_KINDS`.
"""
from __future__ import annotations

import numpy as np

from .linear import LinearMDP
from .robust import RobustMDP
from .tabular import ROW_SUM_TOL, _raise_at_first

__all__ = ["DRectLinearMDP", "DRECT_KINDS"]

#: divergences of the d-rectangular set: total variation, KL ``KL(μ' ‖ μ⁰)`` and chi-square
#: ``Σ (μ' − μ⁰)² / μ⁰`` (the last two keep the support of ``μ⁰``)
DRECT_KINDS = ("tv", "kl", "chi2")


class DRectLinearMDP:
    """A nominal finite-horizon :class:`LinearMDP` and a d-rectangular set around its factors.

    The attributes are ``nominal``, ``kind``, ``radius`` (``float64[H, d]``, read-only), ``name``,
    and the views ``S, A, d, H, horizon, init``; :meth:`stage_arrays` gives the dense
    ``phi[H, S, A, d]``, ``mu[H, d, S]``, ``R[H, S, A]`` the exact kernels take.

    Parameters
    ----------
    nominal : LinearMDP
        Finite horizon, simplex features, factor distributions (checked here whatever flags
        it was built with).
    radius : float | float64[d] | float64[H, d]
        ``ρ_{h,i}``: one radius, one per factor, or one per stage and factor.
    kind : {"tv", "kl", "chi2"}
        The divergence of the balls: ``TV = ||μ' − μ||_1 / 2`` (any support),
        ``KL(μ' ‖ μ) = Σ μ' log(μ'/μ)`` or ``χ²(μ' ‖ μ) = Σ (μ' − μ)²/μ`` (both over the
        support of ``μ``; no upper limit on the radius).
    name : str, optional
        A label for printing.

    Examples
    --------
    >>> import mdpsim
    >>> from mdpsim.models.robust_linear import DRectLinearMDP
    >>> lin = mdpsim.make("linear_simplex", S=6, A=2, d=3, horizon=4, rng=1)
    >>> DRectLinearMDP(lin, 0.1).radius.shape
    (4, 3)
    """

    __slots__ = ("nominal", "kind", "radius", "name", "_cache", "_frozen")

    def __init__(self, nominal, radius, *, kind: str = "tv", name: str | None = None):
        object.__setattr__(self, "_frozen", False)
        object.__setattr__(self, "_cache", {})
        if not isinstance(nominal, LinearMDP):
            raise ValueError(f"nominal must be a LinearMDP, got {type(nominal).__name__}")
        if not nominal.finite_horizon:
            raise ValueError(f"a d-rectangular robust linear MDP needs a finite-horizon nominal "
                             f"model (horizon=H); this one is discounted (gamma={nominal.gamma})")
        if not isinstance(kind, str) or kind not in DRECT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(DRECT_KINDS)}; got {kind!r}")
        H, d = nominal.horizon, nominal.d
        phi = nominal.phi
        _raise_at_first(phi < 0, phi, "phi[{idx}] = {val!r} < 0; a d-rectangular set needs "
                        "features in the simplex (phi >= 0, summing to 1)")
        sums = phi.sum(-1)
        _raise_at_first(np.abs(sums - 1.0) > ROW_SUM_TOL, sums,
                        "phi[{idx}, :] sums to {val!r}; a d-rectangular set needs features in "
                        f"the simplex (phi >= 0, summing to 1 within {ROW_SUM_TOL:g})")
        mu = nominal.mu
        _raise_at_first(mu < 0, mu, "mu[{idx}] = {val!r} < 0; a d-rectangular set needs every "
                        "factor mu[h, i, :] to be a probability distribution")
        sums = mu.sum(-1)
        _raise_at_first(np.abs(sums - 1.0) > ROW_SUM_TOL, sums,
                        "mu[{idx}, :] sums to {val!r}; a d-rectangular set needs every factor "
                        f"to be a probability distribution (tolerance {ROW_SUM_TOL:g})")
        try:
            r = np.array(radius, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"radius must be a number or a numeric array of shape [d] or "
                             f"[H, d]: {exc}") from None
        if r.ndim == 0:
            r = np.full((H, d), float(r))
        elif r.shape == (d,):
            r = np.repeat(r[None], H, axis=0)
        elif r.shape != (H, d):
            raise ValueError(f"radius must be a scalar or have shape [d] = [{d}] or [H, d] = "
                             f"[{H}, {d}], got {r.shape}")
        _raise_at_first(~np.isfinite(r), r, "radius[{idx}] = {val!r} is not finite; radii "
                        "must be finite numbers >= 0")
        _raise_at_first(r < 0, r, "radius[{idx}] = {val!r} < 0 makes the uncertainty set "
                        "empty; radii must be >= 0 (0 = nominal only)")
        if kind == "tv":
            _raise_at_first(r > 1.0 * (1.0 + 1e-12), r, "radius[{idx}] = {val!r} exceeds 1, "
                            "the largest TV distance between two distributions; pass 1 for "
                            "the whole simplex")
        r.setflags(write=False)
        self.nominal = nominal
        self.kind = kind
        self.radius = r
        self.name = name if name is not None else (
            f"drect({nominal.name})" if nominal.name else "drect")
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, key, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"DRectLinearMDP is frozen; cannot set {key!r}")
        object.__setattr__(self, key, value)

    # ---------------------------------------------------------------- views
    @property
    def S(self) -> int:
        return self.nominal.S

    @property
    def A(self) -> int:
        return self.nominal.A

    @property
    def d(self) -> int:
        return self.nominal.d

    @property
    def H(self) -> int:
        return self.nominal.horizon

    @property
    def horizon(self) -> int:
        return self.nominal.horizon

    @property
    def init(self) -> np.ndarray:
        return self.nominal.init

    def stage_arrays(self):
        """``(phi[H, S, A, d], mu[H, d, S], R[H, S, A])`` as C-contiguous read-only float64
        arrays (stage-independent fields repeated), the layout of :mod:`mdpsim.robust.linear`."""
        if "stage" not in self._cache:
            m, H = self.nominal, self.H
            phi = np.stack([m.phi_at(h) for h in range(H)])
            mu = np.stack([m.mu_at(h) for h in range(H)])
            R = np.stack([phi[h] @ m.theta_at(h) for h in range(H)])
            out = tuple(np.ascontiguousarray(a, dtype=np.float64) for a in (phi, mu, R))
            for a in out:
                a.setflags(write=False)
            self._cache["stage"] = out
        return self._cache["stage"]

    def replace(self, **changes) -> "DRectLinearMDP":
        """A new model with some of ``nominal, radius, kind, name`` changed."""
        kw = dict(nominal=self.nominal, radius=self.radius, kind=self.kind, name=self.name)
        unknown = set(changes) - set(kw)
        if unknown:
            raise ValueError(f"replace() got unknown field(s) {sorted(unknown)}; expected "
                             f"{', '.join(kw)}")
        kw.update(changes)
        return DRectLinearMDP(kw.pop("nominal"), kw.pop("radius"), **kw)

    def to_sa_robust(self) -> RobustMDP:
        """The equal ``(s,a)``-rectangular :class:`RobustMDP` of a model with one-hot features
        (``d = S A``, factor ``sA + a`` is ``P(.|s, a)``) and stage-independent radii:
        ``RobustMDP(nominal.to_tabular(), "tv", radius[s, a] = ρ_{sA+a})``."""
        phi, _, _ = self.stage_arrays()
        S, A, d = self.S, self.A, self.d
        eye = np.eye(S * A).reshape(S, A, S * A)
        if d != S * A or not all(np.array_equal(phi[h], eye) for h in range(self.H)):
            raise ValueError("to_sa_robust needs one-hot features phi(s, a) = e_{sA+a} "
                             f"(d = S*A = {S * A}, got d = {d}); other features give a "
                             "d-rectangular set that is not (s,a)-rectangular")
        if np.any(self.radius != self.radius[0]):
            raise ValueError("to_sa_robust needs stage-independent radii (RobustMDP has one "
                             "radius per (s, a) for all stages)")
        return RobustMDP(self.nominal.to_tabular(), self.kind,
                         self.radius[0].reshape(S, A), name=self.name)

    def __repr__(self) -> str:
        return (f"DRectLinearMDP({self.name!r}, kind={self.kind!r}, S={self.S}, A={self.A}, "
                f"d={self.d}, H={self.H}, radius in [{self.radius.min():g}, "
                f"{self.radius.max():g}])")
