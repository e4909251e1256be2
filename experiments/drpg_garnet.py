"""DRPG on Garnet robust MDPs: worst-case cost gap |Phi(pi_t) - Phi*| vs outer iteration t.

Reproduces the Garnet experiments of Wang, Ho & Petrik, "Policy Gradient in Robust MDPs with
Global Convergence Guarantee" (ICML 2023, arXiv:2212.10439) with the parameters of
``docs/papers/drpg.md`` §7: gamma = 0.95, costs U(0,5), support-preserving L1 sets,
(s,a)-rectangular G(5,4,3), G(10,6,3), G(15,8,3) (radii U(0.1,0.5)) and s-rectangular
G(10,5,10), G(15,8,15) (radii U(0.5,1)), 50 instances per size, 200 outer iterations.

Claim under test: DRPG's iterates reach the robust optimum, Phi(pi_T) - Phi* <= 1e-3 Phi* on
every instance, against Phi* from certified robust value iteration (tol 1e-10). Phi(pi_t) is
evaluated exactly (robust policy evaluation, certified to 1e-12) at every iterate.

Variants (same instances for all, paired; every variant but ``defaults`` is
``preset="paper"`` plus its own settings):

* ``defaults`` — ``drpg(rm)`` as a user runs it (``preset="default"``, the configuration that
  converges: warm start and (sa) alpha = 0.5, (s) alpha_t = 0.5 * 0.97^t; the same numbers
  as the two variants it was chosen from), on the paper's 50 instances and on five new
  instances per size (``instance`` 50-54); summary in ``results/drpg/defaults.md``;
* ``paper-code`` — DRPG with the authors' constants (``preset="paper"``; sa: alpha 0.05, beta
  0.1, inner ||dv||_2 <= 1e-3; s: alpha 0.1, beta 0.2, 1e-4), inner ascent restarted from the
  nominal kernel every outer step (as in the code); also on the five new instances;
* ``geometric-eps`` (sa, first 20 instances: it is the slow one) — the same with
  eps_t = 1e-3 * 0.95^t (inner capped at 2000 steps) [R: a non-increasing schedule as in the
  theory];
* ``warm-start`` — inner ascent started from the previous outer step's kernel [proposed];
  (sa) also with alpha = 0.5; (s) with two diminishing outer steps (Phi is nonsmooth at the
  stochastic s-rect optimum, so a constant step oscillates): alpha_t = 0.1/sqrt(t+1), the
  classical subgradient step (chosen on 8 separate exploratory instances, seeds 100-103), and
  alpha_t = 0.5 * 0.97^t, the geometrically decaying step of subgradient methods for sharp
  weakly convex functions (Davis et al. 2018), chosen among 8 schedules on 16 + 16
  exploratory instances of a different root seed by ``experiments/drpg_srect_stepsize.py``
  (``results/drpg/srect_stepsize.md``); no instance of this sweep was used to choose either;
* ``exact-inner`` — the exact worst-case kernel (robust policy evaluation) with the paper
  alpha and (s) alpha 0.01, alpha_t = 0.1/sqrt(t+1) and alpha_t = 0.5 * 0.97^t: separates
  the outer loop's error from the inner loop's;
* ``non-robust PG`` — projected PG on the nominal kernel, paper alpha.

Seeds: ``SeedSequence(ROOT_SEED, spawn_key=(size_index, instance))`` per instance (recorded
in the results); no wall-clock seeds. Each finished (size, instance) cell is written to
``<out>/_cells/`` (Parquet + CSV, every variant that ran on it); a re-run computes only the
variants missing from a cell's stored files, so an interrupted sweep resumes and a variant
added to ``VARIANTS`` runs without recomputing the others. ``_cells/`` is not committed: a
fresh checkout recreates it from the committed combined tables (:func:`seed_cells`).

Outputs (``experiments/results/drpg/``): ``garnet_curves.parquet`` (long: size, instance,
variant, t, rel_gap = (Phi(pi_t) - Phi*)/Phi*, J_rel_gap = (J(pi_t, p_t) - Phi*)/Phi* with
the inner solver's kernel (inner-PGA variants only), inner_iters; t on a grid: every step to
20, every 2nd to 100, every 5th to 200), ``garnet_final.csv`` (one row per size x instance x
variant: Phi*, Phi(pi_T), relative gap, pass flag, seed), ``garnet_meta.json``. Figure:
``paper_figs/drpg_garnet.py``.

Results (T = 200, 50 instances per size; pass = Phi(pi_200) - Phi* <= 1e-3 Phi*, last
iterate; worst = largest final relative gap ``(Phi(pi_200) - Phi*)/Phi*``)::

    variant               G(5,4,3) pass  worst  G(10,6,3) pass  worst  G(15,8,3) pass  worst
    --------------------  --------------------  ---------------------  ---------------------
    defaults              50/50  1.33e-05       50/50  7.35e-05        50/50  9.04e-05
    paper-code            37/50  2.85e-02       33/50  2.70e-03        17/50  4.60e-03
    geometric-eps         16/20  4.42e-03       15/20  3.28e-03        7/20  3.18e-03
    warm-start            50/50  5.38e-04       49/50  1.24e-03        40/50  2.14e-03
    warm-start alpha=0.5  50/50  1.33e-05       50/50  7.35e-05        50/50  9.04e-05
    exact-inner           50/50  5.46e-04       49/50  1.24e-03        39/50  2.14e-03
    non-robust PG         19/50  1.97e-01       7/50  1.04e-01         0/50  1.04e-01

    variant                          G(10,5,10) pass  worst  G(15,8,15) pass  worst
    -------------------------------  ----------------------  ----------------------
    defaults                         50/50  5.92e-04         50/50  3.99e-04
    paper-code                       0/50  4.19e-02          0/50  2.20e-02
    warm-start alpha=0.1/sqrt(t+1)   49/50  1.02e-03         50/50  9.29e-04
    warm-start alpha=0.5*0.97^t      50/50  5.92e-04         50/50  3.99e-04
    exact-inner                      0/50  4.40e-02          0/50  2.22e-02
    exact-inner alpha=0.01           35/50  1.78e-03         38/50  1.61e-03
    exact-inner alpha=0.1/sqrt(t+1)  47/50  1.10e-03         49/50  1.03e-03
    exact-inner alpha=0.5*0.97^t     50/50  5.93e-04         50/50  3.69e-04
    non-robust PG                    0/50  3.44e-01          0/50  4.01e-01

The geometric steps alpha_t = 0.5 * 0.97^t (warm start or exact inner) are the only s-rect
steps that pass on all 100 s-rect instances; the earlier alpha_t = 0.1/sqrt(t+1) misses
G(10,5,10) by one instance (gap 1.02e-3). Caveat: the geometric schedule is matched to the
horizon T = 200 (alpha_199 = 1.2e-3); its early iterates are worse than those of the sqrt
schedule (median gap ~2e-2 at t = 50 against ~1.2e-3; every instance below 1e-3 from
t = 130 on), so it is not an anytime schedule.

On the five new instances per size (``instance`` 50-54): ``defaults`` 5/5 on every size
(worst 6.3e-13, 7.1e-06, 6.0e-05, 2.7e-04, 1.9e-04), ``paper-code`` 3/5, 2/5, 0/5, 0/5, 0/5.

Usage: ``python experiments/drpg_garnet.py [--instances 55] [--workers 2] [--quick]``
(``--sizes`` runs a subset of the cells but also writes the combined tables from that subset
only: leave it out when regenerating the committed tables).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT_SEED = 2212_10439
SIZES = (("sa", 5, 4, 3), ("sa", 10, 6, 3), ("sa", 15, 8, 3), ("s", 10, 5, 10),
         ("s", 15, 8, 15))
#: instances per size: the paper's 50, then five new ones (``defaults`` and ``paper-code`` only)
PAPER_INSTANCES, NEW_INSTANCES = 50, 5
_ALL = PAPER_INSTANCES + NEW_INSTANCES
#: every variant runs with ``preset="paper"`` plus its own settings, except ``defaults``
#: (``drpg(rm)`` as is: ``preset="default"``); ``_instances`` caps the instances it runs on
#: (default: the paper's 50)
VARIANTS = {
    "sa": {
        "defaults": {"preset": "default", "_instances": _ALL},
        "paper-code": {"_instances": _ALL},
        "geometric-eps": {"tolerance_schedule": "geometric", "inner_max_iter": 2000,
                          "_instances": 20},
        "warm-start": {"warm_start": True},
        "warm-start alpha=0.5": {"warm_start": True, "alpha": 0.5},
        "exact-inner": {"inner": "exact"},
        "non-robust PG": {"inner": "nominal"},
    },
    "s": {
        "defaults": {"preset": "default", "_instances": _ALL},
        "paper-code": {"_instances": _ALL},
        "warm-start alpha=0.1/sqrt(t+1)": {"warm_start": True, "step_schedule": "sqrt"},
        "warm-start alpha=0.5*0.97^t": {"warm_start": True, "step_schedule": "geometric",
                                        "alpha": 0.5, "step_rate": 0.97},
        "exact-inner": {"inner": "exact"},
        "exact-inner alpha=0.01": {"inner": "exact", "alpha": 0.01},
        "exact-inner alpha=0.1/sqrt(t+1)": {"inner": "exact", "step_schedule": "sqrt"},
        "exact-inner alpha=0.5*0.97^t": {"inner": "exact", "step_schedule": "geometric",
                                         "alpha": 0.5, "step_rate": 0.97},
        "non-robust PG": {"inner": "nominal"},
    },
}
T_GRID = np.unique(np.concatenate([np.arange(0, 21), np.arange(20, 101, 2),
                                   np.arange(100, 201, 5)]))
ACCEPT = 1e-3
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "drpg"


def cell_variants(k: int, i: int) -> list:
    """The variants that run on instance ``i`` of size ``k`` (``_instances`` caps some)."""
    return [name for name, kw in VARIANTS[SIZES[k][0]].items()
            if i < kw.get("_instances", PAPER_INSTANCES)]


def run_cell(args):
    """The given variants (default: all) on one instance; returns (curves, finals)."""
    k, i, T = args[:3]
    names = args[3] if len(args) > 3 else cell_variants(k, i)
    from mdpsim.robust import drpg_garnet, robust_value_iteration
    from mdpsim.algorithms.drpg import drpg

    rect, S, A, b = SIZES[k]
    seed = np.random.SeedSequence(ROOT_SEED, spawn_key=(k, i))
    inst = drpg_garnet(S, A, b, rect=rect, rng=seed)
    t0 = time.perf_counter()
    sol = robust_value_iteration(inst.rmdp, tol=1e-10)
    if not sol.converged:
        raise RuntimeError(f"robust VI did not converge on {inst.label} #{i}")
    phi_star = -sol.value
    rvi_s = time.perf_counter() - t0
    curves, finals = [], []
    grid = T_GRID[T_GRID <= T]
    for name in names:
        kw = {"preset": "paper", **VARIANTS[rect][name]}
        kw.pop("_instances", None)
        t0 = time.perf_counter()
        r = drpg(inst.rmdp, pi0=inst.pi0, T=T, **kw)
        secs = time.perf_counter() - t0
        rel = (r.phi - phi_star) / abs(phi_star)
        jrel = (r.J_inner - phi_star) / abs(phi_star)
        curves.append(pd.DataFrame({
            "rect": rect, "size": inst.label, "instance": i, "variant": name,
            "t": grid.astype(np.int16), "rel_gap": rel[grid], "J_rel_gap": jrel[grid],
            "inner_iters": r.inner_iters[grid].astype(np.int32)}))
        hp = {k_: v[0] for k_, v in r.hyperparameters.items()}
        finals.append({
            "rect": rect, "size": inst.label, "instance": i, "variant": name,
            "inner": r.inner, "alpha": hp["alpha"], "beta": hp["beta"],
            "inner_tol": hp["inner_tol"], "schedule": hp["tolerance_schedule"],
            "warm_start": hp["warm_start"], "step_schedule": hp["step_schedule"],
            "step_rate": hp["step_rate"], "T": T, "phi_star": phi_star,
            "phi_T": r.phi[-1], "rel_gap_T": rel[-1], "abs_gap_T": r.phi[-1] - phi_star,
            "rel_gap_best_iterate": rel[r.t_best], "min_rel_gap": float(rel.min()),
            "passed": bool(rel[-1] <= ACCEPT), "inner_iters_total": int(r.inner_iters.sum()),
            "seconds": secs, "rvi_seconds": rvi_s, "rvi_sweeps": sol.n_iter,
            "rvi_gap_bound": sol.gap_bound, "root_seed": ROOT_SEED,
            "spawn_key": f"{k},{i}"})
    return pd.concat(curves, ignore_index=True), pd.DataFrame(finals)


def _fill_step_columns(fin: pd.DataFrame, rect: str) -> pd.DataFrame:
    """Cells stored before the ``step_schedule``/``step_rate`` columns existed: fill them from
    the variant definitions (exact: those runs used the variant's value or the default)."""
    from mdpsim.algorithms.drpg import drpg_hyperparameters
    hp = drpg_hyperparameters(rect, preset="paper")   # the stored runs' settings
    for col in ("step_schedule", "step_rate"):
        if col not in fin.columns:
            fin[col] = [VARIANTS[rect][v].get(col, hp[col].default) for v in fin.variant]
    cols = list(fin.columns)
    if cols.index("step_schedule") != cols.index("warm_start") + 1:
        for col in ("step_schedule", "step_rate"):
            cols.remove(col)
        j = cols.index("warm_start") + 1
        fin = fin[cols[:j] + ["step_schedule", "step_rate"] + cols[j:]]
    return fin


def seed_cells(out: Path, cells_dir: Path, sizes, n: int) -> int:
    """Recreate missing per-cell files from the combined tables stored in ``out``
    (``garnet_final.csv``, ``garnet_curves.parquet``), so that a fresh checkout — which holds
    the combined tables but not ``_cells/`` (ignored) — recomputes only the variants the
    tables lack. Returns the number of cells recreated."""
    fpath, cpath = out / "garnet_final.csv", out / "garnet_curves.parquet"
    if not (fpath.exists() and cpath.exists()):
        return 0
    fin_all = pd.read_csv(fpath)
    cur_all = pd.read_parquet(cpath)
    for c in ("rect", "size", "variant"):
        cur_all[c] = cur_all[c].astype(str)
    made = 0
    for k in sizes:
        label = f"G({SIZES[k][1]},{SIZES[k][2]},{SIZES[k][3]})"
        for i in range(n):
            f = cells_dir / f"cell_{k}_{i}_final.csv"
            if f.exists():
                continue
            fin = fin_all[(fin_all["size"] == label) & (fin_all.instance == i)]
            cur = cur_all[(cur_all["size"] == label) & (cur_all.instance == i)]
            if fin.empty:
                continue
            cur = cur.astype({"t": np.int16, "inner_iters": np.int32})
            cur.reset_index(drop=True).to_parquet(cells_dir / f"cell_{k}_{i}_curves.parquet")
            fin.to_csv(f, index=False)
            made += 1
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", type=int, default=_ALL,
                    help=f"instances per size (default {_ALL}: the paper's "
                         f"{PAPER_INSTANCES} and {NEW_INSTANCES} new ones)")
    ap.add_argument("--T", type=int, default=200)
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--quick", action="store_true", help="3 instances per size")
    ap.add_argument("--sizes", type=str, default="", help="comma-separated size indices")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args(argv)
    n = 3 if a.quick else a.instances
    out = a.out / ("quick" if a.quick else "")
    cells_dir = out / "_cells"
    cells_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else range(len(SIZES))
    made = seed_cells(out, cells_dir, sizes, n)
    if made:
        print(f"drpg_garnet: {made} cells recreated from the stored tables in {out}",
              flush=True)
    # a cell is (size, instance); a finished cell stores every variant that ran on it, and a
    # re-run computes only the variants missing from its stored files (new variants added to
    # VARIANTS), then rewrites the cell with the old and the new rows
    todo = []
    for k in sizes:
        for i in range(n):
            f = cells_dir / f"cell_{k}_{i}_final.csv"
            have = set(pd.read_csv(f).variant) if f.exists() else set()
            missing = [v for v in cell_variants(k, i) if v not in have]
            if missing:
                todo.append((k, i, a.T, missing))
    print(f"drpg_garnet: {len(todo)} cells to run ({n} instances x {len(list(sizes))} sizes), "
          f"{a.workers} workers -> {out}", flush=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=a.workers) as ex:
        for done, ((k, i, _, _), (cur, fin)) in enumerate(zip(todo, ex.map(run_cell, todo)),
                                                          1):
            fpath = cells_dir / f"cell_{k}_{i}_final.csv"
            cpath = cells_dir / f"cell_{k}_{i}_curves.parquet"
            if fpath.exists():
                order = {v: j for j, v in enumerate(VARIANTS[SIZES[k][0]])}
                old_f = _fill_step_columns(pd.read_csv(fpath), SIZES[k][0])
                old_f = old_f[~old_f.variant.isin(fin.variant)]
                old_c = pd.read_parquet(cpath)
                old_c = old_c[~old_c.variant.isin(fin.variant)]
                fin = pd.concat([old_f, fin], ignore_index=True)
                fin = fin.sort_values("variant", key=lambda v: v.map(order), kind="stable")
                cur = pd.concat([old_c, cur], ignore_index=True)
                cur = cur.sort_values("variant", key=lambda v: v.map(order), kind="stable")
            tmp = cells_dir / f".cell_{k}_{i}.tmp"
            cur.to_parquet(tmp)
            os.replace(tmp, cpath)
            fin.to_csv(tmp, index=False)
            os.replace(tmp, fpath)
            worst = fin.groupby("variant").rel_gap_T.max().to_dict()
            print(f"[{done}/{len(todo)} {time.perf_counter() - t0:7.1f}s] "
                  f"{fin['size'].iloc[0]} #{i}: " +
                  ", ".join(f"{v} {g:.1e}" for v, g in worst.items()), flush=True)
    curves = pd.concat([pd.read_parquet(cells_dir / f"cell_{k}_{i}_curves.parquet")
                        for k in sizes for i in range(n)], ignore_index=True)
    finals = pd.concat([_fill_step_columns(pd.read_csv(cells_dir / f"cell_{k}_{i}_final.csv"),
                                           SIZES[k][0])
                        for k in sizes for i in range(n)], ignore_index=True)
    # J(pi_t, p_t) is kept for the inner-PGA variants only (exact inner: J = Phi to 1e-12;
    # non-robust PG: J is the nominal cost) - keeps the committed table under 2 MB
    drop = curves.variant.str.startswith(("exact-inner", "non-robust"))
    curves.loc[drop, "J_rel_gap"] = np.nan
    for c in ("rect", "size", "variant"):
        curves[c] = curves[c].astype("category")
    curves.to_parquet(out / "garnet_curves.parquet", compression="zstd", compression_level=19,
                      index=False)
    finals.to_csv(out / "garnet_final.csv", index=False, float_format="%.12g")
    import mdpsim
    import numba
    from mdpsim.algorithms.drpg import RECONSTRUCTED, drpg_hyperparameters
    defaults = {rect: {k: [p.default, p.source] for k, p in drpg_hyperparameters(rect).items()}
                for rect in ("sa", "s")}
    paper = {rect: {k: [p.default, p.source]
                    for k, p in drpg_hyperparameters(rect, preset="paper").items()}
             for rect in ("sa", "s")}
    meta = {"experiment": "drpg_garnet", "paper": "arXiv:2212.10439", "root_seed": ROOT_SEED,
            "defaults_with_source": defaults, "paper_preset_with_source": paper,
            "instances_note": f"instances 0-{PAPER_INSTANCES - 1}: the paper's "
                              f"{PAPER_INSTANCES} per size; {PAPER_INSTANCES}-{_ALL - 1}: "
                              f"new instances (defaults and paper-code only)",
            "reconstructed": list(RECONSTRUCTED),
            "variant_labels": {"defaults": "drpg(rm) with its defaults (preset='default')",
                               "paper-code": "the authors' constants (preset='paper')",
                               "other variants": "preset='paper' plus the variant's settings: "
                                                 "[proposed] / [R], see module docstring"},
            "seeding": "SeedSequence(root_seed, spawn_key=(size_index, instance))",
            "sizes": [list(s) for s in SIZES], "instances": n, "T": a.T,
            "variants": VARIANTS, "accept_rel_gap": ACCEPT, "phi_star": "robust VI tol 1e-10",
            "phi_t": "robust policy evaluation, certified 1e-12", "t_grid": T_GRID.tolist(),
            "mdpsim": mdpsim.__version__, "numpy": np.__version__, "numba": numba.__version__,
            "python": sys.version.split()[0], "platform": platform.platform()}
    (out / "garnet_meta.json").write_text(json.dumps(meta, indent=1))
    summ = finals.groupby(["size", "variant"], sort=False).agg(
        passed=("passed", "sum"), n=("passed", "size"), worst=("rel_gap_T", "max"),
        median=("rel_gap_T", "median"))
    print(summ.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
