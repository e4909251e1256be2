"""The gymnasium bridge: an mdpsim model as a gymnasium environment (checker, sampled
transition frequencies against the table), and toy-text environments as exact models
(FrozenLake's V* against an independent value iteration on ``env.unwrapped.P``)."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mdpsim

gym = pytest.importorskip("gymnasium")


def _vi_on_table(table, gamma, tol=1e-13):
    """Value iteration written directly on ``P[s][a] = [(p, s', r, done)]`` (no mdpsim)."""
    S, A = len(table), len(table[0])
    V = np.zeros(S)
    for _ in range(100_000):
        Q = np.array([[sum(p * (r + (0.0 if done else gamma * V[s2]))
                           for p, s2, r, done in table[s][a]) for a in range(A)]
                      for s in range(S)])
        Vn = Q.max(axis=1)
        if np.max(np.abs(Vn - V)) < tol * (1 - gamma):
            return Vn
        V = Vn
    raise AssertionError("value iteration did not converge")


@pytest.mark.parametrize("env_id, kw", [("FrozenLake-v1", {}),
                                        ("FrozenLake-v1", {"is_slippery": False}),
                                        ("CliffWalking-v1", {})])
def test_toy_text_optimal_values_match_an_independent_value_iteration(env_id, kw):
    env = gym.make(env_id, **kw)
    mdp = mdpsim.from_gymnasium(env, gamma=0.99)
    S = mdp.S - 1
    assert S == env.observation_space.n and mdp.A == env.action_space.n
    sol = mdpsim.solve(mdp, method="pi")
    ref = _vi_on_table(env.unwrapped.P, 0.99)
    np.testing.assert_allclose(sol.V[:S], ref, rtol=0, atol=1e-10)
    assert sol.V[S] == 0.0                                   # the absorbing state


def test_ucbvi_runs_on_frozenlake():
    mdp = mdpsim.from_gymnasium(gym.make("FrozenLake-v1"), horizon=30)
    df = mdpsim.run("ucbvi_ch", mdp, episodes=300, seeds=2, rng=0)
    assert df.regret.iloc[-1] >= 0 and np.isfinite(df.value).all()


def test_to_gymnasium_passes_the_checker_and_is_seeded():
    from gymnasium.utils.env_checker import check_env
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    env = mdpsim.to_gymnasium(mdp)
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # the checker's warnings are failures here
        check_env(env, skip_render_check=True)
    a = [env.reset(seed=3)[0]] + [env.step(1)[0] for _ in range(50)]
    b = [env.reset(seed=3)[0]] + [env.step(1)[0] for _ in range(50)]
    assert a == b
    env.reset(seed=0)
    steps = [env.step(0) for _ in range(20)]
    assert steps[-1][3] is True and not any(s[3] for s in steps[:-1])   # truncated at H


@pytest.mark.parametrize("storage", ["dense", "successors"])
def test_transition_frequencies_match_the_table(storage):
    mdp = mdpsim.make("garnet", S=6, A=2, b=3, gamma=0.9, rng=4)
    mdp = mdp.to_successors() if storage == "successors" else mdp.to_dense()
    env = mdpsim.to_gymnasium(mdp)
    env.reset(seed=11)
    n = 20_000
    P = mdp.to_dense().P
    for s, a in [(0, 0), (3, 1), (5, 0)]:
        counts = np.zeros(mdp.S)
        for _ in range(n):
            env.unwrapped.s = s
            s2, r, *_ = env.step(a)
            counts[s2] += 1
        assert r == mdp.R[s, a]
        p = P[s, a]
        sd = np.sqrt(p * (1 - p) / n)
        assert np.all(np.abs(counts / n - p) <= 5 * sd + 1e-12), (s, a, counts / n, p)


def test_from_gymnasium_rejects_environments_without_a_table():
    with pytest.raises(ValueError, match="no transition table"):
        mdpsim.from_gymnasium(gym.make("CartPole-v1"), gamma=0.9)
    with pytest.raises(ValueError, match="exactly one of gamma"):
        mdpsim.from_gymnasium(gym.make("FrozenLake-v1"))


def test_from_gymnasium_keeps_transition_rewards_and_terminal_states():
    """FrozenLake (not slippery): the goal's reward is paid on the move into the terminal
    state, and a round trip through to_gymnasium pays it and terminates there."""
    env = gym.make("FrozenLake-v1", is_slippery=False)
    mdp = mdpsim.from_gymnasium(env, horizon=20)
    S = mdp.S - 1
    assert mdp.terminal is not None and mdp.terminal[S] and mdp.terminal[:S].sum() == 0
    Rn = mdp.R_next[0]
    assert Rn[14, 2, S] == 1.0 and Rn[14, 2].sum() == 1.0      # right from 14 reaches the goal
    assert np.allclose((mdp.P * Rn).sum(-1), mdp.R)            # planning uses the expectation
    g = mdpsim.to_gymnasium(mdp)
    s, _ = g.reset(seed=0)
    path = [2, 2, 1, 1, 1, 2]                                   # 0 -> 2 -> 6 -> 10 -> 14 -> goal
    rewards, term = [], False
    for a in path:
        s, r, term, trunc, _ = g.step(a)
        rewards.append(r)
        if term:
            break
    assert term and s == S and rewards[-1] == 1.0 and sum(rewards) == 1.0
