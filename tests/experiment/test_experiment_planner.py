"""Planners (mdpsim.algorithms._planner) and planner cells in the experiment system: the
driver equals drpg() bit for bit, registry errors are one line naming the field, a planner
spec runs, resumes, survives kill -9 and runs on Dask with the same table."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import mdpsim
from mdpsim.algorithms import (Planner, get_planner, list_planners, register_planner,
                               run_planner)
from mdpsim.algorithms import drpg as D
from mdpsim.experiment import run_experiment
from mdpsim.experiment.spec import SpecError, load_spec
from mdpsim.robust import drpg_garnet, drpg_inventory


def _inst(rect="sa"):
    return drpg_garnet(5, 3, 2, rect=rect, rng=np.random.SeedSequence(11, spawn_key=(0, 1)))


# ------------------------------------------------------------------------ driver == drpg()
@pytest.mark.parametrize("rect", ["sa", "s"])
@pytest.mark.parametrize("planner,fn,kw", [
    ("drpg", D.drpg, {}), ("drpg", D.drpg, {"preset": "paper"}),
    ("drpg_exact", D.drpg_exact, {}), ("nonrobust_pg", D.nonrobust_pg, {"preset": "paper"})])
def test_run_planner_equals_drpg_bit_for_bit(rect, planner, fn, kw):
    inst = _inst(rect)
    df = run_planner(planner, inst, iterations=12, **kw)
    r = fn(inst.rmdp, pi0=inst.pi0, T=12, **kw)
    assert list(df.iteration) == list(range(13))
    for col, arr in (("phi", r.phi), ("J_inner", r.J_inner), ("inner_iters", r.inner_iters),
                     ("eps", r.eps)):
        np.testing.assert_array_equal(df[col].to_numpy(), arr)
    np.testing.assert_array_equal(df.inner_gap.to_numpy(), r.inner_gap)
    star = -mdpsim.robust.robust_value_iteration(inst.rmdp, tol=1e-10).value
    np.testing.assert_array_equal(df.rel_gap.to_numpy(), (r.phi - star) / abs(star))
    hp = {k: v[0] for k, v in r.hyperparameters.items()}
    for k, v in hp.items():
        assert (df[k] == v).all(), k
    assert (df.preset == kw.get("preset", "default")).all()
    assert df.reconstructed.iloc[0].startswith("[R]")


def test_parametric_and_robust_vi_planners():
    inv = drpg_inventory(rng=3)
    df = run_planner("drpg_parametric", inv, iterations=4, alpha=0.05)
    r = D.drpg_parametric(inv, T=4, alpha=0.05)
    np.testing.assert_array_equal(df.worst_cost.to_numpy(), r.worst_cost)
    np.testing.assert_array_equal(df.inner_iters.to_numpy(), r.inner_iters)
    inst = _inst()
    vi = run_planner("robust_vi", inst, iterations=60)
    assert (vi.gap >= -1e-9).all()
    assert vi.rel_gap.iloc[-1] <= get_planner("robust_vi").acceptance.max


def test_planner_registry_errors_are_one_line_naming_the_field():
    assert {"drpg", "drpg_exact", "nonrobust_pg", "drpg_parametric", "robust_vi"} <= \
        set(list_planners())
    cases = [
        (lambda: get_planner("nope"), "unknown planner 'nope'"),
        (lambda: run_planner("drpg", _inst(), iterations=2, alpah=0.1),
         "unknown hyper-parameter 'alpah'"),
        (lambda: run_planner("drpg", _inst(), iterations=2, alpha=-1.0),
         "hyper-parameter alpha must be > 0"),
        (lambda: run_planner("drpg", _inst(), iterations=2, preset="fast"), "preset"),
        (lambda: run_planner("drpg", _inst(), iterations=2, T=3), "iterations: given twice"),
        (lambda: run_planner("drpg_parametric", _inst(), iterations=2), "ParametricInstance"),
    ]
    for call, part in cases:
        with pytest.raises(ValueError) as ei:
            call()
        msg = str(ei.value)
        assert part in msg and "\n" not in msg, msg

    class NoName(Planner):
        def init(self, model, hp):
            return 0

        def step(self, model, hp, it, t):
            return it

        def objective(self, model, it):
            return {}

    class NoStep(Planner):
        name = "nostep"

        def init(self, model, hp):
            return 0

    for cls, field in ((NoName, ": name:"), (NoStep, ": step:")):
        with pytest.raises(ValueError) as ei:
            register_planner(cls)
        assert field in str(ei.value) and "\n" not in str(ei.value), str(ei.value)


# ------------------------------------------------------------------------------ planner specs
def small_spec(name="plancheck", seeds=4):
    return {
        "name": name, "root_seed": 23,
        "envs": {"G4.3.2": {"env": "drpg_garnet", "params": {"S": 4, "A": 3, "b": 2},
                            "spawn_key": [0]},
                 "G4.3.4s": {"env": "drpg_garnet",
                             "params": {"S": 4, "A": 3, "b": 4, "rect": "s"},
                             "spawn_key": [1]}},
        "planners": {"defaults": "drpg",
                     "paper": {"planner": "drpg", "params": {"preset": "paper"}, "seeds": 2,
                               "envs": ["G4.3.2"]}},
        "iterations": 15, "seeds": seeds, "seed_batch": 1,
    }


def _table(out, name="plancheck"):
    df = mdpsim.load(name, out=out)
    return df.sort_values(["cell_id", "seed", "iteration"]).reset_index(drop=True)


def test_planner_spec_runs_resumes_and_equals_direct_runs(tmp_path):
    spec = load_spec(small_spec())
    assert len(spec.cells()) == 4 + 4 + 2
    rep = run_experiment(small_spec(), out=tmp_path, executor="inline", progress=False)
    assert rep.ok and rep.computed == 10, rep.summary()
    again = run_experiment(small_spec(), out=tmp_path, executor="inline", progress=False)
    assert again.computed == 0 and again.already_stored == 10
    df = _table(tmp_path)
    assert len(df) == 10 * 16
    # seed i of env k is instance SeedSequence(root_seed, spawn_key=(k, i)), run as drpg()
    got = df[(df.env_label == "G4.3.4s") & (df.alg_label == "defaults") & (df.seed == 3)]
    inst = drpg_garnet(4, 3, 4, rect="s", rng=np.random.SeedSequence(23, spawn_key=(1, 3)))
    r = D.drpg(inst.rmdp, pi0=inst.pi0, T=15)
    np.testing.assert_array_equal(got.phi.to_numpy(), r.phi)
    assert set(got.spawn_key) == {"1,3"}
    st = mdpsim.experiment.experiment_status(small_spec(), out=tmp_path)
    assert (st["done"], st["pending"]) == (10, 0)


def test_planner_spec_errors_are_one_line():
    bad = small_spec()
    bad["planners"]["paper"]["params"]["alpah"] = 0.1
    bad["planners"]["defaults"] = {"planner": "drpgg"}
    bad["envs"]["G4.3.2"]["spawn_key"] = "x"
    bad["episodes"] = 10
    with pytest.raises(SpecError) as ei:
        load_spec(bad)
    msg = str(ei.value)
    assert "\n" not in msg
    for part in ("planners.paper.params.alpah: unknown hyper-parameter",
                 "planners.defaults.planner: unknown planner 'drpgg'",
                 "envs.G4.3.2.spawn_key", "episodes: not a field of a planner spec"):
        assert part in msg, msg


def test_learner_spec_cell_ids_unchanged():
    """A learner spec's cells carry no 'task' key: their ids are those of before planners."""
    spec = load_spec("experiments/regret_tabular.py", profile="quick",
                     search=[pathlib.Path(__file__).resolve().parents[2] / "experiments"])
    assert all("task" not in c.content for c in spec.cells())
    assert "task" not in spec.data


