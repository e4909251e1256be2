"""``mdpsim.run``: K episodes x n seeds of a registered online algorithm, exact regret.

Seeds are independent streams: seed ``i`` uses ``numpy.random.Generator(PCG64(c_i))`` with
``c_i = SeedSequence(root).spawn(n)[i]`` (built directly from the root's entropy and spawn
key, so the root is never mutated and seed ``i`` is the same whatever ``n``, the thread count
or the subset of seeds run). Each seed runs its whole K-episode loop in one compiled call
that releases the GIL; seeds are spread over a thread pool. Results do not depend on the
number of threads.
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .._rng import as_seed_sequence
from ..algorithms import get_algorithm, model_info
from ..models import TabularMDP
from ..models.robust import RobustMDP
from ..settings import as_setting
from ..settings.episodic import EPISODIC_COLUMNS
from .side import side_info
from .agent import Agent, _check_episodic
from .driver import compiled_loop, compiled_lazy_loop, policy_value
from .reference import reference_loop

__all__ = ["run", "schedule", "COLUMNS", "EPS_COLUMNS", "eps_columns", "seed_sequence"]

#: Output columns of :func:`run` (one row per seed x recorded episode), besides one column
#: per hyper-parameter of the algorithm; the metric columns (``value``, ``optimal_value``,
#: ``regret``, ``realized_regret``) are the episodic setting's, and another setting's
#: table redefines them (``df.attrs["columns"]``, from :attr:`mdpsim.settings.Setting.columns`).
COLUMNS = {
    "algorithm": "registered name of the algorithm",
    "env": "the MDP's name (mdp.name, or 'TabularMDP')",
    "params": "JSON object of all hyper-parameter values (they also have one column each)",
    "reconstructed": "comma-separated parts of the algorithm that are reconstructions, not "
                     "the paper's text ('' if none)",
    "reward_noise": "'none' (realised reward = mean R) or 'bernoulli' (Bernoulli(R) draws)",
    "seed": "seed index i; its stream is SeedSequence(root).spawn(n)[i]",
    "spawn_key": "the seed's SeedSequence spawn key, comma-separated",
    "root_entropy": "entropy of the root SeedSequence (as a string)",
    "episode": "episode number k (1-based); only recorded episodes have rows",
    "value": EPISODIC_COLUMNS["value"],
    "optimal_value": EPISODIC_COLUMNS["optimal_value"],
    "regret": EPISODIC_COLUMNS["regret"],
    "return": "realised return of episode k (random: sampled transitions, and rewards when "
              "reward_noise='bernoulli')",
    "realized_regret": EPISODIC_COLUMNS["realized_regret"],
    "switches": "number of episodes j in 2..k whose policy table differs from episode "
                "j-1's (exact comparison)",
    "estimate": "the algorithm's own estimate of its value at the initial distribution in "
                "episode k (UCBVI: optimistic V_bar_1; PSRL: the sampled model's optimal "
                "value; greedy: the empirical model's value; Q-learning: its V_1)",
    "wall_time": "seconds from the start of that seed's loop to the end of episode k (NaN "
                 "where no monotonic clock is available)",
    "aux": "the algorithm's per-episode diagnostic from its report hook (StepMix: mixing "
           "weight λ_k; EpsMix: ε_k; NaN for algorithms without one)",
    "below_floor": "number of episodes j <= k (all, not only recorded ones) whose exact "
                   "value is below the level reported by the algorithm (conservative "
                   "learners: (1 - α) V^b, i.e. constraint violations); 0 without one",
}

#: Sample-complexity columns of :func:`run` with ``eps_grid`` (none without it): two per
#: ``eps`` of the grid, named with ``repr(eps)`` (e.g. ``eps_mistakes@0.01``).
EPS_COLUMNS = {
    "eps_mistakes@<eps>": "number of ε-mistakes up to episode k: episodes j <= k (all, not only "
                          "recorded ones) with V*_1 - V^{pi_j}_1 > eps, exact",
    "eps_settle@<eps>": "1 + the last ε-mistake j <= k (1 if none): the policy has been "
                        "eps-optimal in every episode from there to k; at the last episode K, "
                        "the settling episode K_eps (K + 1: not settled)",
}


def eps_columns(eps: float) -> tuple[str, str]:
    """The names of the two sample-complexity columns of ``eps``:
    ``("eps_mistakes@<repr>", "eps_settle@<repr>")``."""
    r = repr(float(eps))
    return f"eps_mistakes@{r}", f"eps_settle@{r}"


def _eps_grid(eps_grid) -> np.ndarray:
    """``eps_grid`` as ``float64[m]``, sorted, unique, positive and finite (empty: off)."""
    if eps_grid is None:
        return np.zeros(0)
    try:
        e = np.asarray(eps_grid, dtype=np.float64)
    except (TypeError, ValueError):
        e = np.asarray([np.nan])
    if e.ndim == 0:
        e = e.reshape(1)
    if e.ndim != 1 or e.size == 0 or np.any(~np.isfinite(e)) or np.any(e <= 0):
        raise ValueError(f"eps_grid must be a non-empty sequence of positive finite numbers, "
                         f"got {eps_grid!r}")
    return np.ascontiguousarray(np.unique(e))


_AUTO_EVERY_MAX = 10_000
_AUTO_LOG_POINTS = 200


def schedule(eval_every, episodes: int) -> np.ndarray:
    """1-based episodes to record, ``int64[n]`` increasing, always ending with ``episodes``.

    ``"every"``; an int ``m`` (``m, 2m, ...`` and K); ``"log"`` (100 log-spaced points) or
    ``("log", n)``; an explicit increasing sequence of episode numbers in ``[1, K]`` (K is
    appended); ``"auto"``: ``"every"`` up to K = 10 000 episodes, else ``("log", 200)``.
    """
    K = episodes
    if isinstance(eval_every, str):
        if eval_every == "auto":
            eval_every = "every" if K <= _AUTO_EVERY_MAX else ("log", _AUTO_LOG_POINTS)
        elif eval_every == "log":
            eval_every = ("log", 100)
    if isinstance(eval_every, str):
        if eval_every == "every":
            return np.arange(1, K + 1, dtype=np.int64)
        raise ValueError(f"eval_every must be 'auto', 'every', 'log', ('log', n), a positive "
                         f"int or a sequence of episodes; got {eval_every!r}")
    if isinstance(eval_every, (int, np.integer)) and not isinstance(eval_every, bool):
        if eval_every <= 0:
            raise ValueError(f"eval_every must be a positive integer, got {eval_every}")
        e = np.arange(int(eval_every), K + 1, int(eval_every), dtype=np.int64)
    elif isinstance(eval_every, tuple) and len(eval_every) == 2 and eval_every[0] == "log":
        n = eval_every[1]
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"eval_every=('log', n) needs an integer n >= 2, got {n!r}")
        e = np.unique(np.rint(np.geomspace(1, K, int(n))).astype(np.int64))
    else:
        try:
            e = np.asarray(eval_every)
        except (TypeError, ValueError):
            e = np.asarray([])
        if e.ndim != 1 or e.size == 0 or e.dtype.kind not in "iu":
            raise ValueError("eval_every must be 'auto', 'every', 'log', ('log', n), a positive "
                             f"int or a sequence of episode numbers; got {eval_every!r}")
        e = e.astype(np.int64)
        if np.any(np.diff(e) <= 0) or e[0] < 1 or e[-1] > K:
            raise ValueError(f"eval_every episodes must be strictly increasing within [1, {K}]")
    if e.size == 0 or e[-1] != K:
        e = np.append(e, np.int64(K))
    return e


def seed_sequence(root: np.random.SeedSequence, i: int) -> np.random.SeedSequence:
    """``root.spawn(n)[i]`` for a fresh ``root``, without mutating ``root``."""
    return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (int(i),),
                                  pool_size=root.pool_size)


def _check_positive_int(name, v):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def _seed_indices(seeds) -> list:
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        return list(range(_check_positive_int("seeds", seeds)))
    if isinstance(seeds, (list, tuple, range, np.ndarray)):
        idx = list(seeds)
        if not idx or any(isinstance(i, bool) or not isinstance(i, (int, np.integer)) or i < 0
                          for i in idx) or len(set(idx)) != len(idx):
            raise ValueError("seeds must be a positive integer (the number of seeds) or a "
                             f"non-empty list of distinct non-negative seed indices; got {seeds!r}")
        return [int(i) for i in idx]
    raise ValueError("seeds must be a positive integer (the number of seeds) or a list of "
                     f"seed indices; got {seeds!r}")


def run(algorithm, mdp, *, episodes: int, seeds=1, rng=0, eval_every="auto",
        threads: int | None = None, reward_noise: str | None = None,
        engine: str = "compiled", reevaluate: str = "on_change", eps_grid=None,
        **hyperparameters) -> pd.DataFrame:
    """Run ``episodes`` episodes of ``algorithm`` in the setting of ``mdp`` for each seed.

    Parameters
    ----------
    algorithm : str
        A registered name (:func:`mdpsim.list_algorithms`); unknown names list the others.
    mdp : TabularMDP | RobustMDP | LinearMDP | Setting
        A finite-horizon ``TabularMDP`` (dense or successor lists; stationary or
        stage-dependent): the :class:`~mdpsim.settings.Episodic` setting. A finite-horizon
        ``RobustMDP``: the :class:`~mdpsim.settings.Robust` setting (the learner plays the
        nominal model; ``value`` / ``optimal_value`` / ``regret`` are the robust value, the
        robust optimum and the robust regret). A finite-horizon ``LinearMDP``: the
        :class:`~mdpsim.settings.Linear` setting (its exact tabular model, the features
        given to learners that need them; ``df.attrs["d"]``). Or an online :class:`~mdpsim.settings.Setting`.
        ``df.attrs["setting"]`` names the setting, ``df.attrs["columns"]`` its columns.
    episodes : int
        K > 0.
    seeds : int or sequence of int
        Number of seeds n (indices ``0..n-1``), or explicit seed indices.
    rng : int | SeedSequence | Generator
        Root seed; seed ``i`` uses ``SeedSequence(root).spawn(n)[i]``.
    eval_every : see :func:`schedule`
        Which episodes get a row. The exact value of the played policy is computed whenever
        the policy changes (and reused while it does not), so ``regret`` is the exact
        cumulative regret over *all* episodes at every recorded episode, whatever the
        schedule; the schedule only thins the output.
    threads : int, optional
        Thread-pool size over seeds (default ``min(n, os.cpu_count())``). Results do not
        depend on it.
    reward_noise : None | "bernoulli"
        Realised rewards are the means ``R`` (default) or ``Bernoulli(R)`` draws (needs
        ``0 <= R <= 1``); algorithms use the known ``R`` unless ``estimate_rewards=True``.
    engine : "compiled" | "reference"
        The compiled loop (default) or the plain-Python reference loop (slow; the oracle).
    reevaluate : "on_change" | "always"
        Evaluate the played policy when it changes (default) or in every episode (same
        numbers, more work; for benchmarks).
    eps_grid : sequence of float, optional
        Sample complexity: for each ε of the grid (positive; sorted and de-duplicated), two
        columns (:data:`EPS_COLUMNS`, names from :func:`eps_columns`): the number of
        ε-mistakes (episodes whose exact value is more than ε below ``V*_1``) and ``1 +`` the
        last mistake, both counted over *all* episodes up to the row's episode, inside the
        episode loop (exact whatever ``eval_every``). :func:`mdpsim.theory.eps_mistakes`
        reads them as one row per seed and ε. Without it (default) the table is exactly what
        it is without this feature.
    **hyperparameters
        The algorithm's hyper-parameters (wrong names or types are rejected, naming the field).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per seed x recorded episode; columns documented in
        :data:`COLUMNS`, plus one column per hyper-parameter. ``df.attrs`` holds the run's
        metadata (hyper-parameter sources and theory values, paper, timings; for a learner on
        the lazy contract, ``time_split``: per seed, nanoseconds in ``plan``, in the exact
        evaluation and in the roll-out, see :mod:`mdpsim.engine.driver`).
    """
    algo = get_algorithm(algorithm)
    setting = _setting(mdp)
    mdp = setting.learner_model()
    lazy = getattr(algo, "contract", "table") == "lazy"
    if lazy and setting.evaluator is not policy_value:
        raise ValueError(f"{algo.name} plays a lazy policy (contract = 'lazy'), which the engine "
                         f"evaluates over reachable states in the episodic and linear settings "
                         f"only; got {setting.describe()}")
    K = _check_positive_int("episodes", episodes)
    idx = _seed_indices(seeds)
    rec = schedule(eval_every, K)
    if reward_noise in (None, "none"):
        noise = False
    elif reward_noise == "bernoulli":
        noise = True
        if mdp.has_next_rewards and mdp.storage == "successors":
            rn, L = mdp.R_next_successors, mdp.successors   # per successor: stays sparse
            bad = np.argwhere((rn < 0) | (rn > 1))
            if bad.size:
                j, k = (int(x) for x in bad[0])
                row = int(np.searchsorted(L.indptr, k, side="right")) - 1
                h, rem = divmod(row, mdp.S * mdp.A)
                lab = ((max(h, j),) if (L.n_stages > 1 or rn.shape[0] > 1) else ()) + (
                    rem // mdp.A, rem % mdp.A, int(L.indices[k]))
                raise ValueError(f"reward_noise='bernoulli' needs mean rewards in [0, 1]; "
                                 f"R_next[{', '.join(map(str, lab))}] = {rn[j, k]!r}")
        R = mdp.R if not mdp.has_next_rewards else (
            mdp.R_next if mdp.storage == "dense" else mdp.R)
        bad = np.argwhere((R < 0) | (R > 1))
        if bad.size:
            i = tuple(int(x) for x in bad[0])
            raise ValueError(f"reward_noise='bernoulli' needs mean rewards in [0, 1]; "
                             f"R[{', '.join(map(str, i))}] = {R[i]!r}")
    else:
        raise ValueError(f"reward_noise must be None, 'none' or 'bernoulli'; got {reward_noise!r}")
    if engine not in ("compiled", "reference"):
        raise ValueError(f"engine must be 'compiled' or 'reference'; got {engine!r}")
    if reevaluate not in ("on_change", "always"):
        raise ValueError(f"reevaluate must be 'on_change' or 'always'; got {reevaluate!r}")
    eps = _eps_grid(eps_grid)
    hp = algo.resolve(hyperparameters)
    if threads is None:
        threads = min(len(idx), os.cpu_count() or 1)
    threads = _check_positive_int("threads", threads)

    info = model_info(mdp, K, side_info(algo, mdp, hp, features=setting.side_features(),
                                        model_class=setting.side_model_class()))
    vstar = float(setting.optimum())
    root = as_seed_sequence(rng)
    env = setting.simulator_env()
    ev = setting.eval_env()
    if engine != "compiled":
        loop = None
    else:
        loop = compiled_lazy_loop(algo) if lazy else compiled_loop(algo, setting.evaluator)
    always = reevaluate == "always"

    def one(i):
        gen = np.random.Generator(np.random.PCG64(seed_sequence(root, i)))
        if engine == "compiled":
            state = algo.init_state(info, hp)
            params = algo.params(info, hp)
            return loop(state, params, env, ev, K, rec, vstar, gen, noise, always,
                        eps if eps.size else None)
        side = setting.side_features() is not None or setting.side_model_class() is not None
        agent = Agent(algo, setting if side else mdp,
                      rng=gen, episodes=K, **hp)
        return reference_loop(agent, mdp, K, rec, vstar, gen, noise, eps,
                              value=setting.reference_value)

    t0 = time.perf_counter()
    if threads == 1 or len(idx) == 1:
        outs = [one(i) for i in idx]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            outs = list(pool.map(one, idx))
    elapsed = time.perf_counter() - t0
    df = _frame(algo, _env_name(setting), hp, idx, root, rec, vstar, outs, noise, eps)
    df.attrs.update({
        "algorithm": algo.name, "title": algo.title, "paper": algo.paper,
        "hyperparameters": dict(hp), "sources": algo.sources(),
        "theory": {p.name: p.theory for p in algo.hyperparameters if p.theory is not None},
        "reconstructed": list(algo.reconstructed), "episodes": K, "seeds": idx,
        "engine": engine, "threads": threads, "elapsed": elapsed,
        "evaluations": [int(o[7]) for o in outs], "columns": {**COLUMNS, **setting.columns},
        "setting": setting.describe(), **setting.attrs(),
    })
    if lazy and engine == "compiled":   # the loop's own split of the time (ns per seed)
        df.attrs["time_split"] = [
            {"plan": int(o[12][0]), "evaluation": int(o[12][1]), "rollout": int(o[12][2])}
            for o in outs]
    if eps.size:
        df.attrs["eps_grid"] = eps.tolist()
        df.attrs["columns"].update(EPS_COLUMNS)
    return df


def _setting(model):
    """The online setting of ``run``'s model argument (one-line errors otherwise)."""
    if isinstance(model, TabularMDP):
        _check_episodic(model, "run()")
    if isinstance(model, RobustMDP) and not model.finite_horizon:
        raise ValueError(f"run() needs a finite-horizon RobustMDP (horizon=H); this one is "
                         f"discounted (gamma={model.gamma}): score policies with "
                         f"mdpsim.settings.Robust(rmdp).evaluate_sequence")
    setting = as_setting(model)
    if not setting.online:
        setting.learner_model()   # raises: this setting has no online loop
    return setting


