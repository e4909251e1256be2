"""Shared by the DRPG figures: read a stored run of a DRPG spec through
``mdpsim.experiment.load`` and map it to the committed tables' layout, or fall back to the
committed tables (``experiments/results/drpg/``) when no run is stored.

The specs' labels are spec labels (``G5.4.3``, ``warm-start_alpha=0.5``); the committed tables
and the figures use the hand-written sweep's names (``G(5,4,3)``, ``warm-start alpha=0.5``).
The committed Garnet curves keep iterates on the grid ``T_GRID`` (every step to 20, every 2nd
to 100, every 5th to 200); a stored run is subsampled on the same grid.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
COMMITTED = HERE.parent / "experiments" / "results" / "drpg"
ACCEPT = 1e-3
#: the t grid of the committed Garnet curves
T_GRID = np.unique(np.concatenate([np.arange(0, 21), np.arange(20, 101, 2),
                                   np.arange(100, 201, 5)]))
#: planner labels of experiments/drpg_garnet.py -> variant names of the committed tables
GARNET_VARIANTS = {
    "defaults": "defaults", "paper-code": "paper-code", "geometric-eps": "geometric-eps",
    "warm-start": "warm-start", "warm-start_alpha=0.5": "warm-start alpha=0.5",
    "warm-start_alpha=0.1_sqrt": "warm-start alpha=0.1/sqrt(t+1)",
    "warm-start_alpha=0.5_geom0.97": "warm-start alpha=0.5*0.97^t",
    "exact-inner": "exact-inner", "exact-inner_alpha=0.01": "exact-inner alpha=0.01",
    "exact-inner_alpha=0.1_sqrt": "exact-inner alpha=0.1/sqrt(t+1)",
    "exact-inner_alpha=0.5_geom0.97": "exact-inner alpha=0.5*0.97^t",
    "non-robust-PG": "non-robust PG",
}
#: planner labels of experiments/drpg_inventory.py -> method names of the committed table
INVENTORY_METHODS = {"DRPG_alpha=0.1": "DRPG alpha=0.1", "DRPG_alpha=0.01": "DRPG alpha=0.01",
                     "non-robust-PG_alpha=0.1": "non-robust PG alpha=0.1"}
#: the sizes in the committed tables' order (the spec's spawn-key order)
SIZES = ["G(5,4,3)", "G(10,6,3)", "G(15,8,3)", "G(10,5,10)", "G(15,8,15)"]
_SIZE = re.compile(r"^G(\d+)\.(\d+)\.(\d+)$")


def size_name(label: str) -> str:
    """``G5.4.3`` -> ``G(5,4,3)`` (other labels unchanged)."""
    m = _SIZE.match(str(label))
    return f"G({m[1]},{m[2]},{m[3]})" if m else str(label)


def variant_name(label: str, table=GARNET_VARIANTS) -> str:
    return table.get(str(label), str(label).replace("_", " "))


def load_stored(name: str, results, profile=None):
    """``(df, source)``: every stored row of experiment ``name`` under ``results`` (only the
    ``profile``'s cells when one is given), or ``(None, reason)`` when nothing is stored."""
    from mdpsim.experiment import load
    try:
        df = load(name, out=results, profile=profile) if profile else load(name, out=results)
    except (ValueError, OSError) as exc:
        return None, str(exc).splitlines()[0]
    if df is None or df.empty:
        return None, f"no stored rows of {name!r} under {results}/"
    where = Path(results) / name
    return df, f"stored run {where}" + (f" ({profile} profile)" if profile else "")


def garnet_tables(results, profile=None):
    """``(curves, finals, source)`` in the committed tables' layout: from a stored run of
    ``experiments/drpg_garnet.py`` when there is one, else the committed tables."""
    df, why = load_stored("drpg_garnet", results, profile)
    if df is None:
        src = _locate_committed(results, "garnet_curves.parquet")
        curves = pd.read_parquet(src / "garnet_curves.parquet")
        finals = pd.read_csv(src / "garnet_final.csv")
        for c in ("rect", "size", "variant"):
            curves[c] = curves[c].astype(str)
        return curves, finals, f"committed tables {src} ({why})"
    rect = {lab: json.loads(p).get("rect", "sa") if isinstance(p, str) else p.get("rect", "sa")
            for lab, p in df.groupby("env_label").env_params.first().items()}
    d = pd.DataFrame({
        "rect": df.env_label.astype(str).map(rect),
        "size": df.env_label.astype(str).map(size_name),
        "instance": df.seed.astype(np.int64),
        "variant": df.alg_label.astype(str).map(variant_name), "t": df.iteration.astype(np.int64),
        "rel_gap": df.rel_gap.to_numpy(),
        "J_rel_gap": ((df.J_inner - df.phi_star) / df.phi_star.abs()).to_numpy(),
        "inner_iters": df.inner_iters.to_numpy(), "phi_star": df.phi_star.to_numpy()})
    d = _ordered(d, {"size": SIZES, "variant": list(GARNET_VARIANTS.values())},
                 ["size", "variant", "instance", "t"])
    keys = ["size", "variant", "instance"]
    last = d.groupby(keys, sort=False).tail(1)
    finals = last.rename(columns={"rel_gap": "rel_gap_T"})[
        ["rect", "size", "instance", "variant", "phi_star", "rel_gap_T"]].copy()
    finals["passed"] = finals.rel_gap_T <= ACCEPT
    curves = d[d.t.isin(T_GRID)].drop(columns="phi_star").reset_index(drop=True)
    return curves, finals.reset_index(drop=True), why


def inventory_table(results, profile=None):
    """``(df, source)`` with columns method, t, worst_cost, nominal_cost, inner_iters: from a
    stored run of ``experiments/drpg_inventory.py`` when there is one, else the committed
    ``inventory_curves.csv``."""
    df, why = load_stored("drpg_inventory", results, profile)
    if df is None:
        src = _locate_committed(results, "inventory_curves.csv")
        return pd.read_csv(src / "inventory_curves.csv"), f"committed table {src} ({why})"
    out = pd.DataFrame({"method": df.alg_label.astype(str).map(
        lambda x: variant_name(x, INVENTORY_METHODS)), "t": df.iteration.to_numpy(),
        "worst_cost": df.worst_cost.to_numpy(), "nominal_cost": df.nominal_cost.to_numpy(),
        "inner_iters": df.inner_iters.to_numpy()})
    return _ordered(out, {"method": list(INVENTORY_METHODS.values())}, ["method", "t"]), why


def _ordered(df, orders: dict, by: list):
    """``df`` sorted by ``by``, the columns in ``orders`` in the committed tables' order
    (names not listed after the listed ones, alphabetically)."""
    keys = {}
    for col, order in orders.items():
        rank = {v: i for i, v in enumerate(order)}
        extra = sorted(set(df[col]) - set(rank))
        rank.update({v: len(order) + i for i, v in enumerate(extra)})
        keys[col] = rank
    df = df.sort_values(by, key=lambda s: s.map(keys[s.name]) if s.name in keys else s,
                        kind="stable")
    return df.reset_index(drop=True)


def _locate_committed(results, fname) -> Path:
    for cand in (Path(results) / "drpg", Path(results), COMMITTED):
        if (cand / fname).is_file():
            return cand
    raise FileNotFoundError(f"no {fname} found and no stored run; run the spec first "
                            f"(mdpsim run experiments/drpg_garnet.py | drpg_inventory.py)")
