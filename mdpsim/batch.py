r"""Batched exact planning: many models of one shape, or one model and many policies, in one
call (Numba serial or parallel over the batch, NumPy, or CuPy on a GPU).

The workloads this serves: V* of every model of a finite class each episode (MEX), robust
backups over a sweep of Garnet instances (DRPG), the exact value of many seeds' policies.

* :func:`stack` — ``B`` :class:`~mdpsim.TabularMDP` of equal ``S, A`` and horizon (or
  ``gamma``, or both: discounted finite horizon) as one
  :class:`~mdpsim.kernels.batched_reference.Batch` (action masks, which may differ between
  the models, in ``Batch.feasible``): dense
  ``P[B, n_p, S, A, S]`` when the models are dense, else fixed-width successor lists padded to
  the widest row (a padded slot has probability 0: it adds an exact zero).
* :func:`backward_induction_batch` — optimal ``V[B, H, S]``, ``Q``, greedy policies and
  ``value[b] = init_b @ V[b, 0]``.
* :func:`evaluate_batch` — exact ``V^pi`` of stochastic ``pi[B or 1, H, S, A]`` (finite) or
  ``pi[B or 1, S, A]`` (discounted: ``(I - gamma P_pi)^{-1} r_pi``, batched dense solve).
* :func:`stack_robust` / :func:`robust_backup_batch` — one robust Bellman backup of B robust
  models sharing a sparsity pattern (e.g. DRPG Garnets with the same support), per model equal
  to :func:`mdpsim.robust_bellman`.

Backends: ``"numba"`` (default; each batch element runs the single-model compiled kernel, so
results equal B single calls bit for bit), ``"reference"`` (NumPy array code, agrees to
1e-12), ``"cupy"`` (the reference code on CuPy arrays; needs a GPU). ``parallel``: the Numba
loop over the batch as ``prange`` (``None``: parallel when the batch has at least 2 elements per
core; measured in ``benchmarks/bench_batched.py``).
"""
from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np

from .kernels import batched_reference as _ref
from .kernels.robust_common import RobustTrans
from .models import TabularMDP
from .planning import transitions

__all__ = ["stack", "BatchSolution", "backward_induction_batch", "evaluate_batch",
           "stack_robust", "robust_backup_batch"]

BACKENDS = ("numba", "reference", "cupy")


def _models(mdps) -> list:
    mdps = list(mdps)
    if not mdps:
        raise ValueError("models must be a non-empty sequence of TabularMDP")
    for i, m in enumerate(mdps):
        if not isinstance(m, TabularMDP):
            raise ValueError(f"models[{i}] must be a TabularMDP, got {type(m).__name__}")
    m0 = mdps[0]
    for i, m in enumerate(mdps[1:], 1):
        for f in ("S", "A", "horizon", "gamma", "n_p_stages"):
            if getattr(m, f) != getattr(m0, f):
                raise ValueError(f"models[{i}].{f} = {getattr(m, f)!r} differs from "
                                 f"models[0].{f} = {getattr(m0, f)!r}: a batch needs one shape")
        if m.stage_R().shape != m0.stage_R().shape:
            raise ValueError(f"models[{i}] has {m.stage_R().shape[0]} reward stages, "
                             f"models[0] has {m0.stage_R().shape[0]}")
    return mdps


