"""Online-learning engine speed, as ratios measured in one run (``python -m pytest
benchmarks/bench_engine.py -q``); report: ``benchmarks/results/engine_ratios.md``.

A. UCBVI-CH on RiverSwim (S = 6, H = 20), exact value of the played policy at every
   episode (``eval_every="every"``): episodes per second of the compiled engine vs the
   reference engine (plain Python loop over the same kernels, evaluating every episode with
   the NumPy kernels). Target: >= 100x. The compiled engine evaluates a policy when it
   changes (the values are those of every episode, exactly); the ``reevaluate="always"``
   row evaluates every episode anyway and is reported next to it. Compiled: a whole
   K = 30 000-episode run (the regime the engine is for); reference: 300 episodes (its cost
   per episode does not depend on k). Headline = the median of three attempts. A short run
   (K = 3 000 on both) is reported for context: there the compiled engine's early policy
   changes (re-evaluations) and run()'s fixed cost weigh more.
B. Seeds in parallel: n seeds on a 2-thread pool vs the same seeds one after the other.
   Parallel efficiency = serial time / (threads x parallel time) (1 = perfect). On a shared
   2-vCPU machine this is bounded by what the other jobs leave free: the report records the
   load average and the cores the process actually got (CPU time / wall), and checks that the
   compiled call releases the GIL (a pure-Python thread keeps running during it).
C. Garnet S = 200, A = 5, b = 5, H = 20 (successor lists): one UCBVI-CH episode (plan over
   the empirical model + H steps + exact evaluation when the policy changes) against one
   backward induction on the true model (the same O(H S A b) sweep). Ratio = episode time /
   backward-induction time.
D. Compile / load: the first ``run()`` in a fresh process, with the on-disk Numba cache warm
   (what a worker pays) and cold (a private empty cache directory).

Timing: interleaved rounds, each contender keeps its minimum (``conftest.race``); wall
clock for A-C, plus CPU time (``time.process_time``) for A, which is less sensitive to
other jobs on the machine.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from numba import njit

import mdpsim
from mdpsim.kernels import get_backend
from mdpsim.planning import transitions

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ROWS: list[dict] = []
FACTS: list[dict] = []


def _row(section, case, ours, t_ours, base, t_base, unit, target=None, note=""):
    r = t_base / t_ours
    ROWS.append(dict(section=section, case=case, ours=ours, t_ours=t_ours, baseline=base,
                     t_base=t_base, unit=unit, ratio=r, target=target,
                     met=None if target is None else bool(r >= target), note=note))
    return r


def _fact(section, case, **values):
    FACTS.append(dict(section=section, case=case, **values))


def _race(contenders: dict, rounds: int = 5) -> tuple[dict, dict]:
    """Interleaved min-of-N wall and CPU seconds (one warm-up call each)."""
    for fn in contenders.values():
        fn()
    wall = {k: np.inf for k in contenders}
    cpu = {k: np.inf for k in contenders}
    for _ in range(rounds):
        for k, fn in contenders.items():
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall[k] = min(wall[k], time.perf_counter() - w)
            cpu[k] = min(cpu[k], time.process_time() - c)
    return wall, cpu


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


@pytest.fixture(scope="module", autouse=True)
def _write_report():
    yield
    if not (ROWS or FACTS):
        return
    import numba
    RESULTS.mkdir(exist_ok=True)
    head = (f"{_dt.datetime.now().isoformat(timespec='seconds')}; "
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
            f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"numba {numba.__version__}; load average at the end: {_load()}")
    lines = ["# Online-learning engine: speed ratios measured in one run", "",
             f"Run: {head}", "",
             "Ratio = baseline time / engine time per unit (> 1: engine faster), "
             "interleaved min-of-N in one process.", ""]
    for sec in dict.fromkeys([r["section"] for r in ROWS] + [f["section"] for f in FACTS]):
        lines += [f"## {sec}", ""]
        rows = [r for r in ROWS if r["section"] == sec]
        if rows:
            lines += ["| case | engine | µs/unit | baseline | µs/unit | unit | ratio | target | "
                      "met | note |", "|---|---|---:|---|---:|---|---:|---:|:-:|---|"]
            for r in rows:
                tgt = "" if r["target"] is None else f"≥ {r['target']:g}"
                met = "" if r["met"] is None else ("yes" if r["met"] else "**NO**")
                lines.append(f"| {r['case']} | {r['ours']} | {1e6 * r['t_ours']:.4g} | "
                             f"{r['baseline']} | {1e6 * r['t_base']:.4g} | {r['unit']} | "
                             f"{r['ratio']:.3g} | {tgt} | {met} | {r['note']} |")
            lines.append("")
        facts = [f for f in FACTS if f["section"] == sec]
        if facts:
            keys = list(dict.fromkeys(k for f in facts for k in f if k not in ("section",
                                                                               "case")))
            lines += ["| case | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
            for f in facts:
                cells = [(f"{v:.4g}" if isinstance(v, float) else str(v))
                         for v in (f.get(k, "") for k in keys)]
                lines.append(f"| {f['case']} | " + " | ".join(cells) + " |")
            lines.append("")
    (RESULTS / "engine_ratios.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "engine_ratios.json").write_text(json.dumps(
        dict(run=head, ratios=ROWS, facts=FACTS), indent=1, default=str))


# ------------------------------------------------------------------------------ A
def test_compiled_vs_reference_ucbvi_riverswim():
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    K_ref, K = 300, 30_000
    contenders = {
        "reference": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K_ref, eval_every="every",
                                        engine="reference"),
        "compiled": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K, eval_every="every"),
        "compiled_always": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K,
                                              eval_every="every", reevaluate="always"),
    }
    # noisy shared machine: three independent attempts; the headline is the attempt with
    # the median ratio (not the best), and every attempt's ratio is in the note
    attempts = []
    for _ in range(3):
        wall, cpu = _race(contenders, rounds=4)
        attempts.append(((wall["reference"] / K_ref) / (wall["compiled"] / K), wall, cpu))
    attempts.sort(key=lambda t: t[0])
    r, wall, cpu = attempts[1]
    sec = "A. Compiled vs reference engine: UCBVI-CH, RiverSwim(6), H = 20, exact value every episode"
    note = (f"median of 3 attempts (ratios {', '.join(f'{a[0]:.0f}' for a in attempts)}); "
            f"load avg {_load()}")
    _row(sec, "wall clock", "compiled (evaluate on change)", wall["compiled"] / K,
         "reference", wall["reference"] / K_ref, "episode", 100, note)
    _row(sec, "wall clock", "compiled (reevaluate='always')", wall["compiled_always"] / K,
         "reference", wall["reference"] / K_ref, "episode", None, note)
    _row(sec, "CPU time", "compiled (evaluate on change)", cpu["compiled"] / K,
         "reference", cpu["reference"] / K_ref, "episode", None, note)
    _row(sec, "CPU time", "compiled (reevaluate='always')", cpu["compiled_always"] / K,
         "reference", cpu["reference"] / K_ref, "episode", None, note)
    _fact(sec, "throughput", compiled_episodes_per_s=K / wall["compiled"],
          reference_episodes_per_s=K_ref / wall["reference"])
    # the reference costs the same per episode at any k (it plans, steps and evaluates every
    # episode), the compiled engine does not (it evaluates when the policy changes, mostly
    # early; plus run()'s fixed cost): a short run of K_short episodes on both, for context
    K_short = 3000
    w2, _ = _race({"reference": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K_short,
                                                   eval_every="every", engine="reference"),
                   "compiled": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K_short,
                                                  eval_every="every")}, rounds=2)
    _fact(sec, f"same K = {K_short} on both (short run)",
          compiled_episodes_per_s=K_short / w2["compiled"],
          reference_episodes_per_s=K_short / w2["reference"],
          ratio=w2["reference"] / w2["compiled"])
    assert r >= 100, f"compiled/reference = {r:.3g}x (median of 3) < 100x (see engine_ratios.md)"


def test_throughput_every_algorithm_riverswim():
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    K = 20_000
    algs = ["ucbvi_ch", "ucbvi_bf", "psrl", "optq", "greedy", "epsilon_greedy"]
    wall, cpu = _race({a: (lambda a=a: mdpsim.run(a, mdp, episodes=K, eval_every="every"))
                       for a in algs}, rounds=3)
    for a in algs:
        df = mdpsim.run(a, mdp, episodes=K, eval_every=[K])
        _fact("A'. Compiled throughput per algorithm, RiverSwim(6), H = 20, eval every episode",
              a, episodes_per_s=K / wall[a], us_per_episode_cpu=1e6 * cpu[a] / K,
              evaluations=int(df.attrs["evaluations"][0]), switches=int(df.switches.iloc[-1]))


# ------------------------------------------------------------------------------ B
@njit(nogil=True, cache=True)
def _spin_kernel(n):
    """Pure floating-point work (registers only): the machine's parallel ceiling."""
    x = 0.0
    for i in range(n):
        x = x * 0.999999 + 1.0
    return x


