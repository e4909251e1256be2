"""CuPy backend: the reference bodies on the GPU agree with the CPU reference to 1e-10.

Skipped cleanly where CuPy or a CUDA device is missing (CI has no GPU)."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.kernels import cupy_backend

from conftest import random_mdp

needs_gpu = [pytest.mark.gpu,
             pytest.mark.skipif(not cupy_backend.available(), reason="needs CuPy and a CUDA GPU")]


@needs_gpu[0]
@needs_gpu[1]
@pytest.mark.parametrize("storage", ["dense", "successors"])
def test_cupy_matches_reference(storage):
    f = random_mdp(0, S=50, A=4, horizon=10, storage=storage)
    a = mdpsim.backward_induction(f, backend="cupy")
    b = mdpsim.backward_induction(f, backend="reference")
    assert np.max(np.abs(a.V - b.V)) < 1e-10 and np.array_equal(a.policy, b.policy)
    d = random_mdp(1, S=50, A=4, gamma=0.95, storage=storage)
    va = mdpsim.value_iteration(d, tol=1e-10, backend="cupy")
    vb = mdpsim.value_iteration(d, tol=1e-10, backend="reference")
    assert np.max(np.abs(va.V - vb.V)) < 1e-10
    pi = np.random.default_rng(0).dirichlet(np.ones(4), size=50)
    assert np.max(np.abs(mdpsim.evaluate(d, pi, backend="cupy")
                         - mdpsim.evaluate(d, pi, backend="reference"))) < 1e-10
    assert np.max(np.abs(mdpsim.occupancy(f, pi, backend="cupy")
                         - mdpsim.occupancy(f, pi, backend="reference"))) < 1e-10


def test_cupy_unavailable_error_is_clear(monkeypatch):
    monkeypatch.setattr(cupy_backend, "available", lambda: False)
    with pytest.raises(RuntimeError, match="needs CuPy and a CUDA GPU"):
        mdpsim.kernels.get_backend("cupy")
