"""Command line: ``mdpsim quickstart | run | status | verify | figs | report | check | list |
cache | compile``.

User errors print one line with what to do and exit with status 2; ``--debug`` shows the
traceback instead. ``run`` exits with status 1 when some cells failed (the others are stored).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np  # noqa: F401  (kept for callers that patch module attributes)


class UserError(Exception):
    """An error caused by the user's input: printed as one line, exit status 2."""


QUICKSTART_EXPERIMENT = "regret_tabular"


# ------------------------------------------------------------------------------ quickstart
def _solve_table() -> int:
    import mdpsim

    cases = [
        ("riverswim", dict(S=6, horizon=20)),
        ("riverswim", dict(S=20, gamma=0.95)),
        ("chain_lock", dict(S=10, A=4, horizon=10, rng=0)),
        ("deepsea", dict(N=20, horizon=20)),
        ("gridworld", dict(horizon=10)),
        ("garnet", dict(S=2000, A=10, b=5, horizon=50, rng=0)),
        ("garnet", dict(S=20000, A=10, b=5, gamma=0.99, rng=0)),
        ("forest", dict(gamma=0.95)),
        ("machine_replacement", dict(gamma=0.95)),
        ("inventory", dict(gamma=0.95)),
    ]
    avail = set(mdpsim.list_envs())
    print(f"mdpsim {mdpsim.__version__} quickstart: exact optimal values of catalogue "
          f"environments (backends: {', '.join(mdpsim.available_backends())})")
    print(f"{'environment':<46} {'S':>6} {'A':>3} {'criterion':>12} {'V*(init)':>12} "
          f"{'method':>22} {'solve ms':>9}")
    for name, params in cases:
        if name not in avail:
            continue
        mdp = mdpsim.make(name, **params)
        tol = None if mdp.finite_horizon else 1e-8
        mdpsim.solve(mdp, tol=tol)  # first call loads the compiled kernels
        t0 = time.perf_counter()
        sol = mdpsim.solve(mdp, tol=tol)
        ms = 1e3 * (time.perf_counter() - t0)
        crit = f"H={mdp.horizon}" if mdp.finite_horizon else f"gamma={mdp.gamma}"
        label = mdp.name or name
        print(f"{label:<46} {mdp.S:>6} {mdp.A:>3} {crit:>12} {sol.value:>12.6f} "
              f"{sol.method:>22} {ms:>9.2f}")
    return 0


def _cmd_quickstart(args) -> int:
    if args.solve_only:
        return _solve_table()
    import mdpsim
    from mdpsim.experiment import run_experiment
    from mdpsim.experiment.figures import run_figure, find_figure

    t0 = time.perf_counter()
    print(f"mdpsim {mdpsim.__version__} quickstart: the quick profile of experiments/"
          f"{QUICKSTART_EXPERIMENT}.py (regret of UCBVI-CH, UCBVI-BF, PSRL, optimistic "
          f"Q-learning and greedy on RiverSwim and a Garnet), then its figure", flush=True)
    rep = run_experiment(QUICKSTART_EXPERIMENT, profile="quick", executor=args.executor,
                         workers=args.workers, out=args.out, progress=not args.no_progress)
    print(rep.summary())
    if not rep.ok:
        print(f"mdpsim: {len(rep.failed)} cells failed; see {rep.root / 'failed'}",
              file=sys.stderr)
        return 1
    result = run_figure(find_figure(QUICKSTART_EXPERIMENT), results=args.out,
                        figdir=args.figdir, profile="quick")
    if result.get("summary"):
        print(result["summary"])
    for p in result.get("paths", []):
        print(f"figure: {p}")
    print(f"done in {time.perf_counter() - t0:.0f} s; results in {rep.root} "
          f"(mdpsim.load({QUICKSTART_EXPERIMENT!r}) reads them; `mdpsim figs` redraws)")
    return 0


# ------------------------------------------------------------------------------- run etc.
def _cmd_run(args) -> int:
    from mdpsim.experiment import run_experiment

    rep = run_experiment(args.spec, profile=args.profile, seeds=args.seeds,
                         executor=args.executor, workers=args.workers,
                         scheduler=args.scheduler, out=args.out,
                         progress=not args.no_progress, max_cells=args.max_cells)
    print(rep.summary())
    if not rep.ok:
        print(f"mdpsim: {len(rep.failed)} of {rep.total} cells failed (the others are "
              f"stored); errors in {rep.root / 'failed'}; fix and re-run to retry them",
              file=sys.stderr)
        return 1
    return 0


