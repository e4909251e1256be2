"""Models as users write them (issue 21): action masks, next-state rewards, terminal states,
discounted finite horizon, the QuantEcon / pymdptoolbox formats, one canonical policy.

Every native form is checked against the hand translation a user had to write before
(a feasible action copied into the infeasible slot, the expectation of r(s, a, s'), an extra
absorbing exit state, a chain killed with probability 1 - gamma) and against answers derived
by hand in the tests' docstrings.
"""
import itertools
import warnings

import numpy as np
import pytest

import mdpsim
from mdpsim import TabularMDP, solve, evaluate
from mdpsim.settings import Episodic

TOL = 1e-12
DIFFS = {}      # name -> max |native - translation| (printed by test_report_max_difference)


# ------------------------------------------------------------------------ hand translations
def copy_feasible(P, R, F):
    """Infeasible slot := a copy of the state's first feasible action (the old workaround)."""
    P, R = P.copy(), R.copy()
    for s in range(F.shape[0]):
        a0 = int(np.flatnonzero(F[s])[0])
        for a in np.flatnonzero(~F[s]):
            P[s, a], R[s, a] = P[s, a0], R[s, a0]
    return P, R


def exit_state(P, R, term, term_r, Rn=None):
    """Terminal states -> one extra absorbing exit state; the terminal reward paid on entry."""
    S, A = R.shape
    Rn = np.repeat(R[..., None], S, -1) if Rn is None else Rn
    P2 = np.zeros((S + 1, A, S + 1))
    R2 = np.zeros((S + 1, A))
    for s in range(S):
        if term[s]:
            P2[s, :, S] = 1.0
            continue
        for a in range(A):
            for y in range(S):
                p = P[s, a, y]
                R2[s, a] += p * (Rn[s, a, y] + (term_r[y] if term[y] else 0.0))
                P2[s, a, y] += p
    P2[S, :, S] = 1.0
    return P2, R2


def kill_chain(P, R, gamma):
    """Discounted finite horizon -> undiscounted: die with probability 1 - gamma per step."""
    S, A = R.shape
    P2 = np.zeros((S + 1, A, S + 1))
    P2[:S, :, :S] = gamma * P
    P2[:S, :, S] = 1.0 - gamma
    P2[S, :, S] = 1.0
    return P2, np.vstack([R, np.zeros((1, A))])


def random_model(rng, S, A, *, mask=True, terminal=True, next_state=True):
    P = rng.dirichlet(np.ones(S) * 0.5, size=(S, A))
    P[P < 0.05] = 0.0
    P /= P.sum(-1, keepdims=True)
    F = np.ones((S, A), bool)
    if mask:
        F = rng.random((S, A)) < 0.7
        F[np.arange(S), rng.integers(0, A, S)] = True
    term = np.zeros(S, bool)
    term_r = np.zeros(S)
    if terminal:
        term[rng.choice(np.arange(1, S), size=1)] = True
        term_r[term] = rng.normal(size=term.sum())
    Rn = np.where(P > 0, rng.random((S, A, S)), 0.0) if next_state else None
    R = rng.random((S, A)) if Rn is None else (P * Rn).sum(-1)
    return P, R, Rn, F, term, term_r


def native(P, R, Rn, F, term, term_r, **crit):
    kw = dict(feasible=F, terminal=term, terminal_reward=term_r, **crit)
    if Rn is not None:
        return TabularMDP(P, R_next=Rn, **kw)
    Rm = np.where(F, R, -np.inf)     # QuantEcon's convention at infeasible pairs
    return TabularMDP(P, Rm, **kw)


def translation(P, R, Rn, F, term, term_r, **crit):
    Rexp = R if Rn is None else (P * Rn).sum(-1)
    P1, R1 = copy_feasible(P, Rexp, F)
    P2, R2 = exit_state(P1, R1, term, term_r)
    init = np.zeros(P2.shape[0])
    init[0] = 1.0
    if "horizon" in crit and crit.get("gamma") is not None:
        P2, R2 = kill_chain(P2, R2, crit["gamma"])
        init = np.append(init, 0.0)
        return TabularMDP(P2, R2, horizon=crit["horizon"], init=init)
    return TabularMDP(P2, R2, init=init, **crit)


