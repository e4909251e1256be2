"""Per-stage action masks ``feasible[H, S, A]`` (issue 21): planning, evaluation and the
engine, on a model solved by hand, and the one-line errors.

The hand model: two states, ``R[0, :] = 0``, ``R[1, :] = 1`` (the reward of the state the
step starts in), action 0 stays, action 1 switches; H = 3, start in state 0. Masks: at stage
0 state 0 cannot switch; at stage 2 state 1 cannot stay. By hand (``V_3 = 0``):

* ``V_2 = (0, 1)``;
* ``V_1(0) = max(0 + V_2(0), 0 + V_2(1)) = 1`` (switch), ``V_1(1) = 1 + max(V_2(1),
  V_2(0)) = 2`` (stay);
* ``V_0(0) = 0 + V_1(0) = 1`` (stay is forced), ``V_0(1) = 1 + max(V_1(1), V_1(0)) = 3``.

Without the mask ``V_0(0) = 2``. With ``gamma = 0.5`` as well: ``V_2 = (0, 1)``,
``V_1 = (0.5, 1.5)``, ``V_0 = (0.25, 1.75)``.
"""
import numpy as np
import pytest

import mdpsim
from mdpsim import TabularMDP, solve, evaluate, backward_induction
from mdpsim.settings import Episodic

P = np.array([[[1.0, 0.0], [0.0, 1.0]],
              [[0.0, 1.0], [1.0, 0.0]]])
R = np.array([[0.0, 0.0], [1.0, 1.0]])
H = 3


def stage_mask():
    F = np.ones((H, 2, 2), dtype=bool)
    F[0, 0, 1] = False
    F[2, 1, 0] = False
    return F


@pytest.mark.parametrize("storage", ["dense", "successors"])
def test_hand_solved_values_and_policy(storage):
    m = TabularMDP(P, R, horizon=H, feasible=stage_mask())
    if storage == "successors":
        m = m.to_successors()
    assert m.per_stage_mask and m.feasible.shape == (H, 2, 2)
    sol = backward_induction(m)
    assert np.array_equal(sol.V, [[1, 3], [1, 2], [0, 1]])
    assert sol.policy[0, 0] == 0 and sol.policy[1, 0] == 1 and sol.policy[2, 1] == 1
    assert sol.Q[0, 0, 1] == -np.inf and sol.Q[2, 1, 0] == -np.inf
    assert solve(TabularMDP(P, R, horizon=H)).value == 2.0       # unmasked: 2
    # evaluation: the optimal policy's value, and -inf Q at the infeasible pairs
    Q, V = mdpsim.q_values(m, sol.policy)
    assert np.array_equal(V, sol.V) and Q[0, 0, 1] == -np.inf


def test_discounted_finite_horizon_with_stage_mask():
    m = TabularMDP(P, R, horizon=H, gamma=0.5, feasible=stage_mask())
    sol = solve(m)
    assert np.allclose(sol.V, [[0.25, 1.75], [0.5, 1.5], [0, 1]], rtol=0, atol=1e-15)


def test_equals_hand_translation_on_random_models():
    """The hand translation: a stage-dependent P whose infeasible slot copies a feasible
    action of the same stage (so it can never be strictly better). 20 random models."""
    worst = 0.0
    for seed in range(20):
        rng = np.random.default_rng(seed)
        S, A, Hh = 4, 3, 5
        Pr = rng.dirichlet(np.ones(S), size=(S, A))
        Rr = rng.random((Hh, S, A))
        F = rng.random((Hh, S, A)) < 0.6
        F[..., 0] |= ~F.any(-1)
        m = TabularMDP(Pr, Rr, horizon=Hh, feasible=F)
        P4 = np.repeat(Pr[None], Hh, axis=0)
        R4 = Rr.copy()
        for h in range(Hh):
            for s in range(S):
                a0 = int(np.flatnonzero(F[h, s])[0])
                for a in np.flatnonzero(~F[h, s]):
                    P4[h, s, a], R4[h, s, a] = Pr[s, a0], Rr[h, s, a0]
        hand = backward_induction(TabularMDP(P4, R4, horizon=Hh))
        nat = backward_induction(m)
        worst = max(worst, float(np.max(np.abs(hand.V - nat.V))))
        assert np.all(F[np.arange(Hh)[:, None], np.arange(S)[None], nat.policy])
    assert worst <= 1e-12


