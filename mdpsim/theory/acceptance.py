"""Acceptance rules for fitted exponents (``docs/papers/metrics_and_acceptance.md`` §3).

Every expected slope comes from an **upper bound**: a rule says which fitted exponents are
consistent with the theory, never that the exponent equals the bound's. A :class:`SlopeRule`
is an interval ``[lo, hi]`` (either end open) checked on the point estimate; its ``margin``
is the distance to the nearest violated end (positive: accepted, negative: rejected by that
much). The confidence interval is reported alongside, not used to loosen the rule.
"""
from __future__ import annotations

import dataclasses
import math

__all__ = ["SlopeRule", "RULES", "rule_for", "judge", "eps_rule"]


@dataclasses.dataclass(frozen=True)
class SlopeRule:
    name: str
    lo: float | None
    hi: float | None
    text: str
    source: str

    def margin(self, slope: float) -> float:
        """``min(slope - lo, hi - slope)`` over the ends that exist (positive = accepted)."""
        m = math.inf
        if self.lo is not None:
            m = min(m, slope - self.lo)
        if self.hi is not None:
            m = min(m, self.hi - slope)
        return m

    def accepts(self, slope: float) -> bool:
        return bool(math.isfinite(slope) and self.margin(slope) >= 0.0)

    def __str__(self) -> str:
        if self.lo is not None and self.hi is not None:
            return f"in [{self.lo:g}, {self.hi:g}]"
        return f"<= {self.hi:g}" if self.hi is not None else f">= {self.lo:g}"


RULES = {
    # sublinear on hard instances: at most the sqrt(K) rate plus the 0.1 tolerance
    "sublinear": SlopeRule("sublinear", None, 0.6, "regret slope <= 0.6 (bound rate 1/2 + 0.1)",
                           "engine issue acceptance; metrics §3 [P]"),
    # hard instances where the sqrt(K) behaviour is expected to show
    "sqrt": SlopeRule("sqrt", 0.4, 0.6, "regret slope 0.5 ± 0.1", "metrics §2, §3 [P]"),
    # no sublinear guarantee, hard-exploration instance: linear regret
    "linear": SlopeRule("linear", 0.9, None, "regret slope >= 0.9 (linear)",
                        "engine issue acceptance [P]"),
    # DR-RPO until its theorem is pinned
    "robust": SlopeRule("robust", None, 0.75, "robust regret slope <= 0.75", "metrics §3 [P]"),
}


def rule_for(algorithm: str, *, hard_exploration: bool = True) -> SlopeRule | None:
    """The default rule of a registered learner, declared on its class (``acceptance``,
    refined by its ``rule(hard_exploration=...)``): ``sublinear`` for those with a sublinear
    bound; ``linear`` for greedy certainty equivalence on a hard-exploration instance
    (``None`` elsewhere, and for unknown names: no claim)."""
    from .bounds import _learner
    cls = _learner(algorithm)
    if cls is None:
        return None
    return cls.rule(hard_exploration=hard_exploration)


def eps_rule(p: float, tol: float = 0.1) -> SlopeRule:
    """The rule for a sample-complexity claim ``K_ε = O(ε^-p)`` (or ``M(ε) = O(ε^-p)``): the
    exponent fitted by :func:`mdpsim.theory.fit_eps` is accepted when ``>= -p - tol`` (an
    upper bound on the growth as ε -> 0; a faster, gap-dependent regime passes)."""
    if not (math.isfinite(p) and p > 0 and math.isfinite(tol) and tol >= 0):
        raise ValueError(f"eps_rule needs p > 0 and tol >= 0, got p={p!r}, tol={tol!r}")
    return SlopeRule(f"eps^-{p:g}", -p - tol, None,
                     f"ε-exponent >= {-p - tol:g} (bound ε^-{p:g} + {tol:g})",
                     "upper bound on sample complexity (metrics §3 [P])")


def judge(slope: float, rule: SlopeRule | None) -> dict:
    """``{"rule": str, "passed": bool | None, "margin": float}`` (``None``: no rule)."""
    if rule is None:
        return {"rule": "", "passed": None, "margin": math.nan}
    return {"rule": str(rule), "passed": rule.accepts(slope), "margin": rule.margin(slope)}
