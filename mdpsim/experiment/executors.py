"""Executors: where cells run. A cell is the unit of work for all of them.

* ``inline`` — in this process, one cell at a time (``workers=1``; tests, debugging).
* ``local`` — a process pool sized to the machine (the default); ``spawn`` start method, so
  workers never inherit a forked Numba threading layer; each worker runs its cell's seeds on
  ``max(1, cores // workers)`` threads (results do not depend on it).
* ``dask`` — a ``dask.distributed`` cluster: ``scheduler="tcp://host:port"`` connects to a
  running one; without an address a ``LocalCluster`` is started (and stopped afterwards), on
  loopback, with no HTTP server: the listeners Dask opens while it starts get a random
  loopback port and no routes, and are closed once the cluster is up. Set
  ``MDPSIM_DASK_DASHBOARD=127.0.0.1:8787`` (an address) to ask for Dask's dashboard.

Every executor runs the same function (:func:`mdpsim.experiment._engine.compute_cell`) on the
same plain-data cell, so the numbers do not depend on which one ran it. Compiled kernels come
from Numba's on-disk cache (``cache=True``, keyed on the package's source by
:mod:`mdpsim._jit`), so a fresh worker loads them instead of compiling. Pool workers end when
the process that started them dies (:func:`exit_with_parent`).
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import signal
import time

from ._engine import compute_cell

__all__ = ["exit_with_parent", "make_executor", "check_executor_args", "parse_scheduler",
           "cpu_count",
           "InlineExecutor", "LocalExecutor", "DaskExecutor",
           "EXECUTORS"]

EXECUTORS = ("local", "dask", "inline")


def cpu_count() -> int:
    """Cores this process may use (affinity-aware)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def exit_with_parent(parent_pid: int, poll: float = 0.5) -> None:
    """Pool-worker initializer: end this process when ``parent_pid`` (the ``mdpsim run`` that
    started the pool) dies, even by ``kill -9``, instead of living on under PID 1.

    Two mechanisms: on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (immediate); everywhere,
    a daemon thread that checks every ``poll`` seconds whether the parent is still the same
    process (``os.getppid()``), which also covers a pool whose worker was started by a thread
    that has since ended. Workers only compute (the parent writes every cell and holds every
    lock), so ending them loses nothing: a re-run takes over the dead run's locks
    (:meth:`mdpsim.experiment.store.Store.lock_owner`) and recomputes its unfinished cells."""
    import signal
    import threading
    import time

    if os.getppid() != parent_pid:   # the parent died before this worker started
        os._exit(1)
    if hasattr(os, "sched_getaffinity"):   # Linux
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)   # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # pragma: no cover - no libc/prctl
            pass
        if os.getppid() != parent_pid:   # died between the check and prctl
            os._exit(1)

    def watch():
        while True:
            time.sleep(poll)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="mdpsim-parent-watch", daemon=True).start()


def _stop_http(dask_scheduler=None, dask_worker=None) -> None:
    """Close the HTTP listener of a Dask scheduler or worker (run on it by the client)."""
    node = dask_scheduler if dask_scheduler is not None else dask_worker
    server = getattr(node, "http_server", None)
    if server is not None:
        server.stop()


class InlineExecutor:
    """Run each cell synchronously at submission (no processes)."""

    name = "inline"
    workers = 1
    threads = None
    run_id = ""   # stamped into each cell's metadata (set by the sweep)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()

    def prepare(self, algorithms) -> None:
        """Warm the kernels of ``algorithms`` before any cell (only the Dask executor does:
        pool workers share this machine's cache, and the sweep's interleaving gives each
        worker a different algorithm first)."""

    def submit(self, cell, runner=None):
        fut = cf.Future()
        try:
            fut.set_result(compute_cell(dict(cell.content), cell.id, runner, self.threads,
                                        self.run_id))
        except Exception as exc:  # noqa: BLE001 - reported per cell by the sweep
            fut.set_exception(exc)
        return fut

    def wait(self, futures, timeout):
        return {f for f in futures if f.done()}

    def shutdown(self):
        pass


