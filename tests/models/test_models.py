"""TabularMDP construction, storage conversion, immutability and every validation error."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim import TabularMDP, SuccessorLists

from conftest import random_tables


def _pr(S=3, A=2, seed=0):
    return random_tables(np.random.default_rng(seed), S, A)


def test_basic_fields_and_defaults():
    P, R = _pr()
    m = TabularMDP(P, R, horizon=4)
    assert (m.S, m.A, m.horizon, m.gamma) == (3, 2, 4, None)
    assert m.finite_horizon and m.stationary and m.storage == "dense"
    assert m.init.tolist() == [1.0, 0.0, 0.0]
    d = TabularMDP(P, R, gamma=0.9)
    assert not d.finite_horizon and d.gamma == 0.9


def test_inputs_copied_and_model_frozen():
    P, R = _pr()
    P0, R0 = P.copy(), R.copy()
    m = TabularMDP(P, R, gamma=0.5)
    P[0, 0, 0] = 123.0
    R[:] = -1
    assert np.array_equal(m.P, P0) and np.array_equal(m.R, R0)
    with pytest.raises(ValueError):
        m.P[0, 0, 0] = 1.0  # read-only array
    with pytest.raises(AttributeError, match="frozen"):
        m.gamma = 0.1
    # solving never writes into the model
    mdpsim.solve(m)
    assert np.array_equal(m.P, P0) and np.array_equal(m.R, R0)


def test_dense_successor_roundtrip_exact():
    rng = np.random.default_rng(1)
    P, R = random_tables(rng, 5, 3, n_stages=4, sparsity=0.6)
    m = TabularMDP(P, R, horizon=4)
    s = m.to_successors()
    assert s.storage == "successors" and s.successors.n_stages == 4
    assert s.successors.nnz == int((P > 0).sum())
    assert np.array_equal(s.to_dense().P, P)
    idx, pr = s.successors.row(2, 1, 0)
    assert np.array_equal(idx, np.flatnonzero(P[2, 1, 0] > 0))
    assert np.array_equal(pr, P[2, 1, 0][P[2, 1, 0] > 0])


def test_replace_and_repr():
    P, R = _pr()
    m = TabularMDP(P, R, horizon=3, name="toy")
    d = m.replace(gamma=0.9)
    assert d.gamma == 0.9 and d.horizon is None
    assert "toy" in repr(m) and "horizon=3" in repr(m)
    with pytest.raises(ValueError, match="unknown field"):
        m.replace(foo=1)


# ------------------------------------------------------------------ validation errors
@pytest.mark.parametrize("kwargs, match", [
    (dict(), r"give horizon .* or both"),
    (dict(horizon=3, gamma=1.5), r"gamma must be in \[0, 1\] with a finite horizon"),  # issue 21
    (dict(horizon=0), r"horizon must be a positive integer, got 0"),
    (dict(horizon=2.5), r"horizon must be a positive integer, got 2.5"),
    (dict(gamma=1.0), r"gamma must be in \[0, 1\), got 1.0"),
    (dict(gamma=-0.1), r"gamma must be in \[0, 1\), got -0.1"),
    (dict(gamma="0.9"), r"gamma must be a number"),
])
def test_criterion_errors(kwargs, match):
    P, R = _pr()
    with pytest.raises(ValueError, match=match):
        TabularMDP(P, R, **kwargs)


def test_negative_probability_names_index():
    P, R = _pr()
    P[1, 0, 2] = -0.2
    with pytest.raises(ValueError, match=r"P\[1, 0, 2\] = -0.2; .*non-negative"):
        TabularMDP(P, R, gamma=0.9)


def test_nan_probability_names_index():
    P, R = _pr()
    P[0, 1, 1] = np.nan
    with pytest.raises(ValueError, match=r"P\[0, 1, 1\] = nan"):
        TabularMDP(P, R, gamma=0.9)


def test_row_sum_names_row_value_and_tolerance():
    P, R = _pr()
    P[2, 1] *= 0.97
    with pytest.raises(ValueError, match=r"P\[2, 1, :\] sums to 0\.9699.*\(tolerance 1e-09"):
        TabularMDP(P, R, gamma=0.9)


def test_row_sum_tolerance_scales_to_large_S():
    """Rows of S = 5000 random entries sum to 1 only up to rounding: they must be accepted
    (pymdptoolbox rejects such rows), while an error of 1e-6 is rejected."""
    rng = np.random.default_rng(0)
    S = 5000
    P = rng.random((S, 1, S))
    P /= P.sum(-1, keepdims=True)
    m = TabularMDP(P, np.zeros((S, 1)), gamma=0.5)
    assert np.max(np.abs(m.P.sum(-1) - 1)) < 1e-12
    P[7, 0] *= 1 + 1e-6
    with pytest.raises(ValueError, match=r"P\[7, 0, :\] sums to"):
        TabularMDP(P, np.zeros((S, 1)), gamma=0.5)


@pytest.mark.parametrize("bad, match", [
    (np.zeros((3, 2)), r"P must have shape \[S, A, S\] .*got shape \(3, 2\)"),
    (np.full((3, 2, 4), 0.25), r"P.shape\[2\] = 4 != P.shape\[0\] = 3"),
    ("abc", r"P must be a numeric array"),
])
def test_shape_errors(bad, match):
    _, R = _pr()
    with pytest.raises(ValueError, match=match):
        TabularMDP(bad, R, gamma=0.9)


def test_reward_errors():
    P, R = _pr()
    with pytest.raises(ValueError, match=r"R must have shape \[S, A\] = \[3, 2\] to match P, "
                                         r"got \(2, 3\)"):
        TabularMDP(P, R.T, gamma=0.9)
    R2 = R.copy()
    R2[2, 0] = np.inf
    with pytest.raises(ValueError, match=r"R\[2, 0\] = inf is not finite"):
        TabularMDP(P, R2, gamma=0.9)
    with pytest.raises(ValueError, match=r"stage-dependent R .* needs horizon"):
        TabularMDP(P, np.stack([R, R]), gamma=0.9)
    with pytest.raises(ValueError, match=r"R must have shape \[H, S, A\] = \[3, 3, 2\]"):
        TabularMDP(P, np.stack([R, R]), horizon=3)


def test_stage_dependent_errors():
    P, R = _pr()
    P4 = np.stack([P, P])
    with pytest.raises(ValueError, match="stage-dependent P has 2 stages but horizon = 3"):
        TabularMDP(P4, R, horizon=3)
    with pytest.raises(ValueError, match="stage-dependent P .* needs horizon"):
        TabularMDP(P4, R, gamma=0.9)
    P4[1, 2, 0] = 0.5
    with pytest.raises(ValueError, match=r"P\[1, 2, 0, :\] sums to"):
        TabularMDP(P4, R, horizon=2)


@pytest.mark.parametrize("init, match", [
    ([0.5, 0.5], r"init must have shape \[S\] = \[3\], got \(2,\)"),
    ([0.5, 0.6, -0.1], r"init\[2\] = -0.1"),
    ([0.5, 0.4, 0.0], r"init sums to 0.9.*summing to 1 \(tolerance 1e-09\)"),
    ([np.nan, 1, 0], r"init\[0\] = nan"),
])
def test_init_errors(init, match):
    P, R = _pr()
    with pytest.raises(ValueError, match=match):
        TabularMDP(P, R, gamma=0.9, init=init)


def test_successor_list_errors():
    S, A = 2, 1
    with pytest.raises(ValueError, match=r"indptr must have shape \(3,\)"):
        SuccessorLists([0, 1], [0], [1.0], S, A)
    with pytest.raises(ValueError, match=r"indptr must be non-decreasing"):
        SuccessorLists([0, 2, 1], [0, 1], [0.5, 0.5], S, A)
    R = np.zeros((S, A))
    with pytest.raises(ValueError, match=r"successor row \[1, 0\]: next-state index 5 is out "
                                         r"of range \[0, 2\)"):
        TabularMDP(SuccessorLists([0, 1, 2], [0, 5], [1.0, 1.0], S, A), R, gamma=0.5)
    with pytest.raises(ValueError, match=r"P\[0, 0, 1\] = -0.5"):
        TabularMDP(SuccessorLists([0, 2, 3], [0, 1, 0], [1.5, -0.5, 1.0], S, A), R, gamma=0.5)
    with pytest.raises(ValueError, match=r"strictly increasing"):
        TabularMDP(SuccessorLists([0, 2, 3], [1, 0, 0], [0.5, 0.5, 1.0], S, A), R, gamma=0.5)
    with pytest.raises(ValueError, match=r"P\[1, 0, :\] sums to 0.9"):
        TabularMDP(SuccessorLists([0, 1, 2], [0, 1], [1.0, 0.9], S, A), R, gamma=0.5)
    with pytest.raises(ValueError, match=r"P\[1, 0, :\] sums to 0.0"):  # empty row
        TabularMDP(SuccessorLists([0, 1, 1], [0], [1.0], S, A), R, gamma=0.5)


def test_policy_validation_errors():
    P, R = _pr()
    m = TabularMDP(P, R, horizon=2)
    with pytest.raises(ValueError, match=r"policy\[1\] = 5 is not an action in \[0, 2\)"):
        mdpsim.evaluate(m, np.array([0, 5, 1]))
    with pytest.raises(ValueError, match=r"deterministic policy must have shape"):
        mdpsim.evaluate(m, np.array([0, 1]))
    pi = np.full((3, 2), 0.5)
    pi[2] = [0.7, 0.7]
    with pytest.raises(ValueError, match=r"policy\[2, :\] sums to 1.4"):
        mdpsim.evaluate(m, pi)
    pi[2] = [1.5, -0.5]
    with pytest.raises(ValueError, match=r"policy\[2, 1\] = -0.5"):
        mdpsim.evaluate(m, pi)
    with pytest.raises(ValueError, match=r"stochastic policy must have shape"):
        mdpsim.evaluate(m, np.full((2, 3), 0.5))


def test_planner_argument_errors():
    P, R = _pr()
    d = TabularMDP(P, R, gamma=0.9)
    f = TabularMDP(P, R, horizon=3)
    with pytest.raises(ValueError, match="tol must be a positive number, got -1"):
        mdpsim.value_iteration(d, tol=-1)
    with pytest.raises(ValueError, match="max_iter must be a positive integer, got 0"):
        mdpsim.value_iteration(d, max_iter=0)
    with pytest.raises(ValueError, match="rule must be one of"):
        mdpsim.value_iteration(d, rule="fast")
    with pytest.raises(ValueError, match="needs a discounted MDP"):
        mdpsim.value_iteration(f)
    with pytest.raises(ValueError, match="needs a finite-horizon MDP"):
        mdpsim.backward_induction(d)
    with pytest.raises(ValueError, match="method must be one of"):
        mdpsim.solve(d, method="magic")
    with pytest.raises(ValueError, match="backend must be one of"):
        mdpsim.solve(d, backend="fortran")
    with pytest.raises(ValueError, match="mdp must be a TabularMDP"):
        mdpsim.solve("riverswim")
    with pytest.raises(ValueError, match=r"V must have shape \[S\] = \[3\]"):
        mdpsim.bellman_operator(d, np.zeros(4))


def test_copy_false_takes_the_array_checked_in_place():
    P = np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.0, 1.0], [1.0, 0.0]]])
    m = mdpsim.TabularMDP(P, np.zeros((2, 2)), gamma=0.9, copy=False)
    assert np.shares_memory(m.P, P) and not P.flags.writeable
    m2 = mdpsim.TabularMDP(P, np.zeros((2, 2)), gamma=0.9)         # default: a copy
    assert not np.shares_memory(m2.P, P)
    bad = P.copy()
    bad[1, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"P\[1, 0, 0\] = nan"):
        mdpsim.TabularMDP(bad, np.zeros((2, 2)), gamma=0.9, copy=False)
    bad = P.copy()
    bad[1, 1] = [0.5, 0.4]
    bad[0, 1, 0] = -0.1          # an entry error anywhere wins over an earlier row-sum error
    with pytest.raises(ValueError, match=r"P\[0, 1, 0\] = -0.1"):
        mdpsim.TabularMDP(bad, np.zeros((2, 2)), gamma=0.9)
