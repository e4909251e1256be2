"""Figure scripts (``paper_figs/<name>.py``): discovery and running.

A figure script reads stored results only and defines::

    def make_figure(results="results", figdir="figures", profile=None) -> dict:
        ...   # {"paths": [png, pdf], "summary": "text", ...}

and, for direct use, ``if __name__ == "__main__": main()``. ``mdpsim figs`` calls
``make_figure`` of each script.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from .paths import find_dir, UserPathError

__all__ = ["list_figures", "find_figure", "load_figure_module", "run_figure"]


def list_figures() -> list[str]:
    d = find_dir("paper_figs")
    if d is None:
        return []
    return sorted(p.stem for p in d.glob("*.py") if not p.name.startswith("_"))


def find_figure(name) -> Path:
    p = Path(name)
    if p.suffix == ".py" and p.is_file():
        return p
    d = find_dir("paper_figs")
    if d is not None and (d / f"{name}.py").is_file():
        return d / f"{name}.py"
    raise UserPathError(f"no figure script named {name!r} (known: "
                        f"{', '.join(list_figures()) or 'none found'}); run from the mdpsim "
                        f"repository root or set MDPSIM_PROJECT")


def load_figure_module(path: Path):
    name = f"_mdpsim_fig_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UserPathError(f"{path}: cannot be imported")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.modules.pop(name, None)
    if not callable(getattr(mod, "make_figure", None)):
        raise UserPathError(f"{path}: defines no make_figure(results, figdir, profile)")
    return mod


def run_figure(path: Path, *, results="results", figdir="figures", profile=None) -> dict:
    mod = load_figure_module(Path(path))
    out = mod.make_figure(results=results, figdir=figdir, profile=profile)
    return out if isinstance(out, dict) else {"paths": list(out or [])}
