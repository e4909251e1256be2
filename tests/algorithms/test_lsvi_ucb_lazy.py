"""The lazy-policy contract and ``lsvi_ucb_lazy``: the same actions, exact values, regret and
estimates as ``lsvi_ucb`` (bit for bit), planning that touches only the observed successors,
the compiled loop equal to the reference loop, and one-line errors for learners that do not
fit a contract or settings the lazy evaluation does not cover."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import Learner, register_learner
from mdpsim.algorithms.linear.lsvi_ucb import LSVI_UCB
from mdpsim.algorithms.linear.lsvi_ucb_lazy import LSVI_UCB_Lazy
from mdpsim.engine.agent import Agent
from mdpsim.settings import Linear

INSTANCES = {
    "simplex": ("linear_simplex", dict(S=20, A=5, d=5, horizon=5, rng=0), {}),
    "simplex_sparse_unclipped": ("linear_simplex", dict(S=40, A=4, d=3, b=3, horizon=4, rng=1),
                                 {"ties": "unclipped", "c": 0.3}),
    "simplex_stagewise": ("linear_simplex", dict(S=12, A=3, d=4, horizon=4, rng=4,
                                                 stage_dependent=True), {"c": 1.0}),
    "hidden": ("linear_simplex_hidden", dict(S=10, A=4, d=4, horizon=4, rng=2), {"c": 0.1}),
    "riverswim_kernel": ("linear_riverswim", dict(S=5, horizon=8), {}),
    "one_hot": ("linear_one_hot", dict(base="riverswim", base_params={"S": 4}, horizon=6), {}),
    "fail_state": ("linear_fail_state", dict(horizon=3), {}),
}
SAME = ("seed", "episode", "value", "optimal_value", "regret", "return", "realized_regret",
        "estimate", "aux", "below_floor")


def _bits(a, b):
    for col in SAME:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), col


@pytest.mark.parametrize("inst", sorted(INSTANCES))
def test_lazy_equals_eager_bit_for_bit(inst):
    env, kw, hp = INSTANCES[inst]
    lm = mdpsim.make(env, **kw)
    run = dict(episodes=60, seeds=[0, 3], rng=7, eval_every="every", **hp)
    eager = mdpsim.run("lsvi_ucb", lm, **run)
    lazy = mdpsim.run("lsvi_ucb_lazy", lm, **run)
    _bits(eager, lazy)
    # switches: a change at a reached state (lazy) is a change in the table (eager)
    assert np.all(lazy.switches.to_numpy() <= eager.switches.to_numpy())
    split = lazy.attrs["time_split"]
    assert len(split) == 2 and all(set(t) == {"plan", "evaluation", "rollout"} for t in split)


def test_lazy_equals_eager_on_both_storages_and_with_noise():
    lm = mdpsim.make("linear_simplex", S=30, A=3, d=4, b=4, horizon=4, rng=5)
    for storage in ("dense", "successors"):
        run = dict(episodes=40, seeds=2, rng=1, eval_every=7, reward_noise="bernoulli")
        _bits(mdpsim.run("lsvi_ucb", Linear(lm, storage=storage), **run),
              mdpsim.run("lsvi_ucb_lazy", Linear(lm, storage=storage), **run))


def test_lazy_compiled_equals_reference():
    lm = mdpsim.make("linear_simplex", S=15, A=3, d=3, b=3, horizon=4, rng=3)
    run = dict(episodes=25, seeds=2, rng=5, eval_every="every", ties="unclipped", c=0.3)
    fast = mdpsim.run("lsvi_ucb_lazy", lm, **run)
    ref = mdpsim.run("lsvi_ucb_lazy", lm, engine="reference", **run)
    for col in ("seed", "episode", "return", "realized_regret", "switches", "estimate"):
        assert np.array_equal(fast[col].to_numpy(), ref[col].to_numpy()), col
    for col in ("value", "regret"):
        assert np.max(np.abs(fast[col].to_numpy() - ref[col].to_numpy())) <= 1e-10, col
    assert fast.switches.iloc[-1] > 0


def test_act_is_the_eager_policy_and_plan_touches_observed_successors_only():
    lm = mdpsim.make("linear_simplex", S=60, A=4, d=4, b=2, horizon=4, rng=2)
    eager = Agent("lsvi_ucb", lm, rng=3, episodes=30, c=0.3)
    lazy = Agent("lsvi_ucb_lazy", lm, rng=3, episodes=30, c=0.3)
    g = np.random.default_rng(0)
    for k in range(30):
        pe, pl = eager.policy(), lazy.policy()
        assert np.array_equal(pe, pl) and eager.estimate == lazy.estimate
        st = lazy._state
        s = 0
        for h in range(lm.horizon):
            a = int(pe[h, s].argmax())
            s2 = int(g.integers(lm.S))
            eager.observe(h, s, a, 0.5, s2)
            lazy.observe(h, s, a, 0.5, s2)
            # act answers for the planned policy after the observation of its own stage
            assert LSVI_UCB_Lazy.act(st, lazy.params, h, s) == a
            s = s2
    # a fresh plan computes Q only at the observed successors (stages 1..H-1)
    st = lazy._state
    LSVI_UCB_Lazy.plan(st, lazy.params, 30, np.random.default_rng(0))
    touched = int(np.sum(st.stamp == st.epoch[0]))
    assert touched == int(st.n_succ[:-1].sum()) < lm.S * (lm.horizon - 1)
    for h in range(lm.horizon):
        row = st.succ[h, :st.n_succ[h]]
        assert np.all(np.diff(row) > 0) and np.array_equal(row, np.flatnonzero(st.slot[h] >= 0))
        # the sums by slot are lsvi_ucb's sums by state
        M = eager._state.M[h]
        assert np.array_equal(st.Mc[h, st.succ_slot[h, :st.n_succ[h]]], M[:, row].T)
        assert np.all(M[:, np.setdiff1d(np.arange(lm.S), row)] == 0.0)


def test_lazy_outside_the_episodic_family_is_one_line():
    lm = mdpsim.make("linear_simplex", S=6, A=2, d=2, horizon=3, rng=0)
    rm = mdpsim.RobustMDP(lm.to_tabular(), "l1", 0.1)
    with pytest.raises(ValueError, match=r"lsvi_ucb_lazy plays a lazy policy.*episodic and "
                                         r"linear settings only") as e:
        mdpsim.run("lsvi_ucb_lazy", rm, episodes=2)
    assert "\n" not in str(e.value)


def test_lazy_bad_hyperparameter_is_one_line():
    lm = mdpsim.make("linear_simplex", S=6, A=2, d=2, horizon=3, rng=0)
    with pytest.raises(ValueError, match=r"lsvi_ucb_lazy: hyper-parameter ties must be one of "
                                         r"'lowest', 'unclipped'; got 'first'"):
        mdpsim.run("lsvi_ucb_lazy", lm, episodes=2, ties="first")
    tab = lm.to_tabular()
    with pytest.raises(ValueError, match="lsvi_ucb_lazy needs features"):
        mdpsim.run("lsvi_ucb_lazy", tab, episodes=2)


def _learner(name, **attrs):
    return type(name.upper(), (Learner,), {"name": name, "title": name, "paper": "-",
                                           **attrs})


def test_contract_declarations_are_checked_at_registration():
    k = LSVI_UCB.plan
    with pytest.raises(ValueError, match=r"algorithm 'neither_fixture' must define plan and "
                                         r"observe kernels \(the table contract\), or declare "
                                         r"contract = 'lazy'"):
        register_learner(_learner("neither_fixture"))
    with pytest.raises(ValueError, match=r"'lazy_fixture' declares contract = 'lazy' but does "
                                         r"not define the kernel\(s\) act, estimate"):
        register_learner(_learner("lazy_fixture", contract="lazy", plan=k,
                                  observe=LSVI_UCB.observe))
    with pytest.raises(ValueError, match=r"'odd_fixture': contract must be one of 'table', "
                                         r"'lazy'; got 'eager'"):
        register_learner(_learner("odd_fixture", contract="eager", plan=k,
                                  observe=LSVI_UCB.observe))
    with pytest.raises(ValueError, match="the lazy contract has no report hook"):
        register_learner(_learner("mix_fixture", contract="lazy", plan=k, act=k, estimate=k,
                                  observe=LSVI_UCB.observe, report=k))
    assert "neither_fixture" not in mdpsim.list_algorithms()


def test_lazy_equals_eager_with_reevaluation_and_eps_grid():
    lm = mdpsim.make("linear_simplex", S=30, A=4, d=3, b=3, horizon=4, rng=2)
    kw = dict(episodes=50, seeds=2, rng=1, eval_every="every", reevaluate="always",
              eps_grid=[0.05, 0.5])
    a, b = mdpsim.run("lsvi_ucb", lm, **kw), mdpsim.run("lsvi_ucb_lazy", lm, **kw)
    cols = [c for c in a.columns if c not in ("algorithm", "params", "switches", "wall_time")]
    assert [c for c in cols if not a[c].equals(b[c])] == []
    assert b.attrs["evaluations"] == [50, 50]
