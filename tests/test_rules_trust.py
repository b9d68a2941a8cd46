"""Tests of abm.rules.trust: beta reputation by hand, forgetting, stages, strictness."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.rules.trust import (
    TRUST_STAGES,
    beta_trust,
    beta_trust_array,
    contract_strictness,
    decay_evidence,
    trust_stage,
    update_evidence,
)

evidence = st.floats(min_value=0.0, max_value=1e3, allow_nan=False)
rates = st.floats(min_value=0.0, max_value=0.99)

STAGE_KW = dict(
    consolidation_trust=0.6,
    cooperation_trust=0.8,
    consolidation_projects=2,
    cooperation_projects=5,
)


# --------------------------------------------------------------------------- hand cases


@pytest.mark.parametrize(
    ("r", "s", "expected"),
    [
        (0, 0, 1 / 2),  # (0+1)/(0+0+2): no evidence → uninformed 1/2
        (3, 1, 2 / 3),  # (3+1)/(3+1+2) = 4/6
        (0, 2, 1 / 4),  # (0+1)/(0+2+2) = 1/4
        (8, 0, 9 / 10),  # (8+1)/(8+0+2) = 9/10
        (0.5, 0.5, 1 / 2),  # (1.5)/(3) = 1/2: balanced evidence
    ],
)
def test_beta_trust_by_hand(r, s, expected):
    # Jøsang & Ismail (2002): E[Beta(r+1, s+1)] = (r+1)/(r+s+2)
    assert math.isclose(beta_trust(r, s), expected)


def test_beta_trust_array_matches_scalar():
    out = beta_trust_array(np.array([0.0, 3.0, 0.0, 8.0]), np.array([0.0, 1.0, 2.0, 0.0]))
    np.testing.assert_allclose(out, [1 / 2, 2 / 3, 1 / 4, 9 / 10])


def test_decay_evidence_by_hand():
    # factor (1 − 0.1)**2 = 0.81 → (10·0.81, 4·0.81) = (8.1, 3.24)
    r, s = decay_evidence(10.0, 4.0, 0.1, 2)
    assert isinstance(r, float) and isinstance(s, float)
    assert math.isclose(r, 8.1) and math.isclose(s, 3.24)
    r_arr, s_arr = decay_evidence(np.array([10.0, 1.0]), np.array([4.0, 0.0]), 0.5)
    np.testing.assert_allclose(r_arr, [5.0, 0.5])
    np.testing.assert_allclose(s_arr, [2.0, 0.0])


def test_decay_with_rate_zero_or_no_steps_is_identity():
    assert decay_evidence(3.0, 2.0, 0.0, 10) == (3.0, 2.0)
    assert decay_evidence(3.0, 2.0, 0.3, 0) == (3.0, 2.0)


def test_update_evidence_by_hand():
    # decay one step at 0.5: (10, 4) → (5, 2); then add (1, 0) → (6, 2)
    assert update_evidence(
        10.0, 4.0, add_positive=1.0, add_negative=0.0, rate=0.5, steps_elapsed=1
    ) == (6.0, 2.0)


def test_lazy_decay_equals_step_by_step_decay():
    r, s = 7.0, 3.0
    for _ in range(5):
        r, s = decay_evidence(r, s, 0.2)
    lazy = update_evidence(7.0, 3.0, add_positive=0, add_negative=0, rate=0.2, steps_elapsed=5)
    assert math.isclose(lazy[0], r) and math.isclose(lazy[1], s)


def test_trust_stages_names_and_order():
    assert TRUST_STAGES == ("formation", "consolidation", "trust_based_cooperation")


@pytest.mark.parametrize(
    ("trust", "n_projects", "stage"),
    [
        (0.5, 0, "formation"),
        (0.9, 1, "formation"),  # high trust but no shared history yet
        (0.6, 2, "consolidation"),  # both consolidation thresholds met exactly
        (0.79, 10, "consolidation"),  # many projects but trust below 0.8
        (0.8, 4, "consolidation"),  # trust high enough, one project short
        (0.8, 5, "trust_based_cooperation"),
        (1.0, 50, "trust_based_cooperation"),
    ],
)
def test_trust_stage_thresholds(trust, n_projects, stage):
    assert trust_stage(trust, n_projects, **STAGE_KW) == stage


def test_contract_strictness_by_hand():
    # 1 − mean(0.2, 0.6, 1.0) = 1 − 0.6 = 0.4
    assert math.isclose(contract_strictness([0.2, 0.6, 1.0]), 0.4)
    assert contract_strictness([]) == 0.0  # lone actor: no partner to guard against
    assert contract_strictness(np.array([[1.0, 1.0], [1.0, 1.0]])) == 0.0  # any shape


# --------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(evidence, evidence, st.floats(min_value=0.01, max_value=100))
def test_trust_in_open_unit_interval_and_monotone(r, s, delta):
    t = beta_trust(r, s)
    assert 0.0 < t < 1.0
    assert beta_trust(r + delta, s) > t  # positive evidence raises trust
    assert beta_trust(r, s + delta) < t  # negative evidence lowers it


@settings(max_examples=200, deadline=None)
@given(evidence, evidence, rates, st.floats(min_value=0.0, max_value=50))
def test_decay_moves_evidence_to_zero_and_trust_to_half(r, s, rate, steps):
    r2, s2 = decay_evidence(r, s, rate, steps)
    assert 0.0 <= r2 <= r and 0.0 <= s2 <= s
    # trust − 1/2 = (r − s) / (2(r + s + 2)); scaling r, s by f <= 1 cannot increase |·|
    assert abs(beta_trust(r2, s2) - 0.5) <= abs(beta_trust(r, s) - 0.5) + 1e-12


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(evidence, evidence), min_size=1, max_size=20))
def test_beta_trust_array_in_open_unit_interval(pairs):
    r = np.array([p[0] for p in pairs])
    s = np.array([p[1] for p in pairs])
    out = beta_trust_array(r, s)
    assert np.all((out > 0) & (out < 1))
    np.testing.assert_allclose(out, [beta_trust(a, b) for a, b in pairs])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), max_size=30))
def test_contract_strictness_in_unit_interval(trusts):
    assert 0.0 <= contract_strictness(trusts) <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(0, 20))
def test_trust_stage_is_monotone_in_trust_and_projects(trust, n):
    rank = TRUST_STAGES.index(trust_stage(trust, n, **STAGE_KW))
    assert TRUST_STAGES.index(trust_stage(min(1.0, trust + 0.1), n, **STAGE_KW)) >= rank
    assert TRUST_STAGES.index(trust_stage(trust, n + 1, **STAGE_KW)) >= rank


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: beta_trust(-1.0, 0.0), "positive"),
        (lambda: beta_trust(0.0, float("nan")), "negative"),
        (lambda: beta_trust(float("inf"), 0.0), "positive"),
        (lambda: beta_trust_array(np.array([1.0, -1.0]), np.zeros(2)), "positive"),
        (lambda: beta_trust_array(np.zeros(2), np.array([np.nan, 0.0])), "negative"),
        (lambda: beta_trust_array(np.zeros(2), np.zeros(3)), "positive and negative"),
        (lambda: decay_evidence(1.0, 1.0, 1.0), "rate"),
        (lambda: decay_evidence(1.0, 1.0, -0.1), "rate"),
        (lambda: decay_evidence(1.0, 1.0, 0.1, -1), "steps"),
        (lambda: decay_evidence(np.array([1.0, np.nan]), 1.0, 0.1), "positive"),
        (
            lambda: update_evidence(
                1.0, 1.0, add_positive=-1.0, add_negative=0.0, rate=0.1, steps_elapsed=1
            ),
            "add_positive",
        ),
        (
            lambda: update_evidence(
                1.0, 1.0, add_positive=0.0, add_negative=0.0, rate=0.1, steps_elapsed=-2
            ),
            "steps_elapsed",
        ),
        (lambda: contract_strictness([0.5, 1.5]), "trusts"),
        (lambda: contract_strictness([np.nan]), "trusts"),
        (lambda: trust_stage(1.2, 1, **STAGE_KW), "trust"),
        (lambda: trust_stage(0.5, -1, **STAGE_KW), "n_projects"),
        (
            lambda: trust_stage(
                0.5,
                1,
                consolidation_trust=0.8,
                cooperation_trust=0.6,
                consolidation_projects=2,
                cooperation_projects=5,
            ),
            "cooperation_trust",
        ),
        (
            lambda: trust_stage(
                0.5,
                1,
                consolidation_trust=0.6,
                cooperation_trust=0.8,
                consolidation_projects=5,
                cooperation_projects=2,
            ),
            "cooperation_projects",
        ),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@settings(max_examples=200, deadline=None)
@given(
    trusts=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20),
    projects=st.lists(st.integers(0, 12), min_size=20, max_size=20),
)
def test_vectorised_stage_codes_match_scalar_classifier(trusts, projects):
    from abm.rules.trust import TRUST_STAGES, trust_stage, trust_stage_codes

    kw = dict(
        consolidation_trust=0.6,
        cooperation_trust=0.75,
        consolidation_projects=2,
        cooperation_projects=5,
    )
    n = projects[: len(trusts)]
    codes = trust_stage_codes(np.array(trusts), np.array(n), **kw)
    expected = [TRUST_STAGES.index(trust_stage(t, k, **kw)) for t, k in zip(trusts, n, strict=True)]
    assert codes.tolist() == expected


@st.composite
def stage_cases(draw, min_size: int):
    """Trusts, joint-project counts as long, and ordered stage thresholds (consolidation trust,
    cooperation trust, consolidation projects, cooperation projects), equal ones and trust on
    a threshold included."""
    trusts = draw(st.lists(st.floats(0.0, 1.0), min_size=min_size, max_size=20))
    projects = draw(st.lists(st.integers(0, 12), min_size=20, max_size=20))[: len(trusts)]
    t_lo, t_up = (
        draw(st.sampled_from([0.0, 0.5, 0.6, 0.75, 1.0])),
        draw(st.sampled_from([0.0, 0.25, 0.6, 0.75, 1.0])),
    )
    p_lo, p_up = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    limits = (min(t_lo, t_up), max(t_lo, t_up), min(p_lo, p_up), max(p_lo, p_up))
    return trusts, projects, limits


def _stage_kw(limits: tuple[float, float, int, int]) -> dict[str, float]:
    """The checked rules' keyword arguments for ordered ``limits``."""
    return dict(
        consolidation_trust=limits[0],
        cooperation_trust=limits[1],
        consolidation_projects=limits[2],
        cooperation_projects=limits[3],
    )