def test_parallel_efficiency_over_seeds():
    mdp = mdpsim.make("riverswim", S=6, horizon=20)
    K = 20_000
    runs = {
        "2 seeds serial": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K, seeds=2, threads=1,
                                             eval_every="log"),
        "2 seeds, 2 threads": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K, seeds=2,
                                                 threads=2, eval_every="log"),
        "4 seeds serial": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K, seeds=4, threads=1,
                                             eval_every="log"),
        "4 seeds, 2 threads": lambda: mdpsim.run("ucbvi_ch", mdp, episodes=K, seeds=4,
                                                 threads=2, eval_every="log"),
    }
    # the machine's own ceiling: a pure compute kernel (no memory traffic, no shared state,
    # GIL released) on 2 threads vs twice in a row — on 2 vCPUs that share a physical core
    # or a busy host this is well below 1, and no engine can do better
    from concurrent.futures import ThreadPoolExecutor
    work = int(2e7)
    _spin_kernel(10)

    def hw_serial():
        _spin_kernel(work)
        _spin_kernel(work)

    def hw_threads():
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(_spin_kernel, [work, work]))
    runs["hardware serial"] = hw_serial
    runs["hardware, 2 threads"] = hw_threads
    wall, cpu = _race(runs, rounds=4)
    hw_eff = wall["hardware serial"] / (2 * wall["hardware, 2 threads"])
    sec = "B. Seeds in parallel (UCBVI-CH, RiverSwim(6), K = 20 000 per seed), 2 threads"
    _fact(sec, "machine ceiling (pure compute kernel)", parallel_efficiency=hw_eff,
          cpu_count=os.cpu_count())
    for n in (2, 4):
        ser, par = wall[f"{n} seeds serial"], wall[f"{n} seeds, 2 threads"]
        _row(sec, f"{n} seeds", "2 threads", par, "serial", ser, "run", None,
             f"parallel efficiency {ser / (2 * par):.2f}; load avg {_load()}")
        # cores this process actually got (CPU time / wall): what bounds the speed-up on a
        # shared machine; per-seed CPU time shows the engine itself adds no contention
        _fact(sec, f"{n} seeds", speedup=ser / par, parallel_efficiency=ser / (2 * par),
              efficiency_over_machine_ceiling=ser / (2 * par) / hw_eff,
              cores_used_serial=cpu[f"{n} seeds serial"] / ser,
              cores_used_threads=cpu[f"{n} seeds, 2 threads"] / par,
              cpu_s_serial=cpu[f"{n} seeds serial"], cpu_s_threads=cpu[f"{n} seeds, 2 threads"],
              cpu_count=os.cpu_count())
    # the compiled call releases the GIL: a pure-Python thread keeps running during it
    import threading
    stop, count = [False], [0]

    def spin():
        while not stop[0]:
            count[0] += 1
    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.3)
    c0, w0 = count[0], time.perf_counter()
    time.sleep(0.5)
    alone = (count[0] - c0) / (time.perf_counter() - w0)
    c0, w0 = count[0], time.perf_counter()
    runs["2 seeds serial"]()
    during = (count[0] - c0) / (time.perf_counter() - w0)
    stop[0] = True
    t.join()
    _fact(sec, "GIL released during the compiled loop",
          python_thread_rate_during_over_alone=during / alone)
    assert during > 0.05 * alone
    # identical results whatever the thread count
    a = runs["4 seeds serial"]()
    b = runs["4 seeds, 2 threads"]()
    assert np.array_equal(a["regret"].to_numpy(), b["regret"].to_numpy())


