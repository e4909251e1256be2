r"""The compiled episode loop: K episodes x H steps of one seed in one call, GIL released.

One generic loop body, :func:`_episode_loop`, serves every algorithm in every online
setting. It calls the algorithm's kernels by the global names ``plan`` and ``observe`` (and
``report``), and the setting's exact evaluator by the global name ``evaluate``;
:func:`compiled_loop` makes, per (algorithm, evaluator) pair, a copy of the function whose
globals bind those names to the ``@njit`` kernels and compiles it with
``@njit(cache=True, nogil=True)``. (Passing the kernels as dispatcher *arguments* compiles
too, but Numba then refuses to cache the caller — the dispatchers become "dynamic globals" —
and every process would recompile; binding them as globals keeps the on-disk cache working.)
The copy's name is the algorithm class's module and qualified name followed by the
evaluator's module and name, so two algorithms, or one algorithm in two settings, never share
a compiled loop (nor a cache entry, nor a symbol). Staleness is handled by
:mod:`mdpsim._jit`: the cache folder of the package's compiled code is keyed on a hash of
all of its source, so an edit to any kernel or callee gives fresh machine code. For kernels
defined outside the package (a user's own algorithm module) the name also carries a hash of
the kernels' source files.

The loop receives two environment tuples built by the setting
(:class:`mdpsim.settings.Setting`): ``env``, the finite-horizon model the learner plays on
(:meth:`~mdpsim.settings.Setting.simulator_env`: the true model for
:class:`~mdpsim.settings.Episodic`, the nominal one for :class:`~mdpsim.settings.Robust`),
and ``ev``, what the evaluator reads (:meth:`~mdpsim.settings.Setting.eval_env`).

Per episode ``k = 1..K`` the loop

1. calls ``est = plan(state, params, k - 1, rng, pi)``, which writes the policy
   ``pi: float64[H, S, A]`` (PSRL draws its posterior sample from ``rng`` here);
2. if ``pi`` differs (exact comparison) from the previous episode's table, evaluates it
   exactly with the setting's evaluator, ``v_k = evaluate(ev, pi, V)`` (episodic: backward
   induction on the true model, ``init @ V^{pi}_0``; robust: robust backward evaluation,
   the worst case over the uncertainty set), and counts a
   switch (k > 1); otherwise ``v_k = v_{k-1}`` — the same policy has the same value, so the
   cumulative regret ``sum_j (V*_1 - v_j)`` is exact at every episode whatever the recording
   schedule;
3. plays one episode: ``s_0 = F^{-1}_init(u)``, then per step ``a_h = F^{-1}_{pi_h(s_h)}(u)``,
   ``s_{h+1} = F^{-1}_{P_h(s_h, a_h)}(u)``, and, with Bernoulli reward noise,
   ``r_h = 1[u < R_h(s_h, a_h)]`` (else ``r_h = R_h(s_h, a_h)``; with next-state rewards
   ``R_h(s_h, a_h, s_{h+1})``, the realised reward of the sampled transition, read per
   successor on successor lists); each ``u = rng.random()``
   drawn in exactly this order; ``F^{-1}_p(u)`` is the first index ``j`` with
   ``u < p_0 + ... + p_j`` (sequential sum, zero entries skipped), the semantics of
   :mod:`mdpsim.kernels`; each step calls ``observe(state, params, h, s, a, r, s_next)``;
4. at the episodes listed in ``rec`` stores value, return, cumulative regret, cumulative
   realised regret, switches, ``est`` and the wall time since the loop started.

Sample complexity (``eps: float64[m]``, increasing and positive; ``None``: off): in every
episode, for each ``eps_i`` with ``V*_1 - v_k > eps_i`` (an ε-mistake), the loop counts the
episode and remembers it as the last mistake; at the recorded episodes it stores the count
``#{j <= k : V*_1 - v_j > eps_i}`` and ``1 + max{j <= k : V*_1 - v_j > eps_i}`` (``1``
without a mistake), both over *all* episodes, exactly (two ``int64[n_rec, m]`` outputs; ``m = 0`` when off).
``eps=None`` compiles a separate specialisation in which Numba prunes the ``eps is not None``
branches, so the loop without the feature is the loop as it was (measured: no slowdown).

Optional report hook (``Algorithm.report``, bound as the global ``report``; a no-op
returning ``(0, NaN, NaN)`` for algorithms without one), called right after ``plan``:
``q, aux, floor = report(state, params, pi_alt)``. ``aux`` is recorded as is; the episodes
whose exact value is below ``floor`` are counted (``below_floor``, cumulative over *all*
episodes); ``q > 0`` declares an episode-level mixture — the policy played (``pi``, drawn
by ``plan``) or, with probability ``q``, ``pi_alt`` — whose exact value
``(1 - q) V^pi + q V^pi_alt`` is the episode's value.

**Lazy-policy learners** (``contract = "lazy"``, :mod:`mdpsim.algorithms._api`) run in a
second loop body, :func:`_lazy_episode_loop` (:func:`compiled_lazy_loop`, the same
per-learner copy and cache naming, globals ``plan``, ``act``, ``observe``, ``estimate``), in
the episodic family of settings (episodic, linear; :func:`mdpsim.run` refuses others in one
line). Per episode it

1. calls ``plan(state, params, k - 1, rng)`` (no table);
2. decides whether the played policy changed: it asks ``act`` at the states the last
   evaluated policy reaches (stored per stage with that policy's actions) and calls it
   changed when one action differs — then, and only then, the reachable set and the value
   may differ; otherwise the stored value is reused (a change at an unreached state changes
   neither). On a change it re-runs the **forward reachability pass** (stage 0: the support
   of the initial distribution; stage ``h + 1``: every successor with positive probability of
   a reached ``(s, act(h, s))``) and the backward evaluation over the reached states only,
   :func:`_reach_value` — the arithmetic of ``policy_value``, so the value has the same bits
   as the table evaluation of the same policy. ``switches`` counts these changes (never more
   than the table contract's count, which also sees unreached states);
3. at recorded episodes only, asks the learner's ``estimate``;
4. plays the episode as in the table loop, with ``a_h = act(h, s_h)`` and the action's
   uniform draw still taken (and unused), so the random stream and the trajectory are those
   of the table contract for the same policy; the start state is drawn over the support of
   the initial distribution (the same ``F^{-1}``);
5. returns the table loop's outputs plus ``int64[3]``: nanoseconds spent in ``plan``, in the
   evaluation (step 2 and the estimate) and in the roll-out (``act``, ``observe``,
   simulation), recorded by :func:`mdpsim.run` as ``df.attrs["time_split"]``.

Nothing in it is ``O(S)`` per episode except what the reachable set is: the learner's cost is
whatever its ``plan`` and ``act`` cost, the evaluation ``O(Σ_{reached (h, s)} (act + row
length))``. Buffers of size ``H x S`` are allocated once per call.
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import pathlib
import threading
import types as _pytypes

import numpy as np
from numba import njit
from numba.extending import overload

from .._jit import PACKAGE_DIR
from ..kernels.numba_backend import inv_cdf
from ..settings.episodic import policy_value, tabular_env as env_tuple
from ._clock import clock_ns

__all__ = ["compiled_loop", "compiled_lazy_loop", "env_tuple", "policy_value"]


@njit(cache=True)
def _same(x, y):
    """``x == y`` elementwise everywhere (exact float comparison). A full scan with no branch
    per element, which vectorises: for the policy tables compared once per episode (a few
    hundred to a few thousand entries) it is ~5x faster than stopping at the first
    difference (measured: 240 entries, 62 ns vs 360 ns)."""
    fx = x.reshape(-1)
    fy = y.reshape(-1)
    d = 0
    for i in range(fx.shape[0]):
        d += fx[i] != fy[i]
    return d == 0


@njit(cache=True, inline="always")
def _no_report(state, params, pi_alt):
    """The report hook of algorithms that define none: no mixture, no aux, no floor."""
    return 0.0, np.nan, np.nan


@njit(cache=True, inline="never")
def _count_mistakes(eps, gap, k, mist, settle):
    """Episode ``k`` (0-based) with ``gap = V*_1 - v_k``: ``mist[i] += 1`` and
    ``settle[i] = k + 2`` for every ``eps[i] < gap`` (``eps`` increasing: a prefix)."""
    for i in range(eps.shape[0]):
        if gap > eps[i]:
            mist[i] += 1
            settle[i] = k + 2
        else:
            break


@njit(cache=True)
def _outputs(n_rec, n_eps):
    """The recorded columns both episode loops fill, one row per recorded episode:
    ``(value, return, regret, realised regret, switches, estimate, wall seconds, ε-mistakes
    [n_rec, n_eps], ε-settle [n_rec, n_eps])`` (``n_eps = 0`` without the ε metrics)."""
    return (np.empty(n_rec), np.empty(n_rec), np.empty(n_rec), np.empty(n_rec),
            np.empty(n_rec, dtype=np.int64), np.empty(n_rec), np.empty(n_rec),
            np.zeros((n_rec, n_eps), dtype=np.int64), np.ones((n_rec, n_eps), dtype=np.int64))


@njit(cache=True)
def _record(out, j, value, ret, regret, rregret, switches, est, mist, settle, t0):
    """Row ``j`` of the columns of :func:`_outputs` (the ε counters are zero-width without
    the ε metrics), with the wall time since ``t0`` (NaN where the clock is unavailable).

    A call, not inlined: it runs once per recorded episode, and Numba's ``inline="always"``
    of this tuple-unpacking helper (with :func:`_outputs`) left the loops' returned columns
    unwritten."""
    out_value, out_return, out_regret, out_rregret, out_switches, out_est, out_wall, \
        out_mist, out_settle = out
    out_value[j] = value
    out_return[j] = ret
    out_regret[j] = regret
    out_rregret[j] = rregret
    out_switches[j] = switches
    out_est[j] = est
    out_mist[j] = mist
    out_settle[j] = settle
    t = clock_ns()
    out_wall[j] = (t - t0) * 1e-9 if t >= 0 else np.nan


def _reward_at(R, h, s, a, s2, kk):
    """The reward the simulator pays: ``R[h', s, a]`` (``R: float64[n_r, S, A]``), the
    realised next-state reward ``R[h', s, a, s2]`` (``R: float64[n_r, S, A, S']``, dense
    models) or ``R[h', kk]`` (``R: float64[n_rn, nnz]``, per successor, aligned with the
    successor lists; ``kk`` the sampled successor's slot), with ``h' = min(h, n - 1)``.
    Chosen at compile time from ``R.ndim`` (an overload), so a model without next-state
    rewards compiles to the plain lookup."""
    hr = min(h, R.shape[0] - 1)
    if R.ndim == 3:
        return R[hr, s, a]
    return R[hr, s, a, s2] if R.ndim == 4 else R[hr, kk]


@overload(_reward_at, inline="always")
def _reward_at_impl(R, h, s, a, s2, kk):
    if R.ndim == 3:
        def impl(R, h, s, a, s2, kk):
            return R[min(h, R.shape[0] - 1), s, a]
    elif R.ndim == 4:
        def impl(R, h, s, a, s2, kk):
            return R[min(h, R.shape[0] - 1), s, a, s2]
    else:
        def impl(R, h, s, a, s2, kk):
            return R[min(h, R.shape[0] - 1), kk]
    return impl


@njit(cache=True, inline="always")
def _next_state(dense, P, indptr, indices, probs, S, A, hp, s, a, u):
    """``(s', kk)``: the inverse-CDF next-state draw for the uniform ``u`` at ``(hp, s, a)``,
    over the dense row ``P[hp, s, a, :]`` (``kk = -1``) or the CSR row of the sparse storage
    (``kk`` = the entry drawn, which :func:`_reward_at` reads for per-successor rewards).
    Zero-probability entries are never drawn. Inlined into both episode loops (the table
    contract's and the lazy contract's): one copy of the draw, the same transitions from the
    same stream, no call per step."""
    c = 0.0
    kk = -1
    if dense:
        s2 = -1
        for y in range(S):
            p = P[hp, s, a, y]
            if p > 0.0:
                c += p
                s2 = y
                if u < c:
                    break
    else:
        row = (hp * S + s) * A + a
        for kk_ in range(indptr[row], indptr[row + 1]):
            p = probs[kk_]
            if p > 0.0:
                c += p
                kk = kk_
                if u < c:
                    break
        s2 = indices[kk]
    return s2, kk


def _episode_loop(state, params, env, ev, K, rec, vstar, rng, noise, always_eval, eps):
    dense, P, indptr, indices, probs, n_p, R3, init, H, S, A = env
    n_rec = rec.shape[0]
    if eps is None:  # pruned at compile time: the loop without the feature is unchanged
        n_eps = 0
    else:
        n_eps = eps.shape[0]
    out = _outputs(n_rec, n_eps)
    out_aux = np.empty(n_rec)
    out_below = np.empty(n_rec, dtype=np.int64)
    mist = np.zeros(n_eps, dtype=np.int64)
    settle = np.ones(n_eps, dtype=np.int64)
    pi = np.zeros((H, S, A))
    prev = np.zeros((H, S, A))
    Vbuf = np.zeros((H + 1, S))
    pi_alt = np.zeros((H, S, A))
    value = 0.0
    vpi = 0.0
    below = 0
    regret = 0.0
    rregret = 0.0
    switches = 0
    n_evals = 0
    j = 0
    t0 = clock_ns()
    for k in range(K):
        est = plan(state, params, k, rng, pi)  # noqa: F821  (bound by compiled_loop)
        q, aux, floor = report(state, params, pi_alt)  # noqa: F821  (likewise)
        changed = k == 0 or not _same(pi, prev)
        if changed or always_eval:
            vpi = evaluate(ev, pi, Vbuf)  # noqa: F821  (the setting's, bound by compiled_loop)
            n_evals += 1
        if changed:
            if k > 0:
                switches += 1
            prev[:] = pi
        value = vpi
        if q != 0.0:  # episode-level mixture: the exact value of the mixture
            value = (1.0 - q) * vpi + q * evaluate(ev, pi_alt, Vbuf)  # noqa: F821
            n_evals += 1
        if value < floor:
            below += 1
        regret += vstar - value
        if eps is not None:
            _count_mistakes(eps, vstar - value, k, mist, settle)
        s = inv_cdf(init, rng.random())
        ret = 0.0
        for h in range(H):
            # inverse-CDF draws written out (as helpers taking arrays they cost ~2x per step:
            # see the speed notes in mdpsim.algorithms._common); semantics of inv_cdf
            u = rng.random()
            c = 0.0
            a = -1
            for b in range(A):
                p = pi[h, s, b]
                if p > 0.0:
                    c += p
                    a = b
                    if u < c:
                        break
            s2, kk = _next_state(dense, P, indptr, indices, probs, S, A, min(h, n_p - 1), s,
                                 a, rng.random())
            r = _reward_at(R3, h, s, a, s2, kk)
            if noise:
                r = 1.0 if rng.random() < r else 0.0
            observe(state, params, h, s, a, r, s2)  # noqa: F821  (bound by compiled_loop)
            ret += r
            s = s2
        rregret += vstar - ret
        if j < n_rec and rec[j] == k + 1:
            out_aux[j] = aux
            out_below[j] = below
            _record(out, j, value, ret, regret, rregret, switches, est, mist, settle, t0)
            j += 1
    return out[:7] + (n_evals, out_aux, out_below) + out[7:]


_LOOPS: dict = {}
_LOCK = threading.Lock()


def _identity(algo, evaluator=None, prefix="_episode_loop") -> str | None:
    """The compiled loop's name: ``_episode_loop__<module>__<class>__<evaluator>`` (the
    algorithm class's module and qualified name, then the setting evaluator's; non-identifier
    characters replaced by ``_``), plus, when a kernel is defined outside the package, a hash
    of the kernels' source files. ``None`` (compile without the disk cache) when a kernel's
    module cannot be re-imported by name (``__main__``, a file loaded under a private name):
    a cached loop is reloaded by importing its kernels' modules. ``evaluator`` defaults to
    the episodic setting's :func:`~mdpsim.settings.episodic.policy_value`."""
    evaluator = policy_value if evaluator is None else evaluator
    kernels = [f for f in (algo.plan, algo.observe, algo.report, evaluator,
                           getattr(algo, "act", None), getattr(algo, "estimate", None))
               if f is not None]
    files = set()
    for f in kernels:
        name = getattr(f.py_func, "__module__", None)
        try:
            if name is None or name == "__main__" or importlib.util.find_spec(name) is None:
                return None
            files.add(pathlib.Path(inspect.getfile(f.py_func)).resolve())
        except (ImportError, ValueError, OSError, TypeError):
            return None
    ev = evaluator.py_func
    ident = f"{algo.__module__}__{algo.__qualname__}__{ev.__module__}__{ev.__qualname__}"
    outside = sorted(p for p in files if not p.is_relative_to(PACKAGE_DIR))
    if outside:
        h = hashlib.sha256()
        for p in outside:
            try:
                h.update(p.read_bytes())
            except OSError:
                return None
        ident += "__" + h.hexdigest()[:12]
    return prefix + "__" + "".join(c if c.isalnum() else "_" for c in ident)


def compiled_loop(algo, evaluator=None):
    """The compiled episode loop of ``algo`` (an :class:`~mdpsim.algorithms.Algorithm`
    subclass) in the setting whose exact evaluator is ``evaluator`` (an ``@njit`` kernel
    ``(ev, pi, V) -> float``, see :class:`mdpsim.settings.Setting`; default: the episodic
    :func:`~mdpsim.settings.episodic.policy_value`), built once per process per pair and
    cached on disk by Numba under a name that carries both."""
    evaluator = policy_value if evaluator is None else evaluator
    with _LOCK:
        fn = _LOOPS.get((algo, evaluator))
        if fn is None:
            ident = _identity(algo, evaluator)
            g = dict(_episode_loop.__globals__)
            g["plan"] = algo.plan
            g["observe"] = algo.observe
            g["report"] = algo.report if algo.report is not None else _no_report
            g["evaluate"] = evaluator
            f = _pytypes.FunctionType(_episode_loop.__code__, g, "_episode_loop",
                                      _episode_loop.__defaults__, _episode_loop.__closure__)
            f.__qualname__ = ident or f"_episode_loop__nocache_{id(algo):x}_{id(evaluator):x}"
            f.__module__ = _episode_loop.__module__
            fn = njit(cache=ident is not None, nogil=True)(f)
            _LOOPS[(algo, evaluator)] = fn
        return fn


# ------------------------------------------------------------------ the lazy-policy contract
@njit(cache=True)
def _support(p):
    """``p: float64[n] -> int64[m]``: the indices with ``p > 0``, increasing."""
    m = 0
    for i in range(p.shape[0]):
        if p[i] > 0.0:
            m += 1
    out = np.empty(m, dtype=np.int64)
    m = 0
    for i in range(p.shape[0]):
        if p[i] > 0.0:
            out[m] = i
            m += 1
    return out


@njit(cache=True)
def _reach_successors(ev, h, s, a, tag, mark, rs, n_r):
    """Append to ``rs[h + 1]`` (``n_r[h + 1]`` entries) every successor of ``(s, a)`` at stage
    ``h`` with positive probability not yet marked ``tag`` in ``mark[h + 1]``."""
    dense, P, indptr, indices, probs, n_p, R3, init = ev
    S = mark.shape[1]
    hp = min(h, n_p - 1)
    if dense:
        for y in range(S):
            if P[hp, s, a, y] > 0.0 and mark[h + 1, y] != tag:
                mark[h + 1, y] = tag
                rs[h + 1, n_r[h + 1]] = y
                n_r[h + 1] += 1
    else:
        row = (hp * S + s) * R3.shape[2] + a
        for kk in range(indptr[row], indptr[row + 1]):
            y = indices[kk]
            if probs[kk] > 0.0 and mark[h + 1, y] != tag:
                mark[h + 1, y] = tag
                rs[h + 1, n_r[h + 1]] = y
                n_r[h + 1] += 1


@njit(cache=True)
def _reach_value(ev, init_s, rs, ra, n_r, Vr):
    """The exact value ``init @ V^pi_0`` of a deterministic policy given on the states it
    reaches: ``rs[h, :n_r[h]]`` the reachable states of stage ``h`` (row 0: the support of
    the initial distribution, ``init_s``, increasing), ``ra[h, i]`` the action at
    ``rs[h, i]``. Backward over ``h``: ``V_h(s) = R_h(s, a) + Σ_{s'} P_h(s'|s, a) V_{h+1}(s')``
    with the expression and summation order of :func:`~mdpsim.settings.episodic.policy_value`
    (``Vr: float64[H + 1, S]`` is zero at every unreached state, so the terms that the table
    evaluation adds there are the same ``±0``): the same bits as ``policy_value`` on the
    policy's full table. ``Vr`` is left all zero."""
    dense, P, indptr, indices, probs, n_p, R3, init = ev
    H = rs.shape[0]
    S = Vr.shape[1]
    A = R3.shape[2]
    for h in range(H - 1, -1, -1):
        hp = min(h, n_p - 1)
        hr = min(h, R3.shape[0] - 1)
        for i in range(n_r[h]):
            s = rs[h, i]
            a = ra[h, i]
            q = 0.0
            if dense:
                for y in range(S):
                    q += P[hp, s, a, y] * Vr[h + 1, y]
            else:
                r = (hp * S + s) * A + a
                for kk in range(indptr[r], indptr[r + 1]):
                    q += probs[kk] * Vr[h + 1, indices[kk]]
            acc = 0.0
            acc += 1.0 * (R3[hr, s, a] + q)
            Vr[h, s] = acc
    acc = 0.0
    for j in range(init_s.shape[0]):
        acc += init[init_s[j]] * Vr[0, init_s[j]]
    for h in range(H):
        for i in range(n_r[h]):
            Vr[h, rs[h, i]] = 0.0
    return acc


def _lazy_episode_loop(state, params, env, ev, K, rec, vstar, rng, noise, always_eval, eps):
    dense, P, indptr, indices, probs, n_p, R3, init, H, S, A = env
    n_rec = rec.shape[0]
    if eps is None:  # pruned at compile time
        n_eps = 0
    else:
        n_eps = eps.shape[0]
    out = _outputs(n_rec, n_eps)
    out_aux = np.full(n_rec, np.nan)
    out_below = np.zeros(n_rec, dtype=np.int64)
    mist = np.zeros(n_eps, dtype=np.int64)
    settle = np.ones(n_eps, dtype=np.int64)
    timing = np.zeros(3, dtype=np.int64)   # ns: plan, exact evaluation (+ estimate), roll-out
    sim_s = _support(init)                  # the simulator's start distribution, its support
    init_s = _support(ev[7])                # the evaluator's (stage 0 of the reachable set)
    rs = np.empty((H, S), dtype=np.int64)   # reachable states per stage (last evaluation)
    ra = np.empty((H, S), dtype=np.int64)   # and the policy's actions there
    n_r = np.zeros(H, dtype=np.int64)
    mark = np.zeros((H, S), dtype=np.int64)
    tag = 0
    Vr = np.zeros((H + 1, S))
    vpi = 0.0
    regret = 0.0
    rregret = 0.0
    switches = 0
    n_evals = 0
    est = np.nan
    j = 0
    t0 = clock_ns()
    for k in range(K):
        ta = clock_ns()
        plan(state, params, k, rng)  # noqa: F821  (bound by compiled_lazy_loop)
        tb = clock_ns()
        # the played policy changed iff an action changed at a state the last evaluated
        # policy reaches (then the reachable set, and the value, are those of that policy)
        changed = k == 0
        if not changed:
            for h in range(H):
                for i in range(n_r[h]):
                    if act(state, params, h, rs[h, i]) != ra[h, i]:  # noqa: F821
                        changed = True
                        break
                if changed:
                    break
        if changed or always_eval:
            tag += 1
            n_r[:] = 0
            for i in range(init_s.shape[0]):
                rs[0, i] = init_s[i]
            n_r[0] = init_s.shape[0]
            for h in range(H):
                for i in range(n_r[h]):
                    a = act(state, params, h, rs[h, i])  # noqa: F821
                    ra[h, i] = a
                    if h + 1 < H and n_r[h + 1] < S:   # (all S reached: nothing to add)
                        _reach_successors(ev, h, rs[h, i], a, tag, mark, rs, n_r)
            vpi = _reach_value(ev, init_s, rs, ra, n_r, Vr)
            n_evals += 1
        if changed and k > 0:
            switches += 1
        value = vpi
        regret += vstar - value
        if eps is not None:
            _count_mistakes(eps, vstar - value, k, mist, settle)
        recorded = j < n_rec and rec[j] == k + 1
        if recorded:
            est = estimate(state, params)  # noqa: F821  (bound by compiled_lazy_loop)
        tc = clock_ns()
        u = rng.random()
        c = 0.0
        s = -1
        for i in range(sim_s.shape[0]):   # inv_cdf over the support: the same draw
            c += init[sim_s[i]]
            s = sim_s[i]
            if u < c:
                break
        ret = 0.0
        for h in range(H):
            rng.random()   # the table contract's action draw: same stream, same trajectory
            a = act(state, params, h, s)  # noqa: F821
            s2, kk = _next_state(dense, P, indptr, indices, probs, S, A, min(h, n_p - 1), s,
                                 a, rng.random())
            r = _reward_at(R3, h, s, a, s2, kk)
            if noise:
                r = 1.0 if rng.random() < r else 0.0
            observe(state, params, h, s, a, r, s2)  # noqa: F821  (bound by compiled_lazy_loop)
            ret += r
            s = s2
        td = clock_ns()
        timing[0] += tb - ta
        timing[1] += tc - tb
        timing[2] += td - tc
        rregret += vstar - ret
        if recorded:
            _record(out, j, value, ret, regret, rregret, switches, est, mist, settle, t0)
            j += 1
    return out[:7] + (n_evals, out_aux, out_below) + out[7:] + (timing,)


_LAZY_LOOPS: dict = {}


def compiled_lazy_loop(algo):
    """The compiled episode loop of a learner on the lazy contract (``algo.contract ==
    "lazy"``, :mod:`mdpsim.algorithms._api`) in the episodic family of settings (episodic,
    linear: the exact evaluator is :func:`~mdpsim.settings.episodic.policy_value`'s
    reachable-state form, :func:`_reach_value`), built once per process per learner and
    cached on disk under a name that carries the learner. See the module docstring."""
    with _LOCK:
        fn = _LAZY_LOOPS.get(algo)
        if fn is None:
            ident = _identity(algo, _reach_value, prefix="_lazy_episode_loop")
            g = dict(_lazy_episode_loop.__globals__)
            g["plan"] = algo.plan
            g["act"] = algo.act
            g["observe"] = algo.observe
            g["estimate"] = algo.estimate
            f = _pytypes.FunctionType(_lazy_episode_loop.__code__, g, "_lazy_episode_loop",
                                      _lazy_episode_loop.__defaults__,
                                      _lazy_episode_loop.__closure__)
            f.__qualname__ = ident or f"_lazy_episode_loop__nocache_{id(algo):x}"
            f.__module__ = _lazy_episode_loop.__module__
            fn = njit(cache=ident is not None, nogil=True)(f)
            _LAZY_LOOPS[algo] = fn
        return fn
