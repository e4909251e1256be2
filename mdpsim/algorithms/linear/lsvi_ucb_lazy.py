r"""LSVI-UCB on the lazy-policy contract: the learner's own work per episode does not grow with S.

The same algorithm, statistics, tie rule and arithmetic as ``lsvi_ucb``
(:mod:`mdpsim.algorithms.linear.lsvi_ucb`; Jin, Yang, Wang, Jordan, COLT 2020,
arXiv:1907.05388; ``docs/papers/lsvi_ucb.md`` §3 and §8), written for the engine's **lazy
contract** (``contract = "lazy"``, :mod:`mdpsim.algorithms._api`): instead of filling the
policy table ``pi[H, S, A]`` at every state, ``plan`` only refreshes the per-stage weights
``w_h``, and ``act(h, s)`` computes ``Q_h(s, ·)`` and the greedy action on demand.

Per episode (0-based stages, ``β`` and the cap ``H - h`` as in ``lsvi_ucb``):

* :func:`lazy_lsvi_plan` — snapshot ``Λ_h^{-1}`` (``O(H d²)``), then for ``h = H-1, ..., 0``
  ``w_h = Λ_h^{-1}(b_r[h] + Σ_{s' ∈ N_h} M_h[:, s'] V_{h+1}(s'))`` where ``N_h`` is the set of
  *distinct observed successors* at stage ``h`` (kept sorted by :func:`lazy_lsvi_observe`) and
  ``V_{h+1}(s') = max_a Q_{h+1}(s', a)`` is computed at those states only, memoised for the
  episode. Cost ``O(H · |N| · A d²)``, ``|N_h| ≤ min(S, k)``: no term in ``S``.
* :func:`lazy_lsvi_act` — ``Q_h(s, a) = min(φ_h(s,a)ᵀ w_h + β ‖φ_h(s,a)‖_{Λ_h^{-1}}, H - h)``
  for the ``A`` actions (``O(A d²)``, memoised per episode by a stamp, so nothing is cleared per
  episode), then the lowest index among exactly equal clipped values (``ties="unclipped"``:
  the largest unclipped value among them, then the lowest index) — the rule of ``lsvi_ucb``.
* :func:`lazy_lsvi_observe` — the Sherman–Morrison step and the sums of ``lsvi_ucb``
  (:func:`~mdpsim.algorithms.linear.lsvi_ucb_kernels.observe_step`: the same additions),
  with the successor sums stored by *slot* rather than by state: ``s'`` gets the next free
  slot of stage ``h`` the first time it is seen (and is inserted in the sorted list ``N_h``,
  ``O(|N_h|)`` once per new successor), and ``Mc[h, slot, :] += φ``. The regression then reads
  one contiguous ``d``-vector per observed successor instead of ``d`` entries strided by
  ``S`` (``M_h[:, s']`` of ``lsvi_ucb``), so its memory traffic does not depend on ``S``.
* :func:`lazy_lsvi_estimate` — the optimistic ``Σ_s init(s) V_0(s)`` over the support of the
  initial distribution (the engine asks for it only at recorded episodes).

**Same numbers as** ``lsvi_ucb``: the regression sum skips exactly the terms
``M_h[i, s'] V(s')`` with ``M_h[i, s'] = 0`` (unobserved successors), which add ``±0`` to a
sum that is never ``-0``, and visits the others in increasing ``s'`` as the table kernel does;
every ``Q`` entry is computed by the same expression in the same order. So ``w``, every ``Q``
that is asked for, the actions, the exact values, regret and estimates are bit-identical to
``lsvi_ucb`` (tested on simplex, hidden-factor, RiverSwim, one-hot and fail-state instances,
both tie rules). One column differs by definition: ``switches`` counts the episodes in which
the action changed at a state the previously evaluated policy *reaches* (the table contract
counts any change in the table, reachable or not), so it is never larger; see
:mod:`mdpsim.engine.driver`. That is why this is a separate registered learner
(``lsvi_ucb_lazy``) and not the default of ``lsvi_ucb``, whose tables (and golden digests)
stay as they are.

Hyper-parameters, their provenance and the declared bound are those of ``lsvi_ucb`` (the class
derives from it). The lazy contract, the successor set ``N_h`` and the per-episode memo are
**[P]** engineering of mdpsim, not part of the paper (whose run-time claim is
``O(d² A K T)`` with rank-one updates).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from .._api import ModelInfo, register_learner
from .lsvi_ucb import LSVI_UCB, check_features
from .lsvi_ucb_kernels import lsvi_ucb_state, sherman_morrison, ucb_value

__all__ = ["LSVI_UCB_Lazy", "LazyState", "lazy_lsvi_plan", "lazy_lsvi_act",
           "lazy_lsvi_observe", "lazy_lsvi_estimate"]


class LazyState(NamedTuple):
    """``phi4: float64[n, S, A, d]`` features; ``Lam_inv: float64[H, d, d]``, ``b_r:
    float64[H, d]`` the statistics of ``lsvi_ucb``; ``Mc: float64[H, S, d]`` its successor
    sums by slot (``Mc[h, slot[h, s']] = M_h[:, s']``); ``Lp:
    float64[H, d, d]`` the episode's snapshot of ``Lam_inv`` (what ``act`` reads, so a call
    after an observation of the same episode still answers for the planned policy); ``w:
    float64[H, d]``; ``succ: int64[H, S]`` (row ``h``: the ``n_succ[h]`` distinct observed
    successors of stage ``h``, increasing) and ``succ_slot: int64[H, S]`` their slots,
    ``n_succ: int64[H]``, ``slot: int64[H, S]`` (-1: not yet observed);
    ``Qc`` / ``Qu: float64[H, S, A]`` the memo of clipped / unclipped values, valid where
    ``stamp[h, s] == epoch[0]``; ``Vs: float64[S]`` work buffer; ``bvec: float64[d]``,
    ``u: float64[d]`` scratch; ``init_s: int64[m]`` / ``init_p: float64[m]`` the support of
    the initial distribution (increasing) and its probabilities."""

    phi4: np.ndarray
    Lam_inv: np.ndarray
    b_r: np.ndarray
    Mc: np.ndarray
    Lp: np.ndarray
    w: np.ndarray
    succ: np.ndarray
    succ_slot: np.ndarray
    n_succ: np.ndarray
    slot: np.ndarray
    Qc: np.ndarray
    Qu: np.ndarray
    stamp: np.ndarray
    epoch: np.ndarray
    Vs: np.ndarray
    bvec: np.ndarray
    u: np.ndarray
    init_s: np.ndarray
    init_p: np.ndarray


@njit(cache=True, inline="always")
def _lazy_lsvi_row(state, beta, h, s):
    """Fill the memo ``Qc[h, s, :]``, ``Qu[h, s, :]`` (if not done this episode) and return
    ``V_h(s) = max_a Qc[h, s, a]``. The expression and order of ``lsvi_plan``'s inner loop."""
    Qc = state.Qc
    Qu = state.Qu
    A = Qc.shape[2]
    if state.stamp[h, s] != state.epoch[0]:
        phi4 = state.phi4
        x_all = phi4[min(h, phi4.shape[0] - 1), s]
        Li = state.Lp[h]
        wh = state.w[h]
        u = state.u
        cap = float(state.Lp.shape[0] - h)
        for a in range(A):
            val = ucb_value(x_all[a], wh, Li, beta, u)
            Qu[h, s, a] = val
            if val > cap:
                val = cap
            Qc[h, s, a] = val
        state.stamp[h, s] = state.epoch[0]
    best = -np.inf
    for a in range(A):
        if Qc[h, s, a] > best:
            best = Qc[h, s, a]
    return best


