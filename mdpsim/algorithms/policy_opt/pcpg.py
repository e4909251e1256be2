r"""PC-PG-style policy cover baseline for LPO (discounted; switches every round).

Paper: A. Agarwal, M. Henaff, S. Kakade, W. Sun, "PC-PG: Policy Cover Directed Exploration
for Provable Policy Gradient Learning", NeurIPS 2020, arXiv:2007.08459 (``docs/papers/lpo.md``
§7). It is the policy-cover baseline against which LPO's low switching is measured
(``experiments/lpo_switches.py``): the cover's covariance is estimated from **all** its
samples (no sensitivity sampling), and a new policy joins the cover after **every** round.

Algorithm (one run; ``T`` = ``budget``, the number of cover roll-in transitions):

1. ``pi_0`` = uniform, cover = ``{pi_0}``, ``Lambda = 0``.
2. Round ``n``: ``rollins`` fresh geometric episodes (continuation ``gamma``) of the newest
   cover policy ``pi_n`` from ``init``; every visited pair adds ``phi phiᵀ`` to ``Lambda``.
   Each cover policy is rolled in the same number of times, so ``Lambda`` is (up to the scale
   ``n + 1`` times the roll-in count) the covariance of the **uniform mixture** of the cover's
   discounted occupancies, estimated from all its samples.
3. Known set ``K_n = {(s, a): phi(s, a)ᵀ (Lambda + lam I)^{-1} phi(s, a) <= beta}``; bonus
   ``b_n = bonus_scale / (1 - gamma)`` on pairs outside ``K_n``, 0 inside
   (:func:`pcpg_bonus`).
4. An NPG phase on the bonus-augmented MDP (reward ``r + b_n``) with the cover as the critic's
   roll-in distribution — the **same actor and critic as LPO**
   (:func:`mdpsim.algorithms.policy_opt.lpo.lpo_npg_phase`: ``K`` iterations of ``M``
   critic samples, ridge ``lam_critic``, step ``eta = eta_scale (1 - gamma) sqrt(2 log A /
   K)``, last iterate) — gives ``pi_{n+1}``, which joins the cover: **a switch every round**.
5. Stop when the roll-ins reach ``T`` transitions (the last round's roll-ins are cut there).

**Reconstruction / simplification** (labels in every row's ``reconstructed`` column): the
bonus is added to the reward (PC-PG's analysis makes unknown pairs absorbing with reward
``1/(1 - gamma)`` and lets the policy act uniformly on unknown actions at unknown states);
the covariance sums ``phi phiᵀ`` over every visited pair of whole geometric roll-in episodes
(the paper draws one ``(s, a) ~ d^pi`` per roll-in; the episode sum has the same mean up to
the factor ``1/(1 - gamma)``); the critic, the actor and their constants are LPO's
(``docs/papers/lpo.md`` §4), not the paper's schedule in ε; the phase outputs its last
iterate (PC-PG analyses a mixture); tabular models use one-hot features.

Hyper-parameters share LPO's names where they mean the same thing (``budget``,
``max_phases``, ``lam``, ``bonus_scale``, ``bonus``, ``K``, ``M``, ``eta_scale``,
``lam_critic``, ``warm_start``; the seed is ``rng``). ``beta`` is PC-PG's threshold on the
quadratic form ``phiᵀ (Lambda + lam I)^{-1} phi`` (LPO's ``beta`` multiplies a width); its
default ``1/16 = tau² / (4 beta_LPO)`` at LPO's defaults ``tau = 0.5``, ``beta_LPO = 1`` makes
the two known sets coincide on the same covariance.

ε argument (as LPO's, ``docs/papers/lpo.md`` §8): ``eps > 0`` sets ``K``, ``M``, ``budget``
and ``eta_scale`` by :func:`mdpsim.algorithms.policy_opt.eps_schedule.lpo_eps_schedule`
(``eps_constants``), so the baseline runs on LPO's schedule; ``output="exploit"`` adds a
bonus-free output phase and ``max_transitions`` caps the run (``capped = 1``), both as in
``lpo``. The defaults (``eps = 0``, ``output="last"``, no cap) change nothing.

Sample accounting: every environment transition is counted — the cover roll-ins
(``explore_transitions``, the stream ``T``) and the critic's roll-ins and roll-outs
(``critic_transitions``); ``transitions`` is their sum. ``value`` of every output policy
and ``optimal_value`` are **exact** (the discounted setting's linear solve on the true model).
One row per switch (row 0 = the uniform policy) and a final row when the budget is spent
(``switched = 0``), with the same columns as ``lpo``'s rows (``kept`` = cover samples, every
visited pair, since nothing is sub-sampled).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..._rng import as_generator
from ...kernels.numba_backend import inv_cdf
from ...settings.discounted import discounted_env, discounted_value, generative_next
from .._api import HyperParameter
from .._planner import register_planner
from .eps_schedule import EPS_CONSTANTS
from .lpo import BONUS, LPO, OUTPUT, lpo_problem

__all__ = ["PCPG", "pcpg_rollin", "pcpg_bonus"]


# ------------------------------------------------------------------------------ kernels
@njit(cache=True)
def pcpg_rollin(ev, pi, phi, Lam, visits, rng, episodes, budget_left):
    """Cover roll-ins: up to ``episodes`` geometric episodes of ``pi: float64[S, A]`` from
    ``init`` (draws per step: action, next state, continue), never past ``budget_left``
    steps. Every visited pair ``j = s*A + a`` adds ``phi[j] phi[j]ᵀ`` to ``Lam: float64[d,
    d]`` and 1 to ``visits: int64[S*A]`` (both in place; ``phi: float64[S*A, d]``).
    Returns ``(steps, episodes_started)``."""
    init, gamma = ev[6], ev[7]
    A = pi.shape[1]
    d = phi.shape[1]
    steps = 0
    started = 0
    while started < episodes and steps < budget_left:
        s = inv_cdf(init, rng.random())
        started += 1
        while steps < budget_left:
            a = inv_cdf(pi[s], rng.random())
            s2 = generative_next(ev, s, a, rng)
            steps += 1
            j = s * A + a
            visits[j] += 1
            x = phi[j]
            for i in range(d):
                xi = x[i]
                if xi != 0.0:
                    for l in range(d):
                        Lam[i, l] += xi * x[l]
            s = s2
            if not rng.random() < gamma:
                break
    return steps, started


# ------------------------------------------------------------------------------ Python side
def pcpg_bonus(Lam, phi, *, lam: float, beta: float, gamma: float, scale: float, S: int,
               A: int):
    """``(bonus[S, A], unknown[S, A], q[S, A])`` from the cover covariance ``Lam: float64[d,
    d]`` (no ridge) and ``phi: float64[S*A, d]``: ``q = phiᵀ (Lam + lam I)^{-1} phi`` per
    pair, unknown iff ``q > beta`` (outside the known set), bonus ``scale / (1 - gamma)``
    there and 0 elsewhere."""
    d = phi.shape[1]
    X = np.linalg.solve(Lam + lam * np.eye(d), phi.T)          # [d, S*A]
    q = np.einsum("jd,dj->j", phi, X).reshape(S, A)
    unknown = q > beta
    return np.where(unknown, scale / (1.0 - gamma), 0.0), unknown, q


def _problem(model):
    """``(tabular_model, phi[S*A, d])`` by :func:`~mdpsim.algorithms.policy_opt.lpo.lpo_problem`
    (one-line ``ValueError`` naming this planner otherwise)."""
    try:
        tab, phi, _ = lpo_problem(model)
    except ValueError as e:
        raise ValueError(str(e).replace("lpo needs", "pcpg needs", 1)) from None
    return tab, phi


def _pos(v):
    return v > 0


def _nonneg(v):
    return v >= 0


class PCPGState:
    """The run's state (advanced in place by :meth:`PCPG.step`)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


