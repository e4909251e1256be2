"""RobustMDP: construction, validation errors (naming index and value), immutability, sets."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.robust import RobustMDP, robust_evaluate, drpg_garnet, drpg_inventory
from mdpsim.models.robust import SET_KINDS

from conftest import random_mdp


@pytest.fixture
def mdp():
    return random_mdp(0, S=4, A=3, gamma=0.9)


def test_exports():
    assert mdpsim.RobustMDP is RobustMDP and mdpsim.models.RobustMDP is RobustMDP


@pytest.mark.parametrize("kind", SET_KINDS)
def test_builds_and_broadcasts(mdp, kind):
    rm = RobustMDP(mdp, kind, 0.2)
    assert rm.radius.shape == (4, 3) and rm.rect == "sa" and rm.S == 4 and rm.A == 3
    rs = RobustMDP(mdp, kind, 0.5, rect="s")
    assert rs.radius.shape == (4,)
    assert np.allclose(rm.budget, 0.04 if kind == "l2" else 0.2, atol=0, rtol=0) or \
        kind == "l2"
    if kind == "l2":
        assert np.max(np.abs(rm.budget - 0.04)) <= 1e-15


def test_inputs_are_copied_and_frozen(mdp):
    r = np.full((4, 3), 0.2)
    rm = RobustMDP(mdp, "l1", r)
    r[0, 0] = 5.0
    assert rm.radius[0, 0] == 0.2
    with pytest.raises(ValueError):
        rm.radius[0, 0] = 1.0
    with pytest.raises(AttributeError, match="frozen"):
        rm.kind = "kl"
    assert rm.replace(kind="kl").kind == "kl" and rm.kind == "l1"


def test_negative_radius_names_index_and_value(mdp):
    r = np.full((4, 3), 0.1)
    r[2, 1] = -0.25
    with pytest.raises(ValueError, match=r"radius\[2, 1\] = -0.25 < 0 makes the uncertainty "
                                         r"set empty"):
        RobustMDP(mdp, "l1", r)
    with pytest.raises(ValueError, match=r"radius\[3\] = -1.0 < 0"):
        RobustMDP(mdp, "kl", [0.1, 0.1, 0.1, -1.0], rect="s")


def test_non_finite_radius(mdp):
    with pytest.raises(ValueError, match=r"radius\[0, 0\] = nan is not finite"):
        RobustMDP(mdp, "l1", np.full((4, 3), np.nan))


def test_wrong_radius_shape_hints_rectangularity(mdp):
    with pytest.raises(ValueError, match=r"shape \[S\] = \[4\].*per-\(s,a\) radii need "
                                         r"rect='sa'"):
        RobustMDP(mdp, "l1", np.full((4, 3), 0.1), rect="s")
    with pytest.raises(ValueError, match=r"per-state radii need rect='s'"):
        RobustMDP(mdp, "l1", np.full(4, 0.1))
    with pytest.raises(ValueError, match=r"shape \[S, A\] = \[4, 3\]"):
        RobustMDP(mdp, "l1", np.full((2, 2), 0.1))


def test_unknown_kind_and_rect(mdp):
    with pytest.raises(ValueError, match="kind must be one of l1, tv, linf, l2, chi2, kl"):
        RobustMDP(mdp, "wasserstein", 0.1)
    with pytest.raises(ValueError, match="rect must be 'sa'"):
        RobustMDP(mdp, "l1", 0.1, rect="sas")
    with pytest.raises(ValueError, match="nominal must be a TabularMDP"):
        RobustMDP(np.zeros((2, 2, 2)), "l1", 0.1)


def test_transition_rewards_validated(mdp):
    with pytest.raises(ValueError, match=r"R_next must have shape \[S, A, S'\] = \[4, 3, 4\]"):
        RobustMDP(mdp, "l1", 0.1, R_next=np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"nominal.R\[0, 0\] = .* R must be the nominal mean "
                                         "of R_next"):
        RobustMDP(mdp, "l1", 0.1, R_next=np.zeros((4, 3, 4)) + 7.0)
    Rn = np.random.default_rng(0).random((4, 3, 4))
    rm = RobustMDP.from_transition_rewards(mdp.P, Rn, "l1", 0.1, gamma=0.9)
    assert np.max(np.abs(rm.nominal.R - np.einsum("sat,sat->sa", mdp.P, Rn))) <= 1e-15
    bad = Rn.copy()
    bad[1, 2, 3] = np.inf
    with pytest.raises(ValueError, match=r"R_next\[1, 2, 3\] = inf is not finite"):
        RobustMDP(mdp, "l1", 0.1, R_next=bad)


def test_contains_nominal_and_worst_case(mdp):
    for kind in SET_KINDS:
        for rect in ("sa", "s"):
            rm = RobustMDP(mdp, kind, 0.3, rect=rect)
            assert rm.contains(mdp.P)
            ev = robust_evaluate(rm, np.zeros(4, dtype=np.int64))
            assert rm.contains(ev.P_worst, atol=1e-9)
    rm = RobustMDP(mdp, "l1", 0.01)
    far = np.full_like(mdp.P, 1.0 / 4)
    assert not rm.contains(far)


def test_drpg_instances_are_reproducible_and_valid():
    a = drpg_garnet(5, 4, 3, rng=np.random.SeedSequence(1))
    b = drpg_garnet(5, 4, 3, rng=np.random.SeedSequence(1))
    assert np.array_equal(a.rmdp.Pbar, b.rmdp.Pbar) and np.array_equal(a.costs, b.costs)
    P = a.rmdp.Pbar
    assert np.all((P > 0).sum(-1) == 3) and np.max(np.abs(P.sum(-1) - 1)) <= 1e-12
    assert a.rmdp.radius.min() >= 0.1 and a.rmdp.radius.max() <= 0.5
    assert np.max(np.abs(a.rmdp.R_next + a.costs)) == 0.0 and a.label == "G(5,4,3)"
    s = drpg_garnet(10, 5, 10, rect="s", rng=2)
    assert s.rmdp.rect == "s" and s.rmdp.radius.min() >= 0.5 and np.all(s.rmdp.Pbar > 0)
    with pytest.raises(ValueError, match="b must be <= S"):
        drpg_garnet(3, 2, 4)
    inv = drpg_inventory(rng=0)
    assert inv.Pbar.shape == (8, 3, 8) and np.all(inv.Pbar > 0)
    assert np.abs(inv.theta0 - inv.theta_c).sum() <= inv.kappa_theta
