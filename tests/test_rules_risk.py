"""Tests of abm.rules.risk: coverage, success probability, the success draw, loss splitting."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.rules import left_sum, member_sums, pairwise_sum, short_mean, subset_sums
from abm.rules.risk import (
    RESOURCE_DIMS,
    coverage,
    draw_success,
    draw_success_unchecked,
    split_loss,
    success_probability,
)

unit = st.floats(min_value=0.0, max_value=1.0)
nonneg = st.floats(min_value=0.0, max_value=1e6)


def test_resource_dims():
    assert RESOURCE_DIMS == ("funds", "equipment", "talent", "information")


def test_coverage_by_hand():
    # funds 5/10 = 0.5; equipment not needed → 1; talent 3/2 capped at 1; information 2/8 = 0.25
    np.testing.assert_allclose(coverage([5, 0, 3, 2], [10, 0, 2, 8]), [0.5, 1.0, 1.0, 0.25])


def test_success_probability_by_hand():
    # Π κ^w = 1^1 · 0.25^0.5 · 0.81^0.5 · 1^1 = 0.5 · 0.9 = 0.45
    # capability term 0.5 + 0.5·0.6 = 0.8; trust term 1 + 0.4·0.5 = 1.2; technology 1
    # p = 0.8 · 0.45 · 0.8 · 1.2 · 1 = 0.3456
    p = success_probability(0.8, [1.0, 0.25, 0.81, 1.0], [1.0, 0.5, 0.5, 1.0], 0.6, 0.5, 0.4, 1.0)
    assert math.isclose(p, 0.3456)


def test_success_probability_clips_and_ignores_zero_weight_dims():
    # 1 · 1 · 1 · (1 + 1·1) · 1.5 = 3 → clipped to 1
    assert success_probability(1.0, [1.0] * 4, [1.0] * 4, 1.0, 1.0, 1.0, 1.5) == 1.0
    # a missing dimension with weight 0 does not matter (0**0 = 1) …
    assert success_probability(0.5, [0.0, 1.0], [0.0, 1.0], 1.0, 0.0, 0.0, 1.0) == 0.5
    # … and with positive weight sinks the project
    assert success_probability(0.5, [0.0, 1.0], [1.0, 1.0], 1.0, 0.0, 0.0, 1.0) == 0.0


def test_draw_success_certain_outcomes():
    rng = np.random.default_rng(0)
    assert all(draw_success(1.0, 0.0, rng) == (True, 1.0) for _ in range(50))
    assert all(draw_success(0.0, 0.0, rng) == (False, 0.0) for _ in range(50))


@pytest.mark.parametrize("spread", [0.0, 0.2])
def test_draw_success_consumes_exactly_a_normal_then_a_uniform(spread):
    rng, twin = np.random.default_rng(42), np.random.default_rng(42)
    success, p_real = draw_success(0.4, spread, rng)
    z, u = twin.standard_normal(), twin.random()
    assert p_real == min(1.0, max(0.0, 0.4 + spread * z))
    assert success == (u < p_real)
    assert rng.random() == twin.random()  # streams still aligned afterwards


def test_draw_success_frequency_matches_p():
    # 4000 Bernoulli(0.3) draws: sd = √(0.3·0.7/4000) ≈ 0.0072; allow 5 sd = 0.036
    rng = np.random.default_rng(1)
    hits = sum(draw_success(0.3, 0.0, rng)[0] for _ in range(4000))
    assert abs(hits / 4000 - 0.3) < 0.036


def test_split_loss_by_hand():
    # by commitment 1:2:6 of 90 → (10, 20, 60); by risk shares (0.5, 0.3, 0.2) of 10 → (5, 3, 2)
    np.testing.assert_allclose(split_loss(90.0, commitments=[1, 2, 6]), [10.0, 20.0, 60.0])
    np.testing.assert_allclose(split_loss(10.0, risk_shares=[0.5, 0.3, 0.2]), [5.0, 3.0, 2.0])
    np.testing.assert_allclose(split_loss(9.0, commitments=[0, 0, 0]), [3.0, 3.0, 3.0])


# --------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(
    unit,
    st.lists(st.tuples(unit, st.floats(0.0, 3.0)), min_size=1, max_size=4),
    unit,
    unit,
    st.floats(0.0, 5.0),
    st.floats(0.0, 3.0),
)
def test_success_probability_in_unit_interval(base, dims, cap, trust, synergy, tech):
    kappa = [d[0] for d in dims]
    weights = [d[1] for d in dims]
    p = success_probability(base, kappa, weights, cap, trust, synergy, tech)
    assert 0.0 <= p <= 1.0


@settings(max_examples=100, deadline=None)
@given(unit, st.floats(0.0, 2.0), st.integers(0, 2**32 - 1))
def test_draw_success_realised_probability_in_unit_interval(p, spread, seed):
    success, p_real = draw_success(p, spread, np.random.default_rng(seed))
    assert 0.0 <= p_real <= 1.0
    assert isinstance(success, bool)


@settings(max_examples=300, deadline=None)
@given(unit, st.floats(0.0, 3.0), st.integers(0, 2**32 - 1))
def test_draw_success_unchecked_is_the_checked_rule_bit_for_bit(p, spread, seed):
    # The model's twin against the checked rule and against the formula written with
    # min/max on a third generator (spreads up to 3 push p + spread·z beyond both bounds).
    ours, checked, twin = (np.random.default_rng(seed) for _ in range(3))
    got = draw_success_unchecked(p, spread, ours)
    assert got == draw_success(p, spread, checked)
    z, u = twin.standard_normal(), twin.random()
    p_real = min(1.0, max(0.0, p + spread * z))
    assert got == (u < p_real, p_real)
    assert ours.random() == checked.random() == twin.random()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(nonneg, nonneg), min_size=1, max_size=8))
def test_coverage_in_unit_interval(pairs):
    kappa = coverage([p[0] for p in pairs], [p[1] for p in pairs])
    assert np.all((kappa >= 0.0) & (kappa <= 1.0))


@settings(max_examples=100, deadline=None)
@given(nonneg, st.lists(st.floats(0.0, 1e3), min_size=1, max_size=10))
def test_split_loss_sums_to_loss(loss, weights):
    by_commitment = split_loss(loss, commitments=weights)
    assert math.isclose(by_commitment.sum(), loss, rel_tol=1e-9, abs_tol=1e-6)
    w = np.asarray(weights) + 1e-3
    by_shares = split_loss(loss, risk_shares=w / w.sum())
    assert math.isclose(by_shares.sum(), loss, rel_tol=1e-9, abs_tol=1e-6)
    assert np.all(by_commitment >= 0) and np.all(by_shares >= 0)


# --------------------------------------------------------------------------- bad inputs

GOOD = dict(
    base=0.5,
    kappa=[1.0, 1.0],
    weights=[1.0, 1.0],
    mean_capability=0.5,
    mean_trust=0.5,
    synergy=0.2,
    technology=1.0,
)


@pytest.mark.parametrize(
    ("override", "name"),
    [
        ({"base": float("nan")}, "base"),
        ({"base": 1.5}, "base"),
        ({"kappa": [1.0, float("nan")]}, "kappa"),
        ({"kappa": [1.0, 1.2]}, "kappa"),
        ({"kappa": [1.0]}, "kappa and weights"),
        ({"weights": [1.0, -0.5]}, "weights"),
        ({"mean_capability": -0.1}, "mean_capability"),
        ({"mean_trust": float("nan")}, "mean_trust"),
        ({"synergy": -1.0}, "synergy"),
        ({"technology": float("inf")}, "technology"),
    ],
)
def test_success_probability_bad_inputs(override, name):
    with pytest.raises(ValueError, match=name):
        success_probability(**(GOOD | override))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: coverage([1.0, -1.0], [1.0, 1.0]), "committed"),
        (lambda: coverage([1.0, 1.0], [1.0, float("nan")]), "required"),
        (lambda: coverage([1.0, 1.0, 1.0], [1.0, 1.0]), "committed and required"),
        (lambda: draw_success(1.2, 0.1, np.random.default_rng(0)), "p"),
        (lambda: draw_success(0.5, -0.1, np.random.default_rng(0)), "spread"),
        (lambda: split_loss(-1.0, commitments=[1.0]), "loss"),
        (lambda: split_loss(1.0), "exactly one"),
        (lambda: split_loss(1.0, commitments=[1.0], risk_shares=[1.0]), "exactly one"),
        (lambda: split_loss(1.0, risk_shares=[0.5, 0.4]), "risk_shares"),
        (lambda: split_loss(1.0, risk_shares=[1.5, -0.5]), "risk_shares"),
        (lambda: split_loss(1.0, commitments=[1.0, -2.0]), "commitments"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- The model's fast paths must agree with the checked rules --------------------------------
_unit = st.floats(0.0, 1.0, allow_nan=False)
_pos = st.floats(0.0, 50.0, allow_nan=False)


# Each checked rule validates its inputs and calls its plain-float *_unchecked twin, which the
# model's loop calls directly; a run's reporters must not change, so the numbers must be those
# of the numpy formulas the rules had before (compared as bits: -0.0 != 0.0). Those formulas
# are kept here as independent oracles.


def _bits(values) -> bytes:
    return np.asarray(values, dtype=float).tobytes()


def _oracle_coverage(committed, required):
    """Pre-refactor numpy formula of coverage, kept as an independent oracle."""
    c = np.asarray(committed, dtype=float)
    r = np.asarray(required, dtype=float)
    with np.errstate(over="ignore"):
        ratio = np.divide(c, r, out=np.ones_like(r), where=r > 0.0)
    return np.minimum(ratio, 1.0)


def _oracle_success_probability(base, kappa, weights, cap, trust, synergy, technology):
    """Pre-refactor numpy formula of success_probability, kept as an independent oracle, with
    one change made on purpose since: kappa ** weights by the C library's pow (Python's
    math.pow), not numpy's (which differs in the last bit on AVX-512 machines)."""
    powers = np.array([math.pow(k, w) for k, w in zip(kappa, weights, strict=True)])
    p = base * float(np.prod(powers)) * (0.5 + 0.5 * cap) * (1.0 + synergy * trust) * technology
    return min(1.0, max(0.0, p))


