"""Environment catalogue: construction, criteria, seeding, errors and analytic optima."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.envs.deepsea import deepsea_action_mapping
from mdpsim.envs.gridworld import gridworld_cells

TOL = 1e-12        # exact arithmetic on small tables (backward induction, table entries)
VI_TOL = 1e-7      # discounted solves (solve() certifies |V - V*| < 1e-10 / 2)

EXPECTED = {"garnet", "riverswim", "chain_lock", "deepsea", "gridworld", "dirichlet", "forest",
            "machine_replacement", "inventory"}
RANDOM_ENVS = ["garnet", "chain_lock", "deepsea", "dirichlet"]
ALL_ENVS = sorted(EXPECTED)


def max_abs(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, np.float64))))


def start_value(mdp, V) -> float:
    V0 = V[0] if mdp.finite_horizon else V
    return float(mdp.init @ V0)


# ------------------------------------------------------------------------------ registry
def test_registry_lists_every_factory():
    assert EXPECTED <= set(mdpsim.list_envs())


def test_unknown_env_lists_available_names():
    with pytest.raises(ValueError, match="unknown environment 'nope'") as exc:
        mdpsim.make("nope")
    for name in EXPECTED:
        assert name in str(exc.value)


@pytest.mark.parametrize("name", ALL_ENVS)
def test_unknown_parameter_names_it_and_lists_accepted(name):
    with pytest.raises(ValueError, match=r"no parameter 'bogus'.*accepted: .*horizon"):
        mdpsim.make(name, bogus=1)


# ------------------------------------------------------------------------------ generic
@pytest.mark.parametrize("name", ALL_ENVS)
def test_builds_with_defaults(name):
    mdp = mdpsim.make(name)
    assert isinstance(mdp, mdpsim.TabularMDP)
    assert isinstance(mdp.name, str) and mdp.name.startswith(name)
    assert mdp.P.dtype == np.float64 and mdp.R.dtype == np.float64
    assert max_abs(mdp.P.sum(-1), 1.0) <= 1e-12
    assert float(mdp.P.min()) >= 0.0
    assert abs(float(mdp.init.sum()) - 1.0) <= 1e-12


@pytest.mark.parametrize("name", ALL_ENVS)
@pytest.mark.parametrize("crit", [{"horizon": 7}, {"gamma": 0.9}])
def test_both_criteria_and_solve(name, crit):
    mdp = mdpsim.make(name, **crit)
    assert mdp.horizon == crit.get("horizon") and mdp.gamma == crit.get("gamma")
    sol = mdpsim.solve(mdp)
    assert np.all(np.isfinite(sol.V))
    # the optimum dominates the uniform policy everywhere, and the returned greedy policy
    # attains the optimal value
    uniform = np.full((mdp.S, mdp.A), 1.0 / mdp.A)
    tol = TOL * 100 if mdp.finite_horizon else VI_TOL
    assert float(np.min(sol.V - mdpsim.evaluate(mdp, uniform))) >= -tol
    assert max_abs(mdpsim.evaluate(mdp, sol.policy), sol.V) <= tol
    assert abs(sol.value - start_value(mdp, sol.V)) <= tol


@pytest.mark.parametrize("name", ALL_ENVS)
def test_horizon_and_gamma_together_rejected(name):
    with pytest.raises(ValueError, match="at most one of horizon"):
        mdpsim.make(name, horizon=5, gamma=0.9)


@pytest.mark.parametrize("name", ALL_ENVS)
def test_bad_criterion_values_rejected(name):
    with pytest.raises(ValueError, match="horizon"):
        mdpsim.make(name, horizon=0)
    with pytest.raises(ValueError, match="gamma"):
        mdpsim.make(name, gamma=1.0)


@pytest.mark.parametrize("name", RANDOM_ENVS)
def test_seeded_determinism(name):
    a, b = mdpsim.make(name, rng=7), mdpsim.make(name, rng=7)
    assert max_abs(a.P, b.P) == 0.0 and max_abs(a.R, b.R) == 0.0
    c = mdpsim.make(name, rng=np.random.default_rng(7))  # a Generator seeded alike
    assert max_abs(a.P, c.P) == 0.0 and max_abs(a.R, c.R) == 0.0
    d = mdpsim.make(name, rng=8)
    assert max_abs(a.P, d.P) > 0.0 or max_abs(a.R, d.R) > 0.0


@pytest.mark.parametrize("name", RANDOM_ENVS)
def test_bad_rng_rejected(name):
    with pytest.raises(ValueError, match="rng"):
        mdpsim.make(name, rng=-1)
    with pytest.raises(ValueError, match="rng"):
        mdpsim.make(name, rng=None)


BAD_PARAMS = [
    ("riverswim", {"S": 1}, r"S must be an integer >= 2, got 1"),
    ("riverswim", {"S": 6.0}, r"S must be an integer"),
    ("riverswim", {"p_right": 1.5}, r"p_right must be a probability.*1\.5"),
    ("riverswim", {"p_right": 0.5, "p_stay": 0.6}, r"p_right \+ p_stay must be <= 1"),
    ("riverswim", {"p_right_start": -0.1}, r"p_right_start must be a probability"),
    ("riverswim", {"p_stay_end": 2}, r"p_stay_end must be a probability"),
    ("riverswim", {"r_right": float("nan")}, r"r_right must be a finite number"),
    ("chain_lock", {"S": 0}, r"S must be an integer >= 1, got 0"),
    ("chain_lock", {"A": True}, r"A must be an integer"),
    ("chain_lock", {"S": 3, "combination": [0, 1]}, r"combination must be a sequence of S = 3"),
    ("chain_lock", {"S": 3, "A": 2, "combination": [0, 2, 1]},
     r"combination\[1\] = 2 is not an action in \[0, 2\)"),
    ("deepsea", {"N": 0}, r"N must be an integer >= 1, got 0"),
    ("deepsea", {"move_cost": -0.1}, r"move_cost must be a finite number >= 0"),
    ("deepsea", {"deterministic": "yes"}, r"deterministic must be True or False"),
    ("deepsea", {"randomize_actions": 1}, r"randomize_actions must be True or False"),
    ("deepsea", {"storage": "csr"}, r"storage must be 'successors' or 'dense', got 'csr'"),
    ("gridworld", {"slip": 1.2}, r"slip must be a probability.*1\.2"),
    ("gridworld", {"goal_reward": float("inf")}, r"goal_reward must be a finite number"),
    ("gridworld", {"layout": 42}, r"layout must be a string or a list of row strings"),
    ("gridworld", {"layout": ["S..", "..", "..G"]},
     r"layout row 1 has length 2 .*length of row 0, 3"),
    ("gridworld", {"layout": "S..\n.x.\n..G"},
     r"layout row 1, column 1: unknown cell character 'x'"),
    ("gridworld", {"layout": "...\n..G"}, r"layout has no start cell 'S'"),
    ("gridworld", {"layout": ""}, r"layout must have at least one non-empty row"),
    ("dirichlet", {"S": -1}, r"S must be an integer >= 1, got -1"),
    ("dirichlet", {"A": 0}, r"A must be an integer >= 1, got 0"),
    ("dirichlet", {"alpha": 0.0}, r"alpha must be a finite number > 0, got 0\.0"),
    ("dirichlet", {"stage_dependent": True, "gamma": 0.9},
     r"stage_dependent=True needs a finite horizon"),
    ("forest", {"S": 1}, r"S must be an integer >= 2, got 1"),
    ("forest", {"p": 1.1}, r"p must be a probability.*1\.1"),
    ("forest", {"r1": -1.0}, r"r1 must be a finite number >= 0, got -1\.0"),
    ("forest", {"r2": "2"}, r"r2 must be a finite number"),
    ("machine_replacement", {"S": 1}, r"S must be an integer >= 2, got 1"),
    ("machine_replacement", {"deterioration": (0.5, 0.6)}, r"deterioration must sum to 1"),
    ("machine_replacement", {"deterioration": (1.2, -0.2)},
     r"deterioration\[1\] = -0\.2"),
    ("machine_replacement", {"repair_cost": -1}, r"repair_cost must be a finite number >= 0"),
    ("machine_replacement", {"operating_cost": "x"}, r"operating_cost must be a finite number"),
    ("machine_replacement", {"p_imperfect": 2.0}, r"p_imperfect must be a probability"),
    ("inventory", {"capacity": 0}, r"capacity must be an integer >= 1, got 0"),
    ("inventory", {"max_order": -1}, r"max_order must be an integer >= 0, got -1"),
    ("inventory", {"demand": ()}, r"demand must be a non-empty 1-D sequence"),
    ("inventory", {"demand": (0.5, 0.4)}, r"demand must sum to 1"),
    ("inventory", {"price": -1.0}, r"price must be a finite number >= 0"),
    ("inventory", {"holding_cost": float("nan")}, r"holding_cost must be a finite number"),
    ("garnet", {"b": 0}, r"b must be an integer >= 1, got 0"),
]


@pytest.mark.parametrize("name,params,match", BAD_PARAMS,
                         ids=[f"{n}-{'-'.join(p)}" for n, p, _ in BAD_PARAMS])
def test_bad_parameter_errors_name_the_parameter(name, params, match):
    with pytest.raises(ValueError, match=match):
        mdpsim.make(name, **params)


def test_every_env_has_bad_parameter_coverage():
    assert {n for n, _, _ in BAD_PARAMS} == EXPECTED


# ------------------------------------------------------------------------------ RiverSwim
def test_riverswim_pinned_tables():
    mdp = mdpsim.make("riverswim", S=6)
    P, R = mdp.P, mdp.R
    left = np.zeros((6, 6))
    left[0, 0] = 1.0
    left[np.arange(1, 6), np.arange(0, 5)] = 1.0
    right = np.zeros((6, 6))
    right[0, [0, 1]] = [0.4, 0.6]
    for s in range(1, 5):
        right[s, [s - 1, s, s + 1]] = [0.05, 0.6, 0.35]
    right[5, [4, 5]] = [0.4, 0.6]
    assert max_abs(P[:, 0], left) <= TOL
    assert max_abs(P[:, 1], right) <= TOL
    R_exp = np.zeros((6, 2))
    R_exp[0, 0], R_exp[5, 1] = 0.005, 1.0
    assert max_abs(R, R_exp) <= TOL
    assert mdp.horizon == 20 and mdp.init[0] == 1.0


def test_riverswim_optimum_swims_right_and_beats_swim_left():
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    sol = mdpsim.solve(mdp)
    assert np.array_equal(sol.policy[0], np.ones(6, dtype=np.int64))  # all right at h = 0
    left = np.zeros(6, dtype=np.int64)
    V_left = mdpsim.evaluate(mdp, left)
    assert abs(float(V_left[0, 0]) - 20 * 0.005) <= TOL  # closed form: H * r_left
    assert sol.value > float(V_left[0, 0]) + 1.0

    disc = mdpsim.make("riverswim", S=6, gamma=0.95)
    dsol = mdpsim.solve(disc)
    assert np.array_equal(dsol.policy, np.ones(6, dtype=np.int64))
    V_left = mdpsim.evaluate(disc, left)
    assert abs(float(V_left[0]) - 0.005 / (1 - 0.95)) <= 1e-10  # r_left / (1 - gamma)
    assert dsol.value > float(V_left[0])


def test_riverswim_two_states_closed_form():
    # S = 2, always right: V(1) = 1 + g (0.6 V(1) + 0.4 V(0)), V(0) = g (0.4 V(0) + 0.6 V(1))
    g = 0.9
    mdp = mdpsim.make("riverswim", S=2, gamma=g)
    V = mdpsim.evaluate(mdp, np.ones(2, dtype=np.int64))
    M = np.array([[1 - 0.4 * g, -0.6 * g], [-0.4 * g, 1 - 0.6 * g]])
    V_exp = np.linalg.solve(M, np.array([0.0, 1.0]))
    assert max_abs(V, V_exp) <= 1e-10


# ------------------------------------------------------------------------------ chain lock
@pytest.mark.parametrize("S,A", [(1, 2), (5, 2), (8, 3)])
def test_chain_lock_optimum_and_random_policy(S, A):
    mdp = mdpsim.make("chain_lock", S=S, A=A, rng=3)
    assert mdp.S == S + 1 and mdp.horizon == S
    sol = mdpsim.solve(mdp)
    assert abs(sol.value - 1.0) <= TOL
    uniform = np.full((S + 1, A), 1.0 / A)
    assert abs(float(mdpsim.evaluate(mdp, uniform)[0, 0]) - A ** -S) <= TOL
    if S > 1:
        short = mdpsim.make("chain_lock", S=S, A=A, rng=3, horizon=S - 1)
        assert abs(mdpsim.solve(short).value) <= TOL
    disc = mdpsim.make("chain_lock", S=S, A=A, rng=3, gamma=0.9)
    assert abs(mdpsim.solve(disc).value - 0.9 ** (S - 1)) <= VI_TOL


def test_chain_lock_explicit_combination():
    mdp = mdpsim.make("chain_lock", S=4, A=3, combination=[2, 0, 1, 1])
    sol = mdpsim.solve(mdp)
    assert np.array_equal(sol.policy[np.arange(4), np.arange(4)], [2, 0, 1, 1])
    assert abs(float(mdp.R.sum()) - 1.0) <= TOL and mdp.R[3, 1] == 1.0
    assert mdp.P[1, 1, 4] == 1.0  # a wrong action falls into the sink
    assert np.all(mdp.P[4, :, 4] == 1.0)


# ------------------------------------------------------------------------------ DeepSea
@pytest.mark.parametrize("N", [1, 4, 10, 20])
def test_deepsea_optimal_value(N):
    mdp = mdpsim.make("deepsea", N=N, rng=5)
    assert mdp.S == N * N + 1 and mdp.horizon == N
    sol = mdpsim.solve(mdp)
    assert abs(sol.value - (1.0 - 0.01)) <= TOL  # N right moves at 0.01/N each, reward 1
    mapping = deepsea_action_mapping(N, rng=5)
    diag = np.arange(N)
    assert np.array_equal(sol.policy[diag, diag * N + diag], mapping[diag, diag])


def test_deepsea_stochastic_closed_form():
    N = 10
    mdp = mdpsim.make("deepsea", N=N, deterministic=False, rng=0)
    q = 1 - 1 / N
    # the N-1 first right moves must all succeed; right moves cost 0.01/N while on the path
    expected = q ** (N - 1) - 0.01 / N * sum(q ** k for k in range(N))
    assert abs(mdpsim.solve(mdp).value - expected) <= TOL


def test_deepsea_mapping_and_storage():
    a = mdpsim.make("deepsea", N=6, rng=1)
    b = mdpsim.make("deepsea", N=6, rng=1, storage="dense")
    assert a.storage == "successors" and b.storage == "dense"
    assert max_abs(a.P, b.P) == 0.0 and max_abs(a.R, b.R) == 0.0
    plain = mdpsim.make("deepsea", N=6, randomize_actions=False)
    pol = mdpsim.solve(plain).policy
    diag = np.arange(6)
    assert np.all(pol[diag, diag * 6 + diag] == 1)
    assert deepsea_action_mapping(6, rng=1).shape == (6, 6)
    # right from the top-left cell (mapping[0, 0]) moves to cell (1, 1) = state 7
    m = deepsea_action_mapping(6, rng=1)
    assert b.P[0, m[0, 0], 7] == 1.0 and b.P[0, 1 - m[0, 0], 6] == 1.0
    assert abs(b.R[0, m[0, 0]] + 0.01 / 6) <= TOL and b.R[0, 1 - m[0, 0]] == 0.0


# ------------------------------------------------------------------------------ gridworld
def test_gridworld_default_layout():
    mdp = mdpsim.make("gridworld")
    cells = gridworld_cells()
    assert mdp.S == 11 and mdp.A == 4 and mdp.horizon == 10 and len(cells) == 11
    assert (1, 1) not in cells                    # the wall is not a state
    start = cells.index((2, 0))
    assert mdp.init[start] == 1.0


def test_gridworld_deterministic_optimum():
    mdp = mdpsim.make("gridworld", slip=0.0)
    sol = mdpsim.solve(mdp)
    assert abs(sol.value - 1.0) <= TOL            # goal 5 moves away, H = 10
    short = mdpsim.make("gridworld", slip=0.0, horizon=4)
    assert abs(mdpsim.solve(short).value) <= TOL  # goal out of reach in 4 moves
    exact = mdpsim.make("gridworld", slip=0.0, horizon=5)
    assert abs(mdpsim.solve(exact).value - 1.0) <= TOL
    disc = mdpsim.make("gridworld", slip=0.0, gamma=0.9)
    assert abs(mdpsim.solve(disc).value - 0.9 ** 4) <= VI_TOL


def test_gridworld_slip_and_pit():
    layout = ["S.P"]
    mdp = mdpsim.make("gridworld", layout=layout, slip=0.3, horizon=3)
    # state order: S=0, '.'=1, P=2; from S, right w.p. 0.7, up/down/left bump (stay)
    assert abs(mdp.P[0, 1, 1] - 0.7) <= TOL and abs(mdp.P[0, 1, 0] - 0.3) <= TOL
    # from the middle cell, left moves right (into the pit) w.p. slip / 3
    assert abs(mdp.P[1, 3, 2] - 0.1) <= TOL and abs(mdp.R[1, 3] + 0.1) <= TOL
    assert np.all(mdp.P[2, :, 2] == 1.0) and np.all(mdp.R[2] == 0.0)
    # optimum by hand: from S and from the middle the best is to push left (slips right
    # w.p. 0.1). V_2 = (S: 0, M: -0.1); V_1(S) = 0.1 * V_2(M) = -0.01,
    # V_1(M) = -0.1 + 0.2 * V_2(M) = -0.12; V_0(S) = 0.1 * V_1(M) + 0.9 * V_1(S) = -0.021
    sol = mdpsim.solve(mdp)
    assert max_abs(sol.V[:, :2], [[-0.021, -0.131], [-0.01, -0.12], [0.0, -0.1]]) <= TOL
    assert abs(sol.value + 0.021) <= TOL


def test_gridworld_layout_forms_agree():
    text = """
        S..#
        .#.G
        ..P.
    """
    a = mdpsim.make("gridworld", layout=text)
    b = mdpsim.make("gridworld", layout=["S..#", ".#.G", "..P."])
    assert max_abs(a.P, b.P) == 0.0 and max_abs(a.R, b.R) == 0.0


def test_gridworld_two_starts_uniform_init():
    mdp = mdpsim.make("gridworld", layout=["S.G", "S.."])
    assert max_abs(mdp.init, [0.5, 0, 0, 0.5, 0, 0]) <= TOL


# ------------------------------------------------------------------------------ Dirichlet
def test_dirichlet_shapes_and_stage_dependence():
    mdp = mdpsim.make("dirichlet", S=5, A=3, horizon=4, stage_dependent=True, rng=2)
    assert mdp.P.shape == (4, 5, 3, 5) and mdp.R.shape == (4, 5, 3)
    assert max_abs(mdp.P[0], mdp.P[1]) > 0.0
    assert float(mdp.R.min()) >= 0.0 and float(mdp.R.max()) < 1.0
    assert max_abs(mdp.P.sum(-1), 1.0) <= 1e-12
    assert mdpsim.solve(mdp).V.shape == (4, 5)


def test_dirichlet_concentration():
    flat = mdpsim.make("dirichlet", S=20, A=2, alpha=1e4, rng=0)
    assert max_abs(flat.P, 1 / 20) <= 0.01        # large alpha: rows near uniform
    peaked = mdpsim.make("dirichlet", S=20, A=2, alpha=0.01, rng=0)
    assert float(peaked.P.max(-1).mean()) >= 0.8  # small alpha: nearly deterministic rows


# ------------------------------------------------------------------------------ forest
@pytest.mark.parametrize("S,r1,r2,p", [(3, 4, 2, 0.1), (4, 4, 2, 0.1), (2, 1, 3, 0.5),
                                       (7, 10, 1, 0.0)])
def test_forest_matches_pymdptoolbox(S, r1, r2, p):
    example = pytest.importorskip("mdptoolbox.example")
    P_ref, R_ref = example.forest(S=S, r1=r1, r2=r2, p=p)
    mdp = mdpsim.make("forest", S=S, r1=r1, r2=r2, p=p)
    assert max_abs(mdp.P, np.transpose(P_ref, (1, 0, 2))) <= TOL
    assert max_abs(mdp.R, R_ref) <= TOL


def test_forest_default_against_hand_table():
    mdp = mdpsim.make("forest")
    P_wait = np.array([[0.1, 0.9, 0.0], [0.1, 0.0, 0.9], [0.1, 0.0, 0.9]])
    assert max_abs(mdp.P[:, 0], P_wait) <= TOL
    assert max_abs(mdp.P[:, 1], [[1, 0, 0]] * 3) <= TOL
    assert max_abs(mdp.R, [[0, 0], [0, 1], [4, 2]]) <= TOL
    assert mdp.gamma == 0.95


# ------------------------------------------------------------------------------ machines
def test_machine_replacement_threshold_policy():
    mdp = mdpsim.make("machine_replacement")
    pol = mdpsim.solve(mdp).policy
    assert pol[0] == 0 and pol[-1] == 1
    assert np.all(np.diff(pol) >= 0)              # continue below a level, repair above
    assert np.array_equal(pol, [0] * 5 + [1] * 5)  # the documented default threshold


def test_machine_replacement_tables():
    mdp = mdpsim.make("machine_replacement", S=4, p_imperfect=0.25, repair_cost=2.0)
    cont = np.array([[0.2, 0.5, 0.3, 0.0], [0.0, 0.2, 0.5, 0.3], [0.0, 0.0, 0.2, 0.8],
                     [0.0, 0.0, 0.0, 1.0]])
    assert max_abs(mdp.P[:, 0], cont) <= TOL
    assert max_abs(mdp.P[:, 1], [[0.75, 0.25, 0, 0]] * 4) <= TOL
    assert max_abs(mdp.R[:, 0], [0, -1 / 3, -2 / 3, -1]) <= TOL
    assert max_abs(mdp.R[:, 1], -2.0) <= TOL


# ------------------------------------------------------------------------------ inventory
def test_inventory_tables_by_hand():
    mdp = mdpsim.make("inventory")
    assert (mdp.S, mdp.A, mdp.gamma) == (8, 3, 0.95)
    # s = 1, order 1: y = 2; demand 0..3 w.p. .2 .3 .3 .2 -> left 2,1,0,0; sales 0,1,2,2
    assert max_abs(mdp.P[1, 1, :3], [0.5, 0.3, 0.2]) <= TOL
    sales, left = 0.3 + 2 * 0.5, 2 * 0.2 + 1 * 0.3
    assert abs(mdp.R[1, 1] - (sales - 0.5 * 1 - 0.1 * left)) <= TOL
    # s = 7 (full), order 2: both units discarded but paid for
    assert abs(mdp.R[7, 2] - (mdp.R[7, 0] - 2 * 0.5)) <= TOL
    assert max_abs(mdp.P[7, 2], mdp.P[7, 0]) == 0.0


def test_inventory_base_stock_optimum_and_fixed_cost():
    mdp = mdpsim.make("inventory")
    pol = mdpsim.solve(mdp).policy
    level = np.minimum(np.arange(8) + pol, 7)
    # an order-up-to policy: below the base-stock level order up to it, above order nothing
    base = int(level[0])
    assert np.all(level[:base] == base) and np.all(pol[base:] == 0)
    big = mdpsim.make("inventory", fixed_cost=5.0)
    assert mdpsim.solve(big).value <= mdpsim.solve(mdp).value + VI_TOL
