"""Robust kernels: every set and rectangularity against LP / cvxpy oracles (1e-8), numba
against the NumPy reference (1e-10), robust VI certificates and properties, projections."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mdpsim
from mdpsim.kernels import robust_reference as R, robust_numba as N, robust_cupy as RC
from mdpsim.kernels.robust_common import L1, TV, LINF, L2, CHI2, KL, KIND_NAMES
from mdpsim.robust import (RobustMDP, robust_value_iteration, robust_evaluate, robust_bellman,
                           robust_solve)
from mdpsim.robust.view import robust_trans

from conftest import random_mdp

oracle = pytest.importorskip("_lp_oracles")
pytest.importorskip("cvxpy")

ORACLE_TOL = 1e-8
BACKEND_TOL = 1e-10
ALL_KINDS = (L1, TV, LINF, L2, CHI2, KL)
S_KINDS = (L1, TV, L2, CHI2, KL)            # s-rect linf is stored as sa-rect
RADIUS = {L1: 0.4, TV: 0.2, LINF: 0.15, L2: 0.2, CHI2: 0.3, KL: 0.2}


@pytest.fixture(autouse=True)
def _quiet_solver():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate")
        yield


def _row(rng, m, zero_entries=False):
    q = rng.random(m) + 0.05
    if zero_entries and m > 2:
        q[rng.integers(m)] = 0.0
    q /= q.sum()
    z = rng.normal(size=m) * 3.0
    return z, q


def _state(rng, A, mmax=5):
    Z, Q = [], []
    for _ in range(A):
        z, q = _row(rng, int(rng.integers(1, mmax + 1)))
        Z.append(z + rng.normal())
        Q.append(q)
    return Z, Q


# ------------------------------------------------------------------ (s,a)-rectangular rows
@pytest.mark.parametrize("kind", ALL_KINDS, ids=KIND_NAMES)
def test_row_worst_case_matches_oracle_and_backends(kind):
    rng = np.random.default_rng(10 + kind)
    for trial in range(6):
        z, q = _row(rng, int(rng.integers(1, 7)), zero_entries=(kind == TV))
        b = RADIUS[kind] * (0.2 + 2.0 * rng.random()) * (RADIUS[kind] if kind == L2 else 1.0)
        vr, pr = R.row_worst(kind, z, q, b)
        vn, pn = N.row_worst(kind, z, q, b)
        vo, _ = oracle.row_worst(kind, z, q, b)
        assert abs(vr - vo) <= ORACLE_TOL * (1 + abs(vo)), (trial, vr, vo)
        assert abs(vn - vr) <= BACKEND_TOL and np.max(np.abs(pn - pr)) <= BACKEND_TOL
        # the returned kernel is feasible and attains the value
        assert abs(pr.sum() - 1.0) <= 1e-12 and pr.min() >= -1e-15
        assert abs(pr @ z - vr) <= 1e-10
        if kind != TV:
            assert np.all(pr[q == 0] == 0.0)
        if kind == KL:
            assert abs(vr - oracle.kl_dual(z, q, b)) <= ORACLE_TOL * (1 + abs(vr))


@pytest.mark.parametrize("kind", (L1, TV, LINF), ids=("l1", "tv", "linf"))
def test_sort_based_worst_case_equals_lp(kind):
    """The sort rule is exactly the LP optimum (HiGHS), including saturated radii."""
    rng = np.random.default_rng(3)
    for b in (0.0, 0.05, 0.3, 1.0, 2.5):
        z, q = _row(rng, 6, zero_entries=(kind == TV))
        assert abs(R.row_worst(kind, z, q, b)[0] - oracle.row_lp(kind, z, q, b)[0]) <= 1e-9


def test_zero_radius_is_nominal_and_saturated_radius_is_min():
    rng = np.random.default_rng(4)
    z, q = _row(rng, 5)
    for kind in ALL_KINDS:
        assert abs(N.row_worst(kind, z, q, 0.0)[0] - q @ z) <= 1e-14
    assert abs(N.row_worst(L1, z, q, 2.0)[0] - z.min()) <= 1e-14
    assert abs(N.row_worst(KL, z, q, 50.0)[0] - z.min()) <= 1e-14


# ------------------------------------------------------------------ s-rectangular states
@pytest.mark.parametrize("kind", S_KINDS, ids=[KIND_NAMES[k] for k in S_KINDS])
def test_state_worst_case_matches_oracle_and_backends(kind):
    rng = np.random.default_rng(20 + kind)
    for trial in range(3):
        A = int(rng.integers(1, 4))
        Z, Q = _state(rng, A)
        B = RADIUS[kind] * A * (0.3 + rng.random()) * (RADIUS[kind] if kind == L2 else 1.0)
        pi = rng.dirichlet(np.ones(A))
        if A > 1 and trial == 1:
            pi[0] = 0.0
            pi /= pi.sum()
        vr, Pr = R.state_worst_fixed(kind, Z, Q, pi, B)
        vn, Pn = N.state_worst_fixed(kind, Z, Q, pi, B)
        vo, _ = oracle.state_worst_fixed(kind, Z, Q, pi, B)
        assert abs(vr - vo) <= ORACLE_TOL * (1 + abs(vo))
        assert abs(vn - vr) <= BACKEND_TOL
        assert max(np.max(np.abs(a - b)) for a, b in zip(Pn, Pr)) <= BACKEND_TOL
        ur, pir, _ = R.state_worst_opt(kind, Z, Q, B)
        un, pin, _ = N.state_worst_opt(kind, Z, Q, B)
        uo, _ = oracle.state_worst_opt(kind, Z, Q, B)
        assert abs(ur - uo) <= ORACLE_TOL * (1 + abs(uo))
        assert abs(un - ur) <= BACKEND_TOL and np.max(np.abs(pin - pir)) <= BACKEND_TOL
        # the saddle-point policy attains the max-min value
        assert abs(pir.sum() - 1.0) <= 1e-12 and pir.min() >= 0.0
        assert abs(R.state_worst_fixed(kind, Z, Q, pir, B)[0] - ur) <= 1e-9 * (1 + abs(ur))


# ------------------------------------------------------------------ full sweeps
def _robust(kind, rect, seed=0, S=4, A=2, gamma=0.9, R_next=False):
    mdp = random_mdp(seed, S=S, A=A, gamma=gamma, sparsity=0.3)
    rad = RADIUS[kind] * (1.0 if rect == "sa" else A)
    if not R_next:
        return RobustMDP(mdp, KIND_NAMES[kind], rad, rect=rect)
    rng = np.random.default_rng(seed + 100)
    Rn = rng.random((S, A, S))
    return RobustMDP.from_transition_rewards(mdp.P, Rn, KIND_NAMES[kind], rad, gamma=gamma,
                                             init=mdp.init, rect=rect)


@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("kind", ALL_KINDS, ids=KIND_NAMES)
def test_robust_backup_matches_oracle(kind, rect):
    smooth_s = rect == "s" and kind in (L2, CHI2, KL)   # the Python reference is slow there
    rm = _robust(kind, rect, seed=kind, S=3 if smooth_s else 4, R_next=(kind % 2 == 0))
    RT = robust_trans(rm)
    V = np.random.default_rng(kind).normal(size=rm.S) * 5
    TVn, pin, _ = N.robust_backup(RT, V, rm.gamma)
    TVo = oracle.robust_backup(RT, V, rm.gamma)
    assert np.max(np.abs(TVn - TVo)) <= ORACLE_TOL * (1 + np.abs(TVo).max())
    pi = np.random.default_rng(kind + 1).dirichlet(np.ones(rm.A), size=rm.S)
    TPn, _, _ = N.robust_backup(RT, V, rm.gamma, 0, pi)
    TPo = oracle.robust_backup(RT, V, rm.gamma, pi)
    assert np.max(np.abs(TPn - TPo)) <= ORACLE_TOL * (1 + np.abs(TPo).max())
    TVr, pir, pwr = R.robust_backup(RT, V, rm.gamma)
    assert np.max(np.abs(TVn - TVr)) <= BACKEND_TOL and np.max(np.abs(pin - pir)) <= BACKEND_TOL


@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("kind", ALL_KINDS, ids=KIND_NAMES)
def test_robust_vi_certificate_and_policy(kind, rect):
    """Span rule: |V - V*| < tol/2 and the returned (possibly stochastic) policy is
    tol-optimal; V is a fixed point of the oracle backup; robust <= nominal."""
    rm = _robust(kind, rect, seed=3 + kind)
    sol = robust_value_iteration(rm, tol=1e-6)
    ref = robust_value_iteration(rm, tol=1e-11)
    assert sol.converged and ref.converged
    assert np.max(np.abs(sol.V - ref.V)) < 0.5e-6
    ev = robust_evaluate(rm, sol.pi, tol=1e-12)
    assert np.max(ref.V - ev.V) < 1e-6
    assert np.max(np.abs(oracle.robust_backup(robust_trans(rm), ref.V, rm.gamma) - ref.V)) \
        <= ORACLE_TOL * (1 + np.abs(ref.V).max())
    nominal = mdpsim.evaluate(rm.nominal, ref.pi)
    assert np.all(ev.V <= nominal + 1e-9)
    assert rm.contains(ev.P_worst, atol=1e-8)


@pytest.mark.parametrize("kind,rect", [(L1, "sa"), (TV, "sa"), (LINF, "sa"), (KL, "sa"),
                                       (L1, "s"), (TV, "s"),
                                       pytest.param(KL, "s", marks=pytest.mark.slow),
                                       pytest.param(CHI2, "s", marks=pytest.mark.slow)])
def test_robust_vi_numba_matches_reference(kind, rect):
    rm = _robust(kind, rect, seed=7, S=3, A=2)
    RT = robust_trans(rm)
    a = N.robust_value_iteration(RT, rm.gamma, 1e-9, 10_000, np.zeros(rm.S), "span")
    b = R.robust_value_iteration(RT, rm.gamma, 1e-9, 10_000, np.zeros(rm.S), "span")
    assert a.n_iter == b.n_iter
    assert np.max(np.abs(a.V - b.V)) <= BACKEND_TOL and np.max(np.abs(a.pi - b.pi)) <= 1e-10
    pi = np.random.default_rng(1).dirichlet(np.ones(rm.A), size=rm.S)
    ea = N.robust_evaluate(RT, rm.gamma, pi, 1e-11, 100)
    eb = R.robust_evaluate(RT, rm.gamma, pi, 1e-11, 100)
    assert np.max(np.abs(ea.V - eb.V)) <= BACKEND_TOL


def test_robust_evaluation_matches_robust_vi_on_a_fixed_policy():
    """Nature's policy iteration and plain iteration of T_pi agree (sup rule, 1e-10)."""
    rm = _robust(L1, "sa", seed=11, S=5, A=3)
    RT = robust_trans(rm)
    pi = np.random.default_rng(2).dirichlet(np.ones(3), size=5)
    ev = robust_evaluate(rm, pi, tol=1e-12)
    v = np.zeros(5)
    for _ in range(2000):
        v, _, _ = N.robust_backup(RT, v, rm.gamma, 0, pi)
    assert np.max(np.abs(ev.V - v)) <= 1e-9


