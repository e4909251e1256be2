"""Shared by the figure scripts: read a stored run of an experiment spec and write a figure
with its tables.

``load_run`` tries the asked profile, or ``full`` then ``quick`` when none is asked, and
returns the first non-empty table with the profile it came from; ``save_run`` writes
``<figdir>/<name>.png`` / ``.pdf`` and each table as ``<figdir>/<name><suffix>.csv``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import mdpsim
from mdpsim import plot


def load_run(experiment, results, profile=None, required=True):
    """``(df, profile)``: the stored rows of ``experiment`` under ``results`` for ``profile``
    (default: ``full``, else ``quick``). When nothing is stored, raise ``ValueError`` (or, with
    ``required=False``, return an empty table and ``profile or "full"``)."""
    for p in ([profile] if profile else ["full", "quick"]):
        try:
            df = mdpsim.load(experiment, out=results, profile=p)
        except ValueError:
            continue
        if not df.empty:
            return df, p
    if not required:
        return pd.DataFrame(), profile or "full"
    raise ValueError(f"no stored results of {experiment} under {results}/; run `mdpsim run "
                     f"{experiment} --profile quick` first")


def save_run(fig, figdir, name, tables) -> list:
    """Save ``fig`` as ``<figdir>/<name>.png`` / ``.pdf`` and each ``suffix -> table`` of
    ``tables`` (in order) as ``<figdir>/<name><suffix>.csv``; the written paths, figure first."""
    stem = Path(figdir) / name
    paths = plot.save(fig, stem)
    for suffix, table in tables.items():
        csv = stem.with_name(f"{name}{suffix}.csv")
        table.to_csv(csv, index=False)
        paths = paths + [csv]
    return paths