def test_evaluation_rejects_mass_on_stage_infeasible_action():
    m = TabularMDP(P, R, horizon=H, feasible=stage_mask())
    with pytest.raises(ValueError, match=r"^policy puts probability 1\.0 on action 1 in stage "
                                         r"0, state 0, which is infeasible there "
                                         r"\(feasible\[0, 0, 1\] is False\)$"):
        evaluate(m, np.array([1, 0]))          # stationary: switch in state 0 at stage 0
    pol = np.zeros((H, 2), dtype=np.int64)
    pol[2, 1] = 0
    pol[2, 0] = 1
    with pytest.raises(ValueError, match=r"feasible\[2, 1, 0\] is False"):
        evaluate(m, pol)
    pol[2, 1] = 1
    assert evaluate(m, pol).shape == (H, 2)


def test_stage_mask_errors_are_one_line():
    F = stage_mask()
    with pytest.raises(ValueError, match=r"^feasible must have shape \[S, A\] = \[2, 2\] or "
                                         r"\[H, S, A\] = \[3, 2, 2\] to match P, got "
                                         r"\(4, 2, 2\)$"):
        TabularMDP(P, R, horizon=H, feasible=np.ones((4, 2, 2), dtype=bool))
    with pytest.raises(ValueError, match=r"^a per-stage feasible of shape \(3, 2, 2\) needs "
                                         r"horizon=H"):
        TabularMDP(P, R, gamma=0.9, feasible=F)
    G = F.copy()
    G[1, 1] = False
    with pytest.raises(ValueError, match=r"^state 1 has no feasible action at stage 1 "
                                         r"\(feasible\[1, 1, :\] is all False\)"):
        TabularMDP(P, R, horizon=H, feasible=G)


def test_constant_stage_mask_is_stored_as_one_mask():
    F = np.ones((2, 2), dtype=bool)
    F[0, 1] = False
    m = TabularMDP(P, R, horizon=H, feasible=np.repeat(F[None], H, axis=0))
    assert not m.per_stage_mask and np.array_equal(m.feasible, F)


def test_stage_dependent_P_stores_infeasible_rows_as_self_loops():
    P4 = np.repeat(P[None], H, axis=0)
    m = TabularMDP(P4, R, horizon=H, feasible=stage_mask())
    assert m.P[0, 0, 1, 0] == 1.0 and m.P[1, 0, 1, 1] == 1.0      # stage 0 self-loop only
    assert m.P[2, 1, 0, 1] == 1.0 and m.P[1, 1, 0, 1] == 1.0
    assert np.array_equal(backward_induction(m).V, [[1, 3], [1, 2], [0, 1]])


def test_engine_relabels_per_stage():
    m = TabularMDP(P, R, horizon=H, feasible=stage_mask())
    st = Episodic(m)
    amap = st.action_map
    assert amap.shape == (H, 2, 2)
    hh, ss = np.meshgrid(np.arange(H), np.arange(2), indexing="ij")
    for j in range(2):
        assert np.all(m.feasible[hh, ss, amap[..., j]])
    assert st.optimum() == 1.0 and st.played.n_p_stages == H
    for alg in ("ucbvi", "psrl", "greedy"):
        df = mdpsim.run(alg, m, episodes=2000, seeds=1, eval_every=1)
        assert np.all(df.optimal_value == 1.0)
        assert np.all(df.value.values <= 1.0 + 1e-12)
        assert abs(np.sum(1.0 - df.value.values) - df.regret.values[-1]) < 1e-9
    # the Agent's actions, mapped to the user's model, are feasible at their stage
    agent = mdpsim.Agent("ucbvi", m, rng=3, episodes=300)
    rng = np.random.default_rng(0)
    bad = 0
    for k in range(300):
        pi = st.user_policy(agent.policy())
        assert float(m.init @ evaluate(m, pi)[0]) <= 1.0 + 1e-12
        s = 0
        for h in range(H):
            j = agent.act(h, s)
            a = int(amap[h, s, j])
            bad += not m.feasible[h, s, a]
            s2 = int(rng.choice(2, p=m.P[s, a]))
            agent.observe(h, s, j, float(m.R[s, a]), s2)
            s = s2
    assert bad == 0


@pytest.mark.parametrize("fn", [mdpsim.to_quantecon, mdpsim.to_mdptoolbox])
def test_formats_refuse_non_stationary_models_in_one_line(fn):
    name = fn.__name__
    cases = [
        (TabularMDP(P, R, horizon=H, feasible=stage_mask()), "the action mask depends"),
        (TabularMDP(np.repeat(P[None], H, axis=0), R, horizon=H), "P depends"),
        (TabularMDP(P, np.repeat(R[None], H, axis=0), horizon=H), "R depends"),
        (TabularMDP(np.repeat(P[None], H, axis=0), np.repeat(R[None], H, axis=0),
                    horizon=H), "P and R depend"),
    ]
    for m, what in cases:
        with pytest.raises(ValueError, match=rf"^{name}: .* is stationary \(one P, R and action "
                                             rf"set for every stage\) and cannot express this "
                                             rf"model, whose {what} on the stage$"):
            fn(m)