def test_zero_radius_reduces_to_nominal_planning():
    mdp = random_mdp(5, S=6, A=3, gamma=0.9)
    for kind in ("l1", "kl", "chi2"):
        for rect in ("sa", "s"):
            rm = RobustMDP(mdp, kind, 0.0, rect=rect)
            sol = robust_value_iteration(rm, tol=1e-10)
            assert np.max(np.abs(sol.V - mdpsim.solve(mdp, tol=1e-10).V)) <= 1e-9


def test_dense_and_successor_storage_agree():
    mdp = random_mdp(6, S=6, A=3, gamma=0.9, sparsity=0.5)
    for kind in ("l1", "tv", "kl"):
        a = robust_value_iteration(RobustMDP(mdp, kind, 0.3), tol=1e-11)
        b = robust_value_iteration(RobustMDP(mdp.to_successors(), kind, 0.3), tol=1e-11)
        assert np.max(np.abs(a.V - b.V)) <= 1e-10


def test_finite_horizon_robust_backward_induction():
    mdp = random_mdp(8, S=5, A=3, horizon=6, stage=True)
    rm = RobustMDP(mdp, "l1", 0.3)
    a = robust_solve(rm)
    b = robust_solve(rm, backend="reference")
    assert np.max(np.abs(a.V - b.V)) <= BACKEND_TOL
    ev = robust_evaluate(rm, a.pi)
    assert np.max(np.abs(ev.V - a.V)) <= 1e-10
    assert np.all(a.V <= mdpsim.solve(mdp).V + 1e-12)
    V1 = np.random.default_rng(0).random(5)
    TV, _, _ = robust_bellman(rm, V1, h=2)
    RT = robust_trans(rm)
    assert np.max(np.abs(TV - oracle.robust_backup(RT._replace(
        indptr=RT.indptr[2 * 15:3 * 15 + 1] - RT.indptr[2 * 15],
        idx=RT.idx[RT.indptr[30]:RT.indptr[45]], q=RT.q[RT.indptr[30]:RT.indptr[45]],
        rn=RT.rn[RT.indptr[30]:RT.indptr[45]], Rb=RT.Rb[2:3], n_p=1), V1, 1.0))) <= 1e-8


