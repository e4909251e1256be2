"""Planner protocol: iterative algorithms measured exactly at every iterate.

A *planner* maps an iterate to the next one on a known model — DRPG (policy gradient against
the worst-case kernel), robust value iteration, parametric DRPG — and reports an exact
objective per iterate. It is a subclass of :class:`Planner` registered by one decorator,
:func:`register_planner`, and made of

* ``hyperparameters(model, preset) -> {name: HyperParameter}``: typed hyper-parameters with
  provenance (:class:`~mdpsim.algorithms._registry.HyperParameter`: default, source
  ``paper``/``paper-code``/``proposed``, range); they may depend on the model (DRPG's
  defaults depend on the rectangularity) and on a named ``preset`` (one of ``presets``;
  ``"default"`` first);
* ``init(model, hp) -> iterate``: the first iterate; ``hp`` maps each name to its value;
* ``step(model, hp, iterate, t) -> iterate``: iterate ``t + 1`` from iterate ``t``;
* ``objective(model, iterate) -> {column: float}``: exact metrics of the iterate (DRPG: the
  worst-case cost ``Phi(pi_t)`` by certified robust policy evaluation);
* optionally ``finished(iterate) -> bool``: stop the run after this iterate's row (a
  sample-budgeted planner such as LPO ends when its budget is spent; default: never);
* optionally ``optimum(model) -> {column: float}``: the optimum to measure the gap against;
  with ``objective_key`` / ``optimum_key`` and ``sense`` (``"min"``: costs, ``"max"``:
  rewards) the driver adds ``gap`` (``>= 0`` up to the optimum's certificate) and ``rel_gap =
  gap / |optimum|``.

A planner that draws random samples declares ``stochastic = True``; its ``init`` takes a third
argument ``rng`` (a ``numpy.random.Generator``), given to :func:`run_planner` as ``rng=``
(an experiment cell passes ``SeedSequence(root_seed, spawn_key=(*spawn_key, i, 1))`` for seed
``i``). Deterministic planners are unchanged.

Declared on the class: ``name``, ``paper``, ``summary``, ``reconstructed`` (labels of the
parts that do not follow the paper, written into every row), ``presets``, ``iterations`` (the
hyper-parameter counting outer iterations, set by ``run_planner(iterations=...)``) and the
claim's ``acceptance`` (:class:`Acceptance`: a bound on a column of the last iterate).

:func:`run_planner` is the generic driver: it resolves the hyper-parameters (unknown names and
bad values are one-line ``ValueError`` naming the field), runs ``init`` and ``step``, and
returns a long DataFrame, one row per iteration ``t = 0..T``.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ._registry import HyperParameter

__all__ = ["Planner", "Acceptance", "register_planner", "get_planner", "list_planners",
           "run_planner", "resolve_hyperparameters", "PLANNER_COLUMNS"]

_PLANNERS: dict[str, "Planner"] = {}

#: columns the driver writes itself; objective/optimum columns and hyper-parameters may not
#: take these names
PLANNER_COLUMNS = ("planner", "iteration", "gap", "rel_gap", "preset", "reconstructed",
                   "seed", "episode")


@dataclasses.dataclass(frozen=True)
class Acceptance:
    """The claim's acceptance rule: ``column`` of the last iterate ``<= max`` (``at="last"``)
    or its minimum over the run (``at="best"``)."""

    column: str
    max: float
    at: str = "last"
    claim: str = ""

    def __post_init__(self):
        if self.at not in ("last", "best"):
            raise ValueError(f"Acceptance.at must be 'last' or 'best', got {self.at!r}")

    def passed(self, df: pd.DataFrame) -> bool:
        """Whether one run's table (one row per iteration) meets the rule."""
        col = df.sort_values("iteration")[self.column].to_numpy()
        v = col[-1] if self.at == "last" else np.nanmin(col)
        return bool(v <= self.max)


