r"""Regret bounds of the implemented online algorithms, as functions of their parameters.

All bounds are for episodic MDPs with ``S`` states, ``A`` actions, horizon ``H``, rewards in
[0, 1], ``K`` episodes and ``T = K H`` steps (keep K and T apart: ``sqrt(H^3 S A K) =
sqrt(H^2 S A T)``). Every function takes ``K`` as a number or an array and returns float64.

Each learner declares its bound on its class as a :class:`Bound` (``bound = Bound(...)``,
see :mod:`mdpsim.algorithms._api`) carrying its **rate in K** (the exponent
drawn as the reference line in figures: 1/2 for every sublinear bound here, up to logs), its
order, the paper and the provenance of the constants. Provenance tags as in
``docs/papers/README.md``: the *orders* are [V-src] (the papers' abstracts); the printed
*constants* are [R] — reconstructed from the papers' theorem statements as transcribed in
the algorithm modules, not checked against the PDFs — so figures use the rate only, and
numbers from these functions must be quoted as "reconstructed".

Upper bounds are ceilings: a fitted exponent below the rate is consistent with the theory
(easy, gap-dependent instances show ``log K`` behaviour); figures never claim equality.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Callable

import numpy as np

__all__ = ["Bound", "BOUNDS", "for_algorithm", "k_exponent",
           "ucbvi_ch_regret", "ucbvi_bf_regret", "psrl_regret", "optq_hoeffding_regret",
           "lower_bound", "linear_regret", "log_term"]


def _arr(K):
    K = np.asarray(K, dtype=np.float64)
    if np.any(K <= 0):
        raise ValueError(f"K must be positive, got {K!r}")
    return K


def _check(S, A, H, delta=None):
    for name, v in (("S", S), ("A", A), ("H", H)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if delta is not None and not (0.0 < delta < 1.0):
        raise ValueError(f"delta must be in (0, 1), got {delta!r}")


def log_term(K, S: int, A: int, H: int, delta: float = 0.05, *, c: float = 5.0):
    """``L = ln(c S A T / δ)`` with ``T = K H`` (UCBVI: ``c = 5``; Q-learning's ``ι``:
    ``c = 1``)."""
    return np.log(c * S * A * _arr(K) * H / delta)


def ucbvi_ch_regret(K, S: int, A: int, H: int, delta: float = 0.05):
    r"""UCBVI-CH (Azar, Osband, Munos, ICML 2017, Thm 1), w.p. ``1 - δ``:
    ``Reg(K) <= 20 H L sqrt(S A T) + 250 H^2 S^2 A L^2``, ``L = ln(5 S A T / δ)``.
    Order ``Õ(H sqrt(S A T)) = Õ(sqrt(H^3 S A K))`` [V-src]; constants [R]."""
    _check(S, A, H, delta)
    K = _arr(K)
    T, L = K * H, log_term(K, S, A, H, delta)
    return 20.0 * H * L * np.sqrt(S * A * T) + 250.0 * H**2 * S**2 * A * L**2


def ucbvi_bf_regret(K, S: int, A: int, H: int, delta: float = 0.05):
    r"""UCBVI-BF (Azar, Osband, Munos, ICML 2017, Thm 2), w.p. ``1 - δ``:
    ``Reg(K) <= 30 L sqrt(H S A T) + 2500 H^2 S^2 A L^2 + 4 H L sqrt(T)``,
    ``L = ln(5 S A T / δ)``. Order ``Õ(sqrt(H S A T) + H^2 S^2 A + H sqrt(T))``, i.e.
    ``Õ(sqrt(H^2 S A K))`` once ``T >= H^3 S^3 A`` and ``S A >= H`` [V-src]; constants [R]."""
    _check(S, A, H, delta)
    K = _arr(K)
    T, L = K * H, log_term(K, S, A, H, delta)
    return 30.0 * L * np.sqrt(H * S * A * T) + 2500.0 * H**2 * S**2 * A * L**2 \
        + 4.0 * H * L * np.sqrt(T)


def psrl_regret(K, S: int, A: int, H: int, c: float = 1.0):
    r"""PSRL (Osband, Russo, Van Roy, NeurIPS 2013, Thm 1), Bayesian regret:
    ``E[Reg(K)] <= c H S sqrt(A T ln(S A T))``. Order ``Õ(H S sqrt(A T)) = Õ(S sqrt(H^3 A
    K))`` [V-src]; the paper's absolute constant is not pinned here (``c``) [R]."""
    _check(S, A, H)
    K = _arr(K)
    T = K * H
    return c * H * S * np.sqrt(A * T * np.log(np.maximum(S * A * T, np.e)))