def test_linf_s_rect_is_sa_rect_with_the_same_radius():
    mdp = random_mdp(9, S=4, A=3, gamma=0.9)
    a = robust_value_iteration(RobustMDP(mdp, "linf", np.full(4, 0.1), rect="s"), tol=1e-11)
    b = robust_value_iteration(RobustMDP(mdp, "linf", np.full((4, 3), 0.1)), tol=1e-11)
    assert np.max(np.abs(a.V - b.V)) <= 1e-12


def test_unavailable_cupy_backend_is_a_clear_error():
    rm = _robust(L1, "sa")
    with pytest.raises(ValueError, match="no 'cupy' backend"):
        robust_value_iteration(rm, backend="cupy")
    with pytest.raises(ValueError, match="backend must be one of"):
        robust_value_iteration(rm, backend="nope")


# ------------------------------------------------------------------ batched array backup
@pytest.mark.parametrize("kind", (L1, TV, LINF), ids=("l1", "tv", "linf"))
def test_batched_array_backup_matches_numba(kind):
    rm = _robust(kind, "sa", seed=12, S=6, A=3, R_next=True)
    RT = robust_trans(rm)
    V = np.random.default_rng(3).normal(size=6)
    Zb, mask = RC.pad_rows(RT.indptr, RT.rn)
    Qp, _ = RC.pad_rows(RT.indptr, RT.q)
    idx, _ = RC.pad_rows(RT.indptr, RT.idx.astype(np.float64))
    Q = RC.robust_q(kind, Zb, Qp, mask, idx.astype(np.int64), RT.budget, V, rm.gamma)
    RTz = RT
    expect = np.array([N.row_worst(kind, RTz.rn[lo:hi] + rm.gamma * V[RTz.idx[lo:hi]],
                                   RTz.q[lo:hi], RT.budget[r])[0]
                       for r, (lo, hi) in enumerate(zip(RT.indptr[:-1], RT.indptr[1:]))])
    assert np.max(np.abs(Q - expect)) <= BACKEND_TOL