# ------------------------------------------------------------------------ ≥ 20 models
CASES = [(seed, crit, storage) for seed in range(4)
         for crit in ({"gamma": 0.9}, {"horizon": 6}, {"horizon": 5, "gamma": 0.7})
         for storage in ("dense", "successors")]


@pytest.mark.parametrize("seed, crit, storage", CASES)
def test_native_equals_translation(seed, crit, storage):
    rng = np.random.default_rng(seed)
    parts = random_model(rng, 6, 3)
    m = native(*parts, **crit)
    if storage == "successors":
        m = m.to_successors()
    t = translation(*parts, **crit)
    sm, st = solve(m), solve(t)
    S = m.S
    Vm = sm.V if sm.V.ndim == 1 else sm.V[0]
    Vt = (st.V if st.V.ndim == 1 else st.V[0])[:S]
    d = float(np.abs(Vm - Vt).max())
    DIFFS[f"random/{seed}/{crit}/{storage}"] = d
    assert d <= TOL * (1 + np.abs(Vt).max())
    # the native optimal policy is feasible and its exact value is the optimum
    assert np.all(m.feasible[np.arange(S), sm.policy if sm.policy.ndim == 1 else sm.policy[0]])
    Vp = evaluate(m, sm.policy)
    assert np.abs(Vp - sm.V).max() <= 1e-9


def test_native_equals_translation_methods():
    """vi, pi, lp, mpi on a masked discounted model: one value, one policy."""
    rng = np.random.default_rng(7)
    parts = random_model(rng, 8, 4, terminal=False, next_state=False)
    m = native(*parts, gamma=0.95)
    t = translation(*parts, gamma=0.95)
    ref = solve(t, method="pi").V[:8]
    pols = []
    for meth in ("vi", "pi", "lp", "mpi"):
        s = solve(m, method=meth)
        DIFFS[f"methods/{meth}"] = float(np.abs(s.V - ref).max())
        assert np.abs(s.V - ref).max() < 1e-8
        pols.append(s.policy)
    assert all(np.array_equal(p, pols[0]) for p in pols)


# ------------------------------------------------------------------------ derived examples
def gridworld(gamma=0.9):
    """3 x 3 grid, cells r * 3 + c; a wall between (0, 1) and (1, 1) and between (1, 0) and
    (1, 1); moves N, E, S, W are deterministic and infeasible into the border or a wall;
    terminal goal (0, 2) pays +1 on entry, terminal pit (1, 1)... is walled off from two
    sides and pays -1. Start (2, 0)."""
    n = 3
    S, A = n * n, 4
    moves = [(-1, 0), (0, 1), (1, 0), (0, -1)]
    walls = {frozenset({1, 4}), frozenset({3, 4})}
    P = np.zeros((S, A, S))
    F = np.zeros((S, A), bool)
    for s in range(S):
        r, c = divmod(s, n)
        for a, (dr, dc) in enumerate(moves):
            r2, c2 = r + dr, c + dc
            if 0 <= r2 < n and 0 <= c2 < n and frozenset({s, r2 * n + c2}) not in walls:
                F[s, a] = True
                P[s, a, r2 * n + c2] = 1.0
    term = np.zeros(S, bool)
    term[[2, 4]] = True
    term_r = np.zeros(S)
    term_r[2], term_r[4] = 1.0, -1.0
    return P, np.zeros((S, A)), F, term, term_r


def test_gridworld_walls_terminals():
    """Derived: with deterministic moves, zero step reward and the goal paying 1 on entry,
    V*(s) = gamma^(d(s) - 1) with d(s) the wall-respecting shortest path length to the goal
    (the pit only costs); the terminal states are worth 0 (nothing more is collected)."""
    g = 0.9
    P, R, F, term, term_r = gridworld(g)
    m = TabularMDP(P, R, gamma=g, feasible=F, terminal=term, terminal_reward=term_r, init=None)
    # shortest paths to cell 2 avoiding the pit (4): by hand on the grid
    d = {0: 2, 1: 1, 3: 3, 5: 1, 6: 4, 7: 3, 8: 2}
    want = np.zeros(9)
    for s, k in d.items():
        want[s] = g ** (k - 1)
    for meth in ("vi", "pi", "lp"):
        s = solve(m, method=meth, tol=1e-13) if meth == "vi" else solve(m, method=meth)
        assert np.abs(s.V - want).max() < (1e-12 if meth != "lp" else 1e-8)
    t = translation(P, R, None, F, term, term_r, gamma=g)
    diff = np.abs(solve(m, method="pi").V - solve(t, method="pi").V[:9]).max()
    DIFFS["gridworld"] = float(diff)
    assert diff <= TOL
    # the optimal first move from the start (6) is N (to 3), then N (to 0) — E from 3 is walled
    pol = solve(m, method="pi").policy
    assert pol[6] == 0 and pol[3] == 0 and not F[3, 1]


