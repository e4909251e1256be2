"""Shared fixtures: backends present on this machine and seeded random MDPs."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.kernels import available_backends


BACKENDS = ["reference", "numba", "cupy"]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Every kernel backend; ``cupy`` skips cleanly where no GPU is present."""
    if request.param not in available_backends():
        pytest.skip(f"backend {request.param!r} not available here (needs CuPy + CUDA GPU)")
    return request.param


@pytest.fixture(params=["dense", "successors"])
def storage(request):
    return request.param


def random_tables(rng, S, A, *, n_stages=1, sparsity=0.5):
    """Random P[n,S,A,S] (each row keeps at least one successor) and R[n,S,A]."""
    P = rng.random((n_stages, S, A, S))
    P[rng.random(P.shape) < sparsity] = 0.0
    idx = rng.integers(0, S, size=(n_stages, S, A))
    np.put_along_axis(P, idx[..., None], rng.random((n_stages, S, A, 1)) + 0.1, axis=-1)
    P /= P.sum(-1, keepdims=True)
    R = rng.random((n_stages, S, A))
    if n_stages == 1:
        return P[0], R[0]
    return P, R


def random_mdp(seed, S=6, A=3, *, horizon=None, gamma=None, stage=False, storage="dense",
               sparsity=0.5, random_init=True):
    rng = np.random.default_rng(seed)
    P, R = random_tables(rng, S, A, n_stages=horizon if stage else 1, sparsity=sparsity)
    init = rng.dirichlet(np.ones(S)) if random_init else None
    mdp = mdpsim.TabularMDP(P, R, horizon=horizon, gamma=gamma, init=init)
    return mdp.to_successors() if storage == "successors" else mdp

# the LP / cvxpy oracles live with the checks, outside the package (proofs_checks/_lp_oracles.py)
import sys as _sys  # noqa: E402
from pathlib import Path as _Path  # noqa: E402
_CHECKS = str(_Path(__file__).resolve().parents[1] / "proofs_checks")
if _CHECKS not in _sys.path:
    _sys.path.append(_CHECKS)
