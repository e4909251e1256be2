"""Next-state rewards stored per successor (issue 21): a model on successor lists keeps
``r(s, a, s')`` aligned with its successor lists instead of a dense ``[S, A, S']`` array,
the simulator pays the realised reward, and every answer equals the dense storage's."""
import warnings

import numpy as np
import pytest

import mdpsim
from mdpsim import TabularMDP, SuccessorLists, solve


def sparse_model(seed=0, S=6, A=3):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    P[P < 0.12] = 0.0
    P /= P.sum(-1, keepdims=True)
    Rn = rng.random((S, A, S)) * (P > 0)
    return P, Rn


def test_hand_model_per_successor():
    """Two states; from 0 action 0 goes to 0 or 1 with 1/2 each and pays 1 on reaching 1,
    action 1 stays (pays 0.25); state 1 is absorbing, pays 0. By hand, H = 2:
    R = [[0.5, 0.25], [0, 0]], V_1 = (0.5, 0), V_0(0) = 0.5 + 0.5 * 0.5 = 0.75."""
    L = SuccessorLists(indptr=[0, 2, 3, 4, 5], indices=[0, 1, 0, 1, 1],
                       probs=[0.5, 0.5, 1.0, 1.0, 1.0], S=2, A=2)
    m = TabularMDP(L, R_next=np.array([0.0, 1.0, 0.25, 0.0, 0.0]), horizon=2)
    assert m.storage == "successors"
    assert np.array_equal(m.R, [[0.5, 0.25], [0.0, 0.0]])
    assert np.array_equal(m.R_next_successors, [[0.0, 1.0, 0.25, 0.0, 0.0]])
    assert solve(m).value == 0.75
    assert m.R_next[0, 0, 0, 1] == 1.0 and m.R_next.shape == (1, 2, 2, 2)   # dense view


@pytest.mark.parametrize("seed", range(4))
def test_successor_storage_equals_dense(seed):
    P, Rn = sparse_model(seed)
    S, A = Rn.shape[:2]
    F = np.ones((S, A), dtype=bool)
    F[1, 2] = F[3, 0] = False
    term = np.zeros(S, dtype=bool)
    term[S - 1] = True
    tr = np.zeros(S)
    tr[S - 1] = 2.0
    for kw in (dict(), dict(feasible=F, terminal=term, terminal_reward=tr)):
        d = TabularMDP(P, R_next=Rn, horizon=5, **kw)
        s = TabularMDP(SuccessorLists.from_dense(P), R_next=Rn, horizon=5, **kw)
        assert s.storage == "successors"
        assert np.max(np.abs(d.R - s.R)) <= 1e-15
        assert np.array_equal(d.R_next, s.R_next)
        assert np.array_equal(d.to_successors().R_next_successors, s.R_next_successors)
        assert np.array_equal(d.successors.indices, s.successors.indices)
        # given per successor (aligned with the lists as given) = given dense
        s2 = TabularMDP(SuccessorLists.from_dense(P),
                        R_next=TabularMDP(SuccessorLists.from_dense(P), R_next=Rn,
                                          horizon=5).R_next_successors[0], horizon=5, **kw)
        assert np.array_equal(s2.R_next_successors, s.R_next_successors)
        assert abs(solve(d).value - solve(s).value) <= 1e-12
        # the simulator pays the realised rewards: compiled == reference on both storages,
        # and the two storages give the same returns
        runs = [mdpsim.run("ucbvi", m, episodes=150, eval_every=1, engine=e)
                for m in (d, s) for e in ("compiled", "reference")]
        for r in runs[1:]:
            assert np.array_equal(r["return"].values, runs[0]["return"].values)
            assert np.max(np.abs(r.value.values - runs[0].value.values)) <= 1e-12
        # replace() keeps the per-successor storage
        assert np.array_equal(s.replace(init=np.eye(S)[1]).R_next_successors,
                              s.R_next_successors)
        assert np.array_equal(s.to_dense().R_next, d.R_next)


