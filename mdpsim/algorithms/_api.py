r"""The learner protocol: typed hyper-parameters with provenance, named state and params,
explicit side information, the theorem's bound and acceptance rule on the class, one decorator.

A learner (online, compiled) is a subclass of :class:`Learner` made of

* ``State`` and ``Params``: two :class:`typing.NamedTuple` classes, the learner's whole memory
  (arrays) and its numeric hyper-parameters and derived constants (floats). Kernels read
  them by field (``state.Q``, ``params.L``) or unpack them; Numba compiles both as structs,
  so a named field costs what a positional one did;
* ``init_state(info, hp) -> State`` and ``params(info, hp) -> Params`` (Python), from the
  :class:`ModelInfo` of the problem and the resolved hyper-parameters ``hp``;
* ``plan(state, params, k, rng, pi) -> float`` (``@njit``): at the start of episode ``k``
  (0-based) write the policy to play, ``pi: float64[H, S, A]`` (action probabilities; a
  deterministic policy is one-hot), and return the learner's own estimate of its value
  from the initial distribution (optimistic value, sampled-model value, ...; diagnostics only).
  Posterior sampling draws from ``rng`` (the seed's ``numpy.random.Generator``);
* ``observe(state, params, h, s, a, r, s_next)`` (``@njit``): one transition at step ``h``;
* optionally ``report(state, params, pi_alt) -> (q, aux, floor)`` (``@njit``), called by the
  engine right after ``plan``: ``aux`` a per-episode diagnostic (recorded as column ``aux``;
  e.g. a mixing weight); ``floor`` a value level (the engine counts the episodes whose exact
  value is below it, column ``below_floor``; NaN: none); ``q`` declares an *episode-level
  mixture*: the episode's policy is the one written to ``pi`` (drawn and played) or, with
  probability ``q``, the policy written to ``pi_alt: float64[H, S, A]`` — meaning that
  ``plan`` drew which of the two to play and ``q`` is the probability of the one not drawn —
  and the engine records the exact value ``(1 - q) V^{pi} + q V^{pi_alt}`` (``q = 0``: none).

**Two policy contracts.** The above is the *table* contract (``contract = "table"``, the
default; every learner written before the lazy one): ``plan`` writes the whole table
``pi[H, S, A]``, which the engine compares with the previous episode's and evaluates at every
state. A learner with a deterministic greedy policy may instead declare
``contract = "lazy"`` and define

* ``plan(state, params, k, rng)`` (``@njit``, returns nothing): refresh the statistics the
  policy of episode ``k`` is computed from (e.g. per-stage weights), no table;
* ``act(state, params, h, s) -> int`` (``@njit``): the action of that policy at stage ``h``
  in state ``s``, computed on demand (it may memoise in ``state``; it must answer for the
  policy planned at the start of the episode whatever was observed since, and never draw
  random numbers);
* ``observe`` as above, and ``estimate(state, params) -> float`` (``@njit``): the learner's
  own value estimate of the planned policy, asked for at recorded episodes only;
* no ``report`` hook (no episode-level mixtures).

The engine then calls ``act`` along the played trajectory and, for the exact evaluation,
over the states the policy reaches from the initial distribution (a forward pass), so
nothing the learner does per episode need touch every state
(:mod:`mdpsim.engine.driver`). A class that defines neither contract's kernels is refused
at registration with one line saying what is missing.

**What a learner is told.** :class:`ModelInfo`: sizes, the episode budget, the known mean
rewards and reward range, the initial distribution, and ``info.side``, a :class:`SideInfo`
holding the side information the setting grants (a baseline policy and its value; offline
data; the features of a linear MDP). The true transition kernel is never given. A learner declares the side
information it needs (``needs = ("baseline",)``); the engine builds it from the true model
(:func:`mdpsim.engine.side_info`) before ``init_state``/``params``; the learner never sees
how.

**Declared theory.** ``bound`` (a :class:`mdpsim.theory.bounds.Bound`, ``None``: no bound
implemented) and ``acceptance`` (a :class:`mdpsim.theory.acceptance.SlopeRule` or ``None``;
:meth:`Learner.rule` may refine it by instance, e.g. greedy's linear rule on hard-exploration
instances only). :func:`mdpsim.theory.bounds.for_algorithm` and
:func:`mdpsim.theory.acceptance.rule_for` read them from the registered class.

**Adding a learner touches one file.** Importing :mod:`mdpsim.algorithms` imports every
module of the package (:func:`discover`); a module registers its classes with
:func:`register_learner`. A learner defined outside the package is registered when its
module is imported (or by ``discover("my_package")``).

The engine (:mod:`mdpsim.engine`) runs these kernels inside one compiled loop; the same
kernels back the reference loop and the :class:`~mdpsim.engine.Agent` facade.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = ["HyperParameter", "Learner", "Algorithm", "ModelInfo", "SideInfo", "NO_SIDE",
           "register_learner", "register_algorithm", "get_algorithm", "list_algorithms",
           "discover", "SOURCES", "SIDE_INFO", "CONTRACTS"]

#: Provenance of a default: taken from the paper, from the authors' code, or proposed here.
SOURCES = ("paper", "paper-code", "proposed")

#: Names the engine uses for its own output columns; a hyper-parameter may not take them.
RESERVED = frozenset({"algorithm", "env", "params", "reconstructed", "reward_noise", "seed",
                      "spawn_key", "root_entropy", "episode", "value", "optimal_value",
                      "regret", "return", "realized_regret", "switches", "estimate",
                      "wall_time", "episodes", "seeds", "rng", "eval_every", "threads",
                      "engine", "reevaluate", "mdp", "aux", "below_floor", "eps_grid"})

_TYPE_NAMES = {float: "float", int: "int", bool: "bool", str: "str"}


@dataclass(frozen=True)
class HyperParameter:
    """One typed hyper-parameter.

    ``source`` says where ``default`` comes from (one of :data:`SOURCES`); ``theory`` is the
    paper's value when the default is a tuned one (``None`` when the default *is* the paper's
    value or the paper fixes none); ``valid``/``expected`` check the range.
    """

    name: str
    default: Any
    type: type
    source: str
    doc: str
    theory: Any = None
    choices: tuple | None = None
    valid: Callable[[Any], bool] | None = None
    expected: str = ""

    def __post_init__(self):
        if self.type not in _TYPE_NAMES:
            raise ValueError(f"hyper-parameter {self.name}: type must be float, int, bool or str")
        if self.source not in SOURCES:
            raise ValueError(f"hyper-parameter {self.name}: source must be one of {SOURCES}, "
                             f"got {self.source!r}")
        if self.name in RESERVED:
            raise ValueError(f"hyper-parameter name {self.name!r} is reserved for an output "
                             "column or a run() argument")

    def coerce(self, value, algorithm: str):
        """``value`` converted to :attr:`type`, or ``ValueError`` naming the field."""
        t = self.type
        tname = _TYPE_NAMES[t]
        bad_type = ValueError(f"{algorithm}: hyper-parameter {self.name} must be of type "
                              f"{tname}, got {value!r} ({type(value).__name__})")
        if t is bool:
            if not isinstance(value, (bool, np.bool_)):
                raise bad_type
            v = bool(value)
        elif t is int:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise bad_type
            v = int(value)
        elif t is float:
            if isinstance(value, (bool, np.bool_)) or not isinstance(
                    value, (int, float, np.integer, np.floating)):
                raise bad_type
            v = float(value)
            if not np.isfinite(v):
                raise ValueError(f"{algorithm}: hyper-parameter {self.name} must be finite, "
                                 f"got {value!r}")
        else:
            if not isinstance(value, str):
                raise bad_type
            v = value
        if self.choices is not None and v not in self.choices:
            raise ValueError(f"{algorithm}: hyper-parameter {self.name} must be one of "
                             f"{', '.join(map(repr, self.choices))}; got {value!r}")
        if self.valid is not None and not self.valid(v):
            raise ValueError(f"{algorithm}: hyper-parameter {self.name} must be "
                             f"{self.expected}; got {value!r}")
        return v


class SideInfo(NamedTuple):
    """Side information a setting grants a learner, built by the engine from the true model
    (:func:`mdpsim.engine.side_info`) — never the model itself.

    ``baseline_pi: float64[H, S, A]`` a known baseline policy (``None``: none granted);
    ``baseline_value`` its exact value ``V^b_1`` from the initial distribution (NaN: none);
    ``offline``: an offline data source (``None``: none; today the behaviour simulator of
    the conservative learners' offline extension, :class:`mdpsim.engine.side.OfflineSource`);
    ``features``: the feature map of the linear setting (:class:`mdpsim.settings.Linear`),
    ``float64[n, S, A, d]`` with ``n`` in ``{1, H}`` (stage ``h`` uses row ``min(h, n - 1)``);
    ``None``: none granted. Never the factors ``μ``, ``θ`` or the kernel.
    ``model_class``: a finite class of candidate models that contains the truth (a
    :func:`mdpsim.batch.stack` of ``M`` dense models; :class:`mdpsim.settings.FiniteClass`),
    never which member is the truth; ``None``: none granted.
    """

    baseline_pi: Any = None
    baseline_value: float = float("nan")
    offline: Any = None
    features: Any = None
    model_class: Any = None


#: No side information.
NO_SIDE = SideInfo()

#: The kinds of side information a learner may declare in ``needs``.
SIDE_INFO = ("baseline", "offline", "features", "model_class")


class ModelInfo(NamedTuple):
    """What a learner is told about the MDP it learns on (never the transition kernel).

    ``S, A, H``; ``K`` the episode budget (0 when unknown); ``n_ps`` the number of transition
    stages the agent models (1 when the true P is stationary: counts are pooled over steps,
    as in Azar et al. 2017; H otherwise); ``n_rs`` likewise for rewards; ``[r_lo, r_hi]`` a
    known reward range (``min(0, min R)``, ``max(1, max R)``: ``[0, 1]`` for the usual
    instances); ``R3`` the known mean rewards ``float64[n_rs, S, A]`` (used only when rewards
    are known: part of the problem statement); ``init`` the initial distribution (used only
    for the reported estimate); ``side`` the :class:`SideInfo` granted to this learner.
    """

    S: int
    A: int
    H: int
    K: int
    n_ps: int
    n_rs: int
    r_lo: float
    r_hi: float
    R3: np.ndarray
    init: np.ndarray
    side: SideInfo = NO_SIDE


class Learner:
    """Base class of a registered online learner (see the module docstring).

    Class attributes: ``name`` (registered, lower case), ``title`` (e.g. ``"UCBVI-CH"``),
    ``paper`` (citation with arXiv id), ``hyperparameters`` (tuple of
    :class:`HyperParameter`), ``reconstructed`` (short labels of the parts that are
    reconstructions rather than the paper's text; copied to the output),
    ``needs_episodes`` (the constants use the episode budget K), ``needs`` (side
    information required, from :data:`SIDE_INFO`), ``State`` / ``Params`` (the NamedTuple
    classes of :meth:`init_state` / :meth:`params`), ``state_fields`` (``State._fields``),
    ``bound`` and ``acceptance`` (the theory, see the module docstring).
    """

    name: str = ""
    title: str = ""
    paper: str = ""
    hyperparameters: tuple = ()
    reconstructed: tuple = ()
    needs_episodes: bool = False
    needs: tuple = ()
    State: type | None = None
    Params: type | None = None
    state_fields: tuple = ()
    bound: Any = None
    acceptance: Any = None

    plan: Callable = None
    observe: Callable = None
    report: Callable = None
    #: ``"table"`` (``plan`` writes ``pi[H, S, A]``) or ``"lazy"`` (``plan`` + ``act`` +
    #: ``estimate``; see the module docstring)
    contract: str = "table"
    act: Callable = None
    estimate: Callable = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        st = cls.__dict__.get("State")
        if st is not None and "state_fields" not in cls.__dict__:
            cls.state_fields = tuple(st._fields)

    @classmethod
    def init_state(cls, info: ModelInfo, hp: dict):
        """The learner's whole memory, a ``State`` NamedTuple of arrays."""
        raise NotImplementedError

    @classmethod
    def params(cls, info: ModelInfo, hp: dict):
        """Numeric hyper-parameters and derived constants for the kernels, a ``Params``
        NamedTuple. (A learner written before the rename may define ``theta`` instead.)"""
        legacy = getattr(cls, "theta", None)
        if legacy is not None:
            return legacy(info, hp)
        raise NotImplementedError

    @classmethod
    def rule(cls, *, hard_exploration: bool = True):
        """The acceptance rule of a fitted regret slope (``acceptance``; ``None``: no
        claim). Override to make it depend on the instance."""
        return cls.acceptance

    @classmethod
    def resolve(cls, given: dict) -> dict:
        """Full typed hyper-parameters: defaults overridden by ``given`` (validated)."""
        known = {p.name: p for p in cls.hyperparameters}
        for k in given:
            if k not in known:
                raise ValueError(f"{cls.name} has no hyper-parameter {k!r}; accepted: "
                                 f"{', '.join(known) or '(none)'}")
        return {n: (p.coerce(given[n], cls.name) if n in given else p.default)
                for n, p in known.items()}

    @classmethod
    def sources(cls) -> dict:
        return {p.name: p.source for p in cls.hyperparameters}

    @classmethod
    def describe(cls) -> str:
        """One paragraph per hyper-parameter: default, type, source, theory value, doc."""
        lines = [f"{cls.name} ({cls.title}) — {cls.paper}"]
        for p in cls.hyperparameters:
            th = "" if p.theory is None else f"; theory: {p.theory!r}"
            lines.append(f"  {p.name}: {_TYPE_NAMES[p.type]} = {p.default!r} "
                         f"[{p.source}{th}] {p.doc}")
        if cls.reconstructed:
            lines.append(f"  reconstructed: {', '.join(cls.reconstructed)}")
        return "\n".join(lines)


#: The former name of :class:`Learner` (kept: user code subclasses it).
Algorithm = Learner

_REGISTRY: dict[str, type] = {}
_ALIASES: dict[str, str] = {}


#: The learner contracts (module docstring): the policy table, or the lazy ``act``.
CONTRACTS = ("table", "lazy")


def _check_contract(c) -> None:
    """One-line ``ValueError`` unless ``c`` defines the kernels of the contract it declares."""
    contract = getattr(c, "contract", "table")
    if contract not in CONTRACTS:
        raise ValueError(f"algorithm {c.name!r}: contract must be one of "
                         f"{', '.join(map(repr, CONTRACTS))}; got {contract!r}")
    if contract == "table":
        if c.plan is None or c.observe is None:
            raise ValueError(f"algorithm {c.name!r} must define plan and observe kernels (the "
                             f"table contract), or declare contract = 'lazy' with plan, act, "
                             f"observe and estimate kernels")
        return
    missing = [n for n in ("plan", "act", "observe", "estimate") if getattr(c, n) is None]
    if missing:
        raise ValueError(f"algorithm {c.name!r} declares contract = 'lazy' but does not define "
                         f"the kernel(s) {', '.join(missing)} (the lazy contract needs plan, "
                         f"act, observe and estimate)")
    if c.report is not None:
        raise ValueError(f"algorithm {c.name!r}: the lazy contract has no report hook "
                         f"(episode-level mixtures need the table contract)")


def register_learner(cls=None, *, aliases: tuple = ()):
    """Class decorator: ``@register_learner`` (or ``@register_learner(aliases=(...))``)."""
    def deco(c):
        if not (isinstance(c, type) and issubclass(c, Learner)):
            raise TypeError("register_learner decorates subclasses of Learner")
        if not c.name or c.name != c.name.lower():
            raise ValueError(f"algorithm name must be a non-empty lower-case string, got "
                             f"{c.name!r}")
        for n in (c.name, *aliases):
            if (n in _REGISTRY and _REGISTRY[n] is not c) or \
                    (n in _ALIASES and _ALIASES[n] != c.name):
                raise ValueError(f"algorithm {n!r} is already registered")
        _check_contract(c)
        names = [p.name for p in c.hyperparameters]
        if len(set(names)) != len(names):
            raise ValueError(f"algorithm {c.name!r} has duplicate hyper-parameter names")
        bad = [n for n in c.needs if n not in SIDE_INFO]
        if bad:
            raise ValueError(f"algorithm {c.name!r}: needs {bad[0]!r}; side information is "
                             f"one of {SIDE_INFO}")
        _REGISTRY[c.name] = c
        for a in aliases:
            _ALIASES[a] = c.name
        return c
    return deco(cls) if cls is not None else deco


#: The former name of :func:`register_learner`.
register_algorithm = register_learner


def discover(package: str = __package__) -> list[str]:
    """Import every module under ``package`` (a dotted name), so that the learners its
    modules register with :func:`register_learner` are registered; returns the module
    names. Importing :mod:`mdpsim.algorithms` runs it on the package itself."""
    pkg = importlib.import_module(package)
    names = []
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(m.name)
        names.append(m.name)
    return names


def _load_all():
    importlib.import_module(__package__)   # its __init__ runs discover()


def get_algorithm(name) -> type:
    """The registered :class:`Learner` subclass for ``name`` (or an alias)."""
    _load_all()
    if isinstance(name, type) and issubclass(name, Learner):
        return name
    if isinstance(name, str):
        key = _ALIASES.get(name, name)
        if key in _REGISTRY:
            return _REGISTRY[key]
    al = "".join(f", {a} (= {t})" for a, t in sorted(_ALIASES.items()))
    raise ValueError(f"unknown algorithm {name!r}; available: "
                     f"{', '.join(sorted(_REGISTRY))}{al}")


def list_algorithms(*, aliases: bool = False) -> list[str]:
    """Registered algorithm names, sorted (with ``aliases=True``, aliases too)."""
    _load_all()
    names = sorted(_REGISTRY)
    return sorted(names + list(_ALIASES)) if aliases else names
