"""Environment registry: ``@register("name")`` on a factory, ``make(name, **params)``."""
from __future__ import annotations

import inspect
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
    return fn(**params)


def list_envs() -> list[str]:
    """Names of the registered environments, sorted."""
    _load_all()
    return sorted(_REGISTRY)
