"""LSVI-UCB's named bonus multipliers agree with the declared hyper-parameter (the default
preset is the learner's default, "theory" its theory value) and a preset passed as ``c`` is
exactly that run."""
from __future__ import annotations

import numpy as np

import mdpsim
from mdpsim.algorithms import get_algorithm
from mdpsim.algorithms.linear.lsvi_ucb import C_PRESETS


def test_presets_match_the_declared_hyperparameter():
    hp = {p.name: p for p in get_algorithm("lsvi_ucb").hyperparameters}
    assert C_PRESETS["default"] == hp["c"].default == 0.03
    assert C_PRESETS["theory"] == hp["c"].theory == 1.0
    assert C_PRESETS["tuned"] == 0.1
    assert all(hp["c"].valid(v) for v in C_PRESETS.values())


def test_default_preset_is_the_default_run():
    lm = mdpsim.make("linear_fail_state", horizon=3)
    a = mdpsim.run("lsvi_ucb", lm, episodes=20, seeds=1, rng=0)
    b = mdpsim.run("lsvi_ucb", lm, episodes=20, seeds=1, rng=0, c=C_PRESETS["default"])
    assert np.array_equal(a.regret.to_numpy(), b.regret.to_numpy())
