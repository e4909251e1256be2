"""The one place the experiment layer talks to the online-learning engine (``mdpsim.run``).

:func:`compute_cell` is what an executor runs for a cell (in a pool process, a Dask worker, or
inline): it builds the environment, runs the cell's seed range, adds the cell's identifying
columns and encodes the finished Parquet file, so the coordinating process only has to write
bytes (atomically). It imports nothing from the store.
"""
from __future__ import annotations

import functools
import json
import platform
import socket
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["compute_cell", "seed_children", "catalogue", "environment_info", "to_arrow",
           "encode", "pages_digest", "ID_COLUMNS", "META_CELL", "META_ID", "META_INFO",
           "META_PAGES", "META_FILE", "file_digest", "stored_file_digest"]

#: Parquet key-value metadata of a stored cell: its content (canonical JSON), id, provenance
META_CELL, META_ID, META_INFO = b"mdpsim.cell", b"mdpsim.cell_id", b"mdpsim.info"
#: SHA-256 (hex) of the file's data region: every byte before the footer (the column pages)
META_PAGES = b"mdpsim.pages_sha256"
#: key of the SHA-256 of the whole file, computed with this value's 64 bytes set to
#: :data:`FILE_DIGEST_BLANK` (see :func:`file_digest`)
META_FILE = b"mdpsim.file_sha256"
FILE_DIGEST_BLANK = b"0" * 64

#: columns the experiment layer adds in front of the engine's columns
ID_COLUMNS = ["experiment", "cell_id", "env_label", "env_params", "alg_label", "alg_params",
              "seed"]


@functools.lru_cache(maxsize=1)
def environment_info() -> dict:
    """Versions that can change numbers (package, Python, NumPy, Numba, pandas, pyarrow) and
    where the code ran."""
    import numba
    import pyarrow

    import mdpsim
    return {"mdpsim": mdpsim.__version__, "python": platform.python_version(),
            "numpy": np.__version__, "numba": numba.__version__, "pandas": pd.__version__,
            "pyarrow": pyarrow.__version__, "platform": platform.platform(),
            "host": socket.gethostname()}


def seed_children(root_seed: int, i0: int, i1: int) -> list[np.random.SeedSequence]:
    """``SeedSequence(root_seed).spawn(i1)[i0:i1]``, built directly (child ``i`` has spawn key
    ``(i,)``), so a seed batch does not depend on the batches before it."""
    return [np.random.SeedSequence(root_seed, spawn_key=(i,)) for i in range(i0, i1)]


def _default_runner():
    import mdpsim
    run = getattr(mdpsim, "run", None)
    if run is None:
        from ..engine import run
    return run


def engine_eval_every(value):
    """The spec's plain-data schedule as :func:`mdpsim.run` takes it (``["log", n]`` is the
    tuple ``("log", n)``)."""
    if isinstance(value, list) and len(value) == 2 and value[0] == "log":
        return ("log", value[1])
    return value


def compute_cell(content: dict, cell_id: str, runner=None, threads: int | None = None,
                 run_id: str = "") -> tuple[bytes, dict]:
    """Run one cell: ``mdpsim.run(algorithm, make(env), episodes=K, seeds=[i0, ..., i1-1],
    rng=root_seed, ...)``, so its rows are exactly those of seeds ``i0..i1-1`` of the whole
    experiment run at once.

    Returns ``(parquet, info)``: the cell's finished Parquet file as bytes (identifying
    columns in front, the cell's content and provenance in the key-value metadata; encoded
    here, in the worker, so the coordinating process only writes bytes) and ``info``
    (UTC ``started`` / ``finished``, ``seconds``, ``rows``, the worker's ``environment``)."""
    import mdpsim

    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    task = content.get("task", "learner")
    if task not in TASKS:
        raise ValueError(f"cell {cell_id}: unknown task {task!r}; known: {', '.join(TASKS)}")
    if task == "planner":
        df = TASKS[task](content, runner)
        return _finish(df, content, cell_id, started, t0, run_id)
    run = runner if runner is not None else _default_runner()
    env, alg = content["env"], content["algorithm"]
    mdp = mdpsim.make(env["name"], **env["params"])
    i0, i1 = content["seeds"]
    kw = {} if threads is None else {"threads": int(threads)}
    hp = {**alg.get("defaults", {}), **alg["params"]}   # exactly what the cell id covers
    df = run(alg["name"], mdp, episodes=content["episodes"], seeds=list(range(i0, i1)),
             rng=content["root_seed"], eval_every=engine_eval_every(content["eval_every"]),
             **kw, **hp)
    return _finish(df, content, cell_id, started, t0, run_id)


