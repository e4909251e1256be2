"""Kernels shared by the model-based algorithms: visit counts, the empirical model, rewards.

Empirical model. For each modelled stage ``hs`` (one stage when the true P is stationary —
counts pooled over steps — else one per step) and pair ``(s, a)``:

* ``N: float64[n_ps, S, A]`` visit count, ``Nsas: float64[n_ps, S, A, S]`` counts by next
  state (dense, O(1) updates);
* ``succ: int64[n_ps, S, A, S]`` the observed next states in order of first observation and
  ``nsucc: int64[n_ps, S, A]`` how many there are, so that ``P̂ V`` costs O(#observed
  successors) rather than O(S) (on a Garnet with b successors, O(b));
* ``P̂(y | s, a) = Nsas[hs, s, a, y] / N[hs, s, a]`` (read only when ``N > 0``).

Rewards: known means ``R3: float64[n_rs, S, A]`` by default; with ``estimate_rewards`` the
empirical mean ``Rsum / NR`` (``NR: float64[n_rs, S, A]``).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ..models import TabularMDP
from ._registry import ModelInfo

__all__ = ["model_info", "empirical_state", "count_transition", "count_reward",
           "empirical_mean", "empirical_mean_var", "mean_reward", "set_onehot"]


def model_info(mdp: TabularMDP, episodes: int = 0) -> ModelInfo:
    """The :class:`ModelInfo` an algorithm receives for ``mdp`` and a budget of episodes."""
    R3 = np.array(mdp._stage_R(), dtype=np.float64, copy=True)
    H = int(mdp.horizon)
    return ModelInfo(S=mdp.S, A=mdp.A, H=H, K=int(episodes),
                     n_ps=1 if mdp.n_p_stages == 1 else H, n_rs=R3.shape[0],
                     r_lo=float(min(0.0, R3.min())), r_hi=float(max(1.0, R3.max())),
                     R3=R3, init=np.array(mdp.init, dtype=np.float64, copy=True))


def empirical_state(info: ModelInfo) -> tuple:
    """Fresh ``(N, Nsas, succ, nsucc, Rsum, NR)`` (all zero)."""
    n, S, A = info.n_ps, info.S, info.A
    return (np.zeros((n, S, A)), np.zeros((n, S, A, S)), np.zeros((n, S, A, S), np.int64),
            np.zeros((n, S, A), np.int64), np.zeros((info.n_rs, S, A)),
            np.zeros((info.n_rs, S, A)))


@njit(cache=True)
def count_transition(N, Nsas, succ, nsucc, h, s, a, s_next):
    """Record ``(s, a) -> s_next`` observed at step ``h`` (stage ``h`` or pooled)."""
    hs = h if N.shape[0] > 1 else 0
    if Nsas[hs, s, a, s_next] == 0.0:
        succ[hs, s, a, nsucc[hs, s, a]] = s_next
        nsucc[hs, s, a] += 1
    Nsas[hs, s, a, s_next] += 1.0
    N[hs, s, a] += 1.0


@njit(cache=True)
def count_reward(Rsum, NR, h, s, a, r):
    hr = h if Rsum.shape[0] > 1 else 0
    Rsum[hr, s, a] += r
    NR[hr, s, a] += 1.0


@njit(cache=True)
def empirical_mean(N, Nsas, succ, nsucc, hs, s, a, V):
    """``(P̂ V)(s, a) = sum_y Nsas[y] V[y] / N`` over the observed successors (N > 0)."""
    acc = 0.0
    for i in range(nsucc[hs, s, a]):
        y = succ[hs, s, a, i]
        acc += Nsas[hs, s, a, y] * V[y]
    return acc / N[hs, s, a]


@njit(cache=True)
def empirical_mean_var(N, Nsas, succ, nsucc, hs, s, a, V):
    """``(mean, variance)`` of ``V(Y)``, ``Y ~ P̂(. | s, a)`` (two-pass, N > 0)."""
    n = N[hs, s, a]
    m = empirical_mean(N, Nsas, succ, nsucc, hs, s, a, V)
    var = 0.0
    for i in range(nsucc[hs, s, a]):
        y = succ[hs, s, a, i]
        d = V[y] - m
        var += Nsas[hs, s, a, y] * d * d
    return m, var / n


@njit(cache=True)
def mean_reward(R3, Rsum, NR, estimate, h, s, a):
    """Known mean ``R3[h, s, a]``, or the empirical mean (0 before the first observation)."""
    hr = h if R3.shape[0] > 1 else 0
    if not estimate:
        return R3[hr, s, a]
    n = NR[hr, s, a]
    return Rsum[hr, s, a] / n if n > 0.0 else 0.0


@njit(cache=True)
def set_onehot(row, a):
    """``row[:] = e_a`` (a deterministic action as a probability row)."""
    for b in range(row.shape[0]):
        row[b] = 0.0
    row[a] = 1.0
