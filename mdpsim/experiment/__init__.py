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


def _run_records(store) -> list:
    import json
    out = []
    for p in sorted(store.runs_dir.glob("*.json")) if store.runs_dir.is_dir() else []:
        try:
            out.append(json.loads(p.read_text()))
        except (OSError, ValueError):
            continue
    return out


def load(experiment, *, out=DEFAULT_OUT, profile: str | None = None, seeds: int | None = None,
         catalogue=None):
    """Everything stored for ``experiment`` as one tidy long DataFrame (one row per seed ×
    evaluated episode; identifying columns ``experiment, cell_id, env_label, env_params,
    alg_label, alg_params, seed`` then the engine's metrics).

    ``experiment``: a name (read from ``out/<name>/``), a results directory, or a spec
    (path/name/dict/:class:`Spec`) when ``profile`` is given. With ``profile`` only the cells
    of that profile of the current spec are returned — every stored seed of its
    configurations (environment, algorithm, hyper-parameters and defaults, episodes,
    schedule, root seed), so runs with ``--seeds N`` count too. ``seeds`` (with or without a
    profile) keeps seeds ``0..seeds-1``. Cells of other configurations (an older version of
    the spec, another profile) are left out. Never runs anything.

    A stored file that fails its checksums or cannot be read is left out with a warning
    naming it; the list of ``(cell_id, reason)`` is in ``df.attrs["bad_cells"]`` (``mdpsim
    run`` recomputes them, ``mdpsim verify`` checks a whole store). An experiment with no
    results folder is a ``ValueError`` naming the folder and the experiments stored there."""
    if seeds is not None and (isinstance(seeds, bool) or not isinstance(seeds, int)
                              or seeds < 1):
        raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
    if profile is None and not isinstance(experiment, (Spec, dict)):
        p = Path(experiment)
        if p.suffix == ".py" and p.is_file():          # a spec file: its experiment's name
            experiment = load_spec(p, catalogue=catalogue).name
            p = Path(experiment)
        root = p if (p / "cells").is_dir() else Path(out) / str(experiment)
        if not root.is_dir():
            have = sorted(d.name for d in Path(out).iterdir() if (d / "cells").is_dir()) \
                if Path(out).is_dir() else []
            raise ValueError(f"no stored results of {str(experiment)!r} under {out}/ "
                             f"(stored there: {', '.join(have) or 'none'}); run it first "
                             f"(mdpsim run NAME) or pass out=")
        df = Store(root).load()
    else:
        spec = load_spec(experiment, profile=profile or "full", catalogue=catalogue)
        store = Store(Path(out) / spec.name)
        ids = store.matching(expand(spec))
        if not ids and profile is not None:
            ran = sorted({r.get("profile") for r in _run_records(store)} - {None})
            raise ValueError(f"no stored cells of the {spec.profile!r} profile of "
                             f"{spec.name!r} under {out}/ (profiles run there: "
                             f"{', '.join(ran) or 'none'}); run `mdpsim run {spec.name} "
                             f"--profile {spec.profile}` first")
        df = store.load(ids)
    if seeds is not None and not df.empty:
        bad = df.attrs.get("bad_cells", [])
        df = df[df.seed < seeds].reset_index(drop=True)
        df.attrs["bad_cells"] = bad
    return df
