"""Planning guarantees: hand-solved fixtures, the VI epsilon-guarantees, solver agreement."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim import TabularMDP

from conftest import random_mdp


def two_state(gamma=None, horizon=None):
    """States {0, 1}; action 0 = stay, action 1 = switch (deterministic).
    Reward 1 for staying in state 1, 0 otherwise. Solved by hand below."""
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = P[1, 0, 1] = 1.0  # stay
    P[0, 1, 1] = P[1, 1, 0] = 1.0  # switch
    R = np.array([[0.0, 0.0], [1.0, 0.0]])
    return TabularMDP(P, R, gamma=gamma, horizon=horizon)


def test_two_state_discounted_by_hand(backend):
    g = 0.9
    sol = mdpsim.solve(two_state(gamma=g), tol=1e-12, backend=backend)
    # V*(1) = 1 / (1 - g) = 10 (stay forever); V*(0) = g * V*(1) = 9 (switch, then stay)
    assert abs(sol.V[1] - 10.0) < 1e-11 and abs(sol.V[0] - 9.0) < 1e-11
    assert sol.policy.tolist() == [1, 0]
    # Q*(0, stay) = g * 9, Q*(1, switch) = g * 9
    assert abs(sol.Q[0, 0] - 8.1) < 1e-11 and abs(sol.Q[1, 1] - 8.1) < 1e-11


def test_two_state_finite_by_hand(backend):
    sol = mdpsim.solve(two_state(horizon=3), backend=backend)
    # from state 1: stay 3 times -> 3; from state 0: switch then stay twice -> 2
    assert sol.V[0].tolist() == [2.0, 3.0] and sol.V[2].tolist() == [0.0, 1.0]
    assert sol.policy[0].tolist() == [1, 0]
    # last stage from state 0: both actions give 0 -> tie broken to the lowest index
    assert sol.policy[2, 0] == 0
    assert sol.value == 2.0


def test_markov_chain_closed_form():
    """One action: V = (I - g P)^{-1} r solved by hand for a 2-state chain."""
    p, q, g, r0, r1 = 0.3, 0.6, 0.8, 1.0, -2.0
    P = np.array([[[1 - p, p]], [[q, 1 - q]]])
    m = TabularMDP(P, np.array([[r0], [r1]]), gamma=g)
    det = (1 - g * (1 - p)) * (1 - g * (1 - q)) - g * g * p * q
    V0 = ((1 - g * (1 - q)) * r0 + g * p * r1) / det
    V1 = (g * q * r0 + (1 - g * (1 - p)) * r1) / det
    for method in ("vi", "vi-sup", "pi", "lp"):
        V = mdpsim.solve(m, method=method, tol=1e-12).V
        assert abs(V[0] - V0) < 1e-9 and abs(V[1] - V1) < 1e-9
    assert np.max(np.abs(mdpsim.evaluate(m, np.zeros(2, dtype=int)) - [V0, V1])) < 1e-12


@pytest.mark.parametrize("rule", ["span", "sup"])
@pytest.mark.parametrize("eps", [1e-2, 1e-4, 1e-6])
@pytest.mark.parametrize("seed", range(5))
def test_value_iteration_epsilon_guarantees(rule, eps, seed, storage):
    """Converged VI returns V within eps/2 of V* and an eps-optimal greedy policy; the
    reported gap_bound certifies the policy."""
    mdp = random_mdp(seed, S=12, A=3, gamma=[0.5, 0.9, 0.95, 0.99, 0.999][seed],
                     storage=storage)
    Vstar = mdpsim.policy_iteration(mdp).V
    sol = mdpsim.value_iteration(mdp, tol=eps, rule=rule)
    assert sol.converged
    assert np.max(np.abs(sol.V - Vstar)) < eps / 2
    gap = np.max(Vstar - mdpsim.evaluate(mdp, sol.policy))
    assert gap < eps and gap <= sol.gap_bound + 1e-12


@pytest.mark.parametrize("rule", ["span", "sup"])
@pytest.mark.parametrize("m", [1, 5, 20])
@pytest.mark.parametrize("seed", range(4))
def test_modified_policy_iteration_guarantees(rule, m, seed, storage, backend):
    """MPI keeps VI's certificate: |V - V*| < eps/2, eps-optimal policy, valid gap_bound."""
    eps = 1e-6
    mdp = random_mdp(seed, S=12, A=3, gamma=[0.5, 0.9, 0.99, 0.999][seed], storage=storage)
    Vstar = mdpsim.policy_iteration(mdp).V
    sol = mdpsim.modified_policy_iteration(mdp, tol=eps, m=m, rule=rule, backend=backend)
    assert sol.converged and sol.method.startswith("modified_policy_iteration")
    assert np.max(np.abs(sol.V - Vstar)) < eps / 2
    gap = np.max(Vstar - mdpsim.evaluate(mdp, sol.policy))
    assert gap < eps and gap <= sol.gap_bound + 1e-12
    assert abs(mdpsim.solve(mdp, method="mpi", tol=eps).value - mdp.init @ Vstar) < eps / 2


