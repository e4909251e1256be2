"""The ε argument of LPO (mdpsim.algorithms.policy_opt.eps_schedule and the planner's ``eps``,
``eps_constants``, ``output`` and ``max_transitions``): the schedule's shape in ε, one-line
errors, the cap, and defaults that leave every number unchanged."""
import hashlib
import math

import numpy as np
import pytest

import mdpsim
from mdpsim.algorithms import run_planner
from mdpsim.algorithms.policy_opt.eps_schedule import (EPS_CONSTANTS, check_eps,
                                                       lpo_eps_predicted, lpo_eps_schedule)


@pytest.fixture(scope="module")
def rs():
    return mdpsim.make("riverswim", S=4, gamma=0.9)


def test_theory_schedule_shape_in_eps():
    g, A, d = 0.9, 2, 12
    a = lpo_eps_schedule(0.2, gamma=g, A=A, d=d)
    b = lpo_eps_schedule(0.1, gamma=g, A=A, d=d)
    # K ∝ ε⁻², M ∝ 1/ε (up to the ceiling), T ∝ log(1/ε)/ε
    assert abs(b["K"] / a["K"] - 4.0) < 1e-4 and abs(b["M"] / a["M"] - 2.0) < 1e-3
    assert 2.0 < b["budget"] / a["budget"] < 2.0 * math.log(3 * d / (0.1 * 0.1 * 0.1)) / \
        math.log(3 * d / (0.1 * 0.2 * 0.1)) + 1e-3
    # closed forms
    assert b["K"] == 12476650 and b["M"] == 36000 and b["eta_scale"] == 1.0
    # predicted total: T + P K M (2/(1-γ) - 1)
    p = lpo_eps_predicted(0.1, gamma=g, A=A, d=d, phases=3)
    assert abs(p / (b["budget"] + 3 * b["K"] * b["M"] * 19.0) - 1.0) <= 1e-12


def test_tuned_schedule_floor_and_constants():
    t = [lpo_eps_schedule(e, gamma=0.9, A=2, d=12, constants="tuned")
         for e in (0.4, 0.1, 0.025)]
    # large ε: the linear-convergence floor ceil(c_L ln(3/((1-γ)ε)) / ln(1/γ))
    assert t[0]["K"] == math.ceil(0.5 * math.log(3 / (0.1 * 0.4)) / -math.log(0.9))
    assert t[1]["K"] == 28 and t[1]["M"] == 400 and t[2]["K"] == 160
    assert all(x["eta_scale"] == EPS_CONSTANTS["tuned"]["eta_scale"] for x in t)
    assert lpo_eps_schedule(0.1, gamma=0.9, A=2, d=12, constants={"c_M": 0.5})["M"] == \
        math.ceil(0.5 * 36000)


@pytest.mark.parametrize("eps", [0.0, -0.1, float("nan"), float("inf"), "0.1", True, None])
def test_bad_eps_is_one_line(eps):
    with pytest.raises(ValueError) as e:
        lpo_eps_schedule(eps, gamma=0.9, A=2, d=4)
    msg = str(e.value)
    assert msg.startswith("eps must be a finite number > 0, got ") and repr(eps) in msg
    assert "\n" not in msg
    with pytest.raises(ValueError):
        check_eps(eps, "epsilon")


@pytest.mark.parametrize("kw, msg", [
    (dict(gamma=1.0), "gamma must be in [0, 1), got 1.0"),
    (dict(gamma=-0.1), "gamma must be in [0, 1), got -0.1"),
    (dict(delta=0.0), "delta must be in (0, 1), got 0.0"),
    (dict(d=0), "d must be a positive integer, got 0"),
    (dict(constants="loose"), "constants must be one of 'theory', 'tuned'"),
    (dict(constants={"c_Q": 1.0}), "constants: unknown key 'c_Q'"),
    (dict(constants={"c_K": -1.0}), "constants.c_K must be a finite number > 0, got -1.0"),
])
def test_bad_schedule_arguments_are_one_line(kw, msg):
    args = dict(gamma=0.9, A=2, d=4)
    args.update(kw)
    with pytest.raises(ValueError) as e:
        lpo_eps_schedule(0.1, **args)
    assert msg in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("kw, msg", [
    (dict(eps=0.0), "lpo: hyper-parameter eps must be > 0"),
    (dict(eps=-0.5), "lpo: hyper-parameter eps must be > 0"),
    (dict(eps=float("nan")), "lpo: hyper-parameter eps must be finite, got nan"),
    (dict(eps=0.1, K=5), "lpo: K: set by the eps schedule (eps=0.1); give eps or K"),
    (dict(eps=0.1, budget=500), "lpo: budget: set by the eps schedule"),
    (dict(eps=0.1, eps_constants="loose"), "hyper-parameter eps_constants must be one of"),
    (dict(C_s=0.0), "lpo: hyper-parameter C_s must be > 0"),
    (dict(max_transitions=-1), "hyper-parameter max_transitions must be >= 0"),
    (dict(output="best"), "hyper-parameter output must be one of"),
])
def test_planner_bad_eps_arguments_are_one_line(rs, kw, msg):
    with pytest.raises(ValueError) as e:
        run_planner("lpo", rs, rng=0, **kw)
    assert msg in str(e.value) and "\n" not in str(e.value)


