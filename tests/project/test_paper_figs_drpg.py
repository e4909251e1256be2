"""The DRPG figures read the stored run of their spec (``mdpsim.experiment.load``), mapped to
the committed tables' names and t grid, and fall back to the committed tables otherwise."""
from __future__ import annotations

import pathlib
import sys

import numpy as np
import pandas as pd
import pytest

from mdpsim.experiment import run_experiment
from mdpsim.experiment.figures import find_figure, run_figure

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "experiments" / "results" / "drpg"


@pytest.fixture(scope="module")
def common():
    sys.path.insert(0, str(ROOT / "paper_figs"))
    import _drpg_common
    return _drpg_common


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    for name in ("drpg_garnet", "drpg_inventory"):
        rep = run_experiment(ROOT / "experiments" / f"{name}.py", profile="quick", out=out,
                             executor="inline", progress=False)
        assert rep.ok, rep.summary()
    return out


def test_label_mapping(common):
    assert common.size_name("G5.4.3") == "G(5,4,3)"
    assert common.size_name("G15.8.15") == "G(15,8,15)"
    assert common.variant_name("warm-start_alpha=0.5_geom0.97") == "warm-start alpha=0.5*0.97^t"
    committed = set(pd.read_csv(COMMITTED / "garnet_final.csv").variant)
    assert set(common.GARNET_VARIANTS.values()) == committed
    assert sorted(common.T_GRID) == sorted(pd.read_parquet(
        COMMITTED / "garnet_curves.parquet").t.unique())


def test_stored_garnet_run_maps_onto_the_committed_rows(common, stored):
    curves, finals, source = common.garnet_tables(stored)
    assert source.startswith("stored run")
    assert set(curves["size"]) == {"G(5,4,3)", "G(10,5,10)"}
    assert set(curves.variant) == {"defaults", "paper-code"}
    ref = pd.read_parquet(COMMITTED / "garnet_curves.parquet")
    for c in ("rect", "size", "variant"):
        ref[c] = ref[c].astype(str)
    key = ["size", "variant", "instance", "t"]
    ref = ref.merge(curves[key], on=key).sort_values(key).reset_index(drop=True)
    mine = curves.sort_values(key).reset_index(drop=True)
    assert len(mine) == len(ref) == 8 * len(common.T_GRID)
    for col in ("rel_gap", "J_rel_gap", "inner_iters"):
        np.testing.assert_array_equal(mine[col].to_numpy(), ref[col].to_numpy(), err_msg=col)
    fref = pd.read_csv(COMMITTED / "garnet_final.csv").merge(
        finals[["size", "variant", "instance"]], on=["size", "variant", "instance"])
    m = finals.merge(fref, on=["size", "variant", "instance"], suffixes=("", "_ref"))
    assert len(m) == 8 and (m.passed == m.passed_ref).all()
    np.testing.assert_allclose(m.rel_gap_T, m.rel_gap_T_ref, rtol=1e-5, atol=1e-12)


def test_stored_inventory_run_maps_onto_the_committed_rows(common, stored):
    df, source = common.inventory_table(stored)
    assert source.startswith("stored run")
    ref = pd.read_csv(COMMITTED / "inventory_curves.csv")
    ref = ref[ref.t <= 20].reset_index(drop=True)
    pd.testing.assert_frame_equal(df, ref, check_exact=True, check_dtype=False)


def test_figures_say_their_source(stored, tmp_path):
    for name in ("drpg_garnet", "drpg_inventory"):
        got = run_figure(find_figure(ROOT / "paper_figs" / f"{name}.py"), results=stored,
                         figdir=tmp_path / "a", profile="quick")
        assert got["summary"].startswith("source: stored run"), got["summary"][:200]
        assert any(p.endswith(".png") for p in got["paths"])
        fb = run_figure(find_figure(ROOT / "paper_figs" / f"{name}.py"),
                        results=tmp_path / "empty", figdir=tmp_path / "b")
        assert fb["summary"].startswith("source: committed table"), fb["summary"][:200]
