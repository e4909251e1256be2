"""The online-learning engine: compiled loop vs the reference loop (the oracle), seeding,
schedules, the output table, and input validation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mdpsim
from mdpsim.engine import COLUMNS, schedule, seed_sequence
from mdpsim.engine.agent import Agent

#: the algorithms of the engine issue (other registered learners have their own test files)
ALGORITHMS = ["ucbvi_ch", "ucbvi_bf", "psrl", "optq", "greedy", "epsilon_greedy"]
VALUE_TOL = 1e-10          # values: compiled kernel vs NumPy reference kernel (rounding only)


def _instances():
    return {
        "riverswim": mdpsim.make("riverswim", S=4, horizon=6),
        "garnet": mdpsim.make("garnet", S=6, A=3, b=3, horizon=5, rng=2),   # successor lists
        "chain_lock": mdpsim.make("chain_lock", S=4, A=2, horizon=5, rng=1),
        "garnet_stage": mdpsim.make("garnet", S=5, A=2, b=2, horizon=4, rng=4,
                                    stage_dependent=True, storage="dense"),
    }


INSTANCES = _instances()


def _assert_same_run(a: pd.DataFrame, b: pd.DataFrame):
    """Identical trajectories (exact) and values / regret to rounding."""
    assert len(a) == len(b)
    for col in ("seed", "episode", "return", "realized_regret", "switches", "estimate"):
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy(), equal_nan=True), col
    for col in ("value", "regret"):
        err = np.max(np.abs(a[col].to_numpy() - b[col].to_numpy()))
        scale = 1.0 + np.max(np.abs(b[col].to_numpy()))
        assert err <= VALUE_TOL * scale, (col, err)


@pytest.mark.parametrize("env", sorted(INSTANCES))
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_compiled_matches_reference(algorithm, env):
    mdp = INSTANCES[env]
    kw = dict(episodes=40, seeds=2, rng=7, eval_every="every")
    fast = mdpsim.run(algorithm, mdp, **kw)
    ref = mdpsim.run(algorithm, mdp, engine="reference", **kw)
    _assert_same_run(fast, ref)


@pytest.mark.parametrize("algorithm", ["ucbvi_ch", "ucbvi_bf", "psrl", "optq", "greedy"])
def test_compiled_matches_reference_bernoulli_estimated_rewards(algorithm):
    mdp = INSTANCES["garnet"]
    kw = dict(episodes=30, seeds=2, rng=3, eval_every=7, reward_noise="bernoulli",
              estimate_rewards=True)
    _assert_same_run(mdpsim.run(algorithm, mdp, **kw),
                     mdpsim.run(algorithm, mdp, engine="reference", **kw))


def test_rollout_is_inverse_cdf_sampling():
    """Episode 1 of a deterministic learner is mdpsim.sample_trajectory with the uniforms
    u_0 (initial state), u_{1+2h} (action), u_{2+2h} (next state) of the seed's stream."""
    for mdp in (INSTANCES["riverswim"], INSTANCES["garnet"]):
        df = mdpsim.run("greedy", mdp, episodes=1, seeds=3, rng=11)
        root = np.random.SeedSequence(11)
        for i in range(3):
            gen = np.random.Generator(np.random.PCG64(seed_sequence(root, i)))
            pi = Agent("greedy", mdp, rng=0).policy()   # greedy's first plan draws nothing
            u = gen.random(2 * mdp.horizon + 1)
            _, _, rewards = mdpsim.sample_trajectory(mdp, pi, uniforms=u)
            ret = df.loc[df.seed == i, "return"].item()
            assert ret == float(np.sum(rewards))  # same summation order: exact


def test_seed_streams_are_spawned_children():
    root = np.random.SeedSequence(1234)
    kids = np.random.SeedSequence(1234).spawn(5)
    for i, kid in enumerate(kids):
        mine = seed_sequence(root, i)
        assert mine.spawn_key == kid.spawn_key
        assert np.array_equal(mine.generate_state(4), kid.generate_state(4))
    assert root.n_children_spawned == 0   # the root is not mutated


