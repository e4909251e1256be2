r"""The array formats of QuantEcon's ``DiscreteDP`` and pymdptoolbox, both ways.

Neither package is imported: the functions read and write plain arrays.

**QuantEcon** (``quantecon.markov.DiscreteDP(R, Q, beta, s_indices=None, a_indices=None)``):

* product form — ``R: float[n, m]`` with ``-inf`` marking an infeasible action,
  ``Q: float[n, m, n]``;
* state-action-pair form — ``R: float[L]``, ``Q: float[L, n]`` (dense or SciPy sparse),
  ``s_indices: int[L]``, ``a_indices: int[L]``: only the ``L`` feasible pairs are listed;
  ``m = max(a_indices) + 1``.

``beta`` is the discount factor. ``DiscreteDP`` solves the infinite-horizon problem
(``beta < 1``); its ``backward_induction(ddp, T)`` solves ``T`` periods (``beta`` may then be
1): pass ``horizon=T``.

**pymdptoolbox** (``mdptoolbox.mdp.ValueIteration(P, R, discount)`` and friends):
``P: float[A, S, S]`` (or a sequence of A matrices, dense or sparse), and ``R`` in one of
three shapes — ``[S]`` (a reward per state, the same for every action), ``[S, A]``, or
``[A, S, S]`` (a reward per transition, ``R[a][s, s']``; a next-state reward here).
pymdptoolbox has no action sets.

The result is a :class:`~mdpsim.models.TabularMDP` (action mask and next-state rewards
native), and ``to_*`` write a model back.

Both formats are stationary: one ``P``, one ``R`` and one action set for every period. A
model whose ``P``, ``R`` or action mask depends on the stage cannot be written, and ``to_*``
say so in one line. (Adding the stage to the state, ``(h, s)``, would give a stationary model
with the same values, but that is another model with ``H`` times the states, not a writing of
this one, so it is not done silently.)
"""
from __future__ import annotations

import numpy as np

from .tabular import TabularMDP

__all__ = ["from_quantecon", "to_quantecon", "from_mdptoolbox", "to_mdptoolbox"]


def _dense(x) -> np.ndarray:
    if hasattr(x, "toarray"):          # SciPy sparse
        x = x.toarray()
    return np.asarray(x, dtype=np.float64)


def _criterion(beta, horizon):
    if horizon is None:
        return dict(gamma=beta)
    return dict(horizon=horizon, gamma=None if beta == 1.0 else beta)


def from_quantecon(R, Q, beta, s_indices=None, a_indices=None, *, horizon=None, init=None,
                   name: str | None = None) -> TabularMDP:
    """A :class:`TabularMDP` from QuantEcon ``DiscreteDP`` arguments (module docstring).

    Product form: ``R[s, a] = -inf`` marks ``a`` infeasible in ``s``. State-action-pair form:
    the pairs not listed are infeasible. ``horizon=T`` gives the ``T``-period problem of
    QuantEcon's ``backward_induction`` (``beta`` in [0, 1]); otherwise ``beta`` in [0, 1)."""
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.floating, np.integer)):
        raise ValueError(f"beta must be a number, got {beta!r}")
    beta = float(beta)
    if (s_indices is None) != (a_indices is None):
        raise ValueError("give both s_indices and a_indices (state-action-pair form) or neither "
                         "(product form)")
    if s_indices is None:
        R = np.asarray(R, dtype=np.float64)
        Q = _dense(Q)
        if R.ndim != 2 or Q.ndim != 3 or Q.shape[:2] != R.shape or Q.shape[2] != R.shape[0]:
            raise ValueError(f"product form needs R[n, m] and Q[n, m, n]; got R{R.shape}, "
                             f"Q{Q.shape}")
        feasible = R != -np.inf
        Q = np.where(feasible[..., None], Q, 0.0)
        return TabularMDP(Q, R, feasible=None if feasible.all() else feasible, init=init,
                          name=name, **_criterion(beta, horizon))
    s_idx = np.asarray(s_indices)
    a_idx = np.asarray(a_indices)
    R = np.asarray(R, dtype=np.float64)
    Q = _dense(Q)
    L = R.shape[0] if R.ndim == 1 else -1
    if R.ndim != 1 or Q.ndim != 2 or Q.shape[0] != L or s_idx.shape != (L,) \
            or a_idx.shape != (L,):
        raise ValueError(f"state-action-pair form needs R[L], Q[L, n], s_indices[L], "
                         f"a_indices[L]; got R{R.shape}, Q{Q.shape}, s_indices{s_idx.shape}, "
                         f"a_indices{a_idx.shape}")
    if s_idx.dtype.kind not in "iu" or a_idx.dtype.kind not in "iu":
        raise ValueError("s_indices and a_indices must be integer arrays")
    n = Q.shape[1]
    if L == 0 or s_idx.min() < 0 or s_idx.max() >= n or a_idx.min() < 0:
        raise ValueError(f"s_indices must lie in [0, {n}) and a_indices be non-negative")
    m = int(a_idx.max()) + 1
    feasible = np.zeros((n, m), dtype=bool)
    pairs = s_idx.astype(np.int64) * m + a_idx
    uniq, counts = np.unique(pairs, return_counts=True)
    if (counts > 1).any():
        p = int(uniq[np.argmax(counts > 1)])
        raise ValueError(f"the pair (s, a) = ({p // m}, {p % m}) is listed more than once")
    feasible[s_idx, a_idx] = True
    P = np.zeros((n, m, n))
    P[s_idx, a_idx] = Q
    Rsa = np.zeros((n, m))
    Rsa[s_idx, a_idx] = R
    return TabularMDP(P, Rsa, feasible=None if feasible.all() else feasible, init=init,
                      name=name, **_criterion(beta, horizon))


