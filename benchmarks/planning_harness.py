"""Timing, the ratio report and the instance cache of ``bench_planning.py`` (the pytest
hooks that print and write the report live in ``conftest.py``).

This machine is shared and noisy (2 vCPUs, other jobs come and go), so every target is a
**ratio between timings taken in the same process, interleaved round by round**: each round
runs every contender once, and each contender keeps its minimum over the rounds (the minimum
is the least-disturbed run; interleaving makes a slow phase of the machine hit every
contender alike). Absolute times are reported for context only.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

#: what the BLAS thread setting of the running session is (set by ``conftest.blas_threads``)
BLAS = {"threads": "library default"}

# ------------------------------------------------------------------------------ timing
def race(contenders: dict, *, rounds: int = 5, budget_s: float | None = None,
         warmup: bool = True) -> dict:
    """Interleaved min-of-N wall times (seconds) of zero-argument callables.

    Each round calls every contender once, in the given order; ``rounds`` rounds at most,
    fewer if ``budget_s`` (total seconds) runs out after at least two. A warm-up call per
    contender (compilation, caches, page faults of the inputs) is not timed."""
    if warmup:
        for fn in contenders.values():
            fn()
    best = {name: float("inf") for name in contenders}
    t_start = time.perf_counter()
    for i in range(rounds):
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
        if budget_s is not None and i >= 1 and time.perf_counter() - t_start > budget_s:
            break
    return best


def once(fn):
    """``(seconds, result)`` of a single call (for runs too long to repeat)."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


# ------------------------------------------------------------------------------ report
class RatioReport:
    """Rows of measured ratios; written to JSON and Markdown at session end."""

    def __init__(self):
        self.rows: list[dict] = []
        self.facts: list[dict] = []

    def ratio(self, section: str, case: str, ours: str, t_ours: float, base: str,
              t_base: float, target: float | None = None, note: str = "", **extra) -> float:
        """Record ``speed-up = t_base / t_ours`` (> 1: ours faster) against ``target``."""
        r = t_base / t_ours
        self.rows.append(dict(section=section, case=case, ours=ours, t_ours_s=t_ours,
                              baseline=base, t_base_s=t_base, ratio=r, target=target,
                              met=None if target is None else bool(r >= target), note=note,
                              **extra))
        return r

    def fact(self, section: str, case: str, solver: str, **values):
        """Record a non-timing observation (sweeps, error vs V*, a rejected input, ...)."""
        self.facts.append(dict(section=section, case=case, solver=solver, **values))

    # -- output
    def _header(self) -> str:
        import numba
        import scipy
        return (f"{_dt.datetime.now().isoformat(timespec='seconds')}; "
                f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
                f"Python {platform.python_version()}, numpy {np.__version__}, "
                f"scipy {scipy.__version__}, numba {numba.__version__}"
                + "".join(f", {m} {v}" for m, v in _peer_versions().items())
                + f"; BLAS threads: {BLAS['threads']}")

    def merged(self) -> tuple[list, list, list]:
        """This session's rows and facts merged into the stored report: a row of the stored
        report is replaced when this session measured the same (section, case, mdpsim,
        baseline), so a ``-k`` subset run updates its rows and keeps the others."""
        stamp = self._header()
        for r in self.rows + self.facts:
            r.setdefault("run", stamp)
        try:
            old = json.loads((RESULTS / "planning_ratios.json").read_text())
        except (OSError, ValueError):
            old = {}
        new_r = {_row_key(r) for r in self.rows}
        new_f = {_fact_key(f) for f in self.facts}
        rows = [r for r in old.get("ratios", []) if _row_key(r) not in new_r] + self.rows
        facts = [f for f in old.get("facts", []) if _fact_key(f) not in new_f] + self.facts
        order = {sec: i for i, sec in enumerate(sorted({x["section"] for x in rows + facts}))}
        rows.sort(key=lambda r: order[r["section"]])  # stable: keeps measurement order
        facts.sort(key=lambda f: order[f["section"]])
        runs = list(dict.fromkeys(x.get("run", "?") for x in rows + facts))
        return rows, facts, runs

    def markdown(self) -> str:
        rows_all, facts_all, runs = self.merged()
        lines = ["# Planning speed ratios (both timings of a ratio come from one run)", ""]
        lines += [f"Run: {r}" for r in runs]
        lines += ["", "Ratio = baseline time / mdpsim time (> 1: mdpsim faster), interleaved "
                  "min-of-N in one process. Times in ms.", ""]
        sections = list(dict.fromkeys(r["section"] for r in rows_all + facts_all))
        for sec in sections:
            lines += [f"## {sec}", ""]
            rows = [r for r in rows_all if r["section"] == sec]
            if rows:
                lines += ["| case | mdpsim | ms | baseline | ms | ratio | target | met | note |",
                          "|---|---|---:|---|---:|---:|---:|:-:|---|"]
                for r in rows:
                    tgt = "" if r["target"] is None else f"≥ {r['target']:g}"
                    met = "" if r["met"] is None else ("yes" if r["met"] else "**NO**")
                    lines.append(f"| {r['case']} | {r['ours']} | {1e3 * r['t_ours_s']:.3g} | "
                                 f"{r['baseline']} | {1e3 * r['t_base_s']:.3g} | "
                                 f"{r['ratio']:.3g} | {tgt} | {met} | {r['note']} |")
                lines.append("")
            facts = [f for f in facts_all if f["section"] == sec]
            if facts:
                keys = list(dict.fromkeys(k for f in facts for k in f
                                          if k not in ("section", "case", "solver", "run")))
                lines += ["| case | solver | " + " | ".join(keys) + " |",
                          "|---|---|" + "---|" * len(keys)]
                for f in facts:
                    lines.append(f"| {f['case']} | {f['solver']} | "
                                 + " | ".join(_fmt(f.get(k, "")) for k in keys) + " |")
                lines.append("")
        return "\n".join(lines)

    def write(self):
        RESULTS.mkdir(exist_ok=True)
        md = self.markdown()
        rows, facts, runs = self.merged()
        payload = dict(runs=runs, ratios=rows, facts=facts)
        (RESULTS / "planning_ratios.json").write_text(json.dumps(payload, indent=1,
                                                                 default=_json_default))
        (RESULTS / "planning_ratios.md").write_text(md + "\n")


def _row_key(r: dict) -> tuple:
    return (r["section"], r["case"], r["ours"], r["baseline"])


def _fact_key(f: dict) -> tuple:
    return (f["section"], f["case"], f["solver"])


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.3g}"
    return str(x)


def _json_default(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return str(x)


def _peer_versions() -> dict:
    from importlib.metadata import version, PackageNotFoundError
    out = {}
    for dist in ("quantecon", "pymdptoolbox"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            pass
    return out


# ------------------------------------------------------------------------------ instances
_CACHE: dict = {}


def cached(key, build):
    """Session-wide memo for instances (dense S = 2000 tables are 320 MB; build them once)."""
    if key not in _CACHE:
        _CACHE[key] = build()
    return _CACHE[key]


REPORT = RatioReport()
