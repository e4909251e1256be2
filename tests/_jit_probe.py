"""Subprocess probe for ``tests/jit/test_jit_identity.py``: runs registered algorithms and writes
their tables, so a test can compare runs made in processes with different histories.

``python tests/_jit_probe.py OUT_DIR [--history] [--reverse] ALG [ALG ...]``

* without ``--history``: a fresh process runs only the named algorithms (short runs on the
  two probe environments) and writes ``OUT_DIR/<alg>__<env>.parquet``;
* with ``--history``: the process first runs *every* registered algorithm on both probe
  environments (other episodes, seeds and root seed than the probe runs), in registry order
  (``--reverse``: reversed), and only then the named ones.
"""
from __future__ import annotations

import pathlib
import sys

import mdpsim

EPISODES = 300
SEEDS = [0, 3]
ROOT = 11


def envs():
    return {"riverswim": mdpsim.make("riverswim", S=6, horizon=10),
            "garnet": mdpsim.make("garnet", S=8, A=3, b=3, horizon=8, rng=1)}


def hps(alg):
    """A baseline the Garnet can reach (uniform policy's V / V* is above the default 0.5)."""
    from mdpsim.algorithms import get_algorithm
    names = {p.name for p in get_algorithm(alg).hyperparameters}
    return {"baseline_fraction": 0.8} if "baseline_fraction" in names else {}


def table(alg, mdp):
    df = mdpsim.run(alg, mdp, episodes=EPISODES, seeds=SEEDS, rng=ROOT, eval_every="every",
                    **hps(alg))
    return df.drop(columns=["wall_time"])


def main(argv):
    out = pathlib.Path(argv[0])
    history = "--history" in argv
    reverse = "--reverse" in argv
    targets = [a for a in argv[1:] if not a.startswith("--")]
    models = envs()
    if history:
        algs = [a for a in mdpsim.list_algorithms()
                if not {"features", "model_class"}
                & set(mdpsim.algorithms.get_algorithm(a).needs)]   # tabular models only
        for alg in (algs[::-1] if reverse else algs):
            for mdp in models.values():
                mdpsim.run(alg, mdp, episodes=97, seeds=[1, 2], rng=5, **hps(alg))
    out.mkdir(parents=True, exist_ok=True)
    for alg in targets:
        for name, mdp in models.items():
            table(alg, mdp).to_parquet(out / f"{alg}__{name}.parquet")


if __name__ == "__main__":
    main(sys.argv[1:])