def stack(mdps) -> _ref.Batch:
    """The models as one :class:`~mdpsim.kernels.batched_reference.Batch` (see module).

    Build it once and pass it to the batched functions when the same models are solved
    repeatedly (a finite class each episode): stacking copies every table."""
    if isinstance(mdps, _ref.Batch):
        return mdps
    mdps = _models(mdps)
    m0 = mdps[0]
    S, A, n_p = m0.S, m0.A, m0.n_p_stages
    R = np.ascontiguousarray(np.stack([m.stage_R() for m in mdps]), dtype=np.float64)
    shape = dict(init=_inits(mdps), H=int(m0.horizon) if m0.finite_horizon else 0,
                 gamma=1.0 if m0.gamma is None else float(m0.gamma))
    if any(m.masked for m in mdps):
        n_f = max(m.stage_feasible().shape[0] for m in mdps)
        shape["feasible"] = np.ascontiguousarray(np.stack(
            [np.broadcast_to(m.stage_feasible(), (n_f, S, A)) for m in mdps]))
    if all(m.storage == "dense" for m in mdps):
        P = np.ascontiguousarray(np.stack([m.stage_P() for m in mdps]), dtype=np.float64)
        return _ref.Batch(S, A, n_p, True, P, None, None, R, **shape)
    Ts = [transitions(m, "successors") for m in mdps]
    w = max(int(np.diff(T.indptr).max()) for T in Ts)
    rows = n_p * S * A
    dims = (len(mdps), n_p, S, A, w)
    if all(T.indptr[-1] == rows * w for T in Ts):       # every row has w successors: no pad
        idx = np.stack([np.asarray(T.indices, dtype=np.int64) for T in Ts]).reshape(dims)
        prob = np.stack([np.asarray(T.probs, dtype=np.float64) for T in Ts]).reshape(dims)
        return _ref.Batch(S, A, n_p, False, None, idx, prob, R, **shape)
    idx = np.zeros((len(mdps), rows, w), dtype=np.int64)
    prob = np.zeros((len(mdps), rows, w))
    for b, T in enumerate(Ts):
        n = np.diff(T.indptr)
        slot = np.arange(T.indptr[-1]) - np.repeat(T.indptr[:-1], n)
        row = np.repeat(np.arange(rows), n)
        idx[b, row, slot] = T.indices
        prob[b, row, slot] = T.probs
        # padded slots point at the row's first successor with probability 0 (a valid index)
        first = np.asarray(T.indices)[np.asarray(T.indptr[:-1])]
        mask = np.arange(w)[None, :] >= n[:, None]
        idx[b][mask] = np.broadcast_to(first[:, None], (rows, w))[mask]
    return _ref.Batch(S, A, n_p, False, None, idx.reshape(dims), prob.reshape(dims), R,
                      **shape)


def _inits(mdps):
    return np.stack([np.asarray(m.init, dtype=np.float64) for m in mdps])


def _backend(backend):
    backend = "numba" if backend is None else backend
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    return backend


#: work (multiply-adds) from which ``parallel=None`` uses the parallel loop, on machines with
#: at least 4 cores (measured on 2 shared cores: the parallel loop did not pay at any size,
#: ``benchmarks/results/batched.md``)
PARALLEL_MIN_WORK = 10_000_000


def _auto_parallel(M, parallel) -> bool:
    if parallel is None:
        w = M.P.shape[-1] if M.dense else M.idx.shape[-1]
        work = M.B * M.n_p * M.S * M.A * w * max(M.H, 1)
        return (os.cpu_count() or 1) >= 4 and work >= PARALLEL_MIN_WORK
    return bool(parallel)


def _device(M: _ref.Batch):
    from .kernels import cupy_backend
    cp = cupy_backend._cp()
    return M._replace(**{k: (None if getattr(M, k) is None else cp.asarray(getattr(M, k)))
                         for k in ("P", "idx", "prob", "R")}), cp


class BatchSolution(NamedTuple):
    """``V[B, H, S]``, ``Q[B, H, S, A]``, ``policy[B, H, S]`` and ``value[B]``."""

    V: np.ndarray
    Q: np.ndarray
    policy: np.ndarray
    value: np.ndarray


def _max_R(M: _ref.Batch) -> _ref.Batch:
    """``M`` with ``R = -inf`` at the infeasible pairs (the rewards backward induction
    maximises; every stage of a per-stage mask); ``M`` itself without masks."""
    if M.feasible is None:
        return M
    F = M.feasible
    n = max(M.R.shape[1], F.shape[1])
    R = np.array(np.broadcast_to(M.R, (M.B, n) + M.R.shape[2:]), dtype=np.float64)
    R[~np.broadcast_to(F, R.shape)] = -np.inf
    return M._replace(R=R)


def _check_policies_feasible(M: _ref.Batch, pi: np.ndarray) -> None:
    """One line when a policy ``pi[B or 1, n_q, S, A]`` puts mass on an action that is
    infeasible in its model."""
    if M.feasible is None:
        return
    B = max(M.B, pi.shape[0])
    n = max(pi.shape[1], M.feasible.shape[1])
    bad = np.argwhere((np.broadcast_to(pi, (B, n) + pi.shape[2:]) > 0)
                      & ~np.broadcast_to(M.feasible if M.B == B else M.feasible[:1],
                                         (B, n) + pi.shape[2:]))
    if bad.size:
        b, h, s, a = (int(x) for x in bad[0])
        where = f"stage {h}, state {s}" if n > 1 else f"state {s}"
        raise ValueError(f"policies[{b if pi.shape[0] > 1 else 0}] puts probability on action "
                         f"{a} in {where}, which is infeasible in models[{b if M.B > 1 else 0}]")


