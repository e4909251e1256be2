"""The results store under faults: what checksums cost, and what the fault probes find.

* **Load cost** (the target): ``mdpsim.load`` of a 300-cell store with every checksum check
  (the file's bytes against ``index/``, the whole file against the SHA-256 in its own
  footer) against the same load with the checks switched off, interleaved in one process;
  ratio of medians (target <= 1.10). ``pytest benchmarks/bench_store.py`` times the checked
  load with pytest-benchmark and records the ratio in ``extra_info``.
* **Fault probes** (the counts in ``results/store_faults.md``): single-bit flips over cell
  files (half in footers; with and without ``index/``; in the cell description a profile
  load selects by), kills during writes, a lock held by a reused PID, SIGTERM / SIGINT on
  each executor, a read-only store, and the table of bad inputs. The same probes, bounded,
  are the tests in ``tests/experiment/test_store_faults.py``.

Run: ``python benchmarks/bench_store.py`` (writes ``benchmarks/results/store_faults.md``; a
few minutes) or ``python -m pytest benchmarks/bench_store.py`` (load ratio only).
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "tests"
REPORT = HERE / "results" / "store_faults.md"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

import _fake_engine  # noqa: E402
from mdpsim.experiment import Store, load, run_experiment  # noqa: E402


def _spec(name="bench_store", seeds=75, episodes=200):
    return {"name": name, "root_seed": 5,
            "envs": {"rs": {"env": "riverswim", "params": {"S": 4, "horizon": 3}},
                     "g": {"env": "garnet", "params": {"S": 5, "A": 2, "b": 2, "horizon": 3,
                                                       "rng": 1}}},
            "algorithms": {"R": "random", "R2": {"algorithm": "random2"}},
            "episodes": episodes, "seeds": seeds, "seed_batch": 1, "eval_every": 10}


def make_store(out: Path, **kw) -> Path:
    run_experiment(_spec(**kw), out=out, runner=_fake_engine.run,
                   catalogue=_fake_engine.CATALOGUE, executor="inline", progress=False)
    return out


class _ChecksOff:
    """Within this context ``Store.verify_bytes`` verifies nothing (the baseline)."""

    def __enter__(self):
        self.real = Store.verify_bytes
        Store.verify_bytes = lambda self, cid, data, kv=None: False
        return self

    def __exit__(self, *exc):
        Store.verify_bytes = self.real
        return False


def load_ratio(out: Path, reps: int = 9) -> dict:
    name = "bench_store"
    on, off = [], []
    load(name, out=out)                       # warm the page cache and imports
    for _ in range(reps):
        t = time.perf_counter()
        load(name, out=out)
        on.append(time.perf_counter() - t)
        with _ChecksOff():
            t = time.perf_counter()
            load(name, out=out)
            off.append(time.perf_counter() - t)
    n = len(list((out / name / "cells").glob("*.parquet")))
    return {"cells": n, "reps": reps, "with_s": statistics.median(on),
            "without_s": statistics.median(off),
            "ratio": statistics.median(on) / statistics.median(off)}


def test_checksums_cost_at_most_ten_percent_of_load(benchmark, tmp_path):
    out = make_store(tmp_path)
    benchmark.pedantic(lambda: load("bench_store", out=out), rounds=5, iterations=1,
                       warmup_rounds=1)
    r = load_ratio(out, reps=5)
    benchmark.extra_info.update(r)
    assert r["cells"] == 300 and r["ratio"] <= 1.10, r


# ----------------------------------------------------------------------------- probes
def probes(tmp: Path) -> dict:
    import random
    import socket

    import pytest  # noqa: F401  (test helpers use pytest.warns)
    from test_experiment import fake_spec, run_fake
    from test_store_faults import _SLOW_ALGS, flip_trials, kill_loop

    res = {}
    out = tmp / "flips"
    run_fake(fake_spec(), out)
    res["flip_files"] = len(list((out / "fake" / "cells").glob("*.parquet")))
    res["flips"] = {**flip_trials(out, 2000, seed=7), "n": 2000}
    noidx = tmp / "flips_noindex"
    shutil.copytree(out, noidx)
    shutil.rmtree(noidx / "fake" / "index")
    res["flips_noindex"] = {**flip_trials(noidx, 1000, seed=8), "n": 1000}

    # flips in the cell description that load(spec, profile=...) selects files by
    spec = fake_spec()

    def prof():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = load(spec, out=out, profile="full", catalogue=_fake_engine.CATALOGUE)
        return df.drop(columns=["wall_time"]), [c for c, _ in df.attrs["bad_cells"]]

    good, _ = prof()
    rng = random.Random(9)
    files = sorted((out / "fake" / "cells").glob("*.parquet"))
    pc = {"n": 300, "reported": 0, "harmless": 0, "silently_wrong": 0, "load_failed": 0}
    for _ in range(pc["n"]):
        p = rng.choice(files)
        ref = p.read_bytes()
        i0 = ref.rindex(b'"env":{"label":')
        data = bytearray(ref)
        data[rng.randrange(i0, i0 + 120)] ^= 1 << rng.randrange(8)
        p.write_bytes(bytes(data))
        try:
            got, bad = prof()
        except Exception:  # noqa: BLE001 - a whole-table failure
            pc["load_failed"] += 1
            continue
        finally:
            p.write_bytes(ref)
        key = ("reported" if p.stem in bad else
               "harmless" if got.equals(good) else "silently_wrong")
        pc[key] += 1
    res["profile_flips"] = pc

    # kills during writes: a 96-cell inline sweep (50 ms a cell) killed 10 times at random
    kspec = fake_spec(seeds=24, seed_batch=1, algorithms=_SLOW_ALGS)
    ref_out = tmp / "ref"
    run_fake(kspec, ref_out)
    killed = tmp / "killed"
    stored = kill_loop(kspec, killed, n=10, seed=11, window=(1.2, 2.2))
    rep = run_fake(kspec, killed)
    a, b = (load("fake", out=d).drop(columns=["wall_time"]).sort_values(
        ["cell_id", "seed", "episode"]).reset_index(drop=True) for d in (ref_out, killed))
    res["kills"] = {"n": 10, "cells_stored_after_each": stored, "identical": bool(a.equals(b)),
                    "recomputed": rep.computed,
                    "temporaries_left": len(list((killed / "fake" / "cells").glob(".tmp-*")))}

    # a lock naming this host and a live unrelated process's PID, stale_after = 1 hour
    from mdpsim.experiment import expand, load_spec
    st = Store(tmp / "pid" / "fake")
    st.create()
    cell = expand(load_spec(fake_spec(), catalogue=_fake_engine.CATALOGUE))[0]
    other = subprocess.Popen(["sleep", "600"])
    try:
        lock = st.locks_dir / f"{cell.id}.lock"
        lock.write_text(json.dumps({"host": socket.gethostname(), "pid": other.pid,
                                    "run": "x"}))
        os.utime(lock, (time.time() - 5, time.time() - 5))
        t = time.perf_counter()
        rep = run_fake(fake_spec(), tmp / "pid", stale_after=3600.0)
        res["pid_reuse"] = {"seconds": time.perf_counter() - t, "computed": rep.computed,
                            "by_other_runs": rep.by_other_runs,
                            "holder_alive": other.poll() is None}
        # a lock just written (its flock not yet taken) gets the 2 s grace of the rule
        lock.write_text(json.dumps({"host": socket.gethostname(), "pid": other.pid,
                                    "run": "y"}))
        t = time.perf_counter()
        while not st.lock_owner(cell.id)["stale"]:
            time.sleep(0.05)
        res["pid_reuse"]["fresh_lock_stale_after_s"] = time.perf_counter() - t
    finally:
        other.kill()
        other.wait()
    res["signals"] = signal_probes(tmp / "sig")
    return res


def signal_probes(tmp: Path) -> list:
    """SIGTERM / SIGINT to ``mdpsim run`` on each executor while cells are in flight:
    (case, exit code, stderr lines, locks left, record status, seconds to exit,
    descendants alive 10 s later)."""
    from test_store_faults import SLOW_SPEC, _alive, _descendants
    rows = []
    cases = [("local pool, SIGTERM", [], signal.SIGTERM, False),
             ("local pool, SIGINT", [], signal.SIGINT, False),
             ("local pool, Ctrl-C to the process group", [], signal.SIGINT, True),
             ("inline, SIGTERM", ["--executor", "inline"], signal.SIGTERM, False)]
    try:
        import distributed  # noqa: F401
        cases += [("dask LocalCluster, SIGTERM", ["--executor", "dask"], signal.SIGTERM,
                   False),
                  ("dask LocalCluster, Ctrl-C to the process group", ["--executor", "dask"],
                   signal.SIGINT, True)]
    except ImportError:
        pass
    for i, (case, extra, sig, group) in enumerate(cases):
        d = tmp / str(i)
        d.mkdir(parents=True)
        spec = d / "sigcheck.py"
        spec.write_text(SLOW_SPEC)
        out = d / "res"
        p = subprocess.Popen([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                              str(out), "--workers", "2", "--no-progress", *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=group)
        locks = out / "sigcheck" / "locks"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and p.poll() is None \
                and not (locks.is_dir() and list(locks.glob("*.lock"))):
            time.sleep(0.05)
        time.sleep(0.5)
        kids = _descendants(p.pid)
        t = time.perf_counter()
        if group:
            os.killpg(p.pid, sig)
        else:
            p.send_signal(sig)
        _, err = p.communicate(timeout=120)
        secs = time.perf_counter() - t
        status = json.loads((out / "sigcheck" / "manifest.json").read_text())["status"]
        time.sleep(10)
        rows.append({"case": case, "rc": p.returncode, "stderr_lines": len(err.splitlines()),
                     "message": err.strip().splitlines()[-1] if err.strip() else "",
                     "locks_left": len(list(locks.glob("*.lock"))), "status": status,
                     "seconds": secs, "left_alive": len(_alive(kids))})
    return rows


def bad_inputs(tmp: Path) -> list:
    """(case, outcome, message): outcome is 'one-line error', 'warning', 'honoured',
    'report', 'multi-line', 'traceback' or 'accepted' (silently)."""
    import mdpsim
    from test_experiment import fake_spec, run_fake
    from test_store_faults import BAD_SPECS, SPEC_OK, _read_only_runner, _tiny
    tmp.mkdir(parents=True, exist_ok=True)
    rows = []

    def cli(*args, prefix=(), env=None):
        r = subprocess.run([*prefix, sys.executable, "-m", "mdpsim.cli", *args],
                           capture_output=True, text=True, timeout=300,
                           env={**os.environ, **(env or {})})
        err = r.stderr.strip()
        if "Traceback" in err:
            return "traceback", err.splitlines()[-1]
        if r.returncode == 0:
            return "accepted", r.stdout.strip().splitlines()[-1]
        return ("one-line error" if len(err.splitlines()) == 1 else "multi-line"), err

    for case, (text, _) in sorted(BAD_SPECS.items()):
        f = tmp / f"{case}.py"
        f.write_text(text)
        rows.append((f"spec file: {case}", *cli("run", str(f), "--out", str(tmp / "r"))))
    ok = tmp / "tiny.py"
    ok.write_text(SPEC_OK)
    huge = tmp / "huge_model.py"
    huge.write_text(SPEC_OK.replace('"riverswim", "params": {"S": 4, "horizon": 3}',
                                    '"garnet", "params": {"S": 10**9, "A": 10, "b": 5, '
                                    '"horizon": 3}'))
    rows.append(("spec: garnet S=10**9", *cli("run", str(huge), "--out", str(tmp / "r"))))
    long_ = tmp / "huge_table.py"
    long_.write_text(SPEC_OK.replace('"episodes": 5', '"episodes": 10**13, "eval_every": 1'))
    rows.append(("spec: episodes 10**13, eval_every 1",
                 *cli("run", str(long_), "--out", str(tmp / "r"))))
    afile = tmp / "afile"
    afile.write_text("x")
    for sub, make in [("cells", "file"), ("locks", "file"), ("index", "file"),
                      ("rejected", "file"), ("manifest.json", "dir")]:
        d = tmp / f"in_the_way_{sub}" / "tiny"
        d.mkdir(parents=True)
        (d / sub).mkdir() if make == "dir" else (d / sub).write_text("x")
    for case, args, env in [
            ("--out is a file", ["--out", str(afile)], None),
            ("--out not creatable", ["--out", "/proc/none/r"], None),
            ("cells entry is a file", ["--out", str(tmp / "in_the_way_cells")], None),
            ("locks entry is a file", ["--out", str(tmp / "in_the_way_locks")], None),
            ("index entry is a file", ["--out", str(tmp / "in_the_way_index")], None),
            ("rejected entry is a file", ["--out", str(tmp / "in_the_way_rejected")], None),
            ("manifest.json is a folder", ["--out", str(tmp / "in_the_way_manifest.json")],
             None),
            ("--seeds 1000000000", ["--seeds", "1000000000", "--out", str(tmp)], None),
            ("--seeds 0", ["--seeds", "0", "--out", str(tmp)], None),
            ("--max-cells 10 on 60 cells", ["--seeds", "300", "--max-cells", "10",
                                            "--out", str(tmp)], None),
            ("MDPSIM_MAX_CELLS=abc", ["--out", str(tmp)], {"MDPSIM_MAX_CELLS": "abc"})]:
        rows.append((case, *cli("run", str(ok), "--workers", "1", "--no-progress", *args,
                                env=env)))
    rows.append(("verify of an unknown experiment", *cli("verify", "nosuch", "--out",
                                                         str(tmp))))
    # a read-only store: everything stored (a report), and one more seed to compute
    ro = tmp / "ro"
    run_experiment(str(ok), out=ro, executor="inline", progress=False)
    prefix = _read_only_runner(ro)
    if prefix is not None:
        outcome, msg = cli("run", str(ok), "--out", str(ro), "--no-progress", prefix=prefix)
        rows.append(("read-only --out, nothing to compute",
                     "report" if outcome == "accepted" and "read-only" in msg else outcome,
                     msg))
        rows.append(("read-only --out, cells to compute",
                     *cli("run", str(ok), "--seeds", "7", "--out", str(ro), "--no-progress",
                          prefix=prefix)))

    def call(case, fn, *, expect_warning=None):
        try:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                got = fn()
            if expect_warning and any(expect_warning in str(x.message) for x in w):
                rows.append((case, "warning", next(str(x.message) for x in w
                                                   if expect_warning in str(x.message))))
            elif got is not None:
                rows.append((case, "honoured", got))
            else:
                rows.append((case, "accepted", ""))
        except ValueError as exc:
            rows.append((case, "one-line error" if "\n" not in str(exc) else "multi-line",
                         str(exc)))
        except Exception as exc:  # noqa: BLE001
            rows.append((case, "traceback", f"{type(exc).__name__}: {exc}"))

    g = mdpsim.make("garnet", S=4, A=2, b=2, gamma=0.9, rng=0)
    call("make garnet S=10**9", lambda: mdpsim.make("garnet", S=10**9, A=10, b=5, gamma=0.9))
    call("make deepsea N=10**6", lambda: mdpsim.make("deepsea", N=10**6, horizon=5))
    for kind, r, rect in [("l1", 5.0, "sa"), ("tv", 1.5, "sa"), ("linf", 2.0, "sa"),
                          ("l2", 2.0, "sa"), ("l1", 5.0, "s")]:
        call(f"RobustMDP {kind} radius {r} ({rect}-rectangular)",
             lambda kind=kind, r=r, rect=rect: mdpsim.RobustMDP(g, kind, r, rect=rect))
    from mdpsim.experiment import load_spec
    call("spec: unknown label in an unselected profile", lambda: load_spec(
        _tiny(profiles={"quick": {"algorithms": ["nope"]}}), profile="full"))
    out = tmp / "loads"
    run_fake(fake_spec(), out)
    call("load(name, seeds=3) without a profile",
         lambda: f"seeds returned: {sorted(set(load('fake', out=out, seeds=3).seed))}")
    run_fake(fake_spec(seed_batch=3), out)
    call("load with the same seeds in two batchings", lambda: load("fake", out=out),
         expect_warning="duplicated rows")
    call("load unknown experiment", lambda: load("nosuch", out=tmp))
    call("load(name, seeds=0)", lambda: load("fake", out=out, seeds=0))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as d:
        tmp = Path(d)
        lr = load_ratio(make_store(tmp / "load"))
        pr = probes(tmp / "p")
        bi = bad_inputs(tmp / "b")
    f, fn, pf, k, pid = (pr["flips"], pr["flips_noindex"], pr["profile_flips"], pr["kills"],
                         pr["pid_reuse"])
    lines = ["# Results store under faults", "",
             f"Python {platform.python_version()}, {os.cpu_count()} cores (shared); "
             f"`python benchmarks/bench_store.py`.", "",
             "## Checksums: cost on load", "",
             f"`mdpsim.load` of a {lr['cells']}-cell store (fake engine, 200 episodes x 1 seed "
             f"per cell, eval every 10) with every check (SHA-256 of the file against "
             f"`index/` and against the digest in its own footer, Parquet page CRCs): "
             f"{lr['with_s'] * 1e3:.0f} ms; with the SHA-256 checks off: "
             f"{lr['without_s'] * 1e3:.0f} ms (medians of {lr['reps']}, interleaved): "
             f"**ratio {lr['ratio']:.3f}** (target <= 1.10).", "",
             "## Fault probes", "",
             "| probe | trials | result |", "|---|---|---|",
             f"| single-bit flips over the {pr['flip_files']} cell files (half in footers) | "
             f"{f['n']} | {f['detected']} detected, {f['harmless']} harmless, "
             f"**{f['silently_wrong']} silently wrong, {f['load_failed']} whole-table "
             f"failures** |",
             f"| the same with `index/` deleted (own footer digest only) | {fn['n']} | "
             f"{fn['detected']} detected, {fn['harmless']} harmless, "
             f"**{fn['silently_wrong']} silently wrong, {fn['load_failed']} whole-table "
             f"failures** |",
             f"| flips in the cell description a `load(spec, profile=...)` selects by | "
             f"{pf['n']} | {pf['reported']} reported, {pf['harmless']} harmless, "
             f"**{pf['silently_wrong']} silently wrong (a cell missing), {pf['load_failed']} "
             f"whole-table failures** |",
             f"| SIGKILL of an inline 96-cell sweep at random moments, then a re-run | "
             f"{k['n']} | cells stored after each kill {k['cells_stored_after_each']}; re-run "
             f"computed {k['recomputed']}; **table identical to the uninterrupted one: "
             f"{k['identical']}**; temporaries left {k['temporaries_left']} |",
             f"| lock naming this host and a live unrelated PID (`sleep`), stale_after = 1 h | "
             f"1 | taken over at once: the 12-cell sweep took {pid['seconds']:.2f} s, "
             f"computed {pid['computed']}, finished by another run {pid['by_other_runs']} "
             f"(holder still alive: {pid['holder_alive']}); documented rule: same host, no "
             f"`flock` held and the lock older than 2 s; a just-written lock turned stale "
             f"after {pid['fresh_lock_stale_after_s']:.1f} s |",
             "", "### Signals (`mdpsim run`, cells in flight, `--workers 2`)", "",
             "| case | exit | stderr lines | locks left | run record | exit time | processes "
             "left 10 s later |", "|---|---|---|---|---|---|---|"]
    for r in pr["signals"]:
        lines.append(f"| {r['case']} | {r['rc']} | {r['stderr_lines']} | {r['locks_left']} | "
                     f"{r['status']} | {r['seconds']:.1f} s | {r['left_alive']} |")
    msgs = sorted({r["message"] for r in pr["signals"]})
    lines += ["", "Messages: " + "; ".join(f"`{m}`" for m in msgs), "",
              "## Bad inputs", "", "| case | outcome | message |", "|---|---|---|"]
    for case, outcome, msg in bi:
        lines.append(f"| {case} | {outcome} | {msg.replace('|', '/')[:220]} |")
    kinds = ("one-line error", "warning", "honoured", "report", "multi-line", "traceback",
             "accepted")
    counts = {kk: sum(1 for _, o, _ in bi if o == kk) for kk in kinds}
    lines += ["", f"Totals over {len(bi)} cases: " + ", ".join(f"{v} {kk}"
                                                                 for kk, v in counts.items()),
              "", "(`warning`: a documented warning names the problem; `honoured`: the "
              "argument now does what it says; `report`: exit 0 with a line saying why "
              "nothing was done; `accepted`: silently accepted.)"]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
