r"""DRPG — Double-Loop Robust Policy Gradient, with its comparators.

Paper: Q. Wang, C. P. Ho, M. Petrik, "Policy Gradient in Robust MDPs with Global Convergence
Guarantee", ICML 2023 (PMLR 202), arXiv:2212.10439. Settings, constants and checks follow
``docs/papers/drpg.md`` (the authors' code ``JerrisonWang/ICML-DRPG`` and ``JMLR-DRPMD`` was
read for it).

**Cost semantics (chosen once).** As in the paper, DRPG *minimises* the worst-case cost

.. math:: \Phi(\pi) = \max_{p\in\mathcal P} J(\pi, p),\qquad J(\pi,p) = \rho^\top v_c^{\pi,p},
          \qquad v_c^{\pi,p} = (I - \gamma P_\pi)^{-1} c_\pi .

mdpsim models carry rewards; the one flip happens here: ``c(s,a,s') = -r(s,a,s')`` (the DRPG
instances of :mod:`mdpsim.envs.robust_instances` store ``R_next = -C``), so
``Phi(pi) = -rho.V^pi_P`` and ``Phi* = -rho.V*_P``. Every number this module reports (``phi``,
``J_inner``, ``phi_star``) is a cost.

**Algorithm** (drpg.md §5). Outer loop (Algorithm 1), for ``t = 0..T-1``:

1. inner: find ``p_t`` in ``P`` with ``J(pi_t, p_t) >= Phi(pi_t) - eps_t``;
2. ``G_t = grad_pi J(pi_t, p_t)``, ``dJ/dpi(a|s) = d(s) q_c(s,a) / (1-gamma)`` with ``d`` the
   normalised discounted occupancy and ``q_c(s,a) = sum_s' p(s'|s,a)(c(s,a,s') + gamma v_c(s'))``;
3. ``pi_{t+1}(.|s) = Proj_simplex(pi_t(.|s) - alpha G_t(s, .))`` (Euclidean, sort-based).

Inner loop (Algorithm 2): projected gradient *ascent* on the kernel from the nominal kernel,
``dJ/dp(s'|s,a) = d(s) pi(a|s) (c(s,a,s') + gamma v_c(s')) / (1-gamma)``, with the exact
bisection-based Euclidean projections onto the support-preserving L1 sets ((s,a)- or
s-rectangular, ``mdpsim.kernels.robust_numba``), stopped by the authors' rule
``||v^{k+1} - v^k||_2 <= eps_t`` or (``inner_stop="certified"``, proposed) by a certified
gap ``Phi(pi) - J(pi, p) <= eps_t`` computed from one robust Bellman backup.

Tolerance schedule ``eps_t``: ``constant`` (``eps_0``), ``geometric`` (``eps_0 r^t``),
``harmonic`` (``eps_0 / (t+1)``).

Comparators: ``inner="exact"`` (robust policy evaluation to 1e-12: exact worst-case kernel,
separates inner-loop from outer-loop error), ``inner="nominal"`` (non-robust projected PG on the
nominal kernel), and robust value iteration (:func:`mdpsim.robust.robust_value_iteration`,
the optimum ``Phi*``).

Parametric kernel (drpg.md §4): ``p^{theta,lambda}(s'|s,a) ∝ pbar(s'|s,a) exp(theta.phi(s') /
lambda.psi(s,a))`` with projected ascent on ``(theta, lambda)`` over L1 balls
(:func:`drpg_parametric`).

What follows the paper and what is reconstructed ([R], labelled in every result's
``reconstructed`` field):

* follows the paper / code: the double loop, direct parameterisation, simplex projection,
  the gradients, the inner projected ascent restarted from the nominal kernel, the
  ``||dv||_2`` stopping rule, constant step sizes, all constants of ``preset="paper"``
  (``source="paper-code"``);
* [R] ``tolerance_schedule`` other than constant (the paper states non-increasing ``eps_t``,
  the code uses a constant); [R] ``pi_best`` (best iterate by ``J(pi_t, p_t)``; the code
  returns the last iterate, which is what ``pi`` is); [R] the certified inner stopping rule;
  [R] exact Euclidean projections replace the authors' Gurobi QPs (same sets, solver-free);
  the first proximal step is centred at the current kernel (the ICML code's all-zero centre
  is a bug, drpg.md §8.3);
* [proposed] ``warm_start=True`` (inner ascent from the previous outer step's kernel) and
  the diminishing outer steps ``step_schedule`` = ``sqrt`` (``alpha/sqrt(t+1)``),
  ``harmonic`` (``alpha/(t+1)``) and ``geometric`` (``alpha step_rate^t``), see
  :func:`step_sizes`.

**Defaults.** ``drpg(rm)`` runs the configuration that converges (``preset="default"``): the
paper-code constants with a warm-started inner ascent and a larger outer step — (s,a)-rect
``alpha = 0.5``; s-rect ``alpha_t = 0.5 * 0.97^t`` — within 1e-3 relative of the robust
optimum on all 50 instances of every Garnet size of the paper and on five new instances per
size (``experiments/results/drpg/defaults.md``). ``drpg(rm, preset="paper")`` is the paper's
run (authors' constants, inner ascent restarted from the nominal kernel, constant step).

Why warm start matters (measured, ``experiments/drpg_garnet.py``). The kernel gradient of row
``(s,a)`` carries the factor ``pi(a|s)``: rows of actions the policy has (almost) left are
not moved by the inner ascent and stay near the nominal kernel, so ``q_c(s,a)`` of those
actions is underestimated and the outer step keeps pushing mass back onto them. ``J(pi_t,
p_t)`` — and any stopping rule weighted by ``pi`` — cannot see this, so tightening the inner
tolerance does not remove the resulting plateau of ``Phi(pi_t) - Phi*`` (about 1e-3 relative on
the paper's Garnets); the exact inner solver, or a warm-started inner loop, does.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._registry import HyperParameter
from ..models.robust import RobustMDP
from ..planning import as_stochastic_policy
from ..robust.view import robust_trans, check_robust
from ..robust.planning import get_robust_backend
from ..envs.robust_instances import ParametricInstance

__all__ = ["DRPGResult", "drpg", "drpg_exact", "nonrobust_pg", "drpg_hyperparameters",
           "eps_schedule", "step_sizes", "PRESETS", "cost_objective", "policy_gradient",
           "kernel_gradient", "phi", "parametric_kernel", "parametric_gradients", "drpg_parametric",
           "ParametricResult", "proj_l1_ball", "PAPER", "RECONSTRUCTED", "DRPGIterate",
           "drpg_start", "drpg_next", "ParametricIterate", "parametric_start", "parametric_next"]

PAPER = ("Q. Wang, C. P. Ho, M. Petrik, Policy Gradient in Robust MDPs with Global "
         "Convergence Guarantee, ICML 2023, arXiv:2212.10439")
RECONSTRUCTED = ("[R] tolerance schedules other than constant", "[R] pi_best output",
                 "[R] certified inner stopping rule",
                 "[R] exact bisection projections instead of Gurobi QPs",
                 "[proposed] warm_start=True and step_schedule other than constant (not in "
                 "the paper)")
SCHEDULES = ("constant", "geometric", "harmonic")
STEP_SCHEDULES = ("constant", "sqrt", "harmonic", "geometric")
INNERS = ("pga", "exact", "nominal")


def _pos(x):
    return x > 0


def drpg_hyperparameters(rect: str = "sa", preset: str = "default") -> dict:
    """Hyper-parameters of DRPG with defaults and provenance (drpg.md §5.5).

    ``preset="paper"``: the authors' code, restarted inner ascent and a constant step —
    ``rect="sa"``: the ICML-DRPG Garnet code (alpha 0.05, beta 0.1, inner tol 1e-3);
    ``rect="s"``: the JMLR-DRPMD s-rectangular code (alpha 0.1, beta 0.2, inner tol 1e-4).

    ``preset="default"``: the configuration that converges (``experiments/drpg_garnet.py``,
    ``experiments/results/drpg/defaults.md``): the paper-code constants except a
    warm-started inner ascent (``warm_start=True``) and — ``rect="sa"`` — the outer step
    ``alpha = 0.5``; — ``rect="s"`` — the geometric outer step ``alpha_t = 0.5 * 0.97^t``
    (``step_schedule="geometric"``, ``alpha=0.5``, ``step_rate=0.97``; matched to ``T = 200``,
    see :func:`step_sizes`). The changed defaults have ``source="proposed"`` and the paper-code
    value as ``theory``.
    """
    if rect not in ("sa", "s"):
        raise ValueError(f"rect must be 'sa' or 's', got {rect!r}")
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(map(repr, PRESETS))}; got "
                         f"{preset!r}")
    sa = rect == "sa"
    hp = [
        HyperParameter("alpha", 0.05 if sa else 0.1, float, "paper-code",
                       "outer (policy) step size", valid=_pos, expected="> 0"),
        HyperParameter("beta", 0.1 if sa else 0.2, float, "paper-code",
                       "inner (kernel) step size", valid=_pos, expected="> 0"),
        HyperParameter("T", 200, int, "paper-code", "outer iterations", valid=_pos,
                       expected="> 0"),
        HyperParameter("inner_tol", 1e-3 if sa else 1e-4, float, "paper-code",
                       "eps_0: inner stopping tolerance", valid=_pos, expected="> 0"),
        HyperParameter("tolerance_schedule", "constant", str, "paper-code",
                       "eps_t: constant | geometric (eps_0 r^t) | harmonic (eps_0/(t+1))",
                       choices=SCHEDULES),
        HyperParameter("schedule_rate", 0.95, float, "proposed",
                       "r of the geometric schedule (default gamma of the paper's instances)",
                       valid=lambda r: 0 < r <= 1, expected="in (0, 1]"),
        HyperParameter("inner_stop", "dv", str, "paper-code",
                       "dv: ||v^{k+1} - v^k||_2 <= eps_t (code); certified: Phi - J <= eps_t",
                       choices=("dv", "certified")),
        HyperParameter("inner_max_iter", 10_000, int, "proposed",
                       "cap on inner iterations per outer step", valid=_pos, expected="> 0"),
        HyperParameter("step_schedule", "constant", str, "paper-code",
                       "alpha_t: constant (code) | sqrt: alpha / sqrt(t+1) (the diminishing "
                       "step of subgradient theory for nonsmooth Phi) | harmonic: "
                       "alpha / (t+1) | geometric: alpha * step_rate^t (see step_sizes)",
                       choices=STEP_SCHEDULES),
        HyperParameter("step_rate", 0.98, float, "proposed",
                       "q of the geometric step schedule alpha_t = alpha q^t",
                       valid=lambda r: 0 < r <= 1, expected="in (0, 1]"),
        HyperParameter("warm_start", False, bool, "paper-code",
                       "start the inner ascent from the previous outer step's kernel (the "
                       "code restarts from the nominal kernel: False)"),
    ]
    out = {p.name: p for p in hp}
    if preset == "default":
        for name, value in _CONVERGING[rect].items():
            p = out[name]
            theory = p.default if p.source == "paper-code" else None
            out[name] = dataclasses.replace(
                p, default=value, source="proposed", theory=theory,
                doc=p.doc + " [default: converging configuration, "
                            "experiments/results/drpg/defaults.md]")
    return out


#: presets of :func:`drpg_hyperparameters` / :func:`drpg`
PRESETS = ("default", "paper")
#: what ``preset="default"`` changes from the paper-code settings, per rectangularity (chosen
#: on the stored Garnet sweep ``experiments/results/drpg/garnet_final.csv``: the only
#: variants within 1e-3 of Phi* on all 50 instances of every paper size)
_CONVERGING = {
    "sa": {"warm_start": True, "alpha": 0.5},
    "s": {"warm_start": True, "step_schedule": "geometric", "alpha": 0.5, "step_rate": 0.97},
}


def eps_schedule(name: str, eps0: float, T: int, rate: float = 0.95) -> np.ndarray:
    """``eps_t`` for ``t = 0..T``: constant, geometric ``eps0 rate^t`` or harmonic
    ``eps0/(t+1)`` (all non-increasing, as the convergence theory requires)."""
    t = np.arange(T + 1, dtype=np.float64)
    if name == "constant":
        return np.full(T + 1, float(eps0))
    if name == "geometric":
        return eps0 * rate ** t
    if name == "harmonic":
        return eps0 / (t + 1.0)
    raise ValueError(f"tolerance_schedule must be one of {', '.join(SCHEDULES)}; got {name!r}")


def step_sizes(name: str, alpha: float, T: int, rate: float = 0.98) -> np.ndarray:
    r"""Outer step sizes ``alpha_t`` for ``t = 0..T-1`` (``source="proposed"`` for all but
    ``constant``; the paper and its code use a constant step).

    * ``constant``: :math:`\alpha_t = \alpha` (paper code);
    * ``sqrt``: :math:`\alpha_t = \alpha/\sqrt{t+1}` — the classical diminishing step of the
      projected subgradient method (:math:`\sum\alpha_t = \infty`,
      :math:`\alpha_t \to 0`); for a Lipschitz, :math:`\ell`-weakly convex :math:`\Phi`
      (a max of smooth :math:`J(\cdot,p)`, drpg.md §6) the Moreau-envelope stationarity
      measure of the best iterate decays like :math:`T^{-1/4}` up to a log factor (Davis &
      Drusvyatskiy 2019 state :math:`O(T^{-1/4})` for the constant step
      :math:`\alpha/\sqrt{T+1}`);
    * ``harmonic``: :math:`\alpha_t = \alpha/(t+1)` — square-summable but not summable
      (:math:`\sum\alpha_t = \infty`, :math:`\sum\alpha_t^2 < \infty`), the classical
      condition for convergence of the subgradient iterates themselves;
    * ``geometric``: :math:`\alpha_t = \alpha q^t`, ``q = rate`` — for a *sharp* weakly
      convex function (:math:`\Phi(\pi) - \Phi^* \ge \mu\,\mathrm{dist}(\pi, \Pi^*)`, the
      typical shape of a max-type :math:`\Phi` at a kink) geometrically decaying steps give
      linear convergence from a neighbourhood of the solution set when
      :math:`\alpha` and :math:`q` match the (unknown) sharpness and Lipschitz constants
      (Davis, Drusvyatskiy, MacPhee & Paquette, JOTA 2018). The total travel is bounded,
      :math:`\sum_t\alpha_t \le \alpha/(1-q)`, so a too small ``alpha`` or ``q`` stalls.
    """
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}")
    if not 0 < rate <= 1:
        raise ValueError(f"step rate must be in (0, 1], got {rate!r}")
    t = np.arange(int(T), dtype=np.float64)
    if name == "constant":
        return np.full(t.size, float(alpha))
    if name == "sqrt":
        return alpha / np.sqrt(t + 1.0)
    if name == "harmonic":
        return alpha / (t + 1.0)
    if name == "geometric":
        return alpha * rate ** t
    raise ValueError(f"step_schedule must be one of {', '.join(STEP_SCHEDULES)}; got {name!r}")


# ============================================================================ dense maths
def _costs(rm: RobustMDP) -> np.ndarray:
    return -np.asarray(rm.transition_rewards())


def _check_pi(rm, pi):
    return as_stochastic_policy(rm.nominal, np.asarray(pi, dtype=np.float64))[0]


def _free_pi(rm, pi):
    """``pi[S, A]`` as free coordinates (gradients and finite differences: no simplex check)."""
    pi = np.asarray(pi, dtype=np.float64)
    if pi.shape != (rm.S, rm.A) or not np.all(np.isfinite(pi)):
        raise ValueError(f"pi must be a finite array of shape [S, A] = [{rm.S}, {rm.A}], got "
                         f"{pi.shape}")
    return pi


def _check_P(rm, P):
    P = np.asarray(P, dtype=np.float64)
    if P.shape != (rm.S, rm.A, rm.S):
        raise ValueError(f"P must have shape [S, A, S'] = [{rm.S}, {rm.A}, {rm.S}], got "
                         f"{P.shape}")
    return P


def _dense_terms(rm, pi, P):
    g = rm.gamma
    C = _costs(rm)
    Ppi = np.einsum("sa,sat->st", pi, P)
    c_pi = np.einsum("sa,sat,sat->s", pi, P, C)
    M = np.eye(rm.S) - g * Ppi
    v = np.linalg.solve(M, c_pi)
    d = np.linalg.solve(M.T, (1.0 - g) * rm.init)
    return C, v, d


def cost_objective(rm: RobustMDP, pi, P) -> float:
    """``J(pi, P) = rho^T (I - gamma P_pi)^{-1} c_pi`` (cost) for a dense kernel ``P[S,A,S']``."""
    pi, P = _free_pi(rm, pi), _check_P(rm, P)
    return float(rm.init @ _dense_terms(rm, pi, P)[1])


def policy_gradient(rm: RobustMDP, pi, P) -> np.ndarray:
    """``dJ/dpi(a|s) = d(s) q_c(s,a) / (1-gamma)`` (entries of ``pi`` as free coordinates);
    ``float64[S, A]``."""
    pi, P = _free_pi(rm, pi), _check_P(rm, P)
    C, v, d = _dense_terms(rm, pi, P)
    q = np.einsum("sat,sat->sa", P, C + rm.gamma * v[None, None, :])
    return d[:, None] * q / (1.0 - rm.gamma)


def kernel_gradient(rm: RobustMDP, pi, P) -> np.ndarray:
    """``dJ/dp(s'|s,a) = d(s) pi(a|s) (c(s,a,s') + gamma v_c(s')) / (1-gamma)``;
    ``float64[S, A, S']``."""
    pi, P = _free_pi(rm, pi), _check_P(rm, P)
    C, v, d = _dense_terms(rm, pi, P)
    return (d[:, None, None] * pi[:, :, None] * (C + rm.gamma * v[None, None, :])
            / (1.0 - rm.gamma))


def phi(rm: RobustMDP, pi, *, tol: float = 1e-12, backend: str | None = None) -> float:
    """Exact worst-case cost ``Phi(pi) = max_{p in P} J(pi, p) = -rho.V^pi_P`` (robust policy
    evaluation with a certified bracket narrower than ``tol``)."""
    check_robust(rm)
    kb = get_robust_backend(backend)
    r = kb.robust_evaluate(robust_trans(rm), rm.gamma, _check_pi(rm, pi), float(tol), 1000)
    if not r.converged:
        raise RuntimeError(f"robust policy evaluation did not certify tol={tol:g} "
                           f"(gap {r.gap_bound:.3g})")
    return -float(rm.init @ r.V)


# ============================================================================ DRPG
@dataclass(frozen=True)
class DRPGResult:
    """Trajectory of a DRPG run (costs).

    ``phi[t]``: exact ``Phi(pi_t)`` (NaN if ``evaluate=False``), ``J_inner[t]``:
    ``J(pi_t, p_t)`` from the inner solver, ``inner_iters[t]``, ``eps[t]``, ``inner_gap[t]``
    (certified gap when computed, else NaN), all for ``t = 0..T``; ``pi`` the last iterate
    ``pi_T``; ``pi_best`` [R] the iterate with the smallest ``J_inner``; ``hyperparameters``
    maps each name to ``(value, source)``.
    """

    phi: np.ndarray
    J_inner: np.ndarray
    inner_iters: np.ndarray
    eps: np.ndarray
    inner_gap: np.ndarray
    pi: np.ndarray
    pi_best: np.ndarray
    t_best: int
    inner: str
    hyperparameters: dict
    reconstructed: tuple = RECONSTRUCTED
    paper: str = PAPER
    extra: dict = field(default_factory=dict)


def _resolve(rm, given: dict, preset: str = "default") -> dict:
    hps = drpg_hyperparameters(rm.rect, preset)
    out = {}
    for name, p in hps.items():
        v = given.get(name)
        out[name] = (p.default, p.source) if v is None else (p.coerce(v, "drpg"), "user")
    return out


class DRPGIterate(NamedTuple):
    """One DRPG iterate ``pi_t`` with what the double loop computed at it (costs).

    ``t``; ``pi[S, A]``; ``phi`` the exact ``Phi(pi_t)`` (NaN when not evaluated); ``p`` the
    inner solver's kernel ``p_t`` (entries of the robust transition view), ``v_c[S]``
    ``J``-values under it, ``J = J(pi_t, p_t)``; ``inner_iters``, ``inner_gap`` (certified gap
    when computed, else NaN), ``eps`` (the inner tolerance ``eps_t``); ``p_prev`` the kernel a
    warm-started inner ascent starts from at ``t + 1``; ``run`` the loop constants."""

    t: int
    pi: np.ndarray
    phi: float
    p: np.ndarray
    v_c: np.ndarray
    J: float
    inner_iters: int
    inner_gap: float
    eps: float
    p_prev: np.ndarray
    run: "_DRPGRun"


class _DRPGRun(NamedTuple):
    """Loop constants of one DRPG run (resolved hyper-parameters, schedules, robust view)."""

    kb: object
    RT: object
    S: int
    A: int
    g: float
    rho: np.ndarray
    rows: np.ndarray
    c: np.ndarray
    eps: np.ndarray
    alphas: np.ndarray
    val: dict
    inner: str
    evaluate: bool


def _drpg_setup(rm: RobustMDP, hp: dict, inner: str, evaluate: bool, backend) -> _DRPGRun:
    """Checks and loop constants; ``hp`` maps each name to ``(value, source)``."""
    check_robust(rm)
    if rm.finite_horizon:
        raise ValueError("DRPG needs a discounted robust MDP (gamma)")
    if inner not in INNERS:
        raise ValueError(f"inner must be one of {', '.join(INNERS)}; got {inner!r}")
    if inner == "pga" and rm.kind != "l1":
        raise ValueError(f"inner='pga' projects onto L1 sets; this model's set is "
                         f"{rm.kind!r} (use inner='exact')")
    val = {k: v[0] for k, v in hp.items()}
    kb = get_robust_backend(backend)
    RT = robust_trans(rm)
    S, A, g = rm.S, rm.A, rm.gamma
    rho = np.ascontiguousarray(rm.init)
    Tn = val["T"]
    eps = eps_schedule(val["tolerance_schedule"], val["inner_tol"], Tn, val["schedule_rate"])
    alphas = step_sizes(val["step_schedule"], val["alpha"], Tn, val["step_rate"])
    rows = np.repeat(np.arange(S * A), np.diff(RT.indptr))
    s_of, a_of = rows // A, rows % A
    c = -(RT.Rb[0, s_of, a_of] + RT.rn)
    return _DRPGRun(kb, RT, S, A, g, rho, rows, c, eps, alphas, val, inner, bool(evaluate))


def _drpg_point(run: _DRPGRun, pi: np.ndarray, p_prev: np.ndarray, t: int) -> DRPGIterate:
    """Everything DRPG computes at the iterate ``pi_t``: the exact ``Phi(pi_t)`` (when
    evaluated) and the inner solve giving ``p_t`` and ``J(pi_t, p_t)``."""
    kb, RT, g, rho, val, inner = run.kb, run.RT, run.g, run.rho, run.val, run.inner
    phi_t, n, gap = np.nan, 0, np.nan
    if run.evaluate or inner == "exact":
        r = kb.robust_evaluate(RT, g, pi, 1e-12, 1000)
        if not r.converged and r.gap_bound > 1e-9:
            raise RuntimeError(f"robust policy evaluation at t={t} certified only "
                               f"{r.gap_bound:.3g} (wanted 1e-12)")
        phi_t = -float(rho @ r.V)
    if inner == "pga":
        p, v_c, n, gap = kb.drpg_inner(RT, pi, g, rho, val["beta"], float(run.eps[t]),
                                       val["inner_max_iter"],
                                       val["inner_stop"] == "certified",
                                       p_prev if val["warm_start"] else None)
        p_prev = p
    elif inner == "exact":
        p = r.pw
        v_c = -kb.kernel_value(RT, p, pi, g)
        gap = r.gap_bound
    else:
        p = RT.q
        v_c = -kb.kernel_value(RT, p, pi, g)
    return DRPGIterate(t, pi, phi_t, p, v_c, float(rho @ v_c), n, gap, float(run.eps[t]),
                       p_prev, run)


def _drpg_advance(it: DRPGIterate) -> np.ndarray:
    """The outer step: ``pi_{t+1} = Proj_simplex(pi_t - alpha_t grad_pi J(pi_t, p_t))``."""
    run = it.run
    kb, RT, S, A, g, p, pi = run.kb, run.RT, run.S, run.A, run.g, it.p, it.pi
    d = kb.kernel_occupancy(RT, p, pi, g, run.rho)
    qc = np.zeros(S * A)
    np.add.at(qc, run.rows, p * (run.c + g * it.v_c[RT.idx]))
    G = d[:, None] * qc.reshape(S, A) / (1.0 - g)
    y = pi - run.alphas[it.t] * G
    return np.stack([kb.proj_simplex(y[s]) for s in range(S)])


def drpg_start(rm: RobustMDP, hp: dict, *, pi0=None, inner: str = "pga",
               evaluate: bool = True, backend: str | None = None) -> DRPGIterate:
    """The iterate ``pi_0`` (uniform, or ``pi0``) with its inner solve; ``hp`` as resolved by
    :func:`_resolve` (name -> ``(value, source)``)."""
    run = _drpg_setup(rm, hp, inner, evaluate, backend)
    pi = np.full((rm.S, rm.A), 1.0 / rm.A) if pi0 is None else _check_pi(rm, pi0).copy()
    return _drpg_point(run, pi, run.RT.q, 0)


def drpg_next(it: DRPGIterate) -> DRPGIterate:
    """``pi_{t+1}`` from ``pi_t`` (the outer step), with its inner solve."""
    if it.t >= it.run.val["T"]:
        raise ValueError(f"DRPG was set up for T={it.run.val['T']} outer iterations; "
                         f"pi_{it.t} is the last")
    return _drpg_point(it.run, _drpg_advance(it), it.p_prev, it.t + 1)


def drpg(rm: RobustMDP, *, pi0=None, alpha=None, beta=None, T=None, inner_tol=None,
         tolerance_schedule=None, schedule_rate=None, inner_stop=None, inner_max_iter=None,
         warm_start=None, step_schedule=None, step_rate=None, inner: str = "pga",
         evaluate: bool = True, preset: str = "default",
         backend: str | None = None) -> DRPGResult:
    """Run DRPG on a discounted robust MDP (module docstring). ``None`` arguments take the
    defaults of :func:`drpg_hyperparameters` for ``rm.rect`` and ``preset`` (provenance in
    the result): ``"default"``, the configuration that converges (warm-started inner ascent;
    (s,a)-rect ``alpha = 0.5``, s-rect ``alpha_t = 0.5 * 0.97^t``), or ``"paper"``, the
    authors' code settings (``drpg(rm, preset="paper")`` is the paper's run).

    ``inner``: ``"pga"`` (the paper's inner projected gradient ascent; L1 sets only),
    ``"exact"`` (exact worst case by robust policy evaluation, any set) or ``"nominal"``
    (non-robust PG: gradient at the nominal kernel). ``pi0``: initial policy ``[S, A]``
    (default uniform). ``evaluate``: compute the exact ``Phi(pi_t)`` at every iterate.

    The loop is :func:`drpg_start` then :func:`drpg_next` ``T`` times (the steps of the
    registered planner ``drpg``, :mod:`mdpsim.algorithms._planner`).
    """
    check_robust(rm)
    if rm.finite_horizon:
        raise ValueError("DRPG needs a discounted robust MDP (gamma)")
    if inner not in INNERS:
        raise ValueError(f"inner must be one of {', '.join(INNERS)}; got {inner!r}")
    hp = _resolve(rm, dict(alpha=alpha, beta=beta, T=T, inner_tol=inner_tol,
                           tolerance_schedule=tolerance_schedule, schedule_rate=schedule_rate,
                           inner_stop=inner_stop, inner_max_iter=inner_max_iter,
                           warm_start=warm_start, step_schedule=step_schedule,
                           step_rate=step_rate), preset)
    it = drpg_start(rm, hp, pi0=pi0, inner=inner, evaluate=evaluate, backend=backend)
    Tn = it.run.val["T"]
    phis = np.full(Tn + 1, np.nan)
    J = np.empty(Tn + 1)
    iters = np.zeros(Tn + 1, dtype=np.int64)
    gaps = np.full(Tn + 1, np.nan)
    best, t_best, pi_best = np.inf, 0, it.pi.copy()
    for t in range(Tn + 1):
        if t > 0:
            it = drpg_next(it)
        phis[t], J[t], iters[t], gaps[t] = it.phi, it.J, it.inner_iters, it.inner_gap
        if J[t] < best:
            best, t_best, pi_best = J[t], t, it.pi.copy()
    return DRPGResult(phis, J, iters, it.run.eps, gaps, it.pi, pi_best, t_best, inner, hp)


def drpg_exact(rm: RobustMDP, **kw) -> DRPGResult:
    """DRPG with the exact inner solver (robust policy evaluation): separates the outer
    loop's error from the inner loop's."""
    return drpg(rm, inner="exact", **kw)


def nonrobust_pg(rm: RobustMDP, **kw) -> DRPGResult:
    """Projected policy gradient on the nominal kernel (``phi`` still reports the exact
    worst-case cost of every iterate)."""
    return drpg(rm, inner="nominal", **kw)


# ============================================================================ parametric kernel
def proj_l1_ball(y, centre, radius: float, lower: float | None = None) -> np.ndarray:
    """Euclidean projection onto ``{x : ||x - centre||_1 <= radius, x >= lower}``.

    For an L1 multiplier ``mu`` the minimiser is ``max(centre + shrink(y - centre, mu),
    lower)`` coordinate-wise (``centre >= lower`` required); ``h(mu) = ||x(mu) - centre||_1``
    is non-increasing and piecewise linear with breakpoints ``|d_i|`` and
    ``|d_i| - (centre_i - lower)`` (``d = y - centre``), so the root of ``h = radius`` is found
    exactly on the sorted breakpoints."""
    y = np.asarray(y, dtype=np.float64)
    c = np.asarray(centre, dtype=np.float64)
    lb = -np.inf if lower is None else float(lower)
    d = y - c

    def point(mu):
        return np.maximum(c + np.sign(d) * np.maximum(np.abs(d) - mu, 0.0), lb)

    def h(mu):
        return float(np.abs(point(mu) - c).sum())

    x = point(0.0)
    if h(0.0) <= radius:
        return x
    bps = np.concatenate([[0.0], np.abs(d), np.abs(d) - (c - lb)])
    bps = np.unique(bps[np.isfinite(bps) & (bps >= 0.0)])
    vals = np.array([h(m) for m in bps])
    k = int(np.flatnonzero(vals <= radius)[0])   # h(max |d|) = 0 <= radius
    m0, m1, h0, h1 = bps[k - 1], bps[k], vals[k - 1], vals[k]
    mu = m1 if h0 == h1 else min(max(m0 + (h0 - radius) / (h0 - h1) * (m1 - m0), m0), m1)
    return point(mu)


def parametric_kernel(inst: ParametricInstance, theta, lam) -> np.ndarray:
    """``p[s,a,s'] ∝ Pbar[s,a,s'] exp(theta.phi[s'] / lam.psi[s,a])``; ``float64[S,A,S']``."""
    L = inst.psi @ np.asarray(lam, dtype=np.float64)             # [S, A]
    e = (inst.phi @ np.asarray(theta, dtype=np.float64))          # [S']
    logits = e[None, None, :] / L[:, :, None]
    logits -= logits.max(-1, keepdims=True)
    W = inst.Pbar * np.exp(logits)
    return W / W.sum(-1, keepdims=True)


def _par_terms(inst, pi, P):
    g = inst.gamma
    Ppi = np.einsum("sa,sat->st", pi, P)
    c_pi = np.einsum("sa,sat,sat->s", pi, P, inst.C)
    M = np.eye(inst.S) - g * Ppi
    v = np.linalg.solve(M, c_pi)
    d = np.linalg.solve(M.T, (1.0 - g) * inst.rho)
    return v, d


def parametric_gradients(inst: ParametricInstance, pi, theta, lam):
    """``(J, dJ/dtheta, dJ/dlambda, v_c)`` at ``p^{theta,lambda}`` (drpg.md §4).

    With ``L = lam.psi(s,a)`` and ``W = d(s) pi(a|s) p(s'|s,a)(c + gamma v(s')) / (1-gamma)``:
    ``dJ/dtheta_i = sum W (phi_i(s') - E_p phi_i) / L``,
    ``dJ/dlambda_j = sum W (-(theta.phi(s')) + E_p[theta.phi]) psi_j(s,a) / L^2``.
    """
    pi = np.asarray(pi, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    lam = np.asarray(lam, dtype=np.float64)
    P = parametric_kernel(inst, theta, lam)
    v, d = _par_terms(inst, pi, P)
    L = inst.psi @ lam                                            # [S, A]
    W = (d[:, None, None] * pi[:, :, None] * P * (inst.C + inst.gamma * v[None, None, :])
         / (1.0 - inst.gamma))                                    # [S, A, S']
    Wsum = W.sum(-1)                                              # [S, A]
    Ephi = P @ inst.phi                                           # [S, A, m]
    gth = (np.einsum("sa,sai->i", 1.0 / L, W @ inst.phi)
           - np.einsum("sa,sai->i", Wsum / L, Ephi))
    e = inst.phi @ theta                                          # [S']
    We_c = W @ e - Wsum * (P @ e)                                 # sum_t W (e_t - E_p e)
    glam = np.einsum("sa,saj->j", -We_c / L ** 2, inst.psi)
    return float(inst.rho @ v), gth, glam, v


def _par_inner(inst, pi, beta_theta, beta_lam, tol, max_iter):
    th, lam = inst.theta0.copy(), inst.lam0.copy()
    J, gth, glam, v = parametric_gradients(inst, pi, th, lam)
    n = 0
    for it in range(max_iter):
        n = it + 1
        th = proj_l1_ball(th + beta_theta * gth, inst.theta_c, inst.kappa_theta)
        lam = proj_l1_ball(lam + beta_lam * glam, inst.lam_c, inst.kappa_lam, inst.lam_min)
        J, gth, glam, vnew = parametric_gradients(inst, pi, th, lam)
        done = float(np.linalg.norm(vnew - v)) <= tol
        v = vnew
        if done:
            break
    return th, lam, J, n


@dataclass(frozen=True)
class ParametricResult:
    """Parametric-kernel run: ``worst_cost[t]`` = ``J(pi_t, p^{theta_t, lambda_t})`` with the
    inner solver's (heuristic, non-concave) worst case, ``inner_iters[t]``, ``pi`` final."""

    worst_cost: np.ndarray
    inner_iters: np.ndarray
    pi: np.ndarray
    robust: bool
    hyperparameters: dict
    policies: np.ndarray | None = None
    reconstructed: tuple = ("[R] parametric sets carry no global guarantee (heuristic inner "
                            "solver)",)
    paper: str = PAPER


class ParametricIterate(NamedTuple):
    """One iterate ``pi_t`` of parametric DRPG with its inner solve: the inner solver's
    ``(theta_t, lambda_t)`` and ``worst_cost = J(pi_t, p^{theta_t, lambda_t})``;
    ``settings`` the run's constants (``alpha``, steps, tolerances, ``robust``, ``T``),
    ``P_nom`` the nominal tilt ``p^{theta_c, lambda_c}``."""

    t: int
    pi: np.ndarray
    theta: np.ndarray
    lam: np.ndarray
    worst_cost: float
    inner_iters: int
    settings: dict
    P_nom: np.ndarray


def parametric_start(inst: ParametricInstance, *, alpha: float = 0.1, T: int = 200,
                     beta_theta: float = 0.01, beta_lam: float = 0.01,
                     inner_tol: float = 1e-4, inner_max_iter: int = 20_000,
                     robust: bool = True, pi0=None) -> ParametricIterate:
    """The iterate ``pi_0`` of :func:`drpg_parametric` with its inner solve."""
    pi = (inst.pi0 if pi0 is None else np.asarray(pi0, dtype=np.float64)).copy()
    settings = dict(alpha=alpha, T=T, beta_theta=beta_theta, beta_lam=beta_lam,
                    inner_tol=inner_tol, inner_max_iter=inner_max_iter, robust=robust)
    P_nom = parametric_kernel(inst, inst.theta_c, inst.lam_c)
    return _par_point(inst, pi, 0, settings, P_nom)


def _par_point(inst, pi, t, settings, P_nom) -> ParametricIterate:
    th, lam, J, n = _par_inner(inst, pi, settings["beta_theta"], settings["beta_lam"],
                               settings["inner_tol"], settings["inner_max_iter"])
    return ParametricIterate(t, pi, th, lam, J, n, settings, P_nom)


def parametric_next(inst: ParametricInstance, it: ParametricIterate) -> ParametricIterate:
    """``pi_{t+1}``: a projected policy step under the inner solver's kernel (or, non-robust,
    the nominal tilt), then the inner solve at ``pi_{t+1}``."""
    st = it.settings
    if it.t >= st["T"]:
        raise ValueError(f"parametric DRPG was set up for T={st['T']} outer iterations; "
                         f"pi_{it.t} is the last")
    pi = it.pi
    P = parametric_kernel(inst, it.theta, it.lam) if st["robust"] else it.P_nom
    v, d = _par_terms(inst, pi, P)
    q = np.einsum("sat,sat->sa", P, inst.C + inst.gamma * v[None, None, :])
    G = d[:, None] * q / (1.0 - inst.gamma)
    y = pi - st["alpha"] * G
    pi = np.stack([_proj_simplex(y[s]) for s in range(inst.S)])
    return _par_point(inst, pi, it.t + 1, st, it.P_nom)


def drpg_parametric(inst: ParametricInstance, *, alpha: float = 0.1, T: int = 200,
                    beta_theta: float = 0.01, beta_lam: float = 0.01, inner_tol: float = 1e-4,
                    inner_max_iter: int = 20_000, robust: bool = True,
                    pi0=None, record_policies: bool = False) -> ParametricResult:
    """DRPG with the parametric (exponentially tilted) kernel, or (``robust=False``) non-robust
    PG whose policy steps use the nominal tilt ``p^{theta_c, lambda_c}``; either way each
    recorded value is the iterate's worst-case cost found by the inner solver (projected
    ascent on ``(theta, lambda)``, steps 0.01, start ``(1, 1)``, stop ``||dV||_2 <= 1e-4``:
    paper-code). ``record_policies`` keeps every iterate (``policies[T+1, S, A]``).
    The loop is :func:`parametric_start` then :func:`parametric_next` ``T`` times."""
    it = parametric_start(inst, alpha=alpha, T=T, beta_theta=beta_theta, beta_lam=beta_lam,
                          inner_tol=inner_tol, inner_max_iter=inner_max_iter, robust=robust,
                          pi0=pi0)
    pols = np.empty((T + 1, inst.S, inst.A)) if record_policies else None
    worst = np.empty(T + 1)
    iters = np.zeros(T + 1, dtype=np.int64)
    for t in range(T + 1):
        if t > 0:
            it = parametric_next(inst, it)
        worst[t], iters[t] = it.worst_cost, it.inner_iters
        if pols is not None:
            pols[t] = it.pi
    hp = {"alpha": (alpha, "paper-code"), "T": (T, "paper-code"),
          "beta_theta": (beta_theta, "paper-code"), "beta_lam": (beta_lam, "paper-code"),
          "inner_tol": (inner_tol, "paper-code"), "inner_max_iter": (inner_max_iter,
                                                                     "proposed")}
    return ParametricResult(worst, iters, it.pi, robust, hp, policies=pols)


def _proj_simplex(y):
    from ..kernels.robust_reference import proj_simplex
    return proj_simplex(y)


# ============================================================================ planners
from ._planner import Acceptance, Planner, register_planner  # noqa: E402


def _robust_model(model):
    """``(RobustMDP, pi0)`` of a robust MDP or a DRPG instance (which carries ``pi0``)."""
    if isinstance(model, RobustMDP):
        return model, None
    rm = getattr(model, "rmdp", None)
    if isinstance(rm, RobustMDP):
        return rm, getattr(model, "pi0", None)
    raise ValueError(f"a DRPG planner runs on a RobustMDP or a DRPG instance "
                     f"(mdpsim.envs.drpg_garnet), got {type(model).__name__}")


class _RectProbe:
    """Stands for a model of a given rectangularity (defaults tables without a model)."""

    def __init__(self, rect):
        self.rect = rect


def _rect_of(model) -> str:
    if model is None:
        return "sa"
    if isinstance(model, _RectProbe):
        return model.rect
    return _robust_model(model)[0].rect


@register_planner
class DRPGPlanner(Planner):
    """DRPG (module docstring) as a planner: iterate ``pi_t`` (with its inner solve), step =
    one outer step, objective = the exact worst-case cost ``Phi(pi_t)`` (robust policy
    evaluation certified to 1e-12) and the inner solver's ``J(pi_t, p_t)``; optimum
    ``Phi*`` by certified robust value iteration (tol 1e-10). On a DRPG instance the run
    starts from the instance's ``pi0``; on a bare RobustMDP from the uniform policy."""

    name = "drpg"
    paper = PAPER
    summary = "double-loop robust policy gradient (inner: pga | exact | nominal)"
    reconstructed = RECONSTRUCTED
    presets = PRESETS
    iterations = "T"
    objective_key, optimum_key, sense = "phi", "phi_star", "min"
    acceptance = Acceptance("rel_gap", 1e-3, "last",
                            "Phi(pi_T) - Phi* <= 1e-3 Phi* (drpg_garnet)")
    #: the inner solver, fixed by the comparator subclasses
    fixed_inner: str | None = None

    def hyperparameters(self, model, preset="default"):
        hps = drpg_hyperparameters(_rect_of(model), preset)
        if self.fixed_inner is None:
            hps["inner"] = HyperParameter(
                "inner", "pga", str, "paper-code", "inner solver: pga (the paper's projected "
                "gradient ascent) | exact (robust policy evaluation) | nominal (non-robust PG)",
                choices=INNERS)
        return hps

    def default_table(self):
        return {rect: {p: {k: h.default for k, h in self.hyperparameters(
            _RectProbe(rect), p).items()} for p in self.presets} for rect in ("sa", "s")}

    def init(self, model, hp):
        rm, pi0 = _robust_model(model)
        inner = self.fixed_inner or hp["inner"]
        full = _resolve(rm, {k: v for k, v in hp.items() if k != "inner"}, "default")
        return drpg_start(rm, full, pi0=pi0, inner=inner)

    def step(self, model, hp, iterate, t):
        return drpg_next(iterate)

    def objective(self, model, it):
        return {"phi": it.phi, "J_inner": it.J, "inner_iters": int(it.inner_iters),
                "inner_gap": it.inner_gap, "eps": it.eps}

    def optimum(self, model):
        from ..robust.planning import robust_value_iteration
        rm, _ = _robust_model(model)
        sol = robust_value_iteration(rm, tol=1e-10)
        if not sol.converged:
            raise RuntimeError(f"robust VI did not certify tol=1e-10 on {rm.name} "
                               f"(gap {sol.gap_bound:.3g})")
        return {"phi_star": -sol.value}


@register_planner
class DRPGExactPlanner(DRPGPlanner):
    """DRPG with the exact inner solver (:func:`drpg_exact`)."""

    name = "drpg_exact"
    summary = "DRPG with the exact worst-case kernel (robust policy evaluation) as inner solver"
    fixed_inner = "exact"


@register_planner
class NonRobustPGPlanner(DRPGPlanner):
    """Projected PG on the nominal kernel (:func:`nonrobust_pg`), measured by ``Phi``."""

    name = "nonrobust_pg"
    summary = "projected policy gradient on the nominal kernel (worst-case cost measured)"
    fixed_inner = "nominal"
    acceptance = None


def _par_hyperparameters() -> dict:
    pos = dict(valid=_pos, expected="> 0")
    hp = [HyperParameter("alpha", 0.1, float, "paper-code", "outer (policy) step size", **pos),
          HyperParameter("T", 200, int, "paper-code", "outer iterations", **pos),
          HyperParameter("beta_theta", 0.01, float, "paper-code", "inner step on theta", **pos),
          HyperParameter("beta_lam", 0.01, float, "paper-code", "inner step on lambda", **pos),
          HyperParameter("inner_tol", 1e-4, float, "paper-code",
                         "inner stop ||dV||_2 <= inner_tol", **pos),
          HyperParameter("inner_max_iter", 20_000, int, "proposed", "cap on inner iterations",
                         **pos),
          HyperParameter("robust", True, bool, "paper-code",
                         "policy steps under the inner solver's kernel (False: nominal tilt)")]
    return {h.name: h for h in hp}


@register_planner
class ParametricDRPGPlanner(Planner):
    """DRPG with the parametric (exponentially tilted) kernel (:func:`drpg_parametric`) on a
    :class:`~mdpsim.envs.robust_instances.ParametricInstance`. Objective: the inner solver's
    worst-case cost (heuristic: the set is not rectangular, the inner problem not concave;
    no exact optimum) and the exact cost under the nominal tilt."""

    name = "drpg_parametric"
    paper = PAPER
    summary = "DRPG with a parametric (exponentially tilted) kernel; heuristic worst case"
    reconstructed = ("[R] parametric sets carry no global guarantee (heuristic inner solver)",)
    iterations = "T"

    def hyperparameters(self, model, preset="default"):
        return _par_hyperparameters()

    def init(self, model, hp):
        if not isinstance(model, ParametricInstance):
            raise ValueError(f"drpg_parametric runs on a ParametricInstance "
                             f"(mdpsim.envs.drpg_inventory), got {type(model).__name__}")
        return parametric_start(model, **hp)

    def step(self, model, hp, iterate, t):
        return parametric_next(model, iterate)

    def objective(self, model, it):
        inst, pi, P_nom = model, it.pi, it.P_nom
        Ppi = np.einsum("sa,sat->st", pi, P_nom)
        c = np.einsum("sa,sat,sat->s", pi, P_nom, inst.C)
        nominal = float(inst.rho @ np.linalg.solve(np.eye(inst.S) - inst.gamma * Ppi, c))
        return {"worst_cost": it.worst_cost, "nominal_cost": nominal,
                "inner_iters": int(it.inner_iters)}