def _env_name(setting) -> str:
    """The ``env`` column: the model's name (``'TabularMDP'`` / ``'RobustMDP'`` if unnamed)."""
    rm = getattr(setting, "rmdp", None)
    if rm is not None:
        return rm.name or rm.nominal.name or "RobustMDP"
    return setting.learner_model().name or "TabularMDP"


def _frame(algo, env_name, hp, idx, root, rec, vstar, outs, noise, eps) -> pd.DataFrame:
    n = rec.shape[0]
    m = len(idx)
    def cat(v):  # a constant column, as a categorical (no per-row Python objects)
        return pd.Categorical.from_codes(np.zeros(n * m, dtype=np.int8), categories=[v])

    cols = {
        "algorithm": cat(algo.name),
        "env": cat(env_name),
    }
    for k, v in hp.items():
        cols[k] = cat(v) if isinstance(v, str) else np.full(n * m, v)
    cols["params"] = cat(json.dumps(hp, sort_keys=True))
    cols["reconstructed"] = cat(",".join(algo.reconstructed))
    cols["reward_noise"] = cat("bernoulli" if noise else "none")
    cols["seed"] = np.repeat(np.asarray(idx, dtype=np.int64), n)
    keys = [",".join(str(x) for x in seed_sequence(root, i).spawn_key) for i in idx]
    cols["spawn_key"] = pd.Categorical.from_codes(np.repeat(np.arange(m), n), categories=keys)
    cols["root_entropy"] = cat(str(root.entropy))
    cols["episode"] = np.tile(rec, m)
    cols["value"] = np.concatenate([o[0] for o in outs])
    cols["optimal_value"] = np.full(n * m, vstar)
    cols["regret"] = np.concatenate([o[2] for o in outs])
    cols["return"] = np.concatenate([o[1] for o in outs])
    cols["realized_regret"] = np.concatenate([o[3] for o in outs])
    cols["switches"] = np.concatenate([o[4] for o in outs]).astype(np.int64)
    cols["estimate"] = np.concatenate([o[5] for o in outs])
    cols["wall_time"] = np.concatenate([o[6] for o in outs])
    cols["aux"] = np.concatenate([o[8] for o in outs])
    cols["below_floor"] = np.concatenate([o[9] for o in outs]).astype(np.int64)
    if eps.size:
        mist = np.concatenate([o[10] for o in outs]).astype(np.int64)
        settle = np.concatenate([o[11] for o in outs]).astype(np.int64)
        for i, e in enumerate(eps):
            cm, cs = eps_columns(e)
            cols[cm] = mist[:, i]
            cols[cs] = settle[:, i]
    return pd.DataFrame(cols)
