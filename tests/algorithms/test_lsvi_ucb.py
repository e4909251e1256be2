"""LSVI-UCB and greedy LSVI as engine learners in the linear setting: they run through
mdpsim.run on every linear environment, the compiled loop equals the reference loop, the
learner's state holds the features and its own statistics only (never μ, θ or P), the
plan kernel equals the standalone kernel, and bad input gets one line."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import get_algorithm, model_info
from mdpsim.algorithms.linear import lsvi_ucb_plan, lsvi_ucb_state, lsvi_ucb_observe
from mdpsim.algorithms.linear.lsvi_ucb import lsvi_plan
from mdpsim.engine.agent import Agent
from mdpsim.envs import list_envs
from mdpsim.settings import Linear

LINEAR_ENVS = {
    "linear_simplex": dict(S=8, A=3, d=3, horizon=4, rng=1),
    "linear_simplex_hidden": dict(S=8, A=3, d=3, horizon=4, rng=1),
    "linear_one_hot": dict(base="riverswim", base_params={"S": 3}, horizon=5),
    "linear_aggregated": dict(S=6, A=2, d=4, b=2, horizon=4, rng=2),
    "linear_fail_state": dict(horizon=3),
    "linear_riverswim": dict(S=4, horizon=6),
}
VALUE_TOL = 1e-10


def test_every_linear_env_is_covered():
    assert {e for e in list_envs() if e.startswith("linear_")} == set(LINEAR_ENVS)


def _same(a, b):
    assert len(a) == len(b)
    for col in ("seed", "episode", "return", "realized_regret", "switches", "estimate"):
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy(), equal_nan=True), col
    for col in ("value", "regret"):
        err = np.max(np.abs(a[col].to_numpy() - b[col].to_numpy()))
        assert err <= VALUE_TOL * (1.0 + np.max(np.abs(b[col].to_numpy()))), (col, err)


@pytest.mark.parametrize("env", sorted(LINEAR_ENVS))
@pytest.mark.parametrize("algorithm,hp", [("lsvi_ucb", {}),
                                          ("lsvi_ucb", {"ties": "unclipped", "c": 0.3}),
                                          ("lsvi_greedy", {})])
def test_runs_and_compiled_equals_reference(env, algorithm, hp):
    lm = mdpsim.make(env, **LINEAR_ENVS[env])
    kw = dict(episodes=25, seeds=2, rng=5, eval_every="every", **hp)
    fast = mdpsim.run(algorithm, lm, **kw)
    assert fast.attrs["d"] == lm.d and fast.attrs["setting"].startswith("Linear(")
    assert np.all(np.diff(fast.groupby("seed").regret.apply(np.asarray).iloc[0]) >= -1e-12)
    _same(fast, mdpsim.run(algorithm, lm, engine="reference", **kw))


def test_setting_equals_model_and_optimum_is_tabular():
    lm = mdpsim.make("linear_simplex", S=6, A=3, d=3, horizon=4, rng=0)
    a = mdpsim.run("lsvi_ucb", lm, episodes=20, seeds=2, rng=1)
    b = mdpsim.run("lsvi_ucb", Linear(lm, storage="dense"), episodes=20, seeds=2, rng=1)
    c = mdpsim.run("lsvi_ucb", Linear(lm, storage="successors"), episodes=20, seeds=2, rng=1)
    for x in (b, c):
        assert np.array_equal(a["return"].to_numpy(), x["return"].to_numpy())
        assert np.allclose(a["regret"], x["regret"], atol=1e-12)
    assert a["optimal_value"].iloc[0] == pytest.approx(mdpsim.solve(lm.to_tabular()).value,
                                                       abs=1e-12)


def test_state_never_holds_the_model():
    lm = mdpsim.make("linear_simplex", S=7, A=3, d=4, horizon=3, rng=3)
    ag = Agent("lsvi_ucb", lm, rng=0, episodes=10)
    st = ag.state
    assert set(st) == {"phi4", "Lam_inv", "b_r", "M", "Q", "Qu", "w", "V", "init"}
    assert np.array_equal(st["phi4"][0], lm.phi)
    forbidden = [np.asarray(lm.mu), np.asarray(lm.theta), np.asarray(lm.P), np.asarray(lm.R)]
    for name, arr in st.items():
        for f in forbidden:
            assert not (arr.shape == f.shape and np.array_equal(arr, f)), name
    side = ag.info.side
    assert side.baseline_pi is None and side.offline is None
    assert side.features.shape == (1, 7, 3, 4)


def test_plan_kernel_equals_standalone_kernel():
    lm = mdpsim.make("linear_simplex", S=9, A=4, d=3, horizon=4, rng=7, stage_dependent=True)
    phi4 = np.ascontiguousarray(lm.stage_phi())
    H, S, A, d = 4, 9, 4, 3
    Li, br, M = lsvi_ucb_state(H, S, d, 1.0)
    rng = np.random.default_rng(0)
    for _ in range(30):
        s = rng.integers(0, S, H + 1)
        a = rng.integers(0, A, H)
        lsvi_ucb_observe(phi4, Li, br, M, s, a, rng.random(H))
    Q1, w1 = np.zeros((H, S, A)), np.zeros((H, d))
    lsvi_ucb_plan(phi4, Li, br, M, 0.7, Q1, w1)
    Q2, Qu, w2, V = np.zeros((H, S, A)), np.zeros((H, S, A)), np.zeros((H, d)), np.zeros(S)
    lsvi_plan(phi4, Li, br, M, 0.7, Q2, Qu, w2, V)
    assert np.array_equal(Q1, Q2) and np.array_equal(w1, w2)
    assert np.all(Qu >= Q2) and np.array_equal(np.minimum(Qu, (H - np.arange(H))[:, None, None]),
                                               Q2)


def test_per_step_observe_equals_episode_kernel():
    """The learner's per-step observe (Sherman–Morrison at every step) gives the statistics
    of the standalone episode kernel, bit for bit."""
    lm = mdpsim.make("linear_riverswim", S=4, horizon=5)
    ag = Agent("lsvi_ucb", lm, rng=0, episodes=10)
    phi4 = np.ascontiguousarray(lm.stage_phi())
    Li, br, M = lsvi_ucb_state(5, 4, lm.d, 1.0)
    rng = np.random.default_rng(1)
    for _ in range(6):
        ag.policy()
        s = rng.integers(0, 4, 6)
        a = rng.integers(0, 2, 5)
        r = rng.random(5)
        for h in range(5):
            ag.observe(h, int(s[h]), int(a[h]), float(r[h]), int(s[h + 1]))
        lsvi_ucb_observe(phi4, Li, br, M, s, a, r)
    st = ag.state
    assert np.array_equal(st["Lam_inv"], Li) and np.array_equal(st["b_r"], br)
    assert np.array_equal(st["M"], M)


def test_unclipped_tie_rule_breaks_cap_ties():
    lm = mdpsim.make("linear_riverswim", S=4, horizon=6)
    pis = {}
    for ties in ("lowest", "unclipped"):
        ag = Agent("lsvi_ucb", lm, rng=0, episodes=100, c=1.0, ties=ties)
        pis[ties] = ag.policy()
    # first episode: every Q at its cap; lowest index plays action 0 everywhere
    assert np.all(pis["lowest"][..., 0] == 1.0)
    assert np.all(pis["unclipped"].sum(-1) == 1.0)


def test_hyperparameters_and_theory_declared():
    cls = get_algorithm("lsvi_ucb")
    hp = {p.name: p for p in cls.hyperparameters}
    assert hp["lam"].default == 1.0 and hp["lam"].source == "paper"
    assert hp["c"].source == "proposed" and hp["c"].theory == 1.0
    assert cls.bound.k_exponent == 0.5 and cls.acceptance.hi == 0.6
    assert cls.needs == ("features",)
    g = get_algorithm("lsvi_greedy")
    assert g.rule(hard_exploration=True).lo == 0.9


def _one_line(fn, match):
    with pytest.raises(ValueError) as e:
        fn()
    msg = str(e.value)
    assert match in msg and "\n" not in msg, msg


def test_errors_are_one_line():
    tab = mdpsim.make("riverswim", S=4, horizon=5)
    lm = mdpsim.make("linear_riverswim", S=4, horizon=5)
    _one_line(lambda: mdpsim.run("lsvi_ucb", tab, episodes=3), "lsvi_ucb needs features")
    _one_line(lambda: Agent("lsvi_ucb", tab, episodes=3), "lsvi_ucb needs features")
    _one_line(lambda: Linear(lm, features=np.ones((5, 2, 3))), "features must have shape")
    _one_line(lambda: Linear(lm, features=np.ones((3, 4, 2, 3))), "features must have shape")
    _one_line(lambda: Linear(tab), "Linear setting needs a LinearMDP")
    _one_line(lambda: mdpsim.run("lsvi_ucb", lm, episodes=3, ties="random"),
              "hyper-parameter ties must be one of")
    _one_line(lambda: mdpsim.run("lsvi_ucb", lm, episodes=3, c=-1.0), "hyper-parameter c")
    _one_line(lambda: Agent("lsvi_ucb", lm), "needs episodes=K")
    # a learner given features of the wrong shape directly (wrong d is only detectable as a
    # shape mismatch with S, A, H)
    cls = get_algorithm("lsvi_ucb")
    info = model_info(lm.to_tabular(), 5, mdpsim.algorithms.SideInfo(features=np.ones((4, 2, 3))))
    _one_line(lambda: cls.init_state(info, cls.resolve({})), "features must have shape")
    # mismatched d inside a LinearMDP: mu with the wrong number of factors
    _one_line(lambda: mdpsim.LinearMDP(lm.phi, np.ones((lm.d + 1, 4)) / 4, lm.theta,
                                       horizon=5), "factors")


def test_given_features_are_recorded():
    lm = mdpsim.make("linear_simplex", S=6, A=3, d=3, horizon=4, rng=0)
    phi = np.concatenate([lm.phi, np.ones((6, 3, 1))], axis=2) / 2.0
    df = mdpsim.run("lsvi_ucb", Linear(lm, features=phi), episodes=5, seeds=1)
    assert df.attrs["d"] == 4 and df.attrs["features"] == "given"


def test_ucbvi_on_one_hot_model_runs():
    lm = mdpsim.make("linear_one_hot", base="riverswim", base_params={"S": 3}, horizon=5)
    df = mdpsim.run("ucbvi_ch", lm, episodes=10, seeds=1)
    assert df.attrs["d"] == 6 and np.isfinite(df.regret.iloc[-1])
