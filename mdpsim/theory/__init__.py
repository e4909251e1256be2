"""Theory layer: regret bounds (:mod:`.bounds`), fit windows (:mod:`.windows`), slope fits
with bootstrap intervals (:mod:`.fit`) and acceptance rules (:mod:`.acceptance`)."""
from .fit import SlopeFit, fit_slope

__all__ = ["SlopeFit", "fit_slope"]
