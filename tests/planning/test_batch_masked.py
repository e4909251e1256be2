"""mdpsim.batch on models as users write them (issue 21): action masks (per model, also per
stage) and discounted finite horizon give what the single-model planners give."""
import numpy as np
import pytest

import mdpsim
from mdpsim import batch, TabularMDP


def _models(finite_kw, n=3, S=6, A=3, H=4, per_stage=False, storage="dense"):
    out = []
    for seed in range(n):
        rng = np.random.default_rng(seed)
        P = rng.dirichlet(np.ones(S) * 0.3, size=(S, A))
        P[P < 0.05] = 0.0
        P /= P.sum(-1, keepdims=True)
        R = rng.random((S, A))
        F = rng.random((H, S, A) if per_stage else (S, A)) < 0.6
        F[..., 0] |= ~F.any(-1)
        m = TabularMDP(P, np.where(F.all(0) if per_stage else F, R, -np.inf)
                       if not per_stage else R, feasible=F, **finite_kw)
        out.append(m.to_successors() if storage == "successors" else m)
    return out


@pytest.mark.parametrize("storage", ["dense", "successors"])
@pytest.mark.parametrize("per_stage", [False, True])
def test_masked_backward_induction_equals_single_model(storage, per_stage):
    ms = _models(dict(horizon=4), per_stage=per_stage, storage=storage)
    assert all(m.masked for m in ms)
    sol = batch.backward_induction_batch(ms)
    ref = batch.backward_induction_batch(ms, backend="reference")
    for b, m in enumerate(ms):
        one = mdpsim.backward_induction(m)
        assert np.array_equal(sol.V[b], one.V) and np.array_equal(sol.policy[b], one.policy)
        assert np.array_equal(sol.Q[b], one.Q)               # -inf at the same pairs
        assert np.max(np.abs(ref.V[b] - one.V)) <= 1e-12
        assert np.array_equal(ref.policy[b], one.policy)
        assert sol.value[b] == one.value


@pytest.mark.parametrize("masked", [False, True])
def test_discounted_finite_horizon(masked):
    kw = dict(horizon=5, gamma=0.8)
    if masked:
        ms = _models(kw, per_stage=True, H=5)
    else:
        ms = [TabularMDP(m.P, m.R, **kw) for m in
              (mdpsim.make("garnet", S=6, A=3, b=2, horizon=5, rng=i) for i in range(3))]
    sol = batch.backward_induction_batch(ms)
    pis = []
    for b, m in enumerate(ms):
        one = mdpsim.solve(m)
        assert np.max(np.abs(sol.V[b] - one.V)) <= 1e-12
        assert np.array_equal(sol.policy[b], one.policy)
        pi = np.zeros((5, m.S, m.A))
        np.put_along_axis(pi, one.policy[..., None], 1.0, axis=-1)
        pis.append(pi)
    V = batch.evaluate_batch(ms, np.stack(pis))
    for b, m in enumerate(ms):
        assert np.max(np.abs(V[b] - mdpsim.evaluate(m, pis[b]))) <= 1e-12
        assert np.max(np.abs(V[b] - sol.V[b])) <= 1e-12


def test_masked_evaluation_and_one_line_rejection():
    ms = _models(dict(horizon=4))
    pis = []
    for m in ms:
        F = m.feasible
        pi = np.broadcast_to(F / F.sum(-1, keepdims=True), (4, m.S, m.A))   # uniform feasible
        pis.append(pi)
    V = batch.evaluate_batch(ms, np.stack(pis))
    for b, m in enumerate(ms):
        assert np.max(np.abs(V[b] - mdpsim.evaluate(m, pis[b]))) <= 1e-12
    bad = np.stack(pis).copy()
    s, a = (int(x) for x in np.argwhere(~ms[1].feasible)[0])
    bad[1, 2, s] = 0.0
    bad[1, 2, s, a] = 1.0
    with pytest.raises(ValueError, match=rf"^policies\[1\] puts probability on action {a} in "
                                         rf"stage 2, state {s}, which is infeasible in "
                                         r"models\[1\]$"):
        batch.evaluate_batch(ms, bad)
    # discounted masked models: evaluation as mdpsim.evaluate
    md = [TabularMDP(m.P, np.where(m.feasible, m.R, 0.0), gamma=0.9, feasible=m.feasible)
          for m in ms]
    pd = np.stack([p[0] for p in pis])
    Vd = batch.evaluate_batch(md, pd)
    for b, m in enumerate(md):
        assert np.max(np.abs(Vd[b] - mdpsim.evaluate(m, pd[b]))) <= 1e-12