def _cmd_status(args) -> int:
    from mdpsim.experiment import experiment_status

    profile, note = args.profile, ""
    if profile is None:   # the profile of the last run of this experiment, else full
        import json
        from pathlib import Path
        try:
            man = json.loads((Path(args.out) / Path(args.spec).stem / "manifest.json")
                             .read_text())
            profile, note = man.get("profile") or "full", " (the last run's profile; " \
                                                          "--profile to choose)"
        except (OSError, ValueError):
            profile = "full"
    st = experiment_status(args.spec, profile=profile, seeds=args.seeds, out=args.out)
    print(f"{st['experiment']} [{st['profile']}]{note} spec {st['spec_hash']} in {st['root']}")
    print(f"  cells: {st['total']} total, {st['done']} done, {st['pending']} pending, "
          f"{st['running']} running, {st['failed']} failed"
          + (f", {st['bad']} unreadable/mismatching (recomputed on the next run)"
             if st['bad'] else ""))
    if st["stale"]:
        print(f"  {st['stale']} stored cells are not cells of this spec/profile (kept)")
    for cid, err in st["failures"][:5]:
        print(f"  failed {cid}: {err}")
    m = st["manifest"]
    if m:
        print(f"  last run: {m.get('run_id')} [{m.get('profile')}] {m.get('status')}, "
              f"started {m.get('started')}, finished {m.get('finished')}")
    return 0


def _cmd_verify(args) -> int:
    from pathlib import Path

    from mdpsim.experiment import Store

    p = Path(args.name)
    root = p if (p / "cells").is_dir() else Path(args.out) / args.name
    if not (root / "cells").is_dir():
        raise UserError(f"no results store at {root} (give an experiment name stored under "
                        f"--out {args.out}, or a results folder)")
    store = Store(root)
    res = store.verify()
    for cid, why in res["bad"]:
        moved = store.reject(store.path(cid), why) if args.reject else None
        print(f"BAD {cid}: {why}" + (f" (moved to {moved})" if moved else ""))
    print(f"{root}: {len(res['ok'])} cells verified (SHA-256 of file and pages), "
          f"{len(res['unverified'])} without checksums (written before they existed), "
          f"{len(res['bad'])} bad" + ("" if not res["bad"] or args.reject else
                                      "; `mdpsim run` (or --reject) moves them aside and "
                                      "recomputes them"))
    return 1 if res["bad"] else 0


def _cmd_report(args) -> int:
    from mdpsim.experiment.report import write_report

    dest = write_report(args.spec, out=args.out, profile=args.profile, path=args.output)
    print(f"report: {dest}")
    return 0


def _cmd_cache(args) -> int:
    from mdpsim import _jit

    root = _jit.cache_root()
    if args.clear:
        gone = _jit.clear_cache(all_versions=not args.stale)
        print(f"removed {len(gone)} cached version(s) under {root}")
        return 0
    here = _jit.cache_dir()
    others = [d for d in root.iterdir() if d.is_dir() and d != here] if root.is_dir() else []
    size = sum(f.stat().st_size for f in here.rglob("*") if f.is_file())
    print(f"compiled-code cache of this source: {here} ({size / 2**20:.1f} MiB)")
    print(f"other cached versions under {root}: {len(others)} (mdpsim cache --clear --stale "
          f"deletes them)")
    return 0


def _cmd_compile(args) -> int:
    import mdpsim
    from mdpsim import _jit
    from mdpsim.experiment.compile import compile_all, warmup_tasks

    if args.algorithms:
        known = set(mdpsim.list_algorithms())
        bad = [a for a in args.algorithms if a not in known]
        if bad:
            raise UserError(f"unknown algorithm {bad[0]!r}; known: {', '.join(sorted(known))}")
    tasks = warmup_tasks(args.algorithms or None)
    print(f"compiling {len(tasks)} warm-up tasks into {_jit.cache_dir()}", flush=True)
    t0 = time.perf_counter()
    done = compile_all(tasks, workers=args.workers, progress=not args.no_progress,
                       stream=sys.stdout)
    print(f"done: {len(done)} tasks in {time.perf_counter() - t0:.1f} s (later processes, "
          f"pool and Dask workers on this machine load them)")
    return 0


def _cmd_figs(args) -> int:
    from mdpsim.experiment.figures import list_figures, find_figure, run_figure

    names = args.names or list_figures()
    if not names:
        raise UserError("no figure scripts found (paper_figs/*.py); run from the mdpsim "
                        "repository root or set MDPSIM_PROJECT")
    made = 0
    for name in names:
        try:
            result = run_figure(find_figure(name), results=args.out, figdir=args.figdir,
                                profile=args.profile)
        except ValueError as exc:
            if args.names or args.debug:   # asked for by name: the error is the answer
                raise
            print(f"mdpsim: skipped figure {name}: {str(exc).splitlines()[0]}",
                  file=sys.stderr)
            continue
        made += 1
        summary = (result.get("summary") or "").splitlines()
        if len(summary) > 12 and not args.verbose:
            summary = summary[:4] + [f"  ... {len(summary) - 4} more lines (--verbose shows "
                                     f"them; the CSV next to the figure has the numbers)"]
        if summary:
            print("\n".join(summary))
        for p in result.get("paths", []):
            print(f"figure: {p}")
    if not made:
        raise UserError(f"no figure could be drawn from the results under {args.out}/; run "
                        f"the experiments first (mdpsim run NAME)")
    return 0