def backward_induction_batch(models, *, backend: str | None = None,
                             parallel: bool | None = None) -> BatchSolution:
    """Optimal values and greedy policies of B finite-horizon models (module docstring).

    Action masks (``feasible``, ``[S, A]`` or per stage) are respected as by
    :func:`mdpsim.backward_induction` (``Q = -inf`` at infeasible pairs). Models with both
    ``horizon`` and ``gamma < 1`` (discounted finite horizon) run the NumPy batched code
    whatever the backend (the compiled kernels are undiscounted); it agrees with
    :func:`mdpsim.solve` to 1e-12."""
    M = stack(models)
    if M.H == 0:
        raise ValueError("backward_induction_batch needs finite-horizon models (horizon=H); "
                         f"these are discounted (gamma={M.gamma})")
    H = M.H
    backend = _backend(backend)
    M = _max_R(M)
    if M.gamma != 1.0 and backend == "numba":
        backend = "reference"                  # discounted finite horizon: NumPy
    if backend == "numba":
        from .kernels import batched_numba
        Q, V, pol = batched_numba.backward_induction(M, H, _auto_parallel(M, parallel))
    elif backend == "reference":
        Q, V, pol = _ref.backward_induction(M, H)
    else:  # pragma: no cover - GPU only
        Md, cp = _device(M)
        Q, V, pol = (cp.asnumpy(x) for x in _ref.backward_induction(Md, H))
    V = V[:, :-1]
    return BatchSolution(V, Q, pol, np.einsum("bs,bs->b", M.init, V[:, 0]))


def _policies(pi, M, B: int, finite: bool):
    pi = np.asarray(pi)
    want = (M.H, M.S, M.A) if finite else (M.S, M.A)
    if pi.ndim == len(want):
        pi = pi[None]
    if pi.shape[1:] != want or pi.shape[0] not in (1, B) and B != 1:
        raise ValueError(f"policies must have shape [B, {', '.join(map(str, want))}] with B = "
                         f"{B} or 1 (or one policy), got {pi.shape}")
    if not np.issubdtype(pi.dtype, np.floating) or not np.all(np.isfinite(pi)) or \
            np.any(pi < 0) or np.any(np.abs(pi.sum(-1) - 1.0) > 1e-9):
        bad = np.argwhere(~(np.abs(pi.sum(-1) - 1.0) <= 1e-9) | np.any(pi < 0, axis=-1))
        where = tuple(int(x) for x in bad[0]) if bad.size else "?"
        raise ValueError(f"policies must be float probability rows (>= 0, summing to 1); "
                         f"row {where} is not")
    return np.ascontiguousarray(pi, dtype=np.float64)


def evaluate_batch(models, policies, *, backend: str | None = None,
                   parallel: bool | None = None) -> np.ndarray:
    """Exact ``V^pi``: ``[B, H, S]`` (finite horizon) or ``[B, S]`` (discounted) for B models
    and B policies, one model and B policies, or B models and one policy.

    A policy with mass on an action infeasible in its model is rejected in one line (as by
    :func:`mdpsim.evaluate`); discounted finite-horizon models run the NumPy batched code
    (see :func:`backward_induction_batch`)."""
    M = stack(models if not isinstance(models, TabularMDP) else [models])
    finite = M.H > 0
    pi = _policies(policies, M, M.B, finite)
    if M.B > 1 and pi.shape[0] not in (1, M.B):
        raise ValueError(f"{M.B} models and {pi.shape[0]} policies: give one policy, "
                         "one model, or as many of each")
    _check_policies_feasible(M, pi if finite else pi[:, None])
    backend = _backend(backend)
    if finite and M.gamma != 1.0 and backend == "numba":
        backend = "reference"                  # discounted finite horizon: NumPy
    if not finite:
        if M.n_p != 1:
            raise ValueError("discounted evaluation needs stationary models")
        if backend == "cupy":  # pragma: no cover - GPU only
            Md, cp = _device(M)
            return cp.asnumpy(_ref.evaluate_discounted(Md, M.gamma, cp.asarray(pi)))
        return _ref.evaluate_discounted(M, M.gamma, pi)
    H = M.H
    if backend == "numba":
        from .kernels import batched_numba
        _, V = batched_numba.evaluate_finite(M, H, pi, _auto_parallel(
            M._replace(R=np.broadcast_to(M.R[:1], (max(M.B, pi.shape[0]),) + M.R.shape[1:])),
            parallel))
    elif backend == "reference":
        _, V = _ref.evaluate_finite(M, H, pi)
    else:  # pragma: no cover - GPU only
        Md, cp = _device(M)
        V = cp.asnumpy(_ref.evaluate_finite(Md, H, cp.asarray(pi))[1])
    return V[:, :-1]


