"""The anchor-interpolated American put (mdpsim.envs.robust_linear.american_put): exactly
linear in its hat features, a valid d-rectangular model, its exact DP equals a direct price
lattice recursion, and bad input gets one line (docs/papers/drrpo.md §10)."""
import numpy as np
import pytest

import mdpsim
from mdpsim.models.linear import fit_linear
from mdpsim.robust.linear import drect_solve, drect_evaluate
from mdpsim.envs.robust_linear import put_anchors, put_hat, put_lattice
from mdpsim.settings.robust_linear import PerturbedTest

SMALL = {"d": 8, "horizon": 6}


def test_anchors_partition_of_unity_and_strike():
    a = put_anchors(30)
    assert a[0] == 58.0 and a[-1] == 159.5 and 100.0 in a
    prices, anchors, up, down = put_lattice(30)
    hat = put_hat(prices, anchors)
    assert np.all(hat >= 0) and np.max(np.abs(hat.sum(1) - 1)) < 1e-15
    assert np.all((hat > 0).sum(1) <= 2)
    assert prices[0] >= anchors[0] and prices[-1] <= anchors[-1]


@pytest.mark.parametrize("kw", [SMALL, {"d": 30, "horizon": 3, "p": 0.8}])
def test_exactly_linear_and_d_rectangular(kw):
    m = mdpsim.make("american_put", **kw)
    phi, mu, R = m.stage_arrays()
    assert np.all(phi >= 0) and np.max(np.abs(phi.sum(-1) - 1)) < 1e-14
    assert np.all(mu >= 0) and np.max(np.abs(mu.sum(-1) - 1)) < 1e-14
    assert m.d == 2 * kw["d"] + 1 and m.S == 2 * kw["d"] + 1
    fit = fit_linear(m.nominal.to_tabular(), phi[0])
    assert fit.transition_misfit <= 1e-12 and fit.reward_misfit <= 1e-12
    assert R.min() >= 0 and R.max() <= 1.0


def _direct_dp(d, H, p, rho=0.0):
    """Optimal (robust, TV radius rho on every hold factor) value by a price recursion
    written from the definition, not through the linear-MDP arrays."""
    prices, anchors, up, down = put_lattice(d)
    hat = put_hat(prices, anchors)
    pay = np.maximum(0.0, 100.0 - prices) / (100.0 - anchors[0])
    V = np.zeros(prices.size)           # terminal state value is 0 = min V
    for _ in range(H):
        nu = p * V[up] + (1 - p) * V[down]
        if rho > 0:   # TV worst case of the two-point factor: move rho to the terminal (value 0)
            hi = np.maximum(V[up], V[down])
            lo = np.minimum(V[up], V[down])
            w_hi = np.where(V[up] >= V[down], p, 1 - p)
            take = np.minimum(rho, w_hi)
            nu = nu - take * hi - np.maximum(rho - take, 0.0) * lo
        V = np.maximum(pay, hat @ nu)
    init = (prices >= 95) & (prices <= 105)
    return V[init].mean()


@pytest.mark.parametrize("p", [0.3, 0.5, 1.0])
def test_exact_dp_equals_direct_lattice_recursion(p):
    m = mdpsim.make("american_put", p=p, rho=0.0, **SMALL)
    v_lin = drect_solve(m).value
    assert abs(v_lin - _direct_dp(SMALL["d"], SMALL["horizon"], p)) < 1e-12
    # the tabular model of the linear MDP gives the same optimum
    tab = m.nominal.to_tabular()
    P, R = np.asarray(tab.P), np.asarray(tab.R)
    V = np.zeros(tab.S)
    for _ in range(SMALL["horizon"]):
        V = (R + P @ V).max(-1)
    assert abs(float(np.asarray(tab.init) @ V) - v_lin) < 1e-12


def test_robust_value_equals_direct_recursion_and_below_nominal():
    m = mdpsim.make("american_put", rho=0.03, **SMALL)
    v = drect_solve(m).value
    assert abs(v - _direct_dp(SMALL["d"], SMALL["horizon"], 0.5, rho=0.03)) < 1e-12
    assert v < drect_solve(m.replace(radius=0.0)).value


def test_perturbed_setting_changes_only_hold():
    st = mdpsim.make("american_put_test", p_test=0.9, **SMALL)
    assert isinstance(st, PerturbedTest)
    a, b = st.model.nominal, st.test.nominal
    assert np.array_equal(a.phi, b.phi) and np.array_equal(a.theta, b.theta)
    d = SMALL["d"]
    assert np.array_equal(a.mu[d:], b.mu[d:]) and not np.array_equal(a.mu[:d], b.mu[:d])
    pi = np.zeros((SMALL["horizon"], st.model.S, 2)); pi[..., 1] = 1.0   # exercise at once
    assert abs(st.value(pi) - drect_evaluate(st.test.replace(radius=0.0), pi).value) < 1e-15
    st2 = mdpsim.make("american_put_reg", beta_reg=0.01, **SMALL)
    assert st2.beta_reg == 0.01 and st2.model.radius.max() == 0.025


@pytest.mark.parametrize("kw, msg", [
    ({"p": 1.5}, r"p must be a probability in \[0, 1\].*p=1.5"),
    ({"rho": -0.1}, r"rho must be a finite number >= 0, got -0.1"),
    ({"rho": 1.2}, r"rho must lie in \[0, 1\].*rho=1.2"),
    ({"d": 3}, r"d must be an integer >= 4, got d=3"),
    ({"horizon": 0}, r"horizon must be an integer >= 1, got horizon=0"),
])
def test_bad_input_one_line(kw, msg):
    with pytest.raises(ValueError, match=msg) as e:
        mdpsim.make("american_put", **kw)
    assert "\n" not in str(e.value)
