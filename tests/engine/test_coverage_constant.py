"""Exact single-policy concentrability (mdpsim.engine.side.coverage_constant) and the
behaviour-policy catalogue of the hybrid actor-critic
(docs/papers/optimistic_actor_critic.md §3.5)."""
from __future__ import annotations

import numpy as np
import pytest

import mdpsim
from mdpsim.engine.side import behaviour_catalogue, coverage_constant
from mdpsim.planning import occupancy, solve


@pytest.fixture(scope="module")
def river():
    return mdpsim.make("riverswim", S=4, horizon=6)


def test_optimal_behaviour_has_constant_one_and_uncovered_is_inf(river):
    H, S, A = river.horizon, river.S, river.A
    pol = np.asarray(solve(river).policy)
    star = np.zeros((H, S, A))
    np.put_along_axis(star, pol[..., None], 1.0, axis=-1)
    assert coverage_constant(river, star) == 1.0
    assert coverage_constant(river, 1.0 - star) == np.inf          # never plays π*'s action


def test_catalogue_constants_match_a_direct_computation(river):
    cat = behaviour_catalogue(river, fractions=(0.3, 0.7), kinds=("uniform",))
    assert [c["fraction"] for c in cat] == [0.3, 0.7]
    pol = np.asarray(solve(river).policy)
    star = np.zeros((river.horizon, river.S, river.A))
    np.put_along_axis(star, pol[..., None], 1.0, axis=-1)
    for c in cat:
        dpi, dmu = occupancy(river, star), occupancy(river, c["pi"])
        on = dpi > 0
        assert c["c_off"] == pytest.approx(np.max(dpi[on] / dmu[on]), rel=1e-12)
        assert c["c_off"] >= 1.0
    assert cat[0]["c_off"] > cat[1]["c_off"]          # closer to π*: better coverage


def test_bad_shape_one_line(river):
    with pytest.raises(ValueError) as e:
        coverage_constant(river, np.ones((2, 2, 2)))
    assert "\n" not in str(e.value) and "mu" in str(e.value)
