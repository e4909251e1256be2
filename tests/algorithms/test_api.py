"""The learner protocol (``mdpsim.algorithms._api``): one module registers a learner; named
state and params; side information instead of the true model; theory declared on the class."""
from __future__ import annotations

import importlib
import inspect
import pathlib
import pkgutil
import shutil
import sys

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import (Learner, Algorithm, ModelInfo, SideInfo, NO_SIDE, discover,
                               get_algorithm, list_algorithms, register_algorithm,
                               register_learner)
from mdpsim.algorithms import _api
from mdpsim.engine import side_info
from mdpsim.theory import acceptance, bounds

HERE = pathlib.Path(__file__).parent


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A fresh package holding only the one-module learner, discovered like the built-ins;
    unregistered afterwards so that other tests see the usual registry."""
    pkg = tmp_path / "mdpsim_plugin_fixture"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    shutil.copy(HERE / "uniform_learner.py", pkg / "uniform_learner.py")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = discover("mdpsim_plugin_fixture")
    yield names
    _api._REGISTRY.pop("uniform_random_fixture", None)
    for m in [m for m in sys.modules if m.startswith("mdpsim_plugin_fixture")]:
        del sys.modules[m]


def test_one_module_makes_a_runnable_learner(plugin):
    assert plugin == ["mdpsim_plugin_fixture.uniform_learner"]
    assert "uniform_random_fixture" in list_algorithms()
    b = bounds.for_algorithm("uniform_random_fixture")
    assert b is not None and b.k_exponent == 1.0 and b.kind == "none"
    assert bounds.BOUNDS["uniform_random_fixture"] is b
    assert acceptance.rule_for("uniform_random_fixture") is acceptance.RULES["linear"]
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    df = mdpsim.run("uniform_random_fixture", mdp, episodes=20, seeds=2, rng=0,
                    eval_every="every")
    assert len(df) == 40
    # the uniform policy's exact value, every episode
    u = np.full((mdp.horizon, mdp.S, mdp.A), 1.0 / mdp.A)
    vu = float(mdp.init @ mdpsim.evaluate(mdp, u)[0])
    assert np.max(np.abs(df.value.to_numpy() - vu)) <= 1e-12
    # estimate = visits before the episode = H (k - 1)
    est = df[df.seed == 0].sort_values("episode").estimate.to_numpy()
    assert np.array_equal(est, mdp.horizon * np.arange(20.0))


def test_importing_the_package_discovers_every_module():
    import mdpsim.algorithms as pkg
    mods = {m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")}
    assert mods and all(m in sys.modules for m in mods)
    for name in list_algorithms():
        cls = get_algorithm(name)
        if cls.__module__.startswith("mdpsim.algorithms."):
            assert getattr(pkg, cls.__name__) is cls       # from mdpsim.algorithms import X


def test_former_names_are_aliases():
    assert Algorithm is Learner
    assert register_algorithm is register_learner


@pytest.mark.parametrize("name", ["ucbvi_ch", "ucbvi_bf", "psrl", "optq", "greedy",
                                  "epsilon_greedy", "stepmix", "epsmix", "budget_ucbvi",
                                  "baseline"])
def test_state_and_params_are_named_tuples(name):
    cls = get_algorithm(name)
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    ag = mdpsim.agent(name, mdp, rng=0, episodes=50)
    assert isinstance(ag._state, cls.State) and ag._state._fields == cls.state_fields
    assert isinstance(ag.params, cls.Params)
    for h in range(mdp.horizon):
        ag.observe(h, 0, ag.act(h, 0), 0.0, 0)
    st = ag.state
    assert list(st) == list(cls.State._fields)
    for f in cls.State._fields:
        assert np.array_equal(st[f], getattr(ag._state, f))


def test_theory_lives_on_the_class():
    for name in list_algorithms():
        cls = get_algorithm(name)
        assert bounds.for_algorithm(name) is cls.bound
        assert acceptance.rule_for(name) is cls.rule(hard_exploration=True)
    assert acceptance.rule_for("greedy", hard_exploration=False) is None
    assert bounds.for_algorithm("no_such_learner") is None
    assert acceptance.rule_for("no_such_learner") is None


def test_learners_never_receive_the_true_model():
    assert "mdp" not in ModelInfo._fields
    for name in list_algorithms():
        cls = get_algorithm(name)
        for meth in (cls.init_state, cls.params):
            assert list(inspect.signature(meth).parameters) == ["info", "hp"]
    mdp = mdpsim.make("garnet", S=6, A=3, b=3, horizon=5, rng=1)
    P = np.asarray(mdp.P)
    for name in list_algorithms():
        needs = get_algorithm(name).needs
        model = mdp
        if "features" in needs:           # linear setting: the one-hot embedding of the same
            from mdpsim.envs.linear import one_hot     # model (features only, never mu/theta)
            model, hp = one_hot(mdp), {}
        elif "model_class" in needs:      # finite-class setting: perturbations + the truth
            from mdpsim.settings import FiniteClass
            W = P * np.exp(np.random.default_rng(0).standard_normal((3,) + P.shape))
            model, hp = FiniteClass(mdp, list(W / W.sum(-1, keepdims=True)) + [P]), {}
        else:
            hp = {"baseline_kind": "worst"} if needs else {}
        ag = mdpsim.agent(name, model, rng=0, episodes=50, **hp)
        for f, x in zip(ag._state._fields, ag._state):
            x = np.asarray(x)
            assert not (x.size >= P.size and np.isin(P[P > 0], x).all()), (name, f)


def test_side_information_is_explicit():
    mdp = mdpsim.make("riverswim", S=6, horizon=10)
    assert side_info(get_algorithm("ucbvi_ch"), mdp, {}) is NO_SIDE
    cls = get_algorithm("stepmix")
    hp = cls.resolve({"baseline_fraction": 0.6})
    side = side_info(cls, mdp, hp)
    assert isinstance(side, SideInfo) and side.offline is None
    vstar = mdpsim.solve(mdp).value
    assert abs(side.baseline_value - 0.6 * vstar) <= 1e-8 * vstar
    v = float(mdp.init @ mdpsim.evaluate(mdp, side.baseline_pi)[0])
    assert v == pytest.approx(side.baseline_value, abs=1e-12)
    off = side_info(cls, mdp, cls.resolve({"offline_n": 5}))
    assert off.baseline_pi is None and off.offline.n == 5
    # without side information a conservative learner says what it needs
    info = mdpsim.algorithms.model_info(mdp, 10)
    with pytest.raises(ValueError, match="side information"):
        cls.init_state(info, hp)
    # with it, its state holds the baseline it was given
    st = cls.init_state(mdpsim.algorithms.model_info(mdp, 10, side), hp)
    assert np.array_equal(st.pib, side.baseline_pi)