@pytest.mark.gpu
@pytest.mark.skipif(not RC.available(), reason="needs CuPy and a CUDA GPU")
def test_batched_backup_on_gpu_matches_cpu():  # pragma: no cover - no GPU in CI
    import cupy
    rm = _robust(L1, "sa", seed=13, S=20, A=4, R_next=True)
    RT = robust_trans(rm)
    V = np.random.default_rng(4).normal(size=20)
    Zb, mask = RC.pad_rows(RT.indptr, RT.rn)
    Qp, _ = RC.pad_rows(RT.indptr, RT.q)
    idx, _ = RC.pad_rows(RT.indptr, RT.idx.astype(np.float64))
    args = (Zb, Qp, mask, idx.astype(np.int64), RT.budget, V)
    cpu = RC.robust_q(L1, *args, rm.gamma)
    gpu = RC.robust_q(L1, *[cupy.asarray(x) for x in args], rm.gamma).get()
    assert np.max(np.abs(cpu - gpu)) <= BACKEND_TOL


# ------------------------------------------------------------------ projections
def test_l1_projections_match_cvxpy_and_backends():
    rng = np.random.default_rng(30)
    for _ in range(6):
        m = int(rng.integers(1, 7))
        _, q = _row(rng, m)
        y = q + rng.normal(size=m) * rng.choice([0.05, 0.5, 5.0])
        k = float(rng.uniform(0.05, 0.6))
        pr = R.proj_l1_row(y, q, k)
        assert np.max(np.abs(pr - oracle.proj_l1_row(y, q, k))) <= ORACLE_TOL
        assert np.max(np.abs(N.proj_l1_row(y, q, k) - pr)) <= BACKEND_TOL
        assert np.abs(pr - q).sum() <= k * (1 + 1e-12) and abs(pr.sum() - 1) <= 1e-12
        x = rng.normal(size=m)
        ps = R.proj_simplex(x)
        assert np.max(np.abs(ps - oracle.proj_l1_row(x, q, 10.0))) <= ORACLE_TOL
        assert np.max(np.abs(N.proj_simplex(x) - ps)) <= BACKEND_TOL
    for _ in range(4):
        A = int(rng.integers(1, 4))
        ms = rng.integers(1, 6, size=A)
        off = np.concatenate([[0], np.cumsum(ms)])
        Q = np.concatenate([_row(rng, int(m))[1] for m in ms])
        Y = Q + rng.normal(size=off[-1]) * 0.5
        k = float(rng.uniform(0.1, 0.5) * A)
        Pr = R.proj_l1_state(Y, Q, off, k)
        assert np.max(np.abs(Pr - oracle.proj_l1_state(Y, Q, off, k))) <= ORACLE_TOL
        assert np.max(np.abs(N.proj_l1_state(Y, Q, off, k) - Pr)) <= BACKEND_TOL


def test_projection_of_a_feasible_point_is_itself():
    rng = np.random.default_rng(31)
    _, q = _row(rng, 5)
    p = N.proj_l1_row(q + rng.normal(size=5), q, 0.3)
    assert np.max(np.abs(N.proj_l1_row(p, q, 0.3) - p)) <= 1e-14
    assert np.max(np.abs(R.proj_l1_row(p, q, 0.3) - p)) <= 1e-12
