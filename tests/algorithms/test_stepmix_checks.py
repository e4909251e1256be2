"""The conservative-exploration proofs checks (proofs_checks/stepmix_lcb.py,
epsmix_closed_form.py, stepmix_certified_safe.py) pass on small sizes, with explicit margins."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_check(name):
    d = str(ROOT / "proofs_checks")
    if d not in sys.path:
        sys.path.insert(0, d)
    spec = importlib.util.spec_from_file_location(f"_check_{name}",
                                                  ROOT / "proofs_checks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_certificates_are_lower_bounds_on_the_good_event():
    res = _load_check("stepmix_lcb").check(rng=1, n_instances=8)
    assert res["passed"]
    for name, m in res["margins"].items():
        assert m >= -1e-10, (name, m)


def test_epsmix_closed_form_check():
    res = _load_check("epsmix_closed_form").check(rng=2, n_triples=3000, n_instances=8)
    assert res["passed"]
    assert res["margins"]["closed_form_vs_bisection_max_diff"] <= 1e-10
    assert res["margins"]["linearity_max_rel_error"] <= 1e-10


def test_certified_mixtures_never_violate():
    res = _load_check("stepmix_certified_safe").check(rng=3, n_instances=2, episodes=60)
    assert res["passed"]
    assert res["margins"]["true_minus_certificate_min"] >= -1e-9
    assert res["margins"]["value_minus_floor_min"] >= -1e-8
    assert res["margins"]["certified_episodes"] > 0
