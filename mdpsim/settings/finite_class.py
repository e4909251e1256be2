r"""The finite-model-class setting: episodic learning on a true tabular model, with a finite
class of candidate models that contains it given to the learner as side information.

Simulator, exact evaluator and optimum are those of :class:`~mdpsim.settings.Episodic` on the
true model. What changes is what the learner is told: a learner that declares
``needs = ("model_class",)`` receives ``info.side.model_class``, a
:class:`~mdpsim.kernels.batched_reference.Batch` (:func:`mdpsim.batch.stack`) of the ``M``
candidate models, dense ``P: float64[M, n_p, S, A, S]``, ``R: float64[M, n_r, S, A]``,
``init: float64[M, S]`` and the horizon. The class is part of the problem (realisability: the
truth is one of its members), the true model's *identity* is not: the learner is never told
which member is the truth (``df.attrs["true_index"]`` records it for analysis only).

Rewards are known (as in every tabular setting of the engine), so the members differ only in
their transitions: every member must have the true model's mean rewards, initial
distribution, horizon and shape. Bad input gets one line: an empty class, a member of
another shape, a kernel row that is negative or does not sum to one, a class that does not
contain the true model.

Used by the MEX family (:mod:`mdpsim.algorithms.mex`, ``docs/papers/mex.md``).
"""
from __future__ import annotations

import numpy as np

from ..models import TabularMDP
from .episodic import Episodic, check_episodic

__all__ = ["FiniteClass", "class_models"]

#: ``|P_m - P| <= REALISABLE_TOL`` entrywise identifies the true model in the class
REALISABLE_TOL = 1e-12


def class_models(models, truth: TabularMDP) -> list:
    """The class as a list of dense :class:`TabularMDP` sharing ``truth``'s rewards, initial
    distribution and horizon. ``models``: a sequence of ``TabularMDP`` or an array of kernels
    ``P[M, S, A, S]`` (stationary) or ``P[M, H, S, A, S]`` (stage-dependent); one-line
    ``ValueError`` on bad input (module docstring)."""
    check_episodic(truth, "FiniteClass")
    S, A, H = truth.S, truth.A, truth.horizon
    if isinstance(models, np.ndarray) or (isinstance(models, (list, tuple)) and models
                                          and not isinstance(models[0], TabularMDP)):
        try:
            P = np.asarray(models, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"model class: kernels must be a numeric array: {exc}") from None
        if P.ndim not in (4, 5) or P.shape[0] < 1 or P.shape[-3:] != (S, A, S) or \
                (P.ndim == 5 and P.shape[1] != H):
            raise ValueError(f"model class: kernels must have shape [M, S, A, S] or "
                             f"[M, H, S, A, S] with S = {S}, A = {A}, H = {H}, M >= 1; got "
                             f"{P.shape}")
        bad = np.argwhere(~np.isfinite(P) | (P < 0))
        if bad.size:
            i = tuple(int(x) for x in bad[0])
            raise ValueError(f"model class: P{list(i)} = {P[i]!r}; kernel entries must be "
                             "finite and >= 0")
        sums = P.sum(-1)
        bad = np.argwhere(np.abs(sums - 1.0) > 1e-9)
        if bad.size:
            i = tuple(int(x) for x in bad[0])
            raise ValueError(f"model class: row P{list(i)} sums to {sums[i]!r}; every row "
                             "must sum to 1 (a non-normalised model)")
        return [TabularMDP(P[m], truth.R, horizon=H, init=truth.init, name=f"class[{m}]")
                for m in range(P.shape[0])]
    models = list(models)
    if not models:
        raise ValueError("model class must be a non-empty sequence of TabularMDP (or an array "
                         "of kernels P[M, S, A, S])")
    out = []
    R0 = truth.stage_R()
    for m, mdl in enumerate(models):
        if not isinstance(mdl, TabularMDP):
            raise ValueError(f"model class[{m}] must be a TabularMDP, got "
                             f"{type(mdl).__name__}")
        if (mdl.S, mdl.A, mdl.horizon) != (S, A, H):
            raise ValueError(f"model class[{m}] has (S, A, horizon) = "
                             f"{(mdl.S, mdl.A, mdl.horizon)}, the true model "
                             f"{(S, A, H)}: a class needs one shape")
        if mdl.stage_R().shape != R0.shape or not np.array_equal(mdl.stage_R(), R0):
            raise ValueError(f"model class[{m}] has other mean rewards than the true model; "
                             "rewards are known, members may differ only in transitions")
        if not np.array_equal(np.asarray(mdl.init), np.asarray(truth.init)):
            raise ValueError(f"model class[{m}] has another initial distribution than the "
                             "true model")
        out.append(mdl if mdl.storage == "dense" else mdl.to_dense())
    return out


def _stage_P_dense(mdl: TabularMDP, H: int) -> np.ndarray:
    P = np.asarray(mdl.to_dense().stage_P() if mdl.storage != "dense" else mdl.stage_P())
    return np.broadcast_to(P, (H,) + P.shape[1:]) if P.shape[0] != H else P


class FiniteClass(Episodic):
    """Learn on ``mdp`` knowing a finite class ``models`` that contains it (module docstring).

    ``models``: a sequence of :class:`TabularMDP` or an array of kernels; the order is part of
    the problem (it decides exact ties). ``name``: a label for ``describe``."""

    name = "finite_class"

    def __init__(self, mdp: TabularMDP, models, *, label: str | None = None):
        super().__init__(check_episodic(mdp, "FiniteClass"))
        self.models = class_models(models, mdp)
        H = mdp.horizon
        Pt = _stage_P_dense(mdp, H)
        hits = [m for m, mdl in enumerate(self.models)
                if np.max(np.abs(_stage_P_dense(mdl, H) - Pt)) <= REALISABLE_TOL]
        if not hits:
            raise ValueError(f"model class of {len(self.models)} models does not contain the "
                             "true model (realisability: one member must equal it to "
                             f"{REALISABLE_TOL:g} entrywise)")
        self.true_index = int(hits[0])
        self.M = len(self.models)
        self.label = label
        self._batch = None

    def side_model_class(self):
        """The class as a :func:`mdpsim.batch.stack` of dense models (built once)."""
        if self._batch is None:
            from ..batch import stack
            same_np = len({m.n_p_stages for m in self.models}) == 1
            models = self.models if same_np else [
                TabularMDP(_stage_P_dense(m, self.mdp.horizon), m.R, horizon=m.horizon,
                           init=m.init) for m in self.models]
            self._batch = stack(models)
        return self._batch

    def attrs(self) -> dict:
        return {"M": self.M, "true_index": self.true_index}

    def describe(self) -> str:
        lab = self.label or self.mdp.name or "TabularMDP"
        return f"FiniteClass({lab}, M={self.M}, H={self.mdp.horizon})"
