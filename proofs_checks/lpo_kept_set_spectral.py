r"""Online sensitivity sampling keeps a spectral approximation of the full data (Kong,
Salakhutdinov, Wang, Yang 2021, arXiv:2106.07203; used by LPO, docs/papers/lpo.md §2), on
LPO's own exploration streams.

Statement. For the stream of explored pairs ``z_1..z_T`` of an LPO run (linear features, or
one-hot features in the count form) with the importance-weighted kept set ``Z``:

.. math:: c_-\,(\Lambda + \lambda I) \preceq \Lambda_Z + \lambda I \preceq c_+\,(\Lambda + \lambda I),
          \qquad \Lambda = \sum_t \phi(z_t)\phi(z_t)^\top ,

with the constants ``c_- = 1/4`` and ``c_+ = 4`` checked here (the lemma holds with high
probability for ``C_s`` large enough; mdpsim runs ``C_s = 1``). Check: the generalized
eigenvalues of the pair at the end of each run (``Lambda`` rebuilt from the run's visit
counts, ``Lambda_Z`` the run's own kept covariance) lie in ``[c_-, c_+]``. Margins: the
smallest and largest eigenvalue over runs. Also reported: the kept-set size against the
stream length.
"""
from __future__ import annotations

import numpy as np

import mdpsim
from mdpsim.algorithms import get_planner, resolve_hyperparameters

STATEMENT = ("1/4 (Lambda + lam I) <= Lambda_Z + lam I <= 4 (Lambda + lam I) at the end of "
             "LPO runs (C_s = 1)")
C_LO, C_HI = 0.25, 4.0


def _instances(rng):
    return {"riverswim(S=6, gamma=0.9) one-hot": mdpsim.make("riverswim", S=6, gamma=0.9),
            "simplex(S=20,A=5,d=4)": mdpsim.make("linear_simplex", S=20, A=5, d=4, gamma=0.9,
                                                 rng=rng + 1),
            "simplex(S=20,A=5,d=8)": mdpsim.make("linear_simplex", S=20, A=5, d=8, gamma=0.9,
                                                 rng=rng + 2)}


def run_to_end(model, rng, **hp):
    """Run the ``lpo`` planner to the end of its budget; returns its final iterate."""
    pl = get_planner("lpo")
    val = {k: v[0] for k, v in resolve_hyperparameters(pl, model, hp).items()}
    st = pl.init(model, val, np.random.default_rng(rng))
    t = 0
    while not pl.finished(st):
        st = pl.step(model, val, st, t)
        t += 1
    return st


def spectrum(st, lam: float = 1.0):
    """Generalized eigenvalues of ``(Lambda_Z + lam I, Lambda + lam I)`` of a final iterate."""
    phi = st.phi
    full = phi.T @ (phi * st.visits[:, None].astype(np.float64))
    kept = np.diag(st.n_w) if st.tabular else st.Lam
    d = full.shape[0]
    L = np.linalg.cholesky(np.linalg.inv(full + lam * np.eye(d)))
    return np.linalg.eigvalsh(L.T @ (kept + lam * np.eye(d)) @ L)


def check(rng=0, budget: int = 20_000, seeds: int = 3) -> dict:
    margins = {}
    ok = True
    lo_all, hi_all = np.inf, -np.inf
    for name, m in _instances(rng).items():
        for s in range(seeds):
            st = run_to_end(m, rng * 1000 + s, budget=budget, C_s=1.0, K=2, M=10)
            ev = spectrum(st)
            lo_all, hi_all = min(lo_all, ev.min()), max(hi_all, ev.max())
            ok &= bool(ev.min() >= C_LO and ev.max() <= C_HI)
            margins[f"{name}, seed {s}: eig min/max"] = (float(ev.min()), float(ev.max()))
            margins[f"{name}, seed {s}: kept/stream"] = (int(st.kept), int(st.explore))
    margins["smallest eigenvalue"] = float(lo_all)
    margins["largest eigenvalue"] = float(hi_all)
    return {"passed": ok, "statement": STATEMENT, "instances": list(_instances(rng)),
            "tolerance": 0.0, "margins": margins}


if __name__ == "__main__":
    print(check())
