"""A real Dask cluster on loopback for tests and benchmarks: ``dask scheduler`` and ``dask
worker`` started as separate processes (each in its own session, so that stopping them stops
their children), always stopped on exit, even when the body raises.

``with cluster(2) as c: c.address, c.workers`` (``workers``: the ``Popen`` of each worker;
``--no-nanny``, so a worker killed with SIGKILL stays dead instead of being restarted)."""
from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_cli() -> list[str] | None:
    """How to start the ``dask`` command with this interpreter (None if unavailable)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return None
    exe = shutil.which("dask")
    return [exe] if exe else None


def child_env() -> dict:
    """This process's environment with the repository first on ``PYTHONPATH`` (workers must
    import this copy of mdpsim: same source, same compiled-code cache folder)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "")
                                                       .split(os.pathsep) if p])
    env["NUMBA_NUM_THREADS"] = "1"
    return env


class Cluster:
    def __init__(self):
        self.address = ""
        self.scheduler = None
        self.workers: list = []
        self.procs: list = []

    def start(self, n_workers: int, log_dir, timeout: float = 120.0):
        exe = dask_cli()
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        env = child_env()
        log_dir = pathlib.Path(log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)

        def spawn(args, name):
            log = open(log_dir / f"{name}.log", "wb")
            p = subprocess.Popen(exe + args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True, cwd=str(ROOT))
            log.close()
            self.procs.append(p)
            return p

        self.scheduler = spawn(["scheduler", "--host", "127.0.0.1", "--port", str(port),
                                "--no-dashboard", "--no-show"], "scheduler")
        for i in range(n_workers):
            self.workers.append(spawn(["worker", self.address, "--host", "127.0.0.1",
                                       "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                       "--name", f"w{i}"], f"worker{i}"))
        self.wait_for(n_workers, timeout)
        return self

    def n_workers(self) -> int:
        import distributed
        with distributed.Client(self.address, timeout="10s") as c:
            return len(c.scheduler_info()["workers"])

    def wait_for(self, n: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in self.procs:
                if p.poll() is not None and p not in self._killed:
                    raise RuntimeError(f"a dask process exited ({p.args})")
            try:
                if self.n_workers() >= n:
                    return
            except (OSError, TimeoutError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{n} workers did not join {self.address} in {timeout} s")

    _killed: list = []

    def kill_worker(self, i: int) -> None:
        p = self.workers[i]
        self._killed = [*self._killed, p]
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=10)

    def stop(self) -> None:
        for p in self.workers + [self.scheduler]:
            if p is None or p.poll() is not None:
                continue
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for p in self.workers + [self.scheduler]:
            if p is None:
                continue
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)


@contextlib.contextmanager
def cluster(n_workers: int, log_dir):
    c = Cluster()
    try:
        yield c.start(n_workers, log_dir)
    finally:
        c.stop()
