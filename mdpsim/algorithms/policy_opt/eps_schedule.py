r"""The ε argument of LPO: a theory-style schedule of its budgets in the target accuracy ε.

LPO (Li, Wang, Cheng, Yang, ICML 2023, arXiv:2306.09554) claims an ε-optimal policy from
:math:`\tilde O(\mathrm{poly}(d)/\varepsilon^3)` samples (``docs/papers/lpo.md`` §1). The
paper's parameter choices were not readable when this was written: the schedule below is a
**reconstruction** (``docs/papers/lpo.md`` §8) of how the ε⁻³ splits, from the standard
mirror-descent analysis of NPG (Agarwal, Kakade, Lee, Mahajan, JMLR 2021, arXiv:1908.00261)
and the elliptical-potential count behind online sensitivity sampling (§2 of the note).

Derivation (rewards in [0, 1], ``W = 1/(1-gamma)`` bounds every ``Q``; the suboptimality of the
output is split into three parts of ε/3 each):

1. **NPG iterations.** With the step ``eta = (1-gamma) sqrt(2 ln A / K)`` (``eta_scale = 1``,
   i.e. ``sqrt(2 ln A / (W² K))``), mirror descent on each state's simplex plus the
   performance-difference identity give an optimisation error
   ``W sqrt(2 ln A / K) / (1-gamma) = sqrt(2 ln A / K) / (1-gamma)²``; setting it to ε/3 gives
   ``K_sub = 18 ln A / ((1-gamma)^4 ε²)``. With a large step (``eta -> inf`` the NPG step is a
   policy-iteration step, a ``gamma``-contraction) the error after ``K`` steps is at most
   ``gamma^K W``; ε/3 needs ``K_lin = ln(3 W / ε) / ln(1/gamma)`` (linear convergence of NPG
   with large steps: Xiao, JMLR 2022, arXiv:2201.07443). The schedule asks for both (each
   is a sufficient count in its own step regime; the larger one is used):

   .. math:: K(\varepsilon) = \Big\lceil \max\Big(c_K\,\frac{18\,\ln A}{(1-\gamma)^4\,\varepsilon^2},\
             c_L\,\frac{\ln(3/((1-\gamma)\varepsilon))}{\ln(1/\gamma)}\Big)\Big\rceil .

2. **Critic samples per iteration.** The critic's error enters the same bound averaged over
   the ``K`` iterations and divided by ``1-gamma``. Its zero-mean part (Monte-Carlo noise of
   the unbiased geometric roll-outs) averages out over iterations: about
   ``W sqrt(d / (M K)) / (1-gamma)``, below ε/3 for the ``K`` above as soon as
   ``M >= d / (2 ln A)``. Its non-averaging part (the ridge shrinkage and the inverse of an
   empirical ``d x d`` covariance bias the least-squares fit by ``O(d W / M)``) does not;
   setting ``d W / (M (1-gamma)) = ε/3``:

   .. math:: M(\varepsilon) = \Big\lceil c_M\,\frac{3\,d}{(1-\gamma)^2\,\varepsilon}\Big\rceil .

   **Reconstruction:** this 1/ε (not 1/ε²) critic budget is the choice that makes
   ``K M ∝ ε⁻³``; an analysis that asks every iteration's critic to be ε-accurate on its own
   gives ``M ∝ ε⁻²`` and ``N ∝ ε⁻⁴``.
3. **Exploration.** Each step spent on an unknown pair costs at most ``W``, so the optimistic
   policies must put mass at most ``(1-gamma) ε / 3`` on unknown pairs. By the
   elliptical-potential lemma (``sum_t min(1, ||phi_t||²_{Lambda_t^-1}) <= 2 d ln(1 + t/(d
   lambda))``) the number of exploration episodes in which that mass is larger is
   ``O(d ln(·) / ((1-gamma) ε))``; an episode lasts ``1/(1-gamma)`` steps on average:

   .. math:: T(\varepsilon) = \Big\lceil c_T\,\frac{3\,d\,\ln\!\big(3d/((1-\gamma)\varepsilon\delta)\big)}
             {(1-\gamma)^2\,\varepsilon}\Big\rceil

   exploration transitions (the budget ``T`` of the sampler's ``log(T/delta)``).
4. **Roll-in / roll-out horizon.** Roll-ins stop with probability ``1-gamma`` per step and
   roll-outs are geometric, so both are unbiased and have mean length ``1/(1-gamma)``
   whatever ε: the horizon does not enter the schedule (a truncated roll-out at
   ``ln(3/((1-gamma) ε))/(1-gamma)`` steps, biased by at most ε/3, would add a ``log(1/ε)``
   factor).

Total transitions: ``N(ε) ≈ T + P · K · M · (2/(1-gamma) - 1)`` (per critic sample a roll-in of
mean ``gamma/(1-gamma)`` steps and a roll-out of mean ``1/(1-gamma)``) with ``P`` the number of
NPG phases. LPO switches ``P = O~(d log T)`` times, so
``N = O~(d² / ε³)`` up to logarithms in this schedule; the every-round (ENIAC-style) cover
runs one phase per exploration episode, ``P ≈ (1-gamma) T ∝ 1/ε``, so ``N ∝ ε⁻⁴`` on the same
schedule.

Constants (``EPS_CONSTANTS``): ``"theory"`` = the multipliers above are 1 and the NPG step is
the small-step analysis' (``eta_scale = 1``). They are far beyond any run (at ``gamma = 0.9``, ``A = 2``,
``ε = 0.4``: ``K ≈ 7.8·10^5`` iterations per phase), so :func:`lpo_eps_predicted` gives their
predicted cost instead. ``"tuned"`` = the planner's default large step ``eta_scale = 100``
(``docs/papers/lpo.md`` §4) and multipliers chosen in a 4-seed pilot at ε ∈ {0.4, 0.2, 0.1}
on RiverSwim, the combination lock and a simplex linear MDP (γ = 0.9; not stored) and sized
to the compute of the ε-budget experiment: ``K(0.1) = 28`` (the ``K_lin`` floor, ``c_L =
1/2``; ``K_sub(0.1) = 10`` at ``A = 2``), ``M(0.1) = 400`` at ``d = 12``, ``T(0.1) ≈ 3800`` at
``d = 12``. The ε-shape of every term is the theory's; only the constants differ. With the
floor, ``K`` is flat in ε at large ε, so the tuned total grows more slowly than ε⁻³ there.
"""
from __future__ import annotations

