"""Experiment layer: spec validation, cells, resumable store, executors, crash safety.

The mechanics (kill, truncation, concurrency) run on ``_fake_engine.run`` (same schema as
``mdpsim.run``, exact values of random policies, a ``sleep`` knob); batching and executor
equality run on the real engine.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mdpsim
import _fake_engine
from mdpsim.cli import main
from mdpsim.experiment import (SpecError, expand, experiment_status, load, load_spec,
                               run_experiment)

HERE = Path(__file__).resolve().parents[1]
NOISY = ["wall_time", "cell_id"]   # wall time is measured; cell ids depend on the batching


def fake_spec(**over):
    spec = {
        "name": "fake",
        "root_seed": 11,
        "envs": {"rs": {"env": "riverswim", "params": {"S": 4, "horizon": 3}},
                 "g": {"env": "garnet", "params": {"S": 5, "A": 2, "b": 2, "horizon": 3,
                                                   "rng": 1}}},
        "algorithms": {"R": "random", "R2": {"algorithm": "random2"}},
        "episodes": 6,
        "seeds": 6,
        "seed_batch": 2,
        "eval_every": "every",
        "profiles": {"quick": {"episodes": 4, "seeds": 2}},
    }
    spec.update(over)
    return spec


def run_fake(spec, out, **kw):
    kw.setdefault("executor", "inline")
    return run_experiment(spec, out=out, runner=_fake_engine.run,
                          catalogue=_fake_engine.CATALOGUE, progress=False, **kw)


def table(out, name="fake"):
    df = load(name, out=out)
    return df.drop(columns=[c for c in NOISY if c in df.columns])


# ------------------------------------------------------------------------------ validation
def _err(spec, **kw):
    with pytest.raises(SpecError) as ei:
        load_spec(spec, **kw)
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def test_validation_errors_are_one_line_naming_the_field():
    base = {"name": "v", "root_seed": 0, "envs": {"rs": {"env": "riverswim", "params": {"S": 6,
                                                                            "horizon": 5}}},
            "algorithms": {"CH": "ucbvi_ch"}, "episodes": 10, "seeds": 2}
    assert "algorithms.X.algorithm" in _err({**base, "algorithms": {"X": "ucbvi-chh"}}) \
        and "unknown algorithm 'ucbvi-chh'" in _err({**base, "algorithms": {"X": "ucbvi-chh"}})
    msg = _err({**base, "envs": {"e": "riverswimm"}})
    assert "envs.e.env" in msg and "unknown environment 'riverswimm'" in msg
    msg = _err({**base, "envs": {"e": {"env": "riverswim", "params": {"SS": 4}}}})
    assert "envs.e.params.SS" in msg and "no parameter 'SS'" in msg
    msg = _err({**base, "algorithms": {"CH": {"algorithm": "ucbvi_ch",
                                              "params": {"bonus_scael": 0.1}}}})
    assert "algorithms.CH.params.bonus_scael" in msg and "unknown hyper-parameter" in msg
    assert "bonus_scale" in msg  # lists the accepted ones
    msg = _err({**base, "algorithms": {"CH": {"algorithm": "ucbvi_ch",
                                              "grid": {"monotone": [True, "no"]}}}})
    assert "algorithms.CH.grid.monotone" in msg and "'no'" in msg
    msg = _err({**base, "seeds": -3})
    assert msg.endswith("seeds: must be a positive integer, got -3")
    msg = _err({**base, "profiles": {"quick": {"seeds": 0}}}, profile="quick")
    assert "profiles.quick.seeds" in msg
    assert "episodes" in _err({**base, "episodes": 2.5})
    assert "root_seed" in _err({k: v for k, v in base.items() if k != "root_seed"})
    assert "unknown field" in _err({**base, "episode": 3})
    assert "no profile 'quik'" in _err(base, profile="quik")
    assert "envs.e.params" in _err({**base, "envs": {"e": {"env": "riverswim",
                                                           "params": {"S": 1}}}})


def test_cli_spec_error_is_one_line_exit_2(tmp_path, capsys):
    f = tmp_path / "bad.py"
    f.write_text("SPEC = {'root_seed': 0, 'envs': {'rs': 'riverswim'}, "
                 "'algorithms': {'X': 'ucbvi_ch'}, 'episodes': 10, 'seeds': -1}\n")
    assert main(["run", str(f), "--out", str(tmp_path / "res")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "seeds: must be a positive integer, got -1" in err
    assert "Traceback" not in err
    assert main(["run", "no_such_experiment"]) == 2
    assert "no experiment named 'no_such_experiment'" in capsys.readouterr().err


# ----------------------------------------------------------------------------------- cells
def test_cells_content_addressed_and_batches():
    cat = _fake_engine.CATALOGUE
    s6 = load_spec(fake_spec(), catalogue=cat)
    ids6 = [c.id for c in expand(s6)]
    assert ids6 == [c.id for c in expand(load_spec(fake_spec(), catalogue=cat))]
    assert len(ids6) == len(set(ids6)) == 2 * 2 * 3
    assert [c.seeds for c in expand(s6)][:3] == [(0, 2), (2, 4), (4, 6)]
    # more seeds only adds cells; the first batches keep their ids
    ids8 = {c.id for c in expand(load_spec(fake_spec(), catalogue=cat, seeds=8))}
    assert set(ids6) < ids8 and len(ids8) == 2 * 2 * 4
    # a change that alters the numbers makes new cells
    ids_k = {c.id for c in expand(load_spec(fake_spec(episodes=7), catalogue=cat))}
    assert not ids_k & set(ids6)
    assert load_spec(fake_spec(), catalogue=cat).hash != \
        load_spec(fake_spec(episodes=7), catalogue=cat).hash


def test_profile_restricts_labels():
    spec = fake_spec(profiles={"quick": {"episodes": 4, "seeds": 2, "algorithms": ["R2"],
                                         "envs": ["g"]}})
    cells = expand(load_spec(spec, profile="quick", catalogue=_fake_engine.CATALOGUE))
    assert {(c.env_label, c.alg_label) for c in cells} == {("g", "R2")}
    msg = _err(fake_spec(profiles={"quick": {"algorithms": ["nope"]}}), profile="quick",
               catalogue=_fake_engine.CATALOGUE)
    assert "profiles.quick.algorithms" in msg and "unknown label 'nope'" in msg


def test_stale_locks(tmp_path):
    from mdpsim.experiment import Store
    st = Store(tmp_path / "x", stale_after=60.0)
    st.create()
    assert st.try_lock("c1") and not Store(tmp_path / "x").try_lock("c1")  # live owner
    st.release("c1")
    assert st.lock_owner("c1") is None
    lock = st.locks_dir / "c2.lock"
    lock.write_text(json.dumps({"host": "another-host", "pid": 1, "run": "r"}))
    assert st.lock_owner("c2")["stale"] is False                # recent heartbeat
    os.utime(lock, (time.time() - 120, time.time() - 120))
    assert st.lock_owner("c2")["stale"] is True                 # silent for 2 min: taken over
    assert st.try_lock("c2") and st.owns("c2")
    assert st.lock_owner("c2")["stale"] is False                # held (flock) by this store
    st.release("c2")
    lock.write_text(json.dumps({"host": st.host, "pid": 2**22 + 12345, "run": "r"}))
    os.utime(lock, (time.time() - 5, time.time() - 5))
    assert st.lock_owner("c2")["stale"] is True                 # same host, nobody holds it


# ----------------------------------------------------------------- store, resume, changes
def test_run_skip_and_load(tmp_path):
    out = tmp_path / "res"
    rep = run_fake(fake_spec(), out)
    assert (rep.computed, rep.already_stored, rep.ok) == (12, 0, True)
    df = load("fake", out=out)
    assert len(df) == 2 * 2 * 6 * 6 and not df.duplicated(
        ["env_label", "alg_label", "seed", "episode"]).any()
    assert set(df.seed) == set(range(6)) and df.regret.dtype == np.float64
    rep2 = run_fake(fake_spec(), out)
    assert (rep2.computed, rep2.already_stored) == (0, 12)
    man = json.loads((out / "fake" / "manifest.json").read_text())
    assert man["spec_hash"] == rep.spec_hash and man["status"] == "finished"
    assert {"mdpsim", "python", "numpy", "numba"} <= set(man["environment"])
    assert man["started"] and man["finished"] and len(list((out / "fake" / "runs").glob(
        "*.json"))) == 2
    assert not list((out / "fake" / "locks").iterdir())
    st = experiment_status(fake_spec(), out=out, catalogue=_fake_engine.CATALOGUE)
    assert (st["done"], st["pending"], st["failed"], st["total"]) == (12, 0, 0, 12)


def test_batching_does_not_change_rows(tmp_path):
    a = run_fake(fake_spec(seed_batch=1), tmp_path / "a")
    b = run_fake(fake_spec(seed_batch=4), tmp_path / "b")
    assert a.computed == 24 and b.computed == 8
    pd.testing.assert_frame_equal(table(tmp_path / "a"), table(tmp_path / "b"), check_exact=True)


def test_truncated_and_foreign_files_are_recomputed(tmp_path):
    out = tmp_path / "res"
    run_fake(fake_spec(), out)
    ref = table(out)
    cells = sorted((out / "fake" / "cells").glob("*.parquet"))
    victim, donor, other = cells[0], cells[1], cells[2]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])                # truncated
    other.write_bytes(donor.read_bytes())                       # another cell's file
    for cid in (victim.stem, other.stem):   # as written before index/ checksums existed
        (out / "fake" / "index" / f"{cid}.sha256").unlink()
    st = experiment_status(fake_spec(), out=out, catalogue=_fake_engine.CATALOGUE)
    assert st["bad"] == 2 and st["done"] == 10
    with pytest.warns(UserWarning, match="skipping"):
        assert len(load("fake", out=out)) == len(ref) - 2 * 6 * 2  # both are left out
    rep = run_fake(fake_spec(), out)
    assert rep.computed == 2 and {c for c, _ in rep.rejected} == {victim.stem, other.stem}
    reasons = dict(rep.rejected)
    assert "unreadable" in reasons[victim.stem]
    assert "another cell" in reasons[other.stem]
    assert len(list((out / "fake" / "rejected").glob("*.parquet"))) == 2  # kept, not deleted
    pd.testing.assert_frame_equal(table(out), ref, check_exact=True)


def test_spec_change_keeps_old_cells_and_reports_them(tmp_path):
    out = tmp_path / "res"
    run_fake(fake_spec(), out, profile="quick")
    rep = run_fake(fake_spec(profiles={"quick": {"episodes": 5, "seeds": 2}}), out,
                   profile="quick")
    assert rep.computed == 4 and len(rep.stale) == 4 and rep.spec_changed_from is not None
    assert "spec changed" in rep.summary() and "kept" in rep.summary()
    assert len(list((out / "fake" / "cells").glob("[!.]*.parquet"))) == 8
    cur = load(fake_spec(profiles={"quick": {"episodes": 5, "seeds": 2}}), out=out,
               profile="quick", catalogue=_fake_engine.CATALOGUE)
    assert set(cur.episode) == {1, 2, 3, 4, 5} and len(cur) == 4 * 2 * 5
    assert len(load("fake", out=out)) == 4 * 2 * 4 + 4 * 2 * 5   # everything stored


def test_failed_cells_are_recorded_and_retried(tmp_path, capsys):
    out = tmp_path / "res"
    spec = fake_spec(algorithms={"R": "random", "F": {"algorithm": "random2",
                                                      "params": {"fail": True}}})
    rep = run_fake(spec, out, profile="quick")
    assert rep.computed == 2 and len(rep.failed) == 2 and not rep.ok
    assert "failed on purpose" in rep.failed[0][1]
    st = experiment_status(spec, out=out, profile="quick", catalogue=_fake_engine.CATALOGUE)
    assert (st["done"], st["failed"], st["pending"]) == (2, 2, 0)
    assert len(list((out / "fake" / "failed").glob("*.json"))) == 2
    rep2 = run_fake(spec, out, profile="quick")
    assert rep2.already_stored == 2 and len(rep2.failed) == 2   # retried, failed again


# --------------------------------------------------------------------- crash and races
_SWEEP = textwrap.dedent("""
    import sys, json
    sys.path.insert(0, {tests!r})
    import _fake_engine
    from mdpsim.experiment import run_experiment
    spec = json.loads({spec!r})
    rep = run_experiment(spec, out={out!r}, runner=_fake_engine.run, executor={executor!r},
                         workers={workers}, catalogue=_fake_engine.CATALOGUE, progress=False,
                         poll=0.05)
    print(json.dumps({{"computed": rep.computed, "stored": rep.already_stored,
                      "others": rep.by_other_runs, "failed": len(rep.failed)}}))
