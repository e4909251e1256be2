"""Every kernel against the NumPy reference (1e-10), on every backend present and both
storages; trajectories identical across backends and storages for the same uniforms."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.planning import transitions, as_stochastic_policy
from mdpsim.kernels import get_backend

from conftest import random_mdp

TOL = 1e-10
SEEDS = range(4)


def _random_pi(mdp, seed, stage=True):
    rng = np.random.default_rng(100 + seed)
    n = mdp.horizon if (stage and mdp.finite_horizon) else 1
    pi = rng.random((n, mdp.S, mdp.A)) ** 3
    pi /= pi.sum(-1, keepdims=True)
    return pi if n > 1 else pi[0]


def _max_err(a, b):
    return float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float))))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stage", [False, True])
def test_backward_induction_matches_reference(backend, storage, seed, stage):
    mdp = random_mdp(seed, S=7, A=3, horizon=6, stage=stage, storage=storage)
    ref = mdpsim.backward_induction(mdp.to_dense(), backend="reference")
    got = mdpsim.backward_induction(mdp, backend=backend)
    assert _max_err(got.V, ref.V) < TOL
    assert _max_err(got.Q, ref.Q) < TOL
    assert np.array_equal(got.policy, ref.policy)
    assert got.V.shape == (6, 7) and got.Q.shape == (6, 7, 3) and got.policy.shape == (6, 7)
    assert got.policy.dtype == np.int64 and got.V.dtype == np.float64


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stage", [False, True])
def test_finite_evaluation_matches_reference(backend, storage, seed, stage):
    mdp = random_mdp(seed, S=6, A=4, horizon=5, stage=stage, storage=storage)
    for policy in (_random_pi(mdp, seed), _random_pi(mdp, seed, stage=False),
                   np.random.default_rng(seed).integers(0, 4, size=(5, 6)),
                   np.random.default_rng(seed).integers(0, 4, size=6)):
        Qr, Vr = mdpsim.q_values(mdp.to_dense(), policy, backend="reference")
        Q, V = mdpsim.q_values(mdp, policy, backend=backend)
        assert _max_err(V, Vr) < TOL and _max_err(Q, Qr) < TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_discounted_kernels_match_reference(backend, storage, seed):
    mdp = random_mdp(seed, S=8, A=3, gamma=0.9, storage=storage)
    dense = mdp.to_dense()
    for rule in ("span", "sup"):
        ref = mdpsim.value_iteration(dense, tol=1e-11, rule=rule, backend="reference")
        got = mdpsim.value_iteration(mdp, tol=1e-11, rule=rule, backend=backend)
        assert _max_err(got.V, ref.V) < TOL
        assert np.array_equal(got.policy, ref.policy)
        assert abs(got.n_iter - ref.n_iter) <= 1
    pi = _random_pi(mdp, seed)
    Qr, Vr = mdpsim.q_values(dense, pi, backend="reference")
    Q, V = mdpsim.q_values(mdp, pi, backend=backend)
    assert _max_err(V, Vr) < TOL and _max_err(Q, Qr) < TOL
    assert _max_err(mdpsim.occupancy(mdp, pi, backend=backend),
                    mdpsim.occupancy(dense, pi, backend="reference")) < TOL
    Vb = np.random.default_rng(seed).random(8)
    assert _max_err(mdpsim.bellman_operator(mdp, Vb, backend=backend),
                    mdpsim.bellman_operator(dense, Vb, backend="reference")) < TOL


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stage", [False, True])
def test_finite_occupancy_matches_reference(backend, storage, seed, stage):
    mdp = random_mdp(seed, S=6, A=3, horizon=7, stage=stage, storage=storage)
    pi = _random_pi(mdp, seed)
    d = mdpsim.occupancy(mdp, pi, backend=backend)
    assert _max_err(d, mdpsim.occupancy(mdp.to_dense(), pi, backend="reference")) < TOL
    assert d.shape == (7, 6, 3)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("stage", [False, True])
def test_trajectories_identical_across_backends_and_storages(seed, stage):
    base = random_mdp(seed, S=6, A=3, horizon=12, stage=stage, sparsity=0.6)
    pi = _random_pi(base, seed)
    u = np.random.default_rng(seed).random(2 * 12 + 1)
    outs = []
    for mdp in (base, base.to_successors()):
        for b in ("reference", "numba"):
            outs.append(mdpsim.sample_trajectory(mdp, pi, uniforms=u, backend=b))
    for o in outs[1:]:
        for x, y in zip(o, outs[0]):
            assert np.array_equal(x, y)
    states, actions, rewards = outs[0]
    R3 = base.stage_R()
    for t in range(12):  # reward is the table entry of the visited pair
        assert rewards[t] == R3[t if R3.shape[0] > 1 else 0, states[t], actions[t]]


def test_inverse_cdf_edges():
    """u just below a cumulative boundary, zero-probability entries, and rounding above the
    total all pick the same index in both implementations."""
    from mdpsim.kernels.numba_backend import inv_cdf
    from mdpsim.kernels.reference import _inverse_cdf
    p = np.array([0.0, 0.3, 0.0, 0.7 - 1e-16, 0.0])
    for u in (0.0, 0.29999999999999999, 0.3, 0.3 + 1e-17, 0.5, 0.9999999999999999):
        assert inv_cdf(p, u) == _inverse_cdf(p, u)
        assert p[_inverse_cdf(p, u)] > 0


def test_trajectory_statistics_match_occupancy():
    """Monte Carlo frequency of (h, s, a) from sampled trajectories agrees with the exact
    occupancy (a check that sampling draws from the right distributions: 4-sigma bound)."""
    mdp = random_mdp(3, S=4, A=2, horizon=4)
    pi = _random_pi(mdp, 3)
    rng = np.random.default_rng(0)
    n = 20000
    counts = np.zeros((4, 4, 2))
    for _ in range(n):
        s, a, _r = mdpsim.sample_trajectory(mdp, pi, rng=rng)
        counts[np.arange(4), s[:-1], a] += 1
    d = mdpsim.occupancy(mdp, pi)
    sigma = np.sqrt(d * (1 - d) / n)
    assert np.all(np.abs(counts / n - d) <= 4 * sigma + 1e-12)


def test_greedy_ties_lowest_index_and_tolerant():
    kb_ref, kb_nb = get_backend("reference"), get_backend("numba")
    Q = np.array([[1.0, 1.0, 0.5], [0.2, 0.7, 0.7 + 1e-15], [3.0, 2.0, 3.0 - 1e-14]])
    for kb in (kb_ref, kb_nb):
        assert kb.greedy(Q).tolist() == [0, 1, 0]


def test_stochastic_policy_normalisation_shapes():
    mdp = random_mdp(0, S=3, A=2, horizon=4)
    assert as_stochastic_policy(mdp, np.array([0, 1, 1])).shape == (1, 3, 2)
    assert as_stochastic_policy(mdp, np.zeros((4, 3), dtype=int)).shape == (4, 3, 2)
    assert as_stochastic_policy(mdp, np.full((4, 3, 2), 0.5)).shape == (4, 3, 2)


def test_numba_kernels_are_compiled():
    """Missing JIT must be loud: the default backend's core loops are Numba dispatchers."""
    import os
    from numba.core.registry import CPUDispatcher
    from mdpsim.kernels import numba_backend as nb
    if os.environ.get("NUMBA_DISABLE_JIT") == "1":
        pytest.skip("coverage run with NUMBA_DISABLE_JIT=1")
    for fn in (nb._backward_induction, nb._value_iteration, nb._sample, nb._pv):
        assert isinstance(fn, CPUDispatcher)