def _oracle_split_loss_by_shares(loss, risk_shares):
    """Pre-refactor numpy formula of split_loss by risk shares, kept as an independent oracle."""
    r = np.asarray(risk_shares, dtype=float)
    return loss * (r / float(r.sum()))


_edge = st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1.0, 0.5, 1e300])
_nonneg_wide = st.one_of(_edge, st.floats(0.0, 1e300), st.floats(0.0, 50.0))


def _vectors(elements, min_size=1, max_size=300):
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.lists(elements, min_size=n, max_size=n)
    )


@settings(max_examples=200, deadline=None)
@given(_vectors(st.tuples(_nonneg_wide, _nonneg_wide)))
def test_coverage_is_the_numpy_formula_bit_for_bit(pairs):
    from abm.rules.risk import coverage_unchecked

    committed = [c for c, _ in pairs]
    required = [r for _, r in pairs]
    want = _oracle_coverage(committed, required)
    got = coverage(committed, required)
    assert got.dtype == np.float64
    assert _bits(got) == _bits(want)
    assert _bits(coverage_unchecked(committed, required)) == _bits(want)


_mixed = st.one_of(_edge, st.floats(-50.0, 50.0), st.floats(0.0, 1e300))


@settings(max_examples=300, deadline=None)
@given(_vectors(st.tuples(_mixed, _mixed, _nonneg_wide)))
def test_coverage_with_extra_is_the_coverage_of_the_sums_bit_for_bit(triples):
    """``extra`` (a candidate's offer in partner search) gives the coverage of the sums taken
    first, as the model computed before (a list of ``c + e``, then the rule), against the
    numpy oracle; -0.0 in either part included."""
    from abm.rules.risk import coverage_unchecked

    committed = [c for c, _, _ in triples]
    extra = [e for _, e, _ in triples]
    required = [r for _, _, r in triples]
    sums = [c + e for c, e in zip(committed, extra, strict=True)]
    want = _oracle_coverage(sums, required)
    assert _bits(coverage_unchecked(committed, required, extra)) == _bits(want)
    assert _bits(coverage_unchecked(sums, required)) == _bits(want)


