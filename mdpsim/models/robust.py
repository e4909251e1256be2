r"""Robust MDPs: a nominal :class:`~mdpsim.models.TabularMDP` plus a rectangular uncertainty set.

Semantics (reward, like the rest of mdpsim). The agent maximises, nature minimises over
transition kernels ``p`` in the uncertainty set :math:`\mathcal P`:

.. math:: V^{\pi}_{\mathcal P}(s) = \min_{p\in\mathcal P} V^{\pi, p}(s),\qquad
          V^{*}_{\mathcal P}(s) = \max_{\pi} \min_{p\in\mathcal P} V^{\pi, p}(s).

Cost-minimising algorithms (DRPG, whose paper uses costs) use ``cost = -reward`` at their
boundary; see :mod:`mdpsim.robust.drpg`.

Rewards may depend on the next state: ``R_next[s, a, s']`` (the DRPG Garnet costs do). Then the
nominal ``R[s, a]`` must equal ``sum_s' Pbar[s, a, s'] R_next[s, a, s']`` and the robust
backup is ``min_p sum_s' p(s') (R_next[s, a, s'] + gamma V(s'))``. Without ``R_next`` it is
``R[s, a] + gamma min_p p . V``.

Uncertainty sets (``kind``), all centred at the nominal row ``q = Pbar[s, a, :]``:

========  ============================================================  ======================
kind      set for one row (``(s,a)``-rectangular, radius ``k``)          support
========  ============================================================  ======================
``l1``    ``||p - q||_1 <= k``                                           nominal support [1]_
``tv``    ``TV(p, q) = ||p - q||_1 / 2 <= k``                           all states
``linf``  ``||p - q||_inf <= k``                                         nominal support
``l2``    ``||p - q||_2 <= k``                                           nominal support
``chi2``  ``chi2(p || q) = sum_s' (p - q)^2 / q <= k``                   nominal support
``kl``    ``KL(p || q) = sum_s' p log(p / q) <= k``                      nominal support
========  ============================================================  ======================

always with ``p`` a probability vector. "Nominal support" means ``p(s') = 0`` wherever
``q(s') = 0`` (the DRPG code's "branch mask"; automatic for KL and chi2).

.. [1] DRPG's Garnet experiments (Wang, Ho, Petrik, ICML 2023) use support-preserving L1 balls.

Rectangularity (``rect``):

* ``"sa"``: one independent set per ``(s, a)``; ``radius`` is ``float64[S, A]`` (or a scalar).
* ``"s"`` (budgeted): per state, ``sum_a D(p_a, q_a) <= budget_s``; ``radius`` is
  ``float64[S]`` (or a scalar). ``D`` and ``budget`` are ``||.||_1`` and ``k`` (``l1``),
  ``TV`` and ``k`` (``tv``), ``||.||_2^2`` and ``k^2`` (``l2``: the 2-norm of the stacked
  ``[A, S']`` deviation is at most ``k``), ``chi2`` and ``k``, ``KL`` and ``k``. For ``linf``
  the stacked max-norm ``max_a ||p_a - q_a||_inf <= k`` is the same set as ``"sa"`` with
  radius ``k`` for every action, and is stored that way. s-rectangular optimal policies can
  be stochastic.

Radii larger than the diameter of the simplex are rejected, naming the index and the value:
``l1`` at most 2, ``tv`` and ``linf`` at most 1, ``l2`` at most sqrt(2) per row (for
``rect="s"`` budgets: ``A`` times that for ``l1``/``tv``, sqrt(A) times for ``l2``); a radius
equal to the diameter gives the whole support simplex. ``chi2`` and ``kl`` have no finite
diameter. A non-negative radius always contains the nominal kernel, so the set is never empty;
a negative radius would make it empty and is rejected.
"""
from __future__ import annotations

import numpy as np

from .tabular import TabularMDP, ROW_SUM_TOL, _fmt_index, _raise_at_first

__all__ = ["RobustMDP", "SET_KINDS", "RECTANGULARITIES"]

