"""Tests of abm.rules.coupling: C, T, D by hand, grade bands and their edges."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.rules.coupling import GRADES, coordination_grade, coupling_coordination, grade_bounds

unit = st.floats(min_value=0.0, max_value=1.0)


def test_coupling_by_hand_0_4_and_0_6():
    # C = 2·√(0.4·0.6)/(0.4+0.6) = 2·√0.24 = 2·0.4898979… = 0.9797959…
    # T = 0.5·0.4 + 0.5·0.6 = 0.5
    # D = √(C·T) = √0.4898979… = 0.69992710… → "primary coordination" [0.6, 0.7)
    c, t, d = coupling_coordination(0.4, 0.6)
    assert math.isclose(c, 0.9797958971132712, rel_tol=1e-12)
    assert math.isclose(t, 0.5)
    assert math.isclose(d, 0.6999271023161166, rel_tol=1e-12)
    assert coordination_grade(d) == "primary coordination"


def test_coupling_with_unequal_weights_by_hand():
    # u = (0.25, 1.0), α = 0.2, β = 0.8:
    # C = 2·√0.25/1.25 = 2·0.5/1.25 = 0.8;  T = 0.05 + 0.8 = 0.85;  D = √0.68 = 0.8246211…
    c, t, d = coupling_coordination(0.25, 1.0, alpha=0.2, beta=0.8)
    assert math.isclose(c, 0.8)
    assert math.isclose(t, 0.85)
    assert math.isclose(d, math.sqrt(0.68))


def test_coupling_special_cases():
    assert coupling_coordination(0.0, 0.0) == (0.0, 0.0, 0.0)
    assert coupling_coordination(1.0, 1.0) == (1.0, 1.0, 1.0)
    c, t, d = coupling_coordination(0.0, 0.8)  # one subsystem absent: no coupling at all
    assert c == 0.0 and math.isclose(t, 0.4) and d == 0.0


def test_grades_are_ten_in_order():
    assert len(GRADES) == 10
    assert GRADES[0] == "extreme imbalance" and GRADES[-1] == "high-quality coordination"


@pytest.mark.parametrize(
    ("d", "grade"),
    [
        (0.0, "extreme imbalance"),
        (0.0999, "extreme imbalance"),
        (0.1, "serious imbalance"),  # a band includes its lower edge
        (0.55, "barely coordinated"),
        (0.999, "high-quality coordination"),
        (1.0, "high-quality coordination"),  # the top edge belongs to the last band
    ],
)
def test_grade_band_edges(d, grade):
    assert coordination_grade(d) == grade


@pytest.mark.parametrize("k", range(10))
def test_every_printed_edge_starts_its_band(k):
    edge = round(k / 10, 1)  # the literal 0.0, 0.1, …, 0.9
    assert coordination_grade(edge) == GRADES[k]
    assert grade_bounds(GRADES[k]) == (edge, round((k + 1) / 10, 1))


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit)
def test_ctd_in_unit_interval_and_grade_consistent(u1, u2, alpha):
    c, t, d = coupling_coordination(u1, u2, alpha, 1.0 - alpha)
    assert 0.0 <= c <= 1.0 and 0.0 <= t <= 1.0 and 0.0 <= d <= 1.0
    assert math.isclose(d, math.sqrt(c * t), abs_tol=1e-12)
    lo, hi = grade_bounds(coordination_grade(d))
    assert lo <= d and (d < hi or d == hi == 1.0)


@settings(max_examples=100, deadline=None)
@given(unit, unit)
def test_coupling_is_symmetric_with_equal_weights(u1, u2):
    assert coupling_coordination(u1, u2) == pytest.approx(coupling_coordination(u2, u1))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: coupling_coordination(-0.1, 0.5), "u1"),
        (lambda: coupling_coordination(0.5, 1.1), "u2"),
        (lambda: coupling_coordination(float("nan"), 0.5), "u1"),
        (lambda: coupling_coordination(0.5, 0.5, 0.6, 0.6), "alpha \\+ beta"),
        (lambda: coupling_coordination(0.5, 0.5, 1.5, -0.5), "alpha"),
        (lambda: coordination_grade(1.01), "d"),
        (lambda: coordination_grade(-0.01), "d"),
        (lambda: coordination_grade(float("nan")), "d"),
        (lambda: grade_bounds("splendid"), "grade"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
