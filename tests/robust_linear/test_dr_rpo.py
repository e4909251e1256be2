"""DR-RPO (reconstruction) and its non-robust counterpart: the actor's closed form, its limits,
the critic with exact statistics, exact robust regret, errors."""
import math

import numpy as np
import pytest

import mdpsim
from mdpsim.settings import RobustLinear
from mdpsim.robust.linear import drect_evaluate
from mdpsim.algorithms.linear.dr_rpo import (rpo_actor, rpo_critic, gibbs_closed_form,
                                             rpo_step_size)
from mdpsim.algorithms.linear.dr_lsvi_ucb import tv_dual_anchor, tv_dual_ridge


def _small(beta_reg=0.2, rho=0.2):
    m = mdpsim.make("drect_simplex", S=6, A=3, d=3, horizon=3, rho=rho, rng=4)
    return m, RobustLinear(m, beta_reg=beta_reg)


def _drive(ag, K, rng):
    """Plan, then feed arbitrary transitions (the actor's algebra does not care)."""
    Qs, pols = [], []
    H, S, A = ag.info.H, ag.info.S, ag.info.A
    for _ in range(K):
        pols.append(ag.policy().copy())
        Qs.append(ag.state["Q"])
        for h in range(H):
            s = int(rng.integers(S))
            ag.observe(h, s, int(rng.integers(A)), float(rng.random()), int(rng.integers(S)))
    return np.array(Qs), pols


@pytest.mark.parametrize("name", ["dr_rpo", "rpo_nominal"])
@pytest.mark.parametrize("beta_reg", [0.0, 0.3])
def test_update_equals_closed_form_gibbs_policy(name, beta_reg):
    m, st = _small(beta_reg)
    K = 8
    ag = mdpsim.agent(name, st, rng=0, episodes=K, beta_reg=beta_reg, eta=20.0)
    Qs, pols = _drive(ag, K, np.random.default_rng(1))
    eta = ag.params.eta
    assert eta == pytest.approx(rpo_step_size(3, 3, K, 20.0), rel=1e-15)
    logref = np.full((3, 6, 3), -math.log(3))
    for k in range(K):    # the policy played in episode k followed the steps Q^0..Q^k
        ref = gibbs_closed_form(Qs[:k + 1], eta, beta_reg, logref)
        assert np.max(np.abs(pols[k] - ref)) < 1e-12
    assert np.allclose(pols[-1].sum(-1), 1.0, atol=1e-14)


def test_actor_limits():
    """η → ∞: greedy on Q (β_reg = 0), the Gibbs policy π_ref e^{Q/β_reg} (β_reg > 0); one
    step from π_ref with a uniform π_ref is (ℓ + ηQ)/(1 + ηβ_reg) up to a constant."""
    g = np.random.default_rng(0)
    H, S, A = 2, 5, 4
    Q = g.random((H, S, A)) * 3
    logref = np.log(g.dirichlet(np.ones(A), size=(H, S)))
    logits = logref.copy()
    pol = np.exp(logref)
    rpo_actor(Q, 1e13, 0.0, logref, logits, pol)
    greedy = np.zeros_like(Q)
    np.put_along_axis(greedy, Q.argmax(-1)[..., None], 1.0, axis=-1)
    assert np.max(np.abs(pol - greedy)) < 1e-12
    for beta in (0.05, 0.5):
        logits, pol = logref.copy(), np.exp(logref)
        rpo_actor(g.random((H, S, A)), 1.0, beta, logref, logits, pol)   # some history
        rpo_actor(Q, 1e13, beta, logref, logits, pol)
        x = logref + Q / beta
        gibbs = np.exp(x - x.max(-1, keepdims=True))
        gibbs /= gibbs.sum(-1, keepdims=True)
        assert np.max(np.abs(pol - gibbs)) < 1e-9
    uni = np.full((H, S, A), -math.log(A))
    l0 = g.standard_normal((H, S, A))
    l0 -= np.log(np.exp(l0).sum(-1, keepdims=True))
    logits, pol = l0.copy(), np.exp(l0)
    eta, beta = 0.7, 0.4
    rpo_actor(Q, eta, beta, uni, logits, pol)
    x = (l0 + eta * Q) / (1 + eta * beta)
    p = np.exp(x - x.max(-1, keepdims=True))
    assert np.max(np.abs(pol - p / p.sum(-1, keepdims=True))) < 1e-14


