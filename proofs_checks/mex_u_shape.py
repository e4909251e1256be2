r"""MEX's regret is U-shaped in η (docs/papers/mex.md §4–5): η → 0 keeps the most optimistic
member whatever the data, η → ∞ is greedy MLE; both can be linear, the interior is small.

Statement. On ``riverswim_class`` (S = 5, H = 10, M = 16) with η = c_η √(log M/(HK)), the
mean final regret at an interior c_η is below ``ratio`` × the mean final regret at each edge
(c_η = 0.01 and greedy MLE, η = ∞).

Check. ``episodes`` episodes, ``seeds`` seeds, exact regret from the engine; c_η on the grid
{0.01, 1, 30, 1000} plus ``mle_greedy``. Passes when min over the interior {1, 30} is
<= ``ratio`` × min(regret at 0.01, regret of greedy MLE). Margins: the slack of that
inequality and every mean final regret.
"""
from __future__ import annotations

import numpy as np

import mdpsim

STATEMENT = ("MEX final regret is U-shaped in c_eta: interior min <= ratio x min(edge at "
             "c_eta = 0.01, greedy MLE)")


def check(rng=0, episodes: int = 1500, seeds: int = 8, ratio: float = 0.2) -> dict:
    fc = mdpsim.make("riverswim_class", S=5, horizon=10, M=16, rng=0)
    fin = {}
    for c in (0.01, 1.0, 30.0, 1000.0):
        df = mdpsim.run("mex", fc, episodes=episodes, seeds=seeds, rng=rng, c_eta=c)
        fin[f"c_eta={c:g}"] = float(df[df.episode == episodes].regret.mean())
    df = mdpsim.run("mle_greedy", fc, episodes=episodes, seeds=seeds, rng=rng)
    fin["greedy"] = float(df[df.episode == episodes].regret.mean())
    interior = min(fin["c_eta=1"], fin["c_eta=30"])
    edge = min(fin["c_eta=0.01"], fin["greedy"])
    slack = ratio * edge - interior
    return {"passed": bool(slack >= 0), "statement": STATEMENT,
            "instances": f"riverswim_class M=16, K={episodes}, {seeds} seeds",
            "tolerance": ratio, "margins": {"slack": slack, **fin}}
