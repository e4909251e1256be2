"""Tabular optimistic actor-critic (mdpsim.algorithms.actor_critic;
docs/papers/optimistic_actor_critic.md §3): the first policy is uniform, a switch resets the
actor (logits = η_1 f right after it), the epoch count obeys the doubling bound, the critic is
optimistic on the good event with the theoretical bonus, the ablations do what they say, and
bad input gets one line."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import get_algorithm, model_info
from mdpsim.algorithms.actor_critic import (doubling_fired, epoch_bound, softmax_policy)
from mdpsim.planning import solve

OAC = get_algorithm("actor_critic")


def _kernel_run(mdp, K, seed=0, **hp):
    """Run the learner's kernels from Python; yields (k, state, pi) after each plan."""
    hp = OAC.resolve(hp)
    info = model_info(mdp, K)
    st = OAC.init_state(info, hp)
    pa = OAC.params(info, hp)
    rng = np.random.default_rng(seed)
    P = np.asarray(mdp.P)
    P4 = P[None] if P.ndim == 3 else P
    R = np.asarray(mdp.stage_R())
    H, S, A = mdp.horizon, mdp.S, mdp.A
    pi = np.zeros((H, S, A))
    for k in range(K):
        OAC.plan(st, pa, k, rng, pi)
        yield k, st, pi
        s = rng.choice(S, p=np.asarray(mdp.init))
        for h in range(H):
            a = rng.choice(A, p=pi[h, s])
            s2 = rng.choice(S, p=P4[min(h, P4.shape[0] - 1), s, a])
            OAC.observe(st, pa, h, s, a, float(R[min(h, R.shape[0] - 1), s, a]), s2)
            s = s2


@pytest.fixture(scope="module")
def river():
    return mdpsim.make("riverswim", S=4, horizon=6)


def test_registered_with_reconstruction_labels():
    assert get_algorithm("oac") is OAC
    assert OAC.reconstructed and all(p.source in ("paper", "proposed")
                                     for p in OAC.hyperparameters)
    assert "arXiv:2505.03710" in OAC.paper


def test_softmax_and_doubling_helpers():
    lg = np.array([[[0.0, 0.0], [1000.0, 0.0]]])
    pi = softmax_policy(lg, np.zeros_like(lg))
    assert np.allclose(pi[0, 0], 0.5, atol=0, rtol=1e-15) and pi[0, 1, 0] == 1.0
    n, m = np.zeros((1, 1, 2)), np.zeros((1, 1, 2))
    assert not doubling_fired(n, m)
    n[0, 0, 1] = 1.0
    assert doubling_fired(n, m)                       # 0 -> 1 fires
    m[:] = n
    n[0, 0, 1] = 1.0
    assert not doubling_fired(n, m)
    n[0, 0, 1] = 2.0
    assert doubling_fired(n, m)                       # 1 -> 2 fires
    m[:] = n
    n[0, 0, 1] = 3.0
    assert not doubling_fired(n, m)                   # 2 -> 3 does not
    assert epoch_bound(6, 2, 20, 1024) == 1 + 240 * 11


def test_first_policy_uniform_and_reset_at_switch(river):
    H, A = river.horizon, river.A
    epochs = []
    for k, st, pi in _kernel_run(river, 40, refit="every", c_eta=3.0):
        if k == 0:
            assert np.all(pi == 1.0 / A)              # f = V_max everywhere: uniform
        epochs.append(st.clock[0])
        if k > 0 and st.clock[0] > epochs[-2]:        # a switch: logits = η_1 f exactly
            eta1 = 3.0 * math.sqrt(math.log(A) / H ** 2)
            assert st.clock[1] == k and st.clock[2] == eta1
            assert np.array_equal(st.logits, eta1 * st.f)
    assert epochs[0] == 1 and np.all(np.diff(epochs) >= 0) and epochs[-1] > 3


def test_refit_at_switch_freezes_the_critic(river):
    prev = None
    for k, st, pi in _kernel_run(river, 40, refit="switch"):
        if prev is not None and st.clock[0] == prev[0]:
            assert np.array_equal(st.f, prev[1])      # same epoch: critic unchanged
        prev = (st.clock[0], st.f.copy())


def test_no_optimism_zero_on_unvisited(river):
    for k, st, pi in _kernel_run(river, 3, optimism=False):
        unvisited = st.N[0] == 0.0
        assert np.all(st.f[:, unvisited] == 0.0)


def test_critic_optimistic_with_theoretical_bonus(river):
    """c_b = 1: f_h(s, a) >= Q*_h(s, a) at every episode (Hoeffding event)."""
    sol = solve(river)
    Qstar = np.asarray(sol.Q)
    for k, st, pi in _kernel_run(river, 60, bonus_scale=1.0):
        assert np.all(st.f >= Qstar - 1e-12)


