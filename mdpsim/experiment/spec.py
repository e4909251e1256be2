"""Experiment specs: plain data in, validated :class:`Spec` and content-addressed cells out.

An experiment is one Python file in ``experiments/`` that defines ``SPEC``, a plain dict::

    SPEC = {
        "name": "regret_tabular",                 # default: the file's stem
        "description": "UCBVI, PSRL, ... regret on RiverSwim and a Garnet",
        "tags": ["regret", "tabular"],
        "root_seed": 2024,                        # SeedSequence(root_seed).spawn(seeds)
        "envs": {                                 # label -> registered name (+ params)
            "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
            "Garnet": {"env": "garnet", "params": {"S": 10, "A": 3, "b": 3,
                                                   "horizon": 10, "rng": 7}},
        },
        "algorithms": {                           # label -> registered name (+ params, grid)
            "UCBVI-CH": {"algorithm": "ucbvi_ch", "params": {"bonus_scale": 0.01}},
            "PSRL": "psrl",                       # shorthand: no parameters
            "eps-greedy": {"algorithm": "epsilon_greedy", "grid": {"epsilon": [0.05, 0.2]}},
        },
        "episodes": 100_000,
        "seeds": 20,
        "seed_batch": 5,                          # seeds per cell (the unit of work)
        "eval_every": ["log", 200],               # mdpsim.run's schedule (default "auto")
        "profiles": {"quick": {"episodes": 2_000, "seeds": 8}},
    }

The top-level values are the ``full`` profile; a profile overrides ``episodes``, ``seeds``,
``seed_batch``, ``eval_every`` and may restrict ``envs`` / ``algorithms`` to a list of labels.

A *cell* is one (environment, algorithm, hyper-parameters, seed batch). Its id is derived from
its content (everything that determines its numbers, nothing else), so re-running a spec finds
the finished cells, raising ``seeds`` only adds cells, and changing ``episodes`` makes new ones.
Seed batches are the fixed ranges ``[0, b), [b, 2b), ...`` of seed indices: cell ``[i0, i1)``
runs the children ``SeedSequence(root_seed).spawn(seeds)[i0:i1]``, so its numbers do not
depend on how the seeds are grouped or which executor runs them.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import inspect
import itertools
import json
import math
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

__all__ = ["SpecError", "Spec", "Cell", "load_spec", "parse_spec", "expand", "count_cells",
           "max_cells", "MAX_CELLS", "canonical_json", "CELL_FORMAT", "PROFILE_KEYS",
           "AlgorithmCatalogue"]

#: bump when the meaning of a stored cell changes (old files then no longer match)
CELL_FORMAT = 1

TOP_KEYS = ("name", "description", "tags", "root_seed", "envs", "algorithms", "episodes",
            "seeds", "seed_batch", "eval_every", "profiles", "figures", "planners",
            "iterations")
PROFILE_KEYS = ("episodes", "seeds", "seed_batch", "eval_every", "envs", "algorithms",
                "description", "iterations", "planners")
#: what a cell runs: ``learner`` (``mdpsim.run``, the default; its cells carry no ``task``
#: key, so their ids are those of before tasks existed) or ``planner`` (``run_planner``)
TASKS = ("learner", "planner")
_LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+=-]*$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SpecError(ValueError):
    """A malformed spec: one line naming the field, the value and what is expected."""


def canonical_json(obj) -> str:
    """Deterministic JSON (sorted keys, no spaces, exact float repr, NaN rejected)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _sha(obj) -> str:
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()


def _slug(text: str, n: int = 40) -> str:
    s = re.sub(r"[^A-Za-z0-9_.+=-]+", "_", text).strip("_.")
    return (s or "x")[:n]


# ------------------------------------------------------------------------ plain-data checks
def _plain(value, field: str, err):
    """Convert ``value`` to plain JSON data (numpy scalars allowed), else a field error."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v):
            err(field, f"must be finite, got {value!r}")
        return v
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{field}[{i}]", err) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                err(field, f"keys must be strings, got {k!r}")
            out[k] = _plain(v, f"{field}.{k}", err)
        return out
    err(field, f"must be plain data (numbers, strings, lists, dicts), got "
               f"{type(value).__name__} {value!r}")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# ------------------------------------------------------------------ algorithm catalogue
@dataclasses.dataclass(frozen=True)
class AlgorithmCatalogue:
    """What the validator knows about the registered algorithms: name -> {param: checker}.

    ``params[name]`` maps each accepted hyper-parameter to a callable ``check(value) -> str |
    None`` (an error message, or ``None`` when the value is acceptable) or to ``None`` (any
    value). ``params[name] is None`` accepts any hyper-parameter (nothing known).
    ``defaults[name]`` are the algorithm's default hyper-parameters (plain data): they are
    part of every cell's content, so a changed default makes new cells instead of silently
    reusing results computed with the old one."""

    names: tuple
    params: Mapping[str, Mapping[str, Callable | None] | None]
    defaults: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_engine(cls) -> "AlgorithmCatalogue":
        """Introspect the online-learning engine's registry (``mdpsim.list_algorithms``)."""
        from . import _engine
        return _engine.catalogue()


