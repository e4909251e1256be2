"""A run's table depends only on its spec, seeds and code — not on what ran before it in the
process, on the state of the compiled-code cache, or on the executor (see :mod:`mdpsim._jit`).

* every cached compiled function of the package has its own identity (no ``cache=True``
  closure, no two functions sharing a module and qualified name; every registered
  algorithm's episode loop its own name);
* for every registered algorithm, the table of a short run in a fresh process equals the
  table of the same run in a process that first ran every other registered algorithm on two
  environments (in both orders);
* an empty cache and a warm one give the same tables, and nothing is written into the package;
* two clean runs of one spec through the process pool give identical stored tables;
* editing a callee's source in another file (a temporary copy of the package) changes the
  result on the next import, with a warm cache from before the edit.
"""
from __future__ import annotations

import importlib
import os
import pathlib
import pkgutil
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import mdpsim
from mdpsim import _jit
from mdpsim.engine.driver import _identity

PROBE = pathlib.Path(__file__).resolve().parents[1] / "_jit_probe.py"
#: the learners that run on the probe's tabular models (linear-setting ones need features,
#: finite-class ones a model class)
ALGS = [a for a in mdpsim.list_algorithms()
        if not {"features", "model_class"} & set(mdpsim.algorithms.get_algorithm(a).needs)]


def _env(cache_dir=None, pythonpath=None):
    env = dict(os.environ)
    env.pop("NUMBA_CACHE_DIR", None)
    if cache_dir is not None:
        env["MDPSIM_CACHE_DIR"] = str(cache_dir)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    env["NUMBA_NUM_THREADS"] = "1"
    return env


def _probe(out, algs, *, history=False, reverse=False, env=None, cwd=None):
    args = [sys.executable, str(PROBE), str(out), *algs]
    if history:
        args.append("--history")
    if reverse:
        args.append("--reverse")
    r = subprocess.run(args, env=env or _env(), cwd=cwd, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]


def _tables(d):
    return {p.name: pd.read_parquet(p) for p in sorted(pathlib.Path(d).glob("*.parquet"))}


def _assert_same(a, b, what):
    assert a.keys() == b.keys() and a, what
    for k in a:
        pd.testing.assert_frame_equal(a[k], b[k], check_exact=True, obj=f"{what}: {k}")


# --------------------------------------------------------------------------- identities
def _package_dispatchers():
    from numba.core.dispatcher import Dispatcher
    found = {}
    for m in pkgutil.walk_packages(mdpsim.__path__, "mdpsim."):
        if "cupy" in m.name:
            continue   # imports CuPy, absent here; holds no Numba code
        mod = importlib.import_module(m.name)
        for obj in vars(mod).values():
            if isinstance(obj, Dispatcher):
                found[id(obj)] = obj
    return list(found.values())


def test_every_cached_kernel_has_its_own_identity():
    disp = [d for d in _package_dispatchers() if type(d._cache).__name__ != "NullCache"]
    assert len(disp) > 50   # the audit sees the package's kernels
    closures = [f"{d.py_func.__module__}.{d.py_func.__qualname__}" for d in disp
                if d.py_func.__closure__ is not None]
    assert closures == [], f"cache=True closures (identity depends on captured values): {closures}"
    by_name: dict = {}
    for d in disp:
        by_name.setdefault((d.py_func.__code__.co_filename, d.py_func.__qualname__),
                           set()).add(id(d.py_func))
    shared = [k for k, v in by_name.items() if len(v) > 1]
    assert shared == [], f"distinct cached functions sharing file and qualname: {shared}"


def test_cached_kernels_live_outside_the_package():
    from numba.core.dispatcher import Dispatcher
    from mdpsim.algorithms import ucbvi
    assert isinstance(ucbvi._plan_ch, Dispatcher)
    path = pathlib.Path(ucbvi._plan_ch._cache._cache_path)
    assert path.is_relative_to(_jit.cache_dir()) and not path.is_relative_to(_jit.PACKAGE_DIR)
    assert _jit.source_hash()[:16] in _jit.cache_dir().name


def test_episode_loops_have_distinct_names():
    from mdpsim.algorithms import get_algorithm
    names = [_identity(get_algorithm(a)) for a in ALGS]
    assert None not in names and len(set(names)) == len(names), names