def planner_task(content: dict, runner=None) -> pd.DataFrame:
    """A planner cell: for each seed ``i`` of its range, build the environment (its own
    instance from ``SeedSequence(root_seed, spawn_key=(*spawn_key, i))`` when the factory
    takes ``rng``, :func:`mdpsim.experiment.spec.planner_instance_rng`) and run
    ``run_planner(name, model, iterations=..., **params)`` (a stochastic planner also gets
    ``rng=SeedSequence(root_seed, spawn_key=(*spawn_key, i, 1))``); the seeds' tables stacked, with
    ``seed`` and ``spawn_key`` columns in front. ``runner`` replaces ``run_planner``."""
    import mdpsim
    from ..algorithms import get_planner, list_planners, run_planner
    from .spec import planner_instance_rng

    run = runner if runner is not None else run_planner
    env, alg = content["env"], content["algorithm"]
    hp = dict(alg["params"])
    preset = hp.pop("preset", "default")
    i0, i1 = content["seeds"]
    parts, attrs = [], {}
    for i in range(i0, i1):
        rng = planner_instance_rng(content, i)
        params = dict(env["params"]) if rng is None else {**env["params"], "rng": rng}
        model = mdpsim.make(env["name"], **params)
        kw = {}
        if alg["name"] in list_planners() and get_planner(alg["name"]).stochastic:
            # the run's own stream, distinct from the instance's: (*spawn_key, i, 1)
            kw["rng"] = np.random.SeedSequence(content["root_seed"], spawn_key=(
                *env.get("spawn_key", []), i, 1))
        df = run(alg["name"], model, iterations=content["iterations"], preset=preset, **kw,
                 **hp)
        attrs, df.attrs = attrs or df.attrs, {}
        if "rng" in kw:
            df.insert(0, "run_spawn_key", ",".join(map(str, kw["rng"].spawn_key)))
        df.insert(0, "spawn_key", ",".join(map(str, rng.spawn_key)) if rng is not None
                  else "")
        df.insert(0, "seed", np.int64(i))
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    out.attrs = attrs     # provenance (hyper-parameter sources, paper) kept with the cell
    return out


#: what a cell runs, by its content's ``task`` (a cell without one is a learner run)
TASKS = {"learner": None, "planner": planner_task}


def _finish(df, content, cell_id, started, t0, run_id):
    engine_attrs = _plain_attrs(df.attrs)
    df.attrs = {}   # pandas deep-copies attrs on every column access; the table is ours
    table = to_arrow(df, content, cell_id)
    info = {"started": started, "seconds": time.perf_counter() - t0,
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "environment": environment_info(), "rows": table.num_rows, "run": run_id,
            "engine": engine_attrs}
    return encode(table, content, cell_id, info), info


def _plain_attrs(attrs: dict) -> dict:
    """The engine's ``df.attrs`` (paper, hyper-parameter sources, theory values, ...) as
    JSON-safe data, minus the column glossary; stored with the cell as provenance."""
    out = {k: v for k, v in attrs.items() if k != "columns"}
    return json.loads(json.dumps(out, default=str))


