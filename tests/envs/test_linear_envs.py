"""Linear-MDP environments: exactly linear, seeded, d-rectangular where stated, known optima."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.envs.linear import (aggregate, one_hot, fail_state_optimum, fail_state_actions)
from mdpsim.models import fit_linear

EXACT = 1e-12
LINEAR_ENVS = {"linear_simplex": dict(horizon=5), "linear_simplex_hidden": dict(horizon=5),
               "linear_one_hot": dict(horizon=10),
               "linear_aggregated": dict(horizon=5), "linear_fail_state": dict(horizon=3),
               "linear_riverswim": dict(horizon=20)}


def test_registered():
    assert set(LINEAR_ENVS) <= set(mdpsim.list_envs())


@pytest.mark.parametrize("name", sorted(LINEAR_ENVS))
def test_builds_exactly_linear_and_solvable(name):
    lin = mdpsim.make(name, **LINEAR_ENVS[name])
    assert isinstance(lin, mdpsim.LinearMDP) and lin.name.startswith(name.split("_")[0])
    tab = lin.to_tabular()
    fit = fit_linear(tab, lin.phi)                   # exactly linear in its own features
    assert fit.transition_misfit < 1e-10 and fit.reward_misfit < 1e-10
    sol = mdpsim.solve(tab)
    assert np.all(np.isfinite(sol.V))
    assert lin.R.min() >= 0.0 and lin.R.max() <= 1.0


def test_simplex_is_d_rectangular_and_seeded():
    lin = mdpsim.make("linear_simplex", S=20, A=5, d=5, horizon=5, rng=3, stage_dependent=True)
    assert lin.simplex_features and lin.factor_distributions
    assert lin.phi.min() >= 0 and np.max(np.abs(lin.phi.sum(-1) - 1)) <= EXACT
    assert lin.mu.shape == (5, 5, 20)
    assert lin.mu.min() >= 0 and np.max(np.abs(lin.mu.sum(-1) - 1)) <= EXACT   # mu rows in Δ(S)
    assert lin.theta.min() >= 0 and lin.theta.max() <= 1
    again = mdpsim.make("linear_simplex", S=20, A=5, d=5, horizon=5, rng=3, stage_dependent=True)
    other = mdpsim.make("linear_simplex", S=20, A=5, d=5, horizon=5, rng=4, stage_dependent=True)
    assert np.array_equal(lin.P, again.P) and not np.array_equal(lin.P, other.P)
    sparse = mdpsim.make("linear_simplex", S=30, A=2, d=3, horizon=5, rng=0, b=4)
    assert np.all((sparse.mu > 0).sum(-1) == 4)
    disc = mdpsim.make("linear_simplex", gamma=0.9)
    assert disc.stationary and disc.gamma == 0.9


def test_simplex_hidden_reward_factor_only_on_the_rare_action():
    lin = mdpsim.make("linear_simplex_hidden", S=20, A=5, d=5, horizon=5, rng=2)
    assert lin.simplex_features and lin.factor_distributions
    assert lin.phi.min() >= 0 and np.max(np.abs(lin.phi.sum(-1) - 1)) <= EXACT
    assert np.all(lin.phi[:, :4, 4] == 0.0) and np.all(lin.phi[:, 4, 4] == 0.5)
    assert lin.theta[4] == 1.0 and lin.theta[:4].max() <= 0.5
    R = lin.to_tabular().R
    assert R[:, 4].min() >= 0.5 and R[:, :4].max() <= 0.5          # the rare action pays most
    again = mdpsim.make("linear_simplex_hidden", S=20, A=5, d=5, horizon=5, rng=2)
    other = mdpsim.make("linear_simplex_hidden", S=20, A=5, d=5, horizon=5, rng=3)
    assert np.array_equal(lin.P, again.P) and not np.array_equal(lin.P, other.P)
    sd = mdpsim.make("linear_simplex_hidden", S=9, A=3, d=3, horizon=4, rng=0, b=2,
                     stage_dependent=True, rho=0.25, r_max=0.2)
    assert sd.mu.shape == (4, 3, 9) and np.all((sd.mu > 0).sum(-1) == 2)
    assert np.all(sd.theta[:, 2] == 1.0) and np.all(sd.phi[:, 2, 2] == 0.25)


@pytest.mark.parametrize("kw, field", [(dict(rho=1.5), "rho"), (dict(rho=0.0), "rho"),
                                       (dict(r_max=2.0), "r_max"), (dict(d=1), "d"),
                                       (dict(A=1), "A"), (dict(b=30), "b")])
def test_simplex_hidden_bad_input(kw, field):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        mdpsim.make("linear_simplex_hidden", horizon=5, **kw)


def test_one_hot_env_equals_base_and_same_optimum():
    lin = mdpsim.make("linear_one_hot", base="garnet", horizon=6,
                      base_params=dict(S=9, A=3, b=3, rng=5))
    base = mdpsim.make("garnet", S=9, A=3, b=3, rng=5, horizon=6)
    assert lin.d == 27
    assert np.array_equal(lin.to_tabular().P, base.P)
    assert np.max(np.abs(mdpsim.solve(lin.to_tabular()).V - mdpsim.solve(base).V)) <= EXACT


def test_aggregation_recovers_classes_and_is_exact():
    lin = mdpsim.make("linear_aggregated", S=15, A=4, d=6, b=3, horizon=5, rng=1)
    assert lin.d == 6 and lin.simplex_features and lin.factor_distributions
    assert np.all(lin.phi.max(-1) == 1.0)                             # one-hot on classes
    # duplicating actions of RiverSwim adds no feature
    rs = mdpsim.make("riverswim", S=5, horizon=8)
    dup = mdpsim.TabularMDP(np.concatenate([rs.P, rs.P], axis=1),
                            np.concatenate([rs.R, rs.R], axis=1), horizon=8)
    agg = aggregate(dup)
    assert agg.d == len({(tuple(rs.P[s, a]), rs.R[s, a]) for s in range(5) for a in range(2)})
    assert agg.d < dup.S * dup.A
    assert np.array_equal(agg.to_tabular().P, dup.P) and np.array_equal(agg.to_tabular().R, dup.R)
    assert abs(mdpsim.solve(agg.to_tabular()).value - mdpsim.solve(rs).value) <= EXACT
    # stage-dependent model: pairs must agree at every stage
    g = mdpsim.make("garnet", S=6, A=2, b=2, horizon=3, rng=0, stage_dependent=True)
    assert aggregate(g).d == 12 and np.array_equal(aggregate(g).to_tabular().P, g.P)


def test_fail_state_structure_and_closed_form_optimum():
    lin = mdpsim.make("linear_fail_state", horizon=3)
    assert (lin.S, lin.A, lin.d, lin.horizon) == (5, 16, 4, 3)
    acts = fail_state_actions()
    assert acts.shape == (16, 4) and np.array_equal(acts[15], [1, 1, 1, 1])
    assert np.array_equal(acts[0], [-1, -1, -1, -1])
    # features at x1 for the best action: (1 - p, 0, 0, p), p = delta + xi_norm
    assert np.allclose(lin.phi[0, 15], [0.5, 0, 0, 0.5], rtol=0, atol=EXACT)
    assert np.array_equal(lin.phi[3, 7], [0, 0, 1, 0]) and np.array_equal(lin.phi[4, 7], [0, 0, 0, 1])
    tab = lin.to_tabular()
    # fail state x4 and success state x5 are absorbing at every stage
    assert np.all(tab.P[:, 3, :, 3] == 1.0) and np.all(tab.P[:, 4, :, 4] == 1.0)
    assert np.all(tab.R[0] == 0.0) and np.all(tab.R[1:, 4] == 1.0) and np.all(tab.R[:, 3] == 0)
    sol = mdpsim.solve(tab)
    assert abs(sol.value - fail_state_optimum()) <= EXACT
    assert abs(sol.value - 1.624250125) <= EXACT
    assert np.all(sol.policy[:, :3] == 15)
    for kw in (dict(q=0.5), dict(delta=0.25, xi_norm=0.1, p_fail=0.01, q=1.0)):
        v = mdpsim.solve(mdpsim.make("linear_fail_state", horizon=3, **kw).to_tabular()).value
        assert abs(v - fail_state_optimum(**kw)) <= EXACT


@pytest.mark.parametrize("kw, pattern", [
    (dict(horizon=4), "horizon=3 only"),
    (dict(horizon=3, delta=0.9), r"delta must lie in \[xi_norm, 1 - xi_norm\]"),
    (dict(horizon=3, q=1.5), "p_fail and q must be probabilities"),
])
def test_fail_state_errors(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        mdpsim.make("linear_fail_state", **kw)


@pytest.mark.parametrize("features", ["one_hot", "kernel"])
@pytest.mark.parametrize("crit", [dict(horizon=20), dict(gamma=0.9)])
def test_linear_riverswim_is_riverswim(features, crit):
    lin = mdpsim.make("linear_riverswim", S=6, features=features, **crit)
    rs = mdpsim.make("riverswim", S=6, **crit)
    assert lin.d == (12 if features == "one_hot" else 7)
    tab = lin.to_tabular()
    assert np.max(np.abs(tab.P - rs.P)) <= EXACT and np.max(np.abs(tab.R - rs.R)) <= EXACT
    tol = None if "horizon" in crit else 1e-10
    assert abs(mdpsim.solve(tab, tol=tol).value - mdpsim.solve(rs, tol=tol).value) <= 1e-9
    with pytest.raises(ValueError, match="features must be 'one_hot' or 'kernel'"):
        mdpsim.make("linear_riverswim", features="rbf", **crit)


def test_one_hot_rejects_non_tabular():
    with pytest.raises(ValueError, match="mdp must be a TabularMDP, got LinearMDP"):
        one_hot(mdpsim.make("linear_simplex", horizon=5))
