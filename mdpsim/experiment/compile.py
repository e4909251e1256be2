"""Fill the compiled-code cache before work starts (``mdpsim compile``).

A fresh process with an empty cache compiles every kernel it touches (~13 s per learner's
episode loop). :func:`compile_all` runs one short *warm-up task* per registered algorithm
(its compiled episode loop on the two environment layouts, dense and successor lists, plus
the exact evaluators it calls), per registered planner (DRPG family, robust VI on
(s,a)- and s-rectangular instances), and for the planning kernels (backward induction,
value/policy iteration, evaluation, occupancy on both layouts), each in its own process,
``workers`` at a time. Numba writes what they compile into this source's cache folder
(:func:`mdpsim._jit.cache_dir`: keyed on a hash of the package source, under
``$NUMBA_CACHE_DIR`` / ``$MDPSIM_CACHE_DIR`` / ``~/.cache/mdpsim``), so later processes —
``mdpsim run``, pool workers, Dask workers on this machine — only load it.

:func:`ensure_compiled` is what a Dask worker runs before it takes cells (the Dask executor
calls it on every worker through ``Client.run``): the warm-up tasks of the sweep's
algorithms, each under a per-task file lock in the cache folder, starting at a different
task on each worker, so the workers of one machine compile each kernel once, in parallel,
and a warm cache costs only the loads the first cells would do anyway.

Results never depend on this: a warm-up only fills the cache (:mod:`mdpsim._jit` keys it on
the source, so a cached function is the function).
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import sys
import time

__all__ = ["warmup_tasks", "warm", "compile_all", "ensure_compiled"]


def warmup_tasks(algorithms=None) -> list[str]:
    """Task names: ``algorithm:<name>`` for each registered algorithm (or the given ones),
    ``planner:<name>`` for each registered planner, and ``planning`` (only when
    ``algorithms`` is None)."""
    import mdpsim
    from ..algorithms import list_planners

    if algorithms is not None:
        return [f"algorithm:{a}" for a in algorithms]
    return ([f"algorithm:{a}" for a in mdpsim.list_algorithms()]
            + [f"planner:{p}" for p in list_planners()] + ["planning"])


def _envs():
    import mdpsim
    return (mdpsim.make("riverswim", S=6, horizon=10),                    # dense
            mdpsim.make("garnet", S=8, A=3, b=3, horizon=8, rng=1))       # successor lists


def _hps(alg):
    from ..algorithms import get_algorithm
    names = {p.name for p in get_algorithm(alg).hyperparameters}
    return {"baseline_fraction": 0.8} if "baseline_fraction" in names else {}


def warm(task: str) -> tuple[str, float]:
    """Run one warm-up task in this process; returns ``(task, seconds)``."""
    import numpy as np
    import mdpsim

    t0 = time.perf_counter()
    kind, _, name = task.partition(":")
    if kind == "algorithm":
        for mdp in _envs():
            mdpsim.run(name, mdp, episodes=3, seeds=[0], rng=0, eval_every=1, **_hps(name))
    elif kind == "planner":
        from ..algorithms import run_planner
        from ..robust import drpg_garnet, drpg_inventory
        if name == "drpg_parametric":
            run_planner(name, drpg_inventory(rng=3), iterations=2, alpha=0.05)
        elif name in ("lpo", "pcpg", "npg_exact"):   # discounted tabular and linear models
            for mdp in (mdpsim.make("riverswim", S=4, gamma=0.9),
                        mdpsim.make("linear_simplex", S=6, A=2, d=3, gamma=0.9, rng=1)):
                if name in ("lpo", "pcpg"):
                    run_planner(name, mdp, rng=0, budget=200, K=2, M=4)
                else:
                    run_planner(name, mdp, iterations=2)
        else:
            for rect in ("sa", "s"):
                inst = drpg_garnet(5, 3, 2, rect=rect, rng=np.random.SeedSequence(11))
                run_planner(name, inst, iterations=2)
    elif kind == "planning":
        from .. import planning as pl
        for mdp in _envs():
            sol = mdpsim.solve(mdp)
            pl.evaluate(mdp, sol.policy)
            pl.q_values(mdp, sol.policy)
            pl.occupancy(mdp, sol.policy)
        d = mdpsim.make("riverswim", S=6, gamma=0.9)
        for method in ("vi", "pi", "mpi"):
            mdpsim.solve(d, tol=1e-6, method=method)
    else:
        raise ValueError(f"unknown warm-up task {task!r}; known: {', '.join(warmup_tasks())}")
    return task, time.perf_counter() - t0


def _warm_quiet(task):
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")
    return warm(task)


def compile_all(tasks=None, *, workers: int | None = None, progress: bool = True,
                stream=None) -> list[tuple[str, float]]:
    """Run ``tasks`` (default: every warm-up task) in ``workers`` spawned processes (default:
    the cores this process may use), printing one progress line per finished task; returns
    ``[(task, seconds)]`` in completion order. A task that fails raises (its kernels were not
    cached)."""
    from .executors import cpu_count, exit_with_parent

    tasks = list(tasks) if tasks is not None else warmup_tasks()
    stream = stream or sys.stderr
    n = max(1, min(int(workers) if workers else cpu_count(), len(tasks)))
    done = []
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn"),
                                initializer=exit_with_parent,
                                initargs=(os.getpid(),)) as pool:   # no orphans if killed
        futs = {pool.submit(_warm_quiet, t): t for t in tasks}
        for fut in cf.as_completed(futs):
            task, sec = fut.result()
            done.append((task, sec))
            if progress:
                print(f"[{len(done)}/{len(tasks)}] {task}: {sec:.1f} s "
                      f"({time.perf_counter() - t0:.0f} s elapsed)", file=stream, flush=True)
    return done


def ensure_compiled(algorithms, offset: int = 0) -> dict:
    """Warm the given algorithms' kernels in this process, each under a file lock in the cache
    folder (one compiler per kernel per machine; the others wait, then load), starting at
    task ``offset`` (mod the count) so that workers started together compile different
    kernels first. Returns ``{task: seconds}``."""
    import fcntl

    from .. import _jit

    tasks = warmup_tasks(sorted(set(algorithms)))
    if not tasks:
        return {}
    k = offset % len(tasks)
    tasks = tasks[k:] + tasks[:k]
    lockdir = _jit.cache_dir() / "locks"
    lockdir.mkdir(parents=True, exist_ok=True)
    out = {}
    for task in tasks:
        path = lockdir / (task.replace(":", "__") + ".lock")
        with open(path, "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                out[task] = warm(task)[1]
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    return out
