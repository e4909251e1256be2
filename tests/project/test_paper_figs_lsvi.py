"""The LSVI-UCB specs validate for every profile, and the d/S-scaling figure's exponent
estimators recover a known exponent (primary: log of the mean; secondary: log of the
geometric mean over instances, which one outlying instance cannot dominate)."""
from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np
import pandas as pd
import pytest

from mdpsim.experiment.spec import expand, load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPECS = {"lsvi_ucb_regret": ["full", "quick"],
         "lsvi_ucb_scaling": ["full", "quick", "longK", "S-sweep"],
         "lsvi_ucb_tuning": ["full", "quick", "hidden"],
         "lsvi_ucb_burnin": ["full", "quick", "hidden"],
         "lsvi_ucb_confirm": ["full", "quick"],
         "lsvi_ucb_drate": ["full", "quick", "tune", "rate-d2", "rate-d4", "rate-d8",
                            "rate-d16"]}


CASES = [pytest.param(n, p, marks=[pytest.mark.slow] if n == "lsvi_ucb_scaling" else [])
         for n in sorted(SPECS) for p in SPECS[n]]   # the scaling spec builds ~200 models


@pytest.mark.parametrize("name, profile", CASES)
def test_lsvi_specs_validate(name, profile):
    spec = load_spec(ROOT / "experiments" / f"{name}.py", profile=profile)
    assert len(expand(spec)) > 0


@pytest.fixture(scope="module")
def scaling_fig():
    sys.path.insert(0, str(ROOT / "paper_figs"))
    try:
        return importlib.import_module("lsvi_ucb_scaling")
    finally:
        sys.path.remove(str(ROOT / "paper_figs"))


def _table(exponent, outlier=1.0):
    rows = []
    for d in (2, 4, 8, 16):
        for inst in range(5):
            for seed in range(3):
                scale = outlier if (d == 2 and inst == 0) else 1.0
                rows.append({"d": d, "instance": inst, "seed": seed,
                             "regret": scale * (1.0 + 0.1 * inst) * d ** exponent})
    return pd.DataFrame(rows)


def test_scaling_exponent_recovers_known_exponent(scaling_fig):
    s, lo, hi = scaling_fig.fit_exponent(_table(1.5), "d", n_boot=200)
    assert abs(s - 1.5) <= 1e-12 and lo <= s <= hi and hi - lo <= 0.2
    g, glo, ghi = scaling_fig.fit_exponent(_table(1.5), "d", n_boot=200, geometric=True)
    assert abs(g - 1.5) <= 1e-12


def test_geometric_estimator_resists_one_outlying_instance(scaling_fig):
    t = _table(1.0, outlier=50.0)                    # one instance 50x worse at d = 2
    s, _, _ = scaling_fig.fit_exponent(t, "d", n_boot=50)
    g, _, _ = scaling_fig.fit_exponent(t, "d", n_boot=50, geometric=True)
    assert s < 0.2 and 0.5 < g < 1.0                 # the mean is dragged, the geometric less