def _cmd_check(args) -> int:
    from mdpsim.experiment.checks import run_checks, format_table

    results = run_checks(args.names or None, seed=args.seed)
    print(format_table(results))
    return 0 if all(r["passed"] for r in results) else 1


def _planner_experiments(names) -> dict:
    """``{experiment: [planner names]}`` for the specs among ``names`` that run planners (a
    spec that does not load is left out: ``mdpsim run`` reports its error)."""
    from mdpsim.experiment import find_spec_file, load_spec

    out = {}
    for n in names:
        try:
            path = find_spec_file(n)
            if '"planners"' not in path.read_text() and "'planners'" not in path.read_text():
                continue                       # cheap test before loading the spec
            d = load_spec(path).data
        except Exception:  # noqa: BLE001 - listing never fails on one bad spec
            continue
        if d.get("task") == "planner":
            out[n] = sorted({a["planner"] for a in d["planners"].values()})
    return out


def _cmd_list(args) -> int:
    import mdpsim
    from mdpsim.experiment import list_experiments
    from mdpsim.experiment.figures import list_figures
    from mdpsim.experiment.checks import list_checks

    from mdpsim.algorithms import list_planners

    print("algorithms:", ", ".join(mdpsim.list_algorithms()))
    print("planners:", ", ".join(list_planners()))
    print("environments:", ", ".join(mdpsim.list_envs()))
    names = list_experiments()
    print("experiments:", ", ".join(names) or "(none found: run from the repository root)")
    planned = _planner_experiments(names)
    if planned:
        print("experiments with planners:", ", ".join(
            f"{n} ({', '.join(p)})" for n, p in planned.items()))
    print("figures:", ", ".join(list_figures()) or "(none found)")
    print("checks:", ", ".join(list_checks()) or "(none found)")
    print("backends:", ", ".join(mdpsim.available_backends()))
    return 0


