"""The embedded results store: one Parquet file per finished cell, written atomically.

Layout of ``<out>/<experiment>/``::

    cells/<cell_id>.parquet   one finished cell (long table; its cell content and provenance
                              in the Parquet key-value metadata; page checksums on)
    cells/.tmp-*              a write in progress (renamed onto the final name when complete)
    index/<cell_id>.sha256    SHA-256 of the cell file's bytes, written before the file
    locks/<cell_id>.lock      held while a run computes the cell (O_CREAT | O_EXCL)
    failed/<cell_id>.json     the error of the last failed attempt (cleared on success)
    rejected/                 unreadable or mismatching files, moved aside (never deleted)
    runs/<run_id>.json        one record per run: spec hash, profile, versions, times, counts
    manifest.json             the latest run's record

Integrity: every cell file carries in its own footer the SHA-256 of all its bytes
(``mdpsim.file_sha256``, computed with the 64 bytes that hold it blanked, so the footer —
schema, column names, metadata — is covered too) and of its data pages
(``mdpsim.pages_sha256``), and the SHA-256 of all its bytes is recorded in ``index/`` when the
file is committed. They are verified whenever a file is checked (``status``, ``run``) or read
(``load``): a file whose bytes do not match — a flipped bit anywhere, rows rewritten with the
metadata kept — is treated like a truncated file: reported, moved to ``rejected/`` and
recomputed by ``run``; ``load`` returns the good cells and names the bad ones. The file's own
digest still protects it when ``index/`` is lost (a copy of ``cells/`` alone); the index also
catches a file replaced by another self-consistent one. ``mdpsim verify NAME`` checks a whole
store. (Cells written before checksums existed have none; they are checked as before and
reported as unverified.)

Invariants: a file under its final name is complete (temporary name, fsync, ``os.replace``);
the store never deletes a result (a bad file is moved to ``rejected/``); a cell is computed by
at most one live run at a time (a lock whose owner is dead, or silent for ``stale_after``
seconds on another host, is taken over); identical cells give identical bytes of data, so even
a race that computes a cell twice leaves one file.
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import socket
import time
import warnings
from pathlib import Path
from typing import Iterable

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ._engine import META_CELL as _META_CELL, META_ID as _META_ID, META_INFO as _META_INFO
from ._engine import META_PAGES as _META_PAGES
from ._engine import encode, environment_info, file_digest, pages_digest, to_arrow
from ._engine import stored_file_digest
from .spec import Cell, canonical_json
from .spec import cell_id as cell_id_of

__all__ = ["Store", "Scan", "ChecksumError", "StoreError", "environment_info", "utc_now",
           "REQUIRED_COLUMNS"]

#: columns every stored cell must have (the experiment layer's ids and the engine's metrics)
REQUIRED_COLUMNS = ("experiment", "cell_id", "env_label", "alg_label", "seed", "episode")
#: a planner cell has ``iteration`` where a learner cell has ``episode``
_STEP_COLUMNS = ("episode", "iteration")


def _missing_columns(names) -> list:
    """:data:`REQUIRED_COLUMNS` absent from ``names`` (a planner cell's ``iteration`` stands
    for ``episode``)."""
    return [c for c in REQUIRED_COLUMNS if c not in names
            and not (c == "episode" and "iteration" in names)]


_READ_ERRORS = (OSError, ValueError, pa.ArrowException, KeyError, json.JSONDecodeError)


class StoreError(ValueError):
    """A results folder that cannot be used (a file where a folder must be, not writable);
    ``read_only`` is true when the folder is there and readable but cannot be written."""

    read_only = False


class ChecksumError(ValueError):
    """A stored cell file whose bytes or data pages do not match their recorded SHA-256."""


def _reason(exc: BaseException) -> str:
    """One line saying why a cell file was rejected."""
    if isinstance(exc, ChecksumError):
        return str(exc)
    msg = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"unreadable ({type(exc).__name__}{': ' + msg if msg else ''})"


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _held(path: Path) -> bool | None:
    """Whether some process holds an exclusive ``flock`` on ``path`` (``None`` where flock
    is not available)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return None
    finally:
        os.close(fd)                           # also drops the probe's own flock
    return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclasses.dataclass
