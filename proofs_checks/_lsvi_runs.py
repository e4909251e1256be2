"""Helper of the LSVI-UCB checks: step the registered ``lsvi_ucb`` learner (its own compiled
kernels, through :class:`mdpsim.engine.agent.Agent`) on a linear MDP's exact tabular model and
record, per episode, the learner's optimistic ``Q`` and, per step, the feature played and its
elliptical norm ``‖φ‖²_{Λ_h^{-1}}`` under the Gram matrix *before* the update."""
from __future__ import annotations

import numpy as np

from mdpsim.engine.agent import Agent


def optimal_q(lm) -> np.ndarray:
    """``Q*: float64[H, S, A]`` of the linear MDP by backward induction on ``φμ``, ``φθ``."""
    H, S, A = lm.horizon, lm.S, lm.A
    P = lm.P if lm.P.ndim == 4 else np.broadcast_to(lm.P, (H,) + lm.P.shape)
    R = lm.R if lm.R.ndim == 3 else np.broadcast_to(lm.R, (H,) + lm.R.shape)
    Q = np.zeros((H, S, A))
    V = np.zeros(S)
    for h in range(H - 1, -1, -1):
        Q[h] = R[h] + P[h] @ V
        V = Q[h].max(axis=1)
    return Q


def run_lsvi(lm, K: int, *, rng=0, on_plan=None, **hp):
    """Play ``K`` episodes of ``lsvi_ucb`` (hyper-parameters ``hp``); returns
    ``quad: float64[K, H]`` (``‖φ_{k,h}‖²_{Λ_{k,h}^{-1}}``) and ``phi_norm`` (the largest
    ``‖φ‖_2`` played). ``on_plan(k, state)`` is called after each plan."""
    H, S = lm.horizon, lm.S
    P = lm.P if lm.P.ndim == 4 else np.broadcast_to(lm.P, (H,) + lm.P.shape)
    R = lm.R if lm.R.ndim == 3 else np.broadcast_to(lm.R, (H,) + lm.R.shape)
    g = np.random.default_rng(rng)
    ag = Agent("lsvi_ucb", lm, rng=g, episodes=K, **hp)
    phi4 = np.asarray(lm.stage_phi())
    quad = np.zeros((K, H))
    big = 0.0
    for k in range(K):
        pi = ag.policy()
        if on_plan is not None:
            on_plan(k, ag)
        Li = ag._state.Lam_inv
        s = int(g.choice(S, p=lm.init))
        for h in range(H):
            a = int(np.argmax(pi[h, s]))
            x = phi4[min(h, phi4.shape[0] - 1), s, a]
            quad[k, h] = float(x @ Li[h] @ x)
            big = max(big, float(np.linalg.norm(x)))
            s2 = int(g.choice(S, p=P[h, s, a]))
            ag.observe(h, s, a, float(R[h, s, a]), s2)
            s = s2
    return quad, big