""")


def _sweep_proc(spec, out, executor="inline", workers=1):
    code = _SWEEP.format(tests=str(HERE), spec=json.dumps(spec), out=str(out),
                         executor=executor, workers=workers)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def test_sigkill_mid_sweep_then_resume_equals_uninterrupted(tmp_path):
    spec = fake_spec(algorithms={"R": {"algorithm": "random", "params": {"sleep": 0.15}},
                                 "R2": {"algorithm": "random2", "params": {"sleep": 0.15}}})
    out = tmp_path / "killed"
    p = _sweep_proc(spec, out, executor="local", workers=2)
    cells = out / "fake" / "cells"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(cells.glob("[!.]*.parquet"))) < 4:
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    n_before = len(list(cells.glob("[!.]*.parquet")))
    assert 4 <= n_before < 12, n_before                         # killed mid-way
    assert list((out / "fake" / "locks").glob("*.lock"))        # its claims are left behind
    rep = run_fake(spec, out)
    assert rep.already_stored == n_before and rep.computed == 12 - n_before
    assert not list(cells.glob(".tmp-*"))                       # dead writers' temp files gone
    run_fake(spec, tmp_path / "clean")
    pd.testing.assert_frame_equal(table(out), table(tmp_path / "clean"), check_exact=True)


def test_two_concurrent_runs_lose_and_duplicate_nothing(tmp_path):
    spec = fake_spec(algorithms={"R": {"algorithm": "random", "params": {"sleep": 0.1}},
                                 "R2": {"algorithm": "random2", "params": {"sleep": 0.1}}},
                     seed_batch=1)
    out = tmp_path / "shared"
    procs = [_sweep_proc(spec, out) for _ in range(2)]
    reps = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        assert p.returncode == 0, stderr
        reps.append(json.loads(stdout.strip().splitlines()[-1]))
    total = 2 * 2 * 6
    assert sum(r["computed"] for r in reps) == total             # each cell computed once
    assert all(r["computed"] > 0 for r in reps)                  # and the work was shared
    assert all(r["computed"] + r["others"] + r["stored"] == total for r in reps)
    assert len(list((out / "fake" / "cells").glob("[!.]*.parquet"))) == total
    run_fake(spec, tmp_path / "clean")
    pd.testing.assert_frame_equal(table(out), table(tmp_path / "clean"), check_exact=True)


# ------------------------------------------------------------- the real engine, executors
def real_spec(**over):
    spec = {"name": "real", "root_seed": 5,
            "envs": {"rs": {"env": "riverswim", "params": {"S": 4, "horizon": 5}}},
            "algorithms": {"CH": "ucbvi_ch", "PS": "psrl"},
            "episodes": 60, "seeds": 4, "seed_batch": 3, "eval_every": 7}
    spec.update(over)
    return spec


def _real_table(out):
    df = load("real", out=out)
    return df.drop(columns=NOISY)


def test_cells_equal_one_direct_run(tmp_path):
    rep = run_experiment(real_spec(), out=tmp_path, executor="inline", progress=False)
    assert rep.computed == 4 and rep.ok
    df = _real_table(tmp_path)
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    for alg, label in (("ucbvi_ch", "CH"), ("psrl", "PS")):
        direct = mdpsim.run(alg, mdp, episodes=60, seeds=4, rng=5, eval_every=7)
        got = df[df.alg_label == label].reset_index(drop=True)
        cols = [c for c in direct.columns if c != "wall_time"]
        pd.testing.assert_frame_equal(got[cols].astype(direct[cols].dtypes.to_dict()),
                                      direct[cols], check_exact=True, check_categorical=False)


def test_dask_local_cluster_equals_local_executor(tmp_path):
    pytest.importorskip("distributed")
    # inline first: compiles (or loads) the kernels here and leaves them in the on-disk
    # cache, so the pool and Dask workers only load them
    ref = run_experiment(real_spec(), out=tmp_path / "inline", executor="inline",
                         progress=False)
    a = run_experiment(real_spec(), out=tmp_path / "local", executor="local", workers=2,
                       progress=False)
    b = run_experiment(real_spec(), out=tmp_path / "dask", executor="dask", workers=2,
                       progress=False)
    assert ref.computed == a.computed == b.computed == 4
    assert (a.executor, b.executor) == ("local", "dask")
    local = _real_table(tmp_path / "local")
    pd.testing.assert_frame_equal(local, _real_table(tmp_path / "dask"), check_exact=True)
    pd.testing.assert_frame_equal(local, _real_table(tmp_path / "inline"), check_exact=True)
