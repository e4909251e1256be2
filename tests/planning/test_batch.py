"""Batched planning (mdpsim.batch): equal to B single calls — bit for bit on Numba, to 1e-12
on the NumPy reference (1e-10 on CuPy, skipped without a GPU) — and clear errors."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim import batch
from mdpsim.kernels import available_backends
from mdpsim.robust import drpg_garnet, robust_bellman
from mdpsim.robust.view import robust_trans

TOL = {"numba": 0.0, "reference": 1e-12, "cupy": 1e-10}


def _backends():
    return [b for b in ("numba", "reference", "cupy")
            if b != "cupy" or "cupy" in available_backends()]


def _garnets(B, storage="successors", **kw):
    kw = {"S": 15, "A": 3, "b": 3, "horizon": 8, **kw}
    return [mdpsim.make("garnet", rng=i, storage=storage, **kw) for i in range(B)]


# the parallel (prange) loops compile slowly (parfor): run in the slow suite
PARALLEL = [False, pytest.param(True, marks=pytest.mark.slow)]


@pytest.mark.parametrize("backend", _backends())
@pytest.mark.parametrize("storage", ["successors", "dense"])
@pytest.mark.parametrize("parallel", PARALLEL)
def test_backward_induction_batch_equals_single_calls(backend, storage, parallel):
    ms = _garnets(6, storage, stage_dependent=True)
    sol = batch.backward_induction_batch(ms, backend=backend, parallel=parallel)
    for b, m in enumerate(ms):
        one = mdpsim.backward_induction(m)
        assert np.max(np.abs(one.V - sol.V[b])) <= TOL[backend]
        assert np.max(np.abs(one.Q - sol.Q[b])) <= TOL[backend]
        assert np.array_equal(one.policy, sol.policy[b])
        assert abs(one.value - sol.value[b]) <= TOL[backend]


def test_rows_of_different_width_are_padded_exactly():
    ms = [mdpsim.make("garnet", S=10, A=2, b=b, horizon=5, rng=b) for b in (1, 3, 6)]
    M = batch.stack(ms)
    assert M.idx.shape[-1] == 6 and not M.dense
    sol = batch.backward_induction_batch(ms)
    for b, m in enumerate(ms):
        assert np.array_equal(mdpsim.backward_induction(m).V, sol.V[b])


@pytest.mark.parametrize("backend", _backends())
def test_evaluate_batch_one_model_many_policies(backend):
    m = mdpsim.make("riverswim", S=6, horizon=20)
    pis = np.random.default_rng(0).dirichlet(np.ones(2), size=(7, 20, 6))
    V = batch.evaluate_batch(m, pis, backend=backend)
    assert V.shape == (7, 20, 6)
    for b in range(7):
        assert np.max(np.abs(mdpsim.evaluate(m, pis[b]) - V[b])) <= TOL[backend]


@pytest.mark.parametrize("backend", _backends())
def test_evaluate_batch_many_models_one_policy_and_deterministic(backend):
    ms = _garnets(5)
    det = np.zeros((8, 15, 3))
    det[..., 1] = 1.0                                       # always action 1
    V = batch.evaluate_batch(ms, det, backend=backend)
    for b, m in enumerate(ms):
        ref = mdpsim.evaluate(m, np.ones((8, 15), dtype=np.int64))
        assert np.max(np.abs(ref - V[b])) <= TOL[backend]


@pytest.mark.parametrize("backend", _backends())
def test_evaluate_batch_discounted_is_the_linear_solve(backend):
    ms = [mdpsim.make("garnet", S=12, A=3, b=4, gamma=0.9, rng=i) for i in range(4)]
    pis = np.random.default_rng(1).dirichlet(np.ones(3), size=(4, 12))
    V = batch.evaluate_batch(ms, pis, backend=backend)
    for b, m in enumerate(ms):
        P = np.zeros((12, 3, 12))                   # the dense kernel, rebuilt independently
        L = m.successors
        rows = np.repeat(np.arange(36), np.diff(L.indptr))
        P.reshape(36, 12)[rows, L.indices] = L.probs
        Ppi = np.einsum("sa,say->sy", pis[b], P)
        ref = np.linalg.solve(np.eye(12) - 0.9 * Ppi, (pis[b] * m.R).sum(-1))
        assert np.max(np.abs(ref - V[b])) <= 1e-10


@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("parallel", PARALLEL)
def test_robust_backup_batch_equals_robust_bellman(rect, parallel):
    rms = [drpg_garnet(8, 3, 3, rect=rect, rng=i).rmdp for i in range(5)]
    V = np.random.default_rng(2).random((5, 8)) * 10
    TV, pig, pw = batch.robust_backup_batch(rms, V, parallel=parallel)
    pi = np.random.default_rng(3).dirichlet(np.ones(3), size=(5, 8))
    TVp, _, _ = batch.robust_backup_batch(rms, V, policy=pi, parallel=parallel)
    from mdpsim.kernels import robust_numba
    for b, rm in enumerate(rms):
        t1, p1, _ = robust_bellman(rm, V[b])
        assert np.array_equal(t1, TV[b]) and np.array_equal(p1, pig[b])
        _, _, pw1 = robust_numba.robust_backup(robust_trans(rm), V[b], rm.gamma)
        assert np.array_equal(pw1, pw[b])
        t2, _, _ = robust_bellman(rm, V[b], policy=pi[b])
        assert np.array_equal(t2, TVp[b])


def test_errors_name_the_field():
    ms = _garnets(2) + [mdpsim.make("garnet", S=16, A=3, b=3, horizon=8, rng=9)]
    with pytest.raises(ValueError, match=r"models\[2\]\.S = 16"):
        batch.stack(ms)
    with pytest.raises(ValueError, match=r"models\[1\] must be a TabularMDP"):
        batch.stack([ms[0], "x"])
    with pytest.raises(ValueError, match="non-empty"):
        batch.stack([])
    with pytest.raises(ValueError, match="finite-horizon"):
        batch.backward_induction_batch([mdpsim.make("garnet", S=5, A=2, b=2, gamma=0.9)])
    bad = np.full((8, 15, 3), 0.5)
    with pytest.raises(ValueError, match="probability rows"):
        batch.evaluate_batch(_garnets(2), bad)
    with pytest.raises(ValueError, match="backend must be one of"):
        batch.backward_induction_batch(_garnets(2), backend="gpu")
    rms = [drpg_garnet(8, 3, 3, rng=0).rmdp, drpg_garnet(8, 3, 4, rng=1).rmdp]
    with pytest.raises(ValueError, match="one pattern"):
        batch.stack_robust(rms)
