"""Figure: LSVI-UCB final regret vs d (S = 20) and vs S (d = 5), UCBVI-CH on the same
tabular models — experiments/lsvi_ucb_scaling.py.

Reads stored results only. Left: final regret vs d on log–log axes (seed mean, 95% band), the
fitted exponent of regret in d (least squares on log–log, 95% bootstrap interval over seeds)
next to the theorem's d^{3/2} (interval: two-level bootstrap, instances then seeds). Right: final regret vs S for LSVI-UCB and UCBVI-CH, with each
one's fitted exponent in S (LSVI-UCB: expected ~0, flat; UCBVI: grows). Each point is the
mean over five random instances and the seeds. Writes
``<figdir>/lsvi_ucb_scaling.png`` / ``.pdf`` and ``lsvi_ucb_scaling_fits.csv``.

Usage: ``python paper_figs/lsvi_ucb_scaling.py [--profile quick|full] [--results DIR]
[--figdir DIR]``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

import mdpsim
from mdpsim import plot

EXPERIMENT = "lsvi_ucb_scaling"


def _load(results, profile):
    for p in ([profile] if profile else ["full", "quick"]):
        try:
            df = mdpsim.load(EXPERIMENT, out=results, profile=p)
        except ValueError:
            continue
        if not df.empty:
            return df, p
    raise ValueError(f"no stored results of {EXPERIMENT} under {results}/; run `mdpsim run "
                     f"{EXPERIMENT} --profile quick` first")


def final_table(df: pd.DataFrame, key: str) -> pd.DataFrame:
    last = df[df.episode == df.episode.max()].copy()
    pars = [json.loads(str(p)) for p in last.env_params]
    last[key] = [p[key] for p in pars]
    last["instance"] = [p.get("rng", 0) for p in pars]
    return last[[key, "instance", "alg_label", "seed", "regret"]]


def fit_exponent(t: pd.DataFrame, key: str, n_boot: int = 2000, rng=0) -> tuple:
    """Slope of log(mean regret over instances and seeds) vs log(key), with a 95% two-level
    bootstrap interval: at each ``key`` value resample the instances, then the seeds within
    each resampled instance."""
    vals = sorted(t[key].unique())
    x = np.log(np.asarray(vals, dtype=float))
    mats = [t[t[key] == v].pivot_table(index="instance", columns="seed",
                                       values="regret").to_numpy() for v in vals]
    slope = np.polyfit(x, np.log([m.mean() for m in mats]), 1)[0]
    g = np.random.default_rng(rng)

    def draw(m):
        inst = m[g.integers(0, m.shape[0], m.shape[0])]
        cols = g.integers(0, m.shape[1], inst.shape)
        return np.take_along_axis(inst, cols, axis=1).mean()

    bs = [np.polyfit(x, np.log([draw(m) for m in mats]), 1)[0] for _ in range(n_boot)]
    return float(slope), float(np.quantile(bs, 0.025)), float(np.quantile(bs, 0.975))


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = _load(results, profile)
    fig, axes = plot.figure(1, 2, width=7.0, height=3.2)
    axes = np.asarray(axes).reshape(-1)
    rows = []
    for ax, env, key in ((axes[0], "d-sweep", "d"), (axes[1], "S-sweep", "S")):
        t = final_table(df[df.env_label == env], key)
        for alg, col in (("LSVI-UCB", "C0"), ("UCBVI-CH", "C1")):
            ta = t[t.alg_label == alg]
            if ta.empty:
                continue
            s, lo, hi = fit_exponent(ta, key)
            rows.append({"sweep": env, "algorithm": alg, "exponent": s, "lo": lo, "hi": hi,
                         "n_instances": int(ta.instance.nunique()),
                         "n_seeds": int(ta.seed.nunique()),
                         "values": sorted(int(v) for v in ta[key].unique())})
            m = ta.groupby(key).regret.agg(["mean", "std", "count"])
            half = 1.96 * m["std"] / np.sqrt(m["count"])
            ax.errorbar(m.index, m["mean"], yerr=half, color=col, marker="o", ms=3,
                        label=f"{alg}: exponent {s:.2f} [{lo:.2f}, {hi:.2f}]")
        if key == "d":
            m = t[t.alg_label == "LSVI-UCB"].groupby("d").regret.mean()
            dd = np.array(m.index, dtype=float)
            ax.plot(dd, m.iloc[-1] * (dd / dd[-1]) ** 1.5, "k--", lw=0.8, label="d^{3/2}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(key)
        ax.set_ylabel("final cumulative regret (exact)")
        ax.legend(fontsize=6.5, frameon=False)
        ax.set_title(f"{env} (K = {int(df.episode.max()):,}, {profile})", fontsize=8)
    stem = Path(figdir) / EXPERIMENT
    paths = plot.save(fig, stem)
    fits = pd.DataFrame(rows)
    csv = stem.with_name(f"{EXPERIMENT}_fits.csv")
    fits.to_csv(csv, index=False)
    summary = "\n".join(f"{r.sweep:<8} {r.algorithm:<9} exponent {r.exponent:+.2f} "
                        f"[{r.lo:+.2f}, {r.hi:+.2f}] over {r['values']} ({r.n_seeds} seeds)"
                        for _, r in fits.iterrows())
    return {"paths": paths + [csv], "summary": summary, "fits": fits, "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