def test_dask_on_a_planner_spec_equals_inline(tmp_path):
    pytest.importorskip("distributed")
    s = small_spec(seeds=2)
    run_experiment(s, out=tmp_path / "inline", executor="inline", progress=False)
    b = run_experiment(s, out=tmp_path / "dask", executor="dask", workers=2, progress=False)
    assert b.executor == "dask" and b.computed == 6, b.summary()
    pd.testing.assert_frame_equal(_table(tmp_path / "inline"), _table(tmp_path / "dask"),
                                  check_exact=True)


# ------------------------------------------------------------------------------------ kill -9
def _start(spec, out):
    cmd = [sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out", str(out),
           "--workers", "2", "--no-progress"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.skipif(not pathlib.Path("/proc/self/stat").exists(), reason="Linux /proc")
@pytest.mark.slow   # run by .ci/run after the default suite (keeps the default run < 10 min)
def test_kill9_then_resume_gives_the_uninterrupted_planner_table(tmp_path):
    spec = tmp_path / "plancheck.py"
    spec.write_text(f"SPEC = {small_spec(seeds=6)!r}\n")
    ref = tmp_path / "ref"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                        str(ref), "--workers", "2", "--no-progress"], capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    out = tmp_path / "killed"
    cells = out / "plancheck" / "cells"
    for n_done in (0, 5):           # killed before any cell and midway
        proc = _start(spec, out)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            done = len(list(cells.glob("*.parquet"))) if cells.is_dir() else 0
            if done >= n_done and (n_done or (out / "plancheck" / "locks").is_dir()):
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.05)
        time.sleep(1.0)
    done = len(list(cells.glob("*.parquet")))
    assert done < 14, "the kills came too late to interrupt anything"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                        str(out), "--workers", "2", "--no-progress"], capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-2000:]
    a, b = _table(ref), _table(out)
    assert len(a) == 14 * 16
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_quick_cell_reproduces_the_committed_garnet_curves_bit_for_bit():
    """One cell of ``experiments/drpg_garnet.py --profile quick`` against the rows of the
    committed full sweep (written by the hand-written sweep this spec replaced)."""
    from mdpsim.experiment._engine import planner_task
    root = pathlib.Path(__file__).resolve().parents[2]
    spec = load_spec(root / "experiments" / "drpg_garnet.py", profile="quick")
    cell = next(c for c in spec.cells() if c.env_label == "G5.4.3"
                and c.alg_label == "paper-code" and c.seeds == (1, 2))
    df = planner_task(dict(cell.content)).set_index("iteration")
    cur = pd.read_parquet(root / "experiments" / "results" / "drpg" / "garnet_curves.parquet")
    ref = cur[(cur["size"].astype(str) == "G(5,4,3)") & (cur.variant.astype(str) ==
                                                         "paper-code") & (cur.instance == 1)]
    mine = df.loc[ref.t.to_numpy()]
    np.testing.assert_array_equal(mine.rel_gap.to_numpy(), ref.rel_gap.to_numpy())
    np.testing.assert_array_equal(mine.inner_iters.to_numpy(), ref.inner_iters.to_numpy())
    np.testing.assert_array_equal(((mine.J_inner - mine.phi_star) / mine.phi_star.abs())
                                  .to_numpy(), ref.J_rel_gap.to_numpy())


