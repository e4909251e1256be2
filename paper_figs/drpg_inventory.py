"""Figure: DRPG with the parametric (exponentially tilted) kernel on the "inventory" instance
(experiments/drpg_inventory.py; Wang, Ho & Petrik, ICML 2023, arXiv:2212.10439).

Reads stored results only: the stored run of ``experiments/drpg_inventory.py`` through
``mdpsim.experiment.load`` (``results/drpg_inventory/``; labels ``DRPG_alpha=0.1`` mapped back
to ``DRPG alpha=0.1`` etc.) when there is one, else the committed table
(``experiments/results/drpg/inventory_curves.csv``); the summary says which, and a figure
drawn from a stored run says so in its title. Left: the
iterate's worst-case cost ``J(pi_t, p(theta_t, lambda_t))`` as found by the inner solver
(projected ascent on (theta, lambda); heuristic: the parametric set is not rectangular and the
inner problem is not concave, so this is a lower estimate of the true worst case) for DRPG at
alpha = 0.1 and 0.01 and for non-robust PG (steps under the nominal tilt, alpha = 0.1). Right:
the same policies' cost under the nominal tilt ``p(theta_c, lambda_c)``. One instance, as in
the paper (parts of the instance are reconstructions, see ``inventory_meta.json``).

Usage: ``python paper_figs/drpg_inventory.py [--results DIR] [--figdir DIR]``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from mdpsim import plot

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _drpg_common import inventory_table  # noqa: E402

STYLE = {"DRPG alpha=0.1": ("#0072B2", "-"), "DRPG alpha=0.01": ("#009E73", "-"),
         "non-robust PG alpha=0.1": ("#D55E00", "--")}


def make_figure(results="results", figdir="figures", profile=None) -> dict:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df, source = inventory_table(results, profile)
    stored = source.startswith("stored run")
    figdir = Path(figdir)
    figdir.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    rows = []
    for name, d in df.groupby("method", sort=False):
        c, ls = STYLE.get(name, ("k", "-"))
        axes[0].plot(d.t, d.worst_cost, ls, color=c, lw=1.8, label=name)
        axes[1].plot(d.t, d.nominal_cost, ls, color=c, lw=1.8, label=name)
        rows.append(f"{name}: worst-case {d.worst_cost.iloc[0]:.3f} -> "
                    f"{d.worst_cost.iloc[-1]:.3f}, nominal {d.nominal_cost.iloc[-1]:.3f}")
    axes[0].set_ylabel("worst-case cost J(pi_t, p(theta_t, lambda_t)) (inner solver)")
    axes[1].set_ylabel("nominal cost J(pi_t, p(theta_c, lambda_c))")
    for ax, title in zip(axes, ("worst case found by the inner solver (heuristic)",
                                "cost under the nominal tilt")):
        ax.set_xlabel("Number of iterations")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=9)
        ax.grid(alpha=0.3, lw=0.4)
    fig.suptitle("DRPG with the parametric kernel, 'inventory' instance (S=8, A=3, "
                 "gamma=0.95; instance partly reconstructed [R])"
                 + (f"\n[{source}]" if stored else ""), fontsize=10)
    fig.tight_layout()
    paths = [str(p) for p in plot.save(fig, figdir / "drpg_inventory", dpi=130)]
    plt.close(fig)
    return {"paths": paths, "source": source,
            "summary": "\n".join([f"source: {source}"] + rows)}


def main(argv=None):
    plot.figure_cli(make_figure, __doc__, argv)


if __name__ == "__main__":
    main()
