"""The user guide and API reference build with warnings as errors, and their code runs.

* ``test_docs_build``: ``python -m sphinx -W --keep-going -b html docs <tmp>`` (needs the
  ``[docs]`` extra; skipped cleanly without Sphinx/MyST — ``.ci/run`` installs it and builds
  the docs after the test run as well).
* ``test_python_blocks``: every ```` ```python ```` block of the README and of the guide
  pages runs, in order, in one namespace per file, from the repository root.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", flags=re.S | re.M)


def python_blocks(path: pathlib.Path) -> list[str]:
    return BLOCK.findall(path.read_text())


GUIDE = [str(p.relative_to(ROOT)) for p in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
         if python_blocks(p)]


@pytest.mark.slow   # run by .ci/run after the default suite (keeps the default run < 10 min)
def test_docs_build(tmp_path):
    pytest.importorskip("sphinx", reason="pip install -e '.[docs]'")
    pytest.importorskip("myst_parser", reason="pip install -e '.[docs]'")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-E",
                           "-b", "html", str(DOCS), str(tmp_path / "html")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-6000:] + proc.stdout[-2000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-6000:]
    html = tmp_path / "html"
    for page in ["index", "getting_started", "planning", "online", "conservative", "robust",
                 "experiments", "own_algorithm", "own_environment", "own_experiment",
                 "notebooks", "algorithms/index", "api/index", "papers/drpg"]:
        assert (html / f"{page}.html").is_file(), page
    # maths is rendered (MathJax markup), each algorithm page has its generated card
    assert 'class="math' in (html / "planning.html").read_text()
    for alg in ["ucbvi", "psrl", "optq", "greedy", "stepmix", "epsmix", "budget", "baseline",
                "drpg"]:
        page = (html / "algorithms" / f"{alg}.html").read_text()
        assert "Registered name" in page and "Reconstructed parts" in page, alg
        assert "arXiv" in page or "folklore" in page or "ours" in page, alg


@pytest.mark.parametrize("name", GUIDE)
def test_python_blocks(name, monkeypatch, tmp_path):
    blocks = python_blocks(ROOT / name)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.syspath_prepend(str(ROOT))
    ns: dict = {"__name__": f"docs_{pathlib.Path(name).stem}"}
    for i, code in enumerate(blocks):
        try:
            exec(compile(code, f"{name}[block {i}]", "exec"), ns)
        except Exception as err:                           # pragma: no cover - reported
            raise AssertionError(f"{name}, python block {i} failed: {err!r}\n{code}") from err


def test_every_public_module_is_in_the_api_reference():
    import pkgutil

    import mdpsim
    documented = set()
    for rst in (DOCS / "api").glob("*.rst"):
        documented |= set(re.findall(r"^\.\. automodule:: (\S+)", rst.read_text(), flags=re.M))
    public = {m.name for m in pkgutil.walk_packages(mdpsim.__path__, "mdpsim.")
              if not any(p.startswith("_") for p in m.name.split(".")[1:])}
    missing = sorted(public - documented)
    assert not missing, f"add to docs/api/*.rst: {missing}"
