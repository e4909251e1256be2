"""Duality-gap regret of MEX-MG vs K on two game classes (mdpsim.settings.markov_game),
against greedy self-play and the confidence-set comparator; slope of the seed-mean gap regret
over K in [K/10, K] on log-log axes with a 95% bootstrap interval over seeds. Accept by an
upper bound (slope <= 0.6): on a well-separated finite class the gap regret is bounded.
Run: python experiments/mex_mg.py [K] [seeds]."""
import sys

import numpy as np

import mdpsim

INSTANCES = {"random_game_class": dict(S=4, A=2, B=2, horizon=5, M=8, rng=0),
             "pennies_chain_class": dict(S=4, horizon=6, M=8, rng=0)}


def slope(R, ks, rng, n_boot=1000):
    def fit(r):
        m = r.mean(0)
        ok = m > 0
        return np.polyfit(np.log(ks[ok]), np.log(m[ok]), 1)[0] if ok.sum() > 1 else 0.0
    b = [fit(R[rng.integers(0, len(R), len(R))]) for _ in range(n_boot)]
    return fit(R), np.percentile(b, [2.5, 97.5])


def main(K=3000, seeds=20):
    rng = np.random.default_rng(0)
    ks = np.unique(np.geomspace(K // 10, K, 12).astype(int))
    for name, prm in INSTANCES.items():
        gc = mdpsim.make(name, **prm)
        for alg in ("mex_mg", "mle_selfplay", "nash_optimism"):
            df = gc.run(alg, episodes=K, seeds=seeds, rng=1)
            R = np.stack([df[df.seed == s].set_index("episode").gap_regret.loc[ks].values
                          for s in range(seeds)])
            sl, ci = slope(R, ks, rng)
            print(f"{name:20s} {alg:14s} final gap regret {R[:, -1].mean():7.3f} "
                  f"(max {R[:, -1].max():.3f}) slope {sl:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])
