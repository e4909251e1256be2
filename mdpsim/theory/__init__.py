"""Theory layer: regret bounds (:mod:`.bounds`), fit windows (:mod:`.windows`), slope fits
with bootstrap intervals (:mod:`.fit`), acceptance rules (:mod:`.acceptance`), and sample
complexity from exact per-episode values (:mod:`.sample_complexity`)."""
from .fit import SlopeFit, fit_slope
from . import acceptance, bounds, windows
from .bounds import Bound, for_algorithm
from .windows import fit_window
from .acceptance import (SlopeRule, rule_for, judge, eps_rule, wilson_interval,
                         success_difference)
from .sample_complexity import EpsFit, eps_mistakes, engine_eps_grid, fit_eps, fit_eps_exponent

__all__ = ["SlopeFit", "fit_slope", "acceptance", "bounds", "windows", "Bound",
           "for_algorithm", "fit_window", "SlopeRule", "rule_for", "judge", "eps_rule", "EpsFit",
           "eps_mistakes", "engine_eps_grid", "fit_eps", "fit_eps_exponent", "wilson_interval",
           "success_difference"]