# ------------------------------------------------------------------------------ Spec, Cell
@dataclasses.dataclass(frozen=True)
class Spec:
    """A validated experiment spec (one profile applied). ``data`` is its normalised plain
    form, ``raw`` the whole SPEC (all profiles); ``hash`` covers ``data``."""

    name: str
    profile: str
    data: Mapping[str, Any]
    raw: Mapping[str, Any]
    source: str = "<dict>"
    path: str | None = None

    @property
    def hash(self) -> str:
        return _sha(self.data)[:16]

    @property
    def raw_hash(self) -> str:
        return _sha(self.raw)[:16]

    def __getattr__(self, key):  # convenient read access: spec.episodes, spec.seeds, ...
        data = object.__getattribute__(self, "data")
        if key in data:
            return data[key]
        raise AttributeError(key)

    def cells(self) -> list["Cell"]:
        return expand(self)


@dataclasses.dataclass(frozen=True)
class Cell:
    """One unit of work: ``content`` (plain data) fully determines its numbers."""

    id: str
    content: Mapping[str, Any]

    @property
    def seeds(self) -> tuple[int, int]:
        i0, i1 = self.content["seeds"]
        return int(i0), int(i1)

    @property
    def json(self) -> str:
        return canonical_json(self.content)

    @property
    def env_label(self) -> str:
        return self.content["env"]["label"]

    @property
    def alg_label(self) -> str:
        return self.content["algorithm"]["label"]


def cell_id(content: Mapping) -> str:
    """``<env>__<alg>__s<i0>-<i1>__<hash12>``: readable prefix, content hash."""
    i0, i1 = content["seeds"]
    return (f"{_slug(content['env']['label'])}__{_slug(content['algorithm']['label'])}__"
            f"s{i0:04d}-{i1:04d}__{_sha(content)[:12]}")


