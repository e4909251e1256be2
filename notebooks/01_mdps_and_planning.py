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
# # Lesson 1 — MDPs, Bellman operators, and exact planning
#
# What you will see, on real numbers:
#
# 1. a Markov decision process is two arrays, `P[s, a, s']` and `R[s, a]`, plus a horizon or
#    a discount;
# 2. the Bellman optimality operator $T$ is monotone and a $\gamma$-contraction in the sup
#    norm, so value iteration converges geometrically;
# 3. value iteration (VI), policy iteration (PI) and linear programming (LP) find the same
#    optimal value;
# 4. VI stopped by the rule of Puterman's Theorem 6.3.1 (or the sharper span rule) returns a
#    policy that is **guaranteed** $\varepsilon$-optimal — and we check the guarantee against
#    the exact value of that policy.
#
# Every claim below is an `assert`: the test suite runs this lesson.

# %%
import numpy as np
import mdpsim

# %% [markdown]
# ## 1. A two-state MDP, solved by hand
#
# State 0 ("home") and state 1 ("work"). Action 0 stays, action 1 moves. Staying at work pays
# 1, moving costs nothing, and moving succeeds with probability 0.9. Discount $\gamma = 0.9$.

# %%
P = np.zeros((2, 2, 2))
P[0, 0] = [1.0, 0.0]          # home, stay
P[0, 1] = [0.1, 0.9]          # home, move -> work w.p. 0.9
P[1, 0] = [0.0, 1.0]          # work, stay
P[1, 1] = [0.9, 0.1]          # work, move -> home w.p. 0.9
R = np.array([[0.0, 0.0],
              [1.0, 0.0]])
gamma = 0.9
mdp = mdpsim.TabularMDP(P, R, gamma=gamma)
sol = mdpsim.solve(mdp)
sol.V, sol.policy

# %% [markdown]
# By hand: at work, staying forever is worth $1/(1-\gamma) = 10$. At home, moving gives
# $V_0 = \gamma(0.1 V_0 + 0.9 V_1)$, i.e. $V_0 = 0.9 \cdot 0.9 \cdot 10 / (1 - 0.09)$.

# %%
V1 = 1.0 / (1.0 - gamma)
V0 = gamma * 0.9 * V1 / (1.0 - gamma * 0.1)
assert np.allclose(sol.V, [V0, V1], rtol=0, atol=1e-9)
assert list(sol.policy) == [1, 0]         # move from home, stay at work

# %% [markdown]
# Models are validated: a row that does not sum to one is rejected with a message naming the
# field, the index and the value.

# %%
bad = P.copy()
bad[1, 0] = [0.0, 0.97]
try:
    mdpsim.TabularMDP(bad, R, gamma=gamma)
except ValueError as err:
    message = str(err)
print(message)
assert "P[1, 0, :]" in message

# %% [markdown]
# ## 2. The Bellman operator: monotone and a γ-contraction
#
# $(TV)(s) = \max_a \big(R(s,a) + \gamma \sum_{s'} P(s'\mid s,a) V(s')\big)$.
# `mdpsim.bellman_operator(mdp, V)` returns the bracket, $Q[s, a]$; its row maximum is $TV$.
# We test both properties on a random Garnet MDP and many random value pairs.

# %%
g = mdpsim.make("garnet", S=30, A=4, b=5, gamma=0.95, rng=1)
rng = np.random.default_rng(0)


def T(V):
    return mdpsim.bellman_operator(g, V).max(axis=1)


ratios = []
for _ in range(200):
    U, W = rng.normal(size=g.S) * 10, rng.normal(size=g.S) * 10
    ratios.append(np.abs(T(U) - T(W)).max() / np.abs(U - W).max())
    lo = np.minimum(U, W)                      # lo <= U pointwise
    assert np.all(T(lo) <= T(U) + 1e-12)       # monotone
