"""Seeded random robust MDPs for the robust checks (no global seeding)."""
from __future__ import annotations

import numpy as np

import mdpsim
from mdpsim.models.robust import SET_KINDS

from _random_mdps import random_kernel


def robust_instances(rng, n, *, kinds=SET_KINDS, rects=("sa", "s"), S_max=6, A_max=3,
                     transition_rewards=True):
    """``n`` random discounted RobustMDPs cycling through ``kinds`` x ``rects``: S in
    2..S_max, A in 2..A_max, gamma in [0.5, 0.95), radii drawn per set (l2 on the squared
    scale), half of them with next-state-dependent rewards."""
    gen = np.random.default_rng(rng)
    combos = [(k, r) for k in kinds for r in rects]
    base = {"l1": 0.5, "tv": 0.25, "linf": 0.2, "l2": 0.3, "chi2": 0.5, "kl": 0.3}
    for i in range(n):
        kind, rect = combos[i % len(combos)]
        S, A = int(gen.integers(2, S_max + 1)), int(gen.integers(2, A_max + 1))
        gamma = float(gen.uniform(0.5, 0.95))
        P = random_kernel(gen, (S, A), S)
        init = gen.dirichlet(np.ones(S))
        shape = (S, A) if rect == "sa" else (S,)
        rad = gen.uniform(0.2, 1.5, size=shape) * base[kind] * (A if rect == "s" else 1)
        if transition_rewards and i % 2:
            Rn = gen.random((S, A, S))
            rm = mdpsim.RobustMDP.from_transition_rewards(P, Rn, kind, rad, gamma=gamma,
                                                          init=init, rect=rect)
        else:
            nom = mdpsim.TabularMDP(P, gen.random((S, A)), gamma=gamma, init=init)
            rm = mdpsim.RobustMDP(nom, kind, rad, rect=rect)
        yield gen, rm
