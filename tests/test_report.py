"""``mdpsim report``: one self-contained HTML page with every figure of the experiment
embedded, every verdict of its claims table, the provenance and the spec."""
from __future__ import annotations

import re
import subprocess
import sys

import pandas as pd

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