def _stationary(mdp: TabularMDP, what: str) -> None:
    if not isinstance(mdp, TabularMDP):
        raise ValueError(f"mdp must be a TabularMDP, got {type(mdp).__name__}")
    if not mdp.stationary:
        parts = [n for n, on in (("P", mdp.n_p_stages > 1), ("R", mdp.R.ndim == 3),
                                 ("the action mask", mdp.per_stage_mask)) if on]
        fmt = ("QuantEcon's DiscreteDP" if what == "to_quantecon" else "pymdptoolbox's "
               "(P[A, S, S], R)")
        raise ValueError(f"{what}: {fmt} is stationary (one P, R and action set for every "
                         f"stage) and cannot express this model, whose {' and '.join(parts)} "
                         f"{'depends' if len(parts) == 1 else 'depend'} on the stage")


def to_quantecon(mdp: TabularMDP, *, form: str = "product") -> tuple:
    """``(R, Q, beta)`` (``form="product"``; ``R = -inf`` at infeasible pairs) or
    ``(R, Q, beta, s_indices, a_indices)`` (``form="sa"``: the feasible pairs only) for
    ``quantecon.markov.DiscreteDP``. ``beta`` is ``gamma`` (1.0 for an undiscounted
    finite-horizon model; solve it with ``backward_induction(ddp, mdp.horizon)``).
    Next-state rewards are written as their expectation (QuantEcon's rewards are ``R(s, a)``)."""
    _stationary(mdp, "to_quantecon")
    beta = 1.0 if mdp.gamma is None else float(mdp.gamma)
    F = mdp.feasible
    if form == "product":
        R = np.array(mdp.R, copy=True)
        R[~F] = -np.inf
        return R, np.array(mdp.P, copy=True), beta
    if form == "sa":
        s_idx, a_idx = np.nonzero(F)
        return (np.array(mdp.R[s_idx, a_idx]), np.array(mdp.P[s_idx, a_idx]), beta,
                s_idx.astype(np.int64), a_idx.astype(np.int64))
    raise ValueError(f"form must be 'product' or 'sa', got {form!r}")


def from_mdptoolbox(P, R, *, gamma=None, horizon=None, init=None,
                    name: str | None = None) -> TabularMDP:
    """A :class:`TabularMDP` from pymdptoolbox's ``(P[A, S, S], R)`` with ``R`` of shape
    ``[S]``, ``[S, A]`` or ``[A, S, S]`` (module docstring); ``gamma`` (pymdptoolbox's
    ``discount``) and/or ``horizon`` (its ``FiniteHorizon``'s ``N``) as for
    :class:`TabularMDP`."""
    if isinstance(P, (list, tuple)) or (isinstance(P, np.ndarray) and P.dtype == object):
        P = np.stack([_dense(p) for p in P])
    P = _dense(P)
    if P.ndim != 3 or P.shape[1] != P.shape[2]:
        raise ValueError(f"P must have shape [A, S, S], got {P.shape}")
    A, S = P.shape[0], P.shape[1]
    Pt = np.ascontiguousarray(P.transpose(1, 0, 2))
    if isinstance(R, (list, tuple)) or (isinstance(R, np.ndarray) and R.dtype == object):
        R = np.stack([_dense(r) for r in R])
    R = _dense(R)
    crit = dict(gamma=gamma, horizon=horizon)
    if R.shape == (S,):
        return TabularMDP(Pt, np.repeat(R[:, None], A, axis=1), init=init, name=name, **crit)
    if R.shape == (S, A):
        return TabularMDP(Pt, R, init=init, name=name, **crit)
    if R.shape == (A, S, S):
        return TabularMDP(Pt, R_next=R.transpose(1, 0, 2), init=init, name=name, **crit)
    raise ValueError(f"R must have shape [S] = [{S}], [S, A] = [{S}, {A}] or [A, S, S] = "
                     f"[{A}, {S}, {S}] to match P, got {R.shape}")


def to_mdptoolbox(mdp: TabularMDP, *, infeasible_reward: float | None = None) -> tuple:
    """``(P[A, S, S], R)`` for pymdptoolbox: ``R[A, S, S]`` (``R[a][s, s']``) when the model
    has next-state rewards, else ``R[S, A]``. pymdptoolbox has no action sets: a masked model
    needs ``infeasible_reward`` (a reward low enough that no optimal policy takes the action;
    the row is a self-loop)."""
    _stationary(mdp, "to_mdptoolbox")
    P = np.ascontiguousarray(mdp.P.transpose(1, 0, 2))
    F = mdp.feasible
    if mdp.masked and infeasible_reward is None:
        raise ValueError("pymdptoolbox has no action sets: pass infeasible_reward=<a low "
                         "reward> to write a masked model")
    if mdp.R_next is not None:
        Rn = np.array(mdp.R_next[0], copy=True)
        if mdp.masked:
            ss, aa = np.nonzero(~F)
            Rn[ss, aa, ss] = infeasible_reward
        return P, np.ascontiguousarray(Rn.transpose(1, 0, 2))
    R = np.array(mdp.R, copy=True)
    if mdp.masked:
        R[~F] = infeasible_reward
    return P, R
