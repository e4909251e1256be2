r"""Batched (s,a)-rectangular robust backups as array code: NumPy or CuPy (GPU).

Where a GPU is natural: the sort-based worst cases (``l1``, ``tv``, ``linf``) of many rows at
once, e.g. many Garnet instances of one shape stacked along a batch axis. Rows are padded to a
common width ``m`` (``mask`` marks the real entries); every operation is a sort, cumulative sum
or reduction along the last axis, so one body serves NumPy and CuPy (the namespace is picked
from the inputs, as in :mod:`mdpsim.kernels.reference`). The s-rectangular solvers and the
bisection-based sets stay on the CPU (:mod:`mdpsim.kernels.robust_numba`).

Importing this module does not import CuPy.
"""
from __future__ import annotations

import numpy as np

from .robust_common import L1, TV, LINF

__all__ = ["available", "pad_rows", "rows_worst", "robust_q"]


def available() -> bool:
    """True when CuPy imports and sees a CUDA device."""
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - any import/driver failure means "not available"
        return False


def _xp(a):
    if type(a).__module__.startswith("cupy"):
        import cupy
        return cupy
    return np


def pad_rows(indptr, vals, fill: float = 0.0):
    """CSR values ``vals[nnz]`` as a padded ``[rows, m]`` array and its ``mask``."""
    indptr = np.asarray(indptr)
    lens = np.diff(indptr)
    m = int(lens.max()) if lens.size else 0
    rows = lens.shape[0]
    out = np.full((rows, m), fill, dtype=np.float64)
    mask = np.arange(m)[None, :] < lens[:, None]
    out[mask] = np.asarray(vals, dtype=np.float64)
    return out, mask


def rows_worst(kind: int, Z, Q, mask, b):
    """``Z, Q: float64[..., m]``, ``mask: bool[..., m]``, ``b: float64[...]`` ->
    ``min_p p.z`` per row over the ``l1`` / ``tv`` / ``linf`` set (same rules as
    :func:`mdpsim.kernels.robust_reference.row_worst`)."""
    xp = _xp(Z)
    big = xp.finfo(xp.float64).max
    Qm = xp.where(mask, Q, 0.0)
    Zm = xp.where(mask, Z, 0.0)
    f0 = (Qm * Zm).sum(-1)
    if kind in (L1, TV):
        unit = 2.0 if kind == L1 else 1.0
        zlow = xp.where(mask, Z, big)
        i = xp.argmin(zlow, axis=-1)[..., None]
        zmin = xp.take_along_axis(zlow, i, axis=-1)[..., 0]
        qmin = xp.take_along_axis(Qm, i, axis=-1)[..., 0]
        eps = xp.maximum(xp.minimum(b / unit, 1.0 - qmin), 0.0)
        # donors: every real entry but the argmin, largest z first
        donor = mask & (xp.arange(Z.shape[-1]) != i)
        key = xp.where(donor, -Z, big)
        order = xp.argsort(key, axis=-1)
        qs = xp.take_along_axis(xp.where(donor, Q, 0.0), order, axis=-1)
        zs = xp.take_along_axis(xp.where(donor, Z, 0.0), order, axis=-1)
        before = xp.cumsum(qs, axis=-1) - qs
        removed = xp.clip(eps[..., None] - before, 0.0, qs)
        return f0 - (removed * (zs - zmin[..., None])).sum(-1)
    if kind == LINF:
        lo = xp.where(mask, xp.maximum(Q - b[..., None], 0.0), 0.0)
        cap = xp.where(mask, xp.minimum(Q + b[..., None], 1.0), 0.0) - lo
        mass = xp.maximum(1.0 - lo.sum(-1), 0.0)
        order = xp.argsort(xp.where(mask, Z, big), axis=-1)
        cs = xp.take_along_axis(cap, order, axis=-1)
        before = xp.cumsum(cs, axis=-1) - cs
        add = xp.clip(mass[..., None] - before, 0.0, cs)
        return (lo * Zm).sum(-1) + (add * xp.take_along_axis(Zm, order, axis=-1)).sum(-1)
    raise ValueError("rows_worst handles the sort-based kinds l1, tv, linf only")


def robust_q(kind: int, Zbase, Q, mask, idx, b, V, gamma):
    """``Q[..., S*A]`` robust action values for a batch: ``z = Zbase + gamma V[idx]``
    (``Zbase`` the padded rewards ``R + R_next``, ``idx`` padded next states, ``V[..., S]``)."""
    xp = _xp(Zbase)
    Vg = xp.take_along_axis(V[..., None, :], xp.where(mask, idx, 0), axis=-1)
    return rows_worst(kind, Zbase + gamma * Vg, Q, mask, b)