def _const(value: str, n: int) -> pa.Array:
    """A dictionary-encoded column holding one string ``n`` times."""
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)),
                                          pa.array([value], type=pa.string()))


def _column(s: pd.Series) -> pa.Array:
    """One pandas column as Arrow, without pandas' per-table metadata machinery."""
    arr = s.array
    if isinstance(arr, pd.Categorical):
        codes = arr.codes
        cats = pa.array(arr.categories.to_numpy(dtype=object), from_pandas=True)
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32),
                                                       mask=codes < 0), cats)
    if s.dtype.kind in "biuf":
        return pa.array(s.to_numpy())
    if hasattr(arr, "__arrow_array__"):
        return pa.array(arr)
    return pa.Array.from_pandas(s)


def to_arrow(df: pd.DataFrame, content: dict, cell_id: str) -> pa.Table:
    """The engine's table with the cell's identifying columns (:data:`ID_COLUMNS`) in front."""
    if "seed" not in df.columns:
        raise RuntimeError("the engine's table has no 'seed' column")
    i0, i1 = content["seeds"]
    seed = df["seed"].to_numpy().astype(np.int64)
    if seed.size and (seed.min() < i0 or seed.max() >= i1):
        raise RuntimeError(f"the engine returned seed indices outside [{i0}, {i1})")
    n = len(df)
    cols = {
        "experiment": _const(content["experiment"], n),
        "cell_id": _const(cell_id, n),
        "env_label": _const(content["env"]["label"], n),
        "env_params": _const(json.dumps(content["env"]["params"], sort_keys=True), n),
        "alg_label": _const(content["algorithm"]["label"], n),
        "alg_params": _const(json.dumps(content["algorithm"]["params"], sort_keys=True), n),
        "seed": pa.array(seed),
    }
    for c, ser in df.items():
        if c not in cols:
            cols[str(c)] = _column(ser)
    return pa.Table.from_arrays(list(cols.values()), names=list(cols))


def pages_digest(data: bytes) -> str:
    """SHA-256 (hex) of a Parquet file's data region: the bytes before its footer
    (``data[:-8 - footer_length]``; the last 8 bytes are the footer length and ``PAR1``).
    ``ValueError`` if ``data`` does not end like a Parquet file."""
    import hashlib
    if len(data) < 12 or data[-4:] != b"PAR1":
        raise ValueError("not a Parquet file (no PAR1 trailer)")
    n = int.from_bytes(data[-8:-4], "little")
    if n <= 0 or n > len(data) - 12:
        raise ValueError(f"footer length {n} outside the file ({len(data)} bytes)")
    return hashlib.sha256(memoryview(data)[:len(data) - 8 - n]).hexdigest()


def file_digest(data: bytes, stored: bytes | None = None) -> str:
    """SHA-256 (hex) of a cell file's bytes with its own digest blanked: the 64 bytes of the
    footer's ``mdpsim.file_sha256`` value (``stored``, as parsed from the footer; ``None``:
    the file holds :data:`FILE_DIGEST_BLANK` there) read as :data:`FILE_DIGEST_BLANK`. Every
    byte of the file but those 64 is covered, the footer (schema, column names, metadata)
    included; a changed byte in those 64 changes the stored value instead. ``ValueError`` if
    the value is not in the footer."""
    import hashlib
    value = FILE_DIGEST_BLANK if stored is None else bytes(stored)
    n = int.from_bytes(data[-8:-4], "little") if len(data) >= 12 else 0
    pos = data.rfind(value, max(len(data) - 8 - n, 0)) if len(value) == 64 else -1
    if pos < 0:
        raise ValueError("the file digest is not in the footer")
    h = hashlib.sha256(memoryview(data)[:pos])
    h.update(FILE_DIGEST_BLANK)
    h.update(memoryview(data)[pos + 64:])
    return h.hexdigest()