import math

__all__ = ["EPS_CONSTANTS", "lpo_eps_schedule", "lpo_eps_predicted", "check_eps"]

#: named presets of the schedule's constants (module docstring)
EPS_CONSTANTS = {
    "theory": {"c_K": 1.0, "c_L": 1.0, "c_M": 1.0, "c_T": 1.0, "eta_scale": 1.0},
    # tuned (module docstring): at gamma = 0.9, delta = 0.1, A = 2, d = 12 and ε = 0.1:
    # K_sub = 10, K_lin = 28, M = 400, T ≈ 3800; eta_scale = the planner's default 100
    "tuned": {"c_K": 8.0e-7, "c_L": 0.5, "c_M": 1.0 / 90.0, "c_T": 0.01,
              "eta_scale": 100.0},
}


def check_eps(eps, name: str = "eps") -> float:
    """``eps`` as a float, or a one-line ``ValueError`` naming ``name`` and the value unless it
    is finite and > 0."""
    try:
        v = float(eps)
    except (TypeError, ValueError):
        v = float("nan")
    if isinstance(eps, (bool, str)):
        v = float("nan")
    if not math.isfinite(v) or v <= 0.0:
        raise ValueError(f"{name} must be a finite number > 0, got {eps!r}")
    return v


def _check(gamma, A, d, delta, constants):
    g = float(gamma)
    if not (math.isfinite(g) and 0.0 <= g < 1.0):
        raise ValueError(f"gamma must be in [0, 1), got {gamma!r}")
    for nm, v in (("A", A), ("d", d)):
        if isinstance(v, bool) or int(v) != v or v < 1:
            raise ValueError(f"{nm} must be a positive integer, got {v!r}")
    dl = float(delta)
    if not 0.0 < dl < 1.0:
        raise ValueError(f"delta must be in (0, 1), got {delta!r}")
    if isinstance(constants, str):
        if constants not in EPS_CONSTANTS:
            raise ValueError(f"constants must be one of {', '.join(map(repr, EPS_CONSTANTS))}"
                             f" or a dict, got {constants!r}")
        c = dict(EPS_CONSTANTS[constants])
    else:
        c = dict(EPS_CONSTANTS["theory"])
        for k, v in dict(constants).items():
            if k not in c:
                raise ValueError(f"constants: unknown key {k!r}; accepted: {', '.join(c)}")
            if not (math.isfinite(float(v)) and float(v) > 0):
                raise ValueError(f"constants.{k} must be a finite number > 0, got {v!r}")
            c[k] = float(v)
    return g, int(A), int(d), dl, c