def test_threads_and_seed_subsets_do_not_change_results():
    mdp = INSTANCES["garnet"]
    kw = dict(episodes=200, rng=5, eval_every="log")
    serial = mdpsim.run("psrl", mdp, seeds=4, threads=1, **kw)
    threaded = mdpsim.run("psrl", mdp, seeds=4, threads=2, **kw)
    subset = mdpsim.run("psrl", mdp, seeds=[3, 1], threads=2, **kw)
    cols = [c for c in serial.columns if c != "wall_time"]
    pd.testing.assert_frame_equal(serial[cols], threaded[cols], check_exact=True)
    plain = lambda d: d.astype({c: object for c in d.columns  # noqa: E731
                                if isinstance(d[c].dtype, pd.CategoricalDtype)})
    for i in (1, 3):
        a = plain(serial.loc[serial.seed == i, cols].reset_index(drop=True))
        b = plain(subset.loc[subset.seed == i, cols].reset_index(drop=True))
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_regret_is_cumulative_exact_gap_and_schedule_independent():
    mdp = INSTANCES["riverswim"]
    every = mdpsim.run("ucbvi_bf", mdp, episodes=300, seeds=2, rng=1, eval_every="every")
    vstar = mdpsim.solve(mdp).value
    for _, g in every.groupby("seed"):
        gaps = np.cumsum(vstar - g["value"].to_numpy())
        assert np.max(np.abs(g["regret"].to_numpy() - gaps)) <= 1e-9
        assert np.all(g["optimal_value"].to_numpy() == vstar)
        # the value reported is the exact value of a policy: never above V*
        assert np.all(g["value"].to_numpy() <= vstar + 1e-12)
    for ev in (("log", 20), 17, [5, 50, 299]):
        thin = mdpsim.run("ucbvi_bf", mdp, episodes=300, seeds=2, rng=1, eval_every=ev)
        full = every.set_index(["seed", "episode"]).loc[
            list(zip(thin.seed, thin.episode))].reset_index()
        for col in ("regret", "value", "return", "switches", "realized_regret"):
            assert np.array_equal(thin[col].to_numpy(), full[col].to_numpy()), (ev, col)
        assert thin.groupby("seed").episode.max().eq(300).all()


def test_switch_count_matches_policy_changes():
    mdp = INSTANCES["riverswim"]
    df = mdpsim.run("ucbvi_ch", mdp, episodes=60, seeds=1, rng=2, eval_every="every")
    # replay through the facade with the seed's stream: count changes of the policy table
    gen = np.random.Generator(np.random.PCG64(seed_sequence(np.random.SeedSequence(2), 0)))
    agent = Agent("ucbvi_ch", mdp, rng=gen, episodes=60)
    from mdpsim.engine.reference import reference_loop
    out = reference_loop(agent, mdp, 60, np.arange(1, 61), mdpsim.solve(mdp).value, gen, False)
    assert np.array_equal(df["switches"].to_numpy(), out[4])
    sw = df["switches"].to_numpy()
    assert sw[0] == 0 and np.all(np.diff(sw) >= 0) and np.all(np.diff(sw) <= 1)
    assert sw[-1] >= 1
    # greedy on RiverSwim never changes its policy (it never leaves the left bank)
    g = mdpsim.run("greedy", mdpsim.make("riverswim", S=6, horizon=20), episodes=200)
    assert g["switches"].max() == 0


def test_dataframe_schema_and_metadata():
    mdp = INSTANCES["garnet"]
    df = mdpsim.run("ucbvi_ch", mdp, episodes=50, seeds=3, rng=9, eval_every=10,
                    bonus_scale=0.5, delta=0.2)
    hp = mdpsim.algorithms.get_algorithm("ucbvi_ch").resolve({})
    for col in list(COLUMNS) + list(hp):
        assert col in df.columns, col
    assert len(df) == 3 * 5
    for col in ("value", "optimal_value", "regret", "return", "realized_regret", "estimate",
                "wall_time"):
        assert df[col].dtype == np.float64, col
    assert df["switches"].dtype == np.int64 and df["episode"].dtype == np.int64
    assert set(df["algorithm"]) == {"ucbvi_ch"} and set(df["env"]) == {mdp.name}
    assert np.all(df["bonus_scale"] == 0.5) and np.all(df["delta"] == 0.2)
    assert set(df["spawn_key"]) == {"0", "1", "2"}
    assert set(df["root_entropy"]) == {"9"}
    assert df.attrs["sources"]["bonus_scale"] == "proposed"
    assert df.attrs["theory"]["bonus_scale"] == 1.0
    for _, g in df.groupby("seed"):
        w = g["wall_time"].to_numpy()
        assert np.all(np.isfinite(w)) and np.all(np.diff(w) >= 0.0)


def test_alias_and_algorithm_class_accepted():
    mdp = INSTANCES["riverswim"]
    a = mdpsim.run("ucbvi", mdp, episodes=20, rng=1)
    b = mdpsim.run("ucbvi_ch", mdp, episodes=20, rng=1)
    assert np.array_equal(a["regret"].to_numpy(), b["regret"].to_numpy())
    assert set(a["algorithm"]) == {"ucbvi_ch"}


# ------------------------------------------------------------------------------ bad input
def _msg(fn):
    with pytest.raises(ValueError) as e:
        fn()
    return str(e.value)


