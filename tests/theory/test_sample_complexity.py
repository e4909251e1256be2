"""ε-mistakes and settling episodes from exact per-episode values, and the ε-exponent fit."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mdpsim
from mdpsim.theory import eps_mistakes, fit_eps_exponent

ENVS = {"riverswim": dict(S=6, horizon=10),
        "garnet": dict(S=8, A=3, b=3, horizon=8, rng=1)}


@pytest.mark.parametrize("alg", ["greedy", "ucbvi_ch", "psrl"])
@pytest.mark.parametrize("env", sorted(ENVS))
def test_counts_equal_a_direct_count(env, alg):
    mdp = mdpsim.make(env, **ENVS[env])
    df = mdpsim.run(alg, mdp, episodes=400, seeds=3, rng=2, eval_every="every")
    eps = [1e-9, 0.01, 0.1, 0.5]
    got = eps_mistakes(df, eps)
    for seed, g in df.groupby("seed"):
        vals = list(zip(g.episode, g.optimal_value - g.value))
        for e in eps:
            bad = [k for k, gap in vals if gap > e]          # the definition, row by row
            r = got[(got.seed == seed) & (got.eps == e)].iloc[0]
            assert r.mistakes == len(bad)
            assert r.settle_episode == (max(bad) + 1 if bad else 1)
            assert r.censored == (bool(bad) and max(bad) == 400)


@pytest.mark.parametrize("alg", ["budget_ucbvi", "stepmix"])
def test_counts_agree_with_the_engines_violation_counter(alg):
    """The conservative learners report the floor ``(1 - α) V^b`` and the compiled loop
    counts, over all episodes, the episodes whose exact value is below it (``below_floor``).
    An ε-mistake count at ε = V* - floor is the same set of episodes, counted independently
    from the recorded per-episode values."""
    from mdpsim.engine.side import baseline_policy
    mdp = mdpsim.make("riverswim", S=6, horizon=10)
    df = mdpsim.run(alg, mdp, episodes=300, seeds=3, rng=0, eval_every="every",
                    baseline_fraction=0.7, alpha=0.1)
    hp = df.attrs["hyperparameters"]
    b = baseline_policy(mdp, hp["baseline_fraction"], kind=hp["baseline_kind"])
    floor = (1.0 - hp["alpha"]) * b.value
    vstar = float(df.optimal_value.iloc[0])
    got = eps_mistakes(df, [vstar - floor])
    engine = df.groupby("seed").below_floor.last()
    assert engine.sum() > 0 or alg == "stepmix"          # the budget learner does violate
    for seed, r in got.set_index("seed").iterrows():
        assert r.mistakes == engine[seed], (seed, r.mistakes, engine[seed])


def test_fit_recovers_a_known_exponent():
    rng = np.random.default_rng(0)
    eps = np.geomspace(0.01, 0.3, 8)
    truth = 50.0 * eps ** -2.0
    Y = truth * rng.lognormal(0.0, 0.1, size=(30, eps.size))
    f = fit_eps_exponent(eps, Y, rng=1)
    assert abs(f.exponent + 2.0) < 0.05 and f.lo <= -2.0 <= f.hi


def test_rejects_tables_that_skip_episodes():
    mdp = mdpsim.make("riverswim", S=6, horizon=10)
    df = mdpsim.run("greedy", mdp, episodes=200, seeds=1, rng=0, eval_every=10)
    with pytest.raises(ValueError, match="eval_every='every'"):
        eps_mistakes(df, [0.1])
    with pytest.raises(ValueError, match="positive"):
        eps_mistakes(df, [0.0])


# ------------------------------------------------ counted inside the engine (eps_grid=)
from mdpsim.engine import eps_columns  # noqa: E402

EPS = [1e-9, 0.01, 0.1, 0.5]


def _direct(g, e):
    """Cumulative ε-mistakes and 1 + last mistake at every row of one seed, by definition."""
    gap = (g.optimal_value - g.value).to_numpy()
    ep = g.episode.to_numpy()
    bad = gap > e
    last = np.maximum.accumulate(np.where(bad, ep, 0))
    return np.cumsum(bad), last + 1


@pytest.mark.parametrize("alg", ["greedy", "ucbvi_ch", "psrl", "epsilon_greedy"])
@pytest.mark.parametrize("env", sorted(ENVS))
def test_engine_counts_equal_a_direct_count_at_every_episode(env, alg):
    mdp = mdpsim.make(env, **ENVS[env])
    df = mdpsim.run(alg, mdp, episodes=400, seeds=3, rng=2, eval_every="every",
                    eps_grid=EPS[::-1])
    assert df.attrs["eps_grid"] == EPS
    for seed, g in df.groupby("seed"):
        for e in EPS:
            cm, cs = eps_columns(e)
            m, s = _direct(g, e)
            assert np.array_equal(g[cm].to_numpy(), m), (seed, e)
            assert np.array_equal(g[cs].to_numpy(), s), (seed, e)
    # the same run recorded at 12 log-spaced episodes: the counts there are the same, since
    # the engine counts every episode whatever it records
    sparse = mdpsim.run(alg, mdp, episodes=400, seeds=3, rng=2, eval_every=("log", 12),
                        eps_grid=EPS)
    full = df.set_index(["seed", "episode"]).loc[
        list(zip(sparse.seed, sparse.episode))].reset_index()
    for e in EPS:
        for c in eps_columns(e):
            assert np.array_equal(sparse[c].to_numpy(), full[c].to_numpy()), c
    # eps_mistakes reads the engine's columns of the sparse table and counts the full one's
    # values: the same table
    a = eps_mistakes(sparse, EPS)
    b = eps_mistakes(df[["seed", "episode", "value", "optimal_value"]], EPS)
    pd.testing.assert_frame_equal(a, b)
    assert a.equals(eps_mistakes(sparse))                    # default: the engine's grid


def test_without_eps_grid_the_table_is_unchanged():
    """The feature off adds nothing and changes nothing: the same columns and numbers as a
    run with it, minus its columns (wall time aside)."""
    mdp = mdpsim.make("garnet", **ENVS["garnet"])
    off = mdpsim.run("ucbvi_ch", mdp, episodes=300, seeds=2, rng=5, eval_every=7)
    on = mdpsim.run("ucbvi_ch", mdp, episodes=300, seeds=2, rng=5, eval_every=7,
                    eps_grid=[0.05, 0.2])
    assert not any(c.startswith("eps_") for c in off.columns)
    assert "eps_grid" not in off.attrs
    extra = [c for c in on.columns if c not in off.columns]
    assert extra == [*eps_columns(0.05), *eps_columns(0.2)]
    pd.testing.assert_frame_equal(on.drop(columns=extra + ["wall_time"]),
                                  off.drop(columns=["wall_time"]))


def test_reference_engine_counts_the_same():
    mdp = mdpsim.make("riverswim", **ENVS["riverswim"])
    kw = dict(episodes=60, seeds=1, rng=4, eval_every=[10, 30, 60], eps_grid=[0.01, 0.3])
    c = mdpsim.run("ucbvi_ch", mdp, **kw)
    r = mdpsim.run("ucbvi_ch", mdp, engine="reference", **kw)
    for e in (0.01, 0.3):
        for col in eps_columns(e):
            assert np.array_equal(c[col].to_numpy(), r[col].to_numpy()), col


def test_eps_grid_is_validated():
    mdp = mdpsim.make("riverswim", **ENVS["riverswim"])
    for bad in ([], [0.1, 0.0], [np.nan], "x", [[0.1]]):
        with pytest.raises(ValueError, match="eps_grid must be"):
            mdpsim.run("greedy", mdp, episodes=5, eps_grid=bad)


def test_fit_eps_on_a_table_and_the_acceptance_rule():
    from mdpsim.theory import eps_rule, fit_eps
    rng = np.random.default_rng(3)
    eps = np.geomspace(0.01, 0.3, 6)
    rows = []
    for seed in range(20):
        for e in eps:
            k = int(round(40.0 * e ** -2.0 * rng.lognormal(0.0, 0.1)))
            rows.append(dict(seed=seed, eps=e, mistakes=k, settle_episode=k + 1,
                             censored=False, episodes=10**6))
    t = pd.DataFrame(rows)
    f = fit_eps(t, "settle_episode", rng=0)
    assert abs(f.exponent + 2.0) < 0.05 and f.lo <= -2.0 <= f.hi and f.n_seeds == 20
    assert eps_rule(2.0).accepts(f.exponent) and not eps_rule(1.0).accepts(f.exponent)
    # a censored grid point (some seed never settled) is left out of the K_ε fit
    t.loc[(t.seed == 0) & (t.eps == eps[0]), "censored"] = True
    assert fit_eps(t, "settle_episode", rng=0).n_eps == eps.size - 1
    assert fit_eps(t, "mistakes", rng=0).n_eps == eps.size


def test_fit_eps_on_a_run():
    """An end-to-end check: UCBVI-CH's settling episodes over ε on RiverSwim, read from the
    engine, fitted in log-log: the exponent is finite, negative and its interval holds it."""
    from mdpsim.theory import fit_eps
    mdp = mdpsim.make("riverswim", S=6, horizon=10)
    eps = np.geomspace(0.003, 0.3, 6)
    df = mdpsim.run("ucbvi_ch", mdp, episodes=3000, seeds=4, rng=1, eval_every="log",
                    eps_grid=eps)
    t = eps_mistakes(df)
    f = fit_eps(t, "mistakes", n_boot=200)
    assert np.isfinite(f.exponent) and f.exponent < 0 and f.lo <= f.exponent <= f.hi