@njit(cache=True)
def lazy_lsvi_plan(state, params, k, rng):
    r"""Start episode ``k``: snapshot ``Λ_h^{-1}``, then backward over ``h`` the ridge weights
    ``w_h = Λ_h^{-1}(b_r[h] + Σ_{s' ∈ N_h} M_h[:, s'] V_{h+1}(s'))`` with ``V_{h+1}`` computed
    (and memoised) at the observed successors only; ``V_H = 0``. Returns nothing."""
    H = state.Lam_inv.shape[0]
    d = state.w.shape[1]
    state.epoch[0] += 1
    state.Lp[:] = state.Lam_inv
    bvec = state.bvec
    Vs = state.Vs
    beta = params.beta
    for h in range(H - 1, -1, -1):
        n = state.n_succ[h]
        if h + 1 < H:
            for j in range(n):
                Vs[j] = _lazy_lsvi_row(state, beta, h + 1, state.succ[h, j])
        for i in range(d):
            bvec[i] = state.b_r[h, i]
        if h + 1 < H:   # per i, the terms are added in increasing s' (the table's order)
            for j in range(n):
                m = state.Mc[h, state.succ_slot[h, j]]
                v = Vs[j]
                for i in range(d):
                    bvec[i] += m[i] * v
        Li = state.Lp[h]
        for i in range(d):
            t = 0.0
            for j in range(d):
                t += Li[i, j] * bvec[j]
            state.w[h, i] = t