def test_bad_input_is_rejected_with_the_field_named():
    mdp = INSTANCES["riverswim"]
    m = _msg(lambda: mdpsim.run("ucbvi2", mdp, episodes=5))
    assert "ucbvi2" in m and all(n in m for n in ("ucbvi_ch", "ucbvi_bf", "psrl", "greedy"))
    m = _msg(lambda: mdpsim.run("ucbvi_ch", mdp, episodes=5, bonus=1.0))
    assert "'bonus'" in m and "bonus_scale" in m
    m = _msg(lambda: mdpsim.run("ucbvi_ch", mdp, episodes=5, bonus_scale="big"))
    assert "bonus_scale" in m and "float" in m
    m = _msg(lambda: mdpsim.run("ucbvi_ch", mdp, episodes=5, bonus_scale=True))
    assert "bonus_scale" in m
    m = _msg(lambda: mdpsim.run("ucbvi_ch", mdp, episodes=5, monotone=1))
    assert "monotone" in m and "bool" in m
    m = _msg(lambda: mdpsim.run("ucbvi_ch", mdp, episodes=5, delta=1.5))
    assert "delta" in m and "(0, 1)" in m
    m = _msg(lambda: mdpsim.run("ucbvi_ch", mdp, episodes=5, clip="sometimes"))
    assert "clip" in m and "'remaining'" in m
    m = _msg(lambda: mdpsim.run("epsilon_greedy", mdp, episodes=5, epsilon=-0.1))
    assert "epsilon" in m
    for bad in (0, -3, 2.5, True, None):
        assert "episodes" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=bad))
    for bad in (0, -1, [], [1, 1], [-2], 1.5):
        assert "seeds" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5, seeds=bad))
    assert "threads" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5, threads=0))
    assert "eval_every" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5, eval_every=0))
    assert "eval_every" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5,
                                                   eval_every="sometimes"))
    assert "eval_every" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5,
                                                   eval_every=[3, 2]))
    assert "reward_noise" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5,
                                                     reward_noise="gauss"))
    grid = mdpsim.make("gridworld", horizon=5)     # rewards outside [0, 1]
    m = _msg(lambda: mdpsim.run("psrl", grid, episodes=5, reward_noise="bernoulli"))
    assert "R[" in m and "[0, 1]" in m
    disc = mdpsim.make("riverswim", S=4, gamma=0.9)
    assert "finite-horizon" in _msg(lambda: mdpsim.run("psrl", disc, episodes=5))
    assert "mdp" in _msg(lambda: mdpsim.run("psrl", "riverswim", episodes=5))
    assert "engine" in _msg(lambda: mdpsim.run("psrl", mdp, episodes=5, engine="gpu"))


def test_schedule():
    assert np.array_equal(schedule("every", 4), [1, 2, 3, 4])
    assert np.array_equal(schedule(3, 10), [3, 6, 9, 10])
    e = schedule(("log", 10), 1000)
    assert e[0] == 1 and e[-1] == 1000 and np.all(np.diff(e) > 0)
    assert np.array_equal(schedule([2, 5], 9), [2, 5, 9])
    assert np.array_equal(schedule("auto", 50), np.arange(1, 51))
    assert len(schedule("auto", 10 ** 6)) <= 200


# ------------------------------------------------------------------------------ Agent
def test_agent_facade_protocol():
    mdp = INSTANCES["riverswim"]
    # without an episode budget UCBVI uses the anytime log term L_k = ln(5 S A k H / δ)
    anytime = mdpsim.agent("ucbvi", mdp, rng=0)
    known = mdpsim.agent("ucbvi", mdp, rng=0, episodes=10 ** 6)
    assert anytime.policy().shape == known.policy().shape
    assert anytime.estimate <= known.estimate       # L_1 < L_K: smaller bonus, same cap
    with pytest.raises(ValueError, match="episodes"):
        mdpsim.agent("ucbvi", mdp, rng=0, episodes=0)
    ag = mdpsim.agent("ucbvi", mdp, rng=0, episodes=10)
    with pytest.raises(ValueError, match="observe"):
        ag.observe(0, 0, 0, 0.0, 0)
    pi = ag.policy()
    assert pi.shape == (mdp.horizon, mdp.S, mdp.A)
    assert np.max(np.abs(pi.sum(-1) - 1.0)) <= 1e-15
    assert np.array_equal(ag.policy(), pi) and ag.episode == 1    # no re-planning
    a = ag.act(0, 0)
    assert a == int(np.argmax(pi[0, 0]))
    with pytest.raises(ValueError, match="step h = 0"):
        ag.observe(1, 0, a, 0.0, 1)
    with pytest.raises(ValueError, match="s_next"):
        ag.observe(0, 0, a, 0.0, mdp.S)
    s = 0
    for h in range(mdp.horizon):
        a = ag.act(h, s)
        ag.observe(h, s, a, 0.0, s)
    ag.policy()
    assert ag.episode == 2
    st = ag.state
    assert set(st) == set(mdpsim.algorithms.get_algorithm("ucbvi_ch").state_fields)
    assert st["N"].sum() == mdp.horizon
