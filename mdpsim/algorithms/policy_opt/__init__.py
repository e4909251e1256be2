"""Policy optimisation on discounted models: LPO (low-switching policy optimisation with
online sensitivity sampling, a reconstruction; :mod:`~mdpsim.algorithms.policy_opt.lpo`),
its sampler (:mod:`~mdpsim.algorithms.policy_opt.sensitivity`), the exact-gradient NPG
reference (:mod:`~mdpsim.algorithms.policy_opt.npg_exact`) and the PC-PG-style policy-cover
baseline (:mod:`~mdpsim.algorithms.policy_opt.pcpg`). The planners are registered as
``lpo``, ``npg_exact`` and ``pcpg`` (``mdpsim.algorithms.run_planner``)."""
from .sensitivity import (leverage_score, sensitivity_step, sensitivity_step_counts,
                          online_sensitivity_sample, online_sensitivity_sample_counts,
                          expected_size_bound, sensitivity_log_term, SensitivityResult)

__all__ = ["leverage_score", "sensitivity_step", "sensitivity_step_counts",
           "online_sensitivity_sample", "online_sensitivity_sample_counts",
           "expected_size_bound", "sensitivity_log_term", "SensitivityResult"]
