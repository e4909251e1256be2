r"""The two-player zero-sum setting: learn to play a :class:`~mdpsim.models.game.MarkovGame`
knowing a finite class of candidate game kernels that contains the truth; scored exactly by
the duality gap of the policy pair played.

:class:`GameClass` holds the true game and the class (kernels ``P[M, S, A, B, S]`` or
``[M, H, S, A, B, S]``, rewards known, shared). The engine's learner loop is single-agent,
so the game loop is a small driver here, :meth:`GameClass.run`, with a compiled episode loop
(:func:`_game_loop`), returning the same long table as :func:`mdpsim.run`: one row per
episode and seed with ``gap_k = V^{†,ν_k}(s_1) − V^{μ_k,†}(s_1)`` (exact, on the true game)
of the *output pair* ``(μ_k, ν_k) = (μ_{f_k}, ν_{f'_k})`` (the two players' MEX choices),
``gap_regret = Σ_{j<=k} gap_j``, ``regret = Σ_{j<=k} (V*(s_1) − V^{μ_j,†}(s_1))`` (the
max player's side), ``regret_min`` the min player's side, ``aux = f_k``, ``aux2 = f'_k``.
The data are collected by the exploiter pairs (below), which are not scored: an exploiter's
deterministic best response has a large duality gap by design.

Learners (``algorithm=``):

* ``"mex_mg"`` — MEX-MG [R] (arXiv:2305.18258 §MG, reconstructed): max player
  ``f_k = argmax_f {V*_f(s_1) − η L_k(f)}`` and plays the Nash max-policy ``μ_k = μ_{f_k}``;
  the min player (exploiter) ``g_k = argmin_g {V_g^{μ_k,†}(s_1) + η L_k(g)}`` and plays
  the best response to ``μ_k`` under ``g_k`` (even episodes); symmetrically [R] the min
  player's MEX ``f'_k = argmin_f {V*_f + η L_k(f)}``, ``ν_k = ν_{f'_k}``, against the max
  exploiter ``argmax_g {V_g^{†,ν_k} − η L_k(g)}`` (odd episodes); ``L`` the negative log-likelihood of
  all transitions (a member giving an observed transition probability 0 is refuted), ``η =
  c_η sqrt(log M / (H K))``;
* ``"mle_selfplay"`` — greedy self-play: ``f_k = g_k`` = the MLE member (exact ties uniform
  at random), both players play its Nash policies (no optimism);
* ``"nash_optimism"`` — an optimistic comparator on the same class (Nash-VI-style
  optimism over a likelihood confidence set [P]): ``f_k = argmax{V*_f : L_f − min L <= β}``,
  ``g_k = argmin{V_g^{μ_k,†} : L_g − min L <= β}``, ``β = c_β log(M / δ)``.

Since the members do not change, every member's Nash solution, the best responses of each
member's ``μ`` under every member, and their exact values on the true game are computed
once per problem (``M`` Nash solutions, ``M²`` best responses; :meth:`GameClass.tables`),
after which an episode is an ``O(M)`` choice, a simulated episode and ``O(M)`` likelihood
updates per transition, compiled.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..kernels.numba_backend import inv_cdf
from ..models.game import (MarkovGame, best_response_to_max, best_response_to_min, nash)

__all__ = ["GameClass", "GAME_LEARNERS"]

GAME_LEARNERS = {"mex_mg": 0, "mle_selfplay": 1, "nash_optimism": 2}


class GameClass:
    """The true ``game`` and a finite class of kernels that contains it (module docstring)."""

    name = "game_class"

    def __init__(self, game: MarkovGame, kernels, *, label: str | None = None):
        if not isinstance(game, MarkovGame):
            raise ValueError(f"GameClass needs a MarkovGame, got {type(game).__name__}")
        try:
            K = np.asarray(kernels, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"game class: kernels must be a numeric array: {exc}") from None
        H, S, A, B = game.horizon, game.S, game.A, game.B
        if K.ndim not in (5, 6) or K.shape[0] < 1 or K.shape[-4:] != (S, A, B, S) or \
                (K.ndim == 6 and K.shape[1] != H):
            raise ValueError(f"game class: kernels must have shape [M, S, A, B, S] or "
                             f"[M, H, S, A, B, S] with (S, A, B, H) = {(S, A, B, H)}, M >= 1; "
                             f"got {K.shape}")
        self.models = [MarkovGame(K[m], game.r, H, game.init, name=f"class[{m}]")
                       for m in range(K.shape[0])]     # validates every member
        Pt = game.stage_P()
        hits = [m for m, g in enumerate(self.models)
                if np.max(np.abs(g.stage_P() - Pt)) <= 1e-12]
        if not hits:
            raise ValueError(f"game class of {len(self.models)} models does not contain the "
                             "true game (realisability)")
        self.game = game
        self.true_index = int(hits[0])
        self.M = len(self.models)
        self.label = label
        self._tables = None

    def describe(self) -> str:
        return f"GameClass({self.label or self.game.name or 'game'}, M={self.M}, " \
               f"H={self.game.horizon})"

    def tables(self) -> dict:
        """Exact per-class quantities (computed once; module docstring)."""
        if self._tables is not None:
            return self._tables
        g0 = self.game
        M, H, S, A, B = self.M, g0.horizon, g0.S, g0.A, g0.B
        sols = [nash(g) for g in self.models]
        V1 = np.array([s.value for s in sols])
        mu = np.stack([s.mu for s in sols])
        nu = np.stack([s.nu for s in sols])
        brv = np.zeros((M, M))                    # brv[j, g] = V_g^{mu_j, †}(s1)
        brp = np.zeros((M, M, H, S, B))           # the best response itself
        for j in range(M):
            for g in range(M):
                V, br = best_response_to_max(self.models[g], mu[j])
                brv[j, g] = g0.init @ V[0]
                brp[j, g] = br
        brv2 = np.zeros((M, M))                   # brv2[j, g] = V_g^{†, nu_j}(s1)
        brp2 = np.zeros((M, M, H, S, A))
        for j in range(M):
            for g in range(M):
                V, br = best_response_to_min(self.models[g], nu[j])
                brv2[j, g] = g0.init @ V[0]
                brp2[j, g] = br
        star = nash(g0).value
        true_lo = np.array([g0.init @ best_response_to_max(g0, mu[j])[0][0] for j in range(M)])
        true_hi_nash = np.array([g0.init @ best_response_to_min(g0, nu[j])[0][0]
                                 for j in range(M)])
        Pc = np.stack([g.stage_P() for g in self.models])
        with np.errstate(divide="ignore"):
            logP = np.log(Pc)
        self._tables = dict(V1=V1, mu=mu, nu=nu, brv=brv, brp=brp, brv2=brv2, brp2=brp2,
                            star=float(star),
                            true_lo=true_lo, true_hi_nash=true_hi_nash,
                            logP=np.ascontiguousarray(logP),
                            P=np.ascontiguousarray(g0.stage_P()),
                            init=np.ascontiguousarray(g0.init))
        return self._tables

    def run(self, algorithm: str = "mex_mg", *, episodes: int, seeds: int = 1, rng=0,
            c_eta: float = 10.0, c_beta: float = 1.0, delta: float = 0.05):
        """Run a two-player learner (module docstring) and return the long table."""
        import pandas as pd
        if algorithm not in GAME_LEARNERS:
            raise ValueError(f"unknown game learner {algorithm!r}; one of "
                             f"{', '.join(GAME_LEARNERS)}")
        if not (isinstance(c_eta, (int, float)) and c_eta >= 0 and math.isfinite(c_eta)):
            raise ValueError(f"c_eta must be a number >= 0 (η < 0 would reward unlikely "
                             f"models); got {c_eta!r}")
        t = self.tables()
        M, H = self.M, self.game.horizon
        log_m = math.log(M) if M > 1 else 0.0
        eta = c_eta * math.sqrt(log_m / (H * episodes))
        beta = c_beta * math.log(M / delta)
        seed_seq = np.random.SeedSequence(rng).spawn(seeds)
        rows = []
        for i, ss in enumerate(seed_seq):
            out = np.zeros((episodes, 4))
            _game_loop(t["logP"], t["P"], t["init"], t["V1"], t["mu"], t["nu"], t["brv"],
                       t["brp"], t["brv2"], t["brp2"], GAME_LEARNERS[algorithm], eta, beta,
                       np.random.default_rng(ss), out)
            f, fp = out[:, 0].astype(np.int64), out[:, 1].astype(np.int64)
            lo, hi = t["true_lo"][f], t["true_hi_nash"][fp]
            gap = hi - lo
            df = pd.DataFrame({"algorithm": algorithm, "env": self.describe(), "seed": i,
                               "episode": np.arange(1, episodes + 1), "gap": gap,
                               "gap_regret": np.cumsum(gap),
                               "regret": np.cumsum(t["star"] - lo),
                               "regret_min": np.cumsum(hi - t["star"]),
                               "aux": f, "aux2": fp})
            rows.append(df)
        df = pd.concat(rows, ignore_index=True)
        df.attrs.update(M=M, true_index=self.true_index, nash_value=t["star"], eta=eta,
                        c_eta=c_eta)
        return df


@njit(cache=True)
def _argmin_nll(nll, refuted, u):
    M = nll.shape[0]
    lmin = np.inf
    for m in range(M):
        if refuted[m] == 0.0 and nll[m] < lmin:
            lmin = nll[m]
    n = 0
    for m in range(M):
        if refuted[m] == 0.0 and nll[m] == lmin:
            n += 1
    j = min(int(u * n), n - 1)
    for m in range(M):
        if refuted[m] == 0.0 and nll[m] == lmin:
            if j == 0:
                return m, lmin
            j -= 1
    return 0, lmin


@njit(cache=True)
def _mex_pick(V, nll, refuted, eta, sign):
    """``argmax_m sign·V_m − η L_m`` (refuted members skipped when η > 0; lowest index)."""
    best = -np.inf
    f = 0
    for m in range(V.shape[0]):
        if eta > 0.0 and refuted[m] > 0.0:
            continue
        o = sign * V[m] - eta * nll[m] if eta > 0.0 else sign * V[m]
        if o > best:
            best = o
            f = m
    return f


@njit(cache=True)
def _set_pick(V, nll, refuted, lmin, beta, sign):
    best = -np.inf
    f = 0
    for m in range(V.shape[0]):
        if refuted[m] == 0.0 and nll[m] - lmin <= beta and sign * V[m] > best:
            best = sign * V[m]
            f = m
    return f


@njit(cache=True)
def _game_loop(logP, P, init, V1, mu, nu, brv, brp, brv2, brp2, mode, eta, beta, rng, out):
    """The compiled episode loop; writes ``out[k] = (f_k, f'_k, data side, exploiter)``:
    the output pair is ``(μ_{f_k}, ν_{f'_k})``. Even episodes collect data with
    ``(μ_{f_k}, BR_{g}(μ_{f_k}))``, odd ones with ``(BR_{g'}(ν_{f'_k}), ν_{f'_k})``
    (``mle_selfplay``: ``(μ_f, ν_f)`` always)."""
    M = V1.shape[0]
    H = P.shape[0]
    nll = np.zeros(M)
    refuted = np.zeros(M)
    for k in range(out.shape[0]):
        side = k % 2
        if mode == 1:
            f, _ = _argmin_nll(nll, refuted, rng.random())
            fp = f
            g = f
        elif mode == 0:
            f = _mex_pick(V1, nll, refuted, eta, 1.0)
            fp = _mex_pick(V1, nll, refuted, eta, -1.0)
            if side == 0:
                g = _mex_pick(brv[f], nll, refuted, eta, -1.0)
            else:
                g = _mex_pick(brv2[fp], nll, refuted, eta, 1.0)
        else:
            _, lmin = _argmin_nll(nll, refuted, 0.0)
            f = _set_pick(V1, nll, refuted, lmin, beta, 1.0)
            fp = _set_pick(V1, nll, refuted, lmin, beta, -1.0)
            if side == 0:
                g = _set_pick(brv[f], nll, refuted, lmin, beta, -1.0)
            else:
                g = _set_pick(brv2[fp], nll, refuted, lmin, beta, 1.0)
        out[k, 0] = f
        out[k, 1] = fp
        out[k, 2] = side
        out[k, 3] = g
        s = inv_cdf(init, rng.random())
        for h in range(H):
            if mode == 1:
                a = inv_cdf(mu[f, h, s], rng.random())
                b = inv_cdf(nu[f, h, s], rng.random())
            elif side == 0:
                a = inv_cdf(mu[f, h, s], rng.random())
                b = inv_cdf(brp[f, g, h, s], rng.random())
            else:
                a = inv_cdf(brp2[fp, g, h, s], rng.random())
                b = inv_cdf(nu[fp, h, s], rng.random())
            y = inv_cdf(P[h, s, a, b], rng.random())
            for m in range(M):
                lp = logP[m, h, s, a, b, y]
                if lp == -np.inf:
                    refuted[m] += 1.0
                else:
                    nll[m] -= lp
            s = y