# ------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mdpsim", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = p.add_subparsers(dest="command", required=True)

    def executor_opts(q, *, scheduler=True):
        q.add_argument("--executor", choices=("local", "dask", "inline"), default="local",
                       help="where cells run: a local process pool (default), a Dask cluster, "
                            "or inline in this process")
        q.add_argument("--workers", type=int, default=None,
                       help="pool size / LocalCluster workers (default: all cores)")
        if scheduler:
            q.add_argument("--scheduler", default=None, metavar="ADDR",
                           help="Dask scheduler address tcp://host:port (default: start a "
                                "LocalCluster)")
        q.add_argument("--out", default="results", metavar="DIR",
                       help="results root; an experiment's cells go to DIR/<name>/ "
                            "(default: results)")
        q.add_argument("--no-progress", action="store_true", help="no progress bar")

    q = sub.add_parser("quickstart", help="quick regret experiment, its figure and fitted "
                                          "slopes (--solve-only: exact values of catalogue "
                                          "environments)")
    q.add_argument("--solve-only", action="store_true",
                   help="only solve catalogue environments and print V* (no learning)")
    executor_opts(q, scheduler=False)
    q.add_argument("--figdir", default="figures", metavar="DIR",
                   help="where figures are written (default: figures)")

    q = sub.add_parser("run", help="run the cells of an experiment spec that are not stored")
    q.add_argument("spec", help="experiments/<name>.py or its name")
    q.add_argument("--profile", default="full", help="profile of the spec (quick|full|...)")
    q.add_argument("--seeds", type=int, default=None, help="override the number of seeds")
    q.add_argument("--max-cells", type=int, default=None, metavar="N",
                   help="largest sweep accepted (default: $MDPSIM_MAX_CELLS or 100000)")
    executor_opts(q)

    q = sub.add_parser("status", help="cells done / pending / running / failed of a spec")
    q.add_argument("spec")
    q.add_argument("--profile", default=None,
                   help="profile to show (default: the profile of the last run, else full)")
    q.add_argument("--seeds", type=int, default=None)
    q.add_argument("--out", default="results", metavar="DIR")

    q = sub.add_parser("verify", help="check every stored cell of an experiment (checksums, "
                                      "metadata, rows); exit status 1 if any is bad")
    q.add_argument("name", help="experiment name (under --out) or a results folder")
    q.add_argument("--out", default="results", metavar="DIR")
    q.add_argument("--reject", action="store_true",
                   help="move bad cells to rejected/ now (run does it anyway)")

    q = sub.add_parser("figs", help="regenerate figures from stored results (no runs)")
    q.add_argument("names", nargs="*", help="figure scripts in paper_figs/ (default: all)")
    q.add_argument("--out", default="results", metavar="DIR", help="results root")
    q.add_argument("--figdir", default="figures", metavar="DIR")
    q.add_argument("--profile", default=None,
                   help="which profile's cells to draw (default: full if stored, else quick)")
    q.add_argument("--verbose", action="store_true",
                   help="print every figure's whole summary table")

    q = sub.add_parser("report", help="one self-contained HTML page: figures, claims table, "
                                      "provenance and spec of an experiment's stored results")
    q.add_argument("spec", help="experiments/<name>.py or its name")
    q.add_argument("--profile", default=None,
                   help="profile to report (default: the last run's, else full)")
    q.add_argument("--out", default="results", metavar="DIR", help="results root")
    q.add_argument("--output", default=None, metavar="FILE",
                   help="where to write the page (default: reports/<name>.html)")

    q = sub.add_parser("cache", help="where compiled code is cached; --clear deletes it")
    q.add_argument("--clear", action="store_true",
                   help="delete every cached version (recompiled on the next run)")
    q.add_argument("--stale", action="store_true",
                   help="with --clear: keep the cache of the installed source, delete others")

    q = sub.add_parser("compile", help="fill the compiled-code cache for every registered "
                                       "algorithm, planner and planning kernel, in parallel")
    q.add_argument("algorithms", nargs="*",
                   help="only these algorithms' episode loops (default: everything)")
    q.add_argument("--workers", type=int, default=None,
                   help="processes compiling at once (default: all cores)")
    q.add_argument("--no-progress", action="store_true", help="no line per finished task")

    q = sub.add_parser("check", help="run the numeric lemma checks in proofs_checks/")
    q.add_argument("names", nargs="*", help="check modules (default: all)")
    q.add_argument("--seed", type=int, default=0, help="root seed of the random instances")

    sub.add_parser("list", help="list algorithms, environments, experiments, figures, checks")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"quickstart": _cmd_quickstart, "run": _cmd_run, "status": _cmd_status,
                "verify": _cmd_verify, "figs": _cmd_figs, "check": _cmd_check,
                "list": _cmd_list, "cache": _cmd_cache, "report": _cmd_report,
                "compile": _cmd_compile}
    try:
        return handlers[args.command](args)
    except (UserError, ValueError) as exc:
        if args.debug:
            raise
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"mdpsim: error: {msg}", file=sys.stderr)
        return 2
    except BrokenPipeError:   # `mdpsim list | head -1`: the reader left; not an error
        import os
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 0
    except OSError as exc:   # a file the user named or gave us cannot be read or written
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"mdpsim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if args.debug:
            raise
        signum = getattr(exc, "signum", 2)
        what = {2: "SIGINT", 15: "SIGTERM"}.get(signum, f"signal {signum}")
        if getattr(exc, "recorded", False):   # a run was under way (see sweep.RunInterrupted)
            print(f"mdpsim: interrupted by {what}; finished cells are stored, locks released, "
                  f"the run is recorded as interrupted; re-run to resume", file=sys.stderr)
        else:
            print(f"mdpsim: interrupted by {what}", file=sys.stderr)
        return 128 + signum


def console_main() -> None:  # pragma: no cover - exits the process
    """Entry point of the ``mdpsim`` command and of ``python -m mdpsim.cli``: :func:`main`,
    then the ``atexit`` handlers, then ``os._exit`` with its status after flushing the output,
    skipping the rest of the interpreter's teardown. When :func:`main` returns every command has finished its work (cells written
    and synced, process pools and Dask clusters shut down by their context managers); the
    teardown of native thread pools that pandas/pyarrow load could abort the process
    afterwards (SIGABRT, "terminate called without an active exception"), measured in 4 of 30
    concurrent ``mdpsim verify`` runs whose output was complete, and 0 of 36 with this exit.
    Call :func:`main` (which returns the status) to use the CLI from Python."""
    try:
        rc = main()
    except SystemExit as e:          # argparse's --help / usage errors
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        if e.code is not None and not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
    import atexit
    atexit._run_exitfuncs()          # Python-level clean-up still runs (multiprocessing's
    sys.stdout.flush()               # semaphores and pools, Dask, logging); only the native
    sys.stderr.flush()               # teardown is skipped
    os._exit(int(rc or 0))


if __name__ == "__main__":  # pragma: no cover
    console_main()
