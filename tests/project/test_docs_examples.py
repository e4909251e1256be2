"""The guide's worked examples do what the guide says.

``docs/examples/explore_first.py`` (page "Write your own algorithm"): a user-defined
subclass of :class:`mdpsim.algorithms.Algorithm` with compiled ``plan``/``observe`` runs in
the compiled engine, the reference engine (identical numbers) and the Agent facade; its
regret stops growing after the exploration phase on RiverSwim, unlike greedy's.

``docs/examples/my_claim.py`` (page "Write your own experiment"): its quick profile runs
through the experiment machinery and its claim holds (PSRL sublinear, greedy linear).
"""
from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np
import pytest

import mdpsim

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


@pytest.fixture(scope="module")
def explore_first():
    sys.path.insert(0, str(EXAMPLES))
    try:
        yield importlib.import_module("explore_first")
    finally:
        sys.path.remove(str(EXAMPLES))


def test_own_algorithm_is_registered_and_validated(explore_first):
    assert "explore_first" in mdpsim.list_algorithms()
    cls = mdpsim.algorithms.get_algorithm("explore_first")
    assert cls is explore_first.ExploreFirst
    assert "m: int = 100 [proposed]" in cls.describe()
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    with pytest.raises(ValueError, match="m must be a non-negative integer"):
        mdpsim.run("explore_first", mdp, episodes=5, m=-1)
    with pytest.raises(ValueError, match="must be of type int"):
        mdpsim.run("explore_first", mdp, episodes=5, m=1.5)


def test_own_algorithm_claims(explore_first):
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    K, m = 2000, 200
    df = mdpsim.run("explore_first", mdp, episodes=K, seeds=4, rng=0, m=m,
                    eval_every="every")
    greedy = mdpsim.run("greedy", mdp, episodes=K, seeds=4, rng=0)
    reg = df.pivot(index="seed", columns="episode", values="regret").to_numpy()
    # exploration costs regret; afterwards the committed policy is optimal: no more regret
    assert np.all(reg[:, m - 1] > 0)
    assert np.allclose(reg[:, -1], reg[:, 2 * m], rtol=0, atol=1e-9)
    assert reg[:, -1].mean() < 0.2 * greedy[greedy.episode == K].regret.mean()
    # the policy played in the exploration phase is uniform, evaluated exactly
    unif = np.full((mdp.horizon, mdp.S, mdp.A), 1.0 / mdp.A)
    v_unif = mdp.init @ mdpsim.evaluate(mdp, unif)[0]
    assert np.allclose(df[df.episode == 1].value, v_unif, rtol=0, atol=1e-12)


def test_own_algorithm_reference_engine_and_agent_agree(explore_first):
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    a = mdpsim.run("explore_first", mdp, episodes=60, seeds=2, rng=3, m=20)
    b = mdpsim.run("explore_first", mdp, episodes=60, seeds=2, rng=3, m=20,
                   engine="reference")
    for col in ["value", "regret", "return", "switches", "estimate"]:
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy()), col
    agent = mdpsim.agent("explore_first", mdp, rng=0, m=1)
    assert np.allclose(agent.policy(), 1.0 / mdp.A)          # episode 0: uniform
    for h in range(mdp.horizon):
        agent.observe(h, 0, 1, 0.0, min(h + 1, mdp.S - 1) if h % 2 else 0)
    pi = agent.policy()                                        # episode 1: greedy, one-hot
    assert np.array_equal(pi.max(axis=2), np.ones((mdp.horizon, mdp.S)))


def test_own_experiment_quick_profile(tmp_path):
    from mdpsim.experiment import load_spec, run_experiment
    from mdpsim.plot import slopes
    spec_file = str(EXAMPLES / "my_claim.py")
    spec = load_spec(spec_file, profile="quick")
    assert len(spec.cells()) == 4                   # 1 env x 2 algorithms x 2 seed batches
    rep = run_experiment(spec_file, profile="quick", executor="inline", out=tmp_path,
                         progress=False)
    assert rep.computed == 4 and not rep.failed
    df = mdpsim.load(spec_file, out=tmp_path, profile="quick")
    assert sorted(df.alg_label.unique()) == ["Greedy", "PSRL"]
    fits = slopes(df).set_index("alg_label")
    assert bool(fits.loc["PSRL", "passed"]) and fits.loc["PSRL", "slope"] <= 0.6
    assert bool(fits.loc["Greedy", "passed"]) and fits.loc["Greedy", "slope"] >= 0.9
