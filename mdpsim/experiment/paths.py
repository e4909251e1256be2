"""Where the project folders are: ``experiments/``, ``paper_figs/``, ``proofs_checks/``.

Looked up, in order, under ``$MDPSIM_PROJECT``, the current directory, and the source checkout
that holds the imported package (an editable install), and last the copies of these folders
that a plain ``pip install .`` ships inside the package (``mdpsim/_project/``, see
``setup.py``), so the commands work from any directory. The parents of the current directory
are searched only when ``MDPSIM_SEARCH_PARENTS=1`` (opt-in: experiment, figure and check
files are Python that mdpsim executes, so it does not pick them up from folders above the one
you are in unless asked). Set ``MDPSIM_PROJECT`` to use your own project folder.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_dirs", "find_dir", "find_spec_file", "list_experiments", "UserPathError"]


class UserPathError(ValueError):
    """A spec, figure or check that cannot be found (one line, with what to do)."""


def project_dirs() -> list[Path]:
    """Candidate project roots, most specific first, without duplicates."""
    cands = []
    env = os.environ.get("MDPSIM_PROJECT")
    if env:
        cands.append(Path(env))
    cwd = Path.cwd()
    cands.append(cwd)
    if os.environ.get("MDPSIM_SEARCH_PARENTS", "") not in ("", "0"):
        cands += list(cwd.parents)
    import mdpsim
    pkg = Path(mdpsim.__file__).resolve().parent
    cands.append(pkg.parent)              # the source checkout of an editable install
    cands.append(pkg / "_project")        # the copies a plain `pip install .` ships
    out, seen = [], set()
    for c in cands:
        key = str(c.resolve()) if c.exists() else str(c)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def find_dir(kind: str) -> Path | None:
    """The first ``<root>/<kind>`` directory among :func:`project_dirs` (``None`` if none)."""
    for root in project_dirs():
        d = root / kind
        if d.is_dir():
            return d
    return None


def find_spec_file(spec, *, search=None) -> Path:
    """Resolve ``spec``: an existing path to a ``.py`` file, or the name of
    ``experiments/<name>.py``."""
    p = Path(spec)
    if p.suffix == ".py" or os.sep in str(spec) or "/" in str(spec):
        if p.is_file():
            return p
        raise UserPathError(f"spec file {spec} not found; give a path to an experiments/*.py "
                            f"file or an experiment name (mdpsim list)")
    dirs = [Path(search)] if search is not None else [d for d in [find_dir("experiments")] if d]
    for d in dirs:
        f = d / f"{spec}.py"
        if f.is_file():
            return f
    known = ", ".join(list_experiments(search)) or "none found"
    raise UserPathError(f"no experiment named {spec!r} (known: {known}); run from the mdpsim "
                        f"repository root, set MDPSIM_PROJECT, or give a path to the spec file")


def list_experiments(search=None) -> list[str]:
    d = Path(search) if search is not None else find_dir("experiments")
    if d is None or not d.is_dir():
        return []
    return sorted(f.stem for f in d.glob("*.py") if not f.name.startswith("_"))
