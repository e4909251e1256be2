"""The reference engine: the episode loop of :mod:`mdpsim.engine.driver`, in plain Python.

One readable per-step loop over the *same* algorithm kernels (through the
:class:`~mdpsim.engine.agent.Agent` facade) and the *same* random stream, used as the oracle
for the compiled engine: for a given seed both produce identical trajectories (states,
actions, rewards, returns, switch counts, estimates). The exact value of each played policy
is computed here independently, every episode, by the setting's plain-NumPy evaluator
(:meth:`mdpsim.settings.Setting.reference_value`: ``mdpsim.kernels.reference.evaluate_finite``
for the episodic setting, ``mdpsim.kernels.robust_reference.robust_evaluate_finite`` for the
robust one), so the compiled engine's value cache and its evaluation kernel are checked too
(values agree to rounding, ~1e-15).
"""
from __future__ import annotations

import time

import numpy as np

from ..kernels import get_backend

__all__ = ["inv_cdf", "reference_loop"]


def inv_cdf(p, u: float) -> int:
    """First index ``j`` with ``u < p[0] + ... + p[j]`` (sequential float sum, entries <= 0
    skipped; the last positive index if ``u`` exceeds the total) — ``inv_cdf`` of the
    kernels, in Python."""
    c = 0.0
    last = -1
    for j, pj in enumerate(p):
        if pj > 0.0:
            c += pj
            last = j
            if u < c:
                return j
    return last


def _next_state(T, hp: int, s: int, a: int, u: float) -> int:
    if T.kind == "dense":
        return inv_cdf(T.P[hp, s, a].tolist(), u)
    r = (hp * T.S + s) * T.A + a
    lo, hi = int(T.indptr[r]), int(T.indptr[r + 1])
    return int(T.indices[lo + inv_cdf(T.probs[lo:hi].tolist(), u)])


def _slot(T, hp: int, s: int, a: int, s_next: int) -> int:
    """The position of ``s_next`` in the successor list of row ``(hp, s, a)`` (sorted)."""
    r = (hp * T.S + s) * T.A + a
    lo, hi = int(T.indptr[r]), int(T.indptr[r + 1])
    return lo + int(np.searchsorted(T.indices[lo:hi], s_next))


def _changed_where_reached(T, init, H: int, old, new) -> bool:
    """Whether the deterministic policies ``old``, ``new`` (``float64[H, S, A]``, one-hot)
    differ at a state that ``old`` reaches with positive probability from ``init`` — the
    switch rule of the lazy contract (:mod:`mdpsim.engine.driver`), written independently."""
    reach = init > 0
    for h in range(H):
        a_old = old[h].argmax(axis=1)
        if np.any(reach & (a_old != new[h].argmax(axis=1))):
            return True
        if h + 1 < H:
            hp = h if T.n_p > 1 else 0
            nxt = np.zeros(reach.shape[0], dtype=bool)
            for s in np.flatnonzero(reach):
                if T.kind == "dense":
                    nxt |= T.P[hp, s, a_old[s]] > 0
                else:
                    r = (hp * T.S + s) * T.A + a_old[s]
                    lo, hi = int(T.indptr[r]), int(T.indptr[r + 1])
                    nxt[T.indices[lo:hi][T.probs[lo:hi] > 0]] = True
            reach = nxt
    return False


def reference_loop(agent, mdp, K: int, rec: np.ndarray, vstar: float, rng, noise: bool,
                   eps=None, value=None):
    """Run ``K`` episodes of ``agent`` (whose generator is ``rng``) on ``mdp``; same outputs
    as the compiled loop: ``(value, return, regret, realized_regret, switches, estimate,
    wall_time, n_evals, aux, below_floor, eps_mistakes, eps_settle)`` at the 1-based
    episodes ``rec`` (the report hook, episode-level mixtures and the ε-mistake counts for
    the increasing grid ``eps`` as in :mod:`mdpsim.engine.driver`). ``mdp`` is the model
    played on; ``value(pi) -> float`` scores a policy table (default: exact episodic value on
    ``mdp``; :func:`mdpsim.run` passes its setting's ``reference_value``)."""
    from ..planning import transitions
    ref = get_backend("reference")
    T = transitions(mdp)
    R3 = mdp.stage_R()
    # realised next-state rewards, if any: dense [n_r, S, A, S'] or per successor [n_rn, nnz]
    Rn = None if not mdp.has_next_rewards else (
        mdp.R_next if T.kind == "dense" else mdp.R_next_successors)
    n_r, dense = R3.shape[0], T.kind == "dense"
    init = np.asarray(mdp.init)
    init_list = init.tolist()
    H = mdp.horizon
    record = set(int(e) for e in rec)
    rows = []
    regret = rregret = 0.0
    switches = 0
    below = 0
    eps = np.zeros(0) if eps is None else np.asarray(eps, dtype=np.float64)
    mist = np.zeros(eps.size, dtype=np.int64)
    settle = np.ones(eps.size, dtype=np.int64)
    if value is None:
        def value(p):
            return float(init @ ref.evaluate_finite(T, R3, H, p)[1][0])
    prev = None
    lazy = getattr(agent.algorithm, "contract", "table") == "lazy"
    t0 = time.perf_counter()
    for k in range(K):
        pi = agent.policy()                       # the compiled plan kernel, same rng
        if lazy:   # a switch: an action changed where the last evaluated policy goes
            if prev is not None and _changed_where_reached(T, init, H, prev, pi):
                switches += 1
                prev = pi
            elif prev is None:
                prev = pi
        else:
            if prev is not None and not np.array_equal(pi, prev):
                switches += 1
            prev = pi
        q, aux, floor, pi_alt = agent.report()
        v = value(pi)
        if q != 0.0:
            v = (1.0 - q) * v + q * value(pi_alt)
        if v < floor:
            below += 1
        regret += vstar - v
        bad = vstar - v > eps                     # the ε-mistakes of this episode
        mist += bad
        settle[bad] = k + 2
        s = inv_cdf(init_list, rng.random())
        ret = 0.0
        for h in range(H):
            a = agent.act(h, s)                   # draws rng.random()
            s_next = _next_state(T, h if T.n_p > 1 else 0, s, a, rng.random())
            if Rn is None:
                r = float(R3[h if n_r > 1 else 0, s, a])
            elif dense:
                r = float(Rn[h if Rn.shape[0] > 1 else 0, s, a, s_next])
            else:
                r = float(Rn[h if Rn.shape[0] > 1 else 0,
                             _slot(T, h if T.n_p > 1 else 0, s, a, s_next)])
            if noise:
                r = 1.0 if rng.random() < r else 0.0
            agent.observe(h, s, a, r, s_next)     # the compiled observe kernel
            ret += r
            s = s_next
        rregret += vstar - ret
        if k + 1 in record:
            rows.append((v, ret, regret, rregret, switches, agent.estimate,
                         time.perf_counter() - t0, aux, below, mist.copy(), settle.copy()))
    cols = list(zip(*rows))
    return (np.array(cols[0]), np.array(cols[1]), np.array(cols[2]), np.array(cols[3]),
            np.array(cols[4], dtype=np.int64), np.array(cols[5]), np.array(cols[6]), K,
            np.array(cols[7]), np.array(cols[8], dtype=np.int64),
            np.array(cols[9], dtype=np.int64).reshape(len(rows), eps.size),
            np.array(cols[10], dtype=np.int64).reshape(len(rows), eps.size))
