"""Online algorithms: registry and provenance, properties the papers state (optimism,
monotonicity), the exploration contrast on RiverSwim, and the slope fit."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import get_algorithm, list_algorithms, SOURCES
from mdpsim.theory import fit_slope

OURS = ["ucbvi_ch", "ucbvi_bf", "psrl", "optq", "greedy", "epsilon_greedy"]
ROOT = Path(__file__).resolve().parents[2]


def _load_check(name):
    path = ROOT / "proofs_checks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_test_check_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(path.parent))
    return mod


# ------------------------------------------------------------------------------ registry
def test_registry_lists_and_describes_every_algorithm():
    names = list_algorithms()
    for n in OURS:
        assert n in names
    assert "ucbvi" in list_algorithms(aliases=True) and "ucbvi" not in names
    for n in names:
        algo = get_algorithm(n)
        assert algo.paper and algo.title
        text = algo.describe()
        for p in algo.hyperparameters:
            assert p.source in SOURCES and p.doc and p.name in text
            assert p.coerce(p.default, n) == p.default      # defaults pass their own checks


@pytest.mark.parametrize("name", ["ucbvi_ch", "ucbvi_bf", "psrl", "optq"])
def test_paper_algorithms_cite_their_paper(name):
    algo = get_algorithm(name)
    module_doc = sys.modules[algo.__module__].__doc__
    assert "arXiv:" in algo.paper and "arXiv:" in module_doc
    assert "follows the paper" in module_doc or "What follows the paper" in module_doc
    # theoretical constants are available next to the tuned defaults
    assert {p.name: p.theory for p in algo.hyperparameters}.get("bonus_scale", 0) \
        is not None or name == "psrl"


# ------------------------------------------------------------------------------ optimism
def test_ucbvi_optimism_on_the_good_event():
    """Paper constants: in >= 1 - δ of the seeds, Vbar_{k,h}(s) >= V*_h(s) for all k, h, s
    (and the check is not vacuous for UCBVI-BF: many values are below their cap)."""
    mod = _load_check("ucbvi_optimism")
    res = mod.check(rng=0, seeds=20, delta=0.1, episodes=3000)
    assert res["passed"] is True
    m = res["margins"]
    for key, v in m.items():
        if key.endswith(":optimistic_seed_fraction"):
            assert v >= 1.0 - 0.1, key
    assert m["ucbvi_bf@riverswim(S=4,H=6):uncapped_share"] >= 0.3
    assert m["ucbvi_bf@garnet(5,2,3,H=5):uncapped_share"] >= 0.1


def test_ucbvi_q_is_monotone_and_capped():
    mdp = mdpsim.make("garnet", S=5, A=2, b=3, horizon=4, rng=1)
    ag = mdpsim.agent("ucbvi_bf", mdp, rng=3, episodes=200)
    H = mdp.horizon
    cap = (H - np.arange(H))[:, None, None] * 1.0
    prev = None
    gen = np.random.default_rng(0)
    for k in range(200):
        ag.policy()
        Q = ag.state["Q"]
        assert np.all(Q <= cap + 1e-12)
        if prev is not None:
            assert np.all(Q <= prev)          # min with the previous episode's Q
        prev = Q
        s = 0
        for h in range(H):
            a = ag.act(h, s)
            s2 = int(gen.integers(mdp.S))
            ag.observe(h, s, a, 0.5, s2)
            s = s2


def test_known_rewards_ignore_the_observed_reward():
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    pols = []
    for r in (0.0, 1.0):
        ag = mdpsim.agent("ucbvi_ch", mdp, rng=0, episodes=10)
        for k in range(3):
            ag.policy()
            for h in range(mdp.horizon):
                ag.observe(h, 0, ag.act(h, 0), r, 1)
        pols.append(ag.policy())
    assert np.array_equal(pols[0], pols[1])
    est = mdpsim.agent("ucbvi_ch", mdp, rng=0, episodes=10, estimate_rewards=True)
    assert est.hyperparameters["estimate_rewards"] is True


def test_epsilon_greedy_value_is_the_exact_value_of_the_stochastic_policy():
    mdp = mdpsim.make("garnet", S=6, A=3, b=3, horizon=5, rng=2)
    df = mdpsim.run("epsilon_greedy", mdp, episodes=1, rng=0, epsilon=0.3)
    pi = mdpsim.agent("epsilon_greedy", mdp, rng=0, epsilon=0.3).policy()
    assert np.max(np.abs(pi.sum(-1) - 1.0)) <= 1e-15 and pi.min() >= 0.1 - 1e-15
    exact = float(mdp.init @ mdpsim.evaluate(mdp, pi, backend="reference")[0])
    assert abs(df["value"].item() - exact) <= 1e-12


def test_psrl_samples_from_the_seed_stream():
    mdp = mdpsim.make("riverswim", S=4, horizon=6)
    a = mdpsim.run("psrl", mdp, episodes=30, seeds=2, rng=1, eval_every="every")
    b = mdpsim.run("psrl", mdp, episodes=30, seeds=2, rng=1, eval_every="every")
    assert np.array_equal(a["estimate"].to_numpy(), b["estimate"].to_numpy())
    e0 = a.loc[a.seed == 0, "estimate"].to_numpy()
    e1 = a.loc[a.seed == 1, "estimate"].to_numpy()
    assert not np.array_equal(e0, e1)


# ------------------------------------------------------------------------------ contrast
def test_greedy_fails_on_riverswim_while_optimism_and_sampling_learn():
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    K = 3000
    greedy = mdpsim.run("greedy", mdp, episodes=K, seeds=2, rng=0, eval_every=("log", 40))
    gap = greedy["optimal_value"].iloc[0] - greedy["value"].iloc[0]
    assert gap >= 1.0                                        # stuck on the left bank
    last = greedy.groupby("seed").regret.last().to_numpy()
    assert np.max(np.abs(last - K * gap)) <= 1e-8 * K        # exactly linear
    g0 = greedy[greedy.seed == 0]
    fit = fit_slope(g0.episode.to_numpy(), g0.regret.to_numpy()[None], n_boot=0)
    assert abs(fit.slope - 1.0) <= 1e-9
    for alg in ("ucbvi_bf", "psrl"):
        df = mdpsim.run(alg, mdp, episodes=K, seeds=4, rng=0, eval_every=("log", 40))
        assert df.groupby("seed").regret.last().max() <= 0.15 * K * gap, alg
        ep = np.sort(df.episode.unique())
        Y = df.pivot(index="seed", columns="episode", values="regret").to_numpy()
        assert fit_slope(ep, Y, n_boot=200).slope <= 0.6, alg


# ------------------------------------------------------------------------------ slope fit
def test_fit_slope_recovers_power_laws_with_a_bootstrap_interval():
    k = np.arange(1, 20001)
    gen = np.random.default_rng(0)
    for b in (0.5, 1.0, 0.3):
        Y = (2.0 + gen.random((20, 1))) * k ** b
        f = fit_slope(k, Y, rng=1)
        assert abs(f.slope - b) <= 1e-12
        assert f.lo <= b + 1e-12 and f.hi >= b - 1e-12 and f.n_seeds == 20
        assert f.k_lo == 2000 and f.k_hi == 20000 and f.n_points <= 50
    # noisy curves: the interval is non-degenerate and covers the truth
    Y = k ** 0.5 * np.exp(0.3 * gen.standard_normal((30, 1))) + gen.random((30, k.size))
    f = fit_slope(k, Y, rng=2)
    assert f.lo < f.slope < f.hi and f.lo - 0.05 <= 0.5 <= f.hi + 0.05
    # the thinning makes every-episode and log-spaced records agree
    e = np.unique(np.rint(np.geomspace(1, 20000, 300)).astype(np.int64))
    f2 = fit_slope(e, Y[:, e - 1], rng=2)
    assert abs(f2.slope - f.slope) <= 0.02


def test_fit_slope_rejects_bad_input():
    k = np.arange(1, 101)
    with pytest.raises(ValueError, match="positive"):
        fit_slope(k, np.zeros((2, 100)))
    with pytest.raises(ValueError, match="shape"):
        fit_slope(k, np.ones((2, 99)))
    with pytest.raises(ValueError, match="increasing"):
        fit_slope(k[::-1], np.ones((2, 100)))


@pytest.mark.parametrize("name", ["ucbvi_ch", "ucbvi_bf", "psrl", "optq", "greedy"])
def test_policies_are_greedy_with_the_kernels_tie_rule(name):
    """Each plan kernel writes out the greedy choice; it must be the planning kernels' rule
    (lowest action within TIE_RTOL of the max), ties included (RiverSwim starts all tied)."""
    from mdpsim.kernels.numba_backend import greedy
    mdp = mdpsim.make("garnet", S=5, A=3, b=2, horizon=4, rng=5)
    ag = mdpsim.agent(name, mdp, rng=1, episodes=50)
    gen = np.random.default_rng(2)
    for k in range(50):
        pi = ag.policy()
        Q = ag.state["Q"]
        assert np.array_equal(pi.argmax(-1), greedy(Q)), k
        s = 0
        for h in range(mdp.horizon):
            a = ag.act(h, s)
            s2 = int(gen.integers(mdp.S))
            ag.observe(h, s, a, float(mdp.R[s, a]), s2)
            s = s2


def _ucbvi_numpy(st, params, bf):
    """UCBVI's recursion (Algorithms 2-4 of arXiv:1703.05449, clip 'remaining', monotone) in
    plain NumPy, from the statistics in ``st`` (an Agent.state before planning)."""
    N, Nsas, Nh, R3, Qprev = st["N"], st["Nsas"], st["Nh"], st["R3"], st["Q"]
    H, S, A = Qprev.shape
    L, c, wH, r_hi = params.L, params.scale, params.width * H, params.r_hi
    V = np.zeros((H + 1, S))
    Q = np.empty((H, S, A))
    for h in range(H - 1, -1, -1):
        hs, hr = min(h, N.shape[0] - 1), min(h, R3.shape[0] - 1)
        vmax = (H - h) * r_hi
        for s in range(S):
            for a in range(A):
                n = N[hs, s, a]
                q = vmax
                if n > 0:
                    p = Nsas[hs, s, a] / n
                    m = p @ V[h + 1]
                    if bf:
                        var = p @ (V[h + 1] - m) ** 2
                        with np.errstate(divide="ignore"):
                            t = np.where(Nh[h + 1] > 0, np.minimum(
                                1e4 * wH ** 3 * S * S * A * L * L / Nh[h + 1], wH * wH),
                                wH * wH)
                        b = (np.sqrt(8 * L * var / n) + 14 * wH * L / (3 * n)
                             + np.sqrt(8 * (p @ t) / n))
                    else:
                        b = 7 * wH * L / np.sqrt(n)
                    q = min(vmax, R3[hr, s, a] + m + c * b)
                Q[h, s, a] = min(q, Qprev[h, s, a])
        V[h] = Q[h].max(-1)
    return Q


@pytest.mark.parametrize("S", [6, 20])
@pytest.mark.parametrize("name", ["ucbvi_ch", "ucbvi_bf"])
def test_ucbvi_plan_matches_a_numpy_implementation(name, S):
    mdp = mdpsim.make("garnet", S=S, A=3, b=4, horizon=6, rng=S)
    ag = mdpsim.agent(name, mdp, rng=0, episodes=400, bonus_scale=0.3)
    gen = np.random.default_rng(1)
    for k in range(40):
        before = ag.state
        ag.policy()
        want = _ucbvi_numpy(before, ag.params, name == "ucbvi_bf")
        got = ag.state["Q"]
        assert np.max(np.abs(got - want)) <= 1e-12 * (1 + np.abs(want).max()), k
        s = 0
        for h in range(mdp.horizon):
            a = ag.act(h, s)
            nxt, pr = mdp.successors.row(0, s, a)
            s2 = int(nxt[mdpsim.engine.reference.inv_cdf(pr.tolist(), gen.random())])
            ag.observe(h, s, a, float(mdp.R[s, a]), s2)
            s = s2
