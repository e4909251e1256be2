"""Planning kernels behind one interface, three implementations.

``reference`` (plain NumPy, the oracle), ``numba`` (compiled, the CPU default) and ``cupy``
(the reference array code on a GPU). :func:`get_backend` returns the module; every module
exposes the functions listed in :mod:`mdpsim.kernels._common`.
"""
from __future__ import annotations

from types import ModuleType

from ._common import TIE_RTOL, Trans, VIResult, STOP_RULES

BACKENDS = ("numba", "reference", "cupy")
DEFAULT_BACKEND = "numba"

__all__ = ["get_backend", "available_backends", "BACKENDS", "DEFAULT_BACKEND", "Trans",
           "VIResult", "TIE_RTOL", "STOP_RULES"]


def get_backend(name: str | None = None) -> ModuleType:
    """The kernel module for ``name`` (``None`` means the default, ``"numba"``)."""
    name = DEFAULT_BACKEND if name is None else name
    if name == "numba":
        from . import numba_backend as mod
    elif name == "reference":
        from . import reference as mod
    elif name == "cupy":
        from . import cupy_backend as mod
        if not mod.available():
            raise RuntimeError("backend 'cupy' needs CuPy and a CUDA GPU; none is available "
                               "here (pip install 'mdpsim[gpu]' on a machine with a GPU)")
    else:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {name!r}")
    return mod


def available_backends() -> list[str]:
    """Backends that can run on this machine."""
    from . import cupy_backend
    return ["numba", "reference"] + (["cupy"] if cupy_backend.available() else [])
