r"""Conservative exploration (StepMix / EpsMix, arXiv:2306.06265, reconstructed): the
certificates are lower bounds of the true value of the mixed policy on the good event.

Statement (``mdpsim.algorithms.conservative``). Let ``E`` be the event
``||P̂(.|s,a) - P(.|s,a)||_1 <= sqrt(2 (S ln 2 + ln(n_P S A K H / δ)) / N(s,a))`` for every
row. On ``E``, with the theoretical width (``cert_scale = 1``), for every baseline ``π^b``,
deterministic ``π^o`` and mixing parameter ``λ`` of either family (per-step or switch):

* certificate 1 (direct pessimistic evaluation): ``V̲^{π(λ)}_1 <= V^{π(λ)}_1``;
* certificate 2 (anchored at the baseline): ``V^b + W̲(λ) <= V^{π(λ)}_1`` and, with ``V^b``
  unknown, ``V̲^b + W̲(λ) <= V^{π(λ)}_1``;
* the baseline's bounds bracket its value: ``V̲^b <= V^b <= Ū^b``.

Check. Random finite-horizon MDPs (stationary and stage-dependent), random counts
``N(s,a)`` from 10 to 10^5, empirical models ``P̂`` **inside** ``E``: the adversarial one
(every row shifts the largest mass the ball allows from the successors where the policy's true
next-step value is highest to where it is lowest) and a random one (half of the rows on the
boundary); random ``π^o``, baseline (``baseline_policy``) and ``λ`` in [0, 1] for both
families; certificates from the learners' own compiled kernels; true values by exact backward
induction. Margins: the smallest ``V^{π(λ)} - certificate`` of each certificate (must be
``>= -tol``) and of the baseline bracket. For contrast (not part of ``passed``): the same
margins with the models drawn in a ball 10x too large, where the adversarial model breaks
the bounds (negative slack: the check has teeth).
"""
from __future__ import annotations

import numpy as np

import mdpsim

from _random_mdps import instances   # proofs_checks/ on sys.path
from _conservative_fixtures import (with_baseline, dense4, radius, model_in_event,
                                    adversarial_model, counts_state, certificates,
                                    mixture_policy)

STATEMENT = ("on the L1 good event E (cert_scale = 1): direct LCB <= V^{pi(lambda)}, "
             "V^b + W(lambda) <= V^{pi(lambda)}, LCB^b <= V^b <= UCB^b, both mixture families")


def _margins(gen, mdp, b, scale):
    H, S, A = mdp.horizon, mdp.S, mdp.A
    P4 = dense4(mdp)
    n_p = P4.shape[0]
    K, delta = 1000, 0.05
    N = np.exp(gen.uniform(np.log(10.0), np.log(1e5), size=(n_p, S, A))).round()
    rad, lc = radius(N, S, A, n_p, K, H, delta)
    beta = np.sqrt(lc / 2.0) / np.sqrt(N)                  # cert_scale = 1
    pib = np.ascontiguousarray(b.pi)
    out = []
    for _ in range(4):
        pio = gen.integers(0, A, size=(H, S)).astype(np.int64)
        for mode in (0, 1):
            lam = float(gen.choice([0.0, 1.0, gen.random(), gen.random() ** 4]))
            pi = mixture_policy(pio, pib, lam, mode)
            Vt = mdpsim.evaluate(mdp, pi)                   # true V^pi [H, S]
            v = float(mdp.init @ Vt[0])
            Vn = np.vstack([Vt[1:], np.zeros((1, S))])      # V^pi_{h+1}
            score = Vn if n_p == H else Vn.mean(0, keepdims=True)
            for Ph in (adversarial_model(P4, score, scale * rad),
                       model_in_event(gen, P4, N, scale * rad)):
                counts = counts_state(Ph, N)
                d, a_known, lb, ub = certificates(mdp, counts, beta, pio, pib, lam, mode,
                                                  b.value)
                a_unknown = lb + (a_known - b.value)
                out.append((v - d, v - a_known, v - a_unknown, b.value - lb, ub - b.value))
    return np.min(np.array(out), axis=0)


def check(rng=0, n_instances: int = 40, tol: float = 1e-10) -> dict:
    names = ("direct_lcb", "anchored_known_vb", "anchored_unknown_vb", "baseline_lcb",
             "baseline_ucb")
    worst_in = np.full(5, np.inf)
    worst_out = np.full(5, np.inf)
    used = 0
    cases = list(instances(rng, n_instances))
    cases.append((np.random.default_rng(rng), mdpsim.make("riverswim", S=5, horizon=8)))
    for gen, mdp in cases:
        b, _ = with_baseline(gen, mdp)
        if b is None:
            continue
        used += 1
        worst_in = np.minimum(worst_in, _margins(gen, mdp, b, 1.0))
        worst_out = np.minimum(worst_out, _margins(gen, mdp, b, 10.0))
    passed = bool(used > 0 and np.all(worst_in >= -tol))
    return {"name": "StepMix/EpsMix certificates are lower bounds on the good event",
            "statement": STATEMENT, "passed": passed, "instances": used, "tolerance": tol,
            "margins": {f"{n}_min_slack": float(m) for n, m in zip(names, worst_in)},
            "contrast_outside_event_min_slack": {n: float(m) for n, m in
                                                 zip(names, worst_out)}}


if __name__ == "__main__":  # pragma: no cover
    print(check())
