r"""The :class:`Setting` protocol: a simulator, an exact evaluator, an optimum, metric columns.

A *setting* says how a learner meets a model and how its play is scored. It pairs

* a **simulator** — how an episode (or a single sample) is drawn. For the settings the
  compiled episode loop of :mod:`mdpsim.engine.driver` runs, it is the finite-horizon tabular
  model the learner plays on, as the loop's ``env`` tuple (:meth:`Setting.simulator_env`);
* an **exact evaluator** — the value of a given policy on the *true* model (no sampling, no
  tolerance beyond rounding unless documented): a compiled kernel
  ``evaluator(eval_env, pi, V) -> float`` that the loop binds as its global ``evaluate``
  (:attr:`Setting.evaluator`, :meth:`Setting.eval_env`), and the same number computed by an
  independent plain-NumPy path for the reference loop (:meth:`Setting.reference_value`);
* the **optimum** it is measured against (:meth:`Setting.optimum`);
* its **metric columns** with descriptions (:attr:`Setting.columns`), which the engine puts in
  ``df.attrs["columns"]`` next to ``df.attrs["setting"]`` (:meth:`Setting.describe`).

Extension point (linear and two-player zero-sum settings, added by later issues). A new
setting subclasses :class:`Setting` and provides:

* ``name`` and :meth:`describe` (one line recorded with every table);
* ``columns`` — the metric columns it defines (name -> description);
* :meth:`value` (exact value of a policy, NumPy) and :meth:`optimum` (the benchmark value:
  ``V*`` for a single agent, the game value for a zero-sum game, where the natural metric is
  the duality gap ``max_mu V(mu, nu_k) - min_nu V(mu_k, nu)``);
* for the compiled learner loop: ``online = True``, :meth:`learner_model` (what the learner
  may know: sizes, horizon, known rewards — never the true kernel), :meth:`simulator_env`,
  :attr:`evaluator` (an ``@njit(cache=True)`` module-level function, never a closure: its
  module and name are part of the compiled loop's identity), :meth:`eval_env` and
  :meth:`reference_value`. A linear setting's evaluator is the tabular one applied to
  ``LinearMDP.to_tabular()`` (exact); a game's evaluator needs the opponent's best response,
  i.e. one backward induction per evaluation.

Settings without an online loop yet (``online = False``: :class:`~mdpsim.settings.Discounted`,
discounted :class:`~mdpsim.settings.Robust`) still give exact metrics of any policy sequence
through :meth:`Setting.evaluate_sequence`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["Setting"]


class Setting:
    """Base class of the settings (module docstring). Subclasses set ``name``, ``columns``
    and implement :meth:`value`, :meth:`optimum` (and the loop hooks when ``online``)."""

    #: short name of the setting kind (``"episodic"``, ``"discounted"``, ``"robust"``)
    name: str = "setting"
    #: whether :func:`mdpsim.run` can drive an online learner in this setting
    online: bool = False
    #: the metric columns this setting defines: name -> description
    columns: dict = {}
    #: the compiled evaluator ``(eval_env, pi[H, S, A], V[H + 1, S]) -> float``, bound as
    #: the loop's global ``evaluate`` (online settings only); declare it as
    #: ``staticmethod(kernel)`` so that ``setting.evaluator`` is the dispatcher itself (a
    #: Numba dispatcher is a descriptor: a plain class attribute would give a new bound
    #: method per access, hence a new compiled-loop key per run)
    evaluator = None

    # ------------------------------------------------------------------ exact metrics
    def value(self, policy) -> float:
        """Exact value of ``policy`` at the initial distribution on the true model."""
        raise NotImplementedError

    def optimum(self) -> float:
        """The value the setting's regret / gap is measured against."""
        raise NotImplementedError

    def evaluate_sequence(self, policies) -> pd.DataFrame:
        """Exact metrics of a sequence of policies ``pi_1, ..., pi_K``: one row per ``k`` with
        ``value`` (:meth:`value`), ``optimal_value`` and ``gap = optimal_value - value``,
        and ``regret = sum_{j <= k} gap_j``. Equal consecutive policies are evaluated once."""
        opt = float(self.optimum())
        vals = []
        prev = None
        for pi in policies:
            arr = np.asarray(pi)
            if prev is None or arr.shape != prev.shape or not np.array_equal(arr, prev):
                v = float(self.value(arr))
            vals.append(v)
            prev = arr
        vals = np.asarray(vals, dtype=np.float64)
        gap = opt - vals
        return pd.DataFrame({"episode": np.arange(1, vals.size + 1, dtype=np.int64),
                             "value": vals, "optimal_value": np.full(vals.size, opt),
                             "gap": gap, "regret": np.cumsum(gap)})

    # ------------------------------------------------------------------ loop hooks
    def _not_online(self, what: str):
        raise ValueError(f"setting {self.describe()} has no online learner loop ({what}); "
                         "mdpsim.run drives finite-horizon learners (Episodic, finite-horizon "
                         "Robust); use setting.evaluate_sequence(policies) for exact metrics")

    def learner_model(self):
        """The model whose sizes / horizon / known rewards the learner is given."""
        self._not_online("learner_model")

    def simulator_env(self) -> tuple:
        """The loop's ``env`` tuple: the finite-horizon model the learner plays on."""
        self._not_online("simulator_env")

    def eval_env(self) -> tuple:
        """The tuple the compiled :attr:`evaluator` reads (arrays of the true model)."""
        self._not_online("eval_env")

    def reference_value(self, pi) -> float:
        """:meth:`value` of ``pi: float64[H, S, A]`` by plain-NumPy kernels (the reference
        loop's oracle, independent of :attr:`evaluator`)."""
        self._not_online("reference_value")

    def side_features(self):
        """Feature maps granted to a learner that declares ``needs = ("features",)``
        (``None``: this setting grants none; :class:`~mdpsim.settings.Linear` does)."""
        return None

    def side_model_class(self):
        """The finite model class granted to a learner that declares
        ``needs = ("model_class",)`` (a :func:`mdpsim.batch.stack` of the candidate models;
        ``None``: this setting grants none; :class:`~mdpsim.settings.FiniteClass` does)."""
        return None

    def attrs(self) -> dict:
        """Extra entries of ``df.attrs`` recorded with every table (e.g. the linear
        setting's ``d``); empty by default."""
        return {}

    def describe(self) -> str:
        """One line naming the setting and its model (stored in ``df.attrs["setting"]``)."""
        return self.name

    def __repr__(self) -> str:
        return f"<{self.describe()}>"
