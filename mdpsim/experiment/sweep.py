"""Sweeps: expand a spec into cells, skip the stored ones, run the rest on an executor.

:func:`run_experiment` is what ``mdpsim run`` calls. It claims a cell (its lock) only when it
is about to submit it, keeps about two cells per worker in flight, writes each finished cell
atomically, and waits at the end for cells that another live run is computing (taking them
over if that run dies). A killed sweep therefore loses at most the cells in flight, and two
runs of one spec into one directory share the work without losing or duplicating a cell.
"""
from __future__ import annotations

import collections
import dataclasses
import json
import signal
import threading
import time
import traceback
from pathlib import Path

from ._engine import environment_info
from .executors import check_executor_args, make_executor
from .progress import Progress
from .spec import Spec, expand, load_spec
from .store import Store, StoreError, utc_now

__all__ = ["run_experiment", "experiment_status", "RunReport", "RunInterrupted", "DEFAULT_OUT"]

DEFAULT_OUT = "results"


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by SIGINT (Ctrl-C) or SIGTERM (a batch scheduler, ``docker stop``,
    ``kill``): the finished cells are stored, the locks released, the workers stopped and the
    run recorded as ``interrupted``; ``mdpsim run`` exits with ``128 + signum``."""

    #: whether the run's record says ``interrupted`` (false when no run had started yet)
    recorded = False

    def __init__(self, signum: int):
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum


class _Signals:
    """While a run is driven, SIGINT and SIGTERM raise :class:`RunInterrupted` in the main
    thread (elsewhere, e.g. in a worker thread, the handlers are left as they are).

    Only the first signal raises; later ones (a second Ctrl-C, a scheduler's repeated
    SIGTERM) are noted and ignored, so that the clean-up they would cut short — stopping the
    workers, releasing the locks, recording the run — always completes. A signal that arrives
    while ``shielded`` is set (the clean-up of a run that was not interrupted) is held in
    ``pending`` and raised by the caller afterwards."""

    def __init__(self):
        self.raised = False
        self.shielded = False
        self.pending = None
        self._old: dict = {}

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._old[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc):
        for sig, h in self._old.items():
            signal.signal(sig, h)
        return False

    def _handler(self, signum, frame):
        if self.raised or self.shielded:
            self.pending = self.pending or signum
            return
        self.raised = True
        raise RunInterrupted(signum)


@dataclasses.dataclass
class RunReport:
    """What a run did; ``summary()`` is the text ``mdpsim run`` prints."""

    experiment: str
    profile: str
    spec_hash: str
    root: Path
    total: int
    already_stored: int = 0
    computed: int = 0
    by_other_runs: int = 0
    failed: list = dataclasses.field(default_factory=list)     # (cell_id, error)
    rejected: list = dataclasses.field(default_factory=list)   # (cell_id, reason)
    stale: list = dataclasses.field(default_factory=list)      # paths kept, not in spec
    spec_changed_from: str | None = None
    seconds: float = 0.0
    executor: str = "local"
    workers: int = 1
    cell_seconds: float = 0.0
    read_only: bool = False     # the store could not be written and had nothing to compute

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        lines = [f"{self.experiment} [{self.profile}] spec {self.spec_hash}: {self.total} cells "
                 f"-> {self.root}",
                 f"  already stored {self.already_stored}, computed {self.computed}"
                 + (f", finished by another run {self.by_other_runs}" if self.by_other_runs
                    else "")
                 + f", failed {len(self.failed)}  ({self.seconds:.1f} s, {self.executor} x"
                   f"{self.workers})"]
        if self.read_only:
            lines.append(f"  {self.root} is read-only: every cell is stored, nothing to "
                         f"compute; this run is not recorded")
        if self.spec_changed_from:
            lines.append(f"  spec changed since the last {self.profile} run "
                         f"({self.spec_changed_from} -> {self.spec_hash}): its new cells were "
                         f"computed")
        if self.stale:
            lines.append(f"  {len(self.stale)} stored cells belong to no cell of this spec "
                         f"(an earlier version or another profile); kept, not used")
        for cid, why in self.rejected:
            lines.append(f"  recomputed {cid}: stored file {why} (moved to rejected/)")
        for cid, err in self.failed[:5]:
            lines.append(f"  FAILED {cid}: {err}")
        if len(self.failed) > 5:
            lines.append(f"  ... and {len(self.failed) - 5} more failures (see failed/)")
        return "\n".join(lines)


def _previous_hash(store: Store, profile: str) -> str | None:
    if not store.runs_dir.is_dir():
        return None
    for p in sorted(store.runs_dir.glob("*.json"), reverse=True):
        try:
            rec = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if rec.get("profile") == profile and rec.get("run_id") != store.run_id:
            return rec.get("spec_hash")
    return None


def run_experiment(spec, *, profile: str = "full", seeds: int | None = None,
                   executor: str = "local", workers: int | None = None,
                   scheduler: str | None = None, out=DEFAULT_OUT, progress: bool = True,
                   runner=None, catalogue=None, poll: float = 0.5,
                   stale_after: float = 600.0, stream=None,
                   max_cells: int | None = None) -> RunReport:
    """Run every cell of ``spec`` (a path, a name in ``experiments/``, a dict or a
    :class:`Spec`) that is not stored yet under ``out/<name>/``; returns a :class:`RunReport`.

    ``runner`` replaces ``mdpsim.run`` (same signature; must be importable by workers);
    ``catalogue`` replaces the engine's algorithm catalogue for validation; ``max_cells``
    bounds the sweep's size (default ``$MDPSIM_MAX_CELLS`` or 100 000; checked before any
    cell is made).

    SIGINT and SIGTERM during the run raise :class:`RunInterrupted` (a ``KeyboardInterrupt``)
    after the clean-up: workers stopped, locks released, the run recorded as
    ``interrupted`` (``exc.recorded``). A read-only ``out`` that already holds every cell is
    not an error: nothing is computed or recorded (``RunReport.read_only``)."""
    t_start = time.perf_counter()
    check_executor_args(executor, workers, scheduler)
    with _Signals() as sigs:
        rep = _run(spec, sigs, t_start, profile=profile, seeds=seeds, executor=executor,
                   workers=workers, scheduler=scheduler, out=out, progress=progress,
                   runner=runner, catalogue=catalogue, poll=poll, stale_after=stale_after,
                   stream=stream, max_cells=max_cells)
        if sigs.pending is not None and not sigs.raised:
            exc = RunInterrupted(sigs.pending)   # came during the clean-up of a whole run
            exc.recorded = False
            raise exc
    return rep


def _run(spec, sigs, t_start, *, profile, seeds, executor, workers, scheduler, out, progress,
         runner, catalogue, poll, stale_after, stream, max_cells) -> RunReport:
    if not isinstance(spec, Spec) or spec.profile != profile or seeds is not None:
        spec = load_spec(spec, profile=profile, seeds=seeds, catalogue=catalogue)
    cells = expand(spec, limit=max_cells)
    store = Store(Path(out) / spec.name, stale_after=stale_after)
    try:
        store.create()
    except StoreError as exc:
        if not exc.read_only:
            raise
        scan = store.scan(cells)           # reading needs no write access
        todo = len(scan.pending) + len(scan.running)
        if todo:
            raise StoreError(f"{exc} ({todo} of {len(cells)} cells still to compute)") \
                from None
        return RunReport(spec.name, spec.profile, spec.hash, store.root, len(cells),
                         already_stored=len(scan.done), stale=scan.stale, executor=executor,
                         read_only=True, seconds=time.perf_counter() - t_start)
    store.cleanup_temporaries()
    scan = store.scan(cells)
    rep = RunReport(spec.name, spec.profile, spec.hash, store.root, len(cells),
                    already_stored=len(scan.done), stale=scan.stale, executor=executor)
    prev = _previous_hash(store, spec.profile)
    if prev is not None and prev != spec.hash:
        rep.spec_changed_from = prev
    record = {"experiment": spec.name, "profile": spec.profile, "spec_hash": spec.hash,
              "spec_source": spec.source, "spec": spec.data, "run_id": store.run_id,
              "started": utc_now(), "finished": None, "status": "running",
              "previous_spec_hash": prev, "environment": environment_info(),
              "executor": executor, "scheduler": scheduler,
              "cells": {"total": len(cells), "already_stored": len(scan.done)}}

    queue = collections.deque(_interleave(scan.pending + [c for c, _ in scan.running]))
    bar = Progress(len(cells), label=spec.name, enabled=progress and bool(queue), stream=stream)
    bar.skip(len(scan.done))
    status = "interrupted"
    inflight: dict = {}
    try:
        store.write_run(record)
        if queue:
            with make_executor(executor, workers=workers, scheduler=scheduler) as ex:
                ex.run_id = store.run_id
                rep.workers = ex.workers
                rep.executor = ex.name
                bar.warmup = ex.workers      # each worker's first cell compiles/loads
                if runner is None:           # workers warm the sweep's learners' kernels
                    ex.prepare({c.content["algorithm"]["name"] for c in queue
                                if c.content.get("task", "learner") == "learner"})
                _drive(ex, store, queue, inflight, rep, bar, runner, poll)
        status = "finished" if rep.ok else "finished with failures"
    except KeyboardInterrupt as exc:
        record["interrupted_by"] = (signal.Signals(exc.signum).name
                                    if isinstance(exc, RunInterrupted) else "SIGINT")
        exc.recorded = True
        raise
    finally:
        sigs.shielded = True                 # a signal now waits until the clean-up is done
        for c in inflight.values():
            store.release(c.id)
        store.release_all()
        bar.close()
        rep.seconds = time.perf_counter() - t_start
        record.update(finished=utc_now(), status=status, workers=rep.workers,
                      cells={"total": len(cells), "already_stored": rep.already_stored,
                             "computed": rep.computed, "by_other_runs": rep.by_other_runs,
                             "failed": len(rep.failed), "rejected": len(rep.rejected),
                             "stale_kept": len(rep.stale)},
                      seconds=round(rep.seconds, 3))
        store.write_run(record)
        sigs.shielded = False
    return rep


def _interleave(cells: list) -> list:
    """Round-robin over algorithms (stable within each), so that the first cells a pool sees
    are different algorithms: each worker compiles (or loads) a different kernel first, and
    later cells of an algorithm find its kernels in the on-disk cache."""
    groups: dict = {}
    for c in cells:
        groups.setdefault(c.content["algorithm"]["name"], []).append(c)
    out = []
    lists = list(groups.values())
    for i in range(max((len(g) for g in lists), default=0)):
        out += [g[i] for g in lists if i < len(g)]
    return out


def _drive(ex, store: Store, queue, inflight, rep: RunReport, bar: Progress, runner,
           poll: float) -> None:
    cap = 1 if ex.name == "inline" else 2 * ex.workers
    waiting: list = []
    last_beat = last_recheck = time.monotonic()
    while queue or inflight or waiting:
        while queue and len(inflight) < cap:
            c = queue.popleft()
            if not store.try_lock(c.id):
                waiting.append(c)
                continue
            why = store.check(c)
            if why is None:               # finished by another run meanwhile
                store.release(c.id)
                rep.by_other_runs += 1
                bar.update()
                continue
            if why != "missing":
                store.reject(store.path(c.id), why)
                rep.rejected.append((c.id, why))
            inflight[ex.submit(c, runner)] = c
        if inflight:
            for fut in ex.wait(set(inflight), timeout=poll):
                c = inflight.pop(fut)
                try:
                    data, info = fut.result()
                except Exception as exc:  # noqa: BLE001 - a failed cell is recorded, not fatal
                    msg = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    store.record_failure(c, msg + "\n" + "".join(
                        traceback.format_exception(type(exc), exc, exc.__traceback__)))
                    rep.failed.append((c.id, msg))
                    store.release(c.id)
                    bar.update(note=f"{len(rep.failed)} failed")
                    continue
                store.write_bytes(c, data)
                store.release(c.id)
                rep.computed += 1
                rep.cell_seconds += info.get("seconds", 0.0)
                bar.update()
        elif waiting:
            time.sleep(poll)
        now = time.monotonic()
        if waiting and not queue and (now - last_recheck >= poll or not inflight):
            last_recheck = now
            still = []
            for c in waiting:
                if store.check(c) is None:
                    rep.by_other_runs += 1
                    bar.update()
                    continue
                owner = store.lock_owner(c.id)
                if owner is None or owner["stale"]:
                    queue.append(c)        # released without a result, or its run died
                else:
                    still.append(c)
            waiting = still
            if waiting:
                bar.note = f"waiting for {len(waiting)} cells of another run"
                bar.draw()
        if now - last_beat > 60.0:
            store.heartbeat(c.id for c in inflight.values())
            last_beat = now


def experiment_status(spec, *, profile: str = "full", seeds: int | None = None,
                      out=DEFAULT_OUT, catalogue=None, max_cells: int | None = None) -> dict:
    """Counts of the spec's cells: ``done``, ``pending``, ``running`` (locked by a live run),
    ``failed`` (last attempt failed), ``bad`` (stored but unreadable/mismatching), and
    ``stale`` (stored, not in the spec); plus the latest manifest."""
    if not isinstance(spec, Spec) or spec.profile != profile or seeds is not None:
        spec = load_spec(spec, profile=profile, seeds=seeds, catalogue=catalogue)
    cells = expand(spec, limit=max_cells)
    store = Store(Path(out) / spec.name)
    sc = store.scan(cells)
    failed_ids = {c.id for c, _ in sc.failed}
    return {"experiment": spec.name, "profile": spec.profile, "spec_hash": spec.hash,
            "root": str(store.root), "total": len(cells), "done": len(sc.done),
            "running": len(sc.running), "failed": len(failed_ids),
            "pending": len([c for c in sc.todo if c.id not in failed_ids]),
            "bad": len(sc.bad), "stale": len(sc.stale),
            "failures": [(c.id, e.splitlines()[0]) for c, e in sc.failed],
            "manifest": store.manifest()}
