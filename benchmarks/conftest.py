"""pytest glue for the benchmark suites: the BLAS-thread fixture and the hooks that write
and print the planning ratio report (``benchmarks/results/planning_ratios.{json,md}``,
rewritten at the end of every session that recorded a row). Timing and the report itself
are in ``planning_harness.py``.

BLAS threads: every contender that is BLAS-bound (mdpsim's dense path, the NumPy baselines,
QuantEcon, pymdptoolbox) runs the same OpenBLAS ``dgemv``. On a shared 2-vCPU machine a
two-thread ``dgemv`` stalls whenever the other vCPU is busy (measured: the same call varied
0.6-20 ms at S = 500), so ``bench_planning.py`` pins BLAS to one thread for everyone with
``threadpoolctl`` (in the ``bench`` extra) through the module-scoped :func:`blas_threads`.
Set ``MDPSIM_BENCH_BLAS_THREADS=default`` to keep the library default, or to a number.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # bench modules import the helper modules next to them
    sys.path.insert(0, str(HERE))

import planning_harness as _ph  # noqa: E402


@pytest.fixture(scope="module")
def blas_threads():
    """BLAS limited to ``MDPSIM_BENCH_BLAS_THREADS`` (default 1) threads for one module."""
    want = os.environ.get("MDPSIM_BENCH_BLAS_THREADS", "1")
    if want == "default":
        yield _ph.BLAS["threads"]
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        _ph.BLAS["threads"] = "library default (threadpoolctl not installed)"
        yield _ph.BLAS["threads"]
        return
    with threadpool_limits(limits=int(want), user_api="blas"):
        _ph.BLAS["threads"] = f"{int(want)} (threadpoolctl)"
        yield _ph.BLAS["threads"]


@pytest.fixture(scope="session")
def report() -> _ph.RatioReport:
    return _ph.REPORT


def pytest_sessionfinish(session, exitstatus):
    if _ph.REPORT.rows or _ph.REPORT.facts:
        _ph.REPORT.write()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _ph.REPORT.rows or _ph.REPORT.facts:
        terminalreporter.write_sep("=", "planning speed ratios (benchmarks/results/"
                                        "planning_ratios.md)")
        terminalreporter.write_line(_ph.REPORT.markdown())

# the LP / cvxpy oracles live with the checks, outside the package (proofs_checks/_lp_oracles.py)
import sys as _sys  # noqa: E402
from pathlib import Path as _Path  # noqa: E402
_CHECKS = str(_Path(__file__).resolve().parents[1] / "proofs_checks")
if _CHECKS not in _sys.path:
    _sys.path.append(_CHECKS)
