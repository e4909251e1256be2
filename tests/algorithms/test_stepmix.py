"""Conservative exploration (StepMix, EpsMix, budget UCBVI, baseline; arXiv:2306.06265):
compiled engine vs the reference engine, the unconstrained limit = UCBVI-CH, zero
violations on small runs, EpsMix's closed form, the certified search, the baseline
construction, the offline data, and validation errors naming the field."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mdpsim
from mdpsim.algorithms import conservative as C
from mdpsim.algorithms import get_algorithm
from mdpsim.engine.side import (baseline_policy, behaviour_estimate,
                                         offline_dataset)

VALUE_TOL = 1e-10
LEARNERS = ["stepmix", "epsmix", "budget_ucbvi"]


def _instances():
    return {
        "riverswim": mdpsim.make("riverswim", S=4, horizon=6),
        "garnet": mdpsim.make("garnet", S=6, A=3, b=3, horizon=5, rng=2),   # successor lists
        "garnet_stage": mdpsim.make("garnet", S=5, A=2, b=2, horizon=4, rng=4,
                                    stage_dependent=True, storage="dense"),
    }


INSTANCES = _instances()
#: baseline fractions reachable by the uniform-mixture baseline on each instance
FRACTION = {"riverswim": 0.5, "garnet": 0.9, "garnet_stage": 0.9}


def _same(a: pd.DataFrame, b: pd.DataFrame, cols=("seed", "episode", "return",
                                                  "realized_regret", "switches", "estimate",
                                                  "aux", "below_floor")):
    assert len(a) == len(b)
    for col in cols:
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy(), equal_nan=True), col
    for col in ("value", "regret"):
        err = np.max(np.abs(a[col].to_numpy() - b[col].to_numpy()))
        assert err <= VALUE_TOL * (1.0 + np.max(np.abs(b[col].to_numpy()))), (col, err)


CASES = [("stepmix", {}), ("stepmix", {"mixture": "switch", "grid": 3}), ("epsmix", {}),
         ("budget_ucbvi", {}), ("baseline", {}), ("stepmix", {"baseline_known": False}),
         ("epsmix", {"offline_n": 15}), ("baseline", {"offline_n": 15}),
         ("stepmix", {"offline_n": 15, "mixture": "switch"})]


@pytest.mark.parametrize("env", sorted(INSTANCES))
@pytest.mark.parametrize("algorithm,kw", CASES)
def test_compiled_matches_reference(algorithm, kw, env):
    mdp = INSTANCES[env]
    run = dict(episodes=30, seeds=2, rng=5, eval_every="every", cert_scale=0.02,
               baseline_fraction=FRACTION[env], alpha=0.2, **kw)
    if algorithm == "baseline":
        run.pop("cert_scale")
    fast = mdpsim.run(algorithm, mdp, **run)
    ref = mdpsim.run(algorithm, mdp, engine="reference", **run)
    _same(fast, ref)


@pytest.mark.parametrize("env", ["riverswim", "garnet"])
@pytest.mark.parametrize("algorithm,kw", [("stepmix", {}), ("stepmix", {"mixture": "switch"}),
                                          ("epsmix", {}), ("budget_ucbvi", {})])
def test_unconstrained_is_ucbvi_ch(algorithm, kw, env):
    """``constrained=False``: the optimistic component alone = UCBVI-CH, bit for bit."""
    mdp = INSTANCES[env]
    run = dict(episodes=200, seeds=2, rng=11, eval_every=10, bonus_scale=0.01)
    ucb = mdpsim.run("ucbvi_ch", mdp, **run)
    con = mdpsim.run(algorithm, mdp, constrained=False, baseline_fraction=FRACTION[env],
                     **run, **kw)
    _same(ucb, con, cols=("seed", "episode", "return", "realized_regret", "switches",
                          "estimate"))
    assert np.all(con.aux.to_numpy() == 1.0)


@pytest.mark.parametrize("env,kw", [("riverswim", dict(S=6, horizon=20)),
                                    ("garnet", dict(S=10, A=3, b=3, horizon=10, rng=3))])
@pytest.mark.parametrize("algorithm,extra", [("stepmix", {}), ("epsmix", {}),
                                             ("stepmix", {"mixture": "switch"})])
def test_zero_violations_small_runs(env, kw, algorithm, extra):
    """Exact DP on the true model: no episode below (1 - α) V^b, while the unconstrained
    comparator violates it."""
    mdp = mdpsim.make(env, **kw)
    run = dict(episodes=1500, seeds=6, rng=3, eval_every=("log", 20), alpha=0.1,
               baseline_fraction=0.7)
    df = mdpsim.run(algorithm, mdp, **run, **extra)
    last = df[df.episode == 1500]
    assert int(last.below_floor.max()) == 0
    floor = 0.9 * baseline_policy(mdp, 0.7).value
    assert float(df.value.min()) >= floor - 1e-9 * max(1.0, floor)
    assert float(df.aux.max()) <= 1.0 and float(df.aux.min()) >= 0.0
    if algorithm == "stepmix" and not extra:
        free = mdpsim.run("stepmix", mdp, constrained=False, **run)
        assert int(free[free.episode == 1500].below_floor.min()) > 0


def test_epsmix_closed_form_equals_bisection():
    gen = np.random.default_rng(0)
    for _ in range(2000):
        B = gen.uniform(0.1, 10.0)
        T = B * gen.uniform(0.0, 1.2)
        L = B * gen.uniform(-0.5, 1.5)
        eps = C.epsmix_weight(L, B, T)
        lo, hi = 0.0, 1.0                       # largest ε with (1-ε) B + ε L >= T
        if (1 - hi) * B + hi * L >= T:
            ref = 1.0
        elif B < T:
            ref = 0.0
        else:
            for _ in range(200):
                mid = 0.5 * (lo + hi)
                if (1 - mid) * B + mid * L >= T:
                    lo = mid
                else:
                    hi = mid
            ref = lo
        assert abs(eps - ref) <= 1e-12, (B, T, L, eps, ref)
        assert 0.0 <= eps <= 1.0
        if 0.0 < eps:
            assert (1 - eps) * B + eps * L >= T - 1e-12 * B


def test_epsmix_records_exact_mixture_value():
    """The recorded value of an EpsMix episode is (1 - ε) V^b + ε V^{π^o} on the true model,
    whichever component was drawn."""
    mdp = INSTANCES["riverswim"]
    ag = mdpsim.agent("epsmix", mdp, rng=2, episodes=50, alpha=0.2, cert_scale=0.02)
    vb = baseline_policy(mdp, 0.5).value
    seen = 0
    for k in range(50):
        pi = ag.policy()
        q, eps, floor, alt = ag.report()
        v_played = mdp.init @ mdpsim.evaluate(mdp, pi)[0]
        v_alt = mdp.init @ mdpsim.evaluate(mdp, alt)[0] if q > 0 else 0.0
        value = (1 - q) * v_played + q * v_alt
        if 0.0 < eps < 1.0:
            seen += 1
            v_b, v_o = (v_played, v_alt) if abs(q - eps) < 1e-15 else (v_alt, v_played)
            assert abs(v_b - vb) <= 1e-10
            assert abs(value - ((1 - eps) * vb + eps * v_o)) <= 1e-10
            assert value >= 0.8 * vb - 1e-9
        s = 0
        for h in range(mdp.horizon):
            a = ag.act(h, s)
            s2 = int(np.argmax(mdp.P[s, a]))
            ag.observe(h, s, a, float(mdp.R[s, a]), s2)
            s = s2
    assert seen > 0


def test_certified_search_is_safe_and_near_largest():
    """Every λ the search returns clears the threshold with its certificate, and a dense
    scan finds no certified λ much above it (per-step and switch families)."""
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    for mixture in ("per_step", "switch"):
        ag = mdpsim.agent("stepmix", mdp, rng=1, episodes=3000, mixture=mixture)
        gen = np.random.default_rng(1)
        for k in range(400):
            s = 0
            for h in range(mdp.horizon):
                a = ag.act(h, s)
                s2 = int(gen.choice(mdp.S, p=mdp.P[s, a]))
                ag.observe(h, s, a, float(mdp.R[s, a]), s2)
                s = s2
        st, th = ag._state, ag.params
        C.episode_start(st, th, 400, gen)
        mode = 0 if mixture == "per_step" else 1
        lam, cert = C.certified_weight(st, th, mode, 1, 3)
        T = st.scal[C.S_THR]
        assert 0.0 < lam < 1.0
        assert cert >= T
        assert abs(C.certificate(st, th, mode, lam) - cert) <= 1e-12
        grid = np.linspace(0.0, 1.0, 2001)[1:]
        ok = [x for x in grid if C.certificate(st, th, mode, x) >= T]
        assert max(ok) <= 1.05 * lam + 1e-3, (mixture, lam, max(ok))


def test_large_certification_width_keeps_the_baseline_early():
    """With the theoretical width (cert_scale = 1) nothing close to the optimistic policy is
    certified early: StepMix stays a tiny perturbation of π^b, EpsMix stays at ε = α."""
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    sm = mdpsim.run("stepmix", mdp, episodes=300, seeds=2, rng=0, eval_every="every",
                    cert_scale=1.0)
    assert float(sm.aux.max()) < 0.01
    assert int(sm.below_floor.max()) == 0
    em = mdpsim.run("epsmix", mdp, episodes=300, seeds=2, rng=0, eval_every="every",
                    cert_scale=1.0, alpha=0.1)
    assert np.allclose(em.aux.to_numpy(), 0.1, rtol=0, atol=1e-12)


@pytest.mark.parametrize("env,kw", [("riverswim", dict(S=6, horizon=20)),
                                    ("garnet", dict(S=10, A=3, b=3, horizon=10, rng=3)),
                                    ("gridworld", {})])
@pytest.mark.parametrize("fraction", [0.7, 0.8, 0.95])
def test_baseline_hits_the_requested_fraction(env, kw, fraction):
    mdp = mdpsim.make(env, **kw)
    if not mdp.finite_horizon:
        mdp = mdpsim.make(env, horizon=10, **kw)
    b = baseline_policy(mdp, fraction)
    vstar = mdpsim.solve(mdp).value
    assert abs(b.value - fraction * vstar) <= 1e-10 * max(1.0, vstar)
    assert abs(b.value - mdp.init @ mdpsim.evaluate(mdp, b.pi)[0]) <= 1e-12 * max(1.0, vstar)
    assert np.all(b.pi >= 0.0)
    assert np.max(np.abs(b.pi.sum(-1) - 1.0)) <= 1e-12
    assert 0.0 <= b.weight <= 1.0 and b.error <= 1e-10 * max(1.0, vstar)


def test_baseline_worst_kind_and_infeasible_fraction():
    mdp = mdpsim.make("garnet", S=10, A=3, b=3, horizon=10, rng=3)
    vstar = mdpsim.solve(mdp).value
    b = baseline_policy(mdp, 0.5, kind="worst")
    assert abs(b.value - 0.5 * vstar) <= 1e-10 * vstar
    with pytest.raises(ValueError, match="fraction"):
        baseline_policy(mdp, 0.5)                  # uniform policy is above 0.5 V* here
    with pytest.raises(ValueError, match="baseline_fraction"):
        mdpsim.run("stepmix", mdp, episodes=5, baseline_fraction=0.5)
    with pytest.raises(ValueError, match="kind"):
        baseline_policy(mdp, 0.8, kind="softmax")


def test_offline_data_match_the_helper():
    """The learner's offline data (drawn in its first plan call) are the trajectories of
    ``offline_dataset`` with the same generator; its baseline is their empirical policy."""
    mdp = INSTANCES["garnet"]
    n = 40
    ag = mdpsim.agent("epsmix", mdp, rng=9, episodes=10, offline_n=n, baseline_fraction=0.9)
    ag.policy()
    st = ag.state
    b = baseline_policy(mdp, 0.9)
    states, actions = offline_dataset(mdp, b.pi, n, rng=9)
    cnt = np.zeros((mdp.horizon, mdp.S, mdp.A))
    for h in range(mdp.horizon):
        np.add.at(cnt[h], (states[:, h], actions[:, h]), 1.0)
    assert np.array_equal(st["nb"], cnt)
    assert np.max(np.abs(st["pib"] - behaviour_estimate(states, actions, mdp.S, mdp.A))) \
        <= 1e-15
    assert float(st["N"].sum()) == n * mdp.horizon


def test_mixture_weights_and_played_policy():
    wts = np.zeros(8)
    for lam in (0.0, 0.13, 0.5, 0.97, 1.0):
        for mode in (0, 1):
            C.set_weights(mode, lam, wts)
            assert abs(wts.mean() - lam) <= 1e-12
            assert np.all((wts >= 0) & (wts <= 1))
        C.set_weights(1, lam, wts)
        assert np.all(np.diff(wts) <= 0)          # switch: optimistic first, then baseline
    gen = np.random.default_rng(0)
    pib = gen.dirichlet(np.ones(3), size=(8, 4))
    pio = gen.integers(0, 3, size=(8, 4))
    pi = np.zeros((8, 4, 3))
    C.set_weights(0, 0.3, wts)
    C.write_mixture(pi, pio, pib, wts)
    onehot = np.zeros_like(pi)
    np.put_along_axis(onehot, pio[..., None], 1.0, -1)
    assert np.max(np.abs(pi - (0.3 * onehot + 0.7 * pib))) <= 1e-15


@pytest.mark.parametrize("field,value", [("alpha", 0.0), ("alpha", 1.5), ("delta", 1.0),
                                         ("baseline_fraction", 1.2), ("mixture", "mixed"),
                                         ("offline_n", -3), ("cert_scale", -1.0),
                                         ("iters", 100), ("grid", 0),
                                         ("baseline_kind", "softmax"), ("constrained", 1)])
def test_bad_hyperparameters_name_the_field(field, value):
    mdp = INSTANCES["riverswim"]
    with pytest.raises(ValueError, match=field):
        mdpsim.run("stepmix", mdp, episodes=5, **{field: value})


def test_registered_with_provenance_and_reconstruction_labels():
    for name in ("stepmix", "epsmix", "budget_ucbvi", "baseline"):
        algo = get_algorithm(name)
        assert "arXiv:" in algo.paper
        assert algo.reconstructed
        assert all(p.source in ("paper", "paper-code", "proposed") for p in algo.hyperparameters)
    df = mdpsim.run("stepmix", INSTANCES["riverswim"], episodes=3)
    assert "mixture-family" in str(df.reconstructed.iloc[0])
    assert get_algorithm("cucbvi") is get_algorithm("budget_ucbvi")
