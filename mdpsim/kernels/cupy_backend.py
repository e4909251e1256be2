"""GPU backend: the reference array code run on CuPy arrays.

The reference kernels pick their array namespace from their inputs, so on the GPU they are
the same bodies with ``xp = cupy`` (dense stages as ``cupy.matmul``, successor lists as
``cupyx.scipy.sparse.csr_matrix``). This module moves the tables to the device once
(:func:`to_device`), runs the reference body and returns NumPy arrays. Trajectory sampling is
a sequential per-step loop and is not natural on a GPU: it runs on the host.

Importing this module does not import CuPy; :func:`available` says whether it can run.
"""
from __future__ import annotations

import numpy as np

from ._common import Trans, VIResult
from . import reference as _ref

__all__ = ["available", "to_device", "bellman_q", "greedy", "backward_induction",
           "evaluate_finite", "value_iteration", "evaluate_discounted", "occupancy_finite",
           "occupancy_discounted", "sample_trajectory", "policy_matrix"]


def available() -> bool:
    """True when CuPy imports and sees at least one CUDA device."""
    try:
        import cupy
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001 - any import/driver failure means "not available"
        return False


def _cp():
    try:
        import cupy
    except ImportError as exc:
        raise RuntimeError("backend 'cupy' needs CuPy and a CUDA GPU: pip install "
                           "'mdpsim[gpu]'") from exc
    return cupy


def to_device(T: Trans) -> Trans:
    cp = _cp()
    if T.kind == "dense":
        return T._replace(P=cp.asarray(T.P))
    return T._replace(indptr=cp.asarray(T.indptr), indices=cp.asarray(T.indices),
                      probs=cp.asarray(T.probs))


def _dev(*arrays):
    cp = _cp()
    return [cp.asarray(a) for a in arrays]


def _host(x):
    return x.get() if hasattr(x, "get") else np.asarray(x)


def _ensure(T: Trans) -> Trans:
    probe = T.P if T.kind == "dense" else T.probs
    return T if type(probe).__module__.startswith("cupy") else to_device(T)


def bellman_q(T, R, V, c=1.0, h=0):
    R, V = _dev(R, V)
    return _host(_ref.bellman_q(_ensure(T), R, V, c, h))


def greedy(Q):
    return _host(_ref.greedy(*_dev(Q)))


def backward_induction(T, R3, H):
    return tuple(_host(x) for x in _ref.backward_induction(_ensure(T), *_dev(R3), H))


def evaluate_finite(T, R3, H, pi3):
    R3, pi3 = _dev(R3, pi3)
    return tuple(_host(x) for x in _ref.evaluate_finite(_ensure(T), R3, H, pi3))


def value_iteration(T, R, gamma, tol, max_iter, V0, rule, partial_sweeps=0):
    R, V0 = _dev(R, V0)
    r = _ref.value_iteration(_ensure(T), R, gamma, tol, max_iter, V0, rule, partial_sweeps)
    return VIResult(_host(r.V), _host(r.policy), r.n_iter, r.gap_bound, r.converged)


def evaluate_discounted(T, R, gamma, pi2):
    R, pi2 = _dev(R, pi2)
    return _host(_ref.evaluate_discounted(_ensure(T), R, gamma, pi2))


def occupancy_finite(T, H, pi3, init):
    pi3, init = _dev(pi3, init)
    return _host(_ref.occupancy_finite(_ensure(T), H, pi3, init))


def occupancy_discounted(T, gamma, pi2, init):
    pi2, init = _dev(pi2, init)
    return _host(_ref.occupancy_discounted(_ensure(T), gamma, pi2, init))


def policy_matrix(T, pi2):
    out = _ref.policy_matrix(_ensure(T), *_dev(pi2))
    return out.get() if hasattr(out, "get") else out


sample_trajectory = _ref.sample_trajectory