class LocalExecutor(InlineExecutor):
    """A ``ProcessPoolExecutor`` with ``workers`` processes (default: all cores)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = int(workers) if workers else cpu_count()
        self.threads = max(1, cpu_count() // self.workers)
        self._pool = cf.ProcessPoolExecutor(max_workers=self.workers,
                                            mp_context=mp.get_context("spawn"),
                                            initializer=exit_with_parent,
                                            initargs=(os.getpid(),))

    def submit(self, cell, runner=None):
        # the pool starts its workers inside submit(); they inherit this thread's signal mask
        # across exec, so SIGINT blocked here is blocked in them for good: a Ctrl-C, which the
        # terminal sends to the whole process group, reaches only this process (a SIGINT that
        # arrives meanwhile is delivered here when the mask is restored), which stops the pool
        block = hasattr(signal, "pthread_sigmask")
        if block:
            old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            return self._pool.submit(compute_cell, dict(cell.content), cell.id, runner,
                                     self.threads, self.run_id)
        finally:
            if block:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def wait(self, futures, timeout):
        done, _ = cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return done

    def __exit__(self, exc_type, *exc):
        if exc_type is not None and not issubclass(exc_type, Exception):
            self.terminate()          # interrupted: do not wait for the cells in flight
        else:
            self.shutdown()

    def terminate(self, join_timeout: float = 10.0):
        """Stop the workers now (their cells are lost; a re-run computes them).

        Then wait (at most ``join_timeout`` seconds) for the pool's manager thread, which
        notices the dead workers and closes the pool's queues: returning while it still runs
        let the process exit while that thread was releasing a queue's named semaphore, and
        Python's resource tracker then printed a "leaked semaphore" warning after the
        interrupt message (seen in 2 of 22 interrupted runs on a loaded machine)."""
        procs = list((getattr(self._pool, "_processes", None) or {}).values())
        for p in procs:
            try:
                p.terminate()
            except (OSError, AttributeError):
                pass
        manager = getattr(self._pool, "_executor_manager_thread", None)
        self._pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + join_timeout
        for p in procs:
            try:
                p.join(max(0.0, deadline - time.monotonic()))
            except (OSError, AttributeError, AssertionError):
                pass
        if manager is not None:
            manager.join(max(0.0, deadline - time.monotonic()))

    def shutdown(self):
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(InlineExecutor):
    """Cells as ``dask.distributed`` tasks (``pure=False``: a cell is computed when asked)."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None):
        try:
            import distributed
        except ImportError:
            raise ValueError("the dask executor needs dask.distributed: pip install "
                             "'mdpsim[dist]'") from None
        self._distributed = distributed
        self._cluster = None
        if scheduler:
            host, port = parse_scheduler(scheduler)
            timeout = float(os.environ.get("MDPSIM_DASK_CONNECT_TIMEOUT", "5"))
            _probe_scheduler(scheduler, host, port, timeout)
            try:
                self._client = distributed.Client(scheduler, timeout=f"{max(timeout, 1.0)}s")
            except Exception as exc:  # noqa: BLE001 - whatever answered is not a scheduler
                why = (type(exc).__name__ if isinstance(exc, (OSError, TimeoutError))
                       else f"something answered that is not a Dask scheduler: "
                            f"{type(exc).__name__}")
                raise ValueError(f"cannot reach the Dask scheduler at {scheduler} ({why}); "
                                 f"start one (`dask scheduler` and `dask worker ADDR`) or "
                                 f"leave out --scheduler for a local cluster") from None
        else:
            import dask
            n = int(workers) if workers else cpu_count()
            dashboard = os.environ.get("MDPSIM_DASK_DASHBOARD", "")
            if dashboard:          # asked for: Dask's dashboard at that address
                self._cluster = distributed.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=dashboard)
                self._client = distributed.Client(self._cluster)
            else:
                # no HTTP server: Dask's scheduler and workers always open an HTTP listener
                # while they start; it is bound to a random loopback port with no routes, and
                # closed as soon as the cluster is up
                with dask.config.set({"distributed.scheduler.http.routes": [],
                                      "distributed.worker.http.routes": []}):
                    self._cluster = distributed.LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address="127.0.0.1:0", worker_dashboard_address=None,
                        scheduler_kwargs={"dashboard": False})
                self._client = distributed.Client(self._cluster)
                self._client.run_on_scheduler(_stop_http)
                self._client.run(_stop_http)
            self.threads = 1
        info = self._client.scheduler_info()
        self.workers = max(1, len(info.get("workers", {})))
        self.address = self._client.scheduler.address

    def prepare(self, algorithms) -> None:
        """Before any cell: every worker warms the kernels of ``algorithms`` (loads them from
        its machine's cache, or compiles each once per machine under a file lock, workers
        starting at different algorithms; :func:`mdpsim.experiment.compile.ensure_compiled`).
        Workers that join later compile on their first cells as before."""
        from .compile import ensure_compiled
        algs = sorted(set(algorithms))
        if not algs:
            return
        workers = sorted(self._client.scheduler_info().get("workers", {}))
        # one task per worker, pinned loosely (a worker that dies passes its task on); a
        # kernel that fails to compile is not raised here: its cells fail and are recorded
        futs = [self._client.submit(ensure_compiled, algs, i, workers=[w], pure=False,
                                    allow_other_workers=True,
                                    key=f"mdpsim-warm-{i}-{os.urandom(4).hex()}")
                for i, w in enumerate(workers)]
        self._distributed.wait(futs)

    def submit(self, cell, runner=None):
        return self._client.submit(compute_cell, dict(cell.content), cell.id, runner,
                                   self.threads, self.run_id, pure=False,
                                   key=f"mdpsim-{cell.id}-{os.urandom(4).hex()}")

    def wait(self, futures, timeout):
        try:
            done, _ = self._distributed.wait(list(futures), timeout=timeout,
                                             return_when="FIRST_COMPLETED")
        except TimeoutError:
            return set()
        return set(done)

    def __exit__(self, exc_type, *exc):
        if exc_type is not None and not issubclass(exc_type, Exception):
            self.terminate()          # interrupted: do not wait for the cells in flight
        else:
            self.shutdown()

    def terminate(self):
        """Interrupted (SIGTERM, Ctrl-C): stop now and quietly. The workers of a LocalCluster
        this executor started are killed (their cells are lost; a re-run computes them)
        instead of being asked to finish a compiled loop that cannot be interrupted; Dask's
        shutdown warnings about the cancelled cells are not shown."""
        import logging
        for name in list(logging.Logger.manager.loggerDict):
            if name == "distributed" or name.startswith("distributed."):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        if self._cluster is not None:
            for nanny in list(getattr(self._cluster, "workers", {}).values()):
                try:
                    nanny.close_gracefully(reason="mdpsim-interrupted")  # no restart
                    if nanny.pid:
                        os.kill(nanny.pid, signal.SIGKILL)
                except (OSError, AttributeError):
                    pass
        self.shutdown()

    def shutdown(self):
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def parse_scheduler(address: str) -> tuple[str, int]:
    """``tcp://host:port`` -> ``(host, port)``; a one-line ``ValueError`` otherwise."""
    address = str(address)
    scheme, sep, rest = address.partition("://")
    if not sep or scheme != "tcp":
        raise ValueError(f"--scheduler must look like tcp://HOST:PORT (the address `dask "
                         f"scheduler` prints), got {address!r}")
    host, sep, port = rest.rstrip("/").rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--scheduler must look like tcp://HOST:PORT with a port in "
                         f"1..65535, got {address!r}")
    return host, int(port)


