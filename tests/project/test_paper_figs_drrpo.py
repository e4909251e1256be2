"""The DR-RPO exploration / long-run / d-sweep specs validate for every profile, and the
d-exponent of paper_figs/dr_rpo_explore.py recovers a known exponent."""
from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np
import pandas as pd
import pytest

from mdpsim.experiment.spec import expand, load_spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPECS = ["dr_rpo_regret_hidden", "dr_rpo_simplex_long", "dr_rpo_d_sweep", "dr_rpo_d8_long",
         "dr_rpo_put", "dr_rpo_put_train"]


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("profile", ["full", "quick"])
def test_drrpo_specs_validate(name, profile):
    spec = load_spec(ROOT / "experiments" / f"{name}.py", profile=profile)
    assert len(expand(spec)) > 0


@pytest.fixture(scope="module")
def explore_fig():
    sys.path.insert(0, str(ROOT / "paper_figs"))
    try:
        return importlib.import_module("dr_rpo_explore")
    finally:
        sys.path.remove(str(ROOT / "paper_figs"))


def test_d_exponent_recovers_known_exponent(explore_fig):
    rows = []
    for d in (2, 4, 8):
        for seed in range(6):
            for fam in ("Coord", "Hidden"):
                rows.append({"env_label": f"{fam}-d{d}", "alg_label": "DR-RPO", "seed": seed,
                             "episode": 100, "regret": (1.0 + 0.05 * seed) * d ** 1.5})
                rows.append({"env_label": f"{fam}-d{d}", "alg_label": "DR-RPO", "seed": seed,
                             "episode": 50, "regret": 1.0})
    pts, fits = explore_fig.d_fits(pd.DataFrame(rows))
    assert set(fits.family) == {"Coord", "Hidden"}
    for _, f in fits.iterrows():
        assert abs(f.d_exponent - 1.5) <= 1e-12
        assert f.lo - 1e-9 <= f.d_exponent <= f.hi + 1e-9
    assert np.allclose(sorted(pts.d.unique()), [2, 4, 8])


def test_put_threshold_interpolates_last_sign_change():
    sys.path.insert(0, str(ROOT / "paper_figs"))
    try:
        put_fig = importlib.import_module("dr_rpo_put")
    finally:
        sys.path.remove(str(ROOT / "paper_figs"))
    ps = [0.2, 0.4, 0.6, 0.8, 1.0]
    assert abs(put_fig.threshold(ps, [-3, -1, 1, 2, 3]) - 0.5) < 1e-12
    assert put_fig.threshold(ps, [1, 1, 1, 1, 1]) == 0.2
    assert np.isnan(put_fig.threshold(ps, [1, 1, 1, 1, -1]))
    assert abs(put_fig.threshold(ps, [1, -1, -1, 0, 2]) - 0.8) < 1e-12
    assert abs(put_fig.threshold(ps, [-3, -1, 1, 2, 0.0]) - 0.5) < 1e-12   # trailing tie