class Scan:
    """What the store holds for a list of cells."""

    done: list          # Cell, stored and valid
    todo: list          # Cell, missing
    bad: list           # (Cell, reason): unreadable or not matching its cell
    stale: list         # Path of stored cells that belong to no cell of the list
    running: list       # (Cell, owner) locked by a live run
    failed: list        # (Cell, error) whose last attempt failed

    @property
    def pending(self) -> list:
        return self.todo + [c for c, _ in self.bad]


class Store:
    """One experiment's directory (see the module docstring)."""

    def __init__(self, root, *, stale_after: float = 600.0):
        self.root = Path(root)
        self.cells_dir = self.root / "cells"
        self.locks_dir = self.root / "locks"
        self.failed_dir = self.root / "failed"
        self.rejected_dir = self.root / "rejected"
        self.index_dir = self.root / "index"
        self.runs_dir = self.root / "runs"
        self.stale_after = float(stale_after)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.run_id = (f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{self.host}-"
                       f"{self.pid}-{os.urandom(3).hex()}")
        self._lock_fds: dict = {}            # cell id -> open fd holding the lock's flock

    # ------------------------------------------------------------------------------- paths
    def create(self) -> None:
        """Make the store's folders; a one-line :class:`StoreError` when a path that must be
        a folder is a file, or the store cannot be written (read-only ``--out``)."""
        for d in (self.root.parent, self.root, self.cells_dir, self.locks_dir, self.runs_dir,
                  self.index_dir, self.failed_dir, self.rejected_dir):
            if d.exists() and not d.is_dir():
                raise StoreError(f"{d} is a file, not a directory; the results of "
                                 f"{self.root.name!r} go under {self.root}/ (give another "
                                 f"--out or move the file aside)")
        man = self.root / "manifest.json"
        if man.is_dir():
            raise StoreError(f"{man} is a directory, not the store's manifest file (move it "
                             f"aside or give another --out)")
        for d in (self.cells_dir, self.locks_dir, self.runs_dir, self.index_dir):
            try:
                d.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                err = StoreError(f"cannot create {exc.filename or d}: "
                                 f"{exc.strerror or exc}; give a writable --out")
                err.read_only = self.root.is_dir() and exc.errno in (errno.EROFS, errno.EACCES,
                                                                     errno.EPERM)
                raise err from None
        try:
            import tempfile
            tempfile.TemporaryFile(dir=self.cells_dir).close()
        except OSError as exc:
            err = StoreError(f"{self.root} is not writable ({exc.strerror or exc}); give a "
                             f"writable --out")
            err.read_only = True
            raise err from None

    def path(self, cell_id: str) -> Path:
        return self.cells_dir / f"{cell_id}.parquet"

    def index_path(self, cell_id: str) -> Path:
        return self.index_dir / f"{cell_id}.sha256"

    def stored_ids(self) -> list[str]:
        if not self.cells_dir.is_dir():
            return []
        return sorted(p.stem for p in self.cells_dir.glob("*.parquet")
                      if not p.name.startswith("."))

    # --------------------------------------------------------------------------- checking
    def verify_bytes(self, cell_id: str, data: bytes, kv: dict | None = None) -> bool:
        """Check ``data`` (the bytes of ``cell_id``'s file) against the SHA-256 recorded in
        ``index/`` and the digests in its own footer (the whole file's; or, in files written
        before it existed, the data pages'; ``kv``: the footer's key-value metadata when the
        caller has parsed it already); raises :class:`ChecksumError` on a mismatch. Returns
        whether anything was verified (``False``: a file written before checksums existed)."""
        verified = False
        try:
            want = self.index_path(cell_id).read_text().strip()
        except FileNotFoundError:
            want = None
        if want is not None:
            got = hashlib.sha256(data).hexdigest()
            if got != want:
                raise ChecksumError(f"checksum mismatch: file SHA-256 {got[:12]}..., "
                                    f"index/ records {want[:12]}...")
            verified = True
        try:
            own = stored_file_digest(data)
        except Exception:  # noqa: BLE001 - a footer that cannot be parsed
            own = b""
        if own is not None:           # the whole file (footer included), less those 64 bytes
            try:
                ok = file_digest(data, own) == own.decode("ascii", "replace")
            except ValueError:
                ok = False
            if not ok:
                raise ChecksumError("checksum mismatch: the file does not match the SHA-256 "
                                    "in its own footer")
            return True
        if kv is None:
            kv = pq.read_metadata(pa.BufferReader(data)).metadata or {}
        try:
            expected = json.loads(kv.get(_META_INFO, b"{}")).get("checksums", [])
        except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
            raise ChecksumError("checksum mismatch: the file's provenance metadata is "
                                "corrupt") from None
        if "file" in expected:
            raise ChecksumError("checksum mismatch: the file SHA-256 recorded in its footer "
                                "is missing")
        pages = kv.get(_META_PAGES)     # files written before the whole-file digest existed
        if pages is not None:
            if pages_digest(data) != pages.decode("ascii", "replace"):
                raise ChecksumError("checksum mismatch: the data pages do not match the "
                                    "SHA-256 in the file's footer")
            verified = True
        elif want is not None:
            raise ChecksumError("no page checksum in the footer of a checksummed cell")
        return verified

    def _read_verified(self, cell_id: str) -> tuple[bytes, bool]:
        data = self.path(cell_id).read_bytes()
        return data, self.verify_bytes(cell_id, data)

    def check(self, cell: Cell) -> str | None:
        """``None`` if the stored file of ``cell`` is complete, uncorrupted (checksums) and is
        that cell's; else why not (``"missing"`` when there is no file)."""
        p = self.path(cell.id)
        if not p.exists():
            return "missing"
        try:
            data, _ = self._read_verified(cell.id)
            md = pq.read_metadata(pa.BufferReader(data))
            kv = md.metadata or {}
            stored = kv.get(_META_CELL)
            if stored is None:
                return "not written by mdpsim (no cell metadata)"
            if stored.decode() != cell.json or kv.get(_META_ID, b"").decode() != cell.id:
                return "its metadata describes another cell"
            names = set(md.schema.to_arrow_schema().names)
            missing = _missing_columns(names)
            if missing:
                return f"missing columns {missing}"
            info = json.loads(kv.get(_META_INFO, b"{}"))
            if md.num_rows == 0 or md.num_rows != info.get("rows"):
                return f"has {md.num_rows} rows, its metadata says {info.get('rows')}"
        except ChecksumError as exc:
            return str(exc)
        except Exception as exc:  # noqa: BLE001 - any failure to parse is a bad file
            return f"unreadable ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})" \
                if str(exc) else f"unreadable ({type(exc).__name__})"
        return None

    def verify(self) -> dict:
        """Check every stored cell file (checksums, metadata, rows): ``{"ok": [...],
        "unverified": [...], "bad": [(cell_id, reason), ...]}`` (``mdpsim verify``)."""
        out: dict = {"ok": [], "unverified": [], "bad": []}
        for cid in self.stored_ids():
            try:
                data, verified = self._read_verified(cid)
                self._decode(cid, data)
            except Exception as exc:  # noqa: BLE001 - every failure is a bad cell
                out["bad"].append((cid, _reason(exc)))
                continue
            out["ok" if verified else "unverified"].append(cid)
        return out

    def matching(self, cells: Iterable[Cell]) -> list[str]:
        """Ids of the stored cells with the same configuration as one of ``cells`` (all
        content but the seed range), without overlaps: a seed stored in two files (batches
        of different sizes) is taken from the first file in id order only if that file adds
        no seed already taken; the chosen files cover each seed once.

        A file is chosen from its footer's metadata, which :meth:`load` verifies afterwards;
        a file left out is verified here, and returned too if it fails its checksums (a
        flipped bit in its metadata must not make it silently absent: ``load`` names it)."""
        def key(content):
            return canonical_json({k: v for k, v in content.items() if k != "seeds"})
        wanted = {key(c.content) for c in cells}
        taken: dict = {}
        out = []
        for cid in self.stored_ids():
            try:
                kv = pq.read_metadata(self.path(cid)).metadata or {}
                content = json.loads(kv[_META_CELL])
                k = key(content)
                seeds = set(range(*content["seeds"]))
            except Exception:  # noqa: BLE001 - unreadable: load() reports it, leaves it out
                out.append(cid)
                continue
            have = taken.setdefault(k, set()) if k in wanted else None
            if have is None or seeds & have:
                if not self._intact(cid):
                    out.append(cid)
                continue
            have |= seeds
            out.append(cid)
        return out

    def _intact(self, cell_id: str) -> bool:
        """Whether ``cell_id``'s file passes its checksums (``False`` if it cannot be read)."""
        try:
            self._read_verified(cell_id)
        except Exception:  # noqa: BLE001 - any failure is a bad file
            return False
        return True

    def scan(self, cells: Iterable[Cell]) -> Scan:
        cells = list(cells)
        wanted = {c.id for c in cells}
        sc = Scan([], [], [], [], [], [])
        for c in cells:
            why = self.check(c)
            if why is None:
                sc.done.append(c)
                continue
            owner = self.lock_owner(c.id)
            if owner is not None and not owner["stale"]:
                sc.running.append((c, owner))
            elif why == "missing":
                sc.todo.append(c)
            else:
                sc.bad.append((c, why))
            err = self.failure(c.id)
            if err is not None:
                sc.failed.append((c, err))
        sc.stale = [self.path(i) for i in self.stored_ids() if i not in wanted]
        return sc

    # ------------------------------------------------------------------------- read / write
    def write_bytes(self, cell: Cell, data: bytes) -> Path:
        """Store an encoded cell file (:func:`mdpsim.experiment._engine.encode`): written
        under a temporary name, then renamed onto the final name (atomic).

        No fsync: a process killed at any point leaves either no final file or a complete
        one; a file torn by a machine crash fails the footer/row-count check on the next run
        and is moved aside and recomputed."""
        self.cells_dir.mkdir(parents=True, exist_ok=True)
        final = self.path(cell.id)
        tmp = self.cells_dir / f".tmp-{cell.id}-{self.host}-{self.pid}.parquet"
        with open(tmp, "wb") as fh:
            fh.write(data)
        # the checksum is recorded before the file gets its final name: a committed file
        # always has one (identical cells give identical bytes, so racing writers agree)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        idx = self.index_path(cell.id)
        itmp = idx.with_name(f".{idx.name}.{self.host}-{self.pid}.tmp")
        itmp.write_text(hashlib.sha256(data).hexdigest() + "\n")
        os.replace(itmp, idx)
        os.replace(tmp, final)
        self.clear_failure(cell.id)
        return final

    def write(self, cell: Cell, df: pd.DataFrame, info: dict | None = None) -> Path:
        """Store an engine table ``df`` as ``cell``'s file (adds the identifying columns)."""
        table = to_arrow(df, dict(cell.content), cell.id)
        info = {"environment": environment_info(), **(info or {}), "rows": table.num_rows,
                "run": self.run_id}
        return self.write_bytes(cell, encode(table, dict(cell.content), cell.id, info))

    def read(self, cell_id: str, *, verify: bool = True) -> pd.DataFrame:
        """The stored table of ``cell_id`` (SHA-256 checksums and Parquet page checksums
        verified; :class:`ChecksumError` on a mismatch)."""
        if not verify:
            return pq.read_table(self.path(cell_id)).to_pandas()
        return self._read_table(cell_id).replace_schema_metadata(None).to_pandas()

    def _read_table(self, cell_id: str) -> pa.Table:
        """Read, checksum (bytes, pages) and decode a cell file; the footer is parsed once."""
        data = self.path(cell_id).read_bytes()
        try:
            t = pq.read_table(pa.BufferReader(data), page_checksum_verification=True)
        except Exception:
            self.verify_bytes(cell_id, data, kv={})   # a checksum error says more, if any
            raise
        self.verify_bytes(cell_id, data, kv=t.schema.metadata or {})
        return self._decode(cell_id, data, t)

    def _decode(self, cell_id: str, data: bytes, t: pa.Table | None = None) -> pa.Table:
        """The table of a cell file's bytes (``t``: already decoded), checked to be
        ``cell_id``'s own (its metadata, rows and seed range); ``ValueError`` otherwise."""
        if t is None:
            t = pq.read_table(pa.BufferReader(data), page_checksum_verification=True)
        kv = t.schema.metadata or {}
        if kv.get(_META_ID, b"").decode() != cell_id:
            raise ValueError("its metadata names another cell")
        missing = _missing_columns(t.column_names)
        if missing:
            raise ValueError(f"missing columns {missing}")
        if t.num_rows and set(t.column("cell_id").unique().to_pylist()) != {cell_id}:
            raise ValueError("its rows belong to another cell")
        content = json.loads(kv[_META_CELL])
        if cell_id_of(content) != cell_id:      # the id is a hash of the content
            raise ValueError("its cell description does not match its id")
        rows = json.loads(kv.get(_META_INFO, b"{}")).get("rows")
        if rows is not None and rows != t.num_rows:
            raise ValueError(f"has {t.num_rows} rows, its metadata says {rows}")
        i0, i1 = content["seeds"]
        seeds = set(t.column("seed").unique().to_pylist())
        if seeds != set(range(i0, i1)):
            raise ValueError(f"holds seeds {sorted(seeds)}, its cell is [{i0}, {i1})")
        return t

    def reject(self, path: Path, reason: str) -> Path | None:
        """Move a bad file aside into ``rejected/`` (with the reason next to it)."""
        self.rejected_dir.mkdir(parents=True, exist_ok=True)
        dest = self.rejected_dir / f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-" \
                                   f"{self.pid}__{path.name}"
        try:
            os.replace(path, dest)
        except FileNotFoundError:
            return None
        (dest.parent / (dest.name + ".reason.txt")).write_text(reason + "\n")
        return dest

    def cleanup_temporaries(self) -> int:
        """Remove this host's temporary files whose writer is dead (incomplete writes)."""
        n = 0
        if not self.cells_dir.is_dir():
            return 0
        for p in self.cells_dir.glob(".tmp-*.parquet"):
            parts = p.stem.rsplit("-", 1)
            try:
                pid = int(parts[1])
            except (IndexError, ValueError):
                continue
            if f"-{self.host}-" in p.name and (pid == self.pid or not _pid_alive(pid)):
                try:
                    p.unlink()
                    n += 1
                except FileNotFoundError:
                    pass
        return n

    # ------------------------------------------------------------------------------ locks
    def _lock_path(self, cell_id: str) -> Path:
        return self.locks_dir / f"{cell_id}.lock"

    def try_lock(self, cell_id: str) -> bool:
        """Take the cell's lock; a stale lock is broken and taken over. ``False`` if a live
        run holds it.

        The lock file is created exclusively and this process keeps it open with an
        exclusive ``flock`` until :meth:`release`; the OS drops that lock when the process
        dies, however it dies. Takeover rule (:meth:`lock_owner`): on the same host a lock is
        stale as soon as no process holds its ``flock`` — immediately after its owner dies,
        even when the recorded PID has been reused by an unrelated live process; on another
        host (a shared filesystem, where ``flock`` does not reach) it is stale after
        ``stale_after`` seconds without a heartbeat."""
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        p = self._lock_path(cell_id)
        body = canonical_json({"host": self.host, "pid": self.pid, "run": self.run_id,
                               "time": utc_now()}).encode()
        for _ in range(2):
            try:
                fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self.lock_owner(cell_id)
                if owner is None:
                    continue            # released meanwhile: try again
                if not owner["stale"]:
                    return False
                tomb = p.with_name(f"{p.name}.stale-{self.pid}")
                try:
                    os.replace(p, tomb)
                    tomb.unlink()
                except FileNotFoundError:
                    pass
                continue
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.write(fd, body)
            except OSError:
                os.close(fd)
                raise
            self._lock_fds[cell_id] = fd
            return True
        return False

    def lock_owner(self, cell_id: str) -> dict | None:
        """Who holds the cell's lock (``None`` if nobody), with ``stale`` (see
        :meth:`try_lock` for the takeover rule)."""
        p = self._lock_path(cell_id)
        try:
            age = time.time() - p.stat().st_mtime
            text = p.read_text()
        except FileNotFoundError:
            return None
        try:
            owner = json.loads(text)
        except json.JSONDecodeError:  # being written right now, or a torn write long ago
            owner = {"host": "?", "pid": -1, "run": "?"}
            if _held(p) is False and age > 2.0:
                return {**owner, "stale": True}
            return {**owner, "stale": age > 60.0}
        if owner.get("host") == self.host:
            held = _held(p)
            if held is None:                   # no flock on this platform: PID liveness
                stale = not _pid_alive(int(owner.get("pid", -1)))
            else:
                # a lock file just created is flock'ed right after; give it 2 s
                stale = not held and age > 2.0
        else:
            stale = age > self.stale_after
        return {**owner, "stale": stale}

    def owns(self, cell_id: str) -> bool:
        o = self.lock_owner(cell_id)
        return o is not None and o.get("run") == self.run_id

    def release(self, cell_id: str) -> None:
        if self.owns(cell_id):
            try:
                self._lock_path(cell_id).unlink()
            except FileNotFoundError:
                pass
        fd = self._lock_fds.pop(cell_id, None)
        if fd is not None:
            os.close(fd)                       # drops the flock

    def release_all(self) -> None:
        """Release every lock this store object holds (interrupts, shutdown)."""
        for cid in list(self._lock_fds):
            self.release(cid)

    def heartbeat(self, cell_ids: Iterable[str]) -> None:
        """Refresh the mtime of the locks this run holds (other hosts see it alive)."""
        for cid in cell_ids:
            try:
                os.utime(self._lock_path(cid))
            except FileNotFoundError:
                pass

    # ---------------------------------------------------------------------------- failures
    def record_failure(self, cell: Cell, error: str) -> None:
        self.failed_dir.mkdir(parents=True, exist_ok=True)
        self._atomic_json(self.failed_dir / f"{cell.id}.json",
                          {"cell_id": cell.id, "error": error, "time": utc_now(),
                           "run": self.run_id, "cell": cell.content})

    def failure(self, cell_id: str) -> str | None:
        p = self.failed_dir / f"{cell_id}.json"
        try:
            return json.loads(p.read_text()).get("error", "?")
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, OSError):
            return "?"

    def clear_failure(self, cell_id: str) -> None:
        try:
            (self.failed_dir / f"{cell_id}.json").unlink()
        except FileNotFoundError:
            pass

    # ---------------------------------------------------------------------------- records
    def _atomic_json(self, path: Path, obj) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{self.host}-{self.pid}.tmp")
        tmp.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")
        os.replace(tmp, path)

    def write_run(self, record: dict) -> None:
        """Record this run under ``runs/`` and as the latest ``manifest.json``."""
        self._atomic_json(self.runs_dir / f"{self.run_id}.json", record)
        self._atomic_json(self.root / "manifest.json", record)

    def manifest(self) -> dict | None:
        try:
            return json.loads((self.root / "manifest.json").read_text())
        except FileNotFoundError:
            return None

    # ------------------------------------------------------------------------------ loading
    def load(self, cell_ids: Iterable[str] | None = None) -> pd.DataFrame:
        """All stored cells (or ``cell_ids``) as one long table, rows in a fixed order.

        A file that cannot be read or does not describe its own cell is reported (a warning
        naming it) and left out; ``mdpsim run`` recomputes it."""
        ids = self.stored_ids() if cell_ids is None else [i for i in cell_ids
                                                          if self.path(i).exists()]
        tables, bad = [], []
        for cid in ids:
            p = self.path(cid)
            try:
                t = self._read_table(cid)
            except Exception as exc:  # noqa: BLE001 - one bad file never fails the table
                bad.append((cid, _reason(exc)))
                warnings.warn(f"mdpsim: skipping {p}: {_reason(exc)} (`mdpsim run` "
                              f"recomputes it)", stacklevel=2)
                continue
            tables.append(t.replace_schema_metadata(None))
        if not tables:
            df = pd.DataFrame(columns=list(REQUIRED_COLUMNS))
            df.attrs["bad_cells"] = bad
            return df
        df = pa.concat_tables(tables, promote_options="permissive").to_pandas()
        for c in df.columns:  # category order independent of which files hold the rows
            if isinstance(df[c].dtype, pd.CategoricalDtype):
                df[c] = df[c].cat.set_categories(sorted(df[c].cat.categories, key=str))
        keys = [c for c in ("experiment", "env_label", "env_params", "alg_label", "alg_params",
                            "seed", "episode", "iteration") if c in df.columns]
        df = df.sort_values(keys, kind="stable").reset_index(drop=True)
        dup = df.duplicated(subset=[c for c in keys if c != "experiment"]).sum() \
            if "seed" in df.columns and set(_STEP_COLUMNS) & set(df.columns) else 0
        if dup:
            warnings.warn(f"mdpsim: {dup} duplicated rows (the same configuration, seed and "
                          f"episode stored in more than one cell file, e.g. batches of "
                          f"different sizes); pass profile= to mdpsim.load to take each "
                          f"seed once", stacklevel=2)
        df.attrs["bad_cells"] = bad
        return df