def inventory(C=3, price=2.0, cost=1.0, hold=0.1, q_dem=(0.3, 0.4, 0.3)):
    """Stock s in 0..C, order a in 0..C with s + a <= C (capacity: a mask), demand D in
    {0, 1, 2}; reward price * min(s + a, D) - cost * a - hold * (s + a - sales)."""
    S = A = C + 1
    P = np.zeros((S, A, S))
    R = np.full((S, A), -np.inf)
    for s in range(S):
        for a in range(A - s):
            y = s + a
            R[s, a] = 0.0
            for dmd, p in enumerate(q_dem):
                sold = min(y, dmd)
                P[s, a, y - sold] += p
                R[s, a] += p * (price * sold - cost * a - hold * (y - sold))
    return P, R


def test_inventory_capacity():
    """Derived by enumeration: the optimum over all prod_s |F(s)| deterministic feasible
    policies (exact linear solves) equals the native solve, and the QuantEcon
    state-action-pair form gives the same model."""
    g = 0.95
    P, R = inventory()
    m = mdpsim.from_quantecon(R, P, g)
    assert m.masked and int((~m.feasible).sum()) == 6
    F = np.isfinite(R)
    best = -np.inf
    for pol in itertools.product(*[np.flatnonzero(F[s]) for s in range(4)]):
        pol = np.array(pol)
        Ppi = P[np.arange(4), pol]
        v = np.linalg.solve(np.eye(4) - g * Ppi, R[np.arange(4), pol])
        if v[0] > best:
            best, vbest = v[0], v
    s = solve(m, method="pi")
    assert abs(s.V[0] - best) < 1e-12 and np.abs(s.V - vbest).max() < 1e-10
    t = TabularMDP(*copy_feasible(P, np.where(F, R, 0.0), F), gamma=g)
    DIFFS["inventory"] = float(np.abs(s.V - solve(t, method="pi").V).max())
    assert DIFFS["inventory"] <= 1e-12
    sa = mdpsim.from_quantecon(*mdpsim.to_quantecon(m, form="sa")[:2], g,
                               *mdpsim.to_quantecon(m, form="sa")[3:])
    assert np.array_equal(sa.P, m.P) and np.array_equal(sa.R, m.R) \
        and np.array_equal(sa.feasible, m.feasible)


def american_put(H=6, S0=100.0, K=100.0, u=1.1, d=0.9, r=0.02):
    """Binomial American put: state i = number of up-moves minus down-moves, shifted;
    action 0 hold, 1 exercise (-> terminal 'done' with the payoff as a next-state reward);
    discount 1 / (1 + r) per step; risk-neutral p = (1 + r - d) / (u - d)."""
    n = 2 * H + 1
    S = n + 1                              # the last state: exercised (terminal)
    p = (1 + r - d) / (u - d)
    price = S0 * u ** (np.arange(n) - H)   # u d = 0.99 != 1: use a recombining grid in u
    P = np.zeros((S, 2, S))
    Rn = np.zeros((S, 2, S))
    for i in range(n):
        P[i, 0, min(i + 1, n - 1)] += p
        P[i, 0, max(i - 1, 0)] += 1 - p
        P[i, 1, n] = 1.0
        Rn[i, 1, n] = max(K - price[i], 0.0)
    P[n, :, n] = 1.0
    term = np.zeros(S, bool)
    term[n] = True
    return P, Rn, term, 1.0 / (1.0 + r), p, price, n


