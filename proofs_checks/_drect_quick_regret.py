"""Helper script, not a check (run it directly: python proofs_checks/_drect_quick_regret.py K seeds).
Quick robust-regret comparison (issue #13): DR-LSVI-UCB vs non-robust LSVI-UCB, exact robust
regret against the d-rectangular robust optimum. Prints final regrets and log-log slopes."""
import sys
import time

import numpy as np

import mdpsim
from mdpsim.settings import RobustLinear

K = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
SEEDS = int(sys.argv[2]) if len(sys.argv) > 2 else 4
cases = [
    ("fail_state rho=0.3", mdpsim.make("drect_fail_state", rho=0.3),
     dict(rho=0.3, rho_stage=0, rho_factor=3)),
    ("simplex S20A5d5H5 rho=0.1", mdpsim.make("drect_simplex", rho=0.1), dict(rho=0.1)),
]
for label, m, kw in cases:
    st = RobustLinear(m)
    print(f"{label}: robust optimum {st.optimum():.6f}, nominal optimum "
          f"{mdpsim.solve(m.nominal.to_tabular()).value:.6f}", flush=True)
    for alg, hp in (("dr_lsvi_ucb", kw), ("lsvi_ucb", {})):
        t = time.perf_counter()
        df = mdpsim.run(alg, st, episodes=K, seeds=SEEDS, threads=1, **hp)
        el = time.perf_counter() - t
        g = df.groupby(["seed", "episode"]).regret.first().unstack(0)
        ks = g.index.values
        sel = ks >= K // 10
        slopes = [np.polyfit(np.log(ks[sel]), np.log(np.maximum(g[c].values[sel], 1e-9)), 1)[0]
                  for c in g.columns]
        fin = g.iloc[-1].values
        print(f"  {alg:12s} regret(K={K}) mean {fin.mean():.3f} [min {fin.min():.3f}, max "
              f"{fin.max():.3f}], slope (K>={K // 10}) mean {np.mean(slopes):.3f} "
              f"[{np.min(slopes):.3f}, {np.max(slopes):.3f}], {el:.1f}s", flush=True)
