"""Paired speed of two source trees of mdpsim on unmasked models (CPU time, alternating
processes); report: ``benchmarks/results/<name>.md``.

Usage::

    python benchmarks/compare_commits.py OLD_TREE NEW_TREE [--rounds 5] [--name NAME]

``OLD_TREE`` and ``NEW_TREE`` are folders holding an ``mdpsim/`` package (a ``git archive``
of a commit, a worktree). Each round starts one fresh process per tree, old then new then
(next round) new then old, with ``PYTHONPATH`` set to that tree and BLAS on one thread; the
process times every case below after one warm-up call (compiles, or loads from Numba's
on-disk cache) as the best of ``--repeats`` (default 3) calls, in CPU seconds
(``time.process_time``: less sensitive than wall clock to other jobs on a shared machine).
Per case and round the ratio is ``new / old`` (> 1: the new tree is slower); the report gives
the median ratio over rounds and its range. The cases are the core timed calls of
``bench_engine.py`` (A, A', C) and ``bench_planning.py`` (A, B, C), at sizes that keep one
process under a minute, plus the model constructor and an exact evaluation.

Every case runs on a model without any of the optional parts of :class:`TabularMDP` (no mask,
no next-state rewards, no terminal states, one criterion): what "unmasked models keep their
speed" is about.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = r'''
import json, sys, time
import numpy as np
import mdpsim

REPEATS = int(sys.argv[1])
A, H, GAMMA = 10, 50, 0.99
rng = np.random.default_rng(0)
P500 = rng.dirichlet(np.ones(500), size=(500, A))
R500 = rng.random((500, A))
P100, R100 = P500[:100, :, :100] / P500[:100, :, :100].sum(-1, keepdims=True), R500[:100]
dense_fh = mdpsim.TabularMDP(P500, R500, horizon=H)
dense_disc = mdpsim.TabularMDP(P500, R500, gamma=GAMMA)
small_disc = mdpsim.TabularMDP(P100, R100, gamma=GAMMA)
garnet_fh = mdpsim.make("garnet", S=2000, A=A, b=5, rng=0, horizon=H)
garnet_disc = mdpsim.make("garnet", S=2000, A=A, b=5, rng=0, gamma=GAMMA)
river = mdpsim.make("riverswim", S=6, horizon=20)
garnet_small = mdpsim.make("garnet", S=200, A=5, b=5, horizon=20, rng=0)
pol_fh = np.zeros((H, 500), dtype=np.int64)

cases = {
    "engine: ucbvi_ch RiverSwim(6) H=20, K=20000, eval every": lambda: mdpsim.run(
        "ucbvi_ch", river, episodes=20_000, eval_every="every"),
    "engine: psrl RiverSwim(6) H=20, K=10000, eval every": lambda: mdpsim.run(
        "psrl", river, episodes=10_000, eval_every="every"),
    "engine: optq RiverSwim(6) H=20, K=20000, eval every": lambda: mdpsim.run(
        "optq", river, episodes=20_000, eval_every="every"),
    "engine: ucbvi_ch Garnet(200,5,5) H=20, K=500": lambda: mdpsim.run(
        "ucbvi_ch", garnet_small, episodes=500, eval_every=[500]),
    "engine: reference loop ucbvi_ch RiverSwim(6), K=100": lambda: mdpsim.run(
        "ucbvi_ch", river, episodes=100, eval_every="every", engine="reference"),
    "planning: backward induction dense S=500 A=10 H=50": lambda: mdpsim.backward_induction(
        dense_fh),
    "planning: backward induction Garnet S=2000 A=10 b=5 H=50": lambda:
        mdpsim.backward_induction(garnet_fh),
    "planning: VI dense S=500 gamma=0.99 tol=1e-6": lambda: mdpsim.value_iteration(
        dense_disc, tol=1e-6),
    "planning: VI Garnet S=2000 gamma=0.99 tol=1e-6": lambda: mdpsim.value_iteration(
        garnet_disc, tol=1e-6),
    "planning: PI dense S=100": lambda: mdpsim.policy_iteration(small_disc),
    "planning: evaluate finite dense S=500 H=50": lambda: mdpsim.evaluate(dense_fh, pol_fh),
    "model: TabularMDP(P, R) dense S=500 A=10": lambda: mdpsim.TabularMDP(P500, R500,
                                                                         horizon=H),
}
# short calls are repeated so that each timed unit takes >= ~20 ms (process_time's
# resolution and the scheduler's noise matter less); times are per call
inner = {k: 1 for k in cases}
for k in cases:
    if k.startswith("planning: VI") or k.startswith("planning: backward induction Garnet"):
        inner[k] = 10
    if k.startswith("planning: PI") or k.startswith("model:"):
        inner[k] = 20
out = {}
for name, fn0 in cases.items():
    n = inner[name]
    fn = (lambda fn0=fn0, n=n: [fn0() for _ in range(n)])
    fn()                                   # warm-up: compile or load the cache
    best = float("inf")
    for _ in range(REPEATS):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    out[name] = best / n
print("RESULT " + json.dumps(dict(file=mdpsim.__file__, times=out)))
'''


def _child(tree: Path, repeats: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    res = subprocess.run([sys.executable, "-c", _CHILD, str(repeats)], env=env, cwd=str(tree),
                         capture_output=True, text=True, timeout=3600)
    if res.returncode != 0:
        raise SystemExit(f"child on {tree} failed:\n{res.stderr[-3000:]}")
    line = [x for x in res.stdout.splitlines() if x.startswith("RESULT ")][-1]
    got = json.loads(line[len("RESULT "):])
    want = (tree / "mdpsim" / "__init__.py").resolve()
    if Path(got["file"]).resolve() != want:
        raise SystemExit(f"child imported {got['file']}, expected {want}")
    return got["times"]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--name", default="unmasked_speed")
    ap.add_argument("--label-old", default="old")
    ap.add_argument("--label-new", default="new")
    a = ap.parse_args(argv)
    old, new = a.old.resolve(), a.new.resolve()
    rounds = []
    for i in range(a.rounds):
        order = (("old", old), ("new", new)) if i % 2 == 0 else (("new", new), ("old", old))
        r = {k: _child(t, a.repeats) for k, t in order}
        rounds.append(r)
        print(f"round {i + 1}/{a.rounds}: " + ", ".join(
            f"{n[:24]} {r['new'][n] / r['old'][n]:.3f}" for n in r["old"]), flush=True)
    names = list(rounds[0]["old"])
    rows = []
    for n in names:
        ratios = [r["new"][n] / r["old"][n] for r in rounds]
        o, w = min(r["old"][n] for r in rounds), min(r["new"][n] for r in rounds)
        rows.append(dict(case=n, old_s=o, new_s=w, best_ratio=w / o,
                         median_ratio=statistics.median(ratios), min_ratio=min(ratios),
                         max_ratio=max(ratios), ratios=ratios))
    try:
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    head = (f"{_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')}; "
            f"{platform.machine()}, {os.cpu_count()} CPUs; Python {platform.python_version()}; "
            f"load average at the end: {load}")
    lines = [f"# Unmasked models: speed of {a.label_new} vs {a.label_old}", "",
             f"Run: {head}", "",
             f"`python benchmarks/compare_commits.py OLD NEW --rounds {a.rounds} --repeats "
             f"{a.repeats}`: {a.rounds} rounds of one fresh process per tree (alternating "
             "order), each case the best of "
             f"{a.repeats} calls in CPU seconds after a warm-up; ratio = new / old per round "
             "(> 1: new slower); `best new / best old` compares each tree's best over all "
             "rounds (the least disturbed run of each).", "",
             f"old = {a.label_old}; new = {a.label_new}.", "",
             "| case | old best (ms) | new best (ms) | best new / best old | median new/old "
             "| range over rounds |",
             "|---|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['case']} | {1e3 * r['old_s']:.4g} | {1e3 * r['new_s']:.4g} | "
                     f"{r['best_ratio']:.3f} | {r['median_ratio']:.3f} | {r['min_ratio']:.3f}-{r['max_ratio']:.3f} |")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"{a.name}.md").write_text("\n".join(lines) + "\n")
    (out / f"{a.name}.json").write_text(json.dumps(dict(run=head, old=a.label_old,
                                                        new=a.label_new, rows=rows), indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
