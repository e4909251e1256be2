# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lesson 3 — Conservative exploration: StepMix and EpsMix
#
# In many applications a learner replaces a policy that already works — a **baseline**
# $\pi^b$ with value $V^b$. Exploration must not make any episode much worse than the
# baseline:
#
# $$ V^{\pi_k}_1(s_1) \ \ge\ (1-\alpha)\,V^b \qquad \text{for every episode } k
#    \text{ (with probability } \ge 1-\delta). $$
#
# StepMix and EpsMix (Li, Huang, Shen, Yang, ICML 2023) mix the baseline with an optimistic
# (UCBVI) policy, using the largest weight whose **pessimistic** value certifies the
# constraint. The algorithms' details are reconstructed — see `docs/papers/stepmix.md`; every
# run carries the list in its `reconstructed` column.
#
# The claims we check, with the exact value of every episode's policy:
#
# 1. unconstrained optimism (UCBVI) violates the constraint in early episodes;
# 2. StepMix and EpsMix never do (zero violating episodes over all seeds);
# 3. a *budget* method that only protects the running sum of values satisfies its cumulative
#    constraint but violates the per-episode one;
# 4. the price of conservatism is a $K$-independent overhead that grows as $\alpha$ shrinks;
#    the mixing weight rises to 1 (pure optimistic play) once the model is known well enough.

# %%
import numpy as np
import mdpsim
from mdpsim.algorithms import get_algorithm
from mdpsim.engine import side as baselines
from mdpsim.plot import seed_matrix

K, SEEDS, ALPHA, FRACTION = 2000, 6, 0.1, 0.7
mdp = mdpsim.make("riverswim", S=6, horizon=20)

# %% [markdown]
# ## 1. A baseline with a chosen value
#
# The catalogue has no natural baseline, so mdpsim builds one: at every step take the optimal
# action with probability $\beta$, else a uniformly random one, with $\beta$ found by bisection
# so that $V^b$ is exactly a fraction of $V^*$ (here 0.7).

# %%
base = baselines.baseline_policy(mdp, FRACTION)
print(f"V* = {base.optimal_value:.4f}, V^b = {base.value:.4f}, weight beta = {base.weight:.3f}")
assert abs(base.value - FRACTION * base.optimal_value) < 1e-9
floor = (1 - ALPHA) * base.value                 # the per-episode threshold

# %% [markdown]
# ## 2. Run the learners
#
# All conservative learners share the hyper-parameters `alpha`, `baseline_fraction`, ...
# (`describe()` lists them with their provenance). `stepmix` with `constrained=False` is
# plain UCBVI-CH that still counts the violations. The engine's column `below_floor` counts,
# exactly and over all episodes, those whose value is below $(1-\alpha)V^b$.

# %%
print(get_algorithm("stepmix").describe().splitlines()[0])
common = dict(episodes=K, seeds=SEEDS, rng=7, alpha=ALPHA, baseline_fraction=FRACTION)
runs = {
    "UCBVI (unconstrained)": mdpsim.run("stepmix", mdp, constrained=False, eval_every="every",
                                        **common),
    "StepMix": mdpsim.run("stepmix", mdp, eval_every="every", **common),
    "EpsMix": mdpsim.run("epsmix", mdp, eval_every="every", **common),
    "budget UCBVI": mdpsim.run("budget_ucbvi", mdp, eval_every="every", **common),
    "baseline only": mdpsim.run("baseline", mdp, episodes=K, seeds=SEEDS, rng=7,
                                baseline_fraction=FRACTION, eval_every="every"),
}
print(runs["StepMix"].reconstructed.iloc[0])
summary = {}
for name, df in runs.items():
    last = df[df.episode == K]
    summary[name] = (last.regret.mean(), int(last.below_floor.max()),
                     float((last.below_floor > 0).mean()))
    print(f"{name:22s} Reg(K) = {summary[name][0]:8.1f}   most violations in a seed = "
          f"{summary[name][1]:3d}   seeds with a violation = {summary[name][2]:.0%}")

# %% [markdown]
# ## 3. Violations, counted exactly

# %%
assert summary["UCBVI (unconstrained)"][1] > 0          # optimism alone violates
assert summary["StepMix"][1] == 0 and summary["EpsMix"][1] == 0
assert summary["baseline only"][1] == 0
# the engine's count agrees with a recount from the exact per-episode values
for name, df in runs.items():
    recount = (df.value < floor - 1e-12).groupby(df.seed).sum()
    assert np.array_equal(recount.to_numpy(), df[df.episode == K].below_floor.to_numpy()), name

