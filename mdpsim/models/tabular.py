"""Tabular MDPs: finite-horizon episodic or discounted, dense or successor-list storage.

A :class:`TabularMDP` is frozen data. It holds

* transitions ``P`` — either dense, ``float64[S, A, S']`` (stationary) or
  ``float64[H, S, A, S']`` (stage-dependent), or as :class:`SuccessorLists`
  (CSR: for each row ``(h, s, a)`` the reachable ``s'`` and their probabilities);
* mean rewards ``R`` — ``float64[S, A]`` (stationary) or ``float64[H, S, A]``;
* ``horizon`` (episodic, H steps, undiscounted), ``gamma`` (discounted, ``0 <= gamma < 1``),
  or both (discounted finite horizon: ``sum_{t<H} gamma^t r_t``, ``0 <= gamma <= 1``);
* ``init`` — the initial distribution over states (default: all mass on state 0);
* optionally (models as users write them, see ``docs/own_environment.md``): an action mask
  ``feasible: bool[S, A]`` (or per stage, ``bool[H, S, A]``), next-state rewards
  ``R_next[s, a, s']``, and terminal states
  ``terminal: bool[S]`` with ``terminal_reward: float64[S]``.

Canonical storage of the optional parts. An infeasible pair ``(s, a)`` and every action of a
terminal state are stored as a self-loop ``P[s, a, s] = 1`` with reward 0 (whatever was given
there: QuantEcon's ``-inf``, an all-zero row of the state-action-pair form; with a per-stage
mask, at the stages where the pair is infeasible when ``P`` or ``R`` has stages, and where it is
infeasible at every stage otherwise); a terminal state
is absorbing with reward 0, and ``terminal_reward[t]`` is paid on the transition *into* ``t``
(a next-state reward), so an episode that reaches ``t`` collects nothing more — planners,
evaluators and the simulator share this one model. ``R`` is always the expected reward
``sum_s' P(s'|s,a) r(s,a,s')``; ``R_next`` (when any next-state part was given) keeps the
realised rewards for the simulator. A model given none of the optional parts stores exactly
what it stored before.

Validation happens once, on construction, and raises :class:`ValueError` naming the field,
the offending index and value, and what was expected. Inputs are copied and the stored arrays
are read-only, so neither the caller's arrays nor the model can be changed afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass

import warnings

import numpy as np

__all__ = ["TabularMDP", "SuccessorLists", "ROW_SUM_TOL"]

#: Absolute tolerance on ``|sum_s' P(s'|s,a) - 1|``. Summing S float64 numbers in [0, 1]
#: has a rounding error of at most ~S * 1.1e-16, i.e. 2e-12 at S = 20 000, so 1e-9 accepts
#: every valid row at any size a dense model can have while rejecting real mistakes.
ROW_SUM_TOL = 1e-9


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def _fmt_index(idx) -> str:
    return ", ".join(str(int(i)) for i in idx)


def _raise_at_first(mask, values, template: str) -> None:
    """One-line ``ValueError`` at the first index where ``mask`` holds: ``template`` is
    formatted with ``idx`` (the index, ``"i, j"``) and ``val`` (``float(values[idx])``)."""
    bad = np.argwhere(mask)
    if bad.size:
        i = tuple(bad[0])
        raise ValueError(template.format(idx=_fmt_index(i), val=float(values[i])))


@dataclass(frozen=True, eq=False)
class SuccessorLists:
    """Sparse transition storage: one CSR row per ``(h, s, a)``.

    Row ``r = (h * S + s) * A + a`` (``h`` omitted for stationary models) lists the reachable
    next states ``indices[indptr[r]:indptr[r+1]]`` (sorted, distinct) and their probabilities
    ``probs[indptr[r]:indptr[r+1]]``.

    Shapes: ``indptr: int64[n_stages * S * A + 1]``, ``indices: int64[nnz]``,
    ``probs: float64[nnz]``; ``n_stages`` is 1 for a stationary model and H otherwise.
    """

    indptr: np.ndarray
    indices: np.ndarray
    probs: np.ndarray
    S: int
    A: int
    n_stages: int = 1

    def __post_init__(self):
        object.__setattr__(self, "indptr", _frozen(np.asarray(self.indptr, dtype=np.int64)))
        object.__setattr__(self, "indices", _frozen(np.asarray(self.indices, dtype=np.int64)))
        object.__setattr__(self, "probs", _frozen(np.asarray(self.probs, dtype=np.float64)))
        for name in ("S", "A", "n_stages"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or v <= 0:
                raise ValueError(f"SuccessorLists.{name} must be a positive integer, got {v!r}")
            object.__setattr__(self, name, int(v))
        rows = self.n_stages * self.S * self.A
        ip = self.indptr
        if ip.ndim != 1 or ip.shape[0] != rows + 1:
            raise ValueError(
                f"SuccessorLists.indptr must have shape ({rows + 1},) = n_stages*S*A + 1, "
                f"got {ip.shape}")
        if ip[0] != 0:
            raise ValueError(f"SuccessorLists.indptr[0] must be 0, got {ip[0]}")
        bad = np.flatnonzero(np.diff(ip) < 0)
        if bad.size:
            r = int(bad[0])
            raise ValueError(f"SuccessorLists.indptr must be non-decreasing; "
                             f"indptr[{r + 1}] = {ip[r + 1]} < indptr[{r}] = {ip[r]}")
        nnz = int(ip[-1])
        if self.indices.shape != (nnz,) or self.probs.shape != (nnz,):
            raise ValueError(f"SuccessorLists.indices and .probs must have shape ({nnz},) = "
                             f"(indptr[-1],), got {self.indices.shape} and {self.probs.shape}")

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    def row(self, h: int, s: int, a: int):
        r = ((h if self.n_stages > 1 else 0) * self.S + s) * self.A + a
        lo, hi = self.indptr[r], self.indptr[r + 1]
        return self.indices[lo:hi], self.probs[lo:hi]

    def _row_label(self, r: int) -> str:
        h, rem = divmod(r, self.S * self.A)
        s, a = divmod(rem, self.A)
        return f"[{h}, {s}, {a}]" if self.n_stages > 1 else f"[{s}, {a}]"

    def to_dense(self) -> np.ndarray:
        """Dense ``float64[S, A, S']`` (or ``[H, S, A, S']``) copy."""
        rows = self.n_stages * self.S * self.A
        out = np.zeros((rows, self.S), dtype=np.float64)
        row_of = np.repeat(np.arange(rows), np.diff(self.indptr))
        out[row_of, self.indices] = self.probs
        shape = (self.S, self.A, self.S) if self.n_stages == 1 else (
            self.n_stages, self.S, self.A, self.S)
        return out.reshape(shape)

    @classmethod
    def from_dense(cls, P: np.ndarray) -> "SuccessorLists":
        """Keep the strictly positive entries of a dense ``[S,A,S']`` or ``[H,S,A,S']`` array."""
        P = np.asarray(P, dtype=np.float64)
        if P.ndim == 3:
            n_stages, S, A = 1, P.shape[0], P.shape[1]
        elif P.ndim == 4:
            n_stages, S, A = P.shape[0], P.shape[1], P.shape[2]
        else:
            raise ValueError(f"P must have 3 or 4 dimensions, got shape {P.shape}")
        flat = P.reshape(-1, P.shape[-1])
        rows, cols = np.nonzero(flat > 0)  # row-major: sorted by row, then column
        indptr = np.zeros(flat.shape[0] + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=flat.shape[0]), out=indptr[1:])
        return cls(indptr, cols, flat[rows, cols], S, A, n_stages)


def _self_loop_rows(L: SuccessorLists, over: np.ndarray) -> SuccessorLists:
    """``L`` with every row ``r`` where ``over[r]`` replaced by the self-loop ``s -> s`` (prob 1)."""
    S, A = L.S, L.A
    cnt = np.diff(L.indptr)
    keep = np.repeat(~over, cnt)
    new_cnt = np.where(over, 1, cnt)
    indptr = np.zeros(over.shape[0] + 1, dtype=np.int64)
    np.cumsum(new_cnt, out=indptr[1:])
    indices = np.empty(int(indptr[-1]), dtype=np.int64)
    probs = np.empty(int(indptr[-1]), dtype=np.float64)
    row_of_new = np.repeat(np.arange(over.shape[0]), new_cnt)
    is_over = over[row_of_new]
    indices[~is_over] = L.indices[keep]
    probs[~is_over] = L.probs[keep]
    indices[is_over] = (np.flatnonzero(over) // A) % S
    probs[is_over] = 1.0
    return SuccessorLists(indptr, indices, probs, S, A, L.n_stages)


class TabularMDP:
    """A finite MDP with exact transition and reward tables.

    Parameters
    ----------
    P : float64[S, A, S'] | float64[H, S, A, S'] | SuccessorLists
        Transition probabilities ``P[s, a, s'] = Pr(s_{h+1} = s' | s_h = s, a_h = a)``,
        stationary or per stage ``h`` (stage-dependent models need ``horizon``).
    R : float64[S, A] | float64[H, S, A]
        Mean reward of taking ``a`` in ``s`` (at stage ``h``).
    horizon : int, optional
        Episode length H (finite-horizon, undiscounted criterion
        ``V_h(s) = E[sum_{t=h}^{H-1} R_t(s_t, a_t) | s_h = s]``).
    gamma : float, optional
        Discount factor in ``[0, 1)`` (criterion ``V(s) = E[sum_t gamma^t R(s_t, a_t)]``).
    init : float64[S], optional
        Initial distribution; default: state 0 with probability 1.
    feasible : bool[S, A] | bool[H, S, A], optional
        Action mask: ``feasible[s, a]`` (``feasible[h, s, a]``: per stage, finite horizon
        only) is False when ``a`` cannot be taken in ``s`` (at stage ``h``). Entries of ``P``
        and ``R`` at infeasible pairs are ignored (``R`` may hold ``-inf`` there, as in
        QuantEcon) — with a per-stage mask, the entries of a stationary ``P`` or ``R`` at a
        pair that is feasible at some other stage are used there and must be valid. Every
        planner, evaluator and learner of the engine respects it; a policy with mass on an
        infeasible action is rejected by evaluation. A per-stage mask equal at every stage
        is stored as ``[S, A]``.
    R_next : float64[S, A, S'] | float64[H, S, A, S'], optional
        Reward ``r(s, a, s')`` that depends on the next state (instead of ``R``). Planners use
        its expectation; the simulator pays the realised value. Entries where ``P`` is 0 are
        ignored (with a warning when non-zero). With successor lists ``P`` it may also be
        given per successor, ``float64[nnz]`` (or ``[H, nnz]`` for a stationary ``P``),
        aligned with ``P.probs``; a model stored as successor lists keeps it that way
        (:attr:`R_next_successors`), so it stays sparse.
    terminal : bool[S], optional
        Terminal states: absorbing with reward 0 (an episode that reaches one ends).
    terminal_reward : float64[S], optional
        Reward paid on the transition into a terminal state (default 0).
    copy : bool, default True
        Copy a dense ``P`` (checked in the same pass). ``copy=False`` lets the model take a
        float64 C-contiguous ``P`` as it is: it is checked in place and made read-only (the
        caller's array too), which saves one pass over memory and an allocation of the
        table's size (at S = 2 000, A = 10: 320 MB). Other inputs are always copied.

    At least one of ``horizon`` and ``gamma`` must be given; both together give the discounted
    finite-horizon criterion ``V_h(s) = E[sum_{t=h}^{H-1} gamma^(t-h) r_t | s_h = s]``.

    Examples
    --------
    >>> import numpy as np, mdpsim
    >>> P = np.array([[[0.9, 0.1], [0.2, 0.8]], [[0.0, 1.0], [1.0, 0.0]]])
    >>> R = np.array([[0.0, 1.0], [2.0, 0.0]])
    >>> mdp = mdpsim.TabularMDP(P, R, gamma=0.9)
    >>> mdp.S, mdp.A, mdp.storage
    (2, 2, 'dense')
    """

    __slots__ = ("_P", "_succ", "_R", "_init", "horizon", "gamma", "S", "A", "name",
                 "_frozen", "_cache", "_feas", "_Rn", "_term", "_term_r", "_Rn_succ")

    def __init__(self, P, R=None, *, horizon=None, gamma=None, init=None,
                 name: str | None = None, copy: bool = True, feasible=None, R_next=None,
                 terminal=None, terminal_reward=None):
        object.__setattr__(self, "_frozen", False)
        object.__setattr__(self, "_cache", {})
        for k in ("_feas", "_Rn", "_term", "_term_r", "_Rn_succ"):
            object.__setattr__(self, k, None)
        # --- criterion -------------------------------------------------------------------
        if horizon is None and gamma is None:
            raise ValueError("give horizon (finite-horizon), gamma (discounted) or both "
                             "(discounted finite horizon); got neither")
        if gamma is not None and horizon is not None and (
                isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.floating,
                                                                  np.integer))):
            raise ValueError(f"gamma must be a number in [0, 1], got {gamma!r}")
        if horizon is not None:
            if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) \
                    or horizon <= 0:
                raise ValueError(f"horizon must be a positive integer, got {horizon!r}")
            horizon = int(horizon)
        if gamma is not None:
            if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.floating,
                                                                 np.integer)):
                raise ValueError(f"gamma must be a number in [0, 1), got {gamma!r}")
            gamma = float(gamma)
            if horizon is not None:
                if not (0.0 <= gamma <= 1.0):
                    raise ValueError(f"gamma must be in [0, 1] with a finite horizon, got "
                                     f"{gamma!r}")
            elif not (0.0 <= gamma < 1.0):
                raise ValueError(f"gamma must be in [0, 1), got {gamma!r}")
        self.horizon = horizon
        self.gamma = gamma

        # --- transitions -----------------------------------------------------------------
        if isinstance(P, SuccessorLists):
            succ, dense = P, None
            S, A, n_stages = P.S, P.A, P.n_stages
        else:
            try:
                dense = np.asarray(P, dtype=np.float64)   # copied (and checked) below, once
            except (TypeError, ValueError) as exc:
                raise ValueError(f"P must be a numeric array or SuccessorLists: {exc}") from None
            if dense.ndim == 3:
                n_stages = 1
                S, A = dense.shape[0], dense.shape[1]
                if dense.shape[2] != S:
                    raise ValueError(f"P must have shape [S, A, S]; got {dense.shape}: "
                                     f"P.shape[2] = {dense.shape[2]} != P.shape[0] = {S}")
            elif dense.ndim == 4:
                n_stages, S, A = dense.shape[0], dense.shape[1], dense.shape[2]
                if dense.shape[3] != S:
                    raise ValueError(f"P must have shape [H, S, A, S]; got {dense.shape}: "
                                     f"P.shape[3] = {dense.shape[3]} != P.shape[1] = {S}")
            else:
                raise ValueError("P must have shape [S, A, S] (stationary) or [H, S, A, S] "
                                 f"(stage-dependent), got shape {dense.shape}")
            if S == 0 or A == 0:
                raise ValueError(f"P must have at least one state and one action, got shape "
                                 f"{dense.shape}")
            succ = None
        if n_stages > 1:
            if horizon is None:
                raise ValueError("stage-dependent P (4 dimensions) needs horizon=H; "
                                 "discounted models take P of shape [S, A, S]")
            if n_stages != horizon:
                raise ValueError(f"stage-dependent P has {n_stages} stages but horizon = "
                                 f"{horizon}")
        self.S, self.A = int(S), int(A)
        feas, term = self._parse_masks(feasible, terminal, S, A, horizon)
        override = None                       # bool[S, A]: rows stored as self-loops
        succ_given, succ_rows = None, None    # successor lists as given, rows overridden
        override_h = None                     # bool[H, S, A]: the same, per stage
        if feas is not None or term is not None:
            override = np.zeros((S, A), dtype=bool)
            if feas is not None:
                override |= ~feas if feas.ndim == 2 else ~feas.any(0)
            if term is not None:
                override |= term[:, None]
            if feas is not None and feas.ndim == 3:
                override_h = ~feas | override[None]
        if override is not None and override.any() or override_h is not None:
            # a stationary P keeps the rows of pairs feasible at some stage (they are used
            # there); a stage-dependent P stores every infeasible (h, s, a) as a self-loop
            over = override[None] if override_h is None or n_stages == 1 else override_h
            if dense is not None:
                dense = np.array(dense, dtype=np.float64, copy=True)
                d4 = dense if dense.ndim == 4 else dense[None]
                hh, ss, aa = np.nonzero(np.broadcast_to(over, (d4.shape[0], S, A)))
                d4[hh, ss, aa, :] = 0.0
                d4[hh, ss, aa, ss] = 1.0
                copy = False
            else:
                succ_rows = np.ascontiguousarray(np.broadcast_to(
                    over, (n_stages, S, A)).reshape(-1))
                succ_given = succ
                succ = _self_loop_rows(succ, succ_rows)
        if dense is not None:
            dense = self._copy_check_dense(dense, copy)
            dense.setflags(write=False)
        else:
            self._check_successors(succ)
        self._P, self._succ = dense, succ

        # --- rewards ---------------------------------------------------------------------
        if R is None and R_next is None:
            raise ValueError("give the rewards: R[s, a] (or [H, s, a]) or R_next[s, a, s']")
        if R is not None and R_next is not None:
            raise ValueError("give one of R (state-action rewards) and R_next (next-state "
                             "rewards), not both")
        if R_next is not None:
            Rarr = None
        else:
            try:
                Rarr = np.array(R, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"R must be a numeric array: {exc}") from None
            if Rarr.ndim == 2:
                if Rarr.shape != (S, A):
                    raise ValueError(f"R must have shape [S, A] = [{S}, {A}] to match P, got "
                                     f"{Rarr.shape}")
            elif Rarr.ndim == 3:
                if horizon is None:
                    raise ValueError("stage-dependent R (3 dimensions) needs horizon=H; "
                                     "discounted models take R of shape [S, A]")
                if Rarr.shape != (horizon, S, A):
                    raise ValueError(f"R must have shape [H, S, A] = [{horizon}, {S}, {A}], "
                                     f"got {Rarr.shape}")
            else:
                raise ValueError(f"R must have shape [S, A] or [H, S, A], got shape "
                                 f"{Rarr.shape}")
            if override is not None:
                Rarr[..., override] = 0.0   # -inf (QuantEcon) or anything: ignored there
            if override_h is not None and Rarr.ndim == 3:
                Rarr[override_h] = 0.0
            bad = np.argwhere(~np.isfinite(Rarr))
            if bad.size:
                i = tuple(bad[0])
                hint = ("; mark an infeasible action with feasible=... (or build the model with "
                        "mdpsim.from_quantecon)" if np.isneginf(Rarr[i]) else "")
                raise ValueError(f"R[{_fmt_index(i)}] = {float(Rarr[i])!r} is not finite; "
                                 f"rewards must be finite numbers{hint}")
        tr = None
        if term is not None and terminal_reward is not None:
            tr = np.array(terminal_reward, dtype=np.float64, copy=True)
            if tr.shape != (S,):
                raise ValueError(f"terminal_reward must have shape [S] = [{S}], got {tr.shape}")
            bad = np.flatnonzero(~np.isfinite(tr))
            if bad.size:
                raise ValueError(f"terminal_reward[{bad[0]}] = {tr[bad[0]]!r} is not finite")
            tr[~term] = 0.0
            if not tr.any():
                tr = None
        elif terminal_reward is not None and terminal is None:
            raise ValueError("terminal_reward needs terminal=bool[S] (the terminal states)")
        if (R_next is not None or tr is not None) and succ is not None:
            # successor lists: next-state rewards per successor (the model stays sparse)
            rn, Rarr = self._next_rewards_succ(R_next, Rarr, tr, override, horizon,
                                               override_h, succ_given, succ_rows)
            rn.setflags(write=False)
            self._Rn_succ = rn
        elif R_next is not None or tr is not None:
            Rn = self._next_rewards(R_next, Rarr, tr, override, horizon, override_h)
            Pn = self.stage_P()
            n = max(Rn.shape[0], Pn.shape[0])
            Rarr = np.empty((n, S, A))
            for h in range(n):
                Rarr[h] = np.einsum("sat,sat->sa", Pn[min(h, Pn.shape[0] - 1)],
                                    Rn[min(h, Rn.shape[0] - 1)])
            if n == 1:
                Rarr = Rarr[0]
            Rn.setflags(write=False)
            self._Rn = Rn
        if feas is not None:
            feas.setflags(write=False)
            self._feas = feas
        if term is not None:
            term.setflags(write=False)
            self._term = term
            self._term_r = tr
        Rarr.setflags(write=False)
        self._R = Rarr

        # --- initial distribution ----------------------------------------------------------
        if init is None:
            mu = np.zeros(S)
            mu[0] = 1.0
        else:
            try:
                mu = np.array(init, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"init must be a numeric array of shape [S]: {exc}") from None
            if mu.shape != (S,):
                raise ValueError(f"init must have shape [S] = [{S}], got {mu.shape}")
            bad = np.flatnonzero(~np.isfinite(mu) | (mu < 0))
            if bad.size:
                i = int(bad[0])
                raise ValueError(f"init[{i}] = {float(mu[i])!r}; init must be a probability "
                                 "distribution (finite, non-negative entries)")
            tot = mu.sum()
            if abs(tot - 1.0) > ROW_SUM_TOL:
                raise ValueError(f"init sums to {float(tot)!r}; init must be a probability distribution "
                                 f"summing to 1 (tolerance {ROW_SUM_TOL:g})")
        mu.setflags(write=False)
        self._init = mu
        self.name = name
        object.__setattr__(self, "_frozen", True)

    # ---------------------------------------------------------------- validation helpers
    @staticmethod
    def _parse_masks(feasible, terminal, S, A, horizon=None):
        term = None
        if terminal is not None:
            term = np.asarray(terminal)
            if term.dtype != bool:
                raise ValueError(f"terminal must be a bool array of shape [S] = [{S}], got "
                                 f"dtype {term.dtype}")
            if term.shape != (S,):
                raise ValueError(f"terminal must have shape [S] = [{S}], got {term.shape}")
            term = np.array(term, copy=True)
            if not term.any():
                term = None
        feas = None
        if feasible is not None:
            feas = np.asarray(feasible)
            want = f"[S, A] = [{S}, {A}]" + (f" or [H, S, A] = [{horizon}, {S}, {A}]"
                                             if horizon else "")
            if feas.dtype != bool:
                raise ValueError(f"feasible must be a bool array of shape {want}, got dtype "
                                 f"{feas.dtype}")
            if feas.ndim == 3 and horizon is None and feas.shape[1:] == (S, A):
                raise ValueError(f"a per-stage feasible of shape {feas.shape} needs horizon=H; "
                                 f"a discounted model takes feasible of shape [S, A] = "
                                 f"[{S}, {A}]")
            if feas.shape != (S, A) and (horizon is None or feas.shape != (horizon, S, A)):
                raise ValueError(f"feasible must have shape {want} to match P, got "
                                 f"{feas.shape}")
            feas = np.array(feas, copy=True)
            if term is not None:   # every action of a terminal state does nothing
                feas[term & ~feas.any(-1)] = True
            empty = np.argwhere(~feas.any(-1))
            if empty.size:
                if feas.ndim == 2:
                    s_ = int(empty[0][0])
                    raise ValueError(f"state {s_} has no feasible action (feasible[{s_}, :] "
                                     "is all False); every non-terminal state needs one")
                h, s_ = (int(x) for x in empty[0])
                raise ValueError(f"state {s_} has no feasible action at stage {h} "
                                 f"(feasible[{h}, {s_}, :] is all False); every non-terminal "
                                 "state needs one at every stage")
            if feas.ndim == 3 and (feas == feas[:1]).all():
                feas = np.array(feas[0], copy=True)   # the same at every stage
            if feas.all():
                feas = None
        return feas, term

    def _next_rewards(self, R_next, Rarr, tr, override, horizon, override_h=None):
        """Canonical next-state rewards ``float64[n, S, A, S']`` (0 where P is 0, and at
        infeasible pairs: every stage for ``override[S, A]``, stage ``h`` for
        ``override_h[H, S, A]`` when the rewards have stages)."""
        S, A = self.S, self.A
        if R_next is not None:
            try:
                Rn = np.array(R_next, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"R_next must be a numeric array: {exc}") from None
            if Rn.ndim == 3 and Rn.shape == (S, A, S):
                Rn = Rn[None]
            elif Rn.ndim == 4 and horizon is not None and Rn.shape == (horizon, S, A, S):
                pass
            else:
                raise ValueError(f"R_next must have shape [S, A, S'] = [{S}, {A}, {S}]"
                                 + (f" or [H, S, A, S'] = [{horizon}, {S}, {A}, {S}]"
                                    if horizon else "") + f", got {Rn.shape}")
        else:
            Rn = np.repeat(Rarr.reshape((-1, S, A))[..., None], S, axis=-1)
        if override is not None:
            Rn[:, override, :] = 0.0
        if override_h is not None and Rn.shape[0] > 1:
            Rn[override_h] = 0.0
        Pn = self.stage_P()
        if Pn.shape[0] > Rn.shape[0]:
            Rn = np.repeat(Rn, Pn.shape[0], axis=0)
        zero = np.broadcast_to(Pn == 0.0, Rn.shape) if Pn.shape[0] == 1 else Pn == 0.0
        stray = zero & (Rn != 0.0)
        if stray.any():
            i = tuple(np.argwhere(stray)[0])
            lab = _fmt_index(i[1:] if Rn.shape[0] == 1 else i)
            warnings.warn(f"R_next[{lab}] = {float(Rn[i])!r} is given where P is 0; it is "
                          f"ignored ({int(stray.sum())} such entries)", stacklevel=3)
            Rn[stray] = 0.0
        bad = np.argwhere(~np.isfinite(Rn))
        if bad.size:
            i = tuple(bad[0])
            lab = _fmt_index(i[1:] if Rn.shape[0] == 1 else i)
            raise ValueError(f"R_next[{lab}] = {float(Rn[i])!r} is not finite; rewards must be "
                             "finite numbers")
        if tr is not None:
            Rn = Rn + np.where(zero, 0.0, tr[None, None, None, :])
            Rn[:, override, :] = 0.0      # terminal (and infeasible) rows pay nothing
            if override_h is not None and Rn.shape[0] > 1:
                Rn[override_h] = 0.0
        return np.ascontiguousarray(Rn)

    def _next_rewards_succ(self, R_next, Rarr, tr, override, horizon, override_h, given,
                           over_rows):
        """Next-state rewards per successor, ``float64[n_rn, nnz]`` aligned with the stored
        successor lists (``n_rn`` = 1, or H when ``R_next`` has stages and ``P`` is
        stationary: a stage-dependent ``P`` carries the stage in its rows), and the expected
        rewards ``R``. ``given``/``over_rows``: the successor lists as given and the rows
        stored as self-loops (None when none were)."""
        S, A = self.S, self.A
        L = self._succ
        G = L if given is None else given
        n_rows = G.indptr.shape[0] - 1
        row_of = np.repeat(np.arange(n_rows), np.diff(G.indptr))
        st, s_of, a_of = row_of // (S * A), (row_of // A) % S, row_of % A
        idx = G.indices
        stage_p = G.n_stages > 1
        off = np.zeros(n_rows, dtype=bool) if over_rows is None else over_rows
        off_k = off[row_of]                   # successors of rows stored as self-loops
        if R_next is not None:
            try:
                arr = np.array(R_next, dtype=np.float64, copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"R_next must be a numeric array: {exc}") from None
            nnz = G.nnz
            if arr.shape == (nnz,):
                rn = arr[None]
            elif horizon is not None and not stage_p and arr.shape == (horizon, nnz):
                rn = arr
            elif arr.shape == (S, A, S) or (horizon is not None
                                            and arr.shape == (horizon, S, A, S)):
                Rd = arr if arr.ndim == 4 else arr[None]
                if stage_p:
                    pos = (np.minimum(st, Rd.shape[0] - 1), s_of, a_of, idx)
                    rn = Rd[pos][None]
                    taken = np.zeros(Rd.shape, dtype=bool)
                    taken[pos] = True
                else:
                    rn = Rd[:, s_of, a_of, idx]
                    taken = np.zeros(Rd.shape, dtype=bool)
                    taken[:, s_of, a_of, idx] = True
                ovr = np.zeros((Rd.shape[0], S, A), dtype=bool)   # rows ignored altogether
                if override is not None:
                    ovr |= override[None]
                if override_h is not None and Rd.shape[0] > 1:
                    ovr |= override_h
                stray = ~taken & (Rd != 0.0) & ~ovr[..., None]
                if stray.any():
                    i = tuple(np.argwhere(stray)[0])
                    lab = _fmt_index(i[1:] if Rd.shape[0] == 1 else i)
                    warnings.warn(f"R_next[{lab}] = {float(Rd[i])!r} is given where P is 0; it "
                                  f"is ignored ({int(stray.sum())} such entries)", stacklevel=4)
            else:
                hs = f" or [H, S, A, S'] = [{horizon}, {S}, {A}, {S}]" if horizon else ""
                per = f" or per successor [nnz] = [{nnz}] (aligned with P.probs)"
                raise ValueError(f"R_next must have shape [S, A, S'] = [{S}, {A}, {S}]{hs}"
                                 f"{per}, got {arr.shape}")
        else:
            if Rarr.ndim == 2:
                rn = Rarr[s_of, a_of][None]
            elif stage_p:
                rn = Rarr[st, s_of, a_of][None]
            else:
                rn = Rarr[:, s_of, a_of]
            rn = np.array(rn, dtype=np.float64)
        rn[:, off_k] = 0.0
        if override_h is not None and rn.shape[0] > 1:
            rn[override_h[:, s_of, a_of]] = 0.0
        bad = np.argwhere(~np.isfinite(rn))
        if bad.size:
            h, k = (int(x) for x in bad[0])
            hh = int(st[k]) if stage_p else h
            lab = _fmt_index(((hh,) if stage_p or rn.shape[0] > 1 else ())
                             + (s_of[k], a_of[k], idx[k]))
            raise ValueError(f"R_next[{lab}] = {float(rn[h, k])!r} is not finite; rewards must "
                             "be finite numbers")
        if tr is not None:
            rn = rn + tr[idx][None]
            rn[:, off_k] = 0.0                # terminal (and infeasible) rows pay nothing
            if override_h is not None and rn.shape[0] > 1:
                rn[override_h[:, s_of, a_of]] = 0.0
        if given is not None:                 # onto the stored lists (self-loop rows: 0)
            cnt_new = np.diff(L.indptr)
            is_over = np.repeat(off, cnt_new)
            out = np.zeros((rn.shape[0], L.nnz))
            out[:, ~is_over] = rn[:, ~off_k]
            rn = out
            row_of = np.repeat(np.arange(n_rows), cnt_new)
        # expected rewards: R[h, s, a] = sum_k P_k r_k over the row's successors
        w = L.probs[None] * rn
        Rarr = np.stack([np.bincount(row_of, weights=w[j], minlength=n_rows)
                         for j in range(rn.shape[0])])
        if stage_p:
            Rarr = Rarr[0].reshape(L.n_stages, S, A)
        else:
            Rarr = Rarr.reshape(rn.shape[0], S, A)
            if Rarr.shape[0] == 1:
                Rarr = Rarr[0]
        return np.ascontiguousarray(rn), np.ascontiguousarray(Rarr)

    def _copy_check_dense(self, P: np.ndarray, copy: bool = True) -> np.ndarray:
        """A C-contiguous copy of ``P`` (``P`` itself with ``copy=False`` when it is
        C-contiguous float64), checked in the same pass (entries finite and non-negative,
        rows summing to 1 within ROW_SUM_TOL; the first bad entry or row in C order is
        named)."""
        from ._validate import copy_check_rows
        stage = P.ndim == 4
        out, e, r, tot = copy_check_rows(P, ROW_SUM_TOL, copy)
        if e >= 0:
            i = np.unravel_index(e, P.shape)
            raise ValueError(f"P[{_fmt_index(i)}] = {float(P[i])!r}; transition probabilities must be "
                             "finite and non-negative")
        if r >= 0:
            i = np.unravel_index(r, P.shape[:-1])
            lab = ("h, s, a" if stage else "s, a")
            raise ValueError(f"P[{_fmt_index(i)}, :] sums to {tot!r}; each row P[{lab}, :] "
                             f"must sum to 1 (tolerance {ROW_SUM_TOL:g})")
        return out

    def _check_successors(self, L: SuccessorLists) -> None:
        S = L.S
        bad = np.flatnonzero((L.indices < 0) | (L.indices >= S))
        if bad.size:
            k = int(bad[0])
            r = int(np.searchsorted(L.indptr, k, side="right") - 1)
            raise ValueError(f"successor row {L._row_label(r)}: next-state index {L.indices[k]} "
                             f"is out of range [0, {S})")
        bad = np.flatnonzero(~np.isfinite(L.probs) | (L.probs < 0))
        if bad.size:
            k = int(bad[0])
            r = int(np.searchsorted(L.indptr, k, side="right") - 1)
            raise ValueError(f"P{L._row_label(r)[:-1]}, {L.indices[k]}] = {float(L.probs[k])!r}; "
                             "transition probabilities must be finite and non-negative")
        if L.nnz:
            row_of = np.repeat(np.arange(L.indptr.shape[0] - 1), np.diff(L.indptr))
            same_row = row_of[1:] == row_of[:-1]
            bad = np.flatnonzero(same_row & (L.indices[1:] <= L.indices[:-1]))
            if bad.size:
                k = int(bad[0]) + 1
                raise ValueError(f"successor row {L._row_label(int(row_of[k]))}: next-state "
                                 "indices must be strictly increasing (sorted, no duplicates), "
                                 f"got {L.indices[k - 1]} then {L.indices[k]}")
        sums = np.zeros(L.indptr.shape[0] - 1)
        nz = np.diff(L.indptr) > 0
        if L.nnz:
            sums[nz] = np.add.reduceat(L.probs, L.indptr[:-1][nz])
        bad = np.flatnonzero(np.abs(sums - 1.0) > ROW_SUM_TOL)
        if bad.size:
            r = int(bad[0])
            raise ValueError(f"P{L._row_label(r)[:-1]}, :] sums to {float(sums[r])!r}; each row must sum "
                             f"to 1 (tolerance {ROW_SUM_TOL:g})")

    # ---------------------------------------------------------------- immutability
    def __setattr__(self, key, value):
        if getattr(self, "_frozen", False):
            raise AttributeError(f"TabularMDP is frozen; cannot set {key!r}")
        object.__setattr__(self, key, value)

    # ---------------------------------------------------------------- properties
    @property
    def finite_horizon(self) -> bool:
        return self.horizon is not None

    @property
    def storage(self) -> str:
        """``"dense"`` or ``"successors"``."""
        return "dense" if self._P is not None else "successors"

    @property
    def stationary(self) -> bool:
        """True when neither P, R nor the action mask depends on the stage."""
        return self.n_p_stages == 1 and self._R.ndim == 2 and not self.per_stage_mask

    @property
    def n_p_stages(self) -> int:
        return (self._P.shape[0] if self._P.ndim == 4 else 1) if self._P is not None \
            else self._succ.n_stages

    @property
    def P(self) -> np.ndarray:
        """Dense transitions as given (``[S,A,S']`` or ``[H,S,A,S']``), densified if stored
        as successor lists."""
        if self._P is not None:
            return self._P
        if "dense" not in self._cache:
            d = self._succ.to_dense()
            d.setflags(write=False)
            self._cache["dense"] = d
        return self._cache["dense"]

    @property
    def successors(self) -> SuccessorLists:
        """Successor-list (CSR) view of P; built once from dense storage if needed."""
        if self._succ is not None:
            return self._succ
        if "succ" not in self._cache:
            self._cache["succ"] = SuccessorLists.from_dense(self._P)
        return self._cache["succ"]

    @property
    def R(self) -> np.ndarray:
        return self._R

    @property
    def init(self) -> np.ndarray:
        return self._init

    @property
    def H(self) -> int | None:
        return self.horizon

    @property
    def discounted_finite(self) -> bool:
        """True when both ``horizon`` and ``gamma`` are given (discounted finite horizon)."""
        return self.horizon is not None and self.gamma is not None

    @property
    def masked(self) -> bool:
        """True when some action is infeasible somewhere."""
        return self._feas is not None

    @property
    def per_stage_mask(self) -> bool:
        """True when the action mask depends on the stage (``feasible`` is ``[H, S, A]``)."""
        return self._feas is not None and self._feas.ndim == 3

    def stage_feasible(self) -> np.ndarray:
        """The action mask as ``bool[n_f, S, A]`` with ``n_f`` in {1, H}."""
        F = self.feasible
        return F[None] if F.ndim == 2 else F

    @property
    def feasible(self) -> np.ndarray:
        """The action mask ``bool[S, A]``, or ``bool[H, S, A]`` when it depends on the stage
        (all True for an unmasked model)."""
        if self._feas is not None:
            return self._feas
        if "feas1" not in self._cache:
            f = np.ones((self.S, self.A), dtype=bool)
            f.setflags(write=False)
            self._cache["feas1"] = f
        return self._cache["feas1"]

    @property
    def has_next_rewards(self) -> bool:
        """True when the rewards depend on the next state (or terminal rewards were given)."""
        return self._Rn is not None or self._Rn_succ is not None

    @property
    def R_next(self) -> np.ndarray | None:
        """Realised next-state rewards ``float64[n_r, S, A, S']`` (terminal rewards included),
        or None when rewards depend only on ``(s, a)``. A model stored as successor lists
        keeps them per successor (:attr:`R_next_successors`); this dense view is then built
        on first use (``S * A * S`` numbers per stage)."""
        if self._Rn is not None or self._Rn_succ is None:
            return self._Rn
        if "Rn_dense" not in self._cache:
            L, rn = self._succ, self._Rn_succ
            S, A = self.S, self.A
            n_rows = L.indptr.shape[0] - 1
            row_of = np.repeat(np.arange(n_rows), np.diff(L.indptr))
            st, s_of, a_of = row_of // (S * A), (row_of // A) % S, row_of % A
            if L.n_stages > 1:
                d = np.zeros((L.n_stages, S, A, S))
                d[st, s_of, a_of, L.indices] = rn[0]
            else:
                d = np.zeros((rn.shape[0], S, A, S))
                d[:, s_of, a_of, L.indices] = rn
            d.setflags(write=False)
            self._cache["Rn_dense"] = d
        return self._cache["Rn_dense"]

    @property
    def R_next_successors(self) -> np.ndarray | None:
        """Realised next-state rewards per successor, ``float64[n_rn, nnz]`` aligned with
        :attr:`successors` (``successors.probs``): entry ``[j, k]`` is the reward of the
        ``k``-th successor at stage ``min(h, n_rn - 1)``; ``n_rn`` is 1 (or H when the rewards
        depend on the stage and ``P`` does not: a stage-dependent ``P`` has the stage in its
        rows). None when rewards depend only on ``(s, a)``."""
        if self._Rn_succ is not None or self._Rn is None:
            return self._Rn_succ
        if "Rn_succ" not in self._cache:
            L, Rn = self.successors, self._Rn
            S, A = self.S, self.A
            n_rows = L.indptr.shape[0] - 1
            row_of = np.repeat(np.arange(n_rows), np.diff(L.indptr))
            st, s_of, a_of = row_of // (S * A), (row_of // A) % S, row_of % A
            if L.n_stages > 1:
                rn = Rn[np.minimum(st, Rn.shape[0] - 1), s_of, a_of, L.indices][None]
            else:
                rn = Rn[:, s_of, a_of, L.indices]
            rn = np.ascontiguousarray(rn)
            rn.setflags(write=False)
            self._cache["Rn_succ"] = rn
        return self._cache["Rn_succ"]

    @property
    def terminal(self) -> np.ndarray | None:
        """Terminal states ``bool[S]`` or None."""
        return self._term

    @property
    def terminal_reward(self) -> np.ndarray | None:
        return self._term_r

    def to_dense(self) -> "TabularMDP":
        """The same MDP with dense storage of P."""
        if self._P is not None:
            return self
        return self.replace(P=self.P)

    def to_successors(self) -> "TabularMDP":
        """The same MDP with successor-list (CSR) storage of P."""
        if self._succ is not None:
            return self
        return self.replace(P=self.successors)

    def replace(self, **changes) -> "TabularMDP":
        """A new model with some fields changed (``P``, ``R``, ``horizon``, ``gamma``,
        ``init``, ``name``); validated like any other."""
        kw = dict(P=self._P if self._P is not None else self._succ, R=self._R,
                  init=self._init, name=self.name, feasible=self._feas, terminal=self._term)
        if self.has_next_rewards and "R" not in changes:   # terminal rewards are inside R_next
            if self._Rn_succ is not None and "P" not in changes:   # per successor, aligned
                rn = self._Rn_succ
                kw["R"], kw["R_next"] = None, rn if rn.shape[0] > 1 else rn[0]
            else:
                Rn = self.R_next
                kw["R"], kw["R_next"] = None, Rn if Rn.shape[0] > 1 else Rn[0]
        if "horizon" in changes or "gamma" in changes:
            kw["horizon"] = changes.pop("horizon", None)
            kw["gamma"] = changes.pop("gamma", None)
        else:
            kw["horizon"], kw["gamma"] = self.horizon, self.gamma
        unknown = set(changes) - {"P", "R", "init", "name", "feasible", "R_next", "terminal",
                                  "terminal_reward"}
        if unknown:
            raise ValueError(f"replace() got unknown field(s) {sorted(unknown)}; expected P, R, "
                             "horizon, gamma, init, name, feasible, R_next, terminal, "
                             "terminal_reward")
        if "R_next" in changes:
            kw["R"] = None
        kw.update(changes)
        return TabularMDP(kw.pop("P"), kw.pop("R"), **kw)

    # ---------------------------------------------------------------- kernel views
    def memo(self, key, build):
        """A derived, read-only view of this (frozen) model, built once by ``build()`` and
        kept under ``key`` (the kernel layouts of the planners, for instance)."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def stage_R(self) -> np.ndarray:
        """Rewards as ``float64[n_r, S, A]`` with ``n_r`` in {1, H} (C-contiguous)."""
        if "R3" not in self._cache:
            self._cache["R3"] = np.ascontiguousarray(self._R[None] if self._R.ndim == 2
                                                     else self._R)
        return self._cache["R3"]

    def stage_P(self) -> np.ndarray:
        """Dense transitions as ``float64[n_p, S, A, S']`` (C-contiguous)."""
        if "P4" not in self._cache:
            P = self.P
            self._cache["P4"] = np.ascontiguousarray(P[None] if P.ndim == 3 else P)
        return self._cache["P4"]

    def __repr__(self) -> str:
        crit = f"horizon={self.horizon}" if self.finite_horizon else f"gamma={self.gamma}"
        if self.discounted_finite:
            crit += f", gamma={self.gamma}"
        if self._feas is not None:
            crit += f", infeasible={int((~self._feas).sum())}" + (
                " (per stage)" if self._feas.ndim == 3 else "")
        if self._term is not None:
            crit += f", terminal={int(self._term.sum())}"
        nm = f"{self.name!r}, " if self.name else ""
        nnz = f", nnz={self.successors.nnz}" if self.storage == "successors" else ""
        return (f"TabularMDP({nm}S={self.S}, A={self.A}, {crit}, storage={self.storage!r}"
                f"{nnz}, stationary={self.stationary})")
