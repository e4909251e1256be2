"""One-pass copy and check of a dense transition table (compiled).

Building a dense model used to read its ``P`` about six times (copy, ``isfinite``, ``< 0``,
their ``or``, ``argwhere``, row sums): at S = 2 000, A = 10 that is 2 GB of memory traffic
for a 320 MB table, half the time of solving the model. :func:`copy_check_rows` reads each
entry once, writes the copy, and reports the first bad entry and the first bad row sum (in
C order, as ``np.argwhere`` would).
"""
from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["copy_check_rows"]


@njit(cache=True, nogil=True)
def _bad_in_row(src, r):
    """Column of the first entry of row ``r`` that is not finite or is negative (-1: none)."""
    for j in range(src.shape[1]):
        x = src[r, j]
        if not (x >= 0.0) or x == np.inf:
            return j
    return -1


@njit(cache=True, nogil=True)
def _copy_check(src, dst, tol):
    """``dst[:] = src`` for ``src, dst: float64[rows, n]`` (``dst`` may be ``src``); returns ``(bad_entry, bad_row,
    row_sum)``: the flat index of the first entry that is not finite or is negative (-1:
    none) and, when none is, the first row whose sum is off 1 by more than ``tol`` (-1:
    none) with its sum. Branch-free inner loop (it vectorises): a NaN or infinite entry
    makes the row sum non-finite, a negative one the row minimum negative; only then is the
    row scanned for the entry."""
    rows, n = src.shape
    first_row, first_sum = -1, 0.0
    for r in range(rows):
        acc = 0.0
        mn = np.inf
        for j in range(n):
            x = src[r, j]
            dst[r, j] = x
            acc += x
            mn = min(mn, x)
        if not np.isfinite(acc) or mn < 0.0:
            j = _bad_in_row(src, r)
            if j >= 0:
                return r * n + j, -1, 0.0
        if first_row < 0 and abs(acc - 1.0) > tol:
            first_row, first_sum = r, acc
    return -1, first_row, first_sum


def copy_check_rows(P, tol: float, copy: bool = True):
    """``(out, bad_entry, bad_row, row_sum)`` for ``P: float64[..., n]`` (C order): ``out`` a
    C-contiguous copy (or, with ``copy=False``, ``P`` itself when it is C-contiguous
    float64: checked in place), and the first invalid entry / row as in
    :func:`_copy_check`."""
    src = np.ascontiguousarray(P, dtype=np.float64)
    dst = src if not copy and src is P else np.empty(src.shape)
    n = src.shape[-1]
    e, r, s = _copy_check(src.reshape(-1, n), dst.reshape(-1, n), float(tol))
    return dst, int(e), int(r), float(s)