@given(stage_cases(min_size=0))
def test_unchecked_stage_codes_match_checked(case):
    """The network's unchecked codes equal trust_stage_codes' for ordered thresholds (equal
    ones and trust on a threshold included)."""
    from abm.rules.trust import trust_stage_codes, trust_stage_codes_unchecked

    trusts, projects, limits = case
    trust, n = np.array(trusts), np.array(projects, dtype=np.int64)
    expected = trust_stage_codes(trust, n, **_stage_kw(limits))
    codes = trust_stage_codes_unchecked(trust, n, np.array(limits[:2]), np.array(limits[2:]))
    assert codes.tolist() == expected.tolist()


@given(pairs=st.lists(st.tuples(evidence, evidence), min_size=1, max_size=20))
def test_unchecked_beta_trust_same_bits_on_floats_and_arrays(pairs):
    """The network updates a team's ties in plain floats and refreshes whole arrays with the
    same function: both must give the same bits (and the checked rule's value)."""
    from abm.rules.trust import beta_trust_unchecked

    r, s = np.array([p for p, _ in pairs]), np.array([n for _, n in pairs])
    floats = [beta_trust_unchecked(p, n) for p, n in pairs]
    assert beta_trust_unchecked(r, s).tolist() == floats
    assert floats == [beta_trust(p, n) for p, n in pairs]


