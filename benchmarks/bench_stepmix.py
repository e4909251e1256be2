"""Per-episode cost of the conservative learners against UCBVI-CH, measured in one run
(``python -m pytest benchmarks/bench_stepmix.py -q`` or ``python benchmarks/bench_stepmix.py``);
report: ``benchmarks/results/stepmix_cost.md`` (and ``.json``).

StepMix's extra work per episode is the certification: the direct lower-confidence pass of
the optimistic policy, the baseline's bounds (one fused pass) and the compiled, warm-started
search for the mixing weight (a few passes of the anchored certificate) — all inside the
compiled episode loop. Target (issue 4): StepMix's per-episode cost within 5x UCBVI-CH's.

Cases: RiverSwim (S = 6, H = 20) and Garnet G(10, 3, 3) (H = 10), V^b = 0.7 V*, α = 0.1;
two phases: K = 1500 (RiverSwim: the mixing weight is still below 1 in most episodes, the
search runs every episode — the worst case) and K = 20 000 (a whole run, the weight reaches 1
and the search stops after one pass). Contenders: UCBVI-CH (bonus 0.003), StepMix (per-step
and switch), EpsMix, the budget method, with the same bonus. Timing: interleaved rounds,
each contender keeps its minimum CPU time (``time.process_time``; one seed, one thread).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pytest

import mdpsim

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET = 5.0

ENVS = {"RiverSwim": ("riverswim", dict(S=6, horizon=20)),
        "Garnet": ("garnet", dict(S=10, A=3, b=3, horizon=10, rng=3))}
CONTENDERS = {"UCBVI-CH": ("ucbvi_ch", {}),
              "StepMix": ("stepmix", {}),
              "StepMix-switch": ("stepmix", {"mixture": "switch"}),
              "EpsMix": ("epsmix", {}),
              "Budget": ("budget_ucbvi", {})}
COMMON = {"bonus_scale": 0.003}
CONS = {"baseline_fraction": 0.7, "alpha": 0.1, "cert_scale": 0.1}


def _time(name, mdp, K, kw):
    t0 = time.process_time()
    df = mdpsim.run(name, mdp, episodes=K, seeds=1, rng=0, threads=1, eval_every=("log", 20),
                    **kw)
    return time.process_time() - t0, df


def measure(phases=(1500, 20_000), rounds=5) -> list[dict]:
    rows = []
    for env, (ename, ekw) in ENVS.items():
        mdp = mdpsim.make(ename, **ekw)
        for lab, (name, extra) in CONTENDERS.items():      # compile / load once
            kw = {**COMMON, **extra, **({} if name == "ucbvi_ch" else CONS)}
            _time(name, mdp, 20, kw)
        for K in phases:
            best = {lab: np.inf for lab in CONTENDERS}
            aux = {}
            for _ in range(rounds):
                for lab, (name, extra) in CONTENDERS.items():
                    kw = {**COMMON, **extra, **({} if name == "ucbvi_ch" else CONS)}
                    t, df = _time(name, mdp, K, kw)
                    best[lab] = min(best[lab], t)
                    aux[lab] = float(df.aux.mean()) if "aux" in df else np.nan
            for lab in CONTENDERS:
                rows.append({"env": env, "episodes": K, "algorithm": lab,
                             "us_per_episode": 1e6 * best[lab] / K,
                             "ratio_vs_ucbvi": best[lab] / best["UCBVI-CH"],
                             "mean_recorded_weight": aux[lab]})
    return rows


def write_report(rows):
    RESULTS.mkdir(exist_ok=True)
    meta = {"date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "loadavg": os.getloadavg()}
    (RESULTS / "stepmix_cost.json").write_text(json.dumps({"meta": meta, "rows": rows},
                                                          indent=1))
    lines = ["# Conservative learners: per-episode cost vs UCBVI-CH (same run)", "",
             f"{meta['date']}, Python {meta['python']}, {meta['cpus']} CPUs, load average "
             f"{', '.join(f'{x:.1f}' for x in meta['loadavg'])}. Minimum CPU time over "
             f"interleaved rounds; one seed, one thread; target ratio <= {TARGET:g} for "
             f"StepMix.", "",
             "| env | K | algorithm | µs / episode | ratio vs UCBVI-CH | mean weight (recorded) |",
             "|---|---:|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['env']} | {r['episodes']} | {r['algorithm']} | "
                     f"{r['us_per_episode']:.1f} | {r['ratio_vs_ucbvi']:.2f} | "
                     f"{r['mean_recorded_weight']:.3f} |")
    (RESULTS / "stepmix_cost.md").write_text("\n".join(lines) + "\n")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def cost_rows():
    rows = measure()
    write_report(rows)
    return rows


def test_stepmix_per_episode_cost_within_5x_ucbvi(cost_rows):
    for r in cost_rows:
        if r["algorithm"].startswith("StepMix"):
            assert r["ratio_vs_ucbvi"] <= TARGET, r


if __name__ == "__main__":
    print(write_report(measure()))