class RobustBatch(NamedTuple):
    """B :class:`~mdpsim.kernels.robust_common.RobustTrans` with one ``indptr``: per-model
    ``idx, q, rn: [B, nnz]``, ``Rb: [B, n_r, S, A]``, ``budget: [B, m]``."""

    kind: int
    rect: int
    S: int
    A: int
    n_p: int
    indptr: np.ndarray
    idx: np.ndarray
    q: np.ndarray
    rn: np.ndarray
    Rb: np.ndarray
    budget: np.ndarray


def stack_robust(rms) -> RobustBatch:
    """B robust models of the same set kind, rectangularity, shape and candidate pattern per
    row (``indptr``), e.g. DRPG Garnets of one size and branching factor."""
    from .robust.view import check_robust, robust_trans
    rms = list(rms)
    if not rms:
        raise ValueError("robust models must be a non-empty sequence of RobustMDP")
    Ts: list[RobustTrans] = [robust_trans(check_robust(r)) for r in rms]
    t0 = Ts[0]
    for i, t in enumerate(Ts[1:], 1):
        for f in ("kind", "rect", "S", "A", "n_p"):
            if getattr(t, f) != getattr(t0, f):
                raise ValueError(f"robust models[{i}].{f} = {getattr(t, f)!r} differs from "
                                 f"models[0].{f} = {getattr(t0, f)!r}")
        if t.indptr.shape != t0.indptr.shape or np.any(t.indptr != t0.indptr) or \
                t.Rb.shape != t0.Rb.shape:
            raise ValueError(f"robust models[{i}] has a different number of candidate next "
                             "states per row than models[0]; a batch needs one pattern")
    st = lambda f: np.ascontiguousarray(np.stack([getattr(t, f) for t in Ts]))  # noqa: E731
    return RobustBatch(t0.kind, t0.rect, t0.S, t0.A, t0.n_p, t0.indptr, st("idx"), st("q"),
                       st("rn"), st("Rb"), st("budget"))


def robust_backup_batch(rms, V, *, policy=None, h: int = 0, c: float | None = None,
                        parallel: bool | None = None):
    """``(TV[B, S], greedy pi[B, S, A], worst kernel entries[B, nnz])`` of one robust Bellman
    backup of each model at ``V[B or 1, S]`` (``c``: discount, default the models' ``gamma``
    or 1 for finite horizon; ``policy[B, S, A]``: evaluate that policy instead of
    maximising). Numba only (the robust reference kernels are per row)."""
    from .kernels import batched_numba
    rms = list(rms)
    RB = stack_robust(rms)
    if c is None:
        c = 1.0 if rms[0].finite_horizon else float(rms[0].gamma)
    V = np.asarray(V, dtype=np.float64)
    if V.ndim == 1:
        V = V[None]
    if V.shape[-1] != RB.S or V.shape[0] not in (1, RB.q.shape[0]):
        raise ValueError(f"V must have shape [B, S] or [S] with S = {RB.S}, got {V.shape}")
    pi = None if policy is None else np.broadcast_to(
        np.asarray(policy, dtype=np.float64), (RB.q.shape[0], RB.S, RB.A))
    par = parallel if parallel is not None else (os.cpu_count() or 1) >= 4 and \
        RB.q.size * RB.A >= PARALLEL_MIN_WORK
    return batched_numba.robust_backup(RB, V, c, h, pi, bool(par))