def optq_hoeffding_regret(K, S: int, A: int, H: int, p: float = 0.05, c: float = 1.0):
    r"""Q-learning with UCB-Hoeffding (Jin, Allen-Zhu, Bubeck, Jordan, NeurIPS 2018, Thm 1),
    w.p. ``1 - p``: ``Reg(K) <= c sqrt(H^4 S A T ι)``, ``ι = ln(S A T / p)``. Order
    ``Õ(sqrt(H^4 S A T)) = Õ(sqrt(H^5 S A K))`` [V-src]; ``c`` is the paper's unspecified
    absolute constant [R]."""
    _check(S, A, H, p)
    K = _arr(K)
    T = K * H
    return c * np.sqrt(H**4 * S * A * T * log_term(K, S, A, H, p, c=1.0))


def lower_bound(K, S: int, A: int, H: int, *, stationary: bool = True, c: float = 1.0):
    r"""Minimax lower bound: ``c sqrt(H S A T)`` for stationary transitions (Azar et al.
    2017) and ``c sqrt(H^2 S A T)`` for stage-dependent ones (Jin et al. 2018, Thm 3), for
    ``T`` large enough [V-src]; absolute constants not pinned (``c``)."""
    _check(S, A, H)
    T = _arr(K) * H
    return c * np.sqrt((H if stationary else H**2) * S * A * T)


def linear_regret(K, gap: float = 1.0):
    """``gap * K``: what an algorithm without a sublinear guarantee (greedy certainty
    equivalence, ε-greedy with fixed ε) may pay on a hard-exploration instance."""
    return float(gap) * _arr(K)


@dataclasses.dataclass(frozen=True)
class Bound:
    """A registered bound: ``fn(K, S, A, H, ...)``, its exponent in ``K`` (the reference
    line's slope on log–log axes), the order as text, the paper and the provenance."""

    name: str
    fn: Callable
    k_exponent: float
    order: str
    paper: str
    provenance: str
    kind: str = "upper"   # "upper" (ceiling: fitted slope should be <= rate) or "none"

    def __call__(self, K, **params):
        return self.fn(K, **params)


class _RegisteredBounds(Mapping):
    """``BOUNDS[name]``: the ``bound`` declared on the registered learner ``name`` (read from
    the registry each time; learners without a bound are absent)."""

    def _table(self) -> dict:
        from ..algorithms import get_algorithm, list_algorithms
        out = {}
        for n in list_algorithms():
            b = getattr(get_algorithm(n), "bound", None)
            if b is not None:
                out[n] = b
        return out

    def __getitem__(self, name):
        return self._table()[name]

    def __iter__(self):
        return iter(self._table())

    def __len__(self):
        return len(self._table())

    def __repr__(self):
        return f"BOUNDS({', '.join(self._table())})"


#: Every registered learner's bound by name (a read-only view of the registry: a learner
#: declares its ``bound`` on its class; see :mod:`mdpsim.algorithms._api`).
BOUNDS = _RegisteredBounds()

#: Other spellings of learner names accepted here (registered aliases are accepted too).
_ALIASES = {"ucbvi-ch": "ucbvi_ch", "ucbvi-bf": "ucbvi_bf", "optql": "optq",
            "q-learning": "optq", "eps-greedy": "epsilon_greedy", "eps_greedy": "epsilon_greedy"}


def _learner(name):
    """The registered learner class for ``name`` (case-insensitive; ``None`` if unknown)."""
    from ..algorithms import get_algorithm
    key = str(name).lower()
    key = _ALIASES.get(key, key)
    try:
        return get_algorithm(key)
    except ValueError:
        return None


def for_algorithm(name: str) -> Bound | None:
    """The bound declared on a registered learner (``bound`` on its class; ``None`` if
    none is declared or the name is unknown)."""
    cls = _learner(name)
    return None if cls is None else getattr(cls, "bound", None)


def k_exponent(name: str) -> float | None:
    """The rate in K of ``name``'s bound (``None`` if none)."""
    b = for_algorithm(name)
    return None if b is None else b.k_exponent
