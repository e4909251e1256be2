r"""The linear setting: a :class:`~mdpsim.models.LinearMDP` played as its exact tabular model,
with the features as the learner's side information.

Simulator and exact evaluator are those of :class:`~mdpsim.settings.Episodic` on
``lmdp.to_tabular()`` (``P = φμ``, ``r = φθ`` in float64; regret exact by backward
induction). What changes is what the learner is told: besides sizes, horizon and known mean
rewards (as in the episodic setting), a learner that declares ``needs = ("features",)``
receives the feature map ``φ`` as ``info.side.features: float64[n, S, A, d]`` (``n`` in
``{1, H}``; stage ``h`` uses row ``min(h, n - 1)``; a writable copy). It never receives
``μ`` or ``θ``, nor the kernel.

``features=`` (optional) replaces the features the learner is given by another map of shape
``[S, A, d']`` or ``[H, S, A, d']`` (misspecification studies); the model that is simulated and
scored is still ``lmdp``. The table records ``d`` (of the features given) in
``df.attrs["d"]`` and whether they are the model's own (``df.attrs["features"]``).

Storage: ``storage="auto"`` (default) keeps the tabular model dense unless at most a quarter
of the entries of ``P`` are non-zero, in which case successor lists are used (same draws and
the same values: the inverse-CDF rule skips zero entries), so that evaluation costs
``O(H · nnz)`` rather than ``O(H S² A)`` on large sparse instances.
"""
from __future__ import annotations

import numpy as np

from ..models import TabularMDP
from ..models.linear import LinearMDP
from .episodic import Episodic

__all__ = ["Linear", "LINEAR_COLUMNS"]

LINEAR_COLUMNS = {
    "value": "exact value V^{pi_k}_1 on the true model phi mu (LinearMDP.to_tabular()) of the "
             "policy played in episode k, float64",
    "optimal_value": "exact V*_1 of the tabular model phi mu, float64",
    "regret": "exact cumulative pseudo-regret sum_{j<=k} (V*_1 - V^{pi_j}_1) over *all* "
              "episodes j <= k",
    "realized_regret": "sum_{j<=k} (V*_1 - return_j), random",
}

STORAGES = ("auto", "dense", "successors")


class Linear(Episodic):
    """Learn on a finite-horizon :class:`LinearMDP` (module docstring): the episodic setting of
    ``lmdp.to_tabular()`` plus the features as side information."""

    name = "linear"
    columns = LINEAR_COLUMNS

    def __init__(self, lmdp: LinearMDP, *, features=None, storage: str = "auto"):
        if not isinstance(lmdp, LinearMDP):
            raise ValueError(f"Linear setting needs a LinearMDP, got {type(lmdp).__name__}")
        if not lmdp.finite_horizon:
            raise ValueError(f"Linear setting needs a finite-horizon LinearMDP (horizon=H); "
                             f"this one is discounted (gamma={lmdp.gamma})")
        if storage not in STORAGES:
            raise ValueError(f"storage must be one of {', '.join(map(repr, STORAGES))}; got "
                             f"{storage!r}")
        tab: TabularMDP = lmdp.to_tabular()
        if storage == "successors" or (
                storage == "auto" and np.count_nonzero(lmdp.P) <= 0.25 * lmdp.P.size):
            tab = tab.to_successors()
        super().__init__(tab)
        self.lmdp = lmdp
        H, S, A = lmdp.horizon, lmdp.S, lmdp.A
        if features is None:
            phi4 = np.array(lmdp.stage_phi(), dtype=np.float64, order="C", copy=True)
            self.own_features = True
        else:
            try:
                f = np.array(features, dtype=np.float64, order="C", copy=True)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"features must be a numeric array: {exc}") from None
            if f.ndim == 3:
                f = f[None]
            if f.ndim != 4 or f.shape[0] not in (1, H) or f.shape[1:3] != (S, A) \
                    or f.shape[3] < 1:
                raise ValueError(f"features must have shape [S, A, d] or [H, S, A, d] with "
                                 f"S = {S}, A = {A}, H = {H}; got shape {np.shape(features)}")
            if not np.all(np.isfinite(f)):
                raise ValueError("features must be finite")
            phi4 = np.ascontiguousarray(f)
            self.own_features = False
        self._phi4 = phi4
        self.d = int(phi4.shape[3])

    def side_features(self) -> np.ndarray:
        """The features granted to the learner, ``float64[n, S, A, d]`` (a fresh writable
        copy per call)."""
        return self._phi4.copy()

    def attrs(self) -> dict:
        return {"d": self.d, "features": "model" if self.own_features else "given"}

    def describe(self) -> str:
        own = "" if self.own_features else ", features given"
        return (f"Linear({self.lmdp.name or 'LinearMDP'}, d={self.d}, H={self.lmdp.horizon}"
                f"{own})")