# ------------------------------------------------------------------------------ C
def test_large_garnet_episode_vs_backward_induction():
    mdp = mdpsim.make("garnet", S=200, A=5, b=5, horizon=20, rng=0)
    kb = get_backend("numba")
    T, R3, H = transitions(mdp), mdp.stage_R(), mdp.horizon
    K = 1000
    out = {}

    def bi():
        for _ in range(20):
            kb.backward_induction(T, R3, H)

    def episodes():
        out["df"] = mdpsim.run("ucbvi_ch", mdp, episodes=K, eval_every=[K])

    wall, cpu = _race({"bi": bi, "episodes": episodes}, rounds=4)
    t_bi, t_ep = wall["bi"] / 20, wall["episodes"] / K
    sec = "C. Garnet(S=200, A=5, b=5), H = 20: one UCBVI-CH episode vs one backward induction"
    _row(sec, "per episode", "backward induction (true model)", t_bi, "UCBVI-CH episode",
         t_ep, "call", None, "ratio = episode time / BI time: one episode costs ratio BIs")
    ev = int(out["df"].attrs["evaluations"][0])
    _fact(sec, "UCBVI-CH, K = 1000", episode_over_backward_induction=t_ep / t_bi,
          evaluations=ev, episodes=K, us_per_episode=1e6 * t_ep, us_per_bi=1e6 * t_bi)


# ------------------------------------------------------------------------------ D
_FIRST_RUN = r"""
import time, json
t0 = time.perf_counter()
import mdpsim
t1 = time.perf_counter()
mdp = mdpsim.make("riverswim", S=6, horizon=20)
t2 = time.perf_counter()
mdpsim.run("ucbvi_ch", mdp, episodes=10, seeds=2)
t3 = time.perf_counter()
mdpsim.run("psrl", mdp, episodes=10, seeds=2)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "first_run_ucbvi_ch": t3 - t2, "first_run_psrl": t4 - t3}))
"""


def _fresh(env=None) -> dict:
    res = subprocess.run([sys.executable, "-c", _FIRST_RUN], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, cwd=str(HERE.parent), timeout=900)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_compile_and_load_time():
    _fresh()                                  # make sure the default cache is warm
    warm = _fresh()
    with tempfile.TemporaryDirectory() as d:
        cold = _fresh({"NUMBA_CACHE_DIR": d})
    sec = "D. First run() in a fresh process (RiverSwim, 10 episodes, 2 seeds)"
    for k in ("import", "first_run_ucbvi_ch", "first_run_psrl"):
        _fact(sec, k, warm_cache_s=warm[k], cold_cache_s=cold[k])
    assert warm["first_run_ucbvi_ch"] < cold["first_run_ucbvi_ch"]