def test_discounted_finite_horizon_option():
    """Derived: W_H = 0, W_h(i) = max(payoff(i), beta (p W_{h+1}(i+1) + (1-p) W_{h+1}(i-1)))
    written out as a scalar recursion; native (horizon and gamma together, terminal state,
    next-state payoff) and the kill-chain translation agree with it to 1e-12."""
    H = 6
    P, Rn, term, beta, p, price, n = american_put(H)
    init = np.zeros(n + 1)
    init[H] = 1.0
    m = TabularMDP(P, R_next=Rn, horizon=H, gamma=beta, terminal=term, init=init)
    W = np.zeros(n)
    for h in range(H - 1, -1, -1):
        W = np.array([max(max(100.0 - price[i], 0.0),
                          beta * (p * W[min(i + 1, n - 1)] + (1 - p) * W[max(i - 1, 0)]))
                      for i in range(n)])
    s = solve(m)
    assert abs(s.value - W[H]) < 1e-12 and np.abs(s.V[0, :n] - W).max() < 1e-12
    t = translation(P, None, Rn, np.ones((n + 1, 2), bool), term, np.zeros(n + 1),
                    horizon=H, gamma=beta)
    st = solve(TabularMDP(t.P, t.R, horizon=H, init=np.append(np.append(init, 0.0), 0.0)))
    DIFFS["american_put"] = abs(s.value - st.value)
    assert DIFFS["american_put"] <= 1e-12
    # evaluate agrees with the solve, and the engine's learner view has the same optimum
    assert abs(float(m.init @ evaluate(m, s.policy)[0]) - s.value) < 1e-12
    assert abs(Episodic(m).optimum() - s.value) < 1e-12


# ------------------------------------------------------------------------ formats
@pytest.mark.parametrize("shape", ["S", "SA", "ASS"])
def test_mdptoolbox_three_reward_shapes(shape):
    mdptoolbox = pytest.importorskip("mdptoolbox.mdp")
    rng = np.random.default_rng(3)
    S, A, g = 5, 3, 0.9
    Pa = rng.dirichlet(np.ones(S), size=(A, S))
    R = {"S": rng.random(S), "SA": rng.random((S, A)), "ASS": rng.random((A, S, S))}[shape]
    m = mdpsim.from_mdptoolbox(Pa, R, gamma=g)
    pi = mdptoolbox.PolicyIteration(Pa, R, g)
    pi.run()
    s = solve(m, method="pi")
    DIFFS[f"mdptoolbox/{shape}"] = float(np.abs(np.array(pi.V) - s.V).max())
    assert np.abs(np.array(pi.V) - s.V).max() < 1e-10
    assert tuple(s.policy) == tuple(pi.policy)
    P2, R2 = mdpsim.to_mdptoolbox(m)
    m2 = mdpsim.from_mdptoolbox(P2, R2, gamma=g)
    assert np.array_equal(m2.P, m.P) and np.abs(m2.R - m.R).max() < 1e-15
    fh = mdptoolbox.FiniteHorizon(Pa, R, 1.0, 4)
    fh.run()
    sf = solve(mdpsim.from_mdptoolbox(Pa, R, horizon=4))
    assert np.abs(np.array(fh.V)[:, 0] - sf.V[0]).max() < 1e-12
    fh = mdptoolbox.FiniteHorizon(Pa, R, g, 4)     # discounted finite horizon
    fh.run()
    sf = solve(mdpsim.from_mdptoolbox(Pa, R, horizon=4, gamma=g))
    DIFFS[f"mdptoolbox-finite/{shape}"] = float(np.abs(np.array(fh.V)[:, 0] - sf.V[0]).max())
    assert DIFFS[f"mdptoolbox-finite/{shape}"] < 1e-12


def test_quantecon_forms_agree():
    rng = np.random.default_rng(5)
    P, R, Rn, F, term, tr = random_model(rng, 7, 3, terminal=False, next_state=False)
    Rq = np.where(F, R, -np.inf)
    a = mdpsim.from_quantecon(Rq, P, 0.9)
    s_idx, a_idx = np.nonzero(F)
    b = mdpsim.from_quantecon(R[F], P[F], 0.9, s_idx, a_idx)
    assert np.array_equal(a.P, b.P) and np.array_equal(a.R, b.R)
    assert np.array_equal(a.feasible, b.feasible)
    R2, Q2, beta = mdpsim.to_quantecon(a)
    assert beta == 0.9 and np.array_equal(R2, Rq) and np.array_equal(Q2[F], P[F])
    assert np.array_equal(solve(a).policy, solve(b).policy)