# -------------------------------------------------------------------------------- loading
def load_spec(spec, *, profile: str = "full", seeds: int | None = None,
              catalogue: AlgorithmCatalogue | None = None, search=None) -> Spec:
    """Load and validate a spec: a path to a ``.py`` file defining ``SPEC``, the name of one
    in the experiments directory (see :func:`mdpsim.experiment.paths.find_spec_file`), a
    plain dict, or a :class:`Spec` (re-profiled)."""
    if isinstance(spec, Spec):
        return parse_spec(spec.raw, profile=profile, seeds=seeds, source=spec.source,
                          catalogue=catalogue, path=spec.path)
    if isinstance(spec, Mapping):
        return parse_spec(spec, profile=profile, seeds=seeds, catalogue=catalogue)
    from .paths import find_spec_file
    path = find_spec_file(spec, search=search)
    raw = _read_spec_file(path)
    return parse_spec(raw, profile=profile, seeds=seeds, source=_display(path),
                      catalogue=catalogue, path=str(path), default_name=path.stem)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_spec_file(path: Path) -> dict:
    mod_name = f"_mdpsim_spec_{_slug(path.stem)}_{_sha(str(path.resolve()))[:8]}"
    loader_spec = importlib.util.spec_from_file_location(mod_name, path)
    if loader_spec is None or loader_spec.loader is None:
        raise SpecError(f"{_display(path)}: cannot be imported as a Python file")
    module = importlib.util.module_from_spec(loader_spec)
    sys.modules[mod_name] = module
    try:
        loader_spec.loader.exec_module(module)
    except SyntaxError as exc:
        where = f"{_display(path)}:{exc.lineno}" if exc.lineno else _display(path)
        raise SpecError(f"{where}: syntax error: {exc.msg}") from None
    except SystemExit as exc:   # sys.exit() in a spec file ends the spec, not mdpsim
        raise SpecError(f"{_display(path)}: executing the spec file called sys.exit"
                        f"({exc.code!r}); a spec file must only define SPEC") from None
    except OSError as exc:
        raise SpecError(f"{_display(path)}: cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # noqa: BLE001 - whatever the file raised, say where, in one line
        tb = exc.__traceback__
        line = None
        while tb is not None:   # the innermost frame of the spec file itself
            if tb.tb_frame.f_code.co_filename == str(path):
                line = tb.tb_lineno
            tb = tb.tb_next
        where = f"{_display(path)}:{line}" if line else _display(path)
        msg = str(exc).splitlines()[0] if str(exc) else ""
        raise SpecError(f"{where}: executing the spec file raised {type(exc).__name__}"
                        f"{': ' + msg if msg else ''}") from None
    finally:
        sys.modules.pop(mod_name, None)
    raw = getattr(module, "SPEC", None)
    if raw is None:
        raise SpecError(f"{_display(path)}: defines no SPEC; an experiment file must define "
                        f"SPEC = {{...}} (see experiments/README.md)")
    if dataclasses.is_dataclass(raw) and not isinstance(raw, type):
        raw = dataclasses.asdict(raw)
    if not isinstance(raw, Mapping):
        raise SpecError(f"{_display(path)}: SPEC must be a dict, got {type(raw).__name__}")
    return dict(raw)


# ------------------------------------------------------------------------------ validation
def _check_profile_labels(profiles, tables, part, err) -> None:
    """Every profile's label lists (``envs``, ``algorithms`` / ``planners``), not only the
    chosen profile's: a list of strings, each a label of ``tables[key]``."""
    for pname, pover in profiles.items():
        if not isinstance(pover, dict):
            continue
        for key, table in tables.items():
            keep = pover.get(key)
            if keep is None:
                continue
            with part():
                if not isinstance(keep, list) or not all(isinstance(x, str) for x in keep):
                    err(f"profiles.{pname}.{key}", f"must be a list of labels, got {keep!r}")
                for x in keep:
                    if table and x not in table:
                        err(f"profiles.{pname}.{key}", f"unknown label {x!r}; labels: "
                                                       f"{', '.join(table)}")


def parse_spec(raw: Mapping, *, profile: str = "full", seeds: int | None = None,
               source: str = "<dict>", catalogue: AlgorithmCatalogue | None = None,
               path: str | None = None, default_name: str | None = None) -> Spec:
    """Validate ``raw`` and apply ``profile`` (and a ``seeds`` override). Every problem found
    is reported, all at once, in one line: a :class:`SpecError` ``"<source>: <field>: <what>;
    <field>: <what>; ..."`` (each independent part of the spec is checked even when another
    part is wrong). Environments are built once per grid point, so a discounted model in a
    spec of online learners (which need a finite horizon) is an error here, not a failed
    cell later."""
    errors: list = []

    def err(field, msg):
        raise SpecError(f"{source}: {field}: {msg}")

    @contextlib.contextmanager
    def part():
        try:
            yield
        except SpecError as exc:
            errors.append(str(exc).removeprefix(f"{source}: "))

    if not isinstance(raw, Mapping):
        raise SpecError(f"{source}: SPEC must be a dict, got {type(raw).__name__}")
    with part():
        for k in raw:
            if k not in TOP_KEYS:
                err(k, f"unknown field; accepted: {', '.join(TOP_KEYS)}")
    rawp = _plain(dict(raw), "SPEC", err)

    name = rawp.get("name", default_name)
    with part():
        if name is None:
            err("name", "missing; give the experiment's name (a spec file defaults to its stem)")
        if not isinstance(name, str) or not _NAME_RE.match(name):
            err("name", f"must be a name of letters, digits, '_', '.', '-', got {name!r}")
    desc = rawp.get("description", "")
    with part():
        if not isinstance(desc, str):
            err("description", f"must be a string, got {desc!r}")
    tags = rawp.get("tags", [])
    with part():
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            err("tags", f"must be a list of strings, got {tags!r}")
    root = rawp.get("root_seed")
    with part():
        if "root_seed" not in rawp:
            err("root_seed", "missing; give a non-negative integer (the experiment's root "
                             "seed)")
        if not _is_int(root) or root < 0:
            err("root_seed", f"must be a non-negative integer, got {root!r}")

    # ---- profile --------------------------------------------------------------------------
    profiles = rawp.get("profiles", {})
    over: dict = {}
    with part():
        if not isinstance(profiles, dict):
            profiles = {}
            err("profiles", f"must be a dict of profile name -> overrides, got "
                            f"{rawp.get('profiles')!r}")
        for pname, pover in profiles.items():
            if not isinstance(pover, dict):
                err(f"profiles.{pname}", f"must be a dict of overrides, got {pover!r}")
            for k in pover:
                if k not in PROFILE_KEYS:
                    err(f"profiles.{pname}.{k}", f"cannot be set by a profile; accepted: "
                                                 f"{', '.join(PROFILE_KEYS)}")
        if not isinstance(profile, str):
            err("profile", f"must be a string, got {profile!r}")
        if profile != "full" and profile not in profiles:
            avail = ", ".join(sorted({"full", *profiles}))
            err("profiles", f"no profile {profile!r}; available: {avail}")
        over = dict(profiles.get(profile, {}))
    task = "planner" if "planners" in rawp else "learner"
    count = "iterations" if task == "planner" else "episodes"
    with part():
        wrong = ("episodes", "eval_every", "algorithms") if task == "planner" else \
            ("iterations",)
        for k in wrong:
            if k in rawp or k in over:
                err(k, f"not a field of a {task} spec (a spec lists 'algorithms' with "
                       f"'episodes', or 'planners' with 'iterations')")
    merged = {**rawp, **{k: v for k, v in over.items()
                         if k not in ("envs", "algorithms", "planners")}}

    # ---- counts ---------------------------------------------------------------------------
    def field_name(k):
        return f"profiles.{profile}.{k}" if k in over else k

    for k in (count, "seeds"):
        with part():
            if k not in merged:
                err(k, "missing; give a positive integer")
    with part():
        if seeds is not None:
            if not _is_int(seeds) or isinstance(seeds, bool) or seeds <= 0:
                err("seeds", f"must be a positive integer (--seeds), got {seeds!r}")
            merged["seeds"] = int(seeds)
    for k in (count, "seeds", "seed_batch"):      # each count reported on its own
        with part():
            if k in merged and (not _is_int(merged[k]) or merged[k] <= 0):
                err(field_name(k), f"must be a positive integer, got {merged[k]!r}")
    merged.setdefault("seed_batch", 5)   # fixed, so --seeds N keeps the earlier batches
    eval_every = merged.get("eval_every", "auto")
    if task == "planner":
        return _parse_planner_spec(rawp, merged, over, profiles, profile, name, desc, tags,
                                   root, errors, part, err, source, path)
    with part():
        K = merged.get("episodes")
        K = K if _is_int(K) else 0
        ok = (_is_int(eval_every) and eval_every > 0) \
            or eval_every in ("auto", "every", "log") \
            or (isinstance(eval_every, list) and len(eval_every) == 2
                and eval_every[0] == "log" and _is_int(eval_every[1]) and eval_every[1] >= 2) \
            or (isinstance(eval_every, list) and eval_every
                and all(_is_int(e) for e in eval_every) and all(0 < e <= K for e in eval_every)
                and all(a < b for a, b in zip(eval_every, eval_every[1:])))
        if not ok:
            err(field_name("eval_every"), f"must be a positive integer, 'auto', 'every', "
                                          f"'log', ['log', n] or an increasing list of "
                                          f"episodes in [1, {K}], got {eval_every!r}")
    merged["eval_every"] = eval_every
    with part():
        n, b, K = merged.get("seeds"), merged.get("seed_batch"), merged.get("episodes")
        if _is_int(n) and _is_int(b) and _is_int(K) and min(n, b, K) > 0:
            _check_cell_table(min(n, b), K, eval_every, err)

    # ---- environments and algorithms -----------------------------------------------------
    envs: dict = {}
    with part():
        envs = _entries(rawp.get("envs"), "envs", "env", err)
    for label, e in envs.items():
        with part():
            _check_env(label, e, err)
    algs: dict = {}
    with part():
        algs = _entries(rawp.get("algorithms"), "algorithms", "algorithm", err)
    if catalogue is None:
        catalogue = AlgorithmCatalogue.from_engine()
    for label, a in algs.items():
        with part():
            _check_algorithm(label, a, catalogue, err)
    _check_profile_labels(profiles, {"envs": envs, "algorithms": algs}, part, err)
    for key in ("envs", "algorithms"):
        if key in over and isinstance(over[key], list):
            kept = {k: v for k, v in (envs if key == "envs" else algs).items()
                    if k in over[key]}
            if key == "envs":
                envs = kept
            else:
                algs = kept

    figures = rawp.get("figures", [name])
    with part():
        if not isinstance(figures, list) or not all(isinstance(f, str) for f in figures):
            err("figures", f"must be a list of figure script names, got {figures!r}")
    if errors:
        raise SpecError(f"{source}: " + "; ".join(errors))

    data = {
        "name": name, "description": over.get("description", desc), "tags": tags,
        "root_seed": root, "envs": envs, "algorithms": algs,
        "episodes": merged["episodes"], "seeds": merged["seeds"],
        "seed_batch": merged["seed_batch"], "eval_every": eval_every, "figures": figures,
    }
    return Spec(name=name, profile=profile, data=data, raw=rawp, source=source, path=path)


#: bytes per row of a cell's table in memory (a lower estimate: ~16 eight-byte columns, held
#: as a DataFrame and as an Arrow table while the cell is encoded)
_ROW_BYTES = 256


def _evaluations(eval_every, K: int) -> int:
    """How many episodes of ``K`` the engine records under ``eval_every`` (at most; counted,
    not listed, so that an absurd ``K`` costs nothing)."""
    if eval_every == "auto":
        return K if K <= 10_000 else 200
    if eval_every == "every":
        return K
    if eval_every == "log":
        return min(K, 100)
    if isinstance(eval_every, list) and len(eval_every) == 2 and eval_every[0] == "log":
        return min(K, int(eval_every[1]))
    if isinstance(eval_every, list):
        return len(eval_every) + 1
    if _is_int(eval_every) and eval_every > 0:
        return K // int(eval_every) + (1 if K % int(eval_every) else 0)
    return 0


def _check_cell_table(seeds_per_cell: int, K: int, eval_every, err) -> None:
    """One-line error when one cell's table (``seeds_per_cell`` x recorded episodes rows)
    cannot fit in memory (:func:`mdpsim.envs._registry.memory_limit`), before any cell runs."""
    from ..envs import memory_limit
    rows = seeds_per_cell * _evaluations(eval_every, K)
    need, limit = rows * _ROW_BYTES, memory_limit()
    if need > limit:
        err("episodes", f"a cell of {seeds_per_cell} seeds x {_evaluations(eval_every, K):,} "
                        f"recorded episodes (episodes {K:,}, eval_every {eval_every!r}) is "
                        f"{rows:,} rows, about {need / 2**30:,.1f} GiB, more than the limit of "
                        f"{limit / 2**30:,.1f} GiB (MDPSIM_MAX_BYTES); record fewer episodes "
                        f"(eval_every='log' or a larger step) or use a smaller seed_batch")


def _entries(table, field, key, err, extra: tuple = ()) -> dict:
    """Normalise ``envs`` / ``algorithms`` to ``{label: {key: name, "params": {}, "grid": {}}}``."""
    if table is None:
        err(field, f"missing; give a dict of label -> {{'{key}': registered name, ...}}")
    if isinstance(table, list):  # list of names or of entries with a "label"
        conv = {}
        for i, e in enumerate(table):
            if isinstance(e, str):
                conv[e] = e
            elif isinstance(e, dict) and isinstance(e.get("label", e.get(key)), str):
                conv[e.get("label", e.get(key))] = {k: v for k, v in e.items() if k != "label"}
            else:
                err(f"{field}[{i}]", f"must be a registered name or a dict with '{key}', "
                                     f"got {e!r}")
        table = conv
    if not isinstance(table, dict) or not table:
        err(field, f"must be a non-empty dict of label -> entry, got {table!r}")
    out = {}
    for label, e in table.items():
        f = f"{field}.{label}"
        if not _LABEL_RE.match(label):
            err(f, "labels must start with a letter or digit and use only letters, digits and "
                   "_ . + = -")
        if isinstance(e, str):
            e = {key: e}
        if not isinstance(e, dict):
            err(f, f"must be a registered name or a dict with '{key}', got {e!r}")
        allowed = (key, "params", "grid", *extra)
        for k in e:
            if k not in allowed:
                err(f"{f}.{k}", f"unknown field; accepted: {', '.join(allowed)}")
        if not isinstance(e.get(key), str):
            err(f"{f}.{key}", f"missing or not a string; give the registered name")
        params = e.get("params", {})
        if not isinstance(params, dict):
            err(f"{f}.params", f"must be a dict of parameter -> value, got {params!r}")
        grid = e.get("grid", {})
        if not isinstance(grid, dict):
            err(f"{f}.grid", f"must be a dict of parameter -> list of values, got {grid!r}")
        for g, vals in grid.items():
            if not isinstance(vals, list) or not vals:
                err(f"{f}.grid.{g}", f"must be a non-empty list of values, got {vals!r}")
            if g in params:
                err(f"{f}.grid.{g}", "is also set in params; give it in one place")
            if len({canonical_json(v) for v in vals}) != len(vals):
                err(f"{f}.grid.{g}", f"repeats a value: {vals!r}")
        out[label] = {key: e[key], "params": params, "grid": grid}
        for k in extra:
            if k in e:
                out[label][k] = e[k]
        if key == "algorithm":
            out[label]["defaults"] = {}
    return out


def _check_env(label, e, err, task: str = "learner"):
    from ..envs import env_factory, list_envs
    from ..envs import check_size
    f = f"envs.{label}"
    name = e["env"]
    if name not in list_envs():
        err(f"{f}.env", f"unknown environment {name!r}; available: {', '.join(list_envs())}")
    fn = env_factory(name)
    sig = inspect.signature(fn)
    key = e.get("spawn_key")
    if key is not None and (not isinstance(key, list) or not all(
            _is_int(k) and k >= 0 for k in key)):
        err(f"{f}.spawn_key", f"must be a list of non-negative integers, got {key!r}")
    for p in list(e["params"]) + list(e["grid"]):
        if p not in sig.parameters:
            err(f"{f}.params.{p}", f"environment {name!r} has no parameter {p!r}; accepted: "
                                   f"{', '.join(sig.parameters)}")
    for combo in _combos(e):
        try:
            check_size(name, combo)       # the model's memory, estimated before building it
        except ValueError as exc:
            err(f"{f}.params", str(exc))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")      # a default criterion is checked below
                mdp = fn(**combo)
        except (ValueError, TypeError) as exc:
            err(f"{f}.params", f"{name}({_fmt_params(combo)}) is invalid: {exc}")
        except MemoryError:
            err(f"{f}.params", f"{name}({_fmt_params(combo)}): not enough memory to build "
                               f"this model; choose smaller sizes")
        if task == "learner" and not getattr(mdp, "finite_horizon", True):
            err(f"{f}.params", f"{name}({_fmt_params(combo)}) is discounted "
                               f"(gamma={mdp.gamma}); the online learners of an experiment "
                               f"need a finite-horizon model: give horizon=H")


def _check_algorithm(label, a, catalogue, err):
    f = f"algorithms.{label}"
    name = a["algorithm"]
    if name not in catalogue.names:
        err(f"{f}.algorithm", f"unknown algorithm {name!r}; available: "
                              f"{', '.join(sorted(catalogue.names))}")
    a["defaults"] = dict(catalogue.defaults.get(name, {}))
    accepted = catalogue.params.get(name)
    if accepted is None:
        return
    for where in ("params", "grid"):
        for p, v in a[where].items():
            if p not in accepted:
                err(f"{f}.{where}.{p}", f"unknown hyper-parameter of {name!r}; accepted: "
                                        f"{', '.join(sorted(accepted)) or '(none)'}")
            check = accepted[p]
            for val in (v if where == "grid" else [v]):
                msg = check(val) if check is not None else None
                if msg:
                    err(f"{f}.{where}.{p}", f"{msg}, got {val!r}")


def _fmt_params(p: Mapping) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in sorted(p.items()))


