"""The package's layout rules (docs/architecture.md): no module imports a private name — a
``_name`` or a name from a ``_module`` — of *another* package of mdpsim, and no code outside
``mdpsim/models`` reaches into a model's private state. The root-level helpers ``mdpsim._jit``,
``mdpsim._rng`` and ``mdpsim._version`` are shared by every package on purpose."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "mdpsim"
SHARED = {"mdpsim._jit", "mdpsim._rng", "mdpsim._version"}
MODEL_PRIVATE = re.compile(r"\.(_stage_P|_stage_R|_cache|_P|_R|_succ|_init)\b")


def _module(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _package(mod: str) -> str:
    """``mdpsim.<first component>`` (a top-level module is its own package)."""
    return ".".join(mod.split(".")[:2])


def _resolve(mod: str, is_pkg: bool, level: int, target: str | None) -> str:
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    if level:
        base = base[:len(base) - (level - 1)]
        return ".".join(base + ([target] if target else []))
    return target or ""


def _violations(pkg: Path = PKG, root: Path = ROOT):
    out = []
    for path in sorted(pkg.rglob("*.py")):
        mod = _module(path, root)
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                src = _resolve(mod, is_pkg, node.level, node.module)
                if not src.startswith("mdpsim") or src in SHARED or \
                        _package(src) == _package(mod):
                    continue
                private_mod = any(p.startswith("_") for p in src.split(".")[1:])
                private_names = [a.name for a in node.names if a.name.startswith("_")
                                 and f"{src}.{a.name}" not in SHARED]
                if private_mod or private_names:
                    out.append(f"{path.relative_to(root)}:{node.lineno}: from {src} import "
                               f"{', '.join(a.name for a in node.names)}")
        if not str(path.relative_to(pkg)).startswith("models"):
            for i, line in enumerate(path.read_text().splitlines(), 1):
                if MODEL_PRIVATE.search(line) and "self." not in line:
                    out.append(f"{path.relative_to(root)}:{i}: {line.strip()}")
    return out


def test_no_private_names_across_packages():
    bad = _violations()
    assert not bad, "private names used across packages:\n" + "\n".join(bad)


def test_the_rule_can_fail(tmp_path):
    """The checker finds each kind of violation in a synthetic package, and allows the same
    imports within one package."""
    pkg = tmp_path / "mdpsim"
    (pkg / "engine").mkdir(parents=True)
    (pkg / "kernels").mkdir()
    (pkg / "engine" / "driver.py").write_text(
        "from ..kernels._common import TIE\nfrom ..kernels.numba_backend import _inv\n"
        "from .. import _jit\nfrom ..kernels import TIE\nfrom .agent import _ok\n"
        "x = mdp._stage_R()\n")
    bad = _violations(pkg, tmp_path)
    assert [b.split(":")[1] for b in bad] == ["1", "2", "6"], bad
