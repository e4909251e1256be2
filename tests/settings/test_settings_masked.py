"""The engine on models as users write them (issue 21): learners never take an infeasible
action, regret stays exact, next-state rewards are paid as realised, discounted finite
horizon is exact."""
import numpy as np
import pytest

import mdpsim
from mdpsim import TabularMDP, solve, evaluate
from mdpsim.settings import Episodic

LEARNERS = ("ucbvi", "greedy", "psrl", "optq")


def masked_model(seed=0, S=5, A=4, H=6):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    R = rng.random((S, A))
    F = rng.random((S, A)) < 0.6
    F[:, 1] = True
    # the infeasible slots would be the best actions if they could be taken
    R = np.where(F, 0.5 * R, -np.inf)
    return TabularMDP(P, R, horizon=H, feasible=F)


def test_learner_view_maps_to_feasible_actions():
    m = masked_model()
    st = Episodic(m)
    amap = st.action_map
    assert amap.shape == (m.S, int(m.feasible.sum(1).max()))
    assert np.all(m.feasible[np.arange(m.S)[:, None], amap])
    assert abs(st.optimum() - solve(m).value) < 1e-12


@pytest.mark.parametrize("algorithm", LEARNERS)
def test_learners_take_no_infeasible_action_regret_exact(algorithm):
    """25 000 episodes per learner (10^5 over the four): every action played, mapped to the
    user's model, is feasible (counted with the Agent facade on a share of the episodes),
    and the compiled tables' values are exact values of feasible policies."""
    m = masked_model()
    st = Episodic(m)
    K = 12_500
    df = mdpsim.run(algorithm, m, episodes=K, seeds=2, eval_every=1)
    vstar = solve(m).value
    assert np.allclose(df.optimal_value, vstar, rtol=0, atol=1e-12)
    for _, g in df.groupby("seed"):
        assert np.all(g.value.values <= vstar + 1e-12)
        assert abs(np.sum(vstar - g.value.values) - g.regret.values[-1]) < 1e-8
    # counted: actions of the Agent on the user's model, with the policy mapped back
    agent = mdpsim.Agent(algorithm, m, rng=1, episodes=500)
    rng = np.random.default_rng(2)
    bad = 0
    for k in range(500):
        pi = st.user_policy(agent.policy())
        v = float(m.init @ evaluate(m, pi)[0])        # raises on mass on an infeasible action
        assert v <= vstar + 1e-12
        s = 0
        for h in range(m.horizon):
            j = agent.act(h, s)
            a = int(st.action_map[s, j])
            bad += not m.feasible[s, a]
            s2 = int(rng.choice(m.S, p=m.P[s, a]))
            agent.observe(h, s, j, float(m.R[s, a]), s2)
            s = s2
    assert bad == 0


def test_next_state_rewards_realised_and_exact():
    rng = np.random.default_rng(4)
    S, A, H = 4, 2, 5
    P = rng.dirichlet(np.ones(S), size=(S, A))
    Rn = rng.random((S, A, S))
    m = TabularMDP(P, R_next=Rn, horizon=H)
    kw = dict(episodes=300, seeds=1, eval_every=1)
    c = mdpsim.run("ucbvi", m, **kw)
    r = mdpsim.run("ucbvi", m, engine="reference", **kw)
    assert np.array_equal(c["return"].values, r["return"].values)
    assert np.abs(c.regret.values - r.regret.values).max() < 1e-10
    # realised rewards differ from the expectation: the returns are not those of R
    e = mdpsim.run("ucbvi", TabularMDP(P, m.R, horizon=H), **kw)
    assert not np.array_equal(c["return"].values, e["return"].values)
    assert np.array_equal(c.value.values, e.value.values)   # same expected values
    # bernoulli noise over next-state rewards: mean preserved, compiled == reference
    cb = mdpsim.run("ucbvi", m, reward_noise="bernoulli", **kw)
    rb = mdpsim.run("ucbvi", m, reward_noise="bernoulli", engine="reference", **kw)
    assert np.array_equal(cb["return"].values, rb["return"].values)


def test_discounted_finite_horizon_engine_exact():
    rng = np.random.default_rng(5)
    S, A, H, g = 4, 3, 6, 0.8
    P = rng.dirichlet(np.ones(S), size=(S, A))
    R = rng.random((S, A))
    m = TabularMDP(P, R, horizon=H, gamma=g)
    df = mdpsim.run("ucbvi", m, episodes=200, seeds=1, eval_every=1)
    assert abs(df.optimal_value.iloc[0] - solve(m).value) < 1e-12
    assert np.all(df.value.values <= solve(m).value + 1e-12)
