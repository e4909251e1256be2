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

__all__ = ["SlopeRule", "RULES", "rule_for", "judge", "eps_rule", "wilson_interval",
           "success_difference"]


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


def _check_counts(k, n, name):
    if isinstance(k, bool) or isinstance(n, bool) or int(k) != k or int(n) != n:
        raise ValueError(f"{name}: successes and trials must be integers, got k={k!r}, n={n!r}")
    if not 0 <= k <= n:
        raise ValueError(f"{name}: need 0 <= k <= n, got k={k!r}, n={n!r}")


def _z(level):
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    from scipy import stats
    return float(stats.norm.ppf(0.5 + level / 2))


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    r"""Wilson score interval of a binomial proportion ``k / n`` (``(nan, nan)`` for
    ``n = 0``):

    .. math:: \frac{\hat p + z^2/2n \pm z\sqrt{\hat p(1-\hat p)/n + z^2/4n^2}}{1 + z^2/n},
              \qquad z = \Phi^{-1}\big(\tfrac{1 + \text{level}}{2}\big).

    Unlike the Wald interval it stays inside [0, 1] and is not degenerate at ``k = 0`` or
    ``k = n`` (success counts of 0/20 and 20/20 are common in the experiments)."""
    _check_counts(k, n, "wilson_interval")
    z = _z(level)
    if n == 0:
        return math.nan, math.nan
    p = k / n
    den = 1.0 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, c - h), min(1.0, c + h)


def success_difference(k1: int, n1: int, k2: int, n2: int,
                       level: float = 0.95) -> tuple[float, float, float]:
    r"""``(d, lo, hi)``: the difference of two success rates ``d = k1/n1 - k2/n2`` and its
    Newcombe hybrid-score interval (Newcombe 1998, method 10), built from the two Wilson
    intervals ``[l_i, u_i]`` of :func:`wilson_interval`:

    .. math:: \text{lo} = d - \sqrt{(\hat p_1 - l_1)^2 + (u_2 - \hat p_2)^2},\qquad
              \text{hi} = d + \sqrt{(u_1 - \hat p_1)^2 + (\hat p_2 - l_2)^2}.

    Used for "a learner succeeds more often than its baseline": the margin is shown when
    ``lo > 0``. Independent samples (different seeds' runs) are assumed."""
    _check_counts(k1, n1, "success_difference")
    _check_counts(k2, n2, "success_difference")
    if n1 == 0 or n2 == 0:
        raise ValueError(f"success_difference: both groups need trials, got n1={n1}, n2={n2}")
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, level)
    l2, u2 = wilson_interval(k2, n2, level)
    d = p1 - p2
    return (d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
