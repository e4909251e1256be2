"""Per-episode engine cost of this tree against an earlier commit, as paired runs.

Two versions of the package cannot be imported into one process, so this script is not a
pytest-benchmark file: it checks the base commit out into a temporary git worktree and runs
the same small timing program alternately on the two trees, ``--rounds`` times, each run in a
fresh process with a warm compiled-code cache (one warm-up run per tree first). Each run
times ``mdpsim.run(algorithm, riverswim(S=6, H=20), episodes=K, seeds=1, threads=1)`` and the
same with ``2K`` episodes, best of three, in CPU time (``time.process_time``, less sensitive
to other jobs than wall time). Reported per algorithm: the median over rounds of

* ``per_episode`` = CPU(K) / K (includes ``run()``'s fixed cost), and
* ``marginal`` = (CPU(2K) - CPU(K)) / K (the cost of one more episode),

for both trees, and their ratios (this tree / base). Only ``mdpsim.run`` and ``mdpsim.make``
are used, so any commit since the engine existed can be the base.

Usage::

    python benchmarks/ab_commits.py --base dd2589e --algorithms epsmix stepmix ucbvi_ch \\
        --output benchmarks/results/engine_ab.md
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROGRAM = r"""
import sys, time
import mdpsim
alg, K = sys.argv[1], int(sys.argv[2])
mdp = mdpsim.make("riverswim", S=6, horizon=20)
mdpsim.run(alg, mdp, episodes=50, seeds=1, threads=1)
t1 = t2 = float("inf")
for _ in range(3):
    c = time.process_time(); mdpsim.run(alg, mdp, episodes=K, seeds=1, threads=1)
    a = time.process_time() - c
    c = time.process_time(); mdpsim.run(alg, mdp, episodes=2 * K, seeds=1, threads=1)
    b = time.process_time() - c
    t1 = min(t1, a); t2 = min(t2, b)
print(t1 / K * 1e6, (t2 - t1) / K * 1e6)
"""


def _measure(tree: Path, alg: str, K: int) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", PROGRAM, alg, str(K)], env=env, cwd=tempfile.gettempdir(),
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="the commit to compare against")
    ap.add_argument("--algorithms", nargs="+", default=["epsmix", "stepmix", "ucbvi_ch"])
    ap.add_argument("--episodes", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--output", type=Path, default=None)
    a = ap.parse_args(argv)
    base_sha = subprocess.run(["git", "rev-parse", "--short", a.base], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    head_sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="mdpsim_ab_") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), a.base], cwd=ROOT,
                       check=True)
        try:
            res = {alg: {"head": [], "base": []} for alg in a.algorithms}
            for alg in a.algorithms:       # warm both caches
                _measure(ROOT, alg, 100)
                _measure(base, alg, 100)
            for r in range(a.rounds):
                for alg in a.algorithms:
                    for name, tree in (("base", base), ("head", ROOT)) if r % 2 == 0 else \
                            (("head", ROOT), ("base", base)):
                        res[alg][name].append(_measure(tree, alg, a.episodes))
                        print(f"round {r + 1}/{a.rounds} {alg:10s} {name}: "
                              f"{res[alg][name][-1][0]:.3f} us/episode", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT,
                           check=False)
    lines = [f"# Engine cost per episode: HEAD ({head_sha}) vs {base_sha}", "",
             f"Generated {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC by "
             f"`python benchmarks/ab_commits.py --base {a.base} --rounds {a.rounds}`. "
             f"RiverSwim(S = 6, H = 20), K = {a.episodes} and 2K episodes, one seed, CPU time, "
             "best of 3 per run, median over rounds of alternating fresh processes "
             f"(load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores).",
             "", "| algorithm | base µs/ep | HEAD µs/ep | ratio | base marginal | HEAD marginal "
             "| ratio |", "|---|---|---|---|---|---|---|"]
    for alg, d in res.items():
        bp = statistics.median(x[0] for x in d["base"])
        hp = statistics.median(x[0] for x in d["head"])
        bm = statistics.median(x[1] for x in d["base"])
        hm = statistics.median(x[1] for x in d["head"])
        lines.append(f"| {alg} | {bp:.3f} | {hp:.3f} | {hp / bp:.3f} | {bm:.3f} | {hm:.3f} | "
                     f"{hm / bm:.3f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.output:
        a.output.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