def test_coverage_with_extra_by_hand():
    from abm.rules.risk import coverage_unchecked

    # (1 + 0.5) / 3 = 0.5; 2 + 2 = 4 > 2 → 1; -0.0 + -0.0 = -0.0 stays -0.0; 0.0 + -0.0 = 0.0;
    # a required -0.0 is not positive → covered.
    committed, extra = [1.0, 2.0, -0.0, 0.0, 7.0], [0.5, 2.0, -0.0, -0.0, 1.0]
    got = coverage_unchecked(committed, [3.0, 2.0, 4.0, 4.0, -0.0], extra)
    assert _bits(got) == _bits([0.5, 1.0, -0.0, 0.0, 1.0])


def test_coverage_edges_by_hand():
    # 1e300 / 1e-300 overflows to inf → covered (1); -0.0 committed stays -0.0; required -0.0
    # is not positive → covered.
    assert _bits(coverage([1e300, -0.0, 2.0], [1e-300, 4.0, -0.0])) == _bits([1.0, -0.0, 1.0])


@settings(max_examples=200, deadline=None)
@given(
    base=_unit,
    # mostly 1 to 8 dimensions with positive coverage: a product of many powers underflows to 0
    dims=_vectors(
        st.tuples(
            st.one_of(st.floats(0.2, 1.0), st.just(1.0), st.just(0.0)),
            st.one_of(st.floats(0.0, 3.0), st.just(0.0)),
        ),
        max_size=8,
    ),
    cap=_unit,
    trust=_unit,
    synergy=st.floats(0.0, 5.0),
    tech=st.floats(0.0, 3.0),
)
def test_success_probability_is_the_numpy_formula_bit_for_bit(
    base, dims, cap, trust, synergy, tech
):
    from abm.rules.risk import expected_success_unchecked

    kappa = [k for k, _ in dims]
    weights = [w for _, w in dims]
    want = _oracle_success_probability(base, kappa, weights, cap, trust, synergy, tech)
    got = success_probability(base, kappa, weights, cap, trust, synergy, tech)
    assert type(got) is float
    assert _bits(got) == _bits(want)
    fast = expected_success_unchecked(base, kappa, weights, cap, trust, synergy, tech)
    assert _bits(fast) == _bits(want)