def _ceil(x: float) -> int:
    """``ceil`` that ignores rounding noise of ~1e-12 relative (``3 * 12 / (1 - 0.9)**2 / 0.1``
    is 36000.000000000004 in floating point)."""
    return math.ceil(x * (1.0 - 1e-12))


def lpo_eps_schedule(eps, *, gamma: float, A: int, d: int, delta: float = 0.1,
                     constants="theory") -> dict:
    """The budgets of LPO for target accuracy ``eps`` (module docstring; a reconstruction).

    ``A`` actions, ``d`` critic features (``S A`` for a tabular model), ``constants`` a name in
    :data:`EPS_CONSTANTS` or a dict overriding some of ``c_K, c_L, c_M, c_T, eta_scale`` (of
    the theory preset).
    Returns ``{"K", "M", "budget", "eta_scale"}`` (NPG iterations per phase, critic samples
    per iteration, exploration transitions, NPG step multiplier). Bad input is a one-line
    ``ValueError`` naming the argument and the value."""
    e = check_eps(eps)
    g, A, d, dl, c = _check(gamma, A, d, delta, constants)
    lnA = math.log(max(A, 2))
    h = 1.0 - g
    K_sub = c["c_K"] * 18.0 * lnA / (h ** 4 * e * e)
    K_lin = c["c_L"] * math.log(3.0 / (h * e)) / -math.log(g) if g > 0 else 1.0
    K = _ceil(max(K_sub, K_lin))
    M = _ceil(c["c_M"] * 3.0 * d / (h * h * e))
    T = _ceil(c["c_T"] * 3.0 * d * math.log(3.0 * d / (h * e * dl)) / (h * h * e))
    return {"K": max(int(K), 1), "M": max(int(M), 1), "budget": max(int(T), 1),
            "eta_scale": float(c["eta_scale"])}


def lpo_eps_predicted(eps, *, gamma: float, A: int, d: int, delta: float = 0.1,
                      constants="theory", phases: float | None = None) -> float:
    """Predicted total transitions ``T + P K M (1 + 1/(1-gamma))`` of the schedule (mean
    roll-in ``1/(1-gamma) - 1`` steps plus roll-out ``1/(1-gamma)`` steps per critic sample,
    i.e. ``2/(1-gamma) - 1``), with ``P = phases`` (default: ``d ln T``, the order of LPO's
    switch count; a prediction, not a measurement)."""
    s = lpo_eps_schedule(eps, gamma=gamma, A=A, d=d, delta=delta, constants=constants)
    P = d * math.log(s["budget"]) if phases is None else float(phases)
    return float(s["budget"] + P * s["K"] * s["M"] * (2.0 / (1.0 - float(gamma)) - 1.0))