class Planner:
    """Base class of the registered planners (module docstring)."""

    name: str = ""
    paper: str = ""
    summary: str = ""
    reconstructed: tuple = ()
    presets: tuple = ("default",)
    iterations: str | None = "T"
    objective_key: str | None = None
    optimum_key: str | None = None
    sense: str = "min"
    acceptance: Acceptance | None = None
    stochastic: bool = False

    def hyperparameters(self, model, preset: str = "default") -> dict[str, HyperParameter]:
        return {}

    def all_hyperparameters(self) -> dict[str, HyperParameter]:
        """Every hyper-parameter the planner accepts on some model (for validation without a
        model); the default implementation asks ``hyperparameters(None, preset)``."""
        out: dict = {}
        for p in self.presets:
            out.update(self.hyperparameters(None, p))
        return out

    def default_table(self) -> dict:
        """Every default, as plain data (part of an experiment cell's content, so a changed
        default makes new cells instead of reusing results computed with the old one)."""
        return {p: {k: h.default for k, h in self.hyperparameters(None, p).items()}
                for p in self.presets}

    def init(self, model, hp: dict):
        raise NotImplementedError

    def step(self, model, hp: dict, iterate, t: int):
        raise NotImplementedError

    def objective(self, model, iterate) -> dict:
        raise NotImplementedError

    def optimum(self, model) -> dict | None:
        return None

    def finished(self, iterate) -> bool:
        """Whether the run stops after this iterate (default: never; the driver runs the
        iteration count)."""
        return False


def _reg_error(cls, field: str, what: str):
    return ValueError(f"register_planner({getattr(cls, '__name__', cls)!r}): {field}: {what}")


def register_planner(cls):
    """Register a :class:`Planner` subclass under ``cls.name`` (one decorator, nothing else to
    edit). Malformed declarations are a one-line ``ValueError`` naming the field."""
    if not (isinstance(cls, type) and issubclass(cls, Planner)):
        raise _reg_error(cls, "class", "must be a subclass of mdpsim.algorithms.Planner")
    name = cls.__dict__.get("name", "")
    if not isinstance(name, str) or not name or not name.replace("_", "").isalnum():
        raise _reg_error(cls, "name", f"must be a non-empty name of letters, digits and _, "
                                      f"got {name!r}")
    if name in _PLANNERS and type(_PLANNERS[name]) is not cls:
        raise _reg_error(cls, "name", f"planner {name!r} is already registered")
    for m in ("init", "step", "objective"):
        if getattr(cls, m) is getattr(Planner, m):
            raise _reg_error(cls, m, "must be defined (init(model, hp), step(model, hp, "
                                     "iterate, t), objective(model, iterate))")
    if not isinstance(cls.presets, tuple) or not cls.presets or cls.presets[0] != "default":
        raise _reg_error(cls, "presets", f"must be a tuple starting with 'default', got "
                                         f"{cls.presets!r}")
    if not isinstance(cls.reconstructed, tuple) or not all(
            isinstance(r, str) for r in cls.reconstructed):
        raise _reg_error(cls, "reconstructed", f"must be a tuple of strings, got "
                                               f"{cls.reconstructed!r}")
    if cls.sense not in ("min", "max"):
        raise _reg_error(cls, "sense", f"must be 'min' or 'max', got {cls.sense!r}")
    if cls.acceptance is not None and not isinstance(cls.acceptance, Acceptance):
        raise _reg_error(cls, "acceptance", f"must be an Acceptance or None, got "
                                            f"{cls.acceptance!r}")
    if (cls.objective_key is None) != (cls.optimum_key is None):
        raise _reg_error(cls, "optimum_key", "objective_key and optimum_key are given "
                                             "together (the gap is objective - optimum)")
    inst = cls()
    for preset in cls.presets:
        hps = inst.hyperparameters(None, preset)
        for k, h in hps.items():
            if not isinstance(h, HyperParameter) or h.name != k:
                raise _reg_error(cls, f"hyperparameters.{k}", "must map each name to a "
                                                              "HyperParameter of that name")
            if k in PLANNER_COLUMNS:
                raise _reg_error(cls, f"hyperparameters.{k}", "is a column the driver writes")
    if cls.iterations is not None and cls.iterations not in inst.all_hyperparameters():
        raise _reg_error(cls, "iterations", f"names no hyper-parameter: {cls.iterations!r}")
    _PLANNERS[name] = inst
    return cls


def _load_all():
    from . import drpg, robust_vi  # noqa: F401  (register the built-in planners)
    from .policy_opt import lpo, npg_exact, pcpg  # noqa: F401


def get_planner(name: str) -> Planner:
    """The registered planner ``name`` (one-line ``ValueError`` listing them otherwise)."""
    _load_all()
    if not isinstance(name, str) or name not in _PLANNERS:
        raise ValueError(f"unknown planner {name!r}; available: {', '.join(sorted(_PLANNERS))}")
    return _PLANNERS[name]


