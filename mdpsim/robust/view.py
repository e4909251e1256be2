"""Kernel view of a :class:`~mdpsim.models.robust.RobustMDP` (cached on the model)."""
from __future__ import annotations

import numpy as np

from ..kernels.robust_common import RobustTrans, KIND_NAMES, SA, S_RECT, LINF
from ..models.robust import RobustMDP

__all__ = ["robust_trans", "check_robust"]


def check_robust(rm) -> RobustMDP:
    if not isinstance(rm, RobustMDP):
        raise ValueError(f"expected a RobustMDP, got {type(rm).__name__}")
    return rm


def robust_trans(rm: RobustMDP) -> RobustTrans:
    """CSR over the candidate entries of each row (nominal support, or all states for tv),
    transition rewards per entry, pair rewards, and budgets (see
    :mod:`mdpsim.kernels.robust_common`)."""
    return rm.memo("rtrans", lambda: _build(rm))


def _build(rm: RobustMDP) -> RobustTrans:
    nom = rm.nominal
    S, A = nom.S, nom.A
    kind = KIND_NAMES.index(rm.kind)
    n_p = nom.n_p_stages
    if rm.kind == "tv":
        rows = n_p * S * A
        indptr = np.arange(rows + 1, dtype=np.int64) * S
        idx = np.tile(np.arange(S, dtype=np.int64), rows)
        q = np.ascontiguousarray(nom.stage_P().reshape(-1))
    else:
        L = nom.successors
        keep = L.probs > 0
        rows = L.indptr.shape[0] - 1
        orig_row = np.repeat(np.arange(rows), np.diff(L.indptr))
        indptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(orig_row[keep], minlength=rows), out=indptr[1:])
        idx = np.ascontiguousarray(L.indices[keep])
        q = np.ascontiguousarray(L.probs[keep])
    row_of = np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr))
    if rm.R_next is not None:
        s_of, a_of = (row_of // A) % S, row_of % A
        rn = np.ascontiguousarray(rm.R_next[s_of, a_of, idx])
        Rb = np.zeros((1, S, A))
    else:
        rn = np.zeros(q.shape[0])
        Rb = np.ascontiguousarray(nom.stage_R())
    rect = SA if rm.rect == "sa" else S_RECT
    budget = np.array(rm.budget, dtype=np.float64)
    if rect == S_RECT and kind == LINF:  # stacked max-norm == (s,a)-rect, same radius
        rect = SA
        budget = np.repeat(budget[:, None], A, axis=1)
    budget = np.ascontiguousarray(budget.reshape(-1))
    for a in (indptr, idx, q, rn, Rb, budget):
        a.setflags(write=False)
    return RobustTrans(kind, rect, S, A, n_p, indptr, idx, q, rn, Rb, budget)