def test_mpi_argument_errors():
    mdp = random_mdp(0, S=3, A=2, gamma=0.9)
    with pytest.raises(ValueError, match="m must be a positive integer"):
        mdpsim.modified_policy_iteration(mdp, m=0)
    with pytest.raises(ValueError, match="partial_sweeps must be a non-negative integer"):
        mdpsim.value_iteration(mdp, partial_sweeps=-1)


def test_span_rule_needs_fewer_sweeps():
    mdp = mdpsim.make("garnet", S=200, A=4, b=5, gamma=0.99, rng=1)
    span = mdpsim.value_iteration(mdp, tol=1e-6, rule="span")
    sup = mdpsim.value_iteration(mdp, tol=1e-6, rule="sup")
    assert span.n_iter * 10 < sup.n_iter
    assert np.max(np.abs(span.V - sup.V)) < 1e-6


def test_value_iteration_not_converged_is_reported():
    mdp = random_mdp(0, S=10, A=3, gamma=0.999)
    sol = mdpsim.value_iteration(mdp, tol=1e-12, max_iter=5)
    assert not sol.converged and sol.n_iter == 5
    Vstar = mdpsim.policy_iteration(mdp).V
    # the bound reported even without convergence is valid
    assert np.max(Vstar - mdpsim.evaluate(mdp, sol.policy)) <= sol.gap_bound + 1e-9


def test_gamma_zero_and_single_state():
    m = TabularMDP(np.ones((1, 2, 1)), np.array([[0.3, 0.7]]), gamma=0.0)
    for method in ("vi", "vi-sup", "pi", "lp"):
        sol = mdpsim.solve(m, method=method)
        assert abs(sol.V[0] - 0.7) < 1e-12 and sol.policy[0] == 1


def test_undiscounted_absorbing_finite_horizon():
    """Absorbing terminal states are handled by finite-horizon recursion (no singular solve)."""
    P = np.zeros((3, 1, 3))
    P[0, 0, 1] = P[1, 0, 2] = P[2, 0, 2] = 1.0
    R = np.array([[1.0], [2.0], [0.0]])
    sol = mdpsim.solve(TabularMDP(P, R, horizon=5))
    assert sol.V[0].tolist() == [3.0, 2.0, 0.0]


def test_policy_iteration_does_not_cycle_on_ties():
    """All actions identical: every policy is optimal; PI must stop after one step."""
    rng = np.random.default_rng(0)
    P1 = rng.dirichlet(np.ones(5), size=5)
    P = np.repeat(P1[:, None, :], 3, axis=1)
    R = np.repeat(rng.random((5, 1)), 3, axis=1)
    sol = mdpsim.policy_iteration(TabularMDP(P, R, gamma=0.95))
    assert sol.n_iter == 1 and sol.policy.tolist() == [0] * 5


def test_stage_dependent_finite_horizon_by_hand():
    """Stage 0 rewards action 1, stage 1 rewards action 0."""
    P = np.ones((2, 1, 2, 1))
    R = np.array([[[0.0, 1.0]], [[5.0, 0.0]]])
    sol = mdpsim.solve(TabularMDP(P, R, horizon=2))
    assert sol.policy[:, 0].tolist() == [1, 0] and sol.value == 6.0


def test_sample_trajectory_arguments():
    mdp = random_mdp(0, S=4, A=2, gamma=0.9)
    s, a, r = mdpsim.sample_trajectory(mdp, np.zeros(4, dtype=int), rng=0, steps=7)
    assert s.shape == (8,) and a.shape == (7,) and r.shape == (7,)
    with pytest.raises(ValueError, match="steps is required"):
        mdpsim.sample_trajectory(mdp, np.zeros(4, dtype=int), rng=0)
    with pytest.raises(ValueError, match="exactly one of rng or uniforms"):
        mdpsim.sample_trajectory(mdp, np.zeros(4, dtype=int), steps=3)
    with pytest.raises(ValueError, match=r"uniforms must have shape \[2\*steps \+ 1\] = \[7\]"):
        mdpsim.sample_trajectory(mdp, np.zeros(4, dtype=int), uniforms=np.zeros(3), steps=3)
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        mdpsim.sample_trajectory(mdp, np.zeros(4, dtype=int), rng="seed", steps=3)