def test_sample_trajectory_pays_realised_rewards_on_successor_lists():
    P, Rn = sparse_model(7)
    d = TabularMDP(P, R_next=Rn, horizon=6)
    s = d.to_successors()
    u = np.random.default_rng(1).random(13)
    pol = np.zeros(6, dtype=np.int64)
    a = mdpsim.sample_trajectory(d, pol, uniforms=u)
    b = mdpsim.sample_trajectory(s, pol, uniforms=u)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[2], b[2])
    assert np.array_equal(b[2], Rn[b[0][:-1], b[1], b[0][1:]])


def test_stage_dependent_next_rewards_on_stationary_lists():
    P, Rn = sparse_model(3)
    H = 4
    RnH = np.stack([Rn * (h + 1) for h in range(H)])
    L = SuccessorLists.from_dense(P)
    s = TabularMDP(L, R_next=RnH, horizon=H)
    d = TabularMDP(P, R_next=RnH, horizon=H)
    assert s.R_next_successors.shape == (H, L.nnz) and s.R.shape == (H,) + Rn.shape[:2]
    assert np.max(np.abs(s.R - d.R)) <= 1e-15
    s2 = TabularMDP(L, R_next=s.R_next_successors, horizon=H)      # [H, nnz] form
    assert np.array_equal(s2.R_next_successors, s.R_next_successors)
    runs = [mdpsim.run("psrl", m, episodes=100, eval_every=1) for m in (d, s)]
    assert np.array_equal(runs[0]["return"].values, runs[1]["return"].values)


def test_stays_sparse_at_a_size_dense_storage_cannot_hold():
    """S = 200 000, A = 2, b = 2: a dense [S, A, S'] float64 array would take 640 GB."""
    S, A, b = 200_000, 2, 2
    rng = np.random.default_rng(0)
    nxt = np.sort(np.stack([(np.arange(S * A) // A + 1) % S,
                            (np.arange(S * A) // A + 7) % S], axis=1), axis=1)
    L = SuccessorLists(np.arange(0, S * A * b + 1, b), nxt.reshape(-1),
                       np.full(S * A * b, 0.5), S, A)
    m = TabularMDP(L, R_next=rng.random(S * A * b), horizon=3)
    assert m.R_next_successors.shape == (1, S * A * b) and m.R.shape == (S, A)
    st, ac, rw = mdpsim.sample_trajectory(m, np.zeros(S, dtype=np.int64), rng=0)
    assert rw.shape == (3,) and np.all((rw >= 0) & (rw < 1))


def test_errors_and_warning():
    P, Rn = sparse_model(2)
    L = SuccessorLists.from_dense(P)
    S, A = Rn.shape[:2]
    with pytest.raises(ValueError, match=rf"^R_next must have shape \[S, A, S'\] = \[{S}, {A}, "
                                         rf"{S}\] or \[H, S, A, S'\] = \[5, {S}, {A}, {S}\] or "
                                         rf"per successor \[nnz\] = \[{L.nnz}\] \(aligned with "
                                         r"P.probs\), got \(3,\)$"):
        TabularMDP(L, R_next=np.zeros(3), horizon=5)
    bad = np.zeros(L.nnz)
    bad[4] = np.nan
    row = int(np.searchsorted(L.indptr, 4, side="right")) - 1
    lab = f"{row // A}, {row % A}, {L.indices[4]}"
    with pytest.raises(ValueError, match=rf"^R_next\[{lab}\] = nan is not finite"):
        TabularMDP(L, R_next=bad, horizon=5)
    stray = Rn.copy()
    i = np.argwhere(P == 0)[0]
    stray[tuple(i)] = 3.0
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m = TabularMDP(L, R_next=stray, horizon=5)
    msg = [str(x.message) for x in w]
    assert any(f"R_next[{', '.join(map(str, i))}] = 3.0 is given where P is 0; it is ignored"
               in x for x in msg), msg
    assert np.array_equal(m.R_next_successors, TabularMDP(L, R_next=Rn, horizon=5)
                          .R_next_successors)
    big = TabularMDP(L, R_next=Rn * 3, horizon=5)
    with pytest.raises(ValueError, match=r"^reward_noise='bernoulli' needs mean rewards in "
                                         r"\[0, 1\]; R_next\["):
        mdpsim.run("ucbvi", big, episodes=2, reward_noise="bernoulli")