def test_actor_step_is_the_regularised_mirror_descent_argmax():
    """The update maximises <p, Q> - β_reg KL(p||π_ref) - KL(p||π^k)/η over the simplex
    (checked against random distributions)."""
    g = np.random.default_rng(2)
    A = 5
    Q = g.random((1, 1, A)) * 2
    logref = np.log(g.dirichlet(np.ones(A)))[None, None]
    l0 = np.log(g.dirichlet(np.ones(A)))[None, None]
    eta, beta = 0.8, 0.3
    logits, pol = l0.copy(), np.exp(l0)
    rpo_actor(Q, eta, beta, logref, logits, pol)

    def obj(p):
        return (p @ Q[0, 0] - beta * p @ (np.log(p) - logref[0, 0])
                - p @ (np.log(p) - l0[0, 0]) / eta)
    best = obj(pol[0, 0])
    for p in g.dirichlet(np.ones(A), size=2000):
        assert obj(p) <= best + 1e-12


@pytest.mark.parametrize("robust", [1.0, 0.0])
def test_critic_with_exact_statistics_is_the_exact_evaluation(robust):
    """With Λ⁻¹ = I, Σφr = θ_h and M_h = μ_h (the regression at infinite data) and no bonus,
    the critic is the exact robust-regularised (robust = 1) or nominal-regularised (robust =
    0) evaluation of the policy (drect_evaluate)."""
    beta_reg = 0.05
    m = mdpsim.make("drect_simplex", S=7, A=3, d=4, horizon=4, rho=0.15, rng=3)
    H, S, A, d = m.H, m.S, m.A, m.d
    phi, mu, R = m.stage_arrays()
    theta = np.stack([m.nominal.theta_at(h) for h in range(H)])
    g = np.random.default_rng(5)
    pol = g.dirichlet(np.ones(A), size=(H, S))
    logref = np.full((H, S, A), -math.log(A))
    Lam_inv = np.repeat(np.eye(d)[None], H, axis=0)
    Q, nu, V = np.zeros((H, S, A)), np.zeros((H, d)), np.zeros(S)
    rho = np.array(m.radius) * robust
    rpo_critic(np.ascontiguousarray(phi), Lam_inv, theta.copy(), np.ascontiguousarray(mu),
               rho, 0.0, 0.0, robust, 0.0, beta_reg, logref, pol, Q, nu, V,
               np.zeros((d, S)), np.zeros(d))
    ref = drect_evaluate(m if robust else m.replace(radius=0.0), pol, beta_reg=beta_reg)
    assert ref.Q.min() > 0.0          # no clipping happened, so the two must agree
    assert np.max(np.abs(Q - ref.Q)) < 1e-12
    assert np.max(np.abs(V - ref.V[0])) < 1e-12


def test_fail_state_anchor():
    """anchor v0 = min V is the general dual (same numbers); v0 = 0 <= min V is the TV worst
    case with one extra state of value 0 (sort primal on the extended support)."""
    from mdpsim.robust.linear import tv_factor_worst
    g = np.random.default_rng(7)
    for _ in range(200):
        S = int(g.integers(2, 9))
        G = g.standard_normal(S)
        V = g.random(S) * 3 + 0.1
        rho = float(g.random())
        o = np.argsort(V, kind="mergesort")
        assert tv_dual_anchor(G, V, o, rho, V[o[0]]) == tv_dual_ridge(G, V, o, rho)
        mu = g.dirichlet(np.ones(S))
        V0 = np.append(V, 0.0)
        o0 = np.argsort(V0, kind="mergesort")
        assert abs(tv_dual_anchor(mu, V, o, rho, 0.0)
                   - tv_factor_worst(np.append(mu, 0.0), V0, rho, o0)) < 1e-12


@pytest.mark.parametrize("name,hp", [("dr_rpo", {"rho": 0.2, "beta_reg": 0.2}),
                                     ("rpo_nominal", {"beta_reg": 0.2})])
def test_robust_regret_is_exact(name, hp):
    """The compiled engine's exact robust-regularised values equal the reference engine's
    (plain-NumPy robust evaluation of the same played policies)."""
    _, st = _small(0.2)
    kw = dict(episodes=12, seeds=2, rng=3, eval_every="every", **hp)
    a = mdpsim.run(name, st, **kw)
    b = mdpsim.run(name, st, engine="reference", **kw)
    for col in ("value", "regret", "optimal_value"):
        assert np.max(np.abs(a[col].to_numpy() - b[col].to_numpy())) < 1e-10
    assert np.all(a.value <= a.optimal_value + 1e-12)
    assert "reconstruction" in a.attrs.get("paper", "") or a.attrs.get("reconstructed")


