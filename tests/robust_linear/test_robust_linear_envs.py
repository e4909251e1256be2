"""Registered robust-linear settings for experiment specs: the regularised objective by name,
and the perturbed-test setting (train on the nominal model, score by the exact return in a
perturbed one)."""
import numpy as np
import pytest

import mdpsim
from mdpsim.settings import RobustLinear
from mdpsim.settings.robust_linear import PerturbedTest
from mdpsim.robust.linear import drect_solve
from mdpsim.envs.linear import fail_state_optimum


def test_regularised_settings_by_name():
    st = mdpsim.make("drect_fail_state_reg", rho=0.5, beta_reg=0.1)
    assert isinstance(st, RobustLinear) and st.beta_reg == 0.1
    m = mdpsim.make("drect_fail_state", rho=0.5)
    assert st.optimum() == drect_solve(m, beta_reg=0.1).value
    sx = mdpsim.make("drect_simplex_reg", S=6, A=3, d=3, horizon=3, rho=0.2, rng=1,
                     beta_reg=0.05)
    assert sx.beta_reg == 0.05 and sx.model.S == 6
    with pytest.raises(ValueError, match="beta_reg must be a finite number >= 0"):
        mdpsim.make("drect_simplex_reg", beta_reg=-1.0)


def _return(tab, pi):
    P, R = np.asarray(tab.P), np.asarray(tab.R)
    H = pi.shape[0]
    V = np.zeros(tab.S)
    for h in range(H - 1, -1, -1):
        Ph = P[h] if P.ndim == 4 else P
        Rh = R[h] if R.ndim == 3 else R
        V = (pi[h] * (Rh + Ph @ V)).sum(-1)
    return float(np.asarray(tab.init) @ V)


@pytest.mark.parametrize("q", [0.0, 0.3, 1.0])
def test_perturbed_test_scores_the_exact_return(q):
    st = mdpsim.make("drect_fail_state_test", rho=0.5, q_test=q)
    assert isinstance(st, PerturbedTest)
    assert st.optimum() == pytest.approx(fail_state_optimum(q=q), abs=1e-12)
    tab = mdpsim.make("linear_fail_state", horizon=3, q=q).to_tabular()
    pi = np.random.default_rng(0).dirichlet(np.ones(16), size=(3, 5))
    v = _return(tab, pi)
    assert abs(st.value(pi) - v) < 1e-12 and abs(st.reference_value(pi) - v) < 1e-12
    V = np.empty((4, 5))
    assert abs(st.evaluator(st.eval_env(), pi, V) - v) < 1e-12
    # the learner trains on the nominal model whatever q is: same trajectory, same policy
    a = mdpsim.run("dr_rpo", st, episodes=20, seeds=1, rho=0.5, rho_stage=0, rho_factor=3,
                   eval_every=[20])
    b = mdpsim.run("dr_rpo", mdpsim.make("drect_fail_state_test", rho=0.5, q_test=0.0),
                   episodes=20, seeds=1, rho=0.5, rho_stage=0, rho_factor=3, eval_every=[20])
    assert a["return"].to_numpy().tolist() == b["return"].to_numpy().tolist()


def test_hidden_factor_instance_and_alpha():
    """drect_simplex_hidden: the #12 hidden-reward-factor MDP with a TV ball on every factor;
    exactly linear with simplex features (d-rectangular); only the last action loads on the
    reward factor; its robust-regularised optimum plays that action. alpha passes through."""
    from mdpsim.envs.linear import linear_simplex_hidden
    m = mdpsim.make("drect_simplex_hidden", S=6, A=3, d=3, horizon=3, rho=0.2, load=0.5,
                    rng=2)
    lin = linear_simplex_hidden(6, 3, 3, horizon=3, rho=0.5, rng=2)
    assert np.array_equal(np.asarray(m.nominal.phi), np.asarray(lin.phi))
    phi = np.asarray(m.nominal.phi)
    assert np.all(phi[:, :-1, -1] == 0.0) and np.all(phi[:, -1, -1] == 0.5)
    np.testing.assert_allclose(phi.sum(-1), 1.0, atol=1e-14)
    assert np.all(m.radius == 0.2)
    st = mdpsim.make("drect_simplex_hidden_reg", S=6, A=3, d=3, horizon=3, rho=0.2, rng=2,
                     beta_reg=0.01)
    assert st.optimum() == drect_solve(m, beta_reg=0.01).value
    assert st.solution().pi[0, 0, -1] > 0.9
    with pytest.raises(ValueError, match=r"^load must lie in \(0, 1\].*got load=1.5$"):
        mdpsim.make("drect_simplex_hidden", load=1.5)
    a = mdpsim.make("drect_simplex", S=6, A=3, d=3, horizon=3, rho=0.2, rng=1)
    b = mdpsim.make("drect_simplex_reg", S=6, A=3, d=3, horizon=3, rho=0.2, rng=1,
                    alpha=1.0).model
    assert np.array_equal(np.asarray(a.nominal.phi), np.asarray(b.nominal.phi))
    c = mdpsim.make("drect_simplex", S=6, A=3, d=3, horizon=3, rho=0.2, rng=1, alpha=0.05)
    assert np.asarray(c.nominal.phi).max(-1).mean() > np.asarray(a.nominal.phi).max(-1).mean()
