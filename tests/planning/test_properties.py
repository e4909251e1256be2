"""Property tests (hypothesis) on random small MDPs."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st

import mdpsim

from conftest import random_mdp

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
sizes = st.tuples(st.integers(0, 10**6), st.integers(1, 7), st.integers(1, 4))
gammas = st.sampled_from([0.0, 0.3, 0.7, 0.9, 0.99])
storages = st.sampled_from(["dense", "successors"])


@SETTINGS
@given(sizes, gammas, storages)
def test_bellman_operator_is_monotone_gamma_contraction(size, gamma, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, gamma=gamma, storage=storage)
    rng = np.random.default_rng(seed)
    U, V = rng.normal(size=S) * 10, rng.normal(size=S) * 10
    TU = mdpsim.bellman_operator(mdp, U).max(1)
    TV = mdpsim.bellman_operator(mdp, V).max(1)
    assert np.max(np.abs(TU - TV)) <= gamma * np.max(np.abs(U - V)) + 1e-12
    W = V + np.abs(rng.normal(size=S))  # W >= V
    TW = mdpsim.bellman_operator(mdp, W).max(1)
    assert np.all(TW >= TV - 1e-12)


@SETTINGS
@given(sizes, gammas, storages)
def test_vi_pi_lp_agree(size, gamma, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, gamma=gamma, storage=storage)
    vi = mdpsim.solve(mdp, method="vi", tol=1e-10)
    pi = mdpsim.solve(mdp, method="pi")
    lp = mdpsim.solve(mdp, method="lp")
    assert np.max(np.abs(vi.V - pi.V)) < 1e-9
    assert np.max(np.abs(lp.V - pi.V)) < 1e-7 * (1 + np.max(np.abs(pi.V)))
    # PI's policy is greedy for its own (exact) value: a fixed point of the Bellman operator
    assert np.max(np.abs(mdpsim.bellman_operator(mdp, pi.V).max(1) - pi.V)) < 1e-9


@SETTINGS
@given(sizes, st.integers(1, 8), st.booleans(), storages)
def test_greedy_of_optimal_q_is_optimal_finite(size, H, stage, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, horizon=H, stage=stage, storage=storage)
    sol = mdpsim.solve(mdp)
    V = mdpsim.evaluate(mdp, sol.policy)
    assert np.max(np.abs(V - sol.V)) < 1e-10
    assert np.array_equal(sol.V, sol.Q.max(-1))


@SETTINGS
@given(sizes, gammas, storages)
def test_greedy_of_optimal_q_is_optimal_discounted(size, gamma, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, gamma=gamma, storage=storage)
    sol = mdpsim.solve(mdp, method="pi")
    greedy = sol.Q.argmax(1)
    assert np.max(np.abs(mdpsim.evaluate(mdp, greedy) - sol.V)) < 1e-9


@SETTINGS
@given(sizes, st.integers(1, 8), st.booleans(), storages)
def test_finite_occupancy_sums_to_H_and_gives_value(size, H, stage, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, horizon=H, stage=stage, storage=storage)
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(A), size=(H, S))
    d = mdpsim.occupancy(mdp, pi)
    assert abs(d.sum() - H) < 1e-10 and np.all(d >= 0)
    assert np.max(np.abs(d.sum(axis=(1, 2)) - 1)) < 1e-12
    R3 = np.broadcast_to(mdp.stage_R(), (H, S, A))
    assert abs((d * R3).sum() - mdp.init @ mdpsim.evaluate(mdp, pi)[0]) < 1e-10


@SETTINGS
@given(sizes, gammas, storages)
def test_discounted_occupancy_normalised_and_gives_value(size, gamma, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, gamma=gamma, storage=storage)
    pi = np.random.default_rng(seed).dirichlet(np.ones(A), size=S)
    d = mdpsim.occupancy(mdp, pi)
    assert abs(d.sum() - 1) < 1e-10 and np.all(d >= -1e-15)
    value = mdp.init @ mdpsim.evaluate(mdp, pi)
    assert abs((d * mdp.R).sum() / (1 - gamma) - value) < 1e-9 * (1 + abs(value))


@SETTINGS
@given(sizes, st.integers(1, 6), storages)
def test_policy_value_never_exceeds_optimum(size, H, storage):
    seed, S, A = size
    mdp = random_mdp(seed, S, A, horizon=H, storage=storage)
    pi = np.random.default_rng(seed).dirichlet(np.ones(A), size=(H, S))
    assert np.all(mdpsim.evaluate(mdp, pi) <= mdpsim.solve(mdp).V + 1e-12)
