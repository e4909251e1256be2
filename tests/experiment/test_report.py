"""``mdpsim report``: one self-contained HTML page with every figure of the experiment
embedded, every verdict of its claims table, the provenance and the spec."""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd

import mdpsim

from mdpsim.experiment import run_experiment
from mdpsim.experiment.figures import find_figure, run_figure


def test_report_embeds_every_figure_and_verdict(tmp_path):
    out = tmp_path / "results"
    rep = run_experiment("regret_tabular", profile="quick", seeds=2, out=out, workers=2,
                         progress=False)
    assert rep.ok
    page = tmp_path / "r.html"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "report", "regret_tabular",
                        "--out", str(out), "--output", str(page)], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    text = page.read_text()
    assert "http://" not in text and "https://" not in text       # nothing to fetch
    ref = run_figure(find_figure("regret_tabular"), results=out, figdir=tmp_path / "f",
                     profile="quick")
    pngs = [p for p in map(str, ref["paths"]) if p.endswith(".png")]
    assert len(re.findall(r"<img [^>]*src='data:image/png;base64,", text)) == len(pngs) > 0
    fits = pd.read_csv(next(p for p in map(str, ref["paths"]) if p.endswith("fits.csv")))
    cells = re.findall(r'<span class="(?:pass|fail)">([^<]*)</span>', text)
    ruled = fits["passed"].dropna()
    assert sorted(cells) == sorted(map(str, ruled))               # every verdict, once
    assert text.count("(no acceptance rule)") == fits["passed"].isna().sum()
    for alg in fits.alg_label.unique():
        assert f"<td>{alg}</td>" in text
    assert '&quot;root_seed&quot;' in text and "spec hash" in text and "[quick profile]" in text


def test_report_of_a_planner_experiment(tmp_path):
    """A spec of planners: claims from each planner's acceptance rule (pass counts over the
    instances), hyper-parameter provenance and reconstructions, the figure embedded."""
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2]
    out = tmp_path / "results"
    rep = run_experiment(root / "experiments" / "drpg_inventory.py", profile="quick", out=out,
                         executor="inline", progress=False)
    assert rep.ok
    spec = {"name": "plan_report", "root_seed": 5,
            "envs": {"G4.3.2": {"env": "drpg_garnet", "params": {"S": 4, "A": 3, "b": 2},
                                "spawn_key": [0]}},
            "planners": {"defaults": "drpg", "paper": {"planner": "drpg",
                                                       "params": {"preset": "paper"}},
                         "nominal": {"planner": "nonrobust_pg", "params": {"alpha": 0.05}}},
            "iterations": 3, "seeds": 2, "seed_batch": 1, "figures": []}
    assert run_experiment(spec, out=out, executor="inline", progress=False).ok
    sfile = tmp_path / "plan_report.py"
    sfile.write_text(f"SPEC = {spec!r}\n")
    page = tmp_path / "p.html"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "report", str(sfile), "--out",
                        str(out), "--output", str(page)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    text = page.read_text()
    df = mdpsim.load("plan_report", out=out)
    for label in ("defaults", "paper"):
        g = df[df.alg_label == label].sort_values("iteration").groupby("seed").rel_gap.last()
        ok = int((g <= 1e-3).sum())
        verdict = ("pass" if ok == 2 else "FAIL") + f" ({ok}/2)"
        assert f'<span class="{"pass" if ok == 2 else "fail"}">{verdict}</span>' in text
        assert f"<td>{ok}/2</td>" in text
    assert text.count("rel_gap of the last iterate &lt;= 0.001") == 2
    assert "(no acceptance rule)" in text                       # nonrobust_pg declares none
    assert "alpha=0.05 [user]" in text and "[paper-code]" in text and "[R]" in text
    assert "<td>nonrobust_pg</td>" in text and "iterations" in text
    # the inventory experiment: its figure embedded, read from the stored run
    page2 = tmp_path / "inv.html"
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", "report", "drpg_inventory",
                        "--out", str(out), "--output", str(page2)], capture_output=True,
                       text=True, timeout=600, cwd=root)
    assert r.returncode == 0, r.stderr
    inv = page2.read_text()
    assert len(re.findall(r"<img [^>]*src='data:image/png;base64,", inv)) == 1
    assert "source: stored run" in inv
    assert "T=20 [spec iterations]" in inv and "robust=False [user]" in inv