def list_planners() -> list[str]:
    """Names of the registered planners, sorted."""
    _load_all()
    return sorted(_PLANNERS)


def resolve_hyperparameters(planner: Planner, model, given: Mapping[str, Any],
                            preset: str = "default") -> dict:
    """``{name: (value, source)}`` for every hyper-parameter of ``planner`` on ``model``:
    the given value (coerced, ``source="user"``) or the preset's default with its source."""
    if preset not in planner.presets:
        raise ValueError(f"{planner.name}: preset must be one of "
                         f"{', '.join(map(repr, planner.presets))}; got {preset!r}")
    hps = planner.hyperparameters(model, preset)
    for k in given:
        if k not in hps:
            raise ValueError(f"{planner.name}: unknown hyper-parameter {k!r}; accepted: "
                             f"{', '.join(sorted(hps)) or '(none)'}")
    out = {}
    for k, h in hps.items():
        v = given.get(k)
        out[k] = (h.default, h.source) if v is None else (h.coerce(v, planner.name), "user")
    return out


def run_planner(name: str, model, *, iterations: int | None = None,
                preset: str = "default", rng=None, **hp) -> pd.DataFrame:
    """Run the registered planner ``name`` on ``model`` for ``iterations`` outer iterations
    (default: the planner's own, e.g. DRPG's ``T = 200``); keyword ``hp`` override the
    ``preset``'s hyper-parameters.

    Returns a long DataFrame, one row per iterate ``t = 0..T``: ``planner``, ``iteration``,
    the objective's columns (exact metrics of the iterate), the optimum's columns and
    ``gap``/``rel_gap`` (when the planner declares an optimum), one column per
    hyper-parameter (its value), ``preset`` and ``reconstructed``. ``df.attrs`` holds the
    hyper-parameters' sources, the paper and the acceptance rule."""
    planner = get_planner(name)
    if iterations is not None:
        if planner.iterations is None:
            raise ValueError(f"{name}: iterations: this planner has no iteration count")
        if planner.iterations in hp:
            raise ValueError(f"{name}: iterations: given twice (iterations= and "
                             f"{planner.iterations}=)")
        if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)) \
                or iterations < 0:
            raise ValueError(f"{name}: iterations: must be a non-negative integer, got "
                             f"{iterations!r}")
        hp[planner.iterations] = int(iterations)
    resolved = resolve_hyperparameters(planner, model, hp, preset)
    val = {k: v[0] for k, v in resolved.items()}
    T = val[planner.iterations] if planner.iterations is not None else 0
    opt = planner.optimum(model) or {}
    rows = []
    if planner.stochastic:
        if rng is None:
            raise ValueError(f"{name}: rng: a stochastic planner needs rng= (Generator, "
                             f"SeedSequence or non-negative int)")
        from .._rng import as_generator
        it = planner.init(model, val, as_generator(rng))
    else:
        if rng is not None:
            raise ValueError(f"{name}: rng: this planner is deterministic and takes no rng")
        it = planner.init(model, val)
    for t in range(T + 1):
        if t > 0:
            it = planner.step(model, val, it, t - 1)
        obj = planner.objective(model, it)
        rows.append(obj)
        if planner.finished(it):
            break
    df = pd.DataFrame(rows)
    for k in df.columns:
        if k in PLANNER_COLUMNS or k in val:
            raise ValueError(f"{name}: objective column {k!r} clashes with a driver column "
                             f"or a hyper-parameter")
    df.insert(0, "iteration", np.arange(len(rows), dtype=np.int64))
    df.insert(0, "planner", name)
    for k, v in opt.items():
        df[k] = float(v)
    if planner.objective_key is not None and planner.optimum_key in opt:
        o, star = df[planner.objective_key].to_numpy(), float(opt[planner.optimum_key])
        gap = (o - star) if planner.sense == "min" else (star - o)
        df["gap"] = gap
        df["rel_gap"] = gap / abs(star)
    for k, v in val.items():
        df[k] = v
    df["preset"] = preset
    df["reconstructed"] = "; ".join(planner.reconstructed)
    df.attrs = {"planner": name, "paper": planner.paper,
                "hyperparameters": json.loads(json.dumps(resolved, default=str)),
                "acceptance": (dataclasses.asdict(planner.acceptance)
                               if planner.acceptance is not None else None)}
    return df
