"""A stand-in for ``mdpsim.run`` used to test the experiment layer's mechanics.

Same signature and the same long-table schema; its numbers are exact and reproducible: seed
``i`` draws, from ``Generator(PCG64(SeedSequence(rng).spawn(n)[i]))``, one random
deterministic policy per episode and records that policy's exact value on the true model
(``mdpsim.evaluate``), so regret is cumulative exact regret of a random player. ``sleep``
(seconds per cell) slows a cell down for kill/concurrency tests; ``fail`` raises.
"""
from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

import mdpsim
from mdpsim.experiment.spec import AlgorithmCatalogue


def _is_float(v):
    return None if isinstance(v, (int, float)) and not isinstance(v, bool) else "must be a float"


def _is_bool(v):
    return None if isinstance(v, bool) else "must be of type bool"


CATALOGUE = AlgorithmCatalogue(names=("random", "random2"),
                               params={"random": {"sleep": _is_float, "fail": _is_bool},
                                       "random2": {"sleep": _is_float, "fail": _is_bool}})


def run(algorithm, mdp, *, episodes, seeds=1, rng=0, eval_every="auto", threads=None,
        sleep=0.0, fail=False):
    if fail:
        raise RuntimeError(f"{algorithm} failed on purpose")
    idx = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    vstar = float(mdpsim.solve(mdp).value)
    rows = []
    for i in idx:
        ss = np.random.SeedSequence(rng, spawn_key=(i,))
        gen = np.random.Generator(np.random.PCG64(ss))
        regret = 0.0
        t0 = time.perf_counter()
        for k in range(1, episodes + 1):
            policy = gen.integers(0, mdp.A, size=(mdp.horizon, mdp.S))
            v = float(mdp.init @ mdpsim.evaluate(mdp, policy)[0])
            regret += vstar - v
            rows.append((i, ",".join(map(str, ss.spawn_key)), k, v, vstar, regret,
                         v + gen.normal(), k - 1, time.perf_counter() - t0))
    if sleep:
        time.sleep(sleep)
    df = pd.DataFrame(rows, columns=["seed", "spawn_key", "episode", "value", "optimal_value",
                                     "regret", "return", "switches", "wall_time"])
    df.insert(0, "algorithm", algorithm)
    df.insert(1, "env", mdp.name or "TabularMDP")
    df.insert(2, "params", json.dumps({"sleep": sleep, "fail": fail}, sort_keys=True))
    return df
