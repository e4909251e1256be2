"""The robust setting's exact evaluator (worst case over the set, stage by stage) against
independent computations: brute-force vertex enumeration of the L1 sets (no solver), the
NumPy robust kernels, ``robust_evaluate``, and the LP / cvxpy oracles of
``proofs_checks/_lp_oracles.py`` (skipped cleanly without cvxpy)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import mdpsim
from mdpsim.robust import robust_evaluate, robust_solve
from mdpsim.settings import Robust
from mdpsim.settings.robust import robust_policy_value

TOL = 1e-10


def _rmdp(seed, kind="l1", rect="sa", S=4, A=2, b=2, H=3, stage=False, radius=None):
    mdp = mdpsim.make("garnet", S=S, A=A, b=b, horizon=H, rng=seed, stage_dependent=stage)
    r = np.random.default_rng(seed + 100)
    if radius is None:
        top = {"l1": 0.8, "tv": 0.4, "linf": 0.3, "l2": 0.4, "chi2": 0.5, "kl": 0.3}[kind]
        radius = r.uniform(0.1, top, size=(S, A) if rect == "sa" else S)
        if rect == "s" and kind in ("l1", "tv"):
            radius = radius * A / 2
    return mdpsim.RobustMDP(mdp, kind, radius, rect=rect)


def _policy(rm, seed):
    r = np.random.default_rng(seed)
    return r.dirichlet(np.ones(rm.A), size=(rm.horizon, rm.S))


def _compiled(rm, pi):
    st = Robust(rm)
    V = np.zeros((rm.horizon + 1, rm.S))
    return robust_policy_value(st.eval_env(), np.ascontiguousarray(pi), V), V


def _rows(rm, h, s):
    """Per action: (support, nominal probabilities, rewards of the transitions) at stage h."""
    P = np.asarray(rm.nominal.P)
    P = P[h] if P.ndim == 4 else P
    R = np.asarray(rm.nominal.R)
    R = R[h] if R.ndim == 3 else R
    out = []
    for a in range(rm.A):
        sup = np.flatnonzero(P[s, a] > 0)
        out.append((sup, P[s, a, sup], R[s, a]))
    return out


def _vertex_min(c, q_blocks, budget):
    """``min c.x`` over ``{x >= 0, sum of each block = 1, sum |x - q| <= budget}`` by
    enumerating the vertices: the L1 constraint is the 2^M sign constraints
    ``sigma.(x - q) <= budget``; a vertex has M - n_blocks of the inequalities active."""
    M = c.size
    q = np.concatenate(q_blocks)
    E = np.zeros((len(q_blocks), M))
    o = 0
    for i, qb in enumerate(q_blocks):
        E[i, o:o + qb.size] = 1.0
        o += qb.size
    signs = np.array(list(itertools.product([-1.0, 1.0], repeat=M)))
    G = np.vstack([-np.eye(M), signs])
    h = np.concatenate([np.zeros(M), budget + signs @ q])
    best = np.inf
    for act in itertools.combinations(range(G.shape[0]), M - E.shape[0]):
        Mat = np.vstack([E, G[list(act)]])
        if abs(np.linalg.det(Mat)) < 1e-12:
            continue
        x = np.linalg.solve(Mat, np.concatenate([np.ones(E.shape[0]), h[list(act)]]))
        if np.all(G @ x <= h + 1e-12):
            best = min(best, float(c @ x))
    return best


def _brute_force_value(rm, pi):
    """Robust backward evaluation with the vertex enumeration above (L1 sets only)."""
    V = np.zeros((rm.horizon + 1, rm.S))
    for h in range(rm.horizon - 1, -1, -1):
        for s in range(rm.S):
            rows = _rows(rm, h, s)
            zs = [R + V[h + 1, sup] for sup, _, R in rows]
            if rm.rect == "sa":
                V[h, s] = sum(pi[h, s, a] * _vertex_min(zs[a], [rows[a][1]], rm.radius[s, a])
                              for a in range(rm.A))
            else:
                c = np.concatenate([pi[h, s, a] * zs[a] for a in range(rm.A)])
                V[h, s] = _vertex_min(c, [r[1] for r in rows], rm.radius[s])
    return float(rm.init @ V[0]), V


@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("seed", range(3))
def test_l1_value_matches_vertex_enumeration(rect, seed):
    rm = _rmdp(seed, "l1", rect, S=3, A=2, b=2, H=3)
    for k in range(3):
        pi = _policy(rm, 10 * seed + k)
        got, V = _compiled(rm, pi)
        want, Vb = _brute_force_value(rm, pi)
        assert abs(got - want) <= TOL * (1 + abs(want))
        assert np.max(np.abs(V - Vb)) <= TOL * (1 + np.abs(Vb).max())


KINDS = ["l1", "tv", "linf", "l2", "chi2", "kl"]


@pytest.mark.parametrize("stage", [False, True])
@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("kind", KINDS)
def test_value_matches_robust_evaluate_and_numpy_kernels(kind, rect, stage):
    rm = _rmdp(3, kind, rect, S=5, A=3, b=3, H=4, stage=stage)
    st = Robust(rm)
    for k in range(3):
        pi = _policy(rm, k)
        got, _ = _compiled(rm, pi)
        ref = robust_evaluate(rm, pi).value
        assert abs(got - ref) <= TOL * (1 + abs(ref))
        assert abs(st.reference_value(pi) - ref) <= TOL * (1 + abs(ref))
        assert abs(st.value(pi) - ref) <= TOL * (1 + abs(ref))
    # deterministic optimal policy of the robust solve attains the robust optimum (sa-rect)
    sol = robust_solve(rm)
    got, _ = _compiled(rm, np.ascontiguousarray(sol.pi))
    assert abs(got - st.optimum()) <= TOL * (1 + abs(got))
    assert st.optimum() <= mdpsim.solve(rm.nominal).value + TOL


def _oracle_value(rm, pi):
    """Robust backward evaluation with one solver call per row (sa) or state (s)."""
    from mdpsim.kernels.robust_common import KIND_NAMES
    import _lp_oracles as oracle
    kind = KIND_NAMES.index(rm.kind)
    V = np.zeros((rm.horizon + 1, rm.S))
    for h in range(rm.horizon - 1, -1, -1):
        for s in range(rm.S):
            rows = _rows(rm, h, s)
            zs = [R + V[h + 1, sup] for sup, _, R in rows]
            if rm.rect == "sa":
                V[h, s] = sum(pi[h, s, a] * oracle.row_worst(kind, zs[a], rows[a][1],
                                                            rm.budget[s, a])[0]
                              for a in range(rm.A))
            else:
                V[h, s] = oracle.state_worst_fixed(kind, zs, [r[1] for r in rows], pi[h, s],
                                                   rm.budget[s])[0]
    return float(rm.init @ V[0])


@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("kind", ["l1", "linf", "l2", "chi2", "kl"])
def test_value_matches_solver_oracles(kind, rect):
    if kind == "linf" and rect == "s":
        pytest.skip("s-rectangular linf is stored as (s,a)-rectangular")
    if kind not in ("l1", "linf") or rect == "s" and kind != "l1":
        pytest.importorskip("cvxpy", reason="pip install -e '.[test]' for the cvxpy oracles")
    rm = _rmdp(5, kind, rect, S=4, A=2, b=3, H=3)
    pi = _policy(rm, 1)
    got, _ = _compiled(rm, pi)
    want = _oracle_value(rm, pi)
    tol = TOL if kind in ("l1", "linf") else 1e-7   # interior point (Clarabel) at ~1e-9
    assert abs(got - want) <= tol * (1 + abs(want)), (got, want)


def test_robust_value_below_nominal_and_equal_at_radius_zero():
    rm = _rmdp(7, "l1", "sa", S=5, A=2, b=3, H=4)
    pi = _policy(rm, 2)
    nominal = float(rm.init @ mdpsim.evaluate(rm.nominal, pi)[0])
    assert _compiled(rm, pi)[0] <= nominal + TOL
    rm0 = rm.replace(radius=0.0)
    assert abs(_compiled(rm0, pi)[0] - nominal) <= TOL * (1 + abs(nominal))


def test_discounted_robust_setting_scores_policy_sequences():
    mdp = mdpsim.make("garnet", S=5, A=2, b=3, gamma=0.9, rng=0)
    rm = mdpsim.RobustMDP(mdp, "l1", 0.3)
    st = Robust(rm)
    assert not st.online
    sol = robust_solve(rm)
    pols = [np.zeros(5, np.int64), sol.policy]
    df = st.evaluate_sequence(pols)
    assert abs(df["value"].iloc[0] - robust_evaluate(rm, pols[0]).value) <= TOL
    assert abs(df["gap"].iloc[1]) <= 1e-9
    with pytest.raises(ValueError, match="finite-horizon RobustMDP"):
        mdpsim.run("greedy", rm, episodes=2)
    with pytest.raises(ValueError, match="no online learner loop"):
        mdpsim.run("greedy", st, episodes=2)


def test_errors_are_one_line():
    mdp = mdpsim.make("garnet", S=4, A=2, b=2, horizon=3, rng=0)
    for fn, msg in [(lambda: Robust(mdp), "Robust setting needs a RobustMDP, got TabularMDP"),
                    (lambda: mdpsim.run("greedy", "garnet", episodes=2),
                     "mdp must be a TabularMDP, a RobustMDP, a LinearMDP or a Setting, got str")]:
        with pytest.raises(ValueError) as e:
            fn()
        assert msg in str(e.value) and "\n" not in str(e.value)


def test_robust_setting_refuses_what_its_evaluator_does_not_support():
    from mdpsim.settings import Robust
    m = mdpsim.make("garnet", S=5, A=2, b=2, horizon=4, rng=0)
    feas = np.ones((5, 2), dtype=bool)
    feas[0, 1] = False
    rm = mdpsim.RobustMDP(mdpsim.TabularMDP(m.P, m.R, horizon=4, feasible=feas), "l1", 0.1)
    with pytest.raises(ValueError, match="nominal model has an action mask"):
        Robust(rm)
