"""oppo_linear (OPPO-style policy optimisation on a linear critic with a bonus, a
reconstruction): the critic and the mirror-descent actor equal a direct NumPy transcription
and the actor's closed form ``π^k ∝ exp(α Σ_{j≤k} Q^j)`` (from the uniform policy), the
played policy is a distribution, runs are reproducible by seed (and the compiled loop equals
the reference loop), bad hyper-parameters get one line, and on two small instances the
learner beats the uniform policy and its per-episode regret falls."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import get_algorithm
from mdpsim.algorithms.linear.lsvi_ucb_kernels import lsvi_ucb_beta
from mdpsim.engine.agent import Agent

TOL = 1e-9


def _softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _critic(phi, data, pol, beta, lam, H):
    """Direct transcription of the critic: per stage ``Λ_h = λI + Σ φφᵀ`` rebuilt and
    inverted, ``w_h = Λ_h^{-1} Σ φ (r + V_{h+1}(s'))``, ``Q_h = clip(φᵀw + β‖φ‖_{Λ^{-1}},
    0, H - h)``, ``V_h = Σ_a pol_h Q_h`` (the current policy's value, not max_a)."""
    S, A, d = phi.shape
    Q = np.zeros((H, S, A))
    V = np.zeros(S)
    for h in range(H - 1, -1, -1):
        Lam = lam * np.eye(d)
        b = np.zeros(d)
        for s, a, r, s2 in data[h]:
            x = phi[s, a]
            Lam += np.outer(x, x)
            b += x * (r + V[s2])
        Li = np.linalg.inv(Lam)
        w = Li @ b
        bonus = beta * np.sqrt(np.einsum("sai,ij,saj->sa", phi, Li, phi))
        Q[h] = np.clip(phi @ w + bonus, 0.0, H - h)
        V = (pol[h] * Q[h]).sum(-1)
    return Q


@pytest.mark.parametrize("eta,c", [(1.0, 0.03), (40.0, 0.5)])
def test_critic_and_actor_equal_transcription_and_closed_form(eta, c):
    lm = mdpsim.make("linear_simplex", S=5, A=3, d=3, horizon=3, rng=4)
    H, S, A, K = 3, 5, 3, 50
    ag = Agent("oppo_linear", lm, rng=0, episodes=K, eta=eta, c=c)
    phi = np.asarray(lm.phi)
    beta = lsvi_ucb_beta(3, H, K, delta=0.05, c=c)
    alpha = eta * math.sqrt(2.0 * math.log(A) / (H ** 2 * K))
    assert ag.params.beta == pytest.approx(beta, rel=1e-15)
    assert ag.params.alpha == pytest.approx(alpha, rel=1e-15)
    rng = np.random.default_rng(11)
    data = [[] for _ in range(H)]
    pol = np.full((H, S, A), 1.0 / A)          # π^0: uniform
    cum_Q = np.zeros((H, S, A))
    for _ in range(8):
        pi = ag.policy()
        Q_ref = _critic(phi, data, pol, beta, 1.0, H)     # critic of π^{k-1}
        assert np.max(np.abs(ag.state["Q"] - Q_ref)) <= TOL
        pol = pol * np.exp(alpha * Q_ref)                 # one KL mirror-descent step
        pol /= pol.sum(-1, keepdims=True)
        cum_Q += Q_ref
        assert np.max(np.abs(pi - pol)) <= TOL
        assert np.max(np.abs(pi - _softmax(alpha * cum_Q))) <= TOL   # closed form
        s = int(rng.integers(S))
        for h in range(H):                               # arbitrary data: the learner only
            a, r, s2 = int(rng.integers(A)), float(rng.random()), int(rng.integers(S))
            ag.observe(h, s, a, r, s2)                   # regresses what it observes
            data[h].append((s, a, r, s2))
            s = s2


def test_policy_is_a_distribution_even_with_a_huge_step():
    lm = mdpsim.make("linear_simplex_hidden", S=8, A=3, d=3, horizon=4, rng=1)
    for eta in (1.0, 1e6):                  # 1e6: logits of order 1e4, max-shifted softmax
        df = mdpsim.run("oppo_linear", lm, episodes=40, seeds=1, rng=2, eta=eta,
                        eval_every="every")
        assert np.all(np.isfinite(df.regret)) and np.all(np.diff(df.regret) >= -1e-12)
        ag = Agent("oppo_linear", lm, rng=2, episodes=40, eta=eta)
        for _ in range(15):
            pi = ag.policy()
            assert np.all(pi >= 0.0) and np.all(np.isfinite(pi))
            assert np.max(np.abs(pi.sum(-1) - 1.0)) <= 1e-12
            s = 0
            for h in range(4):
                a = ag.act(h, s)
                ag.observe(h, s, a, 0.5, (s + a + 1) % 8)
                s = (s + a + 1) % 8


def test_reproducible_by_seed_and_compiled_equals_reference():
    lm = mdpsim.make("linear_fail_state", horizon=3)
    kw = dict(episodes=30, seeds=2, eval_every="every")
    a = mdpsim.run("oppo_linear", lm, rng=3, **kw)
    b = mdpsim.run("oppo_linear", lm, rng=3, **kw)
    c = mdpsim.run("oppo_linear", lm, rng=4, **kw)
    ref = mdpsim.run("oppo_linear", lm, rng=3, engine="reference", **kw)
    for col in ("return", "regret", "value", "estimate"):
        assert np.array_equal(a[col].to_numpy(), b[col].to_numpy()), col
    assert not np.array_equal(a["return"].to_numpy(), c["return"].to_numpy())
    assert np.array_equal(a["return"].to_numpy(), ref["return"].to_numpy())
    assert np.max(np.abs(a.regret.to_numpy() - ref.regret.to_numpy())) <= 1e-10


def _one_line(fn, match):
    with pytest.raises(ValueError) as e:
        fn()
    msg = str(e.value)
    assert match in msg and "\n" not in msg, msg


@pytest.mark.parametrize("hp,match", [({"eta": 0.0}, "hyper-parameter eta must be a positive"),
                                      ({"eta": -1.0}, "got -1.0"),
                                      ({"c": -0.5}, "hyper-parameter c must be a number >= 0"),
                                      ({"delta": 1.5}, "hyper-parameter delta"),
                                      ({"lam": 0.0}, "hyper-parameter lam"),
                                      ({"eta": "big"}, "eta must be of type float"),
                                      ({"alpha": 0.1}, "alpha")])
def test_bad_hyperparameters_one_line(hp, match):
    lm = mdpsim.make("linear_fail_state", horizon=3)
    _one_line(lambda: mdpsim.run("oppo_linear", lm, episodes=3, **hp), match)


def test_needs_features_one_line():
    tab = mdpsim.make("riverswim", S=4, horizon=5)
    _one_line(lambda: mdpsim.run("oppo_linear", tab, episodes=3), "oppo_linear needs features")


def test_declared_reconstruction_and_rate():
    cls = get_algorithm("oppo_linear")
    assert cls.reconstructed and cls.bound.k_exponent == 0.75 and cls.acceptance.hi == 0.85
    hp = {p.name: p for p in cls.hyperparameters}
    assert hp["eta"].default == 1.0 and hp["eta"].source == "paper"


@pytest.mark.parametrize("env,kw", [("linear_fail_state", dict(horizon=3)),
                                    ("linear_simplex_hidden",
                                     dict(S=8, A=3, d=3, horizon=4, rng=1))])
def test_beats_uniform_and_learns(env, kw):
    """Exact regret after K = 1000 episodes (4 seeds) at most 0.6 of the uniform policy's
    K (V* - V^unif), and the last quarter's regret below the first quarter's."""
    lm = mdpsim.make(env, **kw)
    K, H = 1000, kw["horizon"]
    df = mdpsim.run("oppo_linear", lm, episodes=K, seeds=4, rng=0, eval_every="every")
    tab = lm.to_tabular()
    v_unif = float(mdpsim.evaluate(tab, np.full((H, lm.S, lm.A), 1.0 / lm.A))[0]
                   @ np.asarray(tab.init))
    v_star = float(df.optimal_value.iloc[0])
    R = df.pivot_table(index="episode", columns="seed", values="regret").mean(axis=1)
    assert R.loc[K] <= 0.6 * K * (v_star - v_unif)
    first, last = R.loc[K // 4], R.loc[K] - R.loc[3 * K // 4]
    assert last < first
