"""Fault injection on the results store: corrupted bytes, rewritten rows, kills during writes,
locks held by reused PIDs, SIGTERM, unusable output folders, absurd sizes and bad inputs.

Every probe is bounded in time; the larger counts for the notes come from
``benchmarks/bench_store.py`` (same probes, more trials; no test here asserts a wall-clock
time)."""
from __future__ import annotations

import json
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import mdpsim
from mdpsim.experiment import Store, expand, load, load_spec, run_experiment
from mdpsim.experiment.spec import SpecError

import _fake_engine
from test_experiment import fake_spec, run_fake, table

HERE = pathlib.Path(__file__).resolve().parents[1]


def _table(out):
    df = load("fake", out=out)
    return df.drop(columns=["wall_time"])


def _cells(out, name="fake"):
    return sorted((out / name / "cells").glob("*.parquet"))


def _spec_cells(spec=None):
    return {c.id: c for c in expand(load_spec(spec or fake_spec(),
                                              catalogue=_fake_engine.CATALOGUE))}


# ------------------------------------------------------------------------------ integrity
def flip_trials(out, n, seed=0):
    """Flip one random bit of one random cell file ``n`` times (restoring the file after
    each); count how each flip was seen by ``check`` and ``load``."""
    cells = _spec_cells()
    store = Store(out / "fake")
    files = _cells(out)
    ref = {p: p.read_bytes() for p in files}
    good = _table(out)
    rng = random.Random(seed)
    counts = {"detected": 0, "silently_wrong": 0, "harmless": 0, "load_failed": 0}
    for _ in range(n):
        p = rng.choice(files)
        data = bytearray(ref[p])
        # half the flips in the footer (metadata, schema), half anywhere
        lo = len(data) - 8 - int.from_bytes(data[-8:-4], "little") if rng.random() < 0.5 else 0
        i = rng.randrange(max(lo, 0), len(data))
        data[i] ^= 1 << rng.randrange(8)
        p.write_bytes(bytes(data))
        try:
            why = store.check(cells[p.stem])
            try:
                with pytest.warns(UserWarning) if why else _nullcontext():
                    got = _table(out)
            except Exception:  # noqa: BLE001 - the whole table failed: a defect
                counts["load_failed"] += 1
                continue
            if why is not None:
                counts["detected"] += 1
                assert len(got) == len(good) - (good.cell_id == p.stem).sum()
            elif got.equals(good):
                counts["harmless"] += 1
            else:
                counts["silently_wrong"] += 1
        finally:
            p.write_bytes(ref[p])
    return counts


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_single_bit_flips_are_all_detected(tmp_path):
    out = tmp_path / "res"
    run_fake(fake_spec(), out)
    counts = flip_trials(out, 120, seed=1)
    assert counts["silently_wrong"] == 0 and counts["load_failed"] == 0, counts
    assert counts["detected"] + counts["harmless"] == 120
    assert counts["detected"] == 120, counts   # any changed byte breaks the file's SHA-256


def test_single_bit_flips_without_the_index_are_all_detected(tmp_path):
    """A copy of ``cells/`` alone (``index/`` lost): the file's own whole-file SHA-256 in its
    footer still catches every flip, the footer's own bytes (schema, names) included."""
    out = tmp_path / "res"
    run_fake(fake_spec(), out)
    shutil.rmtree(out / "fake" / "index")
    counts = flip_trials(out, 60, seed=4)
    assert counts["detected"] == 60, counts


def test_flipped_cell_is_rejected_and_recomputed(tmp_path):
    out = tmp_path / "res"
    run_fake(fake_spec(), out)
    ref = table(out)
    victim = _cells(out)[3]
    data = bytearray(victim.read_bytes())
    data[-20] ^= 0x04                                     # a bit in the footer
    victim.write_bytes(bytes(data))
    with pytest.warns(UserWarning, match="checksum mismatch"):
        df = load("fake", out=out)
    assert [c for c, _ in df.attrs["bad_cells"]] == [victim.stem]
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "verify", "fake", "--out",
                        str(out)], capture_output=True, text=True)
    assert r.returncode == 1 and f"BAD {victim.stem}: checksum mismatch" in r.stdout
    rep = run_fake(fake_spec(), out)
    assert rep.computed == 1 and rep.rejected[0][0] == victim.stem
    pd.testing.assert_frame_equal(table(out), ref, check_exact=True)


