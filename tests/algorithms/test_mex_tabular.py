"""Model-free tabular MEX (mdpsim.algorithms.mex_tabular; docs/papers/mex.md §8): the closed
form equals the original objective over Q-tables, the maximiser is deterministic, the
"linearise and plan" ascent is monotone and stops at a fixed point, and — the caveat — that
fixed point is the global maximiser of the MEX objective only sometimes: certified by
exhaustive enumeration of the A^(S H) deterministic policies on tiny MDPs."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms.mex_tabular import (ascent, implicit_bonus, objective, occupancy,
                                           upper_bound)

import mex_closed_form               # proofs_checks/ is on sys.path (tests/conftest.py)
from mex_closed_form import policies, random_data


_instance = random_data          # shared with the proofs check
_policies = policies


@pytest.mark.parametrize("seed", range(3))
def test_closed_form_equals_the_original_objective(seed):
    # the statements and their arithmetic live in proofs_checks/mex_closed_form.py
    out = mex_closed_form.check(rng=seed, instances=2, members=100)
    assert out["passed"], out["margins"]
    assert out["margins"]["max |J(pi) - original at its Q|"] <= 1e-9
    assert out["margins"]["max (random member - max J)"] <= 1e-9


def test_maximiser_is_deterministic_convexity():
    """J is convex in the occupancy: no stochastic policy beats the best deterministic one."""
    rng = np.random.default_rng(11)
    S, A, H = 2, 2, 3
    for _ in range(5):
        P, R3, init, N = _instance(rng, S, A, H)
        eta = 0.3
        q = np.zeros((H, S, A))
        Jdet = max(objective(P, R3, init, N, eta, p, q) for p in _policies(S, A, H))
        from mdpsim.algorithms.mex_tabular import gain
        for _ in range(300):
            pi = rng.dirichlet(np.ones(A), (H, S))
            d = init.copy()
            J = 0.0
            for h in range(H):
                qh = d[:, None] * pi[h]
                J += np.sum(qh * R3[0]) + sum(gain(qh[s, a], N[h, s, a], eta, float(H - h))
                                               for s in range(S) for a in range(A))
                d = np.einsum("sa,say->y", qh, P[h])
            assert J <= Jdet + 1e-9


def test_ascent_fixed_point_global_or_not_by_exhaustive_enumeration():
    """The caveat, certified. On random tiny MDPs (S = 2-3, A = 2, H = 2-3, random counts
    0-3), from random starts: (1) the ascent is monotone and stops at a fixed point (no
    enumerated policy improves the linearisation); (2) the fixed point is the global
    maximiser when the certificate J >= U holds (never wrong); (3) for large η (bonus small,
    J nearly linear) it is global almost always, for small η often only a local optimum.
    Measured (this test, 120 instances x 3 starts per η): global fraction 0.183 (η = 0.01),
    0.744 (η = 1), 0.956 (η = 10), 0.994 (η = 100)."""
    rng = np.random.default_rng(0)
    frac = {}
    for eta in (0.01, 1.0, 10.0, 100.0):
        hit = tot = 0
        for _ in range(120):
            S, A, H = int(rng.integers(2, 4)), 2, int(rng.integers(2, 4))
            P, R3, init, N = _instance(rng, S, A, H)
            pols = _policies(S, A, H)
            q = np.zeros((H, S, A))
            Js = np.array([objective(P, R3, init, N, eta, p, q) for p in pols])
            U = upper_bound(P, R3, init, N, eta)
            assert U >= Js.max() - 1e-9
            for _ in range(3):
                pol = rng.integers(0, A, (H, S)).astype(np.int64)
                J0 = objective(P, R3, init, N, eta, pol, q)
                J, steps = ascent(P, R3, init, N, eta, pol, 1000)
                assert J >= J0 - 1e-12 and steps < 1000
                assert J == pytest.approx(objective(P, R3, init, N, eta, pol, q), abs=1e-12)
                b = implicit_bonus(occupancy(P, init, pol, q), N, eta, np.zeros_like(q))
                lin = [np.sum(occupancy(P, init, p, np.zeros_like(q)) * (R3 + b)) for p in pols]
                here = np.sum(occupancy(P, init, pol, np.zeros_like(q)) * (R3 + b))
                assert max(lin) <= here + 1e-9
                glob = J >= Js.max() - 1e-9
                if J >= U - 1e-9:
                    assert glob
                hit += glob
                tot += 1
        frac[eta] = hit / tot
    print("global fractions", frac)
    assert frac[0.01] < 0.5 < frac[1.0] < frac[10.0] <= frac[100.0]
    assert frac[100.0] >= 0.97


def test_mex_tabular_learns_riverswim():
    env = mdpsim.make("riverswim", S=4, horizon=8)
    a = mdpsim.run("mex_tabular", env, episodes=300, seeds=2, rng=1, eval_every=1)
    b = mdpsim.run("mex_tabular", env, episodes=300, seeds=2, rng=1, eval_every=1,
                   engine="reference")
    assert np.array_equal(a.aux.values, b.aux.values)          # same ascent, same policies
    assert np.allclose(a.regret.values, b.regret.values, rtol=0, atol=1e-9)
    r = a[a.episode == 300].regret.values
    g = mdpsim.run("mex_tabular", env, episodes=300, seeds=2, rng=1, c_eta=1e6)
    assert r.mean() < g[g.episode == 300].regret.mean()


def test_bad_eta_one_line():
    from mdpsim.algorithms import get_algorithm
    with pytest.raises(ValueError, match="c_eta must be a number >= 0"):
        get_algorithm("mex_tabular").resolve({"c_eta": -0.1})

