r"""Budget-based conservative UCBVI — a *cumulative* conservative constraint (comparator).

Style of: E. Garcelon, M. Ghavamzadeh, A. Lazaric, M. Pirotta, "Conservative Exploration in
Reinforcement Learning", AISTATS 2020, arXiv:2002.03218 (conservative UCRL / UCBVI), itself
after the conservative bandits of Wu, Shariff, Lattimore, Szepesvári (ICML 2016). The
constraint is on the running **sum** of values,
``sum_{j <= k} V^{π_j}_1 >= (1 - α) k V^b`` for all k, not on each episode — the contrast
with StepMix/EpsMix's episode-wise guarantee.

Rule (reconstruction of the "conservative condition"; ours, ``reconstructed`` column): keep
the budget ``β_{k-1} = sum_{j < k} (ℓ_j - T_j)``, where ``ℓ_j`` is the certified lower value of
episode ``j``'s policy when it was played (the certificate of ``π^{o,j}`` for an optimistic
episode — direct, or anchored at ``V^b`` when the direct one is too loose — the
baseline component's value ``B`` for a baseline episode) and ``T_j`` the threshold
``(1 - α) V^b`` (or ``(1 - α) Ū^{π^b}`` when ``V^b`` is unknown). In episode ``k`` play the
optimistic policy (UCBVI-CH) if ``β_{k-1} + V̲^{π^{o,k}}_1 - T_k >= 0``, else the baseline.
The stored lower bounds are not recomputed with later data (Garcelon et al. recompute them;
either is valid on the good event). ``aux`` = 1 for an optimistic episode, 0 for a baseline
one. The same pessimistic evaluation, baseline and hyper-parameters as
:mod:`mdpsim.algorithms.stepmix`.
"""
from __future__ import annotations

from .conservative import ConservativeBase, conservative_hps, budget_plan
from ._api import register_learner

__all__ = ["BudgetUCBVI"]


@register_learner(aliases=("cucbvi",))
class BudgetUCBVI(ConservativeBase):
    """Budget-based conservative UCBVI (cumulative constraint, Garcelon et al. 2020 style).
    See :mod:`mdpsim.algorithms.budget`."""

    name = "budget_ucbvi"
    title = "Budget conservative UCBVI (Garcelon et al. 2020 style)"
    paper = ("Garcelon, Ghavamzadeh, Lazaric, Pirotta, Conservative Exploration in "
             "Reinforcement Learning, AISTATS 2020, arXiv:2002.03218")
    hyperparameters = conservative_hps()
    reconstructed = ("budget-rule", "optimistic-policy", "pessimistic-evaluation",
                     "anchored-certificate", "baseline")
    plan = budget_plan
