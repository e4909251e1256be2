"""The discounted setting: exact V^pi (linear solve) and V* against independent computations
(np.linalg.solve on the dense kernel, an LP solved by HiGHS, value iteration to convergence),
its compiled samplers, and its one-line errors."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from conftest import random_mdp
from mdpsim.settings import Discounted, Episodic
from mdpsim.settings.discounted import discounted_value, generative_next, rollout

TOL = 1e-10


def _dense(mdp):
    """Dense stationary ``P[S, A, S']`` of either storage (independent of the kernels)."""
    if mdp.storage == "dense":
        return np.asarray(mdp.P)
    L = mdp.successors
    P = np.zeros((mdp.S, mdp.A, mdp.S))
    for r in range(mdp.S * mdp.A):
        s, a = divmod(r, mdp.A)
        for k in range(L.indptr[r], L.indptr[r + 1]):
            P[s, a, L.indices[k]] += L.probs[k]
    return P


def _solve_value(mdp, pi):
    P = _dense(mdp)
    Ppi = np.einsum("sa,sat->st", pi, P)
    r = (pi * mdp.R).sum(1)
    return np.linalg.solve(np.eye(mdp.S) - mdp.gamma * Ppi, r)


def _vi(mdp, tol=1e-14):
    """Plain value iteration to the fixed point (sup-norm change below ``tol``)."""
    P, R, g = _dense(mdp), np.asarray(mdp.R), mdp.gamma
    V = np.zeros(mdp.S)
    for _ in range(100_000):
        V2 = (R + g * P @ V).max(1)
        if np.max(np.abs(V2 - V)) < tol:
            return V2
        V = V2
    raise AssertionError("VI did not converge")


def _lp(mdp):
    """``min sum_s V(s)`` s.t. ``V(s) >= R(s,a) + gamma P(s,a) V`` (HiGHS), then the LP's
    greedy policy evaluated by a linear solve (polishes the solver's tolerance away)."""
    from scipy.optimize import linprog
    P, R, g, S, A = _dense(mdp), np.asarray(mdp.R), mdp.gamma, mdp.S, mdp.A
    A_ub = (g * P - np.eye(S)[:, None, :]).reshape(S * A, S)
    res = linprog(np.ones(S), A_ub=A_ub, b_ub=-R.reshape(-1), bounds=[(None, None)] * S,
                  method="highs")
    assert res.status == 0
    pol = (R + g * P @ res.x).argmax(1)
    return res.x, _solve_value(mdp, np.eye(A)[pol])


CASES = [(seed, storage, gamma) for seed in range(3) for storage in ("dense", "successors")
         for gamma in (0.5, 0.9, 0.99)]


@pytest.mark.parametrize("seed,storage,gamma", CASES)
def test_exact_value_matches_linear_solve(seed, storage, gamma):
    mdp = random_mdp(seed, S=7, A=3, gamma=gamma, storage=storage)
    st = Discounted(mdp)
    rng = np.random.default_rng(seed)
    for _ in range(4):
        pi = rng.dirichlet(np.ones(mdp.A), size=mdp.S)
        want = _solve_value(mdp, pi)
        V = np.empty((1, mdp.S))
        got = discounted_value(st.eval_env(), pi[None], V)
        scale = 1.0 + np.abs(want).max()
        assert np.max(np.abs(V[0] - want)) <= TOL * scale
        assert abs(got - mdp.init @ want) <= TOL * scale
        assert abs(st.value(pi) - mdp.init @ want) <= TOL * scale


@pytest.mark.parametrize("seed,storage,gamma", CASES)
def test_optimum_matches_lp_and_value_iteration(seed, storage, gamma):
    mdp = random_mdp(seed, S=7, A=3, gamma=gamma, storage=storage)
    st = Discounted(mdp)
    V_lp, V_pol = _lp(mdp)
    V_vi = _vi(mdp)
    opt = st.optimum()
    scale = 1.0 + np.abs(V_vi).max()
    assert abs(opt - mdp.init @ V_pol) <= TOL * scale      # LP's policy, exactly evaluated
    assert abs(opt - mdp.init @ V_vi) <= TOL * scale       # VI to its fixed point
    assert abs(opt - mdp.init @ V_lp) <= 1e-8 * scale      # HiGHS at its own tolerance


def test_evaluate_sequence_is_gap_and_cumulative_gap():
    mdp = random_mdp(1, S=5, A=2, gamma=0.9)
    st = Discounted(mdp)
    pols = [np.zeros(5, np.int64), np.zeros(5, np.int64), np.ones(5, np.int64),
            mdpsim.solve(mdp, method="pi").policy]
    df = st.evaluate_sequence(pols)
    vals = np.array([mdp.init @ _solve_value(mdp, np.eye(2)[p]) for p in pols])
    assert np.max(np.abs(df["value"].to_numpy() - vals)) <= TOL
    assert np.array_equal(df["gap"].to_numpy(), st.optimum() - df["value"].to_numpy())
    assert np.array_equal(df["regret"].to_numpy(), np.cumsum(df["gap"].to_numpy()))
    assert abs(df["gap"].iloc[-1]) <= TOL
    assert set(df.columns) - {"episode"} == set(st.columns)


@pytest.mark.parametrize("storage", ["dense", "successors"])
def test_fixed_length_rollout_is_inverse_cdf_sampling(storage):
    """Fixed-length trajectories draw the uniforms of ``mdpsim.sample_trajectory``."""
    mdp = random_mdp(2, S=6, A=3, gamma=0.9, storage=storage)
    st = Discounted(mdp, episode=12)
    pi = np.random.default_rng(0).dirichlet(np.ones(3), size=6)
    states, actions, rewards = st.sample(np.random.default_rng(5), policy=pi)
    u = np.random.default_rng(5).random(2 * 12 + 1)
    s2, a2, r2 = mdpsim.sample_trajectory(mdp, pi, uniforms=u, steps=12)
    assert np.array_equal(states, s2) and np.array_equal(actions, a2)
    assert np.array_equal(rewards, r2)


def test_geometric_episode_return_is_unbiased_for_the_value():
    """``E[undiscounted return] = init @ V^pi`` under geometric resets (seeded; 6 sigma)."""
    mdp = random_mdp(3, S=5, A=2, gamma=0.8)
    st = Discounted(mdp)
    pi = np.full((5, 2), 0.5)
    rng = np.random.default_rng(11)
    rets = np.array([st.sample(rng, policy=pi)[2].sum() for _ in range(20_000)])
    se = rets.std() / np.sqrt(rets.size)
    assert abs(rets.mean() - st.value(pi)) < 6 * se


@pytest.mark.parametrize("storage", ["dense", "successors"])
def test_generative_model_samples_the_kernel(storage):
    mdp = random_mdp(4, S=4, A=2, gamma=0.9, storage=storage)
    st = Discounted(mdp, mode="generative")
    P = _dense(mdp)
    u = np.random.default_rng(1).random(50)
    rng = np.random.default_rng(1)
    for x in u:   # one uniform per draw: the inverse CDF of the row
        s2 = generative_next(st.eval_env(), 2, 1, rng)
        assert s2 == int(np.argmax(x < np.cumsum(P[2, 1])))
    rng = np.random.default_rng(2)
    counts = np.zeros((4, 2, 4))
    for _ in range(4000):
        out = st.sample(rng)
        counts[np.arange(4)[:, None], np.arange(2)[None, :], out] += 1
    assert np.max(np.abs(counts / 4000 - P)) < 0.05
    assert st.sample(np.random.default_rng(0), s=1, a=0) in range(4)


def test_errors_are_one_line():
    fin = random_mdp(0, S=4, A=2, horizon=3)
    disc = random_mdp(0, S=4, A=2, gamma=0.9)
    cases = [
        (lambda: Discounted(fin), "finite-horizon (horizon=3)"),
        (lambda: Discounted(disc, mode="offline"), "mode must be"),
        (lambda: Discounted(disc, episode=0), "episode must be"),
        (lambda: Discounted("garnet"), "needs a TabularMDP, got str"),
        (lambda: Episodic(disc), "discounted (gamma=0.9)"),
        (lambda: mdpsim.run("greedy", Discounted(disc), episodes=3), "no online learner loop"),
        (lambda: mdpsim.run("greedy", disc, episodes=3), "run() needs a finite-horizon MDP"),
        (lambda: Discounted(disc).sample(np.random.default_rng(0)), "needs policy="),
    ]
    for fn, msg in cases:
        with pytest.raises(ValueError) as e:
            fn()
        assert msg in str(e.value) and "\n" not in str(e.value), str(e.value)