print(f"largest ratio |TU - TW| / |U - W| = {max(ratios):.4f}  (gamma = {g.gamma})")
assert max(ratios) <= g.gamma + 1e-12

# %% [markdown]
# ## 3. Three planners, one answer
#
# Value iteration iterates $T$; policy iteration alternates exact evaluation and greedy
# improvement and stops in finitely many steps; the LP minimises $\sum_s V(s)$ subject to
# $V \ge TV$ componentwise (solved by HiGHS).

# %%
vi = mdpsim.value_iteration(g, tol=1e-10)
pi = mdpsim.policy_iteration(g)
lp = mdpsim.linear_programming(g)
print(f"VI: {vi.n_iter} sweeps, PI: {pi.n_iter} improvements")
assert np.allclose(vi.V, pi.V, rtol=0, atol=1e-9)
assert np.allclose(lp.V, pi.V, rtol=0, atol=1e-7)
assert np.array_equal(vi.policy, pi.policy)

# %% [markdown]
# ## 4. The ε-guarantee of value iteration
#
# With the classical rule (`rule="sup"`, Puterman Thm 6.3.1), VI stops when
# $\|V_{n+1} - V_n\|_\infty < \varepsilon(1-\gamma)/(2\gamma)$; then $\|V_{n+1} - V^*\| < \varepsilon/2$
# and the greedy policy is $\varepsilon$-optimal. The span rule (MacQueen–Porteus bounds) gives
# the same guarantee in far fewer sweeps. We check the guarantee with the **exact** value of
# the returned policy, for several ε.

# %%
Vstar = pi.V
rows = []
for eps in [1.0, 0.1, 0.01, 1e-4]:
    for rule in ["sup", "span"]:
        r = mdpsim.value_iteration(g, tol=eps, rule=rule)
        Vpol = mdpsim.evaluate(g, r.policy)
        gap = (Vstar - Vpol).max()
        rows.append((eps, rule, r.n_iter, np.abs(r.V - Vstar).max(), gap, r.gap_bound))
        assert r.converged
        assert np.abs(r.V - Vstar).max() < eps / 2           # value within eps/2
        assert gap <= eps                                      # policy eps-optimal
        assert gap <= r.gap_bound + 1e-12                      # the certificate holds
for row in rows:
    print("eps={:<6g} rule={:<4} sweeps={:<5d} |V-V*|={:.2e} gap={:.2e} certified<={:.2e}"
          .format(*row))
sweeps = {(e, r): n for e, r, n, *_ in rows}
assert all(sweeps[(e, "span")] <= sweeps[(e, "sup")] for e in [1.0, 0.1, 0.01, 1e-4])

# %% [markdown]
# ## 5. Finite horizon: backward induction
#
# With `horizon=H` the value depends on the step: `V[h, s]`. Backward induction is exact.
# On RiverSwim (a chain whose reward lies upstream) the optimal policy swims right, except near
# the end of the episode, when there is no time left to reach the far bank.

# %%
river = mdpsim.make("riverswim", S=6, horizon=20)
fin = mdpsim.solve(river)
print("optimal value from the start state:", round(fin.value, 4))
print("policy at h = 0: ", fin.policy[0], "  at h = 19:", fin.policy[19])
left = np.zeros((20, river.S), dtype=int)
assert mdpsim.evaluate(river, left)[0, 0] < fin.V[0, 0]
assert np.all(fin.policy[0] == 1) and fin.policy[19, 0] == 0
# the value of the optimal policy, evaluated exactly, is the optimal value
assert np.allclose(mdpsim.evaluate(river, fin.policy), fin.V, rtol=0, atol=1e-12)

# %% [markdown]
# **Exercises.** (a) Replace $\gamma = 0.95$ by $0.99$ in the Garnet: how do the sweep counts
# of the two rules change? (b) Build the LP for the two-state MDP by hand with
# `scipy.optimize.linprog` and compare. (c) Why does the RiverSwim policy at the last step
# swim left in state 0?
