"""Kernels shared by the model-based algorithms: visit counts, the empirical model, rewards.

Empirical model. For each modelled stage ``hs`` (one stage when the true P is stationary —
counts pooled over steps — else one per step) and pair ``(s, a)``:

* ``N: float64[n_ps, S, A]`` visit count, ``Nsas: float64[n_ps, S, A, S]`` counts by next
  state (dense, O(1) updates);
* ``succ: int64[n_ps, S, A, S + 1]`` the observed next states in order of first observation and
  ``nsucc: int64[n_ps, S, A]`` how many there are, so that ``P̂ V`` costs O(#observed
  successors) rather than O(S) (on a Garnet with b successors, O(b));
* ``P̂(y | s, a) = Nsas[hs, s, a, y] / N[hs, s, a]`` (read only when ``N > 0``).

Rewards: known means ``R3: float64[n_rs, S, A]`` by default; with ``estimate_rewards`` the
empirical mean ``Rsum / NR`` (``NR: float64[n_rs, S, A]``).

Speed notes for kernel authors (measured; on RiverSwim every kernel does little work per
call, so overheads dominate). Numba keeps array references counted with atomic operations;
its pruning pass removes the pairs in straight-line code but not always across branches
and loops. Two patterns cost far more than the arithmetic: (1) a per-step kernel that
unpacks arrays from the state tuple and then branches (``count_transition`` with an ``if``
took ~80 ns per call, branch-free ~5 ns); (2) an inlined helper taking arrays, with a loop,
called inside a conditional in the planning loop (UCBVI's ``P̂ V`` and variance as helpers:
~5x slower planning than the loops written out). Hence: branch-free per-step helpers,
index arrays (``V[h + 1, y]``) rather than take row views, and inner loops written out in
the ``plan`` kernels; helpers at the per-state level (``greedy_at``, ``set_onehot``) are fine.
Planning loops over a few successors run faster with one trip count for every ``(h, s, a)``
that is a compile-time constant (zero-padded successor slots: UCBVI's planning ~25% faster
than with a run-time trip count, same sums bit for bit; the whole rewrite, 1.5-1.7x on
RiverSwim); see the notes above :func:`mdpsim.algorithms.ucbvi._plan_ch`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ..kernels import TIE_RTOL
from ..models import TabularMDP
from ._api import ModelInfo, NO_SIDE, SideInfo

__all__ = ["model_info", "empirical_state", "count_transition", "count_reward",
           "empirical_mean", "empirical_mean_var", "set_onehot", "greedy_at",
           "EMPIRICAL_FIELDS", "record_type"]

#: the names of :func:`empirical_state`'s arrays, in its order (the first fields of a
#: learner state that holds the empirical model)
EMPIRICAL_FIELDS = ("N", "Nsas", "succ", "nsucc", "Rsum", "NR")


def record_type(name: str, fields: tuple, kind: type, module: str, doc: str) -> type:
    """A ``typing.NamedTuple`` class ``name`` whose ``fields`` all have the type ``kind``
    (``np.ndarray`` for a learner state, ``float`` for its parameters), defined as if in
    ``module`` (so that pickling and Numba's on-disk cache find it there), docstring ``doc``.
    Lets a state extend another's fields (``Base._fields + (...)``) without repeating them."""
    cls = NamedTuple(name, [(f, kind) for f in fields])
    cls.__module__ = module
    cls.__doc__ = doc
    return cls


def model_info(mdp: TabularMDP, episodes: int = 0, side: SideInfo = NO_SIDE) -> ModelInfo:
    """The :class:`ModelInfo` a learner receives for ``mdp``, a budget of episodes and the
    side information ``side`` (:func:`mdpsim.engine.side_info`): sizes, known rewards and
    initial distribution — not the transition kernel."""
    R3 = np.array(mdp.stage_R(), dtype=np.float64, copy=True)
    H = int(mdp.horizon)
    return ModelInfo(S=mdp.S, A=mdp.A, H=H, K=int(episodes),
                     n_ps=1 if mdp.n_p_stages == 1 else H, n_rs=R3.shape[0],
                     r_lo=float(min(0.0, R3.min())), r_hi=float(max(1.0, R3.max())),
                     R3=R3, init=np.array(mdp.init, dtype=np.float64, copy=True), side=side)


def empirical_state(info: ModelInfo) -> tuple:
    """Fresh ``(N, Nsas, succ, nsucc, Rsum, NR)`` (all zero; ``succ`` has one spare column)."""
    n, S, A = info.n_ps, info.S, info.A
    return (np.zeros((n, S, A)), np.zeros((n, S, A, S)), np.zeros((n, S, A, S + 1), np.int64),
            np.zeros((n, S, A), np.int64), np.zeros((info.n_rs, S, A)),
            np.zeros((info.n_rs, S, A)))


@njit(cache=True, inline="always")
def count_transition(N, Nsas, succ, nsucc, h, s, a, s_next):
    """Record ``(s, a) -> s_next`` observed at step ``h`` (stage ``h``, or pooled).

    Branch-free on purpose (a first-seen ``s_next`` is appended to ``succ`` by arithmetic;
    the spare last column of ``succ`` absorbs the no-op write once all S states are seen):
    with array locals, a branch here costs more than the update (reference counting)."""
    hs = min(h, N.shape[0] - 1)
    i = nsucc[hs, s, a]
    new = np.int64(Nsas[hs, s, a, s_next] == 0.0)
    succ[hs, s, a, i] = new * s_next + (1 - new) * succ[hs, s, a, i]
    nsucc[hs, s, a] = i + new
    Nsas[hs, s, a, s_next] += 1.0
    N[hs, s, a] += 1.0


@njit(cache=True, inline="always")
def count_reward(Rsum, NR, h, s, a, r):
    hr = min(h, Rsum.shape[0] - 1)
    Rsum[hr, s, a] += r
    NR[hr, s, a] += 1.0


@njit(cache=True, inline="always")
def empirical_mean(N, Nsas, succ, nsucc, hs, s, a, V, h1):
    """``(P̂ V[h1])(s, a) = sum_y Nsas[y] V[h1, y] / N`` over the observed successors (N > 0).
    Convenient; in a hot planning loop inside a branch, write the loop out (speed notes)."""
    acc = 0.0
    for i in range(nsucc[hs, s, a]):
        y = succ[hs, s, a, i]
        acc += Nsas[hs, s, a, y] * V[h1, y]
    return acc / N[hs, s, a]


@njit(cache=True, inline="always")
def empirical_mean_var(N, Nsas, succ, nsucc, hs, s, a, V, h1):
    """``(mean, variance)`` of ``V[h1, Y]``, ``Y ~ P̂(. | s, a)`` (two-pass, N > 0)."""
    m = empirical_mean(N, Nsas, succ, nsucc, hs, s, a, V, h1)
    var = 0.0
    for i in range(nsucc[hs, s, a]):
        y = succ[hs, s, a, i]
        d = V[h1, y] - m
        var += Nsas[hs, s, a, y] * d * d
    return m, var / N[hs, s, a]


@njit(cache=True, inline="always")
def set_onehot(pi, h, s, a):
    """``pi[h, s, :] = e_a`` (a deterministic action as a probability row)."""
    for b in range(pi.shape[2]):
        pi[h, s, b] = 0.0
    pi[h, s, a] = 1.0


@njit(cache=True, inline="always")
def greedy_at(Q, h, s):
    """``(max_a Q[h, s, a], lowest a within TIE_RTOL * (1 + |max|) of the max)`` — the
    tie-breaking rule of :func:`mdpsim.kernels.numba_backend._greedy_row`, inlined."""
    A = Q.shape[2]
    m = Q[h, s, 0]
    for a in range(1, A):
        if Q[h, s, a] > m:
            m = Q[h, s, a]
    thr = m - TIE_RTOL * (1.0 + abs(m))
    for a in range(A):
        if Q[h, s, a] >= thr:
            return m, a
    return m, 0
