"""Environment registry: ``@register("name")`` on a factory, ``make(name, **params)``."""
from __future__ import annotations

import inspect
import os
from typing import Callable

_REGISTRY: dict[str, Callable] = {}

__all__ = ["register", "make", "list_envs", "env_factory"]


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
    from . import catalogue  # noqa: F401  (registers the built-in factories)


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
    need = _bytes_needed(sig, params)
    limit = memory_limit()
    if need is not None and need > limit:
        raise ValueError(f"{call}: the model needs about {need / 2**30:,.1f} GiB, more than the "
                         f"limit of {limit / 2**30:,.1f} GiB (this machine's memory; set "
                         f"MDPSIM_MAX_BYTES to change it)")
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


def _bytes_needed(sig, params) -> int | None:
    """A lower estimate of the model's transition storage from the size parameters ``S``,
    ``A``, ``b`` (successors per row), ``horizon``/stage dependence is ignored: ``S*A*b*16``
    bytes with ``b`` (successor lists), else ``S*A*S*8`` (dense). ``None`` if unknown."""
    def get(k):
        v = params.get(k, sig.parameters[k].default if k in sig.parameters else None)
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None
    S, A = get("S"), get("A") or 1
    if S is None:
        return None
    b = get("b")
    return S * A * b * 16 if b is not None else S * A * S * 8


def list_envs() -> list[str]:
    """Names of the registered environments, sorted."""
    _load_all()
    return sorted(_REGISTRY)
