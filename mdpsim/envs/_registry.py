"""Environment registry: ``@register("name")`` on a factory, ``make(name, **params)``."""
from __future__ import annotations

import inspect
import os
from typing import Callable

_REGISTRY: dict[str, Callable] = {}

__all__ = ["register", "make", "list_envs", "env_factory", "check_size", "memory_limit"]


def register(name: str):
    """Register an environment factory under ``name`` (one decorator, nothing else to edit)."""
    def deco(fn: Callable) -> Callable:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"environment {name!r} is already registered")
        _REGISTRY[name] = fn
        fn.env_name = name
        return fn
    return deco


def _load_all():
    from . import catalogue, robust_instances  # noqa: F401  (registers the built-in factories)


def env_factory(name: str) -> Callable:
    _load_all()
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown environment {name!r}; available: "
                         f"{', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def make(name: str, **params):
    """Build the registered environment ``name`` with keyword ``params``.

    Unknown names list the registered ones; unknown parameters list the accepted ones.
    """
    fn = env_factory(name)
    sig = inspect.signature(fn)
    accepted = [p for p in sig.parameters]
    for k in params:
        if k not in sig.parameters:
            raise ValueError(f"environment {name!r} has no parameter {k!r}; accepted: "
                             f"{', '.join(accepted)}")
    call = f"make({name!r}, " + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"
    check_size(name, params, what=call)
    try:
        return fn(**params)
    except MemoryError:
        raise ValueError(f"{call}: not enough memory to build this model; choose smaller "
                         f"sizes") from None


def memory_limit() -> int:
    """Largest model (bytes) :func:`make` builds: ``$MDPSIM_MAX_BYTES``, else the machine's
    physical memory."""
    env = os.environ.get("MDPSIM_MAX_BYTES")
    if env:
        try:
            return int(float(env))
        except ValueError:
            raise ValueError(f"MDPSIM_MAX_BYTES must be a number of bytes, got {env!r}") \
                from None
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 1 << 62


def check_size(name: str, params: dict, *, what: str | None = None) -> None:
    """Raise a one-line ``ValueError`` when the model ``make(name, **params)`` would build
    needs more memory than :func:`memory_limit` (estimated from the size parameters, before
    anything is allocated; ``what`` names the call in the message)."""
    fn = env_factory(name)
    need = _bytes_needed(inspect.signature(fn), params)
    if need is None:
        return
    limit = memory_limit()
    if need > limit:
        what = what or (f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")")
        raise ValueError(f"{what}: the model needs about {need / 2**30:,.1f} GiB, more than "
                         f"the limit of {limit / 2**30:,.1f} GiB (by default this machine's "
                         f"memory; set MDPSIM_MAX_BYTES to change it)")


def _bytes_needed(sig, params) -> int | None:
    """A lower estimate of the model's transition storage (bytes) from its size parameters:
    ``S`` (``N * N + 1`` for ``N``), ``A`` (2 for factories without one), ``b`` successors
    per row: ``S*A*b*16`` for successor lists, ``S*A*S*8`` dense (``storage="dense"``, or no
    ``b``), times ``horizon`` for stage-dependent models. ``None`` if the size is unknown."""
    def get(k):
        v = params.get(k, sig.parameters[k].default if k in sig.parameters else None)
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None
    S, b = get("S"), get("b")
    if S is None and get("N") is not None:      # deepsea: an N x N grid plus a terminal
        S, b = get("N") ** 2 + 1, 2
    if S is None:
        return None
    A = get("A") or (2 if "A" not in sig.parameters else 1)
    storage = params.get("storage", sig.parameters["storage"].default
                         if "storage" in sig.parameters else None)
    need = S * A * b * 16 if b is not None and storage != "dense" else S * A * S * 8
    if params.get("stage_dependent") is True and get("horizon") is not None:
        need *= get("horizon")
    return need


def list_envs() -> list[str]:
    """Names of the registered environments, sorted."""
    _load_all()
    return sorted(_REGISTRY)
