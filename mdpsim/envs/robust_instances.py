r"""Robust MDP instances of the DRPG paper (Wang, Ho & Petrik, ICML 2023, arXiv 2212.10439).

Both generators follow the authors' released code (``JerrisonWang/ICML-DRPG`` and
``JMLR-DRPMD``, as read for ``docs/papers/drpg.md`` §7) with reproducible seeds instead of the
code's wall-clock seeds. The paper minimises **costs**; the instances are stored in mdpsim's
reward semantics with ``R_next = -C`` (so a robust value ``V`` is minus the worst-case cost).

Garnet RMDP, :func:`drpg_garnet` [paper-code]. ``gamma = 0.95``; ``rho ∝ U(0,5)`` weights;
costs ``C[s,a,s'] ~ U(0,5)`` for every ``s'``; for each ``(s,a)`` ``b`` distinct next states
drawn uniformly with ``U(0,5)`` weights, normalised (zero elsewhere, kept zero by the
support-preserving L1 set); radii ``kappa[s,a] ~ U(0.1,0.5)`` ((s,a)-rect) or
``kappa[s] ~ U(0.5,1)`` (s-rect, the JMLR code); initial policy ``U(0.1,0.5)`` weights,
normalised. Draw order (fixed, so a seed determines the instance): ``rho``, ``C``, successor
sets, successor weights, radii, initial policy.

"Inventory" with a parametric kernel, :func:`drpg_inventory` [paper-code, with [R] parts].
As released it is a random instance, not a structured inventory model: ``S = 8``, ``A = 3``,
``gamma = 0.95``; costs ``|N(2, 2)|`` rounded to 2 decimals; nominal kernel with full support
and integer weights 1..9, normalised; ``rho`` integer weights 1..9, normalised; actions
``{-3, -1, 5}``; features ``phi(s') = exp(-||x_{s'} - c_i||^2 / 2)`` with centres
``(-1, 2), (0.3, -0.6)`` and ``psi(s,a) = exp(-||(x_s, a) - d_j||^2 / 8)`` with centres
``(1.3, 2.1, 1), (-0.7, 1.5, 0.5)``; ``theta_c = (0.4, 0.9)``, ``lambda_c = (0.7, 0.6)``,
``kappa_theta = kappa_lambda = 1``, inner start ``theta = lambda = (1, 1)``, ``lambda >= 1e-5``.
[R] reconstructed: the 2-D state coordinates ``x_s`` (the code reads them from files not in
the description; here ``x_s ~ U(-2, 2)^2``), the exponential in the "RBF" features (the code
omits it — a bug, see drpg.md §8.6), and the initial policy (``U(0.1,0.5)`` weights as for
Garnet).

Both factories are registered environments (``mdpsim.make("drpg_garnet", S=5, A=4, b=3,
rng=...)``), so an experiment spec builds them by name; an experiment of planners builds one
instance per seed from the seed's ``SeedSequence`` (:mod:`mdpsim.experiment.spec`). This module
was ``mdpsim.robust.instances``, which still re-exports it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._rng import as_generator
from ..models.robust import RobustMDP
from ._registry import register

__all__ = ["DRPGInstance", "drpg_garnet", "ParametricInstance", "drpg_inventory",
           "GARNET_SA_SIZES", "GARNET_S_SIZES"]

#: (S, A, b) of the paper's (s,a)-rectangular Garnet figure (labels; the C++ main uses A = 6
#: for the first size, the plot label says 4 — we follow the label).
GARNET_SA_SIZES = ((5, 4, 3), (10, 6, 3), (15, 8, 3))
#: (S, A, b) of the s-rectangular Garnet figure (full support).
GARNET_S_SIZES = ((10, 5, 10), (15, 8, 15))


@dataclass(frozen=True)
class DRPGInstance:
    """A DRPG test instance: the robust model (rewards ``-C``), the costs ``C[S, A, S']`` and
    the initial policy ``pi0[S, A]``."""

    rmdp: RobustMDP
    costs: np.ndarray
    pi0: np.ndarray
    label: str


def _check_size(name, v, lo=1):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")
    return int(v)


@register("drpg_garnet")
def drpg_garnet(S: int, A: int, b: int, *, rect: str = "sa", rng=0, gamma: float = 0.95,
                radius_range: tuple | None = None, cost_high: float = 5.0) -> DRPGInstance:
    """Garnet RMDP G(S, A, b) with a support-preserving L1 set (module docstring).

    ``radius_range`` defaults to ``(0.1, 0.5)`` for ``rect="sa"`` and ``(0.5, 1.0)`` for
    ``rect="s"`` (both paper-code). ``rng``: seed, SeedSequence or Generator.
    """
    S, A, b = _check_size("S", S), _check_size("A", A), _check_size("b", b)
    if b > S:
        raise ValueError(f"b must be <= S, got b={b}, S={S}")
    if rect not in ("sa", "s"):
        raise ValueError(f"rect must be 'sa' or 's', got {rect!r}")
    if radius_range is None:
        radius_range = (0.1, 0.5) if rect == "sa" else (0.5, 1.0)
    lo, hi = (float(x) for x in radius_range)
    if not (0.0 <= lo <= hi):
        raise ValueError(f"radius_range must satisfy 0 <= low <= high, got {radius_range!r}")
    g = as_generator(rng)
    rho = g.uniform(0.0, 5.0, size=S)
    rho /= rho.sum()
    C = g.uniform(0.0, cost_high, size=(S, A, S))
    succ = np.argsort(g.random((S, A, S)), axis=-1)[..., :b]
    w = g.uniform(0.0, 5.0, size=(S, A, b))
    P = np.zeros((S, A, S))
    np.put_along_axis(P, succ, w, axis=-1)
    P /= P.sum(-1, keepdims=True)
    radius = g.uniform(lo, hi, size=(S, A) if rect == "sa" else (S,))
    pi0 = g.uniform(0.1, 0.5, size=(S, A))
    pi0 /= pi0.sum(-1, keepdims=True)
    label = f"G({S},{A},{b})"
    rm = RobustMDP.from_transition_rewards(P, -C, "l1", radius, gamma=gamma, init=rho,
                                           rect=rect, name=f"drpg_garnet{label}[{rect}]")
    C.setflags(write=False)
    pi0.setflags(write=False)
    return DRPGInstance(rm, C, pi0, label)


@dataclass(frozen=True)
class ParametricInstance:
    """Parametric-kernel RMDP: ``p[s,a,s'] ∝ Pbar[s,a,s'] exp(theta.phi[s'] / lam.psi[s,a])``
    with ``||theta - theta_c||_1 <= kappa_theta``, ``||lam - lam_c||_1 <= kappa_lam``,
    ``lam >= lam_min``. Costs ``C[S, A, S']`` (minimised), ``rho`` initial distribution."""

    Pbar: np.ndarray
    C: np.ndarray
    rho: np.ndarray
    gamma: float
    phi: np.ndarray       # [S, m]
    psi: np.ndarray       # [S, A, n]
    theta_c: np.ndarray
    lam_c: np.ndarray
    kappa_theta: float
    kappa_lam: float
    theta0: np.ndarray
    lam0: np.ndarray
    lam_min: float
    pi0: np.ndarray
    label: str = "inventory"

    @property
    def S(self) -> int:
        return self.Pbar.shape[0]

    @property
    def A(self) -> int:
        return self.Pbar.shape[1]


def _rbf(x, centres, bandwidth):
    d2 = ((x[..., None, :] - centres) ** 2).sum(-1)
    return np.exp(-d2 / (2.0 * bandwidth ** 2))


@register("drpg_inventory")
def drpg_inventory(*, rng=0, S: int = 8, A: int = 3, gamma: float = 0.95) -> ParametricInstance:
    """The DRPG "inventory" instance with the exponentially tilted kernel (module docstring)."""
    S, A = _check_size("S", S), _check_size("A", A)
    if A != 3:
        raise ValueError(f"the inventory instance has A = 3 actions ({{-3, -1, 5}}), got A={A}")
    g = as_generator(rng)
    C = np.round(np.abs(g.normal(2.0, 2.0, size=(S, A, S))), 2)
    W = g.integers(1, 10, size=(S, A, S)).astype(np.float64)
    Pbar = W / W.sum(-1, keepdims=True)
    rho = g.integers(1, 10, size=S).astype(np.float64)
    rho /= rho.sum()
    x = g.uniform(-2.0, 2.0, size=(S, 2))                      # [R] state coordinates
    actions = np.array([-3.0, -1.0, 5.0])
    phi = _rbf(x, np.array([[-1.0, 2.0], [0.3, -0.6]]), 1.0)
    sa = np.concatenate([np.repeat(x[:, None, :], A, axis=1),
                         np.broadcast_to(actions[None, :, None], (S, A, 1))], axis=-1)
    psi = _rbf(sa, np.array([[1.3, 2.1, 1.0], [-0.7, 1.5, 0.5]]), 2.0)
    pi0 = g.uniform(0.1, 0.5, size=(S, A))                      # [R] initial policy
    pi0 /= pi0.sum(-1, keepdims=True)
    arrs = dict(Pbar=Pbar, C=C, rho=rho, phi=phi, psi=psi, pi0=pi0,
                theta_c=np.array([0.4, 0.9]), lam_c=np.array([0.7, 0.6]),
                theta0=np.array([1.0, 1.0]), lam0=np.array([1.0, 1.0]))
    for v in arrs.values():
        v.setflags(write=False)
    return ParametricInstance(gamma=float(gamma), kappa_theta=1.0, kappa_lam=1.0, lam_min=1e-5,
                              **arrs)
