r"""LPO — low-switching policy optimisation with online sensitivity sampling (discounted).

Paper: Y. Li, Y. Wang, Y. Cheng, L. F. Yang, "Low-Switching Policy Gradient with Exploration
via Online Sensitivity Sampling", ICML 2023 (PMLR 202), arXiv:2306.09554. Claims under test
(``docs/papers/lpo.md`` §1): an ε-optimal policy from ``O~(poly(d)/ε³)`` samples, with only
``O~(poly(d) log T)`` policy switches.

**Reconstruction.** Only the paper's abstract and introduction were readable when this was
written; the outer loop below is a **reconstruction** (``docs/papers/lpo.md`` §3) from the
work LPO builds on (online sensitivity sampling of Kong et al. 2021; the policy-cover
actor-critic of PC-PG / ENIAC). Every row this planner writes carries the labels of
:attr:`LPO.reconstructed`.

Algorithm (one run; ``T`` = the exploration budget in transitions):

1. ``Z`` = empty kept set, ``pi_0`` = uniform, cover = ``{pi_0}``.
2. Explore: run geometric episodes (continuation ``gamma``) of the current policy from
   ``init``; every visited pair passes through online sensitivity sampling
   (:mod:`mdpsim.algorithms.policy_opt.sensitivity`; tabular models use the count form).
3. ``switching="sensitivity"`` (LPO): after an episode in which ``Z`` changed, **switch**:
   width ``w(s,a) = 2 sqrt(beta) ||phi(s,a)||_{(Lambda_Z + lam I)^{-1}}``, unknown pairs
   ``w > tau``, bonus ``b = bonus_scale/(1-gamma)`` on unknown pairs; an NPG phase on the
   bonus-augmented MDP (reward ``r + b``) gives the next policy, added to the cover. If ``Z``
   did not change, keep exploring with the same policy (no switch).
   ``switching="every_round"`` (ENIAC-style policy cover, baseline): switch after every
   exploration episode.
4. NPG phase: ``K`` iterations from the uniform policy; iteration ``k`` draws ``M`` critic
   samples, each: a cover policy chosen uniformly, a roll-in from ``init`` stopped with
   probability ``1 - gamma`` before each step (the state is then ``~ d^{pi_c}``), a uniform
   action ``a``, and a geometric roll-out of ``pi_k`` from ``(s, a)`` on ``r + b`` (its
   undiscounted sum is an unbiased estimate of ``Q^{pi_k}_{r+b}(s, a)``). Critic: ridge
   regression of ``Qhat - b(s, a)`` on ``phi(s, a)`` (``lam_critic``); ``f = phiᵀ theta + b``
   (in a linear MDP ``Q_{r+b} - b = r + gamma P V_{r+b}`` is linear in ``phi``, so the bonus
   is added in closed form and the critic fits the linear part). Actor (closed-form NPG for
   the log-linear softmax policy): ``logits += eta f``, ``pi_{k+1} ∝ pi_k exp(eta f)``,
   ``eta = eta_scale (1 - gamma) sqrt(2 log A / K)``. The phase outputs its last iterate.

Sample accounting: every environment transition is counted — exploration steps
(``explore_transitions``, the stream ``T`` of the sensitivity sampler), critic roll-ins and
roll-outs (``critic_transitions``); ``transitions`` is their sum, the sample complexity.

The model is used only through the discounted setting's sampler
(:func:`mdpsim.settings.discounted.generative_next` along trajectories from ``init``) and
the feature map (``LinearMDP.phi``; one-hot features for a :class:`TabularMDP`). The reported
``value`` of every output policy (and ``optimal_value``) is **exact**: the discounted
setting's evaluator (a linear solve) on the true model; ``gap`` = ``V*(init) - V^pi(init)``.

One row per switch (``iteration`` = number of switches so far, row 0 = the uniform policy)
plus a final row when the budget is spent (``switched = 0``).

**ε argument.** ``eps > 0`` sets ``K``, ``M``, ``budget`` and ``eta_scale`` from the
theory-style schedule of :mod:`mdpsim.algorithms.policy_opt.eps_schedule` (a
reconstruction: ``K ∝ ε⁻²`` NPG iterations, ``M ∝ d/ε`` critic samples per iteration,
``T ∝ d log(1/ε)/ε`` exploration transitions) with the named constants ``eps_constants``
(``"theory"`` or ``"tuned"``); giving ``eps`` together with any of those four is a one-line
error. ``eps = 0`` (the default) leaves every default and every number unchanged.
``output="exploit"`` adds, once the exploration budget is spent, one NPG phase of the same
size on the reward alone (bonus 0; the cover as roll-in distribution; its transitions
counted, ``output_phase = 1``): the output policy is then optimised for ``r``, not for the
optimistic ``r + b`` (an mdpsim choice, **[P]**; the default ``"last"`` outputs the last
optimistic phase's policy). ``max_transitions > 0`` stops a run once its total transitions reach that cap (checked after
each exploration stretch and each phase; ``capped = 1`` in the rows): a schedule too expensive
to finish is reported as not reached within the cap. The rows carry the effective
``npg_iterations``, ``critic_samples``, ``explore_budget`` and ``eta``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..._rng import as_generator
from ...kernels.numba_backend import inv_cdf
from ...models import LinearMDP, TabularMDP
from ...settings.discounted import discounted_env, discounted_value, generative_next
from .._planner import Planner, register_planner
from .._api import HyperParameter
from .sensitivity import sensitivity_step, sensitivity_step_counts, sensitivity_log_term
from .eps_schedule import EPS_CONSTANTS, lpo_eps_schedule

__all__ = ["LPO", "lpo_problem", "lpo_bonus", "lpo_npg_phase", "lpo_explore",
           "SWITCHING", "BONUS", "OUTPUT"]

SWITCHING = ("sensitivity", "every_round")
BONUS = ("indicator", "none")
OUTPUT = ("last", "exploit")


# ------------------------------------------------------------------------------ kernels
@njit(cache=True)
def _lpo_softmax(logits, pi):
    S, A = logits.shape
    for s in range(S):
        m = logits[s, 0]
        for a in range(1, A):
            if logits[s, a] > m:
                m = logits[s, a]
        z = 0.0
        for a in range(A):
            pi[s, a] = np.exp(logits[s, a] - m)
            z += pi[s, a]
        for a in range(A):
            pi[s, a] /= z


@njit(cache=True)
def lpo_explore(ev, pi, phi, tabular, Lam, Linv, n_w, C_s, log_term, lam, rng, budget_left,
                until_change, visits):
    """Exploration episodes of ``pi: float64[S, A]`` fed to online sensitivity sampling.

    ``phi: float64[S*A, d]`` (row ``s*A + a``); ``tabular``: use the count form on ``n_w``
    (else ``Lam, Linv``); ``visits: int64[S*A]`` counts every visited pair (in place).
    Runs whole geometric episodes (draws per step: action, next state, keep, continue) until
    one in which the kept set changed (``until_change``) or after one episode (not
    ``until_change``), never past ``budget_left`` steps. Returns ``(steps, episodes,
    added)``."""
    init, gamma = ev[6], ev[7]
    A = pi.shape[1]
    steps = 0
    episodes = 0
    added = 0
    while steps < budget_left:
        s = inv_cdf(init, rng.random())
        episodes += 1
        added_ep = 0
        while steps < budget_left:
            a = inv_cdf(pi[s], rng.random())
            s2 = generative_next(ev, s, a, rng)
            steps += 1
            j = s * A + a
            visits[j] += 1
            u = rng.random()
            if tabular:
                k, p = sensitivity_step_counts(n_w, j, lam, C_s, log_term, u)
            else:
                k, p = sensitivity_step(Lam, Linv, phi[j], C_s, log_term, u)
            if k:
                added_ep += 1
            s = s2
            if not rng.random() < gamma:
                break
        added += added_ep
        if not until_change or added_ep > 0:
            break
    return steps, episodes, added


@njit(cache=True)
def lpo_npg_phase(ev, phi, bonus, cover, n_cover, K, M, eta, lam_c, rng, logits):
    """One NPG phase on the bonus-augmented MDP (module docstring, step 4).

    ``phi: float64[S*A, d]``, ``bonus: float64[S, A]``, ``cover: float64[n, S, A]`` (first
    ``n_cover`` used), ``logits: float64[S, A]`` (the start, updated in place to the last
    iterate's). Returns the number of environment transitions consumed."""
    R, init, gamma = ev[5], ev[6], ev[7]
    S, A = R.shape
    d = phi.shape[1]
    pi = np.empty((S, A))
    _lpo_softmax(logits, pi)
    trans = 0
    G = np.zeros((d, d))
    g = np.zeros(d)
    for k in range(K):
        G[:, :] = 0.0
        for i in range(d):
            G[i, i] = lam_c
        g[:] = 0.0
        for m in range(M):
            c = min(int(rng.random() * n_cover), n_cover - 1)
            s = inv_cdf(init, rng.random())
            while rng.random() < gamma:
                a = inv_cdf(cover[c, s], rng.random())
                s = generative_next(ev, s, a, rng)
                trans += 1
            a0 = min(int(rng.random() * A), A - 1)
            y = 0.0
            ss = s
            aa = a0
            while True:
                y += R[ss, aa] + bonus[ss, aa]
                trans += 1
                if not rng.random() < gamma:
                    break
                ss = generative_next(ev, ss, aa, rng)
                aa = inv_cdf(pi[ss], rng.random())
            x = phi[s * A + a0]
            t = y - bonus[s, a0]
            for i in range(d):
                g[i] += t * x[i]
                for j in range(d):
                    G[i, j] += x[i] * x[j]
        theta = np.linalg.solve(G, g)
        for s in range(S):
            for a in range(A):
                x = phi[s * A + a]
                f = bonus[s, a]
                for i in range(d):
                    f += x[i] * theta[i]
                logits[s, a] += eta * f
        _lpo_softmax(logits, pi)
    return trans


@njit(cache=True)
def _lpo_widths(phi, Linv, n_w, tabular, lam):
    """``||phi(s,a)||_{(Lambda_Z + lam I)^{-1}}`` for every pair -> ``float64[S*A]``."""
    n, d = phi.shape
    out = np.empty(n)
    for j in range(n):
        if tabular:
            out[j] = np.sqrt(1.0 / (n_w[j] + lam))
        else:
            acc = 0.0
            for i in range(d):
                t = 0.0
                for l in range(d):
                    t += Linv[i, l] * phi[j, l]
                acc += phi[j, i] * t
            out[j] = np.sqrt(max(acc, 0.0))
    return out


# ------------------------------------------------------------------------------ Python side
def lpo_problem(model):
    """``(tabular_model, phi[S*A, d], tabular)`` of a discounted model: a discounted
    :class:`LinearMDP` (its stationary features) or a discounted :class:`TabularMDP`
    (one-hot features, count form of the sampler). One-line ``ValueError`` otherwise."""
    if isinstance(model, LinearMDP):
        if model.gamma is None:
            raise ValueError(f"lpo needs a discounted model (gamma); this LinearMDP is "
                             f"finite-horizon (horizon={model.H})")
        tab = model.to_tabular()
        S, A = tab.S, tab.A
        phi = np.ascontiguousarray(model.phi_at(0).reshape(S * A, -1), dtype=np.float64)
        return tab, phi, False
    if isinstance(model, TabularMDP):
        if model.finite_horizon:
            raise ValueError(f"lpo needs a discounted model (gamma); this TabularMDP is "
                             f"finite-horizon (horizon={model.horizon})")
        return model, np.eye(model.S * model.A), True
    raise ValueError(f"lpo needs a discounted LinearMDP or TabularMDP, got "
                     f"{type(model).__name__}")


def lpo_bonus(widths, *, beta: float, tau: float, gamma: float, scale: float, S: int, A: int):
    """``(bonus[S, A], unknown[S, A])``: unknown iff ``2 sqrt(beta) width > tau``; bonus
    ``scale / (1 - gamma)`` there, 0 elsewhere (ENIAC's indicator bonus)."""
    unknown = (2.0 * np.sqrt(beta) * widths > tau).reshape(S, A)
    return np.where(unknown, scale / (1.0 - gamma), 0.0), unknown


def _pos(v):
    return v > 0


def _prob(v):
    return 0.0 < v < 1.0


def _nonneg(v):
    return v >= 0


class LPOState:
    """The run's state (advanced in place by :meth:`LPO.step`: the sampler's kept set and
    random stream belong to the run)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


@register_planner
class LPO(Planner):
    """LPO (module docstring): a stochastic planner, ``run_planner("lpo", model, rng=...)``."""

    name = "lpo"
    paper = ("Li, Wang, Cheng, Yang, 'Low-Switching Policy Gradient with Exploration via "
             "Online Sensitivity Sampling', ICML 2023, arXiv:2306.09554")
    summary = ("low-switching policy optimisation: NPG phases on a bonus-augmented MDP, "
               "re-optimised only when the sensitivity-sampled kept set changes")
    reconstructed = ("outer loop (explore / switch on kept-set change / NPG phase) "
                     "reconstructed from Kong et al. 2021 and PC-PG/ENIAC",
                     "linear sensitivity = ridge leverage score",
                     "indicator bonus on unknown pairs, critic on cover roll-ins with "
                     "uniform action, last-iterate phase output",
                     "eps schedule (K ~ 1/eps^2, M ~ d/eps, T ~ d log(1/eps)/eps; "
                     "eps_schedule.py) reconstructed from the NPG mirror-descent analysis")
    iterations = "max_phases"
    objective_key = "value"
    optimum_key = "optimal_value"
    sense = "max"
    stochastic = True

    def hyperparameters(self, model, preset="default"):
        H = HyperParameter
        return {
            "budget": H("budget", 10_000, int, "proposed", "exploration budget T (transitions "
                        "of the exploration stream; also the T of log(T/delta))", valid=_pos,
                        expected="> 0"),
            "max_phases": H("max_phases", 1_000_000, int, "proposed",
                            "cap on the number of switches (outer iterations)", valid=_pos,
                            expected="> 0"),
            "C_s": H("C_s", 1.0, float, "proposed", "sensitivity-sampling constant "
                     "(the theory's absolute constant is large)", valid=_pos, expected="> 0"),
            "delta": H("delta", 0.1, float, "proposed", "failure probability in log(T/delta)",
                       valid=_prob, expected="in (0, 1)"),
            "lam": H("lam", 1.0, float, "proposed", "ridge of the kept-set covariance",
                     valid=_pos, expected="> 0"),
            "beta": H("beta", 1.0, float, "proposed", "width multiplier: w = 2 sqrt(beta) "
                      "||phi||_{Lambda_Z^-1}", valid=_pos, expected="> 0"),
            "tau": H("tau", 0.5, float, "proposed", "known-set threshold on the width",
                     valid=_pos, expected="> 0"),
            "bonus_scale": H("bonus_scale", 1.0, float, "proposed", "bonus on unknown pairs "
                             "is bonus_scale / (1 - gamma)", valid=_nonneg, expected=">= 0"),
            "bonus": H("bonus", "indicator", str, "proposed", "indicator (LPO/ENIAC) | none "
                       "(no-exploration baseline)", choices=BONUS),
            "switching": H("switching", "sensitivity", str, "proposed", "sensitivity (LPO: "
                           "switch when the kept set changes) | every_round (ENIAC-style "
                           "cover baseline)", choices=SWITCHING),
            "K": H("K", 20, int, "proposed", "NPG iterations per phase", valid=_pos,
                   expected="> 0"),
            "M": H("M", 100, int, "proposed", "critic samples per NPG iteration", valid=_pos,
                   expected="> 0"),
            "eta_scale": H("eta_scale", 100.0, float, "proposed", "NPG step eta = "
                           "eta_scale (1 - gamma) sqrt(2 log A / K); tuned on RiverSwim and "
                           "chain_lock (gamma = 0.9, K = 20, M = 100: final gaps <= 0.08 "
                           "against 0.2-0.7 with 20); the mirror-descent step of the analysis "
                           "is 1",
                           theory=1.0, valid=_pos, expected="> 0"),
            "lam_critic": H("lam_critic", 0.01, float, "proposed", "ridge of the critic "
                            "(tuned; 1 shrinks rarely sampled pairs too much)", valid=_pos,
                            expected="> 0"),
            "warm_start": H("warm_start", False, bool, "proposed", "start each phase from "
                            "the previous phase's logits (default: uniform, as in ENIAC)"),
            "eps": H("eps", 0.0, float, "proposed", "target accuracy: > 0 sets K, M, budget "
                     "and eta_scale by the eps schedule (eps_schedule.py, a reconstruction); "
                     "0 = off (the defaults above)", valid=_pos,
                     expected="> 0 (the default 0 means: no eps schedule)"),
            "eps_constants": H("eps_constants", "theory", str, "proposed", "constants of the "
                               "eps schedule: theory (multipliers 1, eta_scale 1) | tuned",
                               choices=tuple(EPS_CONSTANTS)),
            "output": H("output", "last", str, "proposed", "last: the last phase's policy "
                        "(optimistic, on r + b) | exploit: one more NPG phase on r alone "
                        "(no bonus) when the exploration budget is spent, its transitions "
                        "counted", choices=OUTPUT),
            "max_transitions": H("max_transitions", 0, int, "proposed", "stop once the total "
                                 "transitions reach this cap (0 = no cap)", valid=_nonneg,
                                 expected=">= 0"),
        }

    def init(self, model, hp, rng=None):
        if rng is None:
            raise ValueError("lpo: rng: a stochastic planner needs rng= (Generator, "
                             "SeedSequence or int)")
        tab, phi, tabular = lpo_problem(model)
        g = float(tab.gamma)
        if not 0.0 <= g < 1.0:
            raise ValueError(f"lpo: gamma must be in [0, 1), got {g!r}")
        S, A = tab.S, tab.A
        d = phi.shape[1]
        sched = self._schedule(hp, g, A, d)
        ev = discounted_env(tab)
        pi = np.full((S, A), 1.0 / A)
        cover = np.empty((16, S, A))
        cover[0] = pi
        st = LPOState(
            ev=ev, phi=phi, tabular=tabular, S=S, A=A, d=d, gamma=g,
            rng=as_generator(rng), log_term=sensitivity_log_term(sched["budget"],
                                                                 float(hp["delta"])),
            K=sched["K"], M=sched["M"], budget=sched["budget"], capped=0, output_phase=0,
            Lam=np.zeros((d, d)) if not tabular else np.zeros((1, 1)),
            Linv=(np.eye(d) / hp["lam"]) if not tabular else np.zeros((1, 1)),
            n_w=np.zeros(S * A), visits=np.zeros(S * A, dtype=np.int64),
            logits=np.zeros((S, A)), pi=pi, cover=cover, n_cover=1,
            explore=0, episodes=0, critic=0, kept=0, switches=0, switched=0, done=False,
            unknown=np.ones((S, A), dtype=bool),
            eta=sched["eta_scale"] * (1.0 - g) * np.sqrt(2.0 * np.log(max(A, 2))
                                                         / sched["K"]))
        return st

    # The hooks below are what the policy-cover baseline (``pcpg.PCPG``, a subclass) replaces:
    # its model check, its delta, its exploration stream and its bonus; the schedule, the NPG
    # phase, the cover, the cap and the switch bookkeeping are this class's, shared.
    _problem = staticmethod(lpo_problem)

    def _delta(self, hp):
        return float(hp["delta"])

    def _schedule(self, hp, gamma, A, d):
        """``{K, M, budget, eta_scale}``: the hyper-parameters, or the eps schedule when
        ``eps > 0`` (then none of the four may be given)."""
        keys = ("K", "M", "budget", "eta_scale")
        if not hp["eps"] > 0:
            return {"K": int(hp["K"]), "M": int(hp["M"]), "budget": int(hp["budget"]),
                    "eta_scale": float(hp["eta_scale"])}
        defaults = self.hyperparameters(None)
        for k in keys:
            if hp[k] != defaults[k].default:
                raise ValueError(f"{self.name}: {k}: set by the eps schedule "
                                 f"(eps={hp['eps']!r}); give eps or {k}, not both "
                                 f"(got {k}={hp[k]!r})")
        return lpo_eps_schedule(hp["eps"], gamma=gamma, A=A, d=d, delta=self._delta(hp),
                                constants=hp["eps_constants"])

    def _bonus(self, hp, st):
        """``(bonus[S, A], unknown[S, A])`` of the current kept set (widths, threshold)."""
        widths = _lpo_widths(st.phi, st.Linv, st.n_w, st.tabular, float(hp["lam"]))
        return lpo_bonus(widths, beta=hp["beta"], tau=hp["tau"], gamma=st.gamma,
                         scale=hp["bonus_scale"], S=st.S, A=st.A)

    def _explore(self, hp, st):
        """Spend exploration transitions until the kept set changes (or every episode with
        ``switching="every_round"``) or the budget is out; updates the counters."""
        steps, eps, added = lpo_explore(
            st.ev, st.pi, st.phi, st.tabular, st.Lam, st.Linv, st.n_w, float(hp["C_s"]),
            st.log_term, float(hp["lam"]), st.rng, st.budget - st.explore,
            hp["switching"] == "sensitivity", st.visits)
        st.explore += int(steps)
        st.episodes += int(eps)
        st.kept += int(added)

    def _phase(self, hp, st, exploit=False):
        bonus, unknown = self._bonus(hp, st)
        if hp["bonus"] == "none" or exploit:
            bonus = np.zeros_like(bonus)
        if not hp["warm_start"]:
            st.logits = np.zeros((st.S, st.A))
        st.critic += int(lpo_npg_phase(st.ev, st.phi, bonus, st.cover, st.n_cover,
                                       st.K, st.M, st.eta,
                                       float(hp["lam_critic"]), st.rng, st.logits))
        pi = np.exp(st.logits - st.logits.max(axis=1, keepdims=True))
        st.pi = pi / pi.sum(axis=1, keepdims=True)
        if st.n_cover == st.cover.shape[0]:
            st.cover = np.concatenate([st.cover, np.empty_like(st.cover)])
        st.cover[st.n_cover] = st.pi
        st.n_cover += 1
        st.unknown = unknown

    def _cap(self, hp, st):
        cap = int(hp["max_transitions"])
        if cap > 0 and st.explore + st.critic >= cap:
            st.done, st.capped = True, 1
        return st.done

    def step(self, model, hp, st, t):
        self._explore(hp, st)
        if st.explore >= st.budget or self._cap(hp, st):
            st.done, st.switched = True, 0
            if hp["output"] == "exploit" and not st.capped:
                self._phase(hp, st, exploit=True)
                st.output_phase = 1
            return st
        self._phase(hp, st)
        st.switches += 1
        st.switched = 1
        self._cap(hp, st)
        return st

    def finished(self, st) -> bool:
        return st.done

    def objective(self, model, st):
        v = float(discounted_value(st.ev, st.pi[None], np.empty((1, st.S))))
        return {"value": v, "switched": st.switched, "switches": st.switches,
                "explore_transitions": st.explore, "critic_transitions": st.critic,
                "transitions": st.explore + st.critic, "explore_episodes": st.episodes,
                "kept": st.kept, "unknown_pairs": int(st.unknown.sum()), "capped": st.capped,
                "output_phase": st.output_phase, "npg_iterations": st.K,
                "critic_samples": st.M, "explore_budget": st.budget, "eta": st.eta}

    def optimum(self, model):
        from ...planning import policy_iteration
        return {"optimal_value": float(policy_iteration(self._problem(model)[0]).value)}
