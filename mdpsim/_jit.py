"""Where mdpsim's compiled code is cached, and why it cannot go stale.

Every ``@njit(cache=True)`` function of the package is cached by Numba on disk so that a fresh
process (a pool worker, a second run) loads machine code instead of compiling it. Numba's own
cache has two blind spots that made results depend on process history:

* its freshness stamp is the modification time and size of the *one* file that defines the
  function, so an edit to a compiled callee in another file (``algorithms/_common.py`` called
  from ``algorithms/psrl.py``) leaves the caller's stale machine code in use;
* by default it writes into ``__pycache__`` next to the source, i.e. inside an installed
  package's ``site-packages`` folder, where the files outlive an uninstall.

This module puts a cache locator in front of Numba's own, for the files of this package only:

* the cache folder is ``<root>/<version>-py<X.Y>-numba<V>-<H>``, where ``H`` is a SHA-256 of
  every ``.py`` file under ``mdpsim/`` (relative path and bytes, in sorted order): any edit to
  any kernel or callee gives a fresh, empty folder, and two copies of the same source share
  one;
* the freshness stamp of every function is that same hash (not file times), so a copy of the
  package with identical source reuses the cache and a changed one never does;
* ``<root>`` is, in this order: ``$NUMBA_CACHE_DIR`` when the user sets it (it still wins: the
  keyed folder is made inside it), ``$MDPSIM_CACHE_DIR``, ``$XDG_CACHE_HOME/mdpsim``,
  ``~/.cache/mdpsim``; if none is writable, a per-user folder under the system's temporary
  directory. Nothing is ever written inside the package.

Functions defined outside the package (a user's own ``@njit(cache=True)`` kernels) keep
Numba's default locators. ``NUMBA_CACHE_LOCATOR_CLASSES``, when set, replaces this choice
altogether (Numba's own override). Old keyed folders are not deleted automatically;
:func:`clear_cache` removes them (``mdpsim cache --clear``).

Cost: hashing the package's source (~70 files, ~0.6 MB) once per process, a few milliseconds
(``benchmarks/bench_jit.py`` measures it against a warm first call).
"""
from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import shutil
import sys
import tempfile

__all__ = ["PACKAGE_DIR", "source_hash", "cache_root", "cache_dir", "clear_cache", "install"]

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent
_HASH: str | None = None


def source_hash() -> str:
    """SHA-256 (hex) of every ``.py`` file of the package: sorted relative paths and bytes."""
    global _HASH
    if _HASH is None:
        h = hashlib.sha256()
        files = sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)
        for p in files:
            rel = p.relative_to(PACKAGE_DIR).as_posix().encode()
            data = p.read_bytes()
            h.update(len(rel).to_bytes(8, "little") + rel)
            h.update(len(data).to_bytes(8, "little") + data)
        _HASH = h.hexdigest()
    return _HASH


def cache_root() -> pathlib.Path:
    """The folder that holds the keyed cache folders (see the module docstring)."""
    for var in ("NUMBA_CACHE_DIR", "MDPSIM_CACHE_DIR"):
        v = os.environ.get(var)
        if v:
            return pathlib.Path(v).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = pathlib.Path(xdg).expanduser() if xdg else pathlib.Path.home() / ".cache"
    return base / "mdpsim"


def _key() -> str:
    import numba
    from ._version import __version__
    return (f"{__version__}-py{sys.version_info[0]}.{sys.version_info[1]}"
            f"-numba{numba.__version__}-{source_hash()[:16]}")


def _writable(path: pathlib.Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
        return True
    except OSError:
        return False


_DIR: pathlib.Path | None = None


def cache_dir() -> pathlib.Path:
    """This source's cache folder (created on first use)."""
    global _DIR
    if _DIR is None:
        d = cache_root() / _key()
        if not _writable(d):
            uid = os.getuid() if hasattr(os, "getuid") else "user"
            d = pathlib.Path(tempfile.gettempdir()) / f"mdpsim-cache-{uid}" / _key()
            d.mkdir(parents=True, exist_ok=True)
        _DIR = d
    return _DIR


def clear_cache(all_versions: bool = True) -> list[pathlib.Path]:
    """Delete cached compiled code: every keyed folder under :func:`cache_root` (or only the
    stale ones, ``all_versions=False``). Returns the folders removed."""
    root = cache_root()
    if not root.is_dir():
        return []
    keep = None if all_versions else _key()
    removed = []
    for d in sorted(root.iterdir()):
        if d.is_dir() and "-numba" in d.name and d.name != keep:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


_ENSURED: set = set()


@functools.lru_cache(maxsize=None)
def _subfolder(py_file: str) -> str | None:
    """Cache subfolder of a package file (its folder relative to the package, ``/`` -> ``__``;
    ``_root`` for the package's top level); ``None`` for files outside the package."""
    try:
        p = pathlib.Path(py_file).resolve()
        sub = p.parent.relative_to(PACKAGE_DIR)
    except (ValueError, OSError):
        return None
    if not p.exists():
        return None
    return sub.as_posix().replace("/", "__") if sub.parts else "_root"


def install() -> None:
    """Put the package's cache locator first in Numba's list (idempotent). Must run before
    any module of the package defines a ``cache=True`` function: ``mdpsim/__init__`` calls it
    first."""
    from numba.core import caching

    if getattr(caching, "_mdpsim_locator_installed", False):
        return

    class PackageSourceLocator(caching._CacheLocator):
        """Numba cache locator for files under :data:`PACKAGE_DIR` (see module docstring)."""

        def __init__(self, py_func, py_file, sub):
            self._lineno = py_func.__code__.co_firstlineno
            self._path = str(cache_dir() / sub)

        def get_cache_path(self):
            return self._path

        def get_source_stamp(self):
            return source_hash()

        def get_disambiguator(self):
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func, py_file):
            sub = _subfolder(py_file)
            if sub is None:
                return None
            self = cls(py_func, py_file, sub)
            if self._path not in _ENSURED:   # one writability probe per folder, not per kernel
                try:
                    self.ensure_cache_path()
                except OSError:
                    return None
                _ENSURED.add(self._path)
            return self

    caching.CacheImpl._locator_classes = ([PackageSourceLocator]
                                          + list(caching.CacheImpl._locator_classes))
    caching._mdpsim_locator_installed = True
