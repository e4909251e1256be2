"""KL and chi-square d-rectangular sets: the per-factor worst case (compiled path solver)
against independent 1-D oracles (KL dual over the temperature, chi-square KKT threshold) to
1e-10 and against cvxpy; the tabular special case against the (s,a)-rectangular kernels;
ground truth against the NumPy reference; one-line errors."""
import numpy as np
import pytest

import mdpsim
from mdpsim.envs.linear import one_hot
from mdpsim.kernels.robust_common import CHI2, KL
from mdpsim.models.robust_linear import DRectLinearMDP
from mdpsim.robust import robust_solve, robust_evaluate
from mdpsim.robust.linear import (smooth_factor_worst, kl_factor_dual,
                                  chi2_factor_worst_reference, drect_solve, drect_evaluate,
                                  drect_solve_reference)
from mdpsim.settings import RobustLinear


def _instances(n, seed):
    g = np.random.default_rng(seed)
    for _ in range(n):
        S = int(g.integers(2, 9))
        mu = g.dirichlet(np.ones(S))
        if S > 2 and g.random() < 0.5:
            mu[g.integers(S)] = 0.0          # a zero of the nominal factor
            mu /= mu.sum()
        V = g.random(S) * 3
        if g.random() < 0.3:
            V[g.integers(S)] = V.min()       # ties at the minimum
        rho = float(g.choice([1e-4, 0.01, 0.1, 0.5, 2.0, 10.0]))
        yield mu, V, rho


def test_kl_factor_equals_its_temperature_dual():
    for mu, V, rho in _instances(300, 0):
        a = smooth_factor_worst(KL, mu, V, rho)
        b = kl_factor_dual(mu, V, rho)
        assert abs(a - b) < 1e-10, (mu, V, rho, a, b)
        sup = mu > 0
        assert V[sup].min() - 1e-12 <= a <= mu @ V + 1e-12


def test_chi2_factor_equals_kkt_threshold():
    for mu, V, rho in _instances(300, 1):
        a = smooth_factor_worst(CHI2, mu, V, rho)
        p = chi2_factor_worst_reference(mu, V, rho)
        assert abs(a - p @ V) < 1e-10, (mu, V, rho)
        sup = mu > 0
        assert np.all(p[~sup] == 0.0) and abs(p.sum() - 1) < 1e-12
        chi = ((p[sup] - mu[sup]) ** 2 / mu[sup]).sum()
        assert chi <= rho + 1e-9


def test_factors_against_cvxpy():
    cp = pytest.importorskip("cvxpy")
    for mu, V, rho in _instances(12, 2):
        sup = mu > 0
        q, v = mu[sup], V[sup]
        x = cp.Variable(q.size, nonneg=True)
        for kind, con in ((KL, cp.sum(cp.rel_entr(x, q)) <= rho),
                          (CHI2, cp.sum(cp.multiply(1.0 / q, cp.square(x - q))) <= rho)):
            prob = cp.Problem(cp.Minimize(v @ x), [cp.sum(x) == 1, con])
            prob.solve()
            assert prob.status in ("optimal", "optimal_inaccurate")
            assert abs(prob.value - smooth_factor_worst(kind, mu, V, rho)) < 1e-5


@pytest.mark.parametrize("kind", ["kl", "chi2"])
def test_one_hot_equals_sa_rectangular(kind):
    tab = mdpsim.make("garnet", S=6, A=3, b=3, horizon=5, rng=4)
    lin = one_hot(tab)
    g = np.random.default_rng(5)
    for radius in (0.05, g.random(lin.d) * 0.5, 3.0):
        m = DRectLinearMDP(lin, radius, kind=kind)
        rm = m.to_sa_robust()
        ref = robust_solve(rm)
        sol = drect_solve(m)
        assert abs(sol.value - ref.value) < 1e-10
        np.testing.assert_allclose(sol.V, ref.V, atol=1e-10, rtol=0)
        pi = g.dirichlet(np.ones(tab.A), size=(tab.horizon, tab.S))
        np.testing.assert_allclose(drect_evaluate(m, pi).V, robust_evaluate(rm, pi).V,
                                   atol=1e-10, rtol=0)


@pytest.mark.parametrize("kind", ["kl", "chi2"])
def test_ground_truth_reference_setting_and_ordering(kind):
    lin = mdpsim.make("linear_simplex", S=7, A=3, d=3, horizon=4, rng=2)
    g = np.random.default_rng(3)
    nominal = drect_solve(DRectLinearMDP(lin, 0.0, kind=kind)).value
    prev = nominal
    for rho in (0.05, 0.3, 1.5):
        m = DRectLinearMDP(lin, rho, kind=kind)
        for beta in (0.0, 0.2):
            sol = drect_solve(m, beta_reg=beta)
            V, _ = drect_solve_reference(m, beta_reg=beta)
            np.testing.assert_allclose(sol.V, V, atol=1e-10, rtol=0)
            st = RobustLinear(m, beta_reg=beta)
            pi = g.dirichlet(np.ones(3), size=(4, 7))
            Vb = np.empty((5, 7))
            assert abs(st.evaluator(st.eval_env(), pi, Vb) - st.reference_value(pi)) < 1e-10
        v = drect_solve(m).value
        assert v <= prev + 1e-12          # larger balls, lower robust value
        prev = v


def test_large_radius_allowed_for_kl_and_chi2():
    lin = mdpsim.make("linear_simplex", S=4, A=2, d=2, horizon=2, rng=0)
    assert DRectLinearMDP(lin, 5.0, kind="kl").radius.max() == 5.0
    with pytest.raises(ValueError, match="exceeds 1") as e:
        DRectLinearMDP(lin, 5.0, kind="tv")
    assert "\n" not in str(e.value)
