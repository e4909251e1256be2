"""Linear optimistic actor-critic (mdpsim.algorithms.linear.actor_critic_linear;
docs/papers/optimistic_actor_critic.md §3.4): ln det Λ_h tracked exactly, epochs within the
determinant-doubling bound, the actor reset at a switch, the critic equal to LSVI-UCB's, and
one-line errors for bad input."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import get_algorithm
from mdpsim.algorithms.linear.actor_critic_linear import linear_epoch_bound
from mdpsim.algorithms.linear.lsvi_ucb_kernels import lsvi_ucb_plan

LAC = get_algorithm("actor_critic_linear")


def _agent_run(lmdp, K, seed=0, **hp):
    ag = mdpsim.agent("actor_critic_linear", lmdp, rng=seed, episodes=K, **hp)
    mdp = lmdp.to_tabular()
    rng = np.random.default_rng(seed + 100)
    P = np.asarray(mdp.P)
    P4 = P[None] if P.ndim == 3 else P
    R = np.asarray(mdp.stage_R())
    for k in range(K):
        s = rng.choice(mdp.S, p=np.asarray(mdp.init))
        for h in range(mdp.horizon):
            a = ag.act(h, s)
            if h == 0:
                yield k, ag
            s2 = rng.choice(mdp.S, p=P4[min(h, P4.shape[0] - 1), s, a])
            ag.observe(h, s, a, float(R[min(h, R.shape[0] - 1), s, a]), s2)
            s = s2


@pytest.fixture(scope="module")
def simplex():
    return mdpsim.make("linear_simplex", S=6, A=3, d=3, horizon=4, rng=1)


def test_logdet_exact_reset_and_critic(simplex):
    prev = 1.0
    for k, ag in _agent_run(simplex, 30, c_eta=2.0):
        st = ag.state                                     # a dict of copies
        for h in range(simplex.horizon):
            sign, ld = np.linalg.slogdet(np.linalg.inv(st['Lam_inv'][h]))
            assert sign > 0 and abs(ld - st['logdet'][h]) <= 1e-9 * (1 + abs(ld))
        if st['clock'][0] > prev:                            # a switch: logits = η_1 f
            eta1 = 2.0 * math.sqrt(math.log(3) / 16)
            assert np.array_equal(st['logits'], eta1 * st['f'])
        prev = st['clock'][0]
        Q, w = np.zeros_like(st['f']), np.zeros_like(st['w'])  # the critic is LSVI-UCB's
        lsvi_ucb_plan(st['phi4'], st['Lam_inv'], st['b_r'], st['M'], ag.params.beta, Q, w)
        assert np.array_equal(Q, st['f'])
    assert prev > 2


def test_epochs_within_bound(simplex):
    K = 500
    df = mdpsim.run("actor_critic_linear", simplex, episodes=K, seeds=2, eval_every="every")
    phi = np.asarray(simplex.phi)
    bound = linear_epoch_bound(phi.shape[-1], simplex.horizon, K,
                               phi_max2=float(np.max(np.sum(phi ** 2, -1))))
    assert df.aux.min() == 1.0 and df.aux.max() <= bound
    assert df.groupby("seed").aux.apply(lambda x: np.all(np.diff(x.values) >= 0)).all()


def test_bad_input_one_line(simplex):
    with pytest.raises(ValueError) as e:
        LAC.resolve({"c_eta": 0.0})
    assert "\n" not in str(e.value) and "c_eta" in str(e.value)
    with pytest.raises(ValueError) as e:                  # a tabular model grants no features
        mdpsim.run("actor_critic_linear", simplex.to_tabular(), episodes=2)
    assert "\n" not in str(e.value) and "features" in str(e.value)