def test_dr_rpo_beats_nominal_po_on_fail_state():
    """ρ = 0.5 makes the robust step-1 action differ from the nominal one; DR-RPO (fail-state
    dual) stops paying, the non-robust PO keeps paying."""
    m = mdpsim.make("drect_fail_state", rho=0.5)
    st = RobustLinear(m, beta_reg=0.01)
    K = 1000
    dr = mdpsim.run("dr_rpo", st, episodes=K, seeds=2, rho=0.5, rho_stage=0, rho_factor=3,
                    dual="fail_state", beta_reg=0.01)
    nr = mdpsim.run("rpo_nominal", st, episodes=K, seeds=2, beta_reg=0.01)
    r_dr = dr.groupby("episode").regret.mean()
    r_nr = nr.groupby("episode").regret.mean()
    assert r_dr.loc[K] - r_dr.loc[K // 2] < 0.01 * (K // 2)
    assert r_nr.loc[K] - r_nr.loc[K // 2] > 0.03 * (K // 2)


def test_errors_are_one_line():
    _, st = _small()
    for kw, msg in (({"beta_reg": -0.1}, "beta_reg must be a number >= 0"),
                    ({"eta": 0.0}, "eta must be a positive number"),
                    ({"rho": 1.5}, "rho must be a number in"),
                    ({"dual": "kl"}, "dual must be one of")):
        with pytest.raises(ValueError, match=msg) as e:
            mdpsim.run("dr_rpo", st, episodes=2, **kw)
        assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="rho_stage must be < H"):
        mdpsim.run("dr_rpo", st, episodes=2, rho_stage=5)


def test_bonus_forms_under_collinear_data():
    """docs/papers/drrpo.md §8: with Λ = I + n v vᵀ (one feature direction observed n times)
    the d-rectangular bonus of v tends to β Σ_i v_i sqrt(1 − v_i²/‖v‖²) > 0, the
    ellipsoidal one (``bonus = 2``) to 0; the three forms of the kernel equal their formulas."""
    from mdpsim.algorithms.linear.dr_lsvi_ucb import dr_optimistic_q_stage
    v = np.array([0.137, 0.056, 0.063, 0.236, 0.508])
    v = v / v.sum()
    other = np.array([0.2, 0.2, 0.2, 0.2, 0.2])
    ph = np.stack([v, other])[None]               # φ[S=1, A=2, d=5]
    beta, d = 0.85, 5
    limit = beta * float((v * np.sqrt(1.0 - v ** 2 / (v @ v))).sum())
    prev = {}
    for n in (10, 1000, 100_000):
        Li = np.linalg.inv(np.eye(d) + n * np.outer(v, v))
        got = {}
        for form in (0.0, 1.0, 2.0):
            Q = np.zeros((1, 2))
            dr_optimistic_q_stage(ph, Li, np.zeros(d), np.zeros(d), beta, form, 1e9, Q)
            got[form] = Q[0]
        dg = np.sqrt(np.diag(Li))
        np.testing.assert_allclose(got[0.0], beta * ph[0] @ dg, rtol=0, atol=1e-14)
        np.testing.assert_allclose(got[1.0], beta * np.sqrt(ph[0] ** 2 @ np.diag(Li)),
                                   rtol=0, atol=1e-14)
        np.testing.assert_allclose(got[2.0], beta * np.sqrt(np.einsum("ai,ij,aj->a", ph[0],
                                                                      Li, ph[0])),
                                   rtol=0, atol=1e-14)
        prev[n] = got
    assert abs(prev[100_000][0.0][0] - limit) < 1e-3       # d-rectangular: a positive floor
    assert limit > 0.5 * beta
    assert prev[100_000][2.0][0] < 0.01 * beta              # ellipsoidal: shrinks as 1/sqrt(n)
    # the unobserved direction keeps a large ellipsoidal bonus, but not a larger d-rect one
    assert prev[100_000][2.0][1] > 0.25 * beta
    assert prev[100_000][0.0][1] < 1.5 * prev[100_000][0.0][0]


def test_ellipsoidal_option_runs_and_default_unchanged():
    m, st = _small(0.2)
    hp = dict(beta_reg=0.2, rho=0.2)
    a = mdpsim.run("dr_rpo", st, episodes=30, seeds=1, **hp)
    b = mdpsim.run("dr_rpo", st, episodes=30, seeds=1, bonus="drect", **hp)
    e = mdpsim.run("dr_rpo", st, episodes=30, seeds=1, bonus="ellipsoidal", **hp)
    assert np.array_equal(a["regret"].to_numpy(), b["regret"].to_numpy())
    assert np.isfinite(e["regret"].to_numpy()).all()
    assert not np.array_equal(a["regret"].to_numpy(), e["regret"].to_numpy())
    with pytest.raises(ValueError, match="bonus"):
        mdpsim.run("dr_rpo", st, episodes=2, seeds=1, bonus="nope", **hp)
