"""Experiments: declarative specs, sweeps over cells, a resumable results store, executors.

::

    import mdpsim
    rep = mdpsim.experiment.run_experiment("regret_tabular", profile="quick")
    df = mdpsim.load("regret_tabular")            # one tidy long table of everything stored

See :mod:`mdpsim.experiment.spec` for the spec format and :mod:`mdpsim.experiment.store` for
the layout of ``results/<experiment>/``.
"""
from __future__ import annotations

from pathlib import Path

from .spec import (SpecError, Spec, Cell, AlgorithmCatalogue, load_spec, parse_spec, expand,
                   canonical_json)
from .store import Store, Scan
from .executors import make_executor, cpu_count, EXECUTORS
from .sweep import run_experiment, experiment_status, RunReport, DEFAULT_OUT
from .paths import find_dir, find_spec_file, list_experiments, UserPathError
from ._engine import seed_children, compute_cell

__all__ = ["SpecError", "Spec", "Cell", "AlgorithmCatalogue", "load_spec", "parse_spec",
           "expand", "canonical_json", "Store", "Scan", "make_executor", "cpu_count",
           "EXECUTORS", "run_experiment", "experiment_status", "RunReport", "DEFAULT_OUT",
           "find_dir", "find_spec_file", "list_experiments", "UserPathError", "seed_children",
           "compute_cell", "load"]


def load(experiment, *, out=DEFAULT_OUT, profile: str | None = None, seeds: int | None = None,
         catalogue=None):
    """Everything stored for ``experiment`` as one tidy long DataFrame (one row per seed ×
    evaluated episode; identifying columns ``experiment, cell_id, env_label, env_params,
    alg_label, alg_params, seed`` then the engine's metrics).

    ``experiment``: a name (read from ``out/<name>/``), a results directory, or a spec
    (path/name/dict/:class:`Spec`) when ``profile`` is given. With ``profile`` only the cells
    of that profile of the current spec are returned (others, e.g. from an older version of
    the spec, are left out). Never runs anything."""
    if profile is None and not isinstance(experiment, (Spec, dict)):
        p = Path(experiment)
        root = p if (p / "cells").is_dir() else Path(out) / str(experiment)
        return Store(root).load()
    spec = load_spec(experiment, profile=profile or "full", seeds=seeds, catalogue=catalogue)
    return Store(Path(out) / spec.name).load(c.id for c in expand(spec))
