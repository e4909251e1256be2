"""``mdpsim report NAME``: one self-contained HTML page about an experiment's stored results.

The page holds, with nothing to fetch (figures are embedded as base64 PNG):

* what was run: the experiment, its description, the profile, the spec hash, the seeds (number
  and root seed), the cells stored, and the run record (versions, times, executor);
* every figure its spec lists (``figures``; ``paper_figs/<name>.py``), drawn from the stored
  results only, with the figure's own summary;
* the claims table: every ``*fits*.csv`` a figure wrote (fitted exponents with their
  intervals, the theory's rate and bound, the acceptance rule and the verdict); for a spec of
  planners, one row per environment x planner entry from the planner's declared acceptance
  rule (e.g. DRPG: final ``rel_gap <= 1e-3``), with the pass count over the stored instances
  and the worst value (a claim holds when every instance passes and none is missing);
* provenance: each algorithm's (planner's) hyper-parameters with their source (``paper``,
  ``paper-code``, ``proposed``, ``user``: set by the spec) and the parts that are
  reconstructions;
* the spec itself (canonical JSON).

It never runs an experiment; cells not stored are reported as missing.
"""
from __future__ import annotations

import base64
import html
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["write_report"]

_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ccc;
padding:.2em .5em;text-align:right}th{background:#f3f3f3}pre{background:#f7f7f7;padding:.8em;
overflow-x:auto;font-size:.8em}img{max-width:100%;border:1px solid #eee}.pass{color:#075}
.fail{color:#b00;font-weight:bold}.meta td{text-align:left}"""


def _verdict_cell(v) -> str:
    s = str(v)
    cls = "pass" if s in ("True", "pass", "consistent") or s.startswith("pass") else \
        ("fail" if s in ("False", "fail", "FAIL") or s.startswith("FAIL") else "")
    return f'<span class="{cls}">{html.escape(s)}</span>' if cls else html.escape(s)


def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    out = ["<table><tr>" + "".join(f"<th>{html.escape(str(c))}</th>" for c in cols) + "</tr>"]
    for _, row in df.iterrows():
        cells = []
        for c in cols:
            v = row[c]
            if c in ("passed", "verdict"):
                cells.append("<td>(no acceptance rule)</td>" if pd.isna(v)
                             else f"<td>{_verdict_cell(v)}</td>")
            elif isinstance(v, float):
                cells.append(f"<td>{v:.4g}</td>")
            else:
                cells.append(f"<td>{html.escape(str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out + ["</table>"])


def write_report(experiment: str, *, out="results", profile: str | None = None,
                 path=None) -> Path:
    """Write the report of ``experiment`` (a name or spec path) and return its path
    (default ``reports/<name>.html``). ``profile``: default the last run's, else ``full``."""
    from ..algorithms import get_algorithm
    from . import load
    from .figures import find_figure, run_figure
    from .spec import load_spec
    from .store import Store

    if profile is None:
        try:
            man = json.loads((Path(out) / Path(experiment).stem / "manifest.json").read_text())
            profile = man.get("profile") or "full"
        except (OSError, ValueError):
            profile = "full"
    spec = load_spec(experiment, profile=profile)
    store = Store(Path(out) / spec.name)
    df = load(spec, out=out, profile=profile)
    cells = {c.id for c in spec.cells()}
    stored = set(df.cell_id.unique()) if len(df) else set()
    man = store.manifest() or {}
    d = spec.data
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>mdpsim report: "
             f"{html.escape(spec.name)}</title><style>{_CSS}</style></head><body>",
             f"<h1>{html.escape(spec.name)} <small>[{html.escape(profile)} profile]</small>"
             f"</h1><p>{html.escape(d.get('description', ''))}</p>",
             "<table class='meta'>"]
    planner = d.get("task") == "planner"
    count = (("iterations", d["iterations"]) if planner else ("episodes", d["episodes"]))
    seeds = (f"{d['seeds']} instances per environment (root seed {d['root_seed']}; seed i "
             f"builds its instance with SeedSequence(root, spawn_key=(*spawn_key, i)) unless "
             f"the environment's params fix rng)" if planner else
             f"{d['seeds']} (root seed {d['root_seed']}; seed i uses "
             f"SeedSequence(root).spawn(n)[i])")
    meta = [("spec hash", spec.hash), ("spec file", spec.source), count, ("seeds", seeds),
            ("cells", f"{len(cells & stored)} of {len(cells)} stored"
                      + ("" if cells <= stored else " — the others are missing from this report")),
            ("last run", f"{man.get('run_id', '?')}: {man.get('status', '?')}, started "
                         f"{man.get('started', '?')}, finished {man.get('finished', '?')}, "
                         f"executor {man.get('executor', '?')}"),
            ("versions", ", ".join(f"{k} {v}" for k, v in (man.get("environment") or {}).items()
                                   if k in ("mdpsim", "python", "numpy", "numba", "pandas")))]
    parts += [f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(str(v))}</td></tr>"
              for k, v in meta]
    parts.append("</table>")

    claims, figs_html = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in d.get("figures", []):
            try:
                res = run_figure(find_figure(name), results=out, figdir=tmp, profile=profile)
            except (ValueError, OSError) as exc:
                figs_html.append(f"<h3>{html.escape(name)}</h3><p class='fail'>not drawn: "
                                 f"{html.escape(str(exc).splitlines()[0])}</p>")
                continue
            figs_html.append(f"<h3>{html.escape(name)}</h3>")
            for p in map(Path, res.get("paths", [])):
                if p.suffix == ".png":
                    b64 = base64.b64encode(p.read_bytes()).decode()
                    figs_html.append(f"<figure><img alt='{html.escape(p.stem)}' "
                                     f"src='data:image/png;base64,{b64}'><figcaption>"
                                     f"{html.escape(p.name)}</figcaption></figure>")
                elif p.suffix == ".csv" and "fit" in p.stem:
                    claims.append((p.stem, pd.read_csv(p)))
            if res.get("summary"):
                figs_html.append(f"<pre>{html.escape(res['summary'])}</pre>")
    parts.append("<h2>Claims</h2>")
    if planner:
        parts += _planner_claims(spec, df)
    if claims:
        parts.append("<p>Fitted log–log exponents with their 95% bootstrap intervals over "
                     "seeds, the theory's rate and bound, the acceptance rule and the "
                     "verdict (a claim is accepted by an upper bound on the exponent).</p>")
        for stem, t in claims:
            parts += [f"<h3>{html.escape(stem)}</h3>", _table(t)]
    elif not planner:
        parts.append("<p>No figure of this experiment writes a fits table.</p>")
    parts.append("<h2>Figures</h2>")
    parts += figs_html

    parts.append("<h2>" + ("Planners" if planner else "Algorithms") +
                 ": provenance and reconstructions</h2>")
    rows = _planner_provenance(spec) if planner else []
    for label, a in ({} if planner else d["algorithms"]).items():
        try:
            algo = get_algorithm(a["algorithm"])
        except (KeyError, ValueError):
            continue
        rec = ""
        if len(df) and "reconstructed" in df.columns:
            vals = df.loc[df.alg_label == label, "reconstructed"].astype(str).unique()
            rec = "; ".join(v for v in vals if v and v != "nan")
        src = ", ".join(f"{k}: {v}" for k, v in algo.sources().items())
        rows.append({"label": label, "algorithm": a["algorithm"],
                     "paper": getattr(algo, "paper", ""), "hyper-parameter sources": src,
                     "reconstructed parts": rec or "none"})
    if rows:
        parts.append(_table(pd.DataFrame(rows)))
    parts += ["<h2>Spec</h2>",
              f"<pre>{html.escape(json.dumps(d, indent=1, sort_keys=True, default=str))}</pre>",
              "</body></html>"]
    dest = Path(path) if path is not None else Path("reports") / f"{spec.name}.html"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text("\n".join(parts), encoding="utf-8")
    return dest


def _planner_claims(spec, df: pd.DataFrame) -> list:
    """Claims table of a spec of planners: per environment x planner entry, the planner's
    acceptance rule applied to every stored instance (seed)."""
    from ..algorithms import get_planner

    expected: dict = {}
    for c in spec.cells():
        i0, i1 = c.content["seeds"]
        key = (c.content["env"]["label"], c.content["algorithm"]["label"])
        expected.setdefault(key, [c.content["algorithm"]["name"], 0])[1] += i1 - i0
    rows = []
    for (elabel, alabel), (pname, n) in expected.items():
        acc = get_planner(pname).acceptance
        d = df[(df.env_label == elabel) & (df.alg_label == alabel)] if len(df) else df
        row = {"environment": elabel, "planner entry": alabel, "planner": pname,
               "rule": ("(none)" if acc is None else
                        f"{acc.column} {'of the last iterate' if acc.at == 'last' else 'best'}"
                        f" <= {acc.max:g}"), "instances": f"{d.seed.nunique() if len(d) else 0}"
                                                        f" of {n} stored"}
        if acc is None or not len(d) or acc.column not in d.columns:
            row.update({"passed": "-", "worst": float("nan"), "verdict": None})
        else:
            vals, ok = [], 0
            for _, g in d.groupby("seed"):
                col = g.sort_values("iteration")[acc.column].to_numpy()
                vals.append(col[-1] if acc.at == "last" else np.nanmin(col))
                ok += acc.passed(g)
            m = d.seed.nunique()
            row.update({"passed": f"{ok}/{m}", "worst": float(np.max(vals)),
                        "verdict": ("pass" if ok == m == n else "FAIL") + f" ({ok}/{n})"})
        rows.append(row)
    out = ["<p>Each planner's declared acceptance rule (the claim) applied to every stored "
           "instance; <i>worst</i> is the largest value of the rule's column. A claim holds "
           "when every instance of the entry passes and none is missing.</p>"]
    if rows:
        t = pd.DataFrame(rows)
        out.append(_table(t))
        ruled = t.verdict.dropna()
        out.append(f"<p>{sum(v.startswith('pass') for v in ruled)} of {len(ruled)} claims "
                   f"hold; {t.verdict.isna().sum()} entries have no acceptance rule.</p>")
    return out


def _planner_provenance(spec) -> list:
    """One row per planner entry: the planner, its paper, every hyper-parameter's value and
    source on the entry's environments (model-dependent defaults, such as DRPG's per
    rectangularity, are resolved on the first instance of each environment) and the
    reconstructed parts."""
    import mdpsim
    from ..algorithms import get_planner, resolve_hyperparameters
    from .spec import planner_instance_rng

    firsts: dict = {}
    for c in spec.cells():
        key = (c.content["algorithm"]["label"], c.content["env"]["label"])
        firsts.setdefault(key, c.content)
    by_label: dict = {}
    for (alabel, elabel), content in firsts.items():
        a = content["algorithm"]
        pl = get_planner(a["name"])
        hp = dict(a["params"])
        preset = hp.pop("preset", "default")
        if pl.iterations is not None:
            hp[pl.iterations] = content["iterations"]
        rng = planner_instance_rng(content, content["seeds"][0])
        params = dict(content["env"]["params"]) if rng is None else \
            {**content["env"]["params"], "rng": rng}
        try:
            model = mdpsim.make(content["env"]["name"], **params)
            res = resolve_hyperparameters(pl, model, hp, preset)
            if pl.iterations in res:       # set by the spec's 'iterations', not by a user
                res[pl.iterations] = (res[pl.iterations][0], "spec iterations")
        except Exception as exc:  # noqa: BLE001 - a report never fails on provenance
            res = {"error": (str(exc).splitlines()[0], "")}
        src = ", ".join(f"{k}={v} [{s}]" for k, (v, s) in res.items())
        ent = by_label.setdefault(alabel, {"planner": pl, "preset": preset, "src": {}})
        ent["src"].setdefault(src, []).append(elabel)
    rows = []
    for alabel, ent in by_label.items():
        pl = ent["planner"]
        srcs = ent["src"]
        text = "; ".join((f"{', '.join(envs)}: " if len(srcs) > 1 else "") + s
                         for s, envs in srcs.items())
        rows.append({"label": alabel, "planner": pl.name, "preset": ent["preset"],
                     "paper": pl.paper, "hyper-parameters [source]": text,
                     "reconstructed parts": "; ".join(pl.reconstructed) or "none"})
    return rows