@settings(max_examples=300, deadline=None)
@given(
    base=_unit,
    # commitments and offers are never negative: a negative coverage has no real power
    dims=_vectors(
        st.tuples(_nonneg_wide, _nonneg_wide, _nonneg_wide, st.floats(0.0, 3.0)), max_size=8
    ),
    cap=_unit,
    tech=st.floats(0.0, 3.0),
)
def test_joined_success_is_the_success_of_the_coverage_with_extra_bit_for_bit(
    base, dims, cap, tech
):
    """The fused rule partner search calls per candidate gives the floats of the two rules it
    fuses (coverage with ``extra``, then the success probability with no trust synergy) and
    of the numpy oracles; a mismatch would change every run's partner choices."""
    from abm.rules.risk import (
        coverage_unchecked,
        expected_success_unchecked,
        joined_success_unchecked,
    )

    committed, extra, required, weights = (list(col) for col in zip(*dims, strict=True))
    kappa = coverage_unchecked(committed, required, extra)
    want = expected_success_unchecked(base, kappa, weights, cap, 0.0, 1.0, tech)
    sums = [c + e for c, e in zip(committed, extra, strict=True)]
    oracle = _oracle_success_probability(
        base, _oracle_coverage(sums, required), weights, cap, 0.0, 1.0, tech
    )
    got = joined_success_unchecked(committed, extra, required, weights, base, cap, tech)
    assert _bits(got) == _bits(want) == _bits(oracle)


def test_coverage_index_by_hand():
    """Π κ_d ** w_d (hand calculation): 1 ** 0.7 · 0.25 ** 0.5 · 0.81 ** 0.5 · 0 ** 0 =
    1 · 0.5 · 0.9 · 1 = 0.45; a need with κ = 0 and weight > 0 gives 0; no needs give 1."""
    from abm.rules.risk import coverage_index_unchecked

    assert coverage_index_unchecked([1.0, 0.25, 0.81, 0.0], [0.7, 0.5, 0.5, 0.0]) == pytest.approx(
        0.45, abs=1e-15
    )
    assert coverage_index_unchecked([0.0, 1.0], [0.3, 0.7]) == 0.0
    assert coverage_index_unchecked([], []) == 1.0
    with pytest.raises(ValueError):  # lengths must match
        coverage_index_unchecked([1.0, 0.5], [1.0])


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(_nonneg_wide, st.floats(0.0, 1e300)),
    _vectors(st.floats(1e-6, 1.0)),
    st.floats(-5e-10, 5e-10),
)
def test_split_loss_is_the_numpy_formula_bit_for_bit(loss, raw, slack):
    from abm.rules.risk import split_loss_unchecked

    # sum to 1 up to the tolerated rounding, so that the renormalisation matters
    shares = (np.array(raw) / np.sum(raw) * (1.0 + slack)).tolist()
    want = _oracle_split_loss_by_shares(loss, shares)
    assert _bits(split_loss(loss, risk_shares=shares)) == _bits(want)
    assert _bits(split_loss_unchecked(loss, shares)) == _bits(want)
    # by commitment: the proportional split (its numpy oracle is in test_rules_sharing.py)
    c_sum = float(np.sum(raw))
    assert _bits(split_loss(loss, commitments=raw)) == _bits(loss * (np.array(raw) / c_sum))


