"""Command line: ``mdpsim quickstart | list``.

User errors print one line with what to do and exit with status 2; ``--debug`` shows the
traceback instead.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np


class UserError(Exception):
    """An error caused by the user's input: printed as one line, exit status 2."""


def _cmd_quickstart(args) -> int:
    import mdpsim

    cases = [
        ("riverswim", dict(S=6, horizon=20)),
        ("riverswim", dict(S=20, gamma=0.95)),
        ("chain_lock", dict(S=10, A=4, horizon=10, rng=0)),
        ("deepsea", dict(N=20)),
        ("gridworld", dict()),
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
        mdpsim.solve(mdp, tol=1e-8)  # first call loads the compiled kernels
        t0 = time.perf_counter()
        sol = mdpsim.solve(mdp, tol=1e-8)
        ms = 1e3 * (time.perf_counter() - t0)
        crit = f"H={mdp.horizon}" if mdp.finite_horizon else f"gamma={mdp.gamma}"
        label = mdp.name or name
        print(f"{label:<46} {mdp.S:>6} {mdp.A:>3} {crit:>12} {sol.value:>12.6f} "
              f"{sol.method:>22} {ms:>9.2f}")
    return 0


def _cmd_list(args) -> int:
    import mdpsim

    print("environments:", ", ".join(mdpsim.list_envs()))
    print("backends:", ", ".join(mdpsim.available_backends()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mdpsim", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("quickstart", help="solve a few catalogue environments and print V*")
    sub.add_parser("list", help="list environments and backends")
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"quickstart": _cmd_quickstart, "list": _cmd_list}
    try:
        return handlers[args.command](args)
    except (UserError, ValueError) as exc:
        if args.debug:
            raise
        print(f"mdpsim: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
