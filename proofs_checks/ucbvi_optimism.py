r"""Optimism of UCBVI (Azar, Osband, Munos 2017, arXiv:1703.05449: Lemma 18 for UCBVI-CH and
its Bernstein–Freedman counterpart for UCBVI-BF), checked on exact values.

Statement. With the paper's constants (``bonus_scale = 1``) and confidence ``δ``, with
probability at least ``1 - δ`` the optimistic values dominate the optimal ones in every
episode, at every step and state:

.. math::  \bar V_{k,h}(s) \ge V^*_h(s)\qquad \forall k \le K,\ h < H,\ s.

Check. For each instance and each of UCBVI-CH / UCBVI-BF, run ``seeds`` independent seeds of
``episodes`` episodes in the compiled engine; a seed is *optimistic* when
``min_{k,h,s} (V̄_{k,h}(s) - V*_h(s)) >= -tol``. The check passes when the fraction of
optimistic seeds is at least ``1 - δ`` for every (instance, algorithm).

How: a *probe* algorithm, defined here and never registered, wraps UCBVI's own ``plan`` and
``observe`` kernels (same random stream, same policies) and returns as its per-episode
``estimate`` a running statistic over all ``(k, h, s)`` so far — the smallest margin
``V̄ - V*`` (mode 0) or the share of values strictly below their cap ``(H - h) r_max``
(mode 1). The second number says how much of the check is non-trivial: with the theoretical
constants the bonus keeps many values at the cap, where optimism holds by construction.
For contrast (not part of ``passed``) the optimistic-seed fraction is also reported for the
tuned default constants, for which the theorem makes no claim.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

import mdpsim
from mdpsim.algorithms import HyperParameter
from mdpsim.algorithms.ucbvi import UCBVI_CH, UCBVI_BF
from mdpsim.algorithms.ucbvi import State as UCBVIState, Params as UCBVIParams

# the learners' own kernels, through their public class attributes: CH's and BF's plan, and
# BF's observe (every count; the CH bonus ignores the per-step visits it adds)
_plan_ch = UCBVI_CH.plan
_plan_bf = UCBVI_BF.plan
_ucbvi_observe = UCBVI_BF.observe

STATEMENT = "UCBVI (paper constants): P[ Vbar_{k,h}(s) >= V*_h(s) for all k, h, s ] >= 1 - delta"

ALGORITHMS = ("ucbvi_ch", "ucbvi_bf")


class ProbeState(NamedTuple):
    """UCBVI's own state (``inner``), ``V*: float64[H, S]`` and the running statistics
    ``stats = [min margin, uncapped count, total count, r_max]``."""

    inner: UCBVIState
    Vstar: np.ndarray
    stats: np.ndarray


class ProbeParams(NamedTuple):
    """UCBVI's params (``inner``, CH or BF) and the statistic reported (``mode``)."""

    inner: UCBVIParams
    mode: float


# not cached on disk: check modules are loaded from their file under a private name, which a
# cache entry could not re-import (the engine compiles the probe's loop in-process as well)
@njit
def _probe_plan(state, params, k, rng, pi):
    if params.inner.bf != 0.0:
        _plan_bf(state.inner, params.inner, k, rng, pi)
    else:
        _plan_ch(state.inner, params.inner, k, rng, pi)
    V = state.inner.V
    Vstar = state.Vstar
    stats = state.stats             # [running min margin, uncapped count, total count, r_max]
    H, S = Vstar.shape
    for h in range(H):
        cap = (H - h) * stats[3]
        for s in range(S):
            stats[0] = min(stats[0], V[h, s] - Vstar[h, s])
            stats[1] += np.float64(V[h, s] < cap - 1e-9)
            stats[2] += 1.0
    return stats[0] if params.mode == 0.0 else stats[1] / stats[2]


@njit
def _probe_observe(state, params, h, s, a, r, s_next):
    _ucbvi_observe(state.inner, params.inner, h, s, a, r, s_next)


