"""Cold start of a small ``mdpsim run`` (a fresh process) with an empty compiled-code cache,
after ``mdpsim compile``, and with a warm cache. ``python benchmarks/bench_compile.py [ALG]``.

Each case runs in its own empty ``$MDPSIM_CACHE_DIR`` (``$NUMBA_CACHE_DIR`` unset), so the
cache of the user is neither used nor touched:

* ``cold``: ``mdpsim run`` with an empty cache (compiles everything it touches);
* ``after compile``: ``mdpsim compile ALG`` (not timed), then ``mdpsim run``;
* ``warm``: the same ``mdpsim run`` again, into a new results folder.

Wall-clock seconds of the ``mdpsim run`` process (import, spec, cells, store). Target of issue
#18: ``after compile`` equal to ``warm`` within noise."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SPEC = '''
SPEC = {{"name": "coldstart", "root_seed": 1,
        "envs": {{"rs": {{"env": "riverswim", "params": {{"S": 6, "horizon": 10}}}}}},
        "algorithms": {{"a": "{alg}"}}, "episodes": 200, "seeds": 2, "seed_batch": 2,
        "eval_every": 50}}
'''


def _run(args, cache, cwd):
    env = dict(os.environ)
    env.pop("NUMBA_CACHE_DIR", None)
    env["MDPSIM_CACHE_DIR"] = str(cache)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "mdpsim.cli", *args], env=env, cwd=cwd,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    return time.perf_counter() - t0


def main(argv):
    alg = argv[0] if argv else "ucbvi_ch"
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        spec = d / "coldstart.py"
        spec.write_text(SPEC.format(alg=alg))
        run = ["run", str(spec), "--executor", "inline", "--no-progress", "--out"]
        cold = _run(run + [str(d / "r1")], d / "c1", d)
        t_compile = _run(["compile", alg, "--no-progress"], d / "c2", d)
        after = _run(run + [str(d / "r2")], d / "c2", d)
        warm = _run(run + [str(d / "r3")], d / "c2", d)
    print(f"{alg}: cold {cold:.1f} s, after `mdpsim compile {alg}` ({t_compile:.1f} s) "
          f"{after:.1f} s, warm {warm:.1f} s; after/warm {after / warm:.2f}x, "
          f"cold/warm {cold / warm:.1f}x")


if __name__ == "__main__":
    main(sys.argv[1:])