# %% [markdown]
# The budget method keeps the **cumulative** constraint
# $\sum_{j \le k} V^{\pi_j} \ge (1-\alpha)\,k\,V^b$ for every $k$ — it banks the surplus of
# baseline episodes and spends it on optimistic ones — but individual episodes fall below the
# line: a weaker guarantee than StepMix's.

# %%
bud = runs["budget UCBVI"]
k = np.arange(1, K + 1)
for seed, g in bud.groupby("seed"):
    assert np.all(g.value.cumsum().to_numpy() >= floor * k - 1e-9), seed
assert summary["budget UCBVI"][1] > 0

# %% [markdown]
# ## 4. The mixing weight and the price of conservatism
#
# The column `aux` is the mixing weight: $\lambda_k$ for StepMix (the per-step probability of
# the optimistic action), $\varepsilon_k$ for EpsMix (the probability of an optimistic episode).
# Both start near 0 (the certificate cannot yet vouch for the optimistic policy) and reach 1.

# %%
for name in ["StepMix", "EpsMix"]:
    w = runs[name].groupby("episode").aux.mean()
    print(f"{name}: weight at k=1: {w.iloc[0]:.3f}, k=100: {w.loc[100]:.3f}, k=K: {w.iloc[-1]:.3f}")
    assert w.iloc[0] < 0.5 and w.iloc[-1] == 1.0

# %% [markdown]
# Conservatism costs regret — but only a bounded amount: once the weights reach 1 the learners
# play like UCBVI, so in the last episodes they pay about what UCBVI pays, while the baseline
# alone keeps paying $V^* - V^b$ per episode (a linear $K(V^* - V^b)$ in total).

# %%
reg = {n: s[0] for n, s in summary.items()}
assert reg["UCBVI (unconstrained)"] < reg["StepMix"] < reg["baseline only"]
assert reg["EpsMix"] < reg["baseline only"]
assert np.isclose(reg["baseline only"], K * (base.optimal_value - base.value), rtol=1e-9)
late = {}                           # regret paid in the last 10 % of the episodes
for name in ["UCBVI (unconstrained)", "StepMix", "EpsMix", "baseline only"]:
    ep, r = seed_matrix(runs[name])
    late[name] = (r[:, -1] - r[:, ep.searchsorted(K - K // 10) - 1]).mean()
print({n: round(v, 2) for n, v in late.items()})
for name in ["StepMix", "EpsMix"]:
    assert late[name] < 0.15 * late["baseline only"], name
    assert late[name] < 2 * late["UCBVI (unconstrained)"], name

# %% [markdown]
# A smaller $\alpha$ (a tighter constraint) costs more:

# %%
by_alpha = {}
for a in [0.05, 0.2]:
    d = mdpsim.run("stepmix", mdp, episodes=K, seeds=SEEDS, rng=7, alpha=a,
                   baseline_fraction=FRACTION, eval_every=("log", 30))
    by_alpha[a] = d[d.episode == K].regret.mean()
    assert d.below_floor.max() == 0
print({a: round(r, 1) for a, r in by_alpha.items()})
assert by_alpha[0.05] > by_alpha[0.2]

# %% [markdown]
# ## 5. EpsMix's closed form
#
# The value of "optimistic episode with probability ε, else baseline" is linear in ε:
# $(1-\varepsilon)V^b + \varepsilon V^{\pi^o}$. With a certified lower bound $L_o$ on
# $V^{\pi^o}$, the largest certified ε solves a linear inequality:
# $\varepsilon = \alpha V^b / (V^b - L_o)$ when $L_o < (1-\alpha)V^b$, else 1.

# %%
Vb, alpha = base.value, ALPHA
for L_o in [0.0, 0.5 * Vb, 0.85 * Vb, 0.95 * Vb]:
    eps = 1.0 if L_o >= (1 - alpha) * Vb else alpha * Vb / (Vb - L_o)
    certified = (1 - eps) * Vb + eps * L_o
    print(f"L_o = {L_o:.3f}: eps = {eps:.3f}, certified value {certified:.4f} >= {floor:.4f}")
    assert certified >= floor - 1e-12

# %% [markdown]
# **Exercises.** (a) Set `cert_scale=1.0` (the certificate valid for every policy with the
# theory constant): how much later does the weight reach 1? (b) Try `mixture="switch"` for
# StepMix. (c) Replace the known $V^b$ by an upper confidence bound (`baseline_known=False`).
