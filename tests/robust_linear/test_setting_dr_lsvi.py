"""The robust-linear setting (exact robust(-regularised) metrics) and DR-LSVI-UCB."""
import numpy as np
import pytest

import mdpsim
from mdpsim.settings import RobustLinear, as_setting
from mdpsim.robust.linear import drect_evaluate, drect_solve, tv_factor_worst
from mdpsim.algorithms.linear.dr_lsvi_ucb import tv_dual_ridge, radii


def test_setting_evaluator_matches_numpy_and_reference():
    m = mdpsim.make("drect_simplex", S=7, A=3, d=3, horizon=4, rho=0.2, rng=2)
    g = np.random.default_rng(0)
    ref = g.dirichlet(np.ones(3), size=(7,))
    for beta in (0.0, 0.3):
        st = RobustLinear(m, beta_reg=beta, pi_ref=ref)
        pi = g.dirichlet(np.ones(3), size=(4, 7))
        V = np.empty((5, 7))
        v = st.evaluator(st.eval_env(), pi, V)
        assert abs(v - st.value(pi)) < 1e-12
        assert abs(v - st.reference_value(pi)) < 1e-12
        assert abs(st.optimum() - drect_solve(m, beta_reg=beta, pi_ref=ref).value) == 0.0
        assert st.value(st.solution().pi) == pytest.approx(st.optimum(), abs=1e-12)
    assert isinstance(as_setting(m), RobustLinear)
    with pytest.raises(ValueError, match="beta_reg must be a finite number >= 0"):
        RobustLinear(m, beta_reg=-0.5)


def test_breakpoint_dual_with_exact_expectations_equals_primal():
    """With G = the true factors (the ridge estimate at infinite data) the breakpoint dual is
    the exact worst case."""
    g = np.random.default_rng(3)
    for _ in range(200):
        S = int(g.integers(2, 10))
        mu = g.dirichlet(np.ones(S))
        V = g.random(S) * 3
        rho = float(g.random())
        o = np.argsort(V, kind="mergesort")
        assert abs(tv_dual_ridge(mu, V, o, rho) - tv_factor_worst(mu, V, rho, o)) < 1e-12


def test_radii():
    r = radii(3, 4, 0.3, 0, 3)
    assert r.sum() == pytest.approx(0.3) and r[0, 3] == 0.3
    assert radii(2, 2, 0.1, -1, -1).min() == 0.1
    with pytest.raises(ValueError, match="rho_stage must be < H"):
        radii(3, 4, 0.1, 3, 0)


def test_dr_lsvi_ucb_learns_robust_optimum_on_fail_state():
    m = mdpsim.make("drect_fail_state", rho=0.3)
    st = RobustLinear(m)
    K = 300
    dr = mdpsim.run("dr_lsvi_ucb", st, episodes=K, seeds=2, rho=0.3, rho_stage=0,
                    rho_factor=3)
    nr = mdpsim.run("lsvi_ucb", st, episodes=K, seeds=2)
    last = dr[dr.episode == K].regret.mean()
    mid = dr[dr.episode == K // 2].regret.mean()
    assert last - mid < 0.05          # no regret after the first episodes
    assert last < 0.25 * nr[nr.episode == K].regret.mean()   # the non-robust one keeps paying
    assert dr.attrs["setting"].startswith("RobustLinear(")
