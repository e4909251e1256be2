"""The LPO specs validate for every profile; the exploration-margin verdict applies the
pre-registered rule (LPO >= 16/20, no bonus <= 4/20, Newcombe interval above 0) exactly at
its boundaries; the d-scaling fit recovers a known exponent."""
from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np
import pandas as pd
import pytest

from mdpsim.experiment.spec import expand, load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPECS = {"lpo_exploration_margin": ["full", "quick"], "lpo_d_lock": ["full", "quick"],
         "lpo_critic_size": ["full", "quick"]}


@pytest.mark.parametrize("name, profile", [(n, p) for n in sorted(SPECS) for p in SPECS[n]])
def test_lpo_specs_validate(name, profile):
    spec = load_spec(ROOT / "experiments" / f"{name}.py", profile=profile)
    assert len(expand(spec)) > 0


@pytest.fixture(scope="module")
def figs():
    sys.path.insert(0, str(ROOT / "paper_figs"))
    try:
        return (importlib.import_module("lpo_exploration_margin"),
                importlib.import_module("lpo_d_lock"),
                importlib.import_module("lpo_critic_size"))
    finally:
        sys.path.remove(str(ROOT / "paper_figs"))


def _runs(k_lpo, k_nb, n=20, eps=0.1, S=16, A=2, N=lambda s: 1e6):
    rows = []
    for alg, k in (("LPO", k_lpo), ("LPO-no-bonus", k_nb)):
        for seed in range(n):
            ok = seed < k
            rows.append({"env": f"lock{S}", "planner": alg, "eps": eps, "seed": seed,
                         "N": N(S), "gap": 0.0 if ok else 0.2, "capped": False,
                         "switches": 10, "K": 28, "M": 1000, "S": S, "A": A,
                         "optimal_value": 0.9 ** (S - 1), "success": ok})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("k_lpo, k_nb, passed", [
    (16, 4, True), (20, 0, True), (15, 0, False), (20, 5, False), (16, 16, False)])
def test_margin_verdict_applies_the_registered_rule(figs, k_lpo, k_nb, passed):
    margin = figs[0]
    v = margin.verdict_table(_runs(k_lpo, k_nb))
    assert len(v) == 1
    r = v.iloc[0]
    assert (r.lpo_success, r.nobonus_success) == (k_lpo, k_nb)
    assert bool(r.passed) is passed
    assert r.difference == pytest.approx((k_lpo - k_nb) / 20)
    assert r.random_hits_per_phase_bound == pytest.approx(28 * 1000 / 2 ** 16)


def test_d_fit_recovers_known_exponent(figs):
    dlock = figs[1]
    runs = pd.concat([_runs(20, 0, S=S, N=lambda s: 3.0 * (2 * (s + 1)) ** 1.7)
                      for S in (4, 8, 12, 16)])
    f = dlock.fits_table(runs)
    row = f[f.planner == "LPO"].iloc[0]
    assert row.exponent == pytest.approx(1.7, abs=1e-9)
    pts = dlock.points_table(runs)
    assert list(pts[pts.planner == "LPO"].d) == [10, 18, 26, 34]
    assert np.all(pts.success[pts.planner == "LPO"] == 20)


def test_critic_size_table_reads_labels_and_counts_capped_runs_as_failures(figs):
    critic = figs[2]
    rows = []
    for m, gaps in ((1, [0.3, 0.05, 0.2]), (32, [0.01, 0.02, 0.09])):
        for seed, gap in enumerate(gaps):
            rows.append({"alg_label": f"LPO-d8-critic-x{m}", "seed": seed, "iteration": 5,
                         "gap": gap, "capped": int(m == 32 and seed == 2),
                         "transitions": 1e6 * m, "npg_iterations": 28,
                         "critic_samples": 267 * m, "explore_budget": 2421, "switches": 13})
    t = critic.points_table(pd.DataFrame(rows))
    assert list(t.critic_multiplier) == [1, 32] and list(t.d) == [8, 8]
    assert list(t.success) == [1, 2]          # the capped run with gap 0.09 is a failure
    assert list(t.capped) == [0, 1]
    assert list(t.M) == [267, 267 * 32]
