"""Seeded random tabular MDPs and policies for the lemma checks (no global seeding)."""
from __future__ import annotations

import numpy as np

import mdpsim


def random_kernel(rng, shape, S, sparsity=0.4):
    """Random rows over S next states (each row keeps at least one successor)."""
    P = rng.random((*shape, S))
    P[rng.random(P.shape) < sparsity] = 0.0
    idx = rng.integers(0, S, size=shape)
    np.put_along_axis(P, idx[..., None], rng.random((*shape, 1)) + 0.1, axis=-1)
    return P / P.sum(-1, keepdims=True)


def instances(rng, n, *, discounted=False):
    """``n`` random (mdp, S, A, H) with S in 2..8, A in 2..4, H in 1..8 (or gamma in
    [0.5, 0.99)); half stationary, half stage-dependent (finite horizon)."""
    gen = np.random.default_rng(rng)  # int or SeedSequence
    for i in range(n):
        S, A = int(gen.integers(2, 9)), int(gen.integers(2, 5))
        init = gen.dirichlet(np.ones(S))
        if discounted:
            gamma = float(gen.uniform(0.5, 0.99))
            yield gen, mdpsim.TabularMDP(random_kernel(gen, (S, A), S), gen.random((S, A)),
                                         gamma=gamma, init=init)
            continue
        H = int(gen.integers(1, 9))
        stage = i % 2 == 1
        shape = (H, S, A) if stage else (S, A)
        yield gen, mdpsim.TabularMDP(random_kernel(gen, shape, S), gen.random(shape),
                                     horizon=H, init=init)


def random_policy(gen, mdp, *, deterministic=False):
    """A random stochastic ``float[H, S, A]`` (or ``[S, A]`` discounted) policy; with
    ``deterministic`` an ``int`` table."""
    shape = (mdp.horizon, mdp.S) if mdp.finite_horizon else (mdp.S,)
    if deterministic:
        return gen.integers(0, mdp.A, size=shape)
    return gen.dirichlet(np.ones(mdp.A), size=shape)