def _committed(name):
    root = pathlib.Path(__file__).resolve().parents[2]
    return root / "experiments" / name, root / "experiments" / "results" / "drpg"


def test_inventory_spec_quick_reproduces_the_committed_curves_bit_for_bit():
    """``experiments/drpg_inventory.py --profile quick`` (20 iterations) against the first
    rows of the committed table written by the hand-written script the spec replaced (same
    instance: ``rng=ROOT_SEED`` is ``SeedSequence(ROOT_SEED)``)."""
    from mdpsim.experiment._engine import planner_task
    spec_file, res = _committed("drpg_inventory.py")
    spec = load_spec(spec_file, profile="quick")
    ref = pd.read_csv(res / "inventory_curves.csv")
    names = {"DRPG_alpha=0.1": "DRPG alpha=0.1", "DRPG_alpha=0.01": "DRPG alpha=0.01",
             "non-robust-PG_alpha=0.1": "non-robust PG alpha=0.1"}
    assert sorted(c.alg_label for c in spec.cells()) == sorted(names)
    for c in spec.cells():
        df = planner_task(dict(c.content))
        r = ref[ref.method == names[c.alg_label]].set_index("t").loc[df.iteration]
        for col in ("worst_cost", "nominal_cost", "inner_iters"):
            np.testing.assert_array_equal(df[col].to_numpy(), r[col].to_numpy(), err_msg=col)


def test_srect_stepsize_spec_quick_cell_reproduces_the_committed_rows():
    """One quick cell of ``experiments/drpg_srect_stepsize.py`` against the committed rows
    (stored with 12 significant digits)."""
    from mdpsim.experiment._engine import planner_task
    spec_file, res = _committed("drpg_srect_stepsize.py")
    spec = load_spec(spec_file, profile="quick")
    assert len(load_spec(spec_file).cells()) == 2 * 8 * 4
    cell = next(c for c in spec.cells() if c.alg_label == "geometric_a0=0.5_q=0.97"
                and c.seeds == (1, 2))
    d = planner_task(dict(cell.content))
    rel = d.rel_gap.to_numpy()
    ref = pd.read_csv(res / "srect_stepsize_explore.csv")
    r = ref[(ref.config == "geometric a0=0.5 q=0.97") & (ref.size_index == 3)
            & (ref.instance == 1)].iloc[0]
    mine = {"rel_gap_T": rel[-1], "min_rel_gap": rel.min(), "rel_gap_100": rel[100],
            "rel_gap_150": rel[150], "max_rel_gap_180_200": rel[180:].max(),
            "inner_iters_total": int(d.inner_iters.sum()), "phi_star": d.phi_star.iloc[0]}
    for k, v in mine.items():
        assert float(f"{v:.12g}") == r[k], k


@pytest.mark.slow   # run by .ci/run after the default suite (keeps the default run < 10 min)
def test_cli_run_with_the_dask_executor_gives_the_local_table(tmp_path):
    """``mdpsim run <planner spec> --executor dask`` (a LocalCluster) stores the same table
    as the local process pool."""
    pytest.importorskip("distributed")
    spec = tmp_path / "plancheck.py"
    spec.write_text(f"SPEC = {small_spec(seeds=1)!r}\n")
    outs = {}
    for ex in ("local", "dask"):
        outs[ex] = tmp_path / ex
        r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "run", str(spec), "--out",
                            str(outs[ex]), "--executor", ex, "--workers", "2",
                            "--no-progress"], capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stderr[-2000:]
        assert "computed 3" in r.stdout and ex in r.stdout, r.stdout
    a, b = _table(outs["local"]), _table(outs["dask"])
    assert len(a) == 3 * 16
    pd.testing.assert_frame_equal(a, b, check_exact=True)
