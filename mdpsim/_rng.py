"""Random-number handling: one normalisation point, no global state."""
from __future__ import annotations

import numpy as np

RNGLike = "np.random.Generator | np.random.SeedSequence | int"


def as_generator(rng, *, name: str = "rng") -> np.random.Generator:
    """Normalise ``rng`` (Generator, SeedSequence or non-negative int) to a Generator.

    ``None`` is rejected on purpose: an unseeded run cannot be reproduced.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise ValueError(f"{name} must be a numpy Generator, SeedSequence or non-negative int seed, "
                     f"got {rng!r}")


def as_seed_sequence(rng, *, name: str = "rng") -> np.random.SeedSequence:
    """Normalise ``rng`` to a SeedSequence (a Generator contributes fresh child entropy)."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63 - 1, size=4).tolist())
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative integer seed, got {rng}")
        return np.random.SeedSequence(int(rng))
    raise ValueError(f"{name} must be a numpy Generator, SeedSequence or non-negative int seed, "
                     f"got {rng!r}")