# ------------------------------------------------------------------------ canonical policy
def test_canonical_policy_on_ties():
    """Models with deliberate ties (duplicated actions, symmetric successors): vi, pi, lp
    and mpi return the identical (lowest-index) policy."""
    rng = np.random.default_rng(11)
    n_models = 0
    for k in range(12):
        S, A = 5, 4
        P = rng.dirichlet(np.ones(S), size=(S, A))
        R = rng.random((S, A))
        P[:, 2], R[:, 2] = P[:, 1], R[:, 1]     # action 2 duplicates action 1 everywhere
        P[:, 3], R[:, 3] = P[:, 0], R[:, 0]     # action 3 duplicates action 0
        if k % 2:
            P[:, 1], R[:, 1] = P[:, 0], R[:, 0]  # all tied in every state
        m = TabularMDP(P, R, gamma=0.9)
        pols = [solve(m, method=meth).policy for meth in ("vi", "pi", "lp", "mpi")]
        pols.append(solve(m, method="pi").policy)
        assert all(np.array_equal(p, pols[0]) for p in pols), (k, pols)
        assert set(np.unique(pols[0])) <= ({0, 2} if k % 2 else {0, 1})   # lowest duplicates
        # policy iteration started on the high duplicate still reports the lowest index
        from mdpsim.planning import policy_iteration
        pi3 = policy_iteration(m, policy0=np.full(S, 3)).policy
        assert np.array_equal(pi3, pols[0])
        n_models += 1
    assert n_models == 12


# ------------------------------------------------------------------------ bad input
def test_bad_input_one_line():
    P = np.full((2, 2, 2), 0.5)
    R = np.zeros((2, 2))
    cases = [
        (dict(R=R, gamma=0.9, feasible=np.ones((2, 3), bool)), "feasible must have shape"),
        (dict(R=R, gamma=0.9, feasible=np.array([[True, True], [False, False]])),
         "state 1 has no feasible action"),
        (dict(R=np.array([[0.0, -np.inf], [0.0, 0.0]]), gamma=0.9), "feasible="),
        (dict(R=R, gamma=1.5), "gamma must be in [0, 1)"),
        (dict(R=R, gamma=-0.1, horizon=3), "gamma must be in [0, 1]"),
        (dict(R=R, gamma=1.0), "gamma must be in [0, 1)"),
    ]
    for kw, msg in cases:
        with pytest.raises(ValueError) as e:
            TabularMDP(P, **kw)
        assert msg in str(e.value) and "\n" not in str(e.value)
    m = TabularMDP(P, R, gamma=0.9, feasible=np.array([[True, False], [True, True]]))
    with pytest.raises(ValueError, match="infeasible there"):
        evaluate(m, np.array([1, 0]))
    with pytest.raises(ValueError, match="infeasible there"):
        evaluate(m, np.array([[0.5, 0.5], [1.0, 0.0]]))
    P2 = np.array([[[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]]])
    Rn = np.ones((2, 2, 2))
    with pytest.warns(UserWarning, match="where P is 0; it is ignored"):
        m = TabularMDP(P2, R_next=Rn, gamma=0.9)
    assert np.array_equal(m.R, np.ones((2, 2)))


def test_unmasked_model_stores_what_it_stored():
    rng = np.random.default_rng(0)
    P = rng.dirichlet(np.ones(4), size=(4, 2))
    R = rng.random((4, 2))
    m = TabularMDP(P, R, horizon=3)
    assert m.R_next is None and m.terminal is None and not m.masked
    assert Episodic(m).played is m and Episodic(m).action_map is None


# ------------------------------------------------------------------------ simulator
def test_sample_trajectory_realised_next_state_rewards():
    rng = np.random.default_rng(2)
    P, R, Rn, F, term, tr = random_model(rng, 5, 2, mask=False, terminal=False)
    m = TabularMDP(P, R_next=Rn, horizon=50)
    st, ac, rw = mdpsim.sample_trajectory(m, np.zeros(5, np.int64), rng=1)
    assert np.array_equal(rw, Rn[st[:-1], ac, st[1:]])


def test_report_max_difference(capsys):
    """Runs last in this module: prints the max |native - translation| over the models."""
    if not DIFFS:
        pytest.skip("run with the other tests of this module")
    n = sum(1 for k in DIFFS if k.startswith("random/")) + 3
    with capsys.disabled():
        print(f"\nnative vs translation: {len(DIFFS)} checks ({n} models), max difference "
              f"{max(DIFFS.values()):.3g}")
    assert max(DIFFS.values()) < 1e-9