@given(stage_cases(min_size=1))
def test_scalar_stage_code_matches_the_array_codes(case):
    """The network's per-tie stage code equals its vectorised one (and the checked rule's) for
    ordered thresholds, equal ones and trust on a threshold included."""
    from abm.rules.trust import trust_stage_code_unchecked, trust_stage_codes_unchecked

    trusts, n, limits = case
    codes = [trust_stage_code_unchecked(t, k, *limits) for t, k in zip(trusts, n, strict=True)]
    arrays = trust_stage_codes_unchecked(
        np.array(trusts), np.array(n), np.array(limits[:2]), np.array(limits[2:])
    )
    assert codes == arrays.tolist()
    assert [TRUST_STAGES[c] for c in codes] == [
        trust_stage(t, k, **_stage_kw(limits)) for t, k in zip(trusts, n, strict=True)
    ]


@pytest.mark.parametrize(
    ("thresholds", "field"),
    [((0.8, 0.6, 2, 5), "cooperation_trust=0.6"), ((0.6, 0.8, 5, 2), "cooperation_projects=2")],
)
def test_unordered_stage_thresholds_are_named_by_every_checker(thresholds, field):
    """One check serves the scalar rule, the array rule and the network: an unordered pair is
    named with its values, whichever asks."""
    from abm.rules.trust import check_stage_thresholds, trust_stage_codes

    lo_t, hi_t, lo_p, hi_p = thresholds
    kw = dict(
        consolidation_trust=lo_t,
        cooperation_trust=hi_t,
        consolidation_projects=lo_p,
        cooperation_projects=hi_p,
    )
    with pytest.raises(ValueError, match=field):
        check_stage_thresholds(lo_t, hi_t, lo_p, hi_p)
    with pytest.raises(ValueError, match=field):
        trust_stage(0.5, 1, **kw)
    with pytest.raises(ValueError, match=field):
        trust_stage_codes(np.array([0.5]), np.array([1]), **kw)