def test_split_loss_unchecked_by_hand():
    from abm.rules.risk import split_loss_unchecked

    # shares (0.5, 0.3, 0.2) of 10 → (5, 3, 2); shares summing to 2 are renormalised
    assert split_loss_unchecked(10.0, [0.5, 0.3, 0.2]) == [5.0, 3.0, 2.0]
    assert split_loss_unchecked(10.0, [1.0, 0.6, 0.4]) == [5.0, 3.0, 2.0]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.lists(_unit, min_size=3, max_size=3), _unit, _unit), min_size=1, max_size=8
    ),
    raw_w=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3),
    base=_unit,
)
def test_batched_success_equals_one_at_a_time(rows, raw_w, base):
    from abm.rules.risk import success_probabilities

    kappa = np.array([r[0] for r in rows])
    caps = np.array([r[1] for r in rows])
    trusts = np.array([r[2] for r in rows])
    batch = success_probabilities(base, kappa, raw_w, caps, trusts, 0.3, 1.1)
    single = [
        success_probability(base, k, raw_w, c, t, 0.3, 1.1)
        for k, c, t in zip(kappa, caps, trusts, strict=True)
    ]
    # Exactly equal: both raise to the weights with the C library's pow (numpy's own power
    # differs from it in the last bit on AVX-512 machines) and multiply in the same order.
    assert batch.tolist() == single


def test_portable_pow_is_pythons_float_power():
    from abm.rules.risk import _pow

    rng = np.random.default_rng(11)
    base, exponent = rng.uniform(0.0, 1.0, (50, 4)), rng.uniform(0.0, 1.0, 4)
    expected = [
        [b**e for b, e in zip(row, exponent.tolist(), strict=True)] for row in base.tolist()
    ]
    assert _pow(base, exponent).tolist() == expected
    assert _pow(np.array([[0.0, 0.0]]), np.array([0.0, 0.5])).tolist() == [[1.0, 0.0]]  # 0**0 = 1


def test_batched_success_rejects_mismatched_rows():
    from abm.rules.risk import success_probabilities

    with pytest.raises(ValueError, match="one entry per team"):
        success_probabilities(0.5, np.ones((2, 4)), np.ones(4) / 4, [0.5], [0.5, 0.5], 0.2, 1.0)
    with pytest.raises(ValueError, match="kappa"):
        success_probabilities(0.5, np.full((1, 4), 1.5), np.ones(4) / 4, [0.5], [0.5], 0.2, 1.0)


def test_left_sum_rounds_left_to_right_by_hand():
    # 1e16 + 1 rounds back to 1e16 (the spacing of doubles there is 2), then − 1e16 → 0.
    # Python's built-in sum compensates since 3.12 and would give 1.0.
    assert left_sum([1e16, 1.0, -1e16]) == 0.0
    assert left_sum([]) == 0.0
    assert left_sum([0.5, 0.25]) == 0.75


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=7,
    )
)
def test_left_sum_equals_numpy_sum_of_short_vectors(xs):
    # The model replaced numpy sums of 4-vectors by left_sum and relies on identical rounding
    # (the reporter hashes of a run must not change); numpy is the independent reference.
    assert left_sum(xs) == float(np.sum(np.array(xs)))


def test_member_sums_by_hand():
    masks = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    rows = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
    assert member_sums(masks, rows).tolist() == [[5.0, 50.0], [6.0, 60.0], [7.0, 70.0]]
    # Member by member, in order: (1e16 + 1) rounds to 1e16, then − 1e16 gives 0.
    assert member_sums(np.ones((1, 3)), np.array([[1e16], [1.0], [-1e16]])).tolist() == [[0.0]]


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 6),
    width=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_member_sums_is_the_coalition_matrix_product(n, width, seed):
    # The model's Shapley values use it instead of masks @ rows (BLAS adds in a CPU-dependent
    # order); the matrix product is the independent reference, up to rounding, and each entry
    # is exactly the members' values added left to right.
    rng = np.random.default_rng(seed)
    masks = rng.integers(0, 2, (2**n, n)).astype(float)
    rows = rng.uniform(-10.0, 10.0, (n, width))
    got = member_sums(masks, rows)
    np.testing.assert_allclose(got, masks @ rows, rtol=1e-12, atol=1e-12)
    for c in range(masks.shape[0]):
        for k in range(width):
            terms = [rows[i, k] for i in range(n) if masks[c, i]]
            assert got[c, k] == left_sum(terms)