def test_epochs_in_the_run_table_and_bound():
    mdp = mdpsim.make("riverswim", S=4, horizon=6)
    K = 400
    df = mdpsim.run("actor_critic", mdp, episodes=K, seeds=2, eval_every="every")
    assert df.groupby("seed").aux.apply(lambda x: np.all(np.diff(x.values) >= 0)).all()
    assert df.aux.max() <= epoch_bound(4, 2, 6, K) and df.aux.min() == 1.0
    every = mdpsim.run("actor_critic", mdp, episodes=50, seeds=1, eval_every="every",
                       switching="every")
    assert np.array_equal(every.aux.values, np.arange(1, 51, dtype=float))


def test_no_optimism_ablation_pays_more_on_riverswim():
    mdp = mdpsim.make("riverswim", S=5, horizon=10)
    K = 1500
    opt = mdpsim.run("actor_critic", mdp, episodes=K, seeds=2, eval_every=K)
    no = mdpsim.run("actor_critic", mdp, episodes=K, seeds=2, eval_every=K, optimism=False)
    assert no.regret.mean() > 3 * opt.regret.mean()


def test_reference_engine_same_trajectories():
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    a = mdpsim.run("actor_critic", mdp, episodes=30, seeds=1, eval_every="every", c_eta=2.0)
    b = mdpsim.run("actor_critic", mdp, episodes=30, seeds=1, eval_every="every", c_eta=2.0,
                   engine="reference")
    for col in ("return", "switches", "estimate", "aux"):   # same trajectories, exactly
        assert np.array_equal(a[col].values, b[col].values), col
    assert np.max(np.abs(a.value.values - b.value.values)) <= 1e-12   # evaluators: rounding


@pytest.mark.parametrize("hp, field", [({"c_eta": 0.0}, "c_eta"), ({"c_eta": -1.0}, "c_eta"),
                                       ({"bonus_scale": -0.1}, "bonus_scale"),
                                       ({"refit": "sometimes"}, "refit")])
def test_bad_input_one_line(hp, field):
    with pytest.raises(ValueError) as e:
        OAC.resolve(hp)
    msg = str(e.value)
    assert "\n" not in msg and field in msg and repr(list(hp.values())[0]) in msg


# ------------------------------------------------------------------------ hybrid version
def test_hybrid_offline_data_are_offline_dataset_draws(river):
    from mdpsim.engine.side import baseline_policy, offline_dataset, side_info
    HY = get_algorithm("actor_critic_hybrid")
    hp = HY.resolve({"offline_n": 7, "baseline_fraction": 0.6})
    info = model_info(river, 10, side_info(HY, river, hp))
    st, pa = HY.init_state(info, hp), HY.params(info, hp)
    HY.plan(st, pa, 0, np.random.default_rng(5), np.zeros((6, 4, 2)))
    mu = baseline_policy(river, 0.6).pi
    states, actions = offline_dataset(river, mu, 7, rng=np.random.default_rng(5))
    cnt = np.zeros((6, 4, 2))
    for i in range(7):
        for h in range(6):
            cnt[h, states[i, h], actions[i, h]] += 1.0
    assert np.array_equal(st.Nstep, cnt) and np.array_equal(st.Nlast, cnt)
    assert st.N.sum() == 42.0 and st.clock[0] == 1.0


def test_hybrid_offline_data_help_the_non_optimistic_critic(river):
    kw = dict(episodes=300, seeds=2, eval_every=300, baseline_fraction=0.5)
    none = mdpsim.run("actor_critic_hybrid", river, offline_n=0, **kw)
    many = mdpsim.run("actor_critic_hybrid", river, offline_n=200, **kw)
    assert many.regret.mean() < 0.1 * none.regret.mean()


def test_hybrid_bad_offline_n_one_line():
    with pytest.raises(ValueError) as e:
        get_algorithm("actor_critic_hybrid").resolve({"offline_n": -1})
    assert "\n" not in str(e.value) and "offline_n" in str(e.value) and "-1" in str(e.value)


def test_proofs_check_passes_small():
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[2] / "proofs_checks" / "oac_actor_critic.py"
    spec = importlib.util.spec_from_file_location("_test_check_oac", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    r = mod.check(episodes=60, seeds=2, delta=0.5)
    assert r["passed"], r["margins"]


def test_hybrid_offline_source_of_the_wrong_shape_one_line(river):
    from mdpsim.algorithms import SideInfo
    from mdpsim.engine.side import OfflineSource
    HY = get_algorithm("actor_critic_hybrid")
    hp = HY.resolve({"offline_n": 3})
    bad = OfflineSource(P=np.ones((1, 4, 2, 3)) / 3, behaviour_pi=np.full((6, 4, 2), 0.5), n=3)
    with pytest.raises(ValueError) as e:
        HY.init_state(model_info(river, 10, SideInfo(offline=bad)), hp)
    msg = str(e.value)
    assert "\n" not in msg and "wrong shape" in msg and "(1, 4, 2, 3)" in msg
