"""Learners run in settings: the Episodic setting reproduces ``run(alg, mdp)`` bit for bit;
on finite-horizon robust Garnets the compiled loop equals the reference loop, the recorded
value is the robust value of the played policy, ε-mistakes are counted on the robust regret,
and compiled loops are distinct per (algorithm, evaluator)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mdpsim
from mdpsim.algorithms import get_algorithm
from mdpsim.engine import compiled_loop, eps_columns
from mdpsim.engine.driver import _identity
from mdpsim.robust import robust_evaluate, robust_solve
from mdpsim.settings import Episodic, Robust
from mdpsim.settings.episodic import policy_value
from mdpsim.settings.robust import robust_policy_value

VALUE_TOL = 1e-10


def _robust_garnet(rect, kind="l1", seed=0, stage=False):
    mdp = mdpsim.make("garnet", S=5, A=2, b=3, horizon=4, rng=seed, stage_dependent=stage)
    radius = 0.3 if rect == "sa" else 0.6
    return mdpsim.RobustMDP(mdp, kind, radius, rect=rect, name=f"robust-garnet-{rect}")


def _same(a, b, exact_values=True):
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        if c == "wall_time":
            continue
        x, y = a[c], b[c]
        if not exact_values and c in ("value", "regret", "realized_regret") or \
                c.startswith("eps_") and not exact_values:
            err = np.max(np.abs(x.to_numpy(float) - y.to_numpy(float)))
            assert err <= VALUE_TOL * (1 + np.abs(y.to_numpy(float)).max()), (c, err)
            continue
        pd.testing.assert_series_equal(x, y, check_exact=True, obj=c)


@pytest.mark.parametrize("algorithm,extra", [("ucbvi_ch", {}), ("psrl", {}),
                                             ("stepmix", {"baseline_fraction": 0.8})])
def test_episodic_setting_is_the_mdp_bit_for_bit(algorithm, extra):
    mdp = mdpsim.make("garnet", S=6, A=3, b=3, horizon=5, rng=2)
    kw = dict(episodes=60, seeds=2, rng=3, eval_every="every", eps_grid=[0.05, 0.5], **extra)
    a = mdpsim.run(algorithm, mdp, **kw)
    b = mdpsim.run(algorithm, Episodic(mdp), **kw)
    _same(a, b)
    assert a.attrs["columns"] == b.attrs["columns"]
    assert b.attrs["setting"] == "Episodic(garnet(S=6,A=3,b=3), H=5)"
    assert set(Episodic(mdp).columns) <= set(b.attrs["columns"])


@pytest.mark.parametrize("stage", [False, True])
@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("algorithm", ["ucbvi_ch", "greedy", "psrl"])
def test_robust_compiled_matches_reference(algorithm, rect, stage):
    rm = _robust_garnet(rect, stage=stage)
    kw = dict(episodes=40, seeds=2, rng=7, eval_every="every", eps_grid=[0.01, 0.2])
    fast = mdpsim.run(algorithm, rm, **kw)
    ref = mdpsim.run(algorithm, rm, engine="reference", **kw)
    _same(fast, ref, exact_values=False)
    assert fast.attrs["setting"].startswith("Robust(robust-garnet")
    assert (fast["optimal_value"] == robust_solve(rm).value).all()
    assert fast.attrs["columns"]["value"] == Robust(rm).columns["value"]


def test_recorded_value_is_robust_evaluate_of_the_played_policy():
    """The reference loop scores with a callable that records each policy; the compiled
    table's values are robust_evaluate of exactly those policies."""
    from mdpsim.engine.agent import Agent
    from mdpsim.engine.reference import reference_loop
    from mdpsim.engine.run import seed_sequence
    rm = _robust_garnet("s", kind="l1", seed=1)
    K = 30
    df = mdpsim.run("ucbvi_ch", rm, episodes=K, seeds=1, rng=4, eval_every="every")
    gen = np.random.Generator(np.random.PCG64(seed_sequence(np.random.SeedSequence(4), 0)))
    played = []

    def value(pi):
        played.append(pi.copy())
        return robust_evaluate(rm, pi).value

    agent = Agent("ucbvi_ch", rm.nominal, rng=gen, episodes=K)
    vstar = robust_solve(rm).value
    out = reference_loop(agent, rm.nominal, K, np.arange(1, K + 1), vstar, gen, False,
                         value=value)
    assert len(played) == K
    want = np.array([robust_evaluate(rm, p).value for p in played])
    got = df["value"].to_numpy()
    assert np.max(np.abs(got - want)) <= VALUE_TOL * (1 + np.abs(want).max())
    assert np.max(np.abs(out[0] - want)) == 0.0
    regret = np.cumsum(vstar - want)
    assert np.max(np.abs(df["regret"].to_numpy() - regret)) <= VALUE_TOL * (1 + regret.max())
    # the robust value is below the nominal value of the same policy
    nominal = np.array([rm.init @ mdpsim.evaluate(rm.nominal, p)[0] for p in played])
    assert np.all(want <= nominal + VALUE_TOL)


def test_eps_mistakes_count_robust_gaps():
    rm = _robust_garnet("sa")
    grid = [0.01, 0.1, 0.3]
    df = mdpsim.run("greedy", rm, episodes=50, seeds=1, rng=2, eval_every="every",
                    eps_grid=grid)
    gap = df["optimal_value"].to_numpy() - df["value"].to_numpy()
    for e in grid:
        cm, cs = eps_columns(e)
        bad = gap > e
        assert np.array_equal(df[cm].to_numpy(), np.cumsum(bad))
        last = np.maximum.accumulate(np.where(bad, np.arange(1, 51) + 1, 1))
        assert np.array_equal(df[cs].to_numpy(), last)


def test_compiled_loops_are_distinct_per_setting_evaluator():
    algo = get_algorithm("ucbvi_ch")
    assert compiled_loop(algo) is compiled_loop(algo, policy_value)
    assert compiled_loop(algo, robust_policy_value) is not compiled_loop(algo, policy_value)
    a, b = _identity(algo), _identity(algo, robust_policy_value)
    assert a != b and "settings_episodic__policy_value" in a
    assert "settings_robust__robust_policy_value" in b


def test_robust_run_does_not_depend_on_an_episodic_run_before_it():
    rm = _robust_garnet("sa", seed=3)
    kw = dict(episodes=25, seeds=1, rng=9, eval_every="every")
    first = mdpsim.run("ucbvi_bf", rm, **kw)
    mdpsim.run("ucbvi_bf", rm.nominal, **kw)
    _same(first, mdpsim.run("ucbvi_bf", rm, **kw))


def test_robust_episode_level_mixture_matches_reference():
    """StepMix's mixtures are scored (1 - q) v_P(pi) + q v_P(pi_alt) in both loops."""
    rm = _robust_garnet("sa", seed=2)
    kw = dict(episodes=30, seeds=1, rng=5, eval_every="every", baseline_fraction=0.8)
    fast = mdpsim.run("stepmix", rm, **kw)
    _same(fast, mdpsim.run("stepmix", rm, engine="reference", **kw), exact_values=False)


def test_setting_evaluator_is_the_dispatcher_itself():
    """A bound method per access would give run() a new compiled-loop key per call (a cache
    reload, ~20 ms per run: measured before the fix)."""
    mdp = mdpsim.make("riverswim", S=4, horizon=3)
    st = Episodic(mdp)
    assert st.evaluator is policy_value and st.evaluator is st.evaluator
    rm = _robust_garnet("sa")
    assert Robust(rm).evaluator is robust_policy_value