@register_planner
class PCPG(LPO):
    """PC-PG-style cover (module docstring): ``run_planner("pcpg", model, rng=...)``."""

    name = "pcpg"
    paper = ("Agarwal, Henaff, Kakade, Sun, 'PC-PG: Policy Cover Directed Exploration for "
             "Provable Policy Gradient Learning', NeurIPS 2020, arXiv:2007.08459")
    summary = ("PC-PG-style policy cover baseline: full-data cover covariance, indicator "
               "bonus outside the known set, LPO's NPG actor-critic, a switch every round")
    reconstructed = ("bonus added to the reward (not absorbing unknown pairs)",
                     "cover covariance from every visited pair of whole geometric roll-in "
                     "episodes",
                     "LPO's critic (cover roll-ins, uniform action) and actor constants, "
                     "last-iterate phase output",
                     "eps schedule (when eps > 0): LPO's (eps_schedule.py, delta = 0.1), "
                     "reconstructed from the NPG mirror-descent analysis")
    def hyperparameters(self, model, preset="default"):
        H = HyperParameter
        return {
            "budget": H("budget", 10_000, int, "proposed", "cover roll-in budget T "
                        "(transitions of the exploration stream)", valid=_pos,
                        expected="> 0"),
            "max_phases": H("max_phases", 1_000_000, int, "proposed",
                            "cap on the number of switches (rounds)", valid=_pos,
                            expected="> 0"),
            "rollins": H("rollins", 1, int, "proposed", "geometric roll-in episodes of the "
                         "newest cover policy per round (one, as LPO's every-round "
                         "baseline explores one episode per round)", valid=_pos,
                         expected="> 0"),
            "lam": H("lam", 1.0, float, "proposed", "ridge of the cover covariance (as "
                     "LPO's lam)", valid=_pos, expected="> 0"),
            "beta": H("beta", 0.0625, float, "proposed", "known-set threshold on "
                      "phiᵀ (Lambda + lam I)^-1 phi; 1/16 = tau²/(4 beta) at LPO's defaults, "
                      "so the known sets coincide on the same covariance", valid=_pos,
                      expected="> 0"),
            "bonus_scale": H("bonus_scale", 1.0, float, "proposed", "bonus outside the known "
                             "set is bonus_scale / (1 - gamma)", valid=_nonneg,
                             expected=">= 0"),
            "bonus": H("bonus", "indicator", str, "proposed", "indicator (PC-PG) | none "
                       "(no exploration bonus)", choices=BONUS),
            "K": H("K", 20, int, "proposed", "NPG iterations per phase (as LPO)", valid=_pos,
                   expected="> 0"),
            "M": H("M", 100, int, "proposed", "critic samples per NPG iteration (as LPO)",
                   valid=_pos, expected="> 0"),
            "eta_scale": H("eta_scale", 100.0, float, "proposed", "NPG step eta = "
                           "eta_scale (1 - gamma) sqrt(2 log A / K), LPO's tuned default; "
                           "the mirror-descent step of the analysis is 1", theory=1.0,
                           valid=_pos, expected="> 0"),
            "lam_critic": H("lam_critic", 0.01, float, "proposed", "ridge of the critic "
                            "(as LPO)", valid=_pos, expected="> 0"),
            "warm_start": H("warm_start", False, bool, "proposed", "start each phase from "
                            "the previous phase's logits (default: uniform)"),
            "eps": H("eps", 0.0, float, "proposed", "target accuracy: > 0 sets K, M, budget "
                     "and eta_scale by LPO's eps schedule (a reconstruction); 0 = off",
                     valid=_pos, expected="> 0 (the default 0 means: no eps schedule)"),
            "eps_constants": H("eps_constants", "theory", str, "proposed", "constants of the "
                               "eps schedule: theory | tuned", choices=tuple(EPS_CONSTANTS)),
            "output": H("output", "last", str, "proposed", "last | exploit (one more NPG "
                        "phase on r alone when the budget is spent, as lpo)", choices=OUTPUT),
            "max_transitions": H("max_transitions", 0, int, "proposed", "stop once the total "
                                 "transitions reach this cap (0 = no cap)", valid=_nonneg,
                                 expected=">= 0"),
        }

    _problem = staticmethod(_problem)

    def _delta(self, hp):
        return 0.1          # no delta hyper-parameter: LPO's default in the eps schedule

    def init(self, model, hp, rng=None):
        if rng is None:
            raise ValueError("pcpg: rng: a stochastic planner needs rng= (Generator, "
                             "SeedSequence or int)")
        tab, phi = _problem(model)
        g = float(tab.gamma)
        if not 0.0 <= g < 1.0:
            raise ValueError(f"pcpg: gamma must be in [0, 1), got {g!r}")
        S, A = tab.S, tab.A
        d = phi.shape[1]
        sched = self._schedule(hp, g, A, d)
        pi = np.full((S, A), 1.0 / A)
        cover = np.empty((16, S, A))
        cover[0] = pi
        return PCPGState(
            ev=discounted_env(tab), phi=phi, S=S, A=A, d=d, gamma=g, rng=as_generator(rng),
            Lam=np.zeros((d, d)), visits=np.zeros(S * A, dtype=np.int64),
            logits=np.zeros((S, A)), pi=pi, cover=cover, n_cover=1, explore=0, episodes=0,
            critic=0, switches=0, switched=0, done=False,
            unknown=np.ones((S, A), dtype=bool), K=sched["K"], M=sched["M"],
            budget=sched["budget"], capped=0, output_phase=0,
            eta=sched["eta_scale"] * (1.0 - g) * np.sqrt(2.0 * np.log(max(A, 2))
                                                         / sched["K"]))

    def _explore(self, hp, st):
        """``rollins`` fresh roll-ins of the newest cover policy, every visited pair added to
        the cover covariance (no sub-sampling); a phase follows every round."""
        steps, eps = pcpg_rollin(st.ev, st.pi, st.phi, st.Lam, st.visits, st.rng,
                                 int(hp["rollins"]), st.budget - st.explore)
        st.explore += int(steps)
        st.episodes += int(eps)

    def _bonus(self, hp, st):
        bonus, unknown, _ = pcpg_bonus(st.Lam, st.phi, lam=float(hp["lam"]),
                                       beta=float(hp["beta"]), gamma=st.gamma,
                                       scale=float(hp["bonus_scale"]), S=st.S, A=st.A)
        return bonus, unknown

    def objective(self, model, st):
        v = float(discounted_value(st.ev, st.pi[None], np.empty((1, st.S))))
        return {"value": v, "switched": st.switched, "switches": st.switches,
                "explore_transitions": st.explore, "critic_transitions": st.critic,
                "transitions": st.explore + st.critic, "explore_episodes": st.episodes,
                "kept": st.explore, "cover_size": st.n_cover,
                "unknown_pairs": int(st.unknown.sum()), "capped": st.capped,
                "output_phase": st.output_phase, "npg_iterations": st.K,
                "critic_samples": st.M, "explore_budget": st.budget, "eta": st.eta}