@njit(cache=True, inline="always")
def lazy_lsvi_act(state, params, h, s):
    """``int64``: the greedy action of the planned policy at stage ``h``, state ``s`` (lowest
    index among exactly equal clipped values; with ``params.ties != 0`` the largest unclipped
    value among them first), computing ``Q_h(s, ·)`` on first use in the episode."""
    _lazy_lsvi_row(state, params.beta, h, s)
    Qc = state.Qc
    Qu = state.Qu
    unclipped = params.ties != 0.0
    best = 0
    for a in range(1, Qc.shape[2]):
        qa = Qc[h, s, a]
        qb = Qc[h, s, best]
        if qa > qb or (unclipped and qa == qb and Qu[h, s, a] > Qu[h, s, best]):
            best = a
    return best


@njit(cache=True)
def lazy_lsvi_observe(state, params, h, s, a, r, s_next):
    """One transition at stage ``h`` with ``x = φ_h(s, a)``: ``Λ_h^{-1} ← (Λ_h + x xᵀ)^{-1}``
    (Sherman–Morrison), ``b_r[h] += x r`` and ``Mc[h, slot[h, s_next]] += x`` — the additions of
    :func:`~mdpsim.algorithms.linear.lsvi_ucb_kernels.observe_step` — with ``s_next`` given the
    next slot and inserted in the sorted successor list ``N_h`` if new."""
    x = state.phi4[min(h, state.phi4.shape[0] - 1), s, a]
    Li = state.Lam_inv[h]
    sherman_morrison(Li, x, Li)
    sl = state.slot[h, s_next]
    if sl < 0:
        n = state.n_succ[h]
        sl = n
        state.slot[h, s_next] = sl
        row = state.succ[h]
        rslot = state.succ_slot[h]
        j = n
        while j > 0 and row[j - 1] > s_next:
            row[j] = row[j - 1]
            rslot[j] = rslot[j - 1]
            j -= 1
        row[j] = s_next
        rslot[j] = sl
        state.n_succ[h] = n + 1
    for i in range(x.shape[0]):
        state.b_r[h, i] += x[i] * r
        state.Mc[h, sl, i] += x[i]


@njit(cache=True)
def lazy_lsvi_estimate(state, params):
    """``float64``: the optimistic ``Σ_{s: init(s) > 0} init(s) V_0(s)`` of the planned policy
    (the ``estimate`` of ``lsvi_ucb``, the same sum without its zero terms)."""
    acc = 0.0
    for j in range(state.init_s.shape[0]):
        acc += state.init_p[j] * _lazy_lsvi_row(state, params.beta, 0, state.init_s[j])
    return acc


@register_learner
class LSVI_UCB_Lazy(LSVI_UCB):
    """LSVI-UCB on the lazy-policy contract. See :mod:`mdpsim.algorithms.linear.lsvi_ucb_lazy`."""

    name = "lsvi_ucb_lazy"
    title = "LSVI-UCB (lazy policy)"
    contract = "lazy"
    State = LazyState
    state_fields = LazyState._fields
    plan = lazy_lsvi_plan
    act = lazy_lsvi_act
    observe = lazy_lsvi_observe
    estimate = lazy_lsvi_estimate

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict) -> LazyState:
        phi4 = check_features(cls.name, info)
        H, S, A, d = info.H, info.S, info.A, phi4.shape[3]
        Lam_inv, b_r, _ = lsvi_ucb_state(H, 1, d, hp["lam"])
        init = np.asarray(info.init, dtype=np.float64)
        init_s = np.flatnonzero(init > 0.0).astype(np.int64)
        return LazyState(phi4=phi4, Lam_inv=Lam_inv, b_r=b_r, Mc=np.zeros((H, S, d)),
                         Lp=Lam_inv.copy(), w=np.zeros((H, d)),
                         succ=np.zeros((H, S), dtype=np.int64),
                         succ_slot=np.zeros((H, S), dtype=np.int64),
                         n_succ=np.zeros(H, dtype=np.int64),
                         slot=np.full((H, S), -1, dtype=np.int64),
                         Qc=np.zeros((H, S, A)), Qu=np.zeros((H, S, A)),
                         stamp=np.zeros((H, S), dtype=np.int64),
                         epoch=np.zeros(1, dtype=np.int64), Vs=np.zeros(S),
                         bvec=np.zeros(d), u=np.zeros(d), init_s=init_s,
                         init_p=np.array(init[init_s], dtype=np.float64))