#: Uncertainty-set kinds, in kernel-code order.
SET_KINDS = ("l1", "tv", "linf", "l2", "chi2", "kl")
#: ``"sa"``: (s,a)-rectangular; ``"s"``: s-rectangular (budgeted over actions).
RECTANGULARITIES = ("sa", "s")
#: diameter of the probability simplex under each distance (largest meaningful (s,a) radius)
_MAX_RADIUS = {"l1": 2.0, "tv": 1.0, "linf": 1.0, "l2": float(np.sqrt(2.0))}

#: Relative tolerance for ``R[s,a] == sum_s' Pbar[s,a,s'] R_next[s,a,s']``.
R_NEXT_RTOL = 1e-9


def _frozen(a) -> np.ndarray:
    a = np.array(a, dtype=np.float64, copy=True)
    a.setflags(write=False)
    return a


class RobustMDP:
    """A nominal :class:`TabularMDP` and a rectangular uncertainty set around its kernel.

    Parameters
    ----------
    nominal : TabularMDP
        Nominal model (discounted or finite horizon; dense or successor-list storage).
        Its kernel is the centre ``q`` of every set.
    kind : {"l1", "tv", "linf", "l2", "chi2", "kl"}
        The distance defining the set (module docstring).
    radius : float or float64[S, A] (``rect="sa"``) or float64[S] (``rect="s"``)
        Radii; scalars are broadcast. Finite and non-negative.
    rect : {"sa", "s"}
        (s,a)-rectangular or s-rectangular (budgeted over actions).
    R_next : float64[S, A, S'], optional
        Reward of the transition ``(s, a, s')`` (stationary models only). Must average to the
        nominal ``R`` under the nominal kernel.
    name : str, optional

    Examples
    --------
    >>> import mdpsim
    >>> mdp = mdpsim.make("garnet", S=5, A=2, b=3, gamma=0.9, rng=0)
    >>> rm = mdpsim.RobustMDP(mdp, "l1", 0.2)
    >>> rm.kind, rm.rect, rm.radius.shape
    ('l1', 'sa', (5, 2))
    """

    __slots__ = ("nominal", "kind", "rect", "radius", "R_next", "name", "_cache", "_frozen")

    def __init__(self, nominal, kind: str, radius, *, rect: str = "sa", R_next=None,
                 name: str | None = None):
        object.__setattr__(self, "_frozen", False)
        object.__setattr__(self, "_cache", {})
        if not isinstance(nominal, TabularMDP):
            raise ValueError(f"nominal must be a TabularMDP, got {type(nominal).__name__}")
        if not isinstance(kind, str) or kind not in SET_KINDS:
            raise ValueError(f"kind must be one of {', '.join(SET_KINDS)}; got {kind!r}")
        if not isinstance(rect, str) or rect not in RECTANGULARITIES:
            raise ValueError(f"rect must be 'sa' ((s,a)-rectangular) or 's' (s-rectangular); "
                             f"got {rect!r}")
        S, A = nominal.S, nominal.A
        shape = (S, A) if rect == "sa" else (S,)
        label = "[S, A]" if rect == "sa" else "[S]"
        try:
            r = np.array(radius, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"radius must be a number or a numeric array of shape {label} = "
                             f"{list(shape)}: {exc}") from None
        if r.ndim == 0:
            r = np.full(shape, float(r))
        if r.shape != shape:
            hint = ""
            if rect == "s" and r.shape == (S, A):
                hint = " (per-(s,a) radii need rect='sa')"
            elif rect == "sa" and r.shape == (S,):
                hint = " (per-state radii need rect='s')"
            raise ValueError(f"radius must have shape {label} = {list(shape)} for rect={rect!r}, "
                             f"got {r.shape}{hint}")
        _raise_at_first(~np.isfinite(r), r, "radius[{idx}] = {val!r} is not finite; radii "
                        "must be finite, non-negative numbers")
        _raise_at_first(r < 0, r, "radius[{idx}] = {val!r} < 0 makes the uncertainty set "
                        "empty; radii must be >= 0 (0 = nominal only)")
        top = _MAX_RADIUS.get(kind)
        if top is not None:
            scale = 1.0 if rect == "sa" else (A if kind in ("l1", "tv") else
                                              (np.sqrt(A) if kind == "l2" else 1.0))
            bad = np.argwhere(r > top * scale * (1.0 + 1e-12))
            if bad.size:
                i = tuple(bad[0])
                what = ("between two distributions" if rect == "sa"
                        else f"summed over the {A} actions of a state")
                raise ValueError(
                    f"radius[{_fmt_index(i)}] = {float(r[i])!r} exceeds {top * scale:g}, the "
                    f"largest {kind} distance {what}; any radius >= {top * scale:g} already "
                    f"gives the whole (support) simplex — pass {top * scale:g} for that")
        if R_next is not None:
            if nominal.finite_horizon and not nominal.stationary:
                raise ValueError("R_next is supported for stationary models only (P [S, A, S'] "
                                 "and R [S, A])")
            try:
                Rn = np.array(R_next, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"R_next must be a numeric array of shape [S, A, S']: "
                                 f"{exc}") from None
            if Rn.shape != (S, A, S):
                raise ValueError(f"R_next must have shape [S, A, S'] = [{S}, {A}, {S}], got "
                                 f"{Rn.shape}")
            bad = np.argwhere(~np.isfinite(Rn))
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(f"R_next[{_fmt_index(i)}] = {float(Rn[i])!r} is not finite")
            mean = np.einsum("sat,sat->sa", nominal.P, Rn)
            scale = 1.0 + np.abs(Rn).max(axis=-1)
            err = np.abs(mean - nominal.R) / scale
            bad = np.argwhere(err > R_NEXT_RTOL)
            if bad.size:
                i = tuple(bad[0])
                raise ValueError(
                    f"nominal.R[{_fmt_index(i)}] = {float(nominal.R[i])!r} but "
                    f"sum_s' Pbar[{_fmt_index(i)}, s'] R_next[{_fmt_index(i)}, s'] = "
                    f"{float(mean[i])!r}; R must be the nominal mean of R_next "
                    "(use RobustMDP.from_transition_rewards to build both)")
            Rn.setflags(write=False)
        else:
            Rn = None
        r.setflags(write=False)
        self.nominal = nominal
        self.kind = kind
        self.rect = rect
        self.radius = r
        self.R_next = Rn
        self.name = name
        object.__setattr__(self, "_frozen", True)

    # ---------------------------------------------------------------- constructors
    def memo(self, key, build):
        """A derived, read-only view of this (frozen) model, built once by ``build()`` and
        kept under ``key`` (the robust kernels' CSR layout, for instance)."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @classmethod
    def from_transition_rewards(cls, P, R_next, kind: str, radius, *, gamma=None,
                                horizon=None, init=None, rect: str = "sa",
                                name: str | None = None) -> "RobustMDP":
        """Build the nominal model from ``P[S, A, S']`` and ``R_next[S, A, S']``
        (``R[s, a] = sum_s' P R_next``) and wrap it. For costs pass ``R_next = -C``."""
        P = np.asarray(P, dtype=np.float64)
        Rn = np.asarray(R_next, dtype=np.float64)
        if P.ndim != 3 or Rn.shape != P.shape:
            raise ValueError(f"P and R_next must both have shape [S, A, S']; got {P.shape} and "
                             f"{Rn.shape}")
        R = np.einsum("sat,sat->sa", P, Rn)
        nom = TabularMDP(P, R, gamma=gamma, horizon=horizon, init=init, name=name)
        return cls(nom, kind, radius, rect=rect, R_next=Rn, name=name)

    # ---------------------------------------------------------------- immutability
    def __setattr__(self, key, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"RobustMDP is frozen; cannot set {key!r}")
        object.__setattr__(self, key, value)

    def replace(self, **changes) -> "RobustMDP":
        """A new robust model with some of ``nominal, kind, radius, rect, R_next, name``
        changed (validated like any other)."""
        kw = dict(nominal=self.nominal, kind=self.kind, radius=self.radius, rect=self.rect,
                  R_next=self.R_next, name=self.name)
        unknown = set(changes) - set(kw)
        if unknown:
            raise ValueError(f"replace() got unknown field(s) {sorted(unknown)}; expected "
                             f"{', '.join(kw)}")
        kw.update(changes)
        return RobustMDP(kw.pop("nominal"), kw.pop("kind"), kw.pop("radius"), **kw)

    # ---------------------------------------------------------------- views
    @property
    def S(self) -> int:
        return self.nominal.S

    @property
    def A(self) -> int:
        return self.nominal.A

    @property
    def gamma(self):
        return self.nominal.gamma

    @property
    def horizon(self):
        return self.nominal.horizon

    @property
    def finite_horizon(self) -> bool:
        return self.nominal.finite_horizon

    @property
    def init(self) -> np.ndarray:
        return self.nominal.init

    @property
    def Pbar(self) -> np.ndarray:
        """Nominal dense kernel (``[S,A,S']`` or ``[H,S,A,S']``)."""
        return self.nominal.P

    @property
    def support_preserving(self) -> bool:
        """True when every kernel in the set keeps the nominal support (all kinds but tv)."""
        return self.kind != "tv"

    @property
    def budget(self) -> np.ndarray:
        """Budget of the distance ``D`` the kernels use: ``radius**2`` for ``l2`` (they work
        with the squared 2-norm), ``radius`` otherwise. Shape of ``radius``."""
        b = self.radius ** 2 if self.kind == "l2" else self.radius
        b = np.array(b)
        b.setflags(write=False)
        return b

    def transition_rewards(self) -> np.ndarray:
        """``float64[S, A, S']``: ``R_next`` if given, else ``R[s, a]`` for every ``s'``
        (stationary rewards only)."""
        if self.R_next is not None:
            return self.R_next
        R = self.nominal.R
        if R.ndim != 2:
            raise ValueError("transition_rewards() needs stationary rewards R[S, A]")
        out = np.repeat(R[:, :, None], self.S, axis=2)
        out.setflags(write=False)
        return out

    def contains(self, P, *, atol: float = 1e-9) -> bool:
        """Whether the dense stationary kernel ``P[S, A, S']`` lies in the set (to ``atol``)."""
        P = np.asarray(P, dtype=np.float64)
        Q = self.nominal.P
        if Q.ndim != 3 or P.shape != Q.shape:
            raise ValueError(f"P must have shape {Q.shape} (stationary models only)")
        if np.any(P < -atol) or np.any(np.abs(P.sum(-1) - 1) > max(atol, ROW_SUM_TOL)):
            return False
        if self.support_preserving and np.any(np.abs(P[Q <= 0]) > atol):
            return False
        dist = _distance(self.kind, P, Q)
        if self.rect == "s":
            if self.kind == "linf":
                return bool(np.all(dist.max(axis=1) <= self.radius + atol))
            return bool(np.all(dist.sum(axis=1) <= self.budget + atol))
        return bool(np.all(dist <= self.budget + atol))

    def __repr__(self) -> str:
        nm = f"{self.name!r}, " if self.name else ""
        return (f"RobustMDP({nm}kind={self.kind!r}, rect={self.rect!r}, S={self.S}, A={self.A}, "
                f"nominal={self.nominal!r})")


def _distance(kind: str, P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Per-row distance ``D(P[s,a], Q[s,a])`` in the units of :attr:`RobustMDP.budget`."""
    diff = P - Q
    if kind == "l1":
        return np.abs(diff).sum(-1)
    if kind == "tv":
        return 0.5 * np.abs(diff).sum(-1)
    if kind == "linf":
        return np.abs(diff).max(-1)
    if kind == "l2":
        return (diff ** 2).sum(-1)
    pos = Q > 0
    if kind == "chi2":
        return np.where(pos, diff ** 2 / np.where(pos, Q, 1.0), 0.0).sum(-1)
    # kl
    ok = pos & (P > 0)
    return np.where(ok, P * np.log(np.where(ok, P, 1.0) / np.where(pos, Q, 1.0)), 0.0).sum(-1)