def test_short_mean_by_hand():
    assert short_mean([0.5]) == 0.5
    assert short_mean([0.25, 0.75, 0.5]) == 0.5
    # Left to right: (1e16 + 1) rounds to 1e16, minus 1e16 is 0, over 3 values: 0.
    assert short_mean([1e16, 1.0, -1e16]) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=20,
    )
)
def test_short_mean_equals_numpy_mean(xs):
    # Per-team means in the model's execution phase use it; numpy's mean is the independent
    # reference on both sides of its switch to pairwise summation at 8 values.
    assert short_mean(xs) == float(np.mean(np.array(xs)))


def test_pairwise_sum_by_hand():
    # Below 8 values, left to right: (1e16 + 1) rounds to 1e16, minus 1e16 gives 0.
    assert pairwise_sum([1e16, 1.0, -1e16]) == 0.0
    # From 8 on, 8 partial sums combined as a tree, ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)):
    # ±1e16 cancel before the 1 meets them, so it stays (left to right it would be lost).
    assert pairwise_sum([1.0, 0.0, 0.0, 0.0, 1e16, -1e16, 0.0, 0.0]) == 1.0
    assert left_sum([1.0, 0.0, 0.0, 0.0, 1e16, -1e16, 0.0, 0.0]) == 0.0
    assert pairwise_sum([]) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
        max_size=300,
    )
)
def test_pairwise_sum_equals_numpy_sum(xs):
    # numpy is the independent reference: the model's Shapley values must not change a bit.
    assert pairwise_sum(xs) == float(np.sum(np.array(xs, dtype=float)))


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 40), seed=st.integers(0, 2**32 - 1))
def test_pairwise_sum_of_a_row_equals_numpys_row_sum(n, seed):
    # Pooling sums each row of a team's trust matrix by pairwise_sum instead of
    # ``tmat.sum(axis=1)``: numpy (the reference) must give the same numbers for every row.
    rng = np.random.default_rng(seed)
    rows = (rng.random((n, n)) * 10.0 ** rng.integers(-6, 7, (n, n))).tolist()
    assert [pairwise_sum(r) for r in rows] == np.array(rows).sum(axis=1).tolist()


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 7), width=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_subset_sums_equal_member_sums_bit_for_bit(n, width, seed):
    rng = np.random.default_rng(seed)
    rows = rng.uniform(-10.0, 10.0, (n, width)) * 10.0 ** rng.integers(-6, 7, (n, width))
    codes = np.arange(1, 2**n)
    masks = ((codes[:, None] >> np.arange(n)) & 1).astype(float)
    got = subset_sums(rows.tolist())
    assert got[0] == [0.0] * width
    assert np.array(got[1:]).tobytes() == member_sums(masks, rows).tobytes()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 9), seed=st.integers(0, 2**32 - 1))