def test_flips_in_a_cells_metadata_never_hide_it_from_a_profile_load(tmp_path):
    """``load(spec, profile=...)`` picks files by the cell description in their footers; a
    flipped bit there (another label, another seed range) must not make a cell silently
    absent: every such flip is either reported or harmless."""
    out = tmp_path / "res"
    spec = fake_spec()
    run_fake(spec, out)

    def profile_table():
        df = load(spec, out=out, profile="full", catalogue=_fake_engine.CATALOGUE)
        return df.drop(columns=["wall_time"]), df.attrs["bad_cells"]

    good, _ = profile_table()
    rng = random.Random(5)
    files = _cells(out)
    counts = {"reported": 0, "harmless": 0, "silently_wrong": 0}
    for _ in range(30):
        p = rng.choice(files)
        ref = p.read_bytes()
        i0 = ref.rindex(b'"env":{"label":')         # the cell description in the footer
        data = bytearray(ref)
        data[rng.randrange(i0, i0 + 120)] ^= 1 << rng.randrange(8)
        p.write_bytes(bytes(data))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got, bad = profile_table()
        finally:
            p.write_bytes(ref)
        if p.stem in [c for c, _ in bad]:
            counts["reported"] += 1
        elif got.equals(good):
            counts["harmless"] += 1
        else:
            counts["silently_wrong"] += 1
    assert counts["silently_wrong"] == 0 and counts["reported"] == 30, counts


def test_rows_rewritten_with_metadata_kept_are_detected(tmp_path):
    out = tmp_path / "res"
    run_fake(fake_spec(), out)
    victim = _cells(out)[0]
    t = pq.read_table(victim)
    regret = t.column("regret").to_numpy().copy()
    regret[0] += 1.0
    t2 = t.set_column(t.schema.get_field_index("regret"), "regret", pa.array(regret))
    pq.write_table(t2.replace_schema_metadata(t.schema.metadata), victim,
                   write_page_checksum=True)
    store = Store(out / "fake")
    why = store.check(_spec_cells()[victim.stem])
    assert why is not None and "checksum mismatch" in why
    # even with the index entry rewritten to match, the pages no longer match the footer
    import hashlib
    store.index_path(victim.stem).write_text(hashlib.sha256(victim.read_bytes()).hexdigest())
    assert "checksum mismatch" in store.check(_spec_cells()[victim.stem])


def kill_loop(spec, out, *, n, seed, window):
    """Start an inline sweep of ``spec`` into ``out`` in a subprocess and SIGKILL it after a
    random time in ``window`` seconds, ``n`` times; the number of stored cells after each."""
    code = ("import sys; sys.path.insert(0, {here!r}); import _fake_engine, json;"
            "from mdpsim.experiment import run_experiment;"
            "run_experiment(json.loads({spec!r}), out={out!r}, runner=_fake_engine.run,"
            "catalogue=_fake_engine.CATALOGUE, executor='inline', progress=False)")
    code = code.format(here=str(HERE), spec=json.dumps(spec), out=str(out))
    rng = random.Random(seed)
    cells = pathlib.Path(out) / spec["name"] / "cells"
    stored = []
    for _ in range(n):
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(*window))
        p.kill()
        p.wait()
        stored.append(len(list(cells.glob("*.parquet"))) if cells.is_dir() else 0)
    return stored


#: the fake algorithms with 50 ms per cell, so that kills land in the middle of a sweep
_SLOW_ALGS = {"R": {"algorithm": "random", "params": {"sleep": 0.05}},
              "R2": {"algorithm": "random2", "params": {"sleep": 0.05}}}