def _combos(entry) -> list[dict]:
    grid = entry["grid"]
    keys = sorted(grid)
    out = []
    for vals in itertools.product(*(grid[k] for k in keys)):
        out.append({**entry["params"], **dict(zip(keys, vals))})
    return out


# ------------------------------------------------------------------------------- expansion
#: default bound on a sweep's number of cells (``MDPSIM_MAX_CELLS`` or ``--max-cells`` raise it)
MAX_CELLS = 100_000


def max_cells(value: int | None = None) -> int:
    """The bound in force: ``value``, else ``$MDPSIM_MAX_CELLS``, else :data:`MAX_CELLS`."""
    if value is None:
        env = os.environ.get("MDPSIM_MAX_CELLS")
        if env is None:
            return MAX_CELLS
        try:
            value = int(env)
        except ValueError:
            raise SpecError(f"MDPSIM_MAX_CELLS must be a positive integer, got {env!r}") \
                from None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"max_cells must be a positive integer, got {value!r}")
    return value


def count_cells(spec: Spec) -> int:
    """The number of cells :func:`expand` would make, computed without making them."""
    d = spec.data
    if d.get("task") == "planner":
        return len(_planner_cells(spec))

    def points(entry):
        n = 1
        for v in entry["grid"].values():
            n *= len(v)
        return n

    n_env = sum(points(e) for e in d["envs"].values())
    n_alg = sum(points(a) for a in d["algorithms"].values())
    return n_env * n_alg * (-(-d["seeds"] // d["seed_batch"]))


def expand(spec: Spec, *, limit: int | None = None) -> list[Cell]:
    """All cells of ``spec``: env × algorithm × grid point × seed batch, in a fixed order.

    The count is checked first (:func:`count_cells`) against ``limit`` (default
    :func:`max_cells`): a sweep larger than that is a one-line :class:`SpecError`, not an
    attempt to hold a billion cells in memory."""
    d = spec.data
    if d.get("task") == "planner":
        cells = _planner_cells(spec)
        if len(cells) > max_cells(limit):
            raise SpecError(f"{spec.source}: {len(cells):,} cells exceed the limit of "
                            f"{max_cells(limit):,}; raise it with --max-cells N or "
                            f"MDPSIM_MAX_CELLS=N, or use a larger seed_batch")
        return cells
    n_cells, bound = count_cells(spec), max_cells(limit)
    if n_cells > bound:
        raise SpecError(f"{spec.source}: {n_cells:,} cells (envs x algorithms x grid points x "
                        f"ceil(seeds {d['seeds']:,} / seed_batch {d['seed_batch']})) exceed "
                        f"the limit of {bound:,}; raise it with --max-cells N or "
                        f"MDPSIM_MAX_CELLS=N, or use a larger seed_batch")
    n, b = d["seeds"], d["seed_batch"]
    batches = [(i, min(i + b, n)) for i in range(0, n, b)]
    cells, seen = [], set()
    for elabel, e in d["envs"].items():
        for eparams in _combos(e):
            for alabel, a in d["algorithms"].items():
                for aparams in _combos(a):
                    for i0, i1 in batches:
                        content = {
                            "format": CELL_FORMAT,
                            "experiment": d["name"],
                            "env": {"label": elabel, "name": e["env"], "params": eparams},
                            "algorithm": {"label": alabel, "name": a["algorithm"],
                                          "params": aparams,
                                          "defaults": a.get("defaults", {})},
                            "episodes": d["episodes"],
                            "eval_every": d["eval_every"],
                            "root_seed": d["root_seed"],
                            "seeds": [i0, i1],
                        }
                        c = Cell(cell_id(content), content)
                        if c.id in seen:  # pragma: no cover - identical content twice
                            raise SpecError(f"{spec.source}: two cells with identical content "
                                            f"({c.id}); labels must differ")
                        seen.add(c.id)
                        cells.append(c)
    return cells


# -------------------------------------------------------------------------- planner specs
#: fields of a planner entry besides the name, ``params`` and ``grid``: ``seeds`` (run on the
#: first n seeds only) and ``envs`` (run on these environment labels only)
PLANNER_ENTRY_KEYS = ("seeds", "envs")


def _parse_planner_spec(rawp, merged, over, profiles, profile, name, desc, tags, root, errors,
                        part, err, source, path) -> Spec:
    """The rest of :func:`parse_spec` for a spec of planners (``"planners"`` and
    ``"iterations"`` instead of ``"algorithms"`` and ``"episodes"``).

    A planner spec::

        "envs": {"G(5,4,3)": {"env": "drpg_garnet", "params": {"S": 5, "A": 4, "b": 3},
                              "spawn_key": [0]}},
        "planners": {"paper-code": {"planner": "drpg", "params": {"preset": "paper"}},
                     "warm": {"planner": "drpg", "params": {"warm_start": True},
                              "seeds": 20, "envs": ["G(5,4,3)"]}},
        "iterations": 200, "seeds": 50, "seed_batch": 5,

    Instances per seed: when the environment's factory takes ``rng`` and ``params`` do not set
    it, seed ``i`` builds its own instance with ``rng = SeedSequence(root_seed,
    spawn_key=(*spawn_key, i))`` (``spawn_key`` of the env entry, default ``[]``), recorded
    in the ``spawn_key`` column; otherwise every seed runs on the same instance. A planner
    entry's ``seeds`` caps the seeds it runs on, its ``envs`` the environments."""
    envs: dict = {}
    with part():
        envs = _entries(rawp.get("envs"), "envs", "env", err, extra=("spawn_key",))
    for label, e in envs.items():
        with part():
            _check_env(label, e, err, task="planner")
    plans: dict = {}
    with part():
        plans = _entries(rawp.get("planners"), "planners", "planner", err,
                         extra=PLANNER_ENTRY_KEYS)
    for label, a in plans.items():
        with part():
            _check_planner(label, a, envs, err)
    _check_profile_labels(profiles, {"envs": envs, "planners": plans}, part, err)
    if isinstance(over.get("envs"), list):
        envs = {k: v for k, v in envs.items() if k in over["envs"]}
    if isinstance(over.get("planners"), list):
        plans = {k: v for k, v in plans.items() if k in over["planners"]}
    figures = rawp.get("figures", [name])
    with part():
        if not isinstance(figures, list) or not all(isinstance(f, str) for f in figures):
            err("figures", f"must be a list of figure script names, got {figures!r}")
    if errors:
        raise SpecError(f"{source}: " + "; ".join(errors))
    data = {
        "name": name, "description": over.get("description", desc), "tags": tags,
        "root_seed": root, "task": "planner", "envs": envs, "planners": plans,
        "iterations": merged["iterations"], "seeds": merged["seeds"],
        "seed_batch": merged["seed_batch"], "figures": figures,
    }
    return Spec(name=name, profile=profile, data=data, raw=rawp, source=source, path=path)


def _check_planner(label, a, envs, err):
    from ..algorithms import get_planner, list_planners
    f = f"planners.{label}"
    name = a["planner"]
    if name not in list_planners():
        err(f"{f}.planner", f"unknown planner {name!r}; available: "
                            f"{', '.join(list_planners())}")
    pl = get_planner(name)
    a["defaults"] = json.loads(json.dumps(pl.default_table(), default=str))
    accepted = pl.all_hyperparameters()
    for where in ("params", "grid"):
        for p, v in a[where].items():
            for val in (v if where == "grid" else [v]):
                if p == "preset":
                    if val not in pl.presets:
                        err(f"{f}.{where}.preset", f"must be one of "
                                                   f"{', '.join(map(repr, pl.presets))}, "
                                                   f"got {val!r}")
                    continue
                if p == pl.iterations:
                    err(f"{f}.{where}.{p}", "is the iteration count: set the spec's "
                                            "'iterations'")
                if p not in accepted:
                    err(f"{f}.{where}.{p}", f"unknown hyper-parameter of {name!r}; "
                                            f"accepted: preset, "
                                            f"{', '.join(sorted(accepted))}")
                try:
                    accepted[p].coerce(val, name)
                except ValueError as exc:
                    err(f"{f}.{where}.{p}", str(exc).split(": ", 1)[-1])
    n = a.get("seeds")
    if n is not None and (not _is_int(n) or n <= 0):
        err(f"{f}.seeds", f"must be a positive integer (the first n seeds), got {n!r}")
    keep = a.get("envs")
    if keep is not None:
        if not isinstance(keep, list) or not all(isinstance(x, str) for x in keep):
            err(f"{f}.envs", f"must be a list of environment labels, got {keep!r}")
        for x in keep:
            if envs and x not in envs:
                err(f"{f}.envs", f"unknown label {x!r}; labels: {', '.join(envs)}")


def planner_instance_rng(content: Mapping, i: int):
    """The ``rng`` seed ``i`` of a planner cell builds its instance with, or ``None`` (the
    factory takes no ``rng`` or the spec fixes it): ``SeedSequence(root_seed,
    spawn_key=(*spawn_key, i))``."""
    from ..envs import env_factory
    env = content["env"]
    if "rng" in env["params"] or "rng" not in inspect.signature(
            env_factory(env["name"])).parameters:
        return None
    return np.random.SeedSequence(content["root_seed"],
                                  spawn_key=(*env.get("spawn_key", []), i))


def _planner_cells(spec: Spec) -> list[Cell]:
    d = spec.data
    n, b = d["seeds"], d["seed_batch"]
    cells, seen = [], set()
    for elabel, e in d["envs"].items():
        for eparams in _combos(e):
            env = {"label": elabel, "name": e["env"], "params": eparams}
            if e.get("spawn_key"):
                env["spawn_key"] = list(e["spawn_key"])
            for alabel, a in d["planners"].items():
                if a.get("envs") is not None and elabel not in a["envs"]:
                    continue
                na = min(n, a.get("seeds") or n)
                for aparams in _combos(a):
                    for i0 in range(0, na, b):
                        content = {
                            "format": CELL_FORMAT, "task": "planner",
                            "experiment": d["name"], "env": env,
                            "algorithm": {"label": alabel, "name": a["planner"],
                                          "params": aparams,
                                          "defaults": a.get("defaults", {})},
                            "iterations": d["iterations"], "root_seed": d["root_seed"],
                            "seeds": [i0, min(i0 + b, na)],
                        }
                        c = Cell(cell_id(content), content)
                        if c.id in seen:  # pragma: no cover - identical content twice
                            raise SpecError(f"{spec.source}: two cells with identical content "
                                            f"({c.id}); labels must differ")
                        seen.add(c.id)
                        cells.append(c)
    return cells
