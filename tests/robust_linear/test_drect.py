"""d-rectangular robust linear MDPs: validation, per-factor TV worst case against an LP, the
tabular special case against the (s,a)-rectangular kernels, robust <= nominal, Gibbs optimum."""
import numpy as np
import pytest
from scipy.optimize import linprog

import mdpsim
from mdpsim.envs.linear import one_hot
from mdpsim.models.robust_linear import DRectLinearMDP
from mdpsim.robust import robust_solve, robust_evaluate
from mdpsim.robust.linear import (tv_factor_worst, tv_factor_dual, tv_factor_worst_distribution,
                                  drect_solve, drect_evaluate, drect_solve_reference)


def lp_tv(mu, V, rho):
    """min mu'V s.t. mu' in simplex, sum |mu' - mu| <= 2 rho (variables mu', t)."""
    S = mu.size
    c = np.concatenate([V, np.zeros(S)])
    I = np.eye(S)
    A_ub = np.block([[I, -I], [-I, -I], [np.zeros((1, S)), np.ones((1, S))]])
    b_ub = np.concatenate([mu, -mu, [2 * rho]])
    A_eq = np.concatenate([np.ones(S), np.zeros(S)])[None]
    r = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0],
                bounds=[(0, None)] * (2 * S), method="highs",
                options=dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10))
    assert r.status == 0
    return r.fun


def test_tv_factor_primal_dual_lp():
    g = np.random.default_rng(0)
    worst = 0.0
    for trial in range(200):
        S = int(g.integers(2, 12))
        mu = g.dirichlet(np.full(S, 0.5))
        if trial % 3 == 0:
            mu[g.integers(S)] = 0.0
            mu /= mu.sum()
        V = g.random(S) * 5
        if trial % 4 == 0:
            V[g.integers(S)] = V[g.integers(S)]    # ties
        rho = float(g.choice([0.0, g.random(), 1.0, 0.05]))
        order = np.argsort(V, kind="mergesort")
        p = tv_factor_worst(mu, V, rho, order)
        dl = tv_factor_dual(mu, V, rho, order)
        lp = lp_tv(mu, V, rho)
        md = tv_factor_worst_distribution(mu, V, rho)
        assert md.min() >= -1e-15 and abs(md.sum() - 1) < 1e-12
        assert 0.5 * np.abs(md - mu).sum() <= rho + 1e-12
        worst = max(worst, abs(p - lp), abs(dl - lp), abs(md @ V - p))
    assert worst < 1e-10, worst


@pytest.fixture(scope="module")
def simplex():
    return mdpsim.make("linear_simplex", S=8, A=3, d=4, horizon=4, rng=3, stage_dependent=True)


def test_robust_below_nominal_and_rho0_is_nominal(simplex):
    nom = mdpsim.solve(simplex.to_tabular())
    r0 = drect_solve(DRectLinearMDP(simplex, 0.0))
    assert abs(r0.value - nom.value) < 1e-12
    np.testing.assert_allclose(r0.V, nom.V[:4], atol=1e-12)
    prev = r0.value
    for rho in (0.05, 0.1, 0.3, 1.0):
        m = DRectLinearMDP(simplex, rho)
        sol = drect_solve(m)
        assert sol.value <= prev + 1e-12
        prev = sol.value
        # robust value of any policy <= its nominal value
        for pol in (sol.pi, nom.policy):
            ev = drect_evaluate(m, pol)
            nv = mdpsim.evaluate(simplex.to_tabular(), pol)[0] @ simplex.init
            assert ev.value <= nv + 1e-12
        assert abs(drect_evaluate(m, sol.pi).value - sol.value) < 1e-12


def test_compiled_matches_reference(simplex):
    rho = np.random.default_rng(1).random((4, 4)) * 0.4
    m = DRectLinearMDP(simplex, rho)
    for beta in (0.0, 0.1, 1.0):
        sol = drect_solve(m, beta_reg=beta)
        V, pi = drect_solve_reference(m, beta_reg=beta)
        np.testing.assert_allclose(sol.V, V, atol=1e-12)
        np.testing.assert_allclose(sol.pi, pi, atol=1e-12)
        g = np.random.default_rng(2).dirichlet(np.ones(3), size=(4, 8))
        Vr, _ = drect_solve_reference(m, beta_reg=beta, policy=g)
        np.testing.assert_allclose(drect_evaluate(m, g, beta_reg=beta).V, Vr, atol=1e-12)