def test_coalition_successes_equal_the_vectorised_formula_bit_for_bit(n, seed):
    # The model's v(S) / V computed with numpy for all coalitions at once (the formula of
    # InnovationModel.marginal_values for large teams) is the reference; n up to 9 covers
    # numpy's pairwise row sum of the trust columns (8 columns and more).
    from abm.rules.risk import coalition_successes_unchecked, success_probabilities

    rng = np.random.default_rng(seed)
    required = rng.uniform(0.1, 3.0, 4) * (rng.random(4) < 0.8)
    required[0] += 0.5  # something is required
    external = rng.uniform(0.0, 0.5, 4) * (rng.random(4) < 0.3)
    external[required == 0.0] = 0.3  # numpy's x / 0 is then inf (covered), not NaN
    delivered = rng.uniform(0.0, 1.5, (n, 4)) * (rng.random((n, 4)) < 0.7)
    trust = rng.random((n, n))
    np.fill_diagonal(trust, 0.0)
    caps = rng.random(n)
    weights = required / required.sum()
    base, synergy, tech = rng.random(), rng.uniform(0.0, 2.0), rng.uniform(0.5, 3.0)

    codes = np.arange(1, 2**n)
    masks = ((codes[:, None] >> np.arange(n)) & 1).astype(float)
    rows = np.column_stack([delivered, trust, caps])
    sizes = masks.sum(axis=1)
    sums = member_sums(masks, rows)
    with np.errstate(divide="ignore"):
        kappa = np.minimum((sums[:, :4] + external) / required, 1.0)
    inner = (sums[:, 4 : 4 + n] * masks).sum(axis=1)
    mt = np.where(sizes > 1, inner / np.maximum(sizes * (sizes - 1), 1), 0.0)
    want = success_probabilities(base, kappa, weights, sums[:, -1] / sizes, mt, synergy, tech)

    got = coalition_successes_unchecked(
        base,
        delivered.tolist(),
        trust.tolist(),
        caps.tolist(),
        external.tolist(),
        required.tolist(),
        weights.tolist(),
        synergy,
        tech,
    )
    assert np.array(got).tobytes() == want.tobytes()


def test_coalition_plan_by_hand():
    # Per coalition: its members' trust columns in a row of d = 4 resources (4 + j), its size
    # and its ordered pairs; every coalition of 2 members by bitmask: {0}, {1}, {0, 1}.
    from abm.rules.risk import _all_coalitions_plan, _coalition_plan

    want = (((4,), 1, 0), ((5,), 1, 0), ((4, 5), 2, 2))
    assert _all_coalitions_plan(2, 4) == want
    assert _coalition_plan(((0, 2, 3),), 4) == (((4, 6, 7), 3, 6),)
    assert len(_all_coalitions_plan(5, 4)) == 31
    assert _all_coalitions_plan(3, 2)[-1] == ((2, 3, 4), 3, 6)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 10), seed=st.integers(0, 2**32 - 1))
def test_coalition_successes_of_given_coalitions_equal_the_whole_table(n, seed):
    # The model's sampled Shapley values ask for single coalitions; each must be exactly the
    # whole table's entry (itself equal to the vectorised formula, tested above).
    from abm.rules.risk import coalition_successes_unchecked

    rng = np.random.default_rng(seed)
    required = rng.uniform(0.1, 3.0, 4)
    args = (
        rng.random(),
        rng.uniform(0.0, 1.5, (n, 4)).tolist(),
        (rng.random((n, n)) * (1.0 - np.eye(n))).tolist(),
        rng.random(n).tolist(),
        rng.uniform(0.0, 0.5, 4).tolist(),
        required.tolist(),
        (required / required.sum()).tolist(),
        rng.uniform(0.0, 2.0),
        rng.uniform(0.5, 3.0),
    )
    table = coalition_successes_unchecked(*args)
    masks = rng.integers(1, 2**n, 5).tolist()
    teams = [tuple(i for i in range(n) if (m >> i) & 1) for m in masks]
    got = coalition_successes_unchecked(*args, coalitions=teams)
    assert np.array(got).tobytes() == np.array([table[m - 1] for m in masks]).tobytes()


@settings(max_examples=100, deadline=None)
@given(m=st.integers(0, 40), seed=st.integers(0, 2**32 - 1))
def test_success_probabilities_unchecked_equals_the_full_power_formula(m, seed):
    # It raises kappa ** w only where the result can differ from 1 (kappa != 1, w != 0); the
    # product with every entry raised, as before, is the reference, bit for bit.
    from abm.rules.risk import _pow, success_probabilities_unchecked

    rng = np.random.default_rng(seed)
    kappa = rng.random((m, 4))
    kappa[rng.random((m, 4)) < 0.4] = 1.0  # fully covered
    kappa[rng.random((m, 4)) < 0.1] = 0.0  # nothing delivered
    weights = rng.random(4) * (rng.random(4) < 0.8)  # some zero weights
    cap, trust = rng.random(m), rng.random(m)
    want = np.clip(
        0.7 * np.prod(_pow(kappa, weights), axis=1) * (0.5 + 0.5 * cap) * (1.0 + 0.4 * trust) * 1.3,
        0.0,
        1.0,
    )
    got = success_probabilities_unchecked(0.7, kappa, weights, cap, trust, 0.4, 1.3)
    assert got.tobytes() == want.tobytes()
