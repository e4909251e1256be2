"""LSVI-UCB kernels against a plain NumPy transcription of Jin et al. (2020), Algorithm 1.

The reference keeps the raw data, rebuilds ``Λ_h = λI + Σ φφᵀ`` and inverts it explicitly at
every episode, and computes every regression target ``r_τ + max_a Q_{h+1}(s'_τ, a)`` one by
one; the kernels keep ``Λ_h^{-1}`` by Sherman–Morrison steps and aggregate the targets by
next state. Same Q tables (and weights) to 1e-9.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms.linear import (lsvi_ucb_beta, lsvi_ucb_state, sherman_morrison,
                                      lsvi_ucb_observe, lsvi_ucb_plan, greedy_action,
                                      greedy_policy)

TOL = 1e-9


def reference_plan(phi4, data, H, lam, beta):
    """``data[h]``: list of ``(s, a, r, s_next)``. Returns ``Q[H, S, A], w[H, d]``."""
    n, S, A, d = phi4.shape
    Q = np.zeros((H + 1, S, A))
    w = np.zeros((H, d))
    for h in range(H - 1, -1, -1):
        ph = phi4[min(h, n - 1)]
        Lam = lam * np.eye(d)
        target = np.zeros(d)
        for (s, a, r, s2) in data[h]:
            x = ph[s, a]
            Lam += np.outer(x, x)
            target += x * (r + Q[h + 1, s2].max())
        Linv = np.linalg.inv(Lam)
        w[h] = Linv @ target
        for s in range(S):
            for a in range(A):
                x = ph[s, a]
                Q[h, s, a] = min(x @ w[h] + beta * math.sqrt(x @ Linv @ x), H - h)
    return Q[:H], w


def _stream(lin, K, seed):
    """A fixed data stream: uniformly random actions, true transitions and rewards."""
    rng = np.random.default_rng(seed)
    tab = lin.to_tabular()
    P4 = tab.P if tab.P.ndim == 4 else tab.P[None]
    R3 = tab.R if tab.R.ndim == 3 else tab.R[None]
    H = lin.horizon
    eps = []
    for _ in range(K):
        s = np.zeros(H + 1, dtype=np.int64)
        a = rng.integers(0, lin.A, size=H).astype(np.int64)
        r = np.zeros(H)
        s[0] = rng.choice(lin.S, p=lin.init)
        for h in range(H):
            hp, hr = min(h, P4.shape[0] - 1), min(h, R3.shape[0] - 1)
            r[h] = R3[hr, s[h], a[h]]
            s[h + 1] = rng.choice(lin.S, p=P4[hp, s[h], a[h]])
        eps.append((s, a, r))
    return eps


@pytest.mark.parametrize("stage_dependent", [False, True])
@pytest.mark.parametrize("c", [1.0, 0.1, 0.0])
def test_kernels_match_numpy_reference_on_a_fixed_stream(stage_dependent, c):
    lin = mdpsim.make("linear_simplex", S=7, A=3, d=4, horizon=4, rng=3,
                      stage_dependent=stage_dependent)
    H, lam = lin.horizon, 1.0
    beta = lsvi_ucb_beta(lin.d, H, 50, c=c)
    phi4 = np.ascontiguousarray(lin.stage_phi())
    Lam_inv, b_r, M = lsvi_ucb_state(H, lin.S, lin.d, lam)
    Q, w = np.empty((H, lin.S, lin.A)), np.empty((H, lin.d))
    data = [[] for _ in range(H)]
    worst = 0.0
    for k, (s, a, r) in enumerate(_stream(lin, 12, seed=7)):
        lsvi_ucb_plan(phi4, Lam_inv, b_r, M, beta, Q, w)
        Qr, wr = reference_plan(phi4, data, H, lam, beta)
        worst = max(worst, float(np.max(np.abs(Q - Qr))), float(np.max(np.abs(w - wr))))
        lsvi_ucb_observe(phi4, Lam_inv, b_r, M, s, a, r)
        for h in range(H):
            data[h].append((s[h], a[h], r[h], s[h + 1]))
    assert worst <= TOL, worst
    # the stored inverse is the inverse of the rebuilt Gram matrix
    for h in range(H):
        X = np.array([phi4[min(h, phi4.shape[0] - 1), s_, a_] for (s_, a_, _, _) in data[h]])
        assert np.max(np.abs(Lam_inv[h] - np.linalg.inv(lam * np.eye(lin.d) + X.T @ X))) <= TOL


def test_closed_loop_matches_reference_and_stages_are_not_pooled():
    """Greedy play from the kernels' own Q (shared uniforms): same actions and Q tables as the
    reference; the per-stage Gram matrices differ across h (no pooling)."""
    lin = mdpsim.make("linear_simplex", S=6, A=3, d=3, horizon=3, rng=11)
    H = lin.horizon
    tab = lin.to_tabular()
    beta = lsvi_ucb_beta(lin.d, H, 30, c=0.1)
    phi4 = np.ascontiguousarray(lin.stage_phi())
    Lam_inv, b_r, M = lsvi_ucb_state(H, lin.S, lin.d)
    Q, w = np.empty((H, lin.S, lin.A)), np.empty((H, lin.d))
    data = [[] for _ in range(H)]
    rng = np.random.default_rng(5)
    for k in range(30):
        lsvi_ucb_plan(phi4, Lam_inv, b_r, M, beta, Q, w)
        Qr, _ = reference_plan(phi4, data, H, 1.0, beta)
        assert np.max(np.abs(Q - Qr)) <= TOL
        pol = greedy_policy(Q)
        assert np.array_equal(pol, np.argmax(Qr, axis=2))    # argmax: lowest index on ties
        s = np.zeros(H + 1, dtype=np.int64)
        a = np.zeros(H, dtype=np.int64)
        r = np.zeros(H)
        for h in range(H):
            a[h] = pol[h, s[h]]
            r[h] = tab.R[s[h], a[h]]
            s[h + 1] = np.searchsorted(np.cumsum(tab.P[s[h], a[h]]), rng.random(), side="right")
            s[h + 1] = min(s[h + 1], lin.S - 1)
        lsvi_ucb_observe(phi4, Lam_inv, b_r, M, s, a, r)
        for h in range(H):
            data[h].append((s[h], a[h], r[h], s[h + 1]))
    assert np.max(np.abs(Lam_inv[0] - Lam_inv[1])) > 1e-6


def test_q_is_capped_at_remaining_steps_and_first_plan_is_optimistic():
    lin = mdpsim.make("linear_simplex", S=5, A=2, d=3, horizon=4, rng=0)
    H = lin.horizon
    phi4 = np.ascontiguousarray(lin.stage_phi())
    Lam_inv, b_r, M = lsvi_ucb_state(H, lin.S, lin.d)
    Q, w = np.empty((H, lin.S, lin.A)), np.empty((H, lin.d))
    lsvi_ucb_plan(phi4, Lam_inv, b_r, M, lsvi_ucb_beta(lin.d, H, 100), Q, w)
    for h in range(H):
        assert np.all(Q[h] == H - h)          # no data: the bonus saturates the cap H - h
    assert np.all(w == 0.0)


def test_sherman_morrison_in_place_and_tie_rule():
    rng = np.random.default_rng(0)
    B = rng.normal(size=(4, 4))
    A = B @ B.T + np.eye(4)
    x = rng.normal(size=4)
    Ainv = np.linalg.inv(A)
    out = np.empty((4, 4))
    sherman_morrison(Ainv, x, out)
    assert np.max(np.abs(out - np.linalg.inv(A + np.outer(x, x)))) <= 1e-12
    keep = Ainv.copy()
    sherman_morrison(keep, x, keep)                    # out may alias the input
    assert np.max(np.abs(keep - out)) == 0.0
    assert greedy_action(np.array([1.0, 3.0, 3.0, 2.0])) == 1
    assert greedy_action(np.array([2.0, 2.0])) == 0


def test_beta_formula_and_errors():
    d, H, K, delta = 5, 5, 1000, 0.01
    assert lsvi_ucb_beta(d, H, K, delta=delta) == pytest.approx(
        d * H * math.sqrt(math.log(2 * d * K * H / delta)), rel=1e-15)
    assert lsvi_ucb_beta(d, H, K, delta=delta, c=0.1) == pytest.approx(
        0.1 * lsvi_ucb_beta(d, H, K, delta=delta), rel=1e-15)
    with pytest.raises(ValueError, match="delta must be in"):
        lsvi_ucb_beta(d, H, K, delta=0.0)
    with pytest.raises(ValueError, match="K must be a positive integer"):
        lsvi_ucb_beta(d, H, 0)
