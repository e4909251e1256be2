"""Cost of the package-source-keyed compiled-code cache (:mod:`mdpsim._jit`).

Each measurement is one fresh Python process that imports mdpsim and makes a first short
call of UCBVI-CH, UCBVI-BF and PSRL (``mdpsim.run``, RiverSwim, 10 episodes): the time from
process start to the end of that first call, measured inside the process.

Contenders, measured in the same session (ratios only; this machine is shared and noisy):

* ``keyed``  — the package's locator (cache folder keyed on a SHA-256 of all its source);
* ``numba``  — Numba's own locator (``NUMBA_CACHE_LOCATOR_CLASSES=UserProvidedCacheLocator``,
  a private ``NUMBA_CACHE_DIR``): freshness by the defining file's mtime and size only, the
  scheme the package used before; the keyed locator must cost nothing measurable on top;
* ``before`` (optional, ``MDPSIM_BENCH_OLD_TREE=/path/to/old/checkout``): the package as it
  was before the change, with its in-tree ``__pycache__`` cache.

``cold``: an empty cache folder (compile everything); ``warm``: the same folder again (load
machine code). Also: the in-process cost of hashing the package source.

Run: ``python benchmarks/bench_jit.py`` (writes ``benchmarks/results/jit_cache.md``) or
``python -m pytest benchmarks/bench_jit.py`` (fewer repeats; checks the warm-start ratio).
"""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORT = HERE / "results" / "jit_cache.md"

JOB = r"""
import time
t0 = time.perf_counter()
import mdpsim
mdp = mdpsim.make("riverswim", S=6, horizon=20)
for a in ("ucbvi_ch", "ucbvi_bf", "psrl"):
    mdpsim.run(a, mdp, episodes=10, seeds=1, rng=0)
print(time.perf_counter() - t0)
"""


def _env(kind, cache, old_tree=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMBA_CACHE_DIR", "MDPSIM_CACHE_DIR", "NUMBA_CACHE_LOCATOR_CLASSES",
                        "PYTHONPATH")}
    env["NUMBA_NUM_THREADS"] = "1"
    if kind == "keyed":
        env["MDPSIM_CACHE_DIR"] = str(cache)
    elif kind == "numba":
        env["NUMBA_CACHE_LOCATOR_CLASSES"] = "UserProvidedCacheLocator"
        env["NUMBA_CACHE_DIR"] = str(cache)
    elif kind == "before":
        env["PYTHONPATH"] = str(old_tree)
    return env


def _once(kind, cache, old_tree=None) -> float:
    r = subprocess.run([sys.executable, "-c", JOB], env=_env(kind, cache, old_tree),
                       capture_output=True, text=True, timeout=900, cwd=tempfile.gettempdir())
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return float(r.stdout.strip().splitlines()[-1])


def _clear_before(old_tree):
    for p in Path(old_tree, "mdpsim").rglob("*.nb[ic]"):
        p.unlink()


def measure(warm_reps=5, cold_reps=1, old_tree=None) -> dict:
    kinds = ["keyed", "numba"] + (["before"] if old_tree else [])
    res = {k: {"cold": [], "warm": []} for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(cold_reps):
            for k in kinds:
                cache = Path(tmp) / f"{k}-{rep}"
                shutil.rmtree(cache, ignore_errors=True)
                if k == "before":
                    _clear_before(old_tree)
                res[k]["cold"].append(_once(k, cache, old_tree))
        for rep in range(warm_reps):   # interleaved, so drifts of the machine hit all alike
            for k in kinds:
                res[k]["warm"].append(_once(k, Path(tmp) / f"{k}-0", old_tree))
    from mdpsim import _jit
    hashes = []
    for _ in range(20):
        _jit._HASH = None
        t = time.perf_counter()
        _jit.source_hash()
        hashes.append(time.perf_counter() - t)
    res["hash_s"] = statistics.median(hashes)
    return res


def report(res) -> str:
    med = {k: {m: statistics.median(v[m]) for m in ("cold", "warm")}
           for k, v in res.items() if isinstance(v, dict)}
    lines = ["# Compiled-code cache: cold compile and warm first call", "",
             f"Python {platform.python_version()}, {platform.machine()}, "
             f"{os.cpu_count()} cores. One fresh process per measurement: import mdpsim + first "
             "short run of UCBVI-CH, UCBVI-BF and PSRL (RiverSwim, 10 episodes); medians "
             f"(cold: {len(res['keyed']['cold'])} run(s) each, warm: "
             f"{len(res['keyed']['warm'])} interleaved runs each).", "",
             "| locator | cold (empty cache), s | warm first call, s | warm / numba-default warm |",
             "|---|---:|---:|---:|"]
    base = med["numba"]["warm"]
    for k, m in med.items():
        lines.append(f"| {k} | {m['cold']:.2f} | {m['warm']:.3f} | {m['warm'] / base:.3f} |")
    lines += ["", f"Hashing the package source in-process: {res['hash_s'] * 1e3:.2f} ms "
              f"(median of 20), {res['hash_s'] / med['keyed']['warm']:.1%} of a warm start.",
              "", "keyed = the package's locator (mdpsim._jit); numba = Numba's own "
              "UserProvidedCacheLocator (file-stamp freshness, the old scheme); before = the "
              "package before the change (in-tree __pycache__), when measured."]
    return "\n".join(lines) + "\n"


def test_warm_start_costs_nothing_measurable():
    res = measure(warm_reps=3, cold_reps=1)
    warm = statistics.median(res["keyed"]["warm"]) / statistics.median(res["numba"]["warm"])
    print(report(res))
    assert warm < 1.10, f"keyed warm start {warm:.3f}x Numba's own locator"


if __name__ == "__main__":
    r = measure(warm_reps=7, cold_reps=1, old_tree=os.environ.get("MDPSIM_BENCH_OLD_TREE"))
    text = report(r)
    REPORT.write_text(text)
    print(text)
