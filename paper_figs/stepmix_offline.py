"""Figure: conservative exploration with an offline-learned baseline — violations and regret
vs the number n of behaviour trajectories (reconstruction of the extension of
arXiv:2306.06265) — experiments/stepmix_offline.py.

Reads stored results only. Top row: the fraction of seeds with any episode below
(1 - α) V^{π^β} (exact DP; π^β the unknown behaviour policy, V^{π^β} = 0.7 V*), with 95%
Wilson intervals, vs n, for StepMix and EpsMix run on the empirical baseline π̂^b (V^b
unknown, counts seeded with the data) and for π̂^b played alone; horizontal ticks: the same
learners given π^b and V^b (n = "known"). Bottom row: mean cumulative regret at the last
episode vs n with its 95% band; dashed: the known-baseline runs. Writes
``stepmix_offline.png`` / ``.pdf``.

Usage: ``mdpsim figs stepmix_offline`` or ``python paper_figs/stepmix_offline.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stepmix_common import COLORS, RECON, load, need, violation_table, final_rows  # noqa: E402

from mdpsim import plot  # noqa: E402

EXPERIMENT = "stepmix_offline"
ENVS = ["RiverSwim", "Garnet"]
SERIES = ["StepMix", "EpsMix", "Baseline"]
#: small horizontal offsets (multiplicative) and markers so that coinciding series stay visible
JITTER = {"StepMix": 0.9, "EpsMix": 1.0, "Baseline": 1.1}
MARKER = {"StepMix": "o", "EpsMix": "s", "Baseline": "^"}


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    df, profile = load(EXPERIMENT, results, profile)
    need(df, EXPERIMENT, profile)
    tab = violation_table(df)
    tab["n"] = [int(final_rows(df[(df.env_label == e) & (df.alg_label == a) &
                                  (df.alg_params == p)]).offline_n.iloc[0])
                for e, a, p in zip(tab.env_label, tab.alg_label, tab.alg_params)]
    fin = final_rows(df)
    reg = fin.groupby(["env_label", "alg_label", "offline_n"], observed=True).regret.agg(
        ["mean", "std", "count"]).reset_index()
    reg["half"] = 1.96 * reg["std"] / np.sqrt(reg["count"])
    envs = [e for e in ENVS if e in set(tab.env_label)]
    fig, axes = plot.figure(2, len(envs), width=9.0, height=6.2)
    lines = [f"offline-learned baseline [{profile} profile]: fraction of violating seeds, "
             f"violating episodes, regret at K"]
    for j, env in enumerate(envs):
        ax, bx = axes[0, j], axes[1, j]
        t = tab[tab.env_label == env]
        r = reg[reg.env_label == env]
        for lab in SERIES:
            g = t[(t.alg_label == lab)].sort_values("n")
            col = COLORS.get(lab, "k")
            if not g.empty:
                y = g.fraction.to_numpy()
                ax.errorbar(g.n * JITTER[lab], y, yerr=[np.clip(y - g.ci_lo, 0, None), np.clip(g.ci_hi - y, 0, None)], color=col,
                            marker=MARKER[lab], ms=3.5, lw=1.1, capsize=2,
                            label=f"{lab} on π̂^b")
                rr = r[r.alg_label == lab].sort_values("offline_n")
                bx.plot(rr.offline_n * JITTER[lab], rr["mean"], color=col, marker=MARKER[lab],
                        ms=3.5, lw=1.1, label=f"{lab} on π̂^b")
                bx.fill_between(rr.offline_n, rr["mean"] - rr.half, rr["mean"] + rr.half,
                                color=col, alpha=0.2, lw=0)
                for _, row in g.iterrows():
                    rg = rr[rr.offline_n == row.n]["mean"]
                    lines.append(f"  {env:<10} {lab:<9} n={row.n:>5}: violating seeds "
                                 f"{row.violating_seeds:>2}/{row.seeds} "
                                 f"[{row.ci_lo:.2f}, {row.ci_hi:.2f}], violating episodes "
                                 f"{row.violating_episodes:>6}, regret "
                                 f"{float(rg.iloc[0]) if len(rg) else np.nan:8.1f}")
            kn = t[t.alg_label == f"{lab}-known"]
            if not kn.empty:
                ax.axhline(float(kn.fraction.iloc[0]), color=col, lw=0.8, ls="--")
                rk = r[r.alg_label == f"{lab}-known"]["mean"]
                bx.axhline(float(rk.iloc[0]), color=col, lw=0.9, ls="--",
                           label=f"{lab}, π^b and V^b given")
                lines.append(f"  {env:<10} {lab:<9} known baseline: violating seeds "
                             f"{int(kn.violating_seeds.iloc[0])}/{int(kn.seeds.iloc[0])}, "
                             f"regret {float(rk.iloc[0]):8.1f}")
        for a in (ax, bx):
            a.set_xscale("log")
            a.set_xlabel("offline trajectories n")
            a.grid(True, alpha=0.3, lw=0.5)
        ax.set_ylim(-0.03, 1.03)
        ax.set_ylabel("fraction of seeds with any violation")
        ax.set_title(f"{env}: violations of (1-α)V^(π^β), α = 0.1", fontsize=9)
        ax.legend(fontsize=6, frameon=False)
        bx.set_ylabel(f"regret at K = {int(fin.episode.max()):,}")
        bx.set_title(f"{env}: regret", fontsize=9)
        bx.legend(fontsize=6, frameon=False)
    n = int(tab.seeds.min())
    fig.suptitle(f"Offline-learned baseline ({n} seeds, {profile} profile; points offset "
                 f"horizontally where series coincide).\n{RECON}.\nOffline extension "
                 f"reconstructed (π̂^b, V^b unknown, counts seeded).\nStepMix and EpsMix "
                 f"coincide — with V^b unknown the anchor V̲^b stays below (1-α)Ū^b until the "
                 f"optimistic policy itself is certified.", fontsize=7)
    paths = plot.save(fig, Path(figdir) / EXPERIMENT)
    return {"paths": paths, "summary": "\n".join(lines), "profile": profile}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