def stored_file_digest(data: bytes) -> bytes | None:
    """The ``mdpsim.file_sha256`` value in the Parquet footer of ``data`` (``None`` if the key
    is not there). Read from the Parquet key-value metadata itself, not from the Arrow schema
    that pyarrow restores (which holds the blank the digest was computed over): found by its
    key and the Thrift compact header of the value that follows it (string of 64 bytes),
    else by parsing the footer."""
    n = int.from_bytes(data[-8:-4], "little") if len(data) >= 12 else 0
    k = data.rfind(META_FILE, max(len(data) - 8 - n, 0))
    if k < 0:
        return None
    v = k + len(META_FILE)
    if data[v:v + 2] == b"\x18\x40":
        return bytes(data[v + 2:v + 66])
    kv = pq.read_metadata(pa.BufferReader(data)).metadata or {}
    return kv.get(META_FILE)


def encode(table: pa.Table, content: dict, cell_id: str, info: dict) -> bytes:
    """Parquet bytes of ``table`` with the cell (content, id), ``info`` and two SHA-256
    digests as metadata: of the file's data pages (:func:`pages_digest`, key
    ``mdpsim.pages_sha256``) and of the whole file (:func:`file_digest`, key
    ``mdpsim.file_sha256``; ``info["checksums"]`` lists both, so a file whose key was lost is
    not taken for an older file without one).

    The data pages do not depend on the key-value metadata (they precede the footer), so the
    file is encoded once to digest its pages and once more with the digest in its footer; the
    second encoding is checked to have the same pages. The whole-file digest is written into
    a blank of the same length, so nothing else moves."""
    from .spec import canonical_json
    meta = dict(table.schema.metadata or {})
    meta[META_CELL] = canonical_json(content).encode()
    meta[META_ID] = cell_id.encode()
    meta[META_INFO] = canonical_json({**info, "checksums": ["pages", "file"]}).encode()
    meta[META_FILE] = FILE_DIGEST_BLANK

    def write(m):
        sink = pa.BufferOutputStream()
        pq.write_table(table.replace_schema_metadata(m), sink, write_page_checksum=True)
        return sink.getvalue().to_pybytes()

    digest = pages_digest(write(meta))
    meta[META_PAGES] = digest.encode()
    data = write(meta)
    if pages_digest(data) != digest:   # pragma: no cover - the encoder is deterministic
        raise RuntimeError("Parquet encoding is not deterministic; cannot checksum the cell")
    n = int.from_bytes(data[-8:-4], "little")
    footer = len(data) - 8 - n
    pos = data.rfind(FILE_DIGEST_BLANK, footer)
    if pos < 0 or data.find(FILE_DIGEST_BLANK, footer) != pos:  # pragma: no cover
        raise RuntimeError("cannot place the file digest in the footer")
    whole = file_digest(data).encode()
    data = data[:pos] + whole + data[pos + 64:]
    if stored_file_digest(data) != whole:   # pragma: no cover - the footer layout is fixed
        raise RuntimeError("cannot read the file digest back from the footer")
    return data


def catalogue():
    """The engine's algorithms (aliases included) and their typed hyper-parameters."""
    from ..algorithms import get_algorithm, list_algorithms
    from .spec import AlgorithmCatalogue

    names = tuple(list_algorithms(aliases=True))
    params, defaults = {}, {}
    for n in names:
        algo = get_algorithm(n)
        params[n] = {p.name: _checker(p, algo.name) for p in algo.hyperparameters}
        defaults[n] = json.loads(json.dumps({p.name: p.default for p in algo.hyperparameters},
                                            default=str))
    return AlgorithmCatalogue(names=names, params=params, defaults=defaults)


def _checker(hp, algorithm):
    def check(value):
        try:
            hp.coerce(value, algorithm)
        except ValueError as exc:
            msg = str(exc)
            return msg.split(f"hyper-parameter {hp.name} ", 1)[-1].split("; got")[0] \
                .split(", got")[0]
        return None
    return check
