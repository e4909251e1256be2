"""Command line of the experiment layer, the checks runner, theory bounds/windows/rules and
the plotting helpers (fast; the full quickstart is marked slow)."""
from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mdpsim
from mdpsim.cli import main
from mdpsim.experiment import load, run_experiment
from mdpsim.experiment.checks import format_table, run_checks
from mdpsim.experiment.progress import Progress
from mdpsim.theory import bounds, acceptance, fit_slope
from mdpsim.theory.windows import fit_window

SPEC_TEXT = """
SPEC = {
    "name": "tiny",
    "root_seed": 3,
    "envs": {"RS": {"env": "riverswim", "params": {"S": 4, "horizon": 5}}},
    "algorithms": {"CH": "ucbvi_ch", "G": "greedy"},
    "episodes": 200,
    "seeds": 4,
    "seed_batch": 2,
    "eval_every": ["log", 30],
    "profiles": {"quick": {"episodes": 100, "seeds": 2}},
}
"""


@pytest.fixture()
def spec_file(tmp_path):
    f = tmp_path / "tiny.py"
    f.write_text(SPEC_TEXT)
    return f


def test_cli_run_status_and_resume(spec_file, tmp_path, capsys):
    out = str(tmp_path / "res")
    argv = ["run", str(spec_file), "--out", out, "--executor", "inline", "--no-progress"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "4 cells" in text and "computed 4" in text
    assert main(["status", str(spec_file), "--out", out]) == 0
    st = capsys.readouterr().out
    assert "4 total, 4 done, 0 pending, 0 running, 0 failed" in st
    assert main(["status", str(spec_file), "--out", out, "--profile", "quick"]) == 0
    assert "2 total, 0 done, 2 pending" in capsys.readouterr().out
    assert main(argv + ["--seeds", "6"]) == 0              # more seeds: only new cells run
    assert "already stored 4, computed 2" in capsys.readouterr().out
    df = load("tiny", out=out)
    assert sorted(df.seed.unique()) == list(range(6)) and set(df.alg_label) == {"CH", "G"}
    # the full profile with --seeds 6 is visible through load(profile=...)
    full = load(str(spec_file), out=out, profile="full")
    assert sorted(full.seed.unique()) == list(range(6))
    assert sorted(load(str(spec_file), out=out, profile="full", seeds=4).seed.unique()) \
        == list(range(4))


def test_cli_user_errors_one_line(tmp_path, capsys):
    for argv, needle in [
        (["run", "nope_not_a_spec"], "no experiment named 'nope_not_a_spec'"),
        (["figs", "nope_fig"], "no figure script named 'nope_fig'"),
        (["check", "nope_check"], "no check named 'nope_check'"),
        (["figs", "regret_tabular", "--out", str(tmp_path / "empty")],
         "no stored results of regret_tabular"),
        (["run", "regret_tabular", "--profile", "quik"], "no profile 'quik'"),
        (["run", "regret_tabular", "--scheduler", "tcp://x:1"], "--scheduler needs --executor dask"),
    ]:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and needle in err, (argv, err)


def test_cli_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "ucbvi_ch" in out and "riverswim" in out and "regret_tabular" in out
    assert "simulation_lemma" in out


def test_checks_runner_lemmas():
    res = run_checks(["simulation_lemma", "performance_difference"], seed=1)
    assert [r["passed"] for r in res] == [True, True]
    sim = res[0]["margins"]
    assert sim["identity_max_error"] <= 1e-10
    assert sim["local_bound_min_slack"] >= -1e-10 and sim["global_bound_min_slack"] >= -1e-10
    pdl = res[1]["margins"]
    assert pdl["finite_max_error"] <= 1e-10 and pdl["discounted_max_rel_error"] <= 1e-10
    assert pdl["greedy_improvement_min"] >= -1e-10
    table = format_table(res)
    assert "2/2 checks passed" in table and "identity_max_error" in table


def test_progress_bar_plain_stream():
    buf = io.StringIO()
    bar = Progress(4, label="x", stream=buf, every=0.0)
    bar.skip(1)
    for _ in range(3):
        bar.update()
    bar.close()
    lines = buf.getvalue().strip().splitlines()
    assert lines[-1].startswith("x [########################] 4/4 cells")
    assert "cells/s" in lines[-1] and "eta 00:00" in lines[-1]
    assert len(lines) == len(set(lines))                    # no duplicated final line


# --------------------------------------------------------------------------------- theory
def test_bounds_rates_and_values():
    K = np.array([1e4, 1e6])
    for name in ("ucbvi_ch", "ucbvi_bf", "psrl", "optq"):
        b = bounds.for_algorithm(name)
        v = b(K, S=6, A=2, H=20)
        assert v.dtype == np.float64 and np.all(np.diff(v) > 0)
        assert b.k_exponent == 0.5 and b.kind == "upper"
    # the leading term: at huge K the log-log slope of UCBVI-CH tends to 1/2 (log factors)
    k = np.array([1e14, 1e16])
    v = bounds.ucbvi_ch_regret(k, S=6, A=2, H=20)
    slope = np.diff(np.log(v))[0] / np.diff(np.log(k))[0]
    assert 0.5 < slope < 0.56
    # orders in H: CH ~ H^{3/2}, BF ~ H (once S A >> H), OptQ ~ H^{5/2}, at large K
    big = 1e30
    for fn, h_exp in ((bounds.ucbvi_ch_regret, 1.5), (bounds.ucbvi_bf_regret, 1.0),
                      (bounds.optq_hoeffding_regret, 2.5)):
        r = fn(big, S=50, A=4, H=40) / fn(big, S=50, A=4, H=20)
        assert abs(math.log2(r) - h_exp) < 0.05, (fn.__name__, math.log2(r))
    assert bounds.for_algorithm("ucbvi") is bounds.BOUNDS["ucbvi_ch"]
    assert bounds.for_algorithm("nope") is None
    with pytest.raises(ValueError, match="S must be a positive integer"):
        bounds.ucbvi_ch_regret(10, S=0, A=2, H=3)


def test_windows_and_acceptance():
    ep = np.arange(1, 10_001)
    assert fit_window(ep) == (1000, 10_000)
    assert fit_window(ep, "last_decades", decades=1.5) == (317, 10_000)
    assert fit_window(ep, "last_fraction", fraction=0.6) == (4000, 10_000)
    assert fit_window(ep, (10, 100)) == (10, 100)
    with pytest.raises(ValueError, match="fewer than 5"):
        fit_window(np.array([1, 10, 100, 1000]))
    r = acceptance.rule_for("ucbvi_bf")
    assert r.accepts(0.55) and not r.accepts(0.65)
    assert r.margin(0.5) == pytest.approx(0.1)
    assert acceptance.rule_for("greedy").accepts(0.95)
    assert acceptance.rule_for("greedy", hard_exploration=False) is None
    assert acceptance.judge(0.3, None)["passed"] is None


# ----------------------------------------------------------------------------------- plot
def _synthetic(slopes=(0.5, 1.0), seeds=6):
    rng = np.random.default_rng(0)
    k = np.unique(np.rint(np.geomspace(1, 10_000, 60)).astype(int))
    rows = []
    for alg, b in zip(("ucbvi_ch", "greedy"), slopes):
        for s in range(seeds):
            c = 3.0 * (1 + 0.05 * rng.standard_normal())
            for kk in k:
                rows.append((alg.upper(), alg, s, kk, c * kk ** b))
    return pd.DataFrame(rows, columns=["alg_label", "algorithm", "seed", "episode", "regret"])


def test_plot_fits_and_files(tmp_path):
    from mdpsim import plot
    df = _synthetic()
    fits = plot.slopes(df, by=("alg_label",))
    got = dict(zip(fits.alg_label, fits.slope))
    assert abs(got["UCBVI_CH"] - 0.5) < 1e-9 and abs(got["GREEDY"] - 1.0) < 1e-9
    assert (fits.lo <= fits.slope + 1e-12).all() and (fits.hi >= fits.slope - 1e-12).all()
    assert list(fits.rate) == [0.5, 1.0] and fits.passed.tolist() == [True, True]
    cv = plot.curves(df, by=("alg_label",))
    assert ((cv.lo <= cv["mean"]) & (cv["mean"] <= cv.hi)).all() and (cv.n == 6).all()
    fig, axes = plot.figure(1, 2)
    f = plot.metric_plot(df, ax=axes[0, 0])
    plot.metric_plot(df, ax=axes[0, 1], logx=False, logy=False)
    texts = [t.get_text() for t in axes[0, 0].get_legend().get_texts()]
    assert any(t.startswith("UCBVI_CH: 0.50 [") for t in texts)
    assert "bound's rate in K, anchored" in texts and len(f) == 2
    paths = plot.save(fig, tmp_path / "fig")
    assert [p.suffix for p in paths] == [".png", ".pdf"] and all(p.stat().st_size > 1000
                                                                   for p in paths)


def test_plot_matches_theory_fit_on_engine_output(tmp_path):
    mdp = mdpsim.make("riverswim", S=4, horizon=5)
    df = mdpsim.run("ucbvi_ch", mdp, episodes=400, seeds=3, rng=2, eval_every="every")
    df = df.assign(alg_label="CH")
    from mdpsim import plot
    ep, mat = plot.seed_matrix(df)
    direct = fit_slope(ep, mat)
    got = plot.slopes(df, by=("alg_label",)).iloc[0]
    assert got.slope == direct.slope and got.lo == direct.lo and got.hi == direct.hi


@pytest.mark.slow
def test_quickstart_end_to_end(tmp_path, capsys):
    out, figdir = tmp_path / "res", tmp_path / "figs"
    assert main(["quickstart", "--out", str(out), "--figdir", str(figdir),
                 "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert "fitted log-log slope" in text and "RiverSwim  Greedy" in text
    assert (figdir / "regret_tabular.png").stat().st_size > 10_000
    assert (figdir / "regret_tabular.pdf").exists()
    fits = pd.read_csv(figdir / "regret_tabular_fits.csv")
    assert len(fits) == 10 and fits.slope.notna().all()
    greedy = fits[(fits.env_label == "RiverSwim") & (fits.alg_label == "Greedy")].iloc[0]
    assert greedy.slope >= 0.9
    for alg in ("UCBVI-BF", "PSRL"):
        assert fits[fits.alg_label == alg].slope.max() <= 0.6
    # figs redraws from the store without running anything
    assert main(["figs", "regret_tabular", "--out", str(out), "--figdir",
                 str(tmp_path / "again")]) == 0
    assert (tmp_path / "again" / "regret_tabular.png").exists()


def test_cli_list_shows_planners_and_planner_experiments(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("planners:"))
    for name in ("drpg", "drpg_exact", "drpg_parametric", "nonrobust_pg", "robust_vi"):
        assert name in line.split(": ", 1)[1].split(", ")
    planned = next(x for x in out.splitlines() if x.startswith("experiments with planners:"))
    assert "drpg_garnet (drpg)" in planned and "drpg_inventory (drpg_parametric)" in planned
    assert "regret_tabular" not in planned