def test_planner_gamma_outside_unit_interval_is_one_line():
    with pytest.raises(ValueError) as e:
        mdpsim.make("riverswim", S=4, gamma=1.0)
    assert "gamma must be" in str(e.value) and "\n" not in str(e.value)


def test_planner_uses_the_schedule(rs):
    s = lpo_eps_schedule(0.4, gamma=0.9, A=2, d=8, constants="tuned")
    df = run_planner("lpo", rs, rng=1, eps=0.4, eps_constants="tuned")
    last = df.iloc[-1]
    assert (int(last.npg_iterations), int(last.critic_samples), int(last.explore_budget)) == \
        (s["K"], s["M"], s["budget"])
    assert abs(last.eta - 100.0 * 0.1 * np.sqrt(2 * np.log(2) / s["K"])) <= 1e-12
    assert int(last.explore_transitions) == s["budget"] and int(last.capped) == 0
    assert int(last.critic_transitions) >= int(last.switches) * s["K"] * s["M"]


def test_exploit_output_adds_one_bonus_free_phase(rs):
    kw = dict(budget=1500, K=5, M=20)
    a = run_planner("lpo", rs, rng=2, **kw)
    b = run_planner("lpo", rs, rng=2, output="exploit", **kw)
    # identical up to the last row, which adds one phase of K M critic samples
    cols = ["value", "transitions", "switches", "kept"]
    assert a[cols].iloc[:-1].equals(b[cols].iloc[:-1])
    assert int(b.output_phase.iloc[-1]) == 1 and int(a.output_phase.iloc[-1]) == 0
    extra = int(b.transitions.iloc[-1]) - int(a.transitions.iloc[-1])
    assert extra >= kw["K"] * kw["M"] and int(b.switches.iloc[-1]) == int(a.switches.iloc[-1])


def test_transition_cap_stops_the_run(rs):
    df = run_planner("lpo", rs, rng=0, budget=5000, K=5, M=20, max_transitions=20_000)
    last = df.iloc[-1]
    assert int(last.capped) == 1 and int(last.transitions) >= 20_000
    assert int(last.explore_transitions) < 5000
    # the row before the last was still under the cap
    assert int(df.transitions.iloc[-2]) < 20_000


def test_defaults_leave_numbers_unchanged(rs):
    """eps = 0 (default): the same tables as before the ε argument existed (digests of the
    numeric columns computed with the code before this change)."""
    m = mdpsim.make("linear_simplex", S=8, A=3, d=4, gamma=0.8, rng=2)
    want = {"rs": (71, "f45501abee6c136e41391578a9f1c17fb26d751e88dfa248e16f88f095f16343"),
            "lin": (294, "0bac88b8bd467d1f10813452d20d3a303d8eb2c6fe3e09bb5494f8742caf3707")}
    for key, mod, kw in [("rs", rs, dict(budget=1500, K=5, M=20)),
                         ("lin", m, dict(budget=1500, K=5, M=20, switching="every_round"))]:
        df = run_planner("lpo", mod, rng=7, **kw)
        a = np.ascontiguousarray(df[["value", "transitions", "kept", "switches",
                                     "unknown_pairs"]].to_numpy(np.float64))
        assert (len(df), hashlib.sha256(a.tobytes()).hexdigest()) == want[key]
        assert (df.capped == 0).all() and (df.npg_iterations == 5).all()


def test_pcpg_on_the_same_schedule(rs):
    s = lpo_eps_schedule(0.4, gamma=0.9, A=2, d=8, constants="tuned")
    df = run_planner("pcpg", rs, rng=1, eps=0.4, eps_constants="tuned", output="exploit")
    last = df.iloc[-1]
    assert (int(last.npg_iterations), int(last.critic_samples), int(last.explore_budget)) == \
        (s["K"], s["M"], s["budget"])
    assert int(last.output_phase) == 1 and int(last.capped) == 0
    capped = run_planner("pcpg", rs, rng=1, budget=5000, K=5, M=20, max_transitions=10_000)
    assert int(capped.capped.iloc[-1]) == 1 and int(capped.transitions.iloc[-1]) >= 10_000
    for kw, msg in [(dict(eps=-1.0), "pcpg: hyper-parameter eps must be > 0"),
                    (dict(eps=0.1, M=7), "pcpg: M: set by the eps schedule")]:
        with pytest.raises(ValueError) as e:
            run_planner("pcpg", rs, rng=0, **kw)
        assert msg in str(e.value) and "\n" not in str(e.value)


def test_pcpg_defaults_leave_numbers_unchanged(rs):
    """Digests computed with the pcpg code before the ε argument was added to it."""
    m = mdpsim.make("linear_simplex", S=8, A=3, d=4, gamma=0.8, rng=2)
    want = [(83, "2b7d554f1adfc7e0bb1e3dec15c0404f030cb1eef51c24e924e4b8f95d7bf903"),
            (162, "242bd4595ed712bff6d149022b3d9b36261b79e3eb20b9772a8cdff044cd3f62")]
    for mod, w in zip((rs, m), want):
        df = run_planner("pcpg", mod, rng=7, budget=800, K=5, M=20)
        a = np.ascontiguousarray(df[["value", "transitions", "kept", "switches",
                                     "unknown_pairs"]].to_numpy(np.float64))
        assert (len(df), hashlib.sha256(a.tobytes()).hexdigest()) == w
