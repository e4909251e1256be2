"""LPO planner (mdpsim.algorithms.policy_opt.lpo) and the exact-gradient NPG reference: sample
accounting, switching rules, exact evaluation, reproducibility and one-line errors."""
import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import run_planner
from mdpsim.settings import Discounted

SMALL = dict(budget=1500, K=5, M=20)


@pytest.fixture(scope="module")
def rs():
    return mdpsim.make("riverswim", S=4, gamma=0.9)


def test_lpo_accounting_and_exact_values(rs):
    df = run_planner("lpo", rs, rng=0, **SMALL)
    last = df.iloc[-1]
    assert int(last.explore_transitions) == SMALL["budget"] and int(last.switched) == 0
    assert (df.transitions == df.explore_transitions + df.critic_transitions).all()
    assert (np.diff(df.transitions) >= 0).all() and (np.diff(df.kept) >= 0).all()
    sw = df[df.switched == 1]
    # a switch follows an episode in which the kept set changed: strictly more kept points
    assert (np.diff(np.r_[0, sw.kept.to_numpy()]) > 0).all()
    assert int(last.switches) == len(sw) <= int(last.kept)
    # every critic sample costs >= 1 transition: K * M per phase at least
    assert int(last.critic_transitions) >= len(sw) * SMALL["K"] * SMALL["M"]
    vstar = Discounted(rs).optimum()
    assert np.allclose(df.optimal_value, vstar) and (df.gap >= -1e-10).all()
    assert abs(df.value.iloc[0] - Discounted(rs).value(np.full((4, 2), 0.5))) <= 1e-12


def test_lpo_reproducible_and_seed_dependent(rs):
    a = run_planner("lpo", rs, rng=3, **SMALL)
    b = run_planner("lpo", rs, rng=3, **SMALL)
    c = run_planner("lpo", rs, rng=4, **SMALL)
    cols = ["value", "transitions", "kept", "switches"]
    assert a[cols].equals(b[cols])
    assert not (len(a) == len(c) and a[cols].equals(c[cols]))


def test_every_round_switches_after_each_episode(rs):
    df = run_planner("lpo", rs, rng=1, switching="every_round", **SMALL)
    last = df.iloc[-1]
    # one switch per completed exploration episode (the last one is cut by the budget)
    assert int(last.switches) == int(last.explore_episodes) - 1
    lpo = run_planner("lpo", rs, rng=1, **SMALL)
    assert int(lpo.switches.iloc[-1]) < int(last.switches)


def test_lpo_on_a_linear_mdp_and_no_bonus_variant():
    m = mdpsim.make("linear_simplex", S=8, A=3, d=4, gamma=0.8, rng=2)
    df = run_planner("lpo", m, rng=0, **SMALL)
    assert (df.gap >= -1e-10).all() and int(df.explore_transitions.iloc[-1]) == 1500
    nb = run_planner("lpo", m, rng=0, bonus="none", **SMALL)
    assert (nb.unknown_pairs >= 0).all() and (nb.gap >= -1e-10).all()


def test_npg_exact_converges_and_is_mirror_descent(rs):
    df = run_planner("npg_exact", rs, iterations=60, eta=0.5)
    assert df.gap.iloc[-1] <= 1e-3 and df.gap.iloc[0] > 0.1
    assert (df.transitions == 0).all()
    # one NPG step equals the KL-prox (mirror-descent) step on each state's simplex:
    # argmax_p <p, eta Q/(1-g)> - KL(p || pi) = pi exp(eta Q/(1-g)) / Z
    from mdpsim.algorithms.policy_opt.npg_exact import npg_exact_q
    from scipy.optimize import minimize
    pi = np.full((4, 2), 0.5)
    _, Q = npg_exact_q(rs, pi)
    g = 0.5 * Q / (1 - rs.gamma)
    closed = pi * np.exp(g - g.max(axis=1, keepdims=True))
    closed /= closed.sum(axis=1, keepdims=True)
    for s in range(4):
        r = minimize(lambda x: -(np.array([x[0], 1 - x[0]]) @ g[s]) + (
            np.array([x[0], 1 - x[0]]) * np.log(np.array([x[0], 1 - x[0]]) / pi[s])).sum(),
            x0=[0.5], bounds=[(1e-12, 1 - 1e-12)], tol=1e-14)
        assert abs(r.x[0] - closed[s, 0]) <= 1e-5


@pytest.mark.parametrize("kw, msg", [
    (dict(C_s=0.0), "hyper-parameter C_s must be > 0"),
    (dict(C_s=-2.0), "hyper-parameter C_s must be > 0"),
    (dict(delta=1.0), "hyper-parameter delta must be in (0, 1)"),
    (dict(switching="sometimes"), "hyper-parameter switching must be one of"),
])
def test_bad_hyperparameters_are_one_line(rs, kw, msg):
    with pytest.raises(ValueError) as e:
        run_planner("lpo", rs, rng=0, **kw)
    assert msg in str(e.value) and "\n" not in str(e.value)


def test_bad_models_and_rng_are_one_line(rs):
    cases = [
        (lambda: run_planner("lpo", mdpsim.make("riverswim", S=4, horizon=5), rng=0),
         "lpo needs a discounted model"),
        (lambda: run_planner("lpo", rs), "lpo: rng: a stochastic planner needs rng="),
        (lambda: run_planner("npg_exact", rs, rng=0), "deterministic and takes no rng"),
        (lambda: mdpsim.make("riverswim", S=4, gamma=1.0), "gamma must be"),
    ]
    for call, msg in cases:
        with pytest.raises(ValueError) as e:
            call()
        assert msg in str(e.value) and "\n" not in str(e.value)


def test_kept_set_spectral_check_on_lpo_runs():
    """proofs_checks/lpo_kept_set_spectral.py at a small budget: the kept covariance is within
    [1/4, 4] of the full-data covariance at the end of LPO runs."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "proofs_checks" / "lpo_kept_set_spectral.py"
    spec = importlib.util.spec_from_file_location("_test_check_lpo_kept_set", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.check(rng=0, budget=3000, seeds=1)
    assert res["passed"], res["margins"]
    assert 0.25 <= res["margins"]["smallest eigenvalue"] <= 1.0 <= \
        res["margins"]["largest eigenvalue"] <= 4.0