def test_kill_loop_during_writes_gives_the_uninterrupted_table(tmp_path):
    spec = fake_spec(seeds=12, seed_batch=1, algorithms=_SLOW_ALGS)
    ref_out = tmp_path / "ref"
    run_fake(spec, ref_out)
    out = tmp_path / "killed"
    stored = kill_loop(spec, out, n=4, seed=3, window=(1.2, 2.0))
    assert stored[-1] < 48, f"every kill came after the sweep had finished: {stored}"
    rep = run_fake(spec, out)
    assert rep.computed == 48 - stored[-1]
    a = _table(ref_out).sort_values(["cell_id", "seed", "episode"]).reset_index(drop=True)
    b = _table(out).sort_values(["cell_id", "seed", "episode"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert not list((out / "fake" / "cells").glob(".tmp-*"))


# ---------------------------------------------------------------------------------- locks
def test_lock_of_a_reused_pid_is_taken_over_at_once(tmp_path):
    """The lock names this host and the PID of a live process that is not mdpsim (what a
    container gives a fresh run): nobody holds its flock, so it is stale immediately."""
    out = tmp_path / "res"
    spec = fake_spec()
    cell = next(iter(_spec_cells(spec).values()))
    store = Store(out / "fake")
    store.create()
    other = subprocess.Popen(["sleep", "60"])
    try:
        lock = store.locks_dir / f"{cell.id}.lock"
        lock.write_text(json.dumps({"host": socket.gethostname(), "pid": other.pid,
                                    "run": "someone-else"}))
        os.utime(lock, (time.time() - 5, time.time() - 5))
        assert store.lock_owner(cell.id)["stale"] is True
        # with stale_after=3600 a PID-liveness rule would wait an hour; the flock rule takes
        # the cell over at once: the run computes every cell, none "finished by another run"
        rep = run_fake(spec, out, stale_after=3600.0)
        assert rep.computed == 12 and rep.by_other_runs == 0 and rep.ok
        assert list(store.locks_dir.glob("*.lock")) == []
    finally:
        other.kill()
        other.wait()


def test_a_live_lock_holder_is_respected(tmp_path):
    store = Store(tmp_path / "x")
    store.create()
    assert store.try_lock("c")
    other = Store(tmp_path / "x")
    assert not other.try_lock("c")
    os.utime(store.locks_dir / "c.lock", (time.time() - 3600, time.time() - 3600))
    assert not other.try_lock("c")      # old mtime, but the flock is held: still live
    store.release("c")
    assert other.try_lock("c")


# -------------------------------------------------------------------------------- signals
SLOW_SPEC = '''
SPEC = {
    "name": "sigcheck", "root_seed": 3,
    "envs": {"RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}}},
    "algorithms": {"UCBVI-BF": "ucbvi_bf"},
    "episodes": 200000, "seeds": 6, "seed_batch": 1, "eval_every": 1000,
}
'''


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_end_a_run_cleanly(tmp_path, sig):
    spec = tmp_path / "sigcheck.py"
    spec.write_text(SLOW_SPEC)
    out = tmp_path / "res"
    p = subprocess.Popen([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                          str(out), "--workers", "2", "--no-progress"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    locks = out / "sigcheck" / "locks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (locks.is_dir() and list(locks.glob("*.lock"))):
        time.sleep(0.05)
    assert list(locks.glob("*.lock")), "the run never took a cell"
    kids = subprocess.run(["ps", "--ppid", str(p.pid), "-o", "pid="], capture_output=True,
                          text=True).stdout.split()
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + sig, err
    name = signal.Signals(sig).name
    assert err.strip().splitlines() == [
        f"mdpsim: interrupted by {name}; finished cells are stored, locks released, the run "
        f"is recorded as interrupted; re-run to resume"]
    assert list(locks.glob("*.lock")) == []
    man = json.loads((out / "sigcheck" / "manifest.json").read_text())
    assert man["status"] == "interrupted" and man["interrupted_by"] == name
    time.sleep(1.0)
    alive = [k for k in kids if subprocess.run(["ps", "-o", "stat=", "-p", k],
                                               capture_output=True, text=True).stdout.strip()
             not in ("", "Z")]
    assert alive == []


def _start_run(tmp_path, *extra, new_session=False):
    spec = tmp_path / "sigcheck.py"
    spec.write_text(SLOW_SPEC)
    out = tmp_path / "res"
    p = subprocess.Popen([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                          str(out), "--workers", "2", "--no-progress", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=new_session)
    locks = out / "sigcheck" / "locks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and p.poll() is None \
            and not (locks.is_dir() and list(locks.glob("*.lock"))):
        time.sleep(0.05)
    assert list(locks.glob("*.lock")), "the run never took a cell"
    return p, out / "sigcheck"


def _descendants(pid):
    rows = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True,
                          text=True).stdout.split("\n")
    kids: dict = {}
    for r in rows:
        if r.split():
            c, par = map(int, r.split())
            kids.setdefault(par, []).append(c)
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _alive(pids):
    return [k for k in pids if subprocess.run(["ps", "-o", "stat=", "-p", str(k)],
                                              capture_output=True, text=True).stdout.strip()
            not in ("", "Z")]


def _assert_clean_exit(p, root, sig, kids):
    _, err = p.communicate(timeout=60)
    assert p.returncode == 128 + sig, err
    name = signal.Signals(sig).name
    assert err.strip().splitlines() == [
        f"mdpsim: interrupted by {name}; finished cells are stored, locks released, the run "
        f"is recorded as interrupted; re-run to resume"]
    assert list((root / "locks").glob("*.lock")) == []
    man = json.loads((root / "manifest.json").read_text())
    assert man["status"] == "interrupted" and man["interrupted_by"] == name
    deadline = time.monotonic() + 10
    while _alive(kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(kids) == []


def test_ctrl_c_to_the_process_group_gives_one_line(tmp_path):
    """A terminal's Ctrl-C reaches every process of the foreground group, pool workers too:
    only the parent reacts (no worker traceback), and it stops the pool."""
    p, root = _start_run(tmp_path, new_session=True)
    kids = _descendants(p.pid)
    os.killpg(p.pid, signal.SIGINT)
    _assert_clean_exit(p, root, signal.SIGINT, kids)


def test_sigterm_on_the_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    p, root = _start_run(tmp_path, "--executor", "dask")
    kids = _descendants(p.pid)
    p.send_signal(signal.SIGTERM)
    _assert_clean_exit(p, root, signal.SIGTERM, kids)


def test_dask_local_cluster_serves_no_http():
    pytest.importorskip("distributed")
    from mdpsim.experiment.executors import DaskExecutor
    ex = DaskExecutor(workers=1)
    try:
        ports = [ex._client.run_on_scheduler(lambda dask_scheduler:
                                             dask_scheduler.http_server.port)]
        ports += list(ex._client.run(lambda dask_worker: dask_worker.http_server.port)
                      .values())
    finally:
        ex.shutdown()
    assert len(ports) == 2
    for port in ports:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_a_second_signal_does_not_cut_the_clean_up_short():
    from mdpsim.experiment.sweep import RunInterrupted, _Signals
    old = signal.getsignal(signal.SIGTERM)
    with _Signals() as sigs:
        with pytest.raises(RunInterrupted) as ei:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        assert ei.value.signum == signal.SIGTERM
        os.kill(os.getpid(), signal.SIGINT)      # during the clean-up: noted, not raised
        time.sleep(0.1)
        assert sigs.pending == signal.SIGINT
    assert signal.getsignal(signal.SIGTERM) is old     # handlers restored


# ---------------------------------------------------------------------- read-only stores
def _read_only_runner(path):
    """A command prefix under which ``path`` is read-only: a read-only bind mount in a
    private mount namespace (root: ``unshare``), or ``chmod`` (other users); ``None`` if
    neither works here."""
    if os.geteuid() != 0:
        for d in [path, *path.rglob("*")]:
            if d.is_dir():
                d.chmod(0o555)
        return []
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                            f"mount --bind {path} {path} && mount -o remount,bind,ro {path} "
                            f"{path} && ! touch {path}/.probe 2>/dev/null"],
                           capture_output=True)
    if probe.returncode != 0:
        return None
    return ["unshare", "-rm", "sh", "-c",
            f'mount --bind {path} {path} && mount -o remount,bind,ro {path} {path} && '
            f'exec "$@"', "sh"]


def test_read_only_store(tmp_path):
    spec = tmp_path / "tiny.py"
    spec.write_text(SPEC_OK)
    out = tmp_path / "ro"
    assert run_experiment(str(spec), out=out, executor="inline", progress=False).computed == 1
    prefix = _read_only_runner(out)
    if prefix is None:
        pytest.skip("no way to make a read-only folder here (root without unshare)")
    before = sorted((p.relative_to(out), p.stat().st_mtime) for p in out.rglob("*"))

    def cli(*args):
        r = subprocess.run([*prefix, sys.executable, "-m", "mdpsim.cli", *args],
                           capture_output=True, text=True, timeout=300)
        return r.returncode, r.stderr.strip(), r.stdout

    # nothing to compute: a report, exit 0
    rc, err, stdout = cli("run", str(spec), "--out", str(out), "--workers", "1",
                          "--no-progress")
    assert rc == 0 and "is read-only: every cell is stored, nothing to compute" in stdout, err
    # something to compute: one line naming the folder
    rc, err, _ = cli("run", str(spec), "--seeds", "7", "--out", str(out), "--no-progress")
    assert rc == 2 and len(err.splitlines()) == 1 and "not writable" in err \
        and "cells still to compute" in err, err
    rc, err, stdout = cli("status", str(spec), "--out", str(out))
    assert rc == 0 and "1 done" in stdout, err
    rc, err, stdout = cli("verify", "tiny", "--out", str(out))
    assert rc == 0 and "1 cells verified" in stdout, err
    after = sorted((p.relative_to(out), p.stat().st_mtime) for p in out.rglob("*"))
    assert after == before            # nothing was written


# ---------------------------------------------------------------------- bad inputs, sizes
def _cli(*args, cwd=None):
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", *args], capture_output=True,
                       text=True, timeout=300, cwd=cwd)
    return r.returncode, r.stderr.strip()


SPEC_OK = ('SPEC = {"name": "tiny", "root_seed": 1, "envs": {"E": {"env": "riverswim", '
           '"params": {"S": 4, "horizon": 3}}}, "algorithms": {"G": "greedy"}, '
           '"episodes": 5, "seeds": 2}\n')

def _tiny(**over):
    """SPEC_OK as a dict, with ``over`` applied."""
    ns: dict = {}
    exec(SPEC_OK, ns)
    return {**ns["SPEC"], **over}


BAD_SPECS = {
    "syntax": ("SPEC = {\n", "syntax error"),
    "import": ("import no_such_module_xyz\n" + SPEC_OK, "ModuleNotFoundError"),
    "raises": ("x = 1 / 0\n" + SPEC_OK, "ZeroDivisionError"),
    "exits": ("import sys\nsys.exit(3)\n", "called sys.exit(3)"),
    "no_spec": ("x = 1\n", "defines no SPEC"),
    "profile_label": (SPEC_OK.replace('"seeds": 2}', '"seeds": 2, "profiles": {"quick": '
                                      '{"algorithms": ["nope"]}}}'), "unknown label 'nope'"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_files_give_one_line(tmp_path, case):
    text, expect = BAD_SPECS[case]
    f = tmp_path / f"{case}.py"
    f.write_text(text)
    rc, err = _cli("run", str(f), "--out", str(tmp_path / "res"), "--no-progress")
    assert rc == 2 and len(err.splitlines()) == 1 and expect in err, err
    assert "Traceback" not in err


def test_unusable_output_folders_give_one_line(tmp_path):
    spec = tmp_path / "tiny.py"
    spec.write_text(SPEC_OK)
    afile = tmp_path / "afile"
    afile.write_text("x")
    cases = {"out is a file": str(afile), "not creatable": "/proc/mdpsim-no-such/res"}
    (tmp_path / "r2" / "tiny").mkdir(parents=True)
    (tmp_path / "r2" / "tiny" / "cells").write_text("not a folder")
    cases["cells is a file"] = str(tmp_path / "r2")
    (tmp_path / "r3" / "tiny" / "manifest.json").mkdir(parents=True)
    cases["manifest is a folder"] = str(tmp_path / "r3")
    (tmp_path / "r4" / "tiny").mkdir(parents=True)
    (tmp_path / "r4" / "tiny" / "rejected").write_text("not a folder")
    cases["rejected is a file"] = str(tmp_path / "r4")
    for what, out in cases.items():
        rc, err = _cli("run", str(spec), "--out", out, "--workers", "1", "--no-progress")
        assert rc == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, (what, err)


def test_absurd_sizes_give_one_line_before_allocating(tmp_path, monkeypatch):
    spec = tmp_path / "tiny.py"
    spec.write_text(SPEC_OK)
    # the sweep is counted, not expanded: a billion seeds is refused before any cell exists
    big = load_spec(str(spec), seeds=10**9)
    from mdpsim.experiment.spec import count_cells
    assert count_cells(big) == 200_000_000
    with pytest.raises(SpecError, match="200,000,000 cells .* exceed the limit of 100,000"):
        expand(big)
    rc, err = _cli("run", str(spec), "--seeds", "1000000000", "--out", str(tmp_path / "r"))
    assert rc == 2 and "exceed the limit" in err and len(err.splitlines()) == 1
    rc, err = _cli("run", str(spec), "--seeds", "300", "--max-cells", "10",
                   "--out", str(tmp_path / "r"))
    assert rc == 2 and "60 cells" in err
    monkeypatch.setenv("MDPSIM_MAX_CELLS", "10")
    with pytest.raises(SpecError, match="60 cells"):
        expand(load_spec(str(spec), seeds=300))
    assert len(expand(load_spec(str(spec), seeds=300), limit=60)) == 60   # raised: accepted
    monkeypatch.delenv("MDPSIM_MAX_CELLS")
    # a model's memory is estimated before it is built: by make() and by spec validation
    with pytest.raises(ValueError, match="needs about .* GiB"):
        mdpsim.make("garnet", S=10**9, A=10, b=5, gamma=0.9)
    with pytest.raises(ValueError, match="needs about .* GiB"):
        mdpsim.make("deepsea", N=10**6, horizon=5)
    huge = SPEC_OK.replace('"riverswim", "params": {"S": 4, "horizon": 3}',
                           '"garnet", "params": {"S": 10**9, "A": 10, "b": 5, "horizon": 3}')
    (tmp_path / "huge.py").write_text(huge)
    rc, err = _cli("run", str(tmp_path / "huge.py"), "--out", str(tmp_path / "r"))
    assert rc == 2 and len(err.splitlines()) == 1 and "envs.E.params" in err \
        and "needs about" in err and "Traceback" not in err, err
    monkeypatch.setenv("MDPSIM_MAX_BYTES", str(2**20))    # the limit is the user's to set
    with pytest.raises(ValueError, match="limit of 0.0 GiB"):
        mdpsim.make("garnet", S=10**4, A=10, b=5, gamma=0.9)
    # one cell's table (seeds x recorded episodes rows) is estimated too
    with pytest.raises(SpecError, match=r"episodes: a cell of 2 seeds x 10,000,000,000,000 "):
        load_spec(_tiny(episodes=10**13, eval_every=1))
    load_spec(_tiny(episodes=10**13, eval_every="log"))      # 100 rows a seed: fine


def test_silently_accepted_inputs_are_now_errors_or_warnings(tmp_path):
    m = mdpsim.make("garnet", S=4, A=2, b=2, gamma=0.9, rng=0)
    with pytest.raises(ValueError, match=r"radius\[0, 0\] = 5.0 exceeds 2"):
        mdpsim.RobustMDP(m, "l1", 5.0)
    out = tmp_path / "res"
    run_fake(fake_spec(), out)
    assert set(load("fake", out=out, seeds=3).seed) == {0, 1, 2}   # seeds without profile
    run_fake(fake_spec(seed_batch=3), out)      # the same seeds again, in batches of 3
    with pytest.warns(UserWarning, match="duplicated rows"):
        load("fake", out=out)
    with pytest.raises(ValueError, match="no stored results of 'nosuch'"):
        load("nosuch", out=out)
