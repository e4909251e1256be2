"""Regret and epochs of the optimistic actor-critic with rare-switching resets (Tan, Fan, Wei,
ICML 2025, arXiv:2505.03710; docs/papers/optimistic_actor_critic.md), against UCBVI-CH and the
ablations.

Claims put to the test (the tabular instantiation is a reconstruction, §3 of the note):

* √K regret: the fitted log–log slope of the exact cumulative regret is at most 0.6 (an upper
  limit, with its bootstrap interval), with a visible margin over the no-optimism ablation,
  which is expected to pay linear regret on hard exploration (slope >= 0.9);
* rare switching: the number of epochs (``aux``) grows linearly in ln K and stays below the
  doubling bound 1 + S A H (1 + log₂ K).

Instances: RiverSwim (S = 6, H = 20) and a combination lock (chain_lock S = 10, A = 3, H = 10,
rng = 0: a uniformly random policy opens it with probability 3^-10 per episode).

Learners: ``AC`` (the tuned defaults, critic refitted every episode), ``AC-refit-switch`` (the
other reading: critic refreshed only at switches), ``AC-theory-eta`` (the paper's step,
c_eta = 1), the ablations ``AC-no-optimism``, ``AC-no-reset``, ``AC-every-episode``, and
``UCBVI-CH`` at its default and ``UCBVI-CH-matched`` (bonus_scale = 3e-4: its bonus
7 c H L / sqrt(n) then about equals AC's 0.01 H sqrt(L / n) at K = 10^5 on RiverSwim, so the
comparison isolates the actor from the size of the bonus). Per-episode cost: the wall time column of the same run.
Figure: paper_figs/oac_regret.py.
"""

SPEC = {
    "name": "oac_regret",
    "description": "exact cumulative regret and epochs vs episodes: optimistic actor-critic "
                   "(rare-switching resets; reconstructed), its ablations, UCBVI-CH",
    "tags": ["regret", "tabular", "actor_critic", "issue-16"],
    "root_seed": 20_250_506,
    "envs": {
        "RiverSwim": {"env": "riverswim", "params": {"S": 6, "horizon": 20}},
        "ChainLock": {"env": "chain_lock", "params": {"S": 10, "A": 3, "horizon": 10,
                                                      "rng": 0}},
    },
    "algorithms": {
        "AC": "actor_critic",
        "AC-refit-switch": {"algorithm": "actor_critic", "params": {"refit": "switch"}},
        "AC-theory-eta": {"algorithm": "actor_critic", "params": {"c_eta": 1.0}},
        "AC-no-optimism": {"algorithm": "actor_critic", "params": {"optimism": False}},
        "AC-no-reset": {"algorithm": "actor_critic", "params": {"resets": False}},
        "AC-every-episode": {"algorithm": "actor_critic", "params": {"switching": "every"}},
        "UCBVI-CH": "ucbvi_ch",
        "UCBVI-CH-matched": {"algorithm": "ucbvi_ch", "params": {"bonus_scale": 3e-4}},
    },
    "episodes": 100_000,
    "seeds": 20,
    "seed_batch": 10,
    "eval_every": ["log", 60],
    "profiles": {
        # about a minute on 2 cores once compiled
        "quick": {"episodes": 10_000, "seeds": 10},
    },
    "figures": ["oac_regret"],
}
