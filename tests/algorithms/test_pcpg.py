"""PC-PG-style cover baseline (mdpsim.algorithms.policy_opt.pcpg): sample accounting, a switch
every round, the full-data cover covariance and known set, exact evaluation,
reproducibility and one-line errors."""
import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import run_planner
from mdpsim.algorithms.policy_opt.pcpg import pcpg_bonus, pcpg_rollin
from mdpsim.settings import Discounted
from mdpsim.settings.discounted import discounted_env

SMALL = dict(budget=1500, K=5, M=20)


@pytest.fixture(scope="module")
def rs():
    return mdpsim.make("riverswim", S=4, gamma=0.9)


@pytest.fixture(scope="module")
def run0(rs):
    return run_planner("pcpg", rs, rng=0, **SMALL)


def test_pcpg_accounting_and_exact_values(rs, run0):
    df = run0
    last = df.iloc[-1]
    assert int(last.explore_transitions) == SMALL["budget"] and int(last.switched) == 0
    assert (df.transitions == df.explore_transitions + df.critic_transitions).all()
    assert (np.diff(df.transitions) > 0).all()
    # nothing is sub-sampled: every roll-in transition enters the cover covariance
    assert (df.kept == df.explore_transitions).all()
    # every critic sample costs >= 1 transition: K * M per phase at least
    assert int(last.critic_transitions) >= int(last.switches) * SMALL["K"] * SMALL["M"]
    vstar = Discounted(rs).optimum()
    assert np.allclose(df.optimal_value, vstar) and (df.gap >= -1e-10).all()
    assert abs(df.value.iloc[0] - Discounted(rs).value(np.full((4, 2), 0.5))) <= 1e-12
    assert (df.reconstructed.str.contains("bonus added to the reward")).all()


def test_pcpg_switches_every_round(rs, run0):
    df = run0
    last = df.iloc[-1]
    sw = df[df.switched == 1]
    # rows 1..n are all switches; one round = one roll-in episode; the last one is cut
    assert (df.switched.iloc[1:-1] == 1).all() and len(sw) == int(last.switches)
    assert int(last.switches) == int(last.explore_episodes) - 1
    assert (df.cover_size == df.switches + 1).all()
    # the cover only grows: its known set only grows, the unknown pairs only shrink
    assert (np.diff(sw.unknown_pairs.to_numpy()) <= 0).all()
    two = run_planner("pcpg", rs, rng=0, rollins=2, **SMALL).iloc[-1]
    assert 2 * int(two.switches) + 1 <= int(two.explore_episodes) <= 2 * int(two.switches) + 2
    lpo = run_planner("lpo", rs, rng=0, **SMALL).iloc[-1]
    assert int(lpo.switches) < int(last.switches)


def test_pcpg_reproducible_and_seed_dependent(rs, run0):
    b = run_planner("pcpg", rs, rng=0, **SMALL)
    c = run_planner("pcpg", rs, rng=1, **SMALL)
    cols = ["value", "transitions", "switches", "unknown_pairs"]
    assert run0[cols].equals(b[cols])
    assert not (len(run0) == len(c) and run0[cols].equals(c[cols]))


def test_rollin_covariance_and_known_set(rs):
    """One-hot features: the cover covariance is diag(visit counts) and the known set is
    ``1/(n + lam) <= beta``; a linear MDP: ``Lam`` is the sum of the visited phi phiᵀ."""
    ev = discounted_env(rs)
    S, A = rs.S, rs.A
    phi = np.eye(S * A)
    Lam = np.zeros((S * A, S * A))
    visits = np.zeros(S * A, dtype=np.int64)
    steps, eps = pcpg_rollin(ev, np.full((S, A), 0.5), phi, Lam, visits,
                             np.random.default_rng(5), 30, 10_000)
    assert eps == 30 and steps == visits.sum() > 0
    assert np.array_equal(Lam, np.diag(visits.astype(float)))
    b, unk, q = pcpg_bonus(Lam, phi, lam=1.0, beta=0.0625, gamma=0.9, scale=1.0, S=S, A=A)
    assert np.allclose(q.ravel(), 1.0 / (visits + 1.0), rtol=0, atol=1e-14)
    assert np.array_equal(unk.ravel(), visits + 1.0 < 16.0)
    assert np.allclose(b, np.where(unk, 10.0, 0.0))
    # the budget cuts the roll-ins
    steps, _ = pcpg_rollin(ev, np.full((S, A), 0.5), phi, Lam, visits,
                           np.random.default_rng(5), 30, 7)
    assert steps == 7
    m = mdpsim.make("linear_simplex", S=8, A=3, d=4, gamma=0.8, rng=2)
    tab = m.to_tabular()
    phi = np.ascontiguousarray(m.phi_at(0).reshape(8 * 3, -1))
    Lam = np.zeros((4, 4))
    visits = np.zeros(24, dtype=np.int64)
    pcpg_rollin(discounted_env(tab), np.full((8, 3), 1 / 3), phi, Lam, visits,
                np.random.default_rng(2), 20, 10_000)
    assert np.allclose(Lam, phi.T @ (visits[:, None] * phi), rtol=0, atol=1e-12)


def test_pcpg_on_a_linear_mdp_and_no_bonus_variant():
    m = mdpsim.make("linear_simplex", S=8, A=3, d=4, gamma=0.8, rng=2)
    df = run_planner("pcpg", m, rng=0, **SMALL)
    assert (df.gap >= -1e-10).all() and int(df.explore_transitions.iloc[-1]) == 1500
    nb = run_planner("pcpg", m, rng=0, bonus="none", **SMALL)
    assert (nb.gap >= -1e-10).all() and int(nb.switches.iloc[-1]) > 0


@pytest.mark.parametrize("kw, msg", [
    (dict(beta=0.0), "hyper-parameter beta must be > 0"),
    (dict(rollins=0), "hyper-parameter rollins must be > 0"),
    (dict(K=0), "hyper-parameter K must be > 0"),
    (dict(lam=-1.0), "hyper-parameter lam must be > 0"),
    (dict(bonus="width"), "hyper-parameter bonus must be one of"),
    (dict(C_s=1.0), "unknown hyper-parameter 'C_s'"),
])
def test_bad_hyperparameters_are_one_line(rs, kw, msg):
    with pytest.raises(ValueError) as e:
        run_planner("pcpg", rs, rng=0, **kw)
    assert msg in str(e.value) and "\n" not in str(e.value)


def test_bad_models_and_rng_are_one_line(rs):
    cases = [
        (lambda: run_planner("pcpg", mdpsim.make("riverswim", S=4, horizon=5), rng=0),
         "pcpg needs a discounted model"),
        (lambda: run_planner("pcpg", rs), "pcpg: rng: a stochastic planner needs rng="),
    ]
    for call, msg in cases:
        with pytest.raises(ValueError) as e:
            call()
        assert msg in str(e.value) and "\n" not in str(e.value)
