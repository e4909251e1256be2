r"""Three facts the optimistic actor-critic's analysis rests on (Tan, Fan, Wei, ICML 2025,
arXiv:2505.03710; the tabular learner is a reconstruction, docs/papers/optimistic_actor_critic.md
§4), checked on actual runs of ``actor_critic`` with exact quantities.

1. **Exponential weights against the fixed comparator, per epoch.** In an epoch the actor
   plays ``π^k_h(·|s) ∝ π^{k-1}_h(·|s) exp(η_k f^k_h(s,·))`` from the uniform policy, and the
   mirror-descent identity ``η⟨p* − p', g⟩ = KL(p*‖p) − KL(p*‖p') − KL(p'‖p)`` (``p' ∝ p e^{ηg}``)
   telescopes to, for every epoch, step ``h`` and state ``s``,

   .. math:: \sum_{k \in \text{epoch}} \eta_k \langle \pi^*_h(\cdot|s) - \pi^k_h(\cdot|s),
             f^k_h(s,\cdot)\rangle \le \mathrm{KL}(\pi^*_h(\cdot|s)\,\|\,\text{uniform})
             \le \ln|A|,

   hence, weighted by the comparator's state distribution ``d^{π*}_h`` (fixed across
   episodes because the critic targets ``Q*``), ``Σ_h Σ_s d^{π*}_h(s) (...) <= H ln|A|``.
   Checked: the largest left-hand side over all (epoch, h, s) against ``ln|A|``, and the
   ``d^{π*}``-weighted sum per epoch against ``H ln|A|``.
2. **Optimism on the good event.** With the bonus constant ``c_b = 1``,
   ``f^k_h(s, a) >= Q*_h(s, a)`` for every ``k, h, s, a`` on at least ``1 − δ`` of the seeds.
3. **Reset count.** The number of epochs after ``K`` episodes is at most
   ``1 + S A H (1 + ⌊log₂ K⌋)`` on every seed.

The runs call the learner's compiled ``plan``/``observe`` kernels from Python (same arithmetic
as the engine) so that ``f^k``, ``η_k`` and ``π^k`` can be read at every episode.
"""
from __future__ import annotations

import math

import numpy as np

import mdpsim
from mdpsim.algorithms import get_algorithm, model_info
from mdpsim.algorithms.actor_critic import epoch_bound
from mdpsim.planning import occupancy, solve

STATEMENT = ("actor_critic: per-epoch exponential-weights regret vs pi* <= ln|A| per (h, s); "
             "critic >= Q* (c_b = 1) on >= 1 - delta of seeds; epochs <= 1 + SAH(1 + log2 K)")


def instances() -> dict:
    return {"riverswim(S=4,H=6)": mdpsim.make("riverswim", S=4, horizon=6),
            "garnet(5,3,2,H=5)": mdpsim.make("garnet", S=5, A=3, b=2, horizon=5, rng=1)}


def _run(mdp, K, seed, **hp):
    """Per episode: (epoch, η_k, f^k, π^k) of ``actor_critic`` on ``mdp``."""
    oac = get_algorithm("actor_critic")
    hp = oac.resolve(hp)
    info = model_info(mdp, K)
    st, pa = oac.init_state(info, hp), oac.params(info, hp)
    g = np.random.default_rng(seed)
    P = np.asarray(mdp.P)
    P4 = P[None] if P.ndim == 3 else P
    R = np.asarray(mdp.stage_R())
    H, S, A = mdp.horizon, mdp.S, mdp.A
    pi = np.zeros((H, S, A))
    out = []
    for k in range(K):
        oac.plan(st, pa, k, g, pi)
        out.append((int(st.clock[0]), float(st.clock[2]), st.f.copy(), pi.copy()))
        s = g.choice(S, p=np.asarray(mdp.init))
        for h in range(H):
            a = g.choice(A, p=pi[h, s])
            s2 = g.choice(S, p=P4[min(h, P4.shape[0] - 1), s, a])
            oac.observe(st, pa, h, s, a, float(R[min(h, R.shape[0] - 1), s, a]), s2)
            s = s2
    return out


def check(rng=0, episodes: int = 200, seeds: int = 5, delta: float = 0.05,
          tol: float = 1e-9) -> dict:
    margins = {}
    passed = True
    for name, mdp in instances().items():
        H, S, A = mdp.horizon, mdp.S, mdp.A
        sol = solve(mdp)
        Qstar = np.asarray(sol.Q)
        star = np.zeros((H, S, A))
        np.put_along_axis(star, np.asarray(sol.policy)[..., None], 1.0, axis=-1)
        dstar = np.asarray(occupancy(mdp, star)).sum(-1)          # d^{π*}_h(s)
        worst_hs, worst_w, worst_ep = -np.inf, -np.inf, 0
        optimistic = 0
        for i in range(seeds):
            seed = int(rng) * 1000 + i
            run = _run(mdp, episodes, seed, c_eta=3.0)          # a soft actor: non-trivial
            acc = np.zeros((H, S))
            ep = run[0][0]
            for e, eta, f, pi in run + [(-1, 0.0, None, None)]:
                if e != ep:                                      # the epoch ended
                    worst_hs = max(worst_hs, float(acc.max()))
                    worst_w = max(worst_w, float((dstar * acc).sum()))
                    acc[:] = 0.0
                    ep = e
                if f is None:
                    break
                acc += eta * np.einsum("hsa,hsa->hs", star - pi, f)
            worst_ep = max(worst_ep, run[-1][0])
            # optimism with the theoretical bonus constant
            theo = _run(mdp, episodes, seed, bonus_scale=1.0)
            optimistic += all(np.all(f >= Qstar - tol) for _, _, f, _ in theo)
        bound = epoch_bound(S, A, H, episodes)
        margins[f"{name}: ln|A| - max per-(h,s) epoch regret"] = math.log(A) - worst_hs
        margins[f"{name}: H ln|A| - max d*-weighted epoch regret"] = H * math.log(A) - worst_w
        margins[f"{name}: optimistic seed share - (1 - delta)"] = optimistic / seeds - (1 - delta)
        margins[f"{name}: epoch bound - max epochs"] = bound - worst_ep
        passed &= (worst_hs <= math.log(A) + tol and worst_w <= H * math.log(A) + tol
                   and optimistic / seeds >= 1 - delta and worst_ep <= bound)
    return {"passed": bool(passed), "statement": STATEMENT, "instances": list(instances()),
            "tolerance": tol, "margins": margins}


if __name__ == "__main__":
    r = check()
    print(r["passed"])
    for k, v in r["margins"].items():
        print(f"  {k}: {v:.6g}")
