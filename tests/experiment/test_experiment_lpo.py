"""LPO (a stochastic planner) in an experiment spec: each seed gets its own run stream
``SeedSequence(root_seed, spawn_key=(*spawn_key, i, 1))``, the cell equals the direct run,
and the committed switching spec parses."""
import pathlib

import numpy as np

import mdpsim
from mdpsim.algorithms import run_planner
from mdpsim.experiment import load_spec, run_experiment

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_lpo_cell_equals_direct_run_with_its_stream(tmp_path):
    spec = {"name": "lpocheck", "root_seed": 5,
            "envs": {"rs": {"env": "riverswim", "params": {"S": 4, "gamma": 0.9},
                            "spawn_key": [2]}},
            "planners": {"LPO": {"planner": "lpo",
                                 "params": {"budget": 800, "K": 3, "M": 10}}},
            "iterations": 1_000_000, "seeds": 2, "seed_batch": 2}
    rep = run_experiment(spec, out=tmp_path, executor="inline", progress=False)
    assert rep.ok and rep.computed == 1, rep.summary()
    df = mdpsim.load("lpocheck", out=tmp_path)
    for i in (0, 1):
        got = df[df.seed == i].sort_values("iteration")
        assert set(got.run_spawn_key) == {f"2,{i},1"}
        ref = run_planner("lpo", mdpsim.make("riverswim", S=4, gamma=0.9), budget=800, K=3,
                          M=10, rng=np.random.SeedSequence(5, spawn_key=(2, i, 1)))
        np.testing.assert_array_equal(got.value.to_numpy(), ref.value.to_numpy())
        np.testing.assert_array_equal(got.transitions.to_numpy(), ref.transitions.to_numpy())
    a, b = (df[df.seed == i].sort_values("iteration") for i in (0, 1))
    assert not (len(a) == len(b) and np.array_equal(a.transitions, b.transitions))


def test_switching_spec_parses():
    quick = load_spec(ROOT / "experiments" / "lpo_switches.py", profile="quick")
    full = load_spec(ROOT / "experiments" / "lpo_switches.py", profile="full")
    assert len(quick.cells()) == 5 * (8 // 4 + 4 // 4)
    assert len(full.cells()) == 5 * (20 // 4 + 4 // 4)
    for prof in ("baselines", "baselines_full"):
        base = load_spec(ROOT / "experiments" / "lpo_switches.py", profile=prof)
        cells = base.cells()
        assert len(cells) == 3 * 3 * (8 // 4)
        for c in cells:     # the same cheap NPG phase for LPO and both baselines
            a = c.content["algorithm"]
            assert a["params"]["K"] == 4 and a["params"]["M"] == 10
            assert a["params"]["budget"] == (10**5 if prof == "baselines" else 10**6)
