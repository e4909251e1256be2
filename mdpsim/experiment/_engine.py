"""The one place the experiment layer talks to the online-learning engine (``mdpsim.run``).

:func:`compute_cell` is what an executor runs for a cell (in a pool process, a Dask worker, or
inline): it builds the environment, runs the cell's seed range and returns the engine's long
table with the cell's identifying columns added. It imports nothing from the store.
"""
from __future__ import annotations

import functools
import json
import platform
import socket
import time

import numpy as np
import pandas as pd

__all__ = ["compute_cell", "seed_children", "catalogue", "environment_info", "ID_COLUMNS"]

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


def compute_cell(content: dict, cell_id: str, runner=None,
                 threads: int | None = None) -> tuple[pd.DataFrame, dict]:
    """Run one cell: ``mdpsim.run(algorithm, make(env), episodes=K, seeds=[i0, ..., i1-1],
    rng=root_seed, ...)``, so its rows are exactly those of seeds ``i0..i1-1`` of the whole
    experiment run at once. Returns ``(table, info)`` (``info``: UTC ``started`` /
    ``finished``, ``seconds``, the worker's ``environment``)."""
    import mdpsim

    t0 = time.perf_counter()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    run = runner if runner is not None else _default_runner()
    env, alg = content["env"], content["algorithm"]
    mdp = mdpsim.make(env["name"], **env["params"])
    i0, i1 = content["seeds"]
    kw = {} if threads is None else {"threads": int(threads)}
    df = run(alg["name"], mdp, episodes=content["episodes"], seeds=list(range(i0, i1)),
             rng=content["root_seed"], eval_every=engine_eval_every(content["eval_every"]),
             **kw, **alg["params"])
    df = _with_ids(df, content, cell_id)
    seconds = time.perf_counter() - t0
    return df, {"started": started, "seconds": seconds,
                "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "environment": environment_info()}


def _with_ids(df: pd.DataFrame, content: dict, cell_id: str) -> pd.DataFrame:
    if "seed" not in df.columns:
        raise RuntimeError("the engine's table has no 'seed' column")
    df = df.reset_index(drop=True)
    i0, i1 = content["seeds"]
    seed = df["seed"].to_numpy().astype(np.int64)
    if seed.size and (seed.min() < i0 or seed.max() >= i1):
        raise RuntimeError(f"the engine returned seed indices outside [{i0}, {i1})")
    ids = pd.DataFrame({
        "experiment": content["experiment"],
        "cell_id": cell_id,
        "env_label": content["env"]["label"],
        "env_params": json.dumps(content["env"]["params"], sort_keys=True),
        "alg_label": content["algorithm"]["label"],
        "alg_params": json.dumps(content["algorithm"]["params"], sort_keys=True),
        "seed": seed,
    }, index=df.index)
    rest = df.drop(columns=[c for c in ID_COLUMNS if c in df.columns])
    return pd.concat([ids, rest], axis=1)


def catalogue():
    """The engine's algorithms (aliases included) and their typed hyper-parameters."""
    from ..algorithms import get_algorithm, list_algorithms
    from .spec import AlgorithmCatalogue

    names = tuple(list_algorithms(aliases=True))
    params = {}
    for n in names:
        algo = get_algorithm(n)
        params[n] = {p.name: _checker(p, algo.name) for p in algo.hyperparameters}
    return AlgorithmCatalogue(names=names, params=params)


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