class Probe(UCBVI_CH):
    """UCBVI-CH or -BF (hyper-parameter ``variant``) reporting a running statistic over all
    ``(k, h, s)`` as its estimate (``mode`` 0: min margin; 1: uncapped share). One class for
    both variants and modes, so the engine compiles one loop. ``V*`` is not information a
    learner receives: :func:`_final` sets it on the class (``vstar``) for the run."""

    name = "ucbvi_optimism_probe"
    plan = _probe_plan
    observe = _probe_observe
    State = ProbeState
    Params = ProbeParams
    vstar = None
    hyperparameters = UCBVI_CH.hyperparameters + (
        HyperParameter("variant", "ch", str, "proposed", "UCBVI bonus: 'ch' or 'bf'",
                       choices=("ch", "bf")),
        HyperParameter("mode", 0, int, "proposed", "0: running min margin; 1: uncapped share",
                       choices=(0, 1)),
    )

    @classmethod
    def init_state(cls, info, hp):
        return ProbeState(UCBVI_CH.init_state(info, hp), np.array(cls.vstar, dtype=np.float64),
                          np.array([np.inf, 0.0, 0.0, info.r_hi]))

    @classmethod
    def params(cls, info, hp):
        base = UCBVI_BF if hp["variant"] == "bf" else UCBVI_CH
        return ProbeParams(base.params(info, hp), float(hp["mode"]))


def instances() -> dict:
    return {"riverswim(S=4,H=6)": mdpsim.make("riverswim", S=4, horizon=6),
            "garnet(5,2,3,H=5)": mdpsim.make("garnet", S=5, A=2, b=3, horizon=5, rng=3)}


def _final(alg, mode, mdp, episodes, seeds, rng, delta, **hp):
    """Per seed, the probe's statistic after ``episodes`` episodes (defaults: tuned constants
    of ``alg``)."""
    if "bonus_scale" not in hp:
        hp["bonus_scale"] = {p.name: p.default
                             for p in (UCBVI_BF if alg == "ucbvi_bf" else UCBVI_CH)
                             .hyperparameters}["bonus_scale"]
    Probe.vstar = np.array(mdpsim.solve(mdp).V, dtype=np.float64)
    df = mdpsim.run(Probe, mdp, episodes=episodes, seeds=seeds, rng=rng,
                    eval_every=[episodes], delta=delta, variant=alg[-2:], mode=mode, **hp)
    return df.sort_values("seed")["estimate"].to_numpy()


def check(rng=0, seeds: int = 20, delta: float = 0.1, episodes: int = 20_000,
          tol: float = 1e-9) -> dict:
    margins, passed = {}, True
    for name, mdp in instances().items():
        for alg in ALGORITHMS:
            key = f"{alg}@{name}"
            m = _final(alg, 0, mdp, episodes, seeds, rng, delta, bonus_scale=1.0)
            share = _final(alg, 1, mdp, episodes, seeds, rng, delta, bonus_scale=1.0)
            frac = float(np.mean(m >= -tol))
            passed &= frac >= 1.0 - delta
            margins[f"{key}:min_margin"] = float(m.min())
            margins[f"{key}:optimistic_seed_fraction"] = frac
            margins[f"{key}:uncapped_share"] = float(share.mean())
            tuned = _final(alg, 0, mdp, episodes, seeds, rng, delta)
            margins[f"{key}:tuned_min_margin"] = float(tuned.min())
            margins[f"{key}:tuned_optimistic_seed_fraction"] = float(np.mean(tuned >= -tol))
    return {"name": "UCBVI optimism", "statement": STATEMENT, "passed": bool(passed),
            "instances": 2 * len(ALGORITHMS), "seeds": seeds, "episodes": episodes,
            "delta": delta, "tolerance": tol, "margins": margins}


if __name__ == "__main__":  # pragma: no cover
    import json
    print(json.dumps(check(), indent=1))
