"""Online sensitivity sampling (mdpsim.algorithms.policy_opt.sensitivity): the one-hot case is
the count rule, the kept set stays within the elliptical-potential size bound, and the
importance-weighted kept covariance approximates the full-data covariance."""
import numpy as np
import pytest

from mdpsim.algorithms.policy_opt import (expected_size_bound, online_sensitivity_sample,
                                          online_sensitivity_sample_counts)


def test_one_hot_features_equal_the_count_rule():
    g = np.random.default_rng(7)
    idx = g.integers(0, 12, size=4000)
    lin = online_sensitivity_sample(np.eye(12)[idx], C_s=0.5, delta=0.05, rng=3)
    cnt = online_sensitivity_sample_counts(idx, 12, C_s=0.5, delta=0.05, rng=3)
    assert np.array_equal(lin.kept, cnt.kept)
    assert np.max(np.abs(lin.probs - cnt.probs)) <= 1e-12
    assert np.max(np.abs(np.diag(lin.Lam) - cnt.Lam)) <= 1e-9 * max(1.0, cnt.Lam.max())
    # count rule written out: p = min(1, C_s log(T/delta) / (n_w + lam))
    n_w = np.zeros(12)
    for t, j in enumerate(idx):
        p = min(1.0, 0.5 * np.log(4000 / 0.05) * min(1.0, 1.0 / (n_w[j] + 1.0)))
        assert abs(p - cnt.probs[t]) <= 1e-12
        if cnt.kept[t]:
            n_w[j] += 1.0 / p


@pytest.mark.parametrize("d", [4, 8])
def test_expected_size_within_the_potential_bound(d):
    g = np.random.default_rng(d)
    sizes, bounds = [], []
    for T in (500, 5000):
        X = g.dirichlet(np.ones(d), size=T)
        r = [online_sensitivity_sample(X, C_s=1.0, rng=s) for s in range(5)]
        sizes.append(np.mean([x.kept.sum() for x in r]))
        bounds.append(expected_size_bound(X, C_s=1.0, log_term=r[0].log_term, lam=1.0))
        assert sizes[-1] <= bounds[-1], (T, sizes[-1], bounds[-1])
    # grows with T far slower than T (logarithmically): 10x the stream, < 3x the kept set
    assert sizes[1] < 3.0 * sizes[0]


def test_kept_covariance_approximates_full_covariance():
    g = np.random.default_rng(1)
    for d in (4, 8):
        X = g.dirichlet(np.ones(d), size=5000)
        r = online_sensitivity_sample(X, C_s=1.0, rng=2)
        F = X.T @ X + np.eye(d)
        L = np.linalg.cholesky(np.linalg.inv(F))
        ev = np.linalg.eigvalsh(L.T @ (r.Lam + np.eye(d)) @ L)
        assert 0.5 <= ev.min() and ev.max() <= 2.0, ev
        assert r.kept.sum() < 0.2 * X.shape[0]


@pytest.mark.parametrize("call, msg", [
    (lambda: online_sensitivity_sample(np.eye(3), C_s=0.0), "C_s must be a finite number > 0"),
    (lambda: online_sensitivity_sample(np.eye(3), C_s=-1.0), "C_s must be"),
    (lambda: online_sensitivity_sample(np.eye(3), delta=1.5), "delta must be in (0, 1)"),
    (lambda: online_sensitivity_sample(np.eye(3), lam=0.0), "lam must be"),
    (lambda: online_sensitivity_sample(np.array([[1.0, np.nan]])), "X[0, 1]"),
    (lambda: online_sensitivity_sample_counts([0, 5], 3), "idx[1] = 5 is outside [0, 3)"),
])
def test_bad_input_is_one_line(call, msg):
    with pytest.raises(ValueError) as e:
        call()
    assert msg in str(e.value) and "\n" not in str(e.value)


def _numpy_reference(X, C_s, delta, lam, U):
    """Naive NumPy online sensitivity sampling: a fresh inverse at every point."""
    T, d = X.shape
    L = np.log(T / delta)
    Lam = np.zeros((d, d))
    kept, probs = np.zeros(T, bool), np.zeros(T)
    for t in range(T):
        score = min(1.0, X[t] @ np.linalg.solve(Lam + lam * np.eye(d), X[t]))
        p = min(1.0, C_s * score * L)
        probs[t] = p
        if U[t] < p:
            kept[t] = True
            Lam += np.outer(X[t], X[t]) / p
    return kept, probs, Lam


def test_compiled_sampler_matches_the_numpy_reference():
    g = np.random.default_rng(11)
    X = g.normal(size=(600, 5)) / 3.0
    ref_kept, ref_probs, ref_Lam = _numpy_reference(X, 0.7, 0.1, 0.5,
                                                    np.random.default_rng(5).random(600))
    r = online_sensitivity_sample(X, C_s=0.7, delta=0.1, lam=0.5, rng=5)
    assert np.array_equal(r.kept, ref_kept)
    assert np.max(np.abs(r.probs - ref_probs)) <= 1e-10
    assert np.max(np.abs(r.Lam - ref_Lam)) <= 1e-8 * np.abs(ref_Lam).max()
