"""Shared helpers of the conservative-exploration figures (stepmix_*.py): loading stored
results (never running anything), series labels, violation statistics, baseline levels."""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd

import mdpsim
from mdpsim.theory import wilson_interval

RECON = ("StepMix / EpsMix / budget rule: reconstructions of arXiv:2306.06265 "
         "(mixture family, certificates, weight search)")
COLORS = {"StepMix": "#0072B2", "EpsMix": "#D55E00", "Budget": "#009E73",
          "UCBVI-CH": "#CC79A7", "Baseline": "#555555", "StepMix-switch": "#56B4E9"}


def load(experiment, results="results", profile=None):
    """``(table, profile)``: the stored cells of ``profile`` (default: ``full``, else
    ``quick``) of the current spec; empty table if none."""
    def get(p):
        try:
            return mdpsim.load(experiment, out=results, profile=p)
        except ValueError:         # nothing stored for that profile
            return pd.DataFrame()

    if profile is not None:
        return get(profile), profile
    df = pd.DataFrame()
    for p in ("full", "quick"):
        df = get(p)
        if not df.empty:
            return df, p
    return df, "full"


def need(df, experiment, profile):
    if df.empty:
        raise ValueError(f"no stored results of {experiment} ({profile} profile); run "
                         f"`mdpsim run {experiment} --profile quick` (or full) first")


def alpha_of(df) -> pd.Series:
    return df["alpha"].astype(float)


@lru_cache(maxsize=64)
def levels(env_name: str, env_params: str, fraction: float, kind: str = "uniform"):
    """``(V*, V^b)`` of the stored environment and baseline (recomputed exactly from the
    registered factory and ``baseline_policy``: cheap, deterministic)."""
    from mdpsim.engine.side import baseline_policy
    mdp = mdpsim.make(env_name, **json.loads(env_params))
    b = baseline_policy(mdp, fraction, kind=kind)
    return b.optimal_value, b.value


def env_levels(d):
    """``(V*, V^b)`` for the rows ``d`` of one environment (``env`` column: the model's
    name, ``"riverswim(S=6)"``, whose prefix is the registered factory)."""
    r = d.iloc[0]
    return levels(str(r["env"]).split("(")[0], str(r["env_params"]),
                  float(r["baseline_fraction"]), str(r.get("baseline_kind", "uniform")))


def final_rows(df):
    """One row per run (the last recorded episode of each seed)."""
    keys = ["env_label", "alg_label", "alg_params", "seed"]
    last = df.groupby(keys, observed=True).episode.transform("max")
    return df[df.episode == last]


def violation_table(df, by=("env_label", "alg_label", "alg_params")):
    """Per setting: seeds, seeds with any violating episode, violating episodes (sum and
    max over seeds), episodes K, the fraction of violating seeds with its Wilson 95% CI."""
    f = final_rows(df)
    rows = []
    for key, g in f.groupby(list(by), observed=True):
        n = int(g.seed.nunique())
        k = int((g.below_floor > 0).sum())
        lo, hi = wilson_interval(k, n)
        rows.append({**dict(zip(by, key)), "seeds": n, "violating_seeds": k,
                     "fraction": k / n if n else np.nan, "ci_lo": lo, "ci_hi": hi,
                     "violating_episodes": int(g.below_floor.sum()),
                     "max_per_seed": int(g.below_floor.max()),
                     "episodes": int(g.episode.max()),
                     "alpha": float(g.alpha.iloc[0]) if "alpha" in g else np.nan,
                     "delta": float(g.delta.iloc[0]) if "delta" in g and
                     g.delta.notna().any() else np.nan})
    return pd.DataFrame(rows)
