"""The ``proofs_checks/`` runner: one module per lemma, each exposing ``check()``.

Helper modules (names starting with ``_``) in ``proofs_checks/`` are importable by the checks
(the folder is on ``sys.path`` while a check module is imported). Contract of a check module: a function ``check(rng=0, ...) -> dict`` (an ``rng``/``seed``
keyword is passed when the function accepts one) returning at least ``passed`` (bool); by
convention also ``statement`` (the inequality or identity, one line), ``instances`` (how many
random instances), ``margins`` (name -> measured number; for an inequality the smallest slack
``rhs - lhs``, for an identity the largest error) and ``tolerance``. ``mdpsim check`` prints
one row per check and exits 1 if any fails. A check that raises is reported as failed with
its error (the others still run).
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
import time
import traceback
from pathlib import Path

from .paths import find_dir, UserPathError

__all__ = ["list_checks", "run_checks", "format_table"]


def _dir() -> Path | None:
    return find_dir("proofs_checks")


def list_checks() -> list[str]:
    d = _dir()
    if d is None:
        return []
    return sorted(p.stem for p in d.glob("*.py") if not p.name.startswith("_")
                  and _defines_check(p))


def _defines_check(path: Path) -> bool:
    try:
        return "def check(" in path.read_text()
    except OSError:
        return False


def _load(path: Path):
    name = f"_mdpsim_check_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    sys.path.insert(0, str(path.parent))   # helpers shared by the checks (_random_mdps.py)
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(name, None)
        sys.path.remove(str(path.parent))
    return mod


def run_checks(names=None, *, seed: int = 0) -> list[dict]:
    """Run the named checks (default: all); one result dict per check, with ``name``,
    ``passed``, ``seconds`` and whatever the check returned."""
    d = _dir()
    if d is None:
        raise UserPathError("no proofs_checks/ directory found; run from the mdpsim "
                            "repository root or set MDPSIM_PROJECT")
    avail = list_checks()
    names = list(names) if names else avail
    for n in names:
        if n not in avail:
            raise UserPathError(f"no check named {n!r}; available: {', '.join(avail)}")
    results = []
    for n in names:
        t0 = time.perf_counter()
        try:
            mod = _load(d / f"{n}.py")
            fn = mod.check
            params = inspect.signature(fn).parameters
            kw = {k: seed for k in ("rng", "seed") if k in params}
            res = dict(fn(**kw))
            if not isinstance(res.get("passed"), bool):
                raise TypeError("check() must return a dict with a bool 'passed'")
        except Exception as exc:  # noqa: BLE001 - a broken check is a failed check
            res = {"passed": False, "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc()}
        res.setdefault("name", n)
        res["module"] = n
        res["seconds"] = time.perf_counter() - t0
        results.append(res)
    return results


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def _margins(r: dict) -> list[str]:
    m = r.get("margins", r.get("margin", ""))
    if isinstance(m, dict):
        return [f"{k}={_fmt(v)}" for k, v in m.items()]
    return [_fmt(m)] if m != "" else []


def format_table(results: list[dict], *, width: int = 100) -> str:
    """One row per check (result, instances, tolerance, seconds, first margins), then each
    check's statement and all its measured margins."""
    import textwrap
    rows = [("check", "result", "instances", "tol", "s", "margins (measured)")]
    for r in results:
        ms = _margins(r)
        short = ", ".join(ms[:2]) + (f", ... (+{len(ms) - 2})" if len(ms) > 2 else "")
        rows.append((r["module"], "PASS" if r["passed"] else "FAIL",
                     _fmt(r.get("instances", "")), _fmt(r.get("tolerance", "")),
                     f"{r['seconds']:.1f}", short))
    w = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(row[i].ljust(w[i]) for i in range(5)) + "  " + row[5] for row in rows]
    n_pass = sum(r["passed"] for r in results)
    lines.append(f"{n_pass}/{len(results)} checks passed")
    lines.append("")
    for r in results:
        stmt = str(r.get("error") or r.get("statement", "")).splitlines()[0]
        lines.append(f"{r['module']}: {stmt}")
        body = "; ".join(_margins(r))
        if body:
            lines += textwrap.wrap(body, width=width, initial_indent="    ",
                                   subsequent_indent="    ")
    return "\n".join(lines)