@pytest.mark.parametrize("base", ["riverswim", "garnet"])
def test_one_hot_equals_sa_rectangular(base):
    """One-hot features: d-rect TV with radius rho_{sA+a} == (s,a)-rect 'tv' radius[s, a]."""
    params = dict(S=5, horizon=6) if base == "riverswim" else dict(S=6, A=3, b=3, horizon=5, rng=4)
    tab = mdpsim.make(base, **params)
    lin = one_hot(tab)
    g = np.random.default_rng(5)
    for radius in (0.0, 0.2, g.random(lin.d) * 0.5, 1.0):
        m = DRectLinearMDP(lin, radius)
        rm = m.to_sa_robust()
        ref = robust_solve(rm)
        sol = drect_solve(m)
        assert abs(sol.value - ref.value) < 1e-10
        np.testing.assert_allclose(sol.V, ref.V, atol=1e-10, rtol=0)
        pi = g.dirichlet(np.ones(tab.A), size=(tab.horizon, tab.S))
        np.testing.assert_allclose(drect_evaluate(m, pi).V, robust_evaluate(rm, pi).V,
                                   atol=1e-10, rtol=0)


def test_gibbs_is_regularised_optimum(simplex):
    m = DRectLinearMDP(simplex, 0.1)
    g = np.random.default_rng(7)
    ref = g.dirichlet(np.ones(3), size=(8,))
    for beta in (0.05, 0.5, 2.0):
        sol = drect_solve(m, beta_reg=beta, pi_ref=ref)
        assert abs(drect_evaluate(m, sol.pi, beta_reg=beta, pi_ref=ref).value - sol.value) < 1e-12
        for _ in range(20):   # no other policy does better
            pi = g.dirichlet(np.ones(3), size=(4, 8))
            assert drect_evaluate(m, pi, beta_reg=beta, pi_ref=ref).value <= sol.value + 1e-12
        # the per-state Gibbs optimum: perturbing one state's distribution lowers V_h(s)
        Q = sol.Q[0, 0]
        f = lambda p: p @ Q - beta * np.sum(p * np.log(p / ref[0]))
        for _ in range(20):
            p = g.dirichlet(np.ones(3))
            assert f(p) <= f(sol.pi[0, 0]) + 1e-12
    # beta_reg -> 0 approaches the unregularised robust optimum
    v0 = drect_solve(m).value
    assert abs(drect_solve(m, beta_reg=1e-6).value - v0) < 1e-4


def test_fail_state_instance():
    lin = mdpsim.make("linear_fail_state", horizon=3)
    rho = np.zeros((3, 4))
    rho[0, 3] = 0.3
    m = DRectLinearMDP(lin, rho)
    sol = drect_solve(m)
    nom = mdpsim.solve(lin.to_tabular())
    assert sol.value < nom.value
    # worst case of factor 4 at step 1 moves 0.3 mass of x5 to the fail state x4: equals q = 0.3
    pert = mdpsim.make("linear_fail_state", horizon=3, q=0.3)
    ev_pert = mdpsim.evaluate(pert.to_tabular(), sol.pi)[0] @ pert.init
    assert abs(ev_pert - sol.value) < 1e-12


@pytest.mark.parametrize("bad, msg", [
    (dict(radius=-0.1), "< 0 makes the uncertainty set empty"),
    (dict(radius=1.5), "exceeds 1"),
    (dict(radius=np.zeros(3)), "must be a scalar or have shape"),
    (dict(radius=0.1, kind="js"), "kind must be one of"),
    (dict(radius=-0.1, kind="kl"), "< 0 makes the uncertainty set empty"),
    (dict(radius=np.nan, kind="chi2"), "is not finite"),
])
def test_bad_input(simplex, bad, msg):
    with pytest.raises(ValueError, match=msg):
        DRectLinearMDP(simplex, **bad)


def test_bad_features_and_beta():
    # a kernel with signed features (rows of P still sum to 1)
    phi = np.array([[[1.5, -0.5]], [[0.5, 0.5]]])
    mu = np.array([[0.5, 0.5], [0.5, 0.5]])
    lin = mdpsim.LinearMDP(phi, mu, np.zeros(2), horizon=2, feature_norm=None)
    with pytest.raises(ValueError, match="features in the simplex"):
        DRectLinearMDP(lin, 0.1)
    m = DRectLinearMDP(mdpsim.make("linear_simplex", S=4, A=2, d=2, horizon=2), 0.1)
    with pytest.raises(ValueError, match="beta_reg must be a finite number >= 0"):
        drect_solve(m, beta_reg=-1.0)
