"""LinearMDP: one-line validation errors, frozen data, exact tabular model, fit_linear."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.models import LinearMDP, fit_linear
from mdpsim.envs.linear import one_hot

EXACT = 1e-12


def small(seed=0, S=4, A=2, d=3, H=None):
    rng = np.random.default_rng(seed)
    phi = rng.dirichlet(np.ones(d), size=(S, A))
    mu = rng.dirichlet(np.ones(S), size=d if H is None else (H, d))
    theta = rng.random(d if H is None else (H, d))
    return phi, mu, theta


def one_line(exc) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and msg
    return msg


# ------------------------------------------------------------------------------ validation
@pytest.mark.parametrize("field, edit, pattern", [
    ("phi", lambda p, m, t: (np.where(np.arange(p.size).reshape(p.shape) == 7, np.nan, p), m, t),
     r"^phi\[1, 0, 1\] = nan is not finite"),
    ("mu", lambda p, m, t: (p, np.where(np.arange(m.size).reshape(m.shape) == 5, np.inf, m), t),
     r"^mu\[1, 1\] = inf is not finite"),
    ("theta", lambda p, m, t: (p, m, np.array([0.1, np.nan, 0.2])),
     r"^theta\[1\] = nan is not finite"),
])
def test_non_finite_entries_name_field_and_index(field, edit, pattern):
    phi, mu, theta = edit(*small())
    with pytest.raises(ValueError, match=pattern) as exc:
        LinearMDP(phi, mu, theta, horizon=3)
    one_line(exc)


def test_non_simplex_features_are_named():
    phi, mu, theta = small()
    bad = phi.copy()
    bad[2, 1] = [0.5, 0.7, -0.2]
    with pytest.raises(ValueError, match=r"^phi\[2, 1, 2\] = -0\.2 < 0; simplex_features") as e:
        LinearMDP(bad, mu, theta, horizon=3, simplex_features=True)
    one_line(e)
    bad = phi.copy()
    bad[3, 0] = [0.5, 0.3, 0.3]
    with pytest.raises(ValueError, match=r"^phi\[3, 0, :\] sums to 1\.1") as e:
        LinearMDP(bad, mu, theta, horizon=3, simplex_features=True)
    one_line(e)


def test_feature_norm_bound():
    phi, mu, theta = small()
    big = phi * 2.0
    with pytest.raises(ValueError, match=r"^\|\|phi\[0, 0, :\]\|\|_2 = .* exceeds feature_norm = 1"):
        LinearMDP(big, mu / 2.0, theta / 2.0, horizon=3)
    lin = LinearMDP(big, mu / 2.0, theta / 2.0, horizon=3, feature_norm=None)
    assert np.max(np.abs(lin.P - LinearMDP(phi, mu, theta, horizon=3).P)) <= EXACT


def test_factor_distributions_are_named():
    phi, mu, theta = small()
    bad = mu.copy()
    bad[1] *= 1.5
    with pytest.raises(ValueError, match=r"^mu\[1, :\] sums to 1\.5") as e:
        LinearMDP(phi, bad, theta, horizon=3, factor_distributions=True)
    one_line(e)
    bad = mu.copy()
    bad[2, 0] = -0.25
    bad[2, 1] += 0.25
    with pytest.raises(ValueError, match=r"^mu\[2, 0\] = -0\.25 < 0; factor_distributions"):
        LinearMDP(phi, bad, theta, horizon=3, factor_distributions=True)


def test_phi_mu_must_be_a_kernel():
    phi, mu, theta = small()
    bad = mu.copy()
    bad[0] *= 1.2            # rows of phi mu now sum to 1 + 0.2 phi_0
    with pytest.raises(ValueError, match=r"^P\[0, 0, :\] = \(phi mu\)\[0, 0, :\] sums to 1\.0") as e:
        LinearMDP(phi, bad, theta, horizon=3)
    one_line(e)
    # signed features: a negative probability is named
    phi2 = np.zeros((2, 1, 2))
    phi2[0, 0] = [1.5, -0.5]
    phi2[1, 0] = [0.0, 1.0]
    mu2 = np.array([[0.5, 0.5], [1.0, 0.0]])
    mu3 = np.array([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"^P\[0, 0, 0\] = \(phi mu\)\[0, 0, 0\] = -0\.5 < 0") as e:
        LinearMDP(phi2, mu3, np.zeros(2), horizon=2, feature_norm=None)
    one_line(e)
    assert LinearMDP(phi2, mu2, np.zeros(2), horizon=2, feature_norm=None).P[0, 0, 0] == 0.25


def test_reward_range():
    phi, mu, theta = small()
    with pytest.raises(ValueError, match=r"^r\[\d, \d\] = \(phi theta\)\[\d, \d\] = .* outside "
                                         r"reward_range \[0, 1\]") as e:
        LinearMDP(phi, mu, theta + 2.0, horizon=3)
    one_line(e)
    lin = LinearMDP(phi, mu, theta + 2.0, horizon=3, reward_range=(2.0, 3.0))
    assert lin.R.min() >= 2.0


@pytest.mark.parametrize("args, kw, pattern", [
    ("mu_d", {}, r"^mu has 4 factors \(shape \(4, 4\)\) but phi has d = 3 features"),
    ("mu_S", {}, r"^mu covers 5 next states .* but phi has S = 4 states"),
    ("theta_d", {}, r"^theta has 2 entries .* but phi has d = 3 features"),
    ("phi_ndim", {}, r"^phi must have shape \[S, A, d\] or \[H, S, A, d\]"),
    ("stage_disc", {}, r"^per-stage mu \(3 dimensions\) needs horizon=H"),
    ("stage_H", {}, r"^per-stage theta has 2 stages but horizon = 3"),
    ("init", {}, r"^init sums to 0\.5"),
    ("crit", {}, r"^exactly one of horizon"),
])
def test_shape_and_criterion_errors(args, kw, pattern):
    phi, mu, theta = small()
    crit = {"horizon": 3}
    init = None
    if args == "mu_d":
        mu = np.vstack([mu, mu[:1]])
    elif args == "mu_S":
        mu = np.hstack([mu, np.zeros((3, 1))])
    elif args == "theta_d":
        theta = theta[:2]
    elif args == "phi_ndim":
        phi = phi[0]
    elif args == "stage_disc":
        mu, crit = np.stack([mu, mu]), {"gamma": 0.9}
    elif args == "stage_H":
        theta = np.stack([theta, theta])
    elif args == "init":
        init = np.array([0.5, 0, 0, 0])
    elif args == "crit":
        crit = {}
    with pytest.raises(ValueError, match=pattern) as e:
        LinearMDP(phi, mu, theta, init=init, **crit)
    one_line(e)


def test_frozen_and_inputs_copied():
    phi, mu, theta = small()
    lin = LinearMDP(phi, mu, theta, horizon=3)
    phi[0, 0, 0] = 99.0
    assert lin.phi[0, 0, 0] != 99.0
    for arr in (lin.phi, lin.mu, lin.theta, lin.init, lin.P, lin.R):
        assert not arr.flags.writeable
    with pytest.raises(AttributeError, match="frozen"):
        lin.d = 2
    with pytest.raises(ValueError):
        lin.phi[0, 0, 0] = 1.0


# ------------------------------------------------------------------------------ to_tabular
@pytest.mark.parametrize("H, stage", [(4, False), (4, True), (None, False)])
def test_to_tabular_is_exact(H, stage):
    phi, mu, theta = small(1, S=6, A=3, d=4, H=H if stage else None)
    crit = {"horizon": H} if H else {"gamma": 0.9}
    lin = LinearMDP(phi, mu, theta, simplex_features=True, factor_distributions=True, **crit)
    tab = lin.to_tabular()
    assert isinstance(tab, mdpsim.TabularMDP)
    assert (tab.horizon, tab.gamma) == (lin.horizon, lin.gamma)
    assert tab.stationary == (not stage)
    for h in range(H or 1):
        Ph = tab.P[h] if tab.P.ndim == 4 else tab.P
        Rh = tab.R[h] if tab.R.ndim == 3 else tab.R
        assert np.max(np.abs(Ph - np.einsum("sai,it->sat", lin.phi_at(h), lin.mu_at(h)))) <= EXACT
        assert np.max(np.abs(Rh - lin.phi_at(h) @ lin.theta_at(h))) <= EXACT
    assert np.array_equal(tab.init, lin.init)
    sol = mdpsim.solve(tab, tol=None if H else 1e-10)     # every exact kernel applies unchanged
    assert np.all(np.isfinite(sol.V))
    pol = np.full((lin.S, lin.A), 1.0 / lin.A)
    assert np.isfinite(mdpsim.evaluate(tab, pol)).all()


def test_one_hot_tabular_model_equals_the_original_exactly():
    for mdp in (mdpsim.make("riverswim", S=6, horizon=10),
                mdpsim.make("garnet", S=8, A=3, b=3, horizon=5, rng=2, stage_dependent=True),
                mdpsim.make("garnet", S=8, A=3, b=3, gamma=0.9, rng=2)):
        lin = one_hot(mdp)
        tab = lin.to_tabular()
        assert lin.d == mdp.S * mdp.A
        assert np.array_equal(tab.P, mdp.P) and np.array_equal(tab.R, mdp.R)
        assert np.array_equal(tab.init, mdp.init)


def test_value_of_linear_model_equals_solving_the_original():
    mdp = mdpsim.make("garnet", S=10, A=3, b=4, horizon=6, rng=4, stage_dependent=True)
    a = mdpsim.solve(one_hot(mdp).to_tabular())
    b = mdpsim.solve(mdp)
    assert np.max(np.abs(a.V - b.V)) <= EXACT
    assert np.array_equal(a.policy, b.policy)


# ------------------------------------------------------------------------------ fit_linear
def test_fit_linear_recovers_an_exactly_linear_model():
    lin = mdpsim.make("linear_simplex", S=12, A=3, d=4, horizon=4, rng=8, stage_dependent=True)
    fit = fit_linear(lin.to_tabular(), lin.phi)
    assert fit.transition_misfit < 1e-10 and fit.reward_misfit < 1e-10 and fit.exact
    assert fit.rank == lin.d
    assert np.max(np.abs(fit.mu - lin.mu)) < 1e-10
    assert np.max(np.abs(fit.theta - lin.theta)) < 1e-10
    back = fit.to_linear()
    assert np.max(np.abs(back.to_tabular().P - lin.to_tabular().P)) < 1e-10


def test_fit_linear_reports_misfit_on_a_nonlinear_garnet():
    mdp = mdpsim.make("garnet", S=10, A=3, b=3, horizon=5, rng=1)
    phi = np.random.default_rng(0).dirichlet(np.ones(4), size=(10, 3))
    fit = fit_linear(mdp, phi)
    assert fit.transition_misfit > 0.1 and fit.reward_misfit > 0.01 and not fit.exact
    h, s, a = fit.transition_argmax
    P_fit = phi[s, a] @ fit.mu
    assert abs(np.abs(mdp.P[s, a] - P_fit).sum() - fit.transition_misfit) <= EXACT
    with pytest.raises(ValueError, match=r"^the model is not linear in these features: "
                                         r"transition misfit max \|\|P - phi mu\|\|_1 = ") as e:
        fit.to_linear()
    one_line(e)
    # one-hot features fit any tabular model exactly
    assert fit_linear(mdp, one_hot(mdp).phi).transition_misfit < 1e-12


def test_fit_linear_shape_error():
    mdp = mdpsim.make("garnet", S=10, A=3, b=3, horizon=5, rng=1)
    with pytest.raises(ValueError, match=r"^phi must have shape \[S, A, d\] with S = 10, A = 3"):
        fit_linear(mdp, np.ones((9, 3, 2)) / 2)