def _probe_scheduler(address: str, host: str, port: int, timeout: float) -> None:
    """Open (and close) a TCP connection to the scheduler within ``timeout`` seconds
    (``$MDPSIM_DASK_CONNECT_TIMEOUT``, default 5): a wrong host or port is one line in
    seconds instead of Dask's 30 s of retries."""
    import socket
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        why = ("timed out after %g s" % timeout if isinstance(exc, TimeoutError)
               else exc.strerror or type(exc).__name__)
        raise ValueError(f"cannot reach the Dask scheduler at {address} ({why}); start one "
                         f"(`dask scheduler`, then `dask worker {address}` on each machine) "
                         f"or leave out --scheduler for a local cluster") from None


def check_executor_args(kind: str, workers, scheduler) -> None:
    """One-line errors for bad executor options (before any work starts)."""
    if kind not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, got {kind!r}")
    if workers is not None and (isinstance(workers, bool) or int(workers) != workers
                                or workers < 1):
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    if scheduler and kind != "dask":
        raise ValueError("--scheduler needs --executor dask")
    if scheduler:
        parse_scheduler(scheduler)


def make_executor(kind: str = "local", *, workers: int | None = None,
                  scheduler: str | None = None):
    """``local`` (``workers=1`` runs inline), ``inline`` or ``dask``."""
    check_executor_args(kind, workers, scheduler)
    if kind == "dask":
        return DaskExecutor(scheduler, workers)
    if kind == "inline" or workers == 1:
        return InlineExecutor()
    return LocalExecutor(workers)