# ----------------------------------------------------------------------- process history
def test_process_history_does_not_change_any_table(tmp_path):
    """Fresh process per algorithm vs one process that ran everything else first."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:   # one fresh process per algorithm, two at a time
        list(pool.map(lambda alg: _probe(tmp_path / "fresh", [alg]), ALGS))
    fresh = _tables(tmp_path / "fresh")
    assert len(fresh) == 2 * len(ALGS)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda r: _probe(tmp_path / f"history-{r}", ALGS[::-1] if r else ALGS,
                                       history=True, reverse=r), (False, True)))
    for reverse in (False, True):
        _assert_same(fresh, _tables(tmp_path / f"history-{reverse}"),
                     f"history (reverse={reverse}) vs fresh")


@pytest.mark.slow   # run by .ci/run after the default suite (keeps the default run < 10 min)
def test_cold_and_warm_cache_give_the_same_tables(tmp_path):
    algs = ["ucbvi_ch", "ucbvi_bf", "psrl"]
    cache = tmp_path / "cache"
    _probe(tmp_path / "cold", algs, env=_env(cache))
    written = list(cache.rglob("*.nbi"))
    assert written, "the cold run wrote no cache index"
    _probe(tmp_path / "warm", algs, env=_env(cache))
    assert sorted(cache.rglob("*.nbi")) == sorted(written)   # warm: loaded, nothing new
    _probe(tmp_path / "default", algs)    # the shared per-user cache
    cold = _tables(tmp_path / "cold")
    _assert_same(cold, _tables(tmp_path / "warm"), "warm vs cold cache")
    _assert_same(cold, _tables(tmp_path / "default"), "default cache vs cold cache")
    assert not list(_jit.PACKAGE_DIR.rglob("*.nbi")), "compiled code written into the package"


# -------------------------------------------------------------------------- executors
def test_two_clean_pool_runs_store_identical_tables(tmp_path):
    spec = {
        "name": "identity_check",
        "root_seed": 4,
        "envs": {"RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 10}},
                 "Garnet": {"env": "garnet", "params": {"S": 8, "A": 3, "b": 3,
                                                         "horizon": 8, "rng": 1}}},
        "algorithms": {"UCBVI-CH": "ucbvi_ch", "UCBVI-BF": "ucbvi_bf", "PSRL": "psrl",
                       "StepMix": {"algorithm": "stepmix",
                                   "params": {"baseline_fraction": 0.8}}},
        "episodes": 400, "seeds": 4, "seed_batch": 2, "eval_every": 50,
    }
    from mdpsim.experiment import run_experiment
    tables = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        rep = run_experiment(spec, executor="local", workers=2, out=out, progress=False)
        assert rep.failed == [] and rep.computed == 16
        df = mdpsim.load("identity_check", out=out)
        df = df.drop(columns=[c for c in df.columns if "wall" in c or c == "run_id"])
        tables.append(df.sort_values(["cell_id", "seed", "episode"]).reset_index(drop=True))
    assert len(tables[0]) == 2 * 4 * 4 * 8
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)


# ------------------------------------------------------------------------- stale callee
_EDIT_FROM = "    N[hs, s, a] += 1.0\n"
_EDIT_TO = "    N[hs, s, a] += 2.0\n"      # every empirical kernel P̂ = Nsas / N halved


@pytest.mark.slow   # run by .ci/run after the default suite (keeps the default run < 10 min)
def test_editing_a_callee_in_another_file_changes_the_result(tmp_path):
    """``count_transition`` (algorithms/_common.py) is inlined into greedy's kernels
    (algorithms/greedy.py). Numba's own cache would keep greedy's old machine code after an
    edit of ``_common.py``; the package-source key gives fresh code."""
    root = tmp_path / "copy"
    shutil.copytree(_jit.PACKAGE_DIR, root / "mdpsim",
                    ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "cache"
    env = _env(cache, pythonpath=root)
    _probe(tmp_path / "before", ["greedy"], env=env, cwd=tmp_path)
    common = root / "mdpsim" / "algorithms" / "_common.py"
    src = common.read_text()
    assert _EDIT_FROM in src
    common.write_text(src.replace(_EDIT_FROM, _EDIT_TO))
    _probe(tmp_path / "after", ["greedy"], env=env, cwd=tmp_path)   # warm cache of before
    _probe(tmp_path / "after-cold", ["greedy"], env=_env(tmp_path / "cache2", root),
           cwd=tmp_path)
    before, after = _tables(tmp_path / "before"), _tables(tmp_path / "after")
    _assert_same(after, _tables(tmp_path / "after-cold"), "edited: warm vs cold cache")
    changed = [k for k in before if not before[k].equals(after[k])]
    assert changed, "editing count_transition changed no result: stale compiled code"
    assert len(list(cache.iterdir())) == 2   # one keyed folder per source version
