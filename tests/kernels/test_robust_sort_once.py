"""The L1 / TV backup's sort-once path (one sort of ``V`` per sweep, each row's order derived
from it) is bit-identical to sorting every row: the row order itself against NumPy's stable
sort, and whole backups (``fast=True`` against ``fast=False``) on many random models with
deliberate ties (equal ``V``, and distinct ``V`` that rounding makes equal in ``z``), for
L1 and TV, (s,a)- and s-rectangular, optimal and fixed policy, successor and dense rows,
zero and non-zero transition rewards, zero budgets, ``c`` in {gamma, 1, 0}."""
from __future__ import annotations

import numpy as np
import pytest

from mdpsim.kernels._robust_rows import _row_order
from mdpsim.kernels._robust_sweeps import _backup_impl, _global_order
from mdpsim.kernels.robust_common import L1, SA, S_RECT, TV


def _tied_V(rng, S, mode):
    if mode == "normal":
        return rng.normal(size=S) * 3.0
    if mode == "ties":                       # many exactly equal values
        return rng.integers(0, 4, size=S).astype(float) * 0.5
    # distinct values one or a few ulps apart: c*V rounds them together in z = R + c*V
    base = rng.normal() * 7.0
    steps = rng.integers(0, 6, size=S)
    V = np.array([np.nextafter(base, np.inf) if k == 0 else base for k in range(S)])
    for i in range(S):
        for _ in range(steps[i]):
            V[i] = np.nextafter(V[i], np.inf)
    return V


@pytest.mark.parametrize("mode", ["normal", "ties", "ulps"])
def test_row_order_is_the_stable_sort(mode):
    rng = np.random.default_rng(["normal", "ties", "ulps"].index(mode))
    for trial in range(300):
        S = int(rng.integers(1, 120))
        V = _tied_V(rng, S, mode)
        c = float(rng.choice([0.9, 1.0, 0.0, 0.37]))
        R = float(rng.choice([0.0, 1e3, rng.normal() * 50]))
        use, gord, grank, pos = _global_order(L1, S, V, c, True)
        assert use
        for _ in range(4):
            m = int(rng.integers(1, S + 1))
            ids = np.ascontiguousarray(rng.permutation(S)[:m] if rng.random() < 0.7
                                       else np.sort(rng.permutation(S)[:m]), dtype=np.int64)
            z = R + 0.0 + c * V[ids]
            out = np.empty(m, dtype=np.int64)
            _row_order(z, ids, gord, grank, pos, out)
            assert np.array_equal(out, np.argsort(-z, kind="stable"))
            assert (pos == -1).all()


def _random_trans(rng, kind, rect, S, A, dense, rn_mode):
    rows = S * A
    if dense or kind == TV:
        lens = np.full(rows, S)
        idx = np.tile(np.arange(S, dtype=np.int64), rows)
    else:
        lens = rng.integers(1, S + 1, size=rows) if rng.random() < 0.5 else \
            np.minimum(rng.integers(1, 6, size=rows), S)
        idx = np.concatenate([rng.permutation(S)[:m] for m in lens]).astype(np.int64)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(lens, out=indptr[1:])
    q = rng.random(indptr[-1]) + 0.02
    if kind == TV:
        q[rng.random(q.shape[0]) < 0.3] = 0.0
    for r in range(rows):
        sl = slice(indptr[r], indptr[r + 1])
        if q[sl].sum() == 0.0:
            q[indptr[r]] = 1.0
        q[sl] /= q[sl].sum()
    rn = np.zeros(indptr[-1])
    if rn_mode == "some":                    # a few states with transition rewards
        for s in rng.choice(S, size=max(1, S // 4), replace=False):
            sl = slice(indptr[s * A], indptr[(s + 1) * A])
            rn[sl] = rng.normal(size=sl.stop - sl.start)
    Rb = rng.normal(size=(1, S, A)) * float(rng.choice([1.0, 100.0]))
    if rng.random() < 0.3:
        Rb[:] = np.round(Rb)                 # equal pair rewards across actions
    nb = S * A if rect == SA else S
    budget = rng.random(nb) * (0.8 if kind == L1 else 0.4)
    budget[rng.random(nb) < 0.15] = 0.0
    budget[rng.random(nb) < 0.05] = 3.0      # saturated
    return indptr, idx, q, rn, Rb, budget


def _sweep(kind, rect, S, A, tr, V, c, pi, fast):
    indptr, idx, q, rn, Rb, budget = tr
    TVo = np.empty(S)
    pig = np.zeros((S, A))
    pw = np.zeros(q.shape[0])
    fixed = pi is not None
    _backup_impl(kind, rect, S, A, 0, indptr, idx, q, rn, Rb, 0, budget, V, c,
                 pi if fixed else np.zeros((0, 0)), fixed, TVo, pig, pw, fast)
    return TVo, pig, pw


@pytest.mark.parametrize("rect", [SA, S_RECT], ids=["sa", "s"])
@pytest.mark.parametrize("kind", [L1, TV], ids=["l1", "tv"])
def test_sort_once_backup_is_bit_identical(kind, rect):
    rng = np.random.default_rng(10 * kind + rect)
    n = 0
    for trial in range(120):
        S = int(rng.integers(1, 40))
        A = int(rng.integers(1, 5))
        dense = rng.random() < 0.3
        rn_mode = "zero" if rng.random() < 0.7 else "some"
        tr = _random_trans(rng, kind, rect, S, A, dense, rn_mode)
        V = _tied_V(rng, S, ("normal", "ties", "ulps")[trial % 3])
        c = float(rng.choice([0.9, 1.0, 0.0]))
        pis = [None, rng.dirichlet(np.ones(A), size=S)]
        if A > 1:
            pis.append(np.eye(A)[rng.integers(A, size=S)])
        for pi in pis:
            a = _sweep(kind, rect, S, A, tr, V, c, pi, True)
            b = _sweep(kind, rect, S, A, tr, V, c, pi, False)
            for x, y in zip(a, b):
                assert np.array_equal(x, y), (trial, S, A, dense, rn_mode, c)
            n += 1
    assert n >= 240


def test_sort_once_falls_back_when_it_does_not_apply():
    S = 5
    V = np.arange(S, dtype=float)
    assert _global_order(L1, S, V, 0.9, True)[0]
    assert not _global_order(L1, S, V, 0.9, False)[0]       # asked for the row sorts
    assert not _global_order(L1, S, V, -0.5, True)[0]       # c < 0 reverses the order
    assert not _global_order(2, S, V, 0.9, True)[0]         # linf: not a descending sort
    V[2] = np.nan
    assert not _global_order(TV, S, V, 0.9, True)[0]
