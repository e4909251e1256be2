"""Figure: exact return vs test perturbation q on the fail-state MDP of the policies trained on
the nominal model by DR-RPO (a reconstruction), RPO-nominal, DR-LSVI-UCB and LSVI-UCB —
experiments/dr_rpo_perturbation.py.

Reads stored results only (``mdpsim.load``); never runs an algorithm. For each learner the
seed mean of the exact return (in the q-perturbed model) of the policy played in the last
training episode, with its 95% band over seeds (t interval). The summary gives, for each
robust/non-robust pair (DR-RPO vs RPO-nominal, DR-LSVI-UCB vs LSVI-UCB), the crossing
q* of the seed means (exact: for a fixed policy the return is affine in q, so the crossing of
the two lines through q = 0 and q = 1 is exact; the grid values are checked to be affine) with
a 95% bootstrap interval over seeds, the returns at q = 0 and q = 1, and the closed-form
threshold of the two deterministic step-1 choices. Writes ``<figdir>/dr_rpo_perturbation.png``
/ ``.pdf`` and ``dr_rpo_perturbation.csv``.

Usage: ``mdpsim figs dr_rpo_perturbation`` or ``python paper_figs/dr_rpo_perturbation.py
[--profile quick|full] [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _bootstrap import two_sample_interval  # noqa: E402
from _stored import load_run, save_run  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "dr_rpo_perturbation"
ALGS = ["DR-RPO", "RPO-nominal", "DR-LSVI-UCB", "LSVI-UCB"]
PAIRS = [("DR-RPO", "RPO-nominal"), ("DR-LSVI-UCB", "LSVI-UCB")]
MARKERS = {"DR-RPO": "o", "RPO-nominal": "s", "DR-LSVI-UCB": "^", "LSVI-UCB": "v"}


def closed_form_threshold(delta=0.3, xi_norm=0.2, p_fail=0.001) -> float:
    """q at which the all(-1) and all(+1) step-1 choices have equal return (both optimal
    afterwards): ``(1 - p)(1 - p_fail) V_2(x2) + p (1 - q) 2`` equal for ``p = δ ± ξ``, i.e.
    ``2 (1 - q) = (1 - p_fail) V_2(x2)``."""
    p = delta + xi_norm
    v2 = p + (1.0 - p) * (1.0 - p_fail) * p + p
    return 1.0 - (1.0 - p_fail) * v2 / 2.0


def table(df: pd.DataFrame) -> pd.DataFrame:
    """``[alg_label, seed, q, value]`` at the last episode."""
    last = df[df.episode == df.episode.max()].copy()
    last["q"] = last.env_params.map(lambda t: float(json.loads(t)["q_test"]))
    return last[["alg_label", "seed", "q", "value"]].astype({"alg_label": str})


def crossing(a0, a1, b0, b1):
    """q where the lines through (0, a0), (1, a1) and (0, b0), (1, b1) meet (NaN: parallel or
    outside [0, 1])."""
    den = (a1 - a0) - (b1 - b0)
    if abs(den) < 1e-15:
        return np.nan
    q = (b0 - a0) / den
    return q if 0.0 <= q <= 1.0 else np.nan


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load_run(EXPERIMENT, results, profile, required=False)
    if df.empty:
        raise ValueError(f"no stored results of {EXPERIMENT} ({profile} profile) under "
                         f"{results}/; run `mdpsim run {EXPERIMENT} --profile quick` first")
    t = table(df)
    algs = [a for a in ALGS if a in set(t.alg_label)]
    wide = {a: t[t.alg_label == a].pivot(index="seed", columns="q", values="value")
            for a in algs}
    # affine check: every seed's return is affine in q
    nonaffine = 0.0
    for w in wide.values():
        qs = w.columns.to_numpy()
        pred = np.outer(w[0.0], 1 - qs) + np.outer(w[1.0], qs)
        nonaffine = max(nonaffine, float(np.max(np.abs(w.to_numpy() - pred))))
    colors = dict(zip(ALGS, ["tab:blue", "tab:red", "tab:cyan", "tab:orange"]))
    fig, axes = plot.figure(1, 1, width=5.0, height=3.6)
    ax = axes[0, 0]
    rows = []
    for a in algs:
        w = wide[a]
        qs = w.columns.to_numpy()
        m = w.mean(axis=0).to_numpy()
        n = w.shape[0]
        half = 1.96 * w.std(axis=0, ddof=1).to_numpy() / np.sqrt(n) if n > 1 else 0 * m
        ax.plot(qs, m, marker=MARKERS[a], ms=4, lw=2.2 if a == "DR-RPO" else 1.2,
                ls="--" if a.endswith("LSVI-UCB") else "-", color=colors[a], label=a)
        ax.fill_between(qs, m - half, m + half, color=colors[a], alpha=0.2, lw=0)
        rows += [{"alg_label": a, "q": q, "mean": mm, "half95": hh, "n_seeds": n}
                 for q, mm, hh in zip(qs, m, half)]
    qc = closed_form_threshold()
    ax.axvline(qc, color="0.4", ls=":", lw=1, label=f"closed-form q* = {qc:.3f}")
    ax.set_xlabel("test perturbation q (mass of x5 moved to the fail state at step 1)")
    ax.set_ylabel("exact return of the trained policy")
    ax.set_title(f"fail-state MDP, trained K = {int(df.episode.max()):,} episodes on q = 0 "
                 f"(ρ = 0.5, β_reg = 0.01)\n{profile} profile, {len(wide[algs[0]])} seeds: "
                 f"mean and 95% band; DR-RPO: reconstruction", fontsize=7)
    ax.legend(fontsize=6.5)
    ax.grid(alpha=0.3)
    out = pd.DataFrame(rows)
    paths = save_run(fig, figdir, EXPERIMENT, {"": out})
    g = np.random.default_rng(0)
    lines = [f"{EXPERIMENT} [{profile} profile]: exact return at the last training episode "
             f"(K = {int(df.episode.max()):,}) in the q-perturbed fail-state MDP; DR-RPO is a "
             f"reconstruction. Returns affine in q to {nonaffine:.1e}.",
             f"closed-form threshold of the deterministic step-1 choices: q* = {qc:.4f}"]
    for a in algs:
        w = wide[a]
        lines.append(f"  {a:<12} return at q=0 {w[0.0].mean():.4f}, at q=0.5 "
                     f"{w[0.5].mean():.4f}, at q=1 {w[1.0].mean():.4f} ({w.shape[0]} seeds)")
    for r, nr in PAIRS:
        if r not in wide or nr not in wide:
            continue
        A, B = wide[r], wide[nr]
        q = crossing(A[0.0].mean(), A[1.0].mean(), B[0.0].mean(), B[1.0].mean())
        lo, hi, _ = two_sample_interval(
            lambda i, j: crossing(A[0.0].to_numpy()[i].mean(), A[1.0].to_numpy()[i].mean(),
                                  B[0.0].to_numpy()[j].mean(), B[1.0].to_numpy()[j].mean()),
            len(A), len(B), g)
        lines.append(f"  {r} beats {nr} for q > q* = {q:.4f} (95% bootstrap [{lo:.4f}, "
                     f"{hi:.4f}]); cost at q = 0: {B[0.0].mean() - A[0.0].mean():.4f}, gain at "
                     f"q = 1: {A[1.0].mean() - B[1.0].mean():.4f}")
    return {"paths": paths, "summary": "\n".join(lines), "table": out,
            "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
