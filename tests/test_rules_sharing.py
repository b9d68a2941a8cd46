"""Tests of abm.rules.sharing: hand calculations, Shapley axioms, efficiency, bad inputs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from abm.rules.sharing import (
    MAX_EXACT_SHAPLEY_PLAYERS,
    SHARING_RULES,
    equal_split,
    limited_liability,
    limited_liability_unchecked,
    nash_split,
    nash_split_unchecked,
    perceived_fairness,
    perceived_fairness_unchecked,
    proportional_split,
    proportional_split_unchecked,
    risk_adjusted_shapley,
    risk_adjusted_shapley_unchecked,
    shapley,
    shapley_from_table,
    shapley_from_table_unchecked,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
nonneg = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)


def glove(S: frozenset[int]) -> float:
    """Glove game: players 0 and 1 hold a left glove, player 2 a right one; a pair is worth 1."""
    return float(min(len(S & {0, 1}), len(S & {2})))


# --------------------------------------------------------------------------- hand cases


def test_sharing_rules_names():
    assert SHARING_RULES == ("equal", "proportional", "shapley", "risk_shapley", "nash")


def test_equal_split_by_hand():
    np.testing.assert_allclose(equal_split(9.0, 3), [3.0, 3.0, 3.0])
    np.testing.assert_allclose(equal_split(-6.0, 4), [-1.5] * 4)  # a loss splits the same way


def test_proportional_split_by_hand():
    # 12 split 1:2:3 → 12·(1/6, 2/6, 3/6) = (2, 4, 6)
    np.testing.assert_allclose(proportional_split(12.0, [1, 2, 3]), [2.0, 4.0, 6.0])


def test_proportional_split_all_zero_falls_back_to_equal():
    out = proportional_split(12.0, [0, 0, 0])
    assert not np.any(np.isnan(out))
    np.testing.assert_allclose(out, [4.0, 4.0, 4.0])


def test_glove_game_exact():
    # The 3! = 6 orders and player 2's marginal contribution in each:
    #   012: 1   021: 1   102: 1   120: 1   201: 0   210: 0   → φ2 = 4/6 = 2/3
    # Player 0 contributes 1 only when it joins right after 2 alone is in (orders 201), once in
    # 6 orders → φ0 = 1/6; by symmetry φ1 = 1/6. Sum 1/6 + 1/6 + 2/3 = 1 = v(N).
    np.testing.assert_allclose(shapley(glove, 3), [1 / 6, 1 / 6, 2 / 3], atol=1e-12)


def test_two_player_game_exact():
    # v({0}) = 1, v({1}) = 2, v({0,1}) = 6. Orders 01 and 10:
    #   φ0 = (v(0) + (v(01) − v(1))) / 2 = (1 + 4) / 2 = 2.5
    #   φ1 = (v(1) + (v(01) − v(0))) / 2 = (2 + 5) / 2 = 3.5
    table = {frozenset({0}): 1.0, frozenset({1}): 2.0, frozenset({0, 1}): 6.0}
    np.testing.assert_allclose(shapley(table.__getitem__, 2), [2.5, 3.5], atol=1e-12)


def test_single_player_gets_grand_value():
    assert shapley(lambda S: 7.0, 1).tolist() == [7.0]


def test_exact_shapley_evaluates_each_coalition_once_and_never_the_empty_one():
    calls: list[frozenset[int]] = []

    def v(S: frozenset[int]) -> float:
        calls.append(S)
        return float(len(S) ** 2)

    shapley(v, 5)
    assert len(calls) == 2**5 - 1
    assert len(set(calls)) == len(calls)
    assert frozenset() not in calls


def test_shapley_from_table_glove_game_by_hand():
    # The glove game as a table by bitmask (player i is bit 1 << i): a pair needs player 2
    # (bit 4) and one of players 0, 1. Same hand values as test_glove_game_exact.
    table = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]  # masks 0..7
    np.testing.assert_allclose(shapley_from_table(table, 3), [1 / 6, 1 / 6, 2 / 3], atol=1e-12)


def test_shapley_from_table_two_players_by_hand():
    # v(0) = 1, v(1) = 2, v(01) = 6 → φ = (2.5, 3.5), as in test_two_player_game_exact
    np.testing.assert_allclose(shapley_from_table([0.0, 1.0, 2.0, 6.0], 2), [2.5, 3.5])


@pytest.mark.parametrize(
    ("table", "n", "words"),
    [
        ([0.0, 1.0, 2.0], 2, ["2**n = 4", "(3,)"]),
        ([1.0, 1.0, 2.0, 6.0], 2, ["values[0]", "must be 0"]),
        ([0.0, 1.0, float("nan"), 6.0], 2, ["finite", "S=[1]"]),
        ([0.0] * 4, 0, ["n must be >= 1"]),
    ],
)
def test_shapley_from_table_rejects_bad_tables(table, n, words):
    with pytest.raises(ValueError) as err:
        shapley_from_table(table, n)
    for w in words:
        assert w in str(err.value)


def test_shapley_from_table_rejects_games_too_large_to_enumerate():
    n = MAX_EXACT_SHAPLEY_PLAYERS + 1
    with pytest.raises(ValueError, match="too many"):
        shapley_from_table(np.zeros(2), n)


@settings(max_examples=50, deadline=None)
@given(st.lists(nonneg, min_size=7, max_size=7))
def test_shapley_from_table_agrees_with_shapley_on_the_same_game(values):
    # Independent path: shapley() calls v(S) per coalition; the table path reads the same
    # numbers by bitmask. Both must give the same value for every 3-player game.
    table = np.array([0.0, *values])

    def v(S: frozenset[int]) -> float:
        return float(table[sum(1 << i for i in S)])

    np.testing.assert_allclose(shapley_from_table(table, 3), shapley(v, 3), rtol=1e-12, atol=1e-9)
    assert math.isclose(shapley_from_table(table, 3).sum(), table[7], rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_shapley_from_table_unchecked_equals_the_checked_one_bit_for_bit(n, seed):
    # The model uses the plain-float version for small teams; the reporters of a run must not
    # change, so it must round exactly as the numpy version (n >= 4: pairwise sums of 8+ terms).
    rng = np.random.default_rng(seed)
    table = rng.uniform(-10.0, 10.0, 2**n) * 10.0 ** rng.integers(-6, 7, 2**n)
    table[0] = 0.0
    want = shapley_from_table(table, n)
    got = shapley_from_table_unchecked(table.tolist(), n)
    assert np.array(got).tobytes() == want.tobytes()


def test_nash_split_by_hand():
    # total 10, d = (1, 2, 3) → surplus 10 − 6 = 4; weights (1, 1, 2) → (1/4, 1/4, 1/2)
    # x = (1 + 1, 2 + 1, 3 + 2) = (2, 3, 5)
    np.testing.assert_allclose(nash_split(10.0, [1, 2, 3], [1, 1, 2]), [2.0, 3.0, 5.0])
    # equal weights: surplus 4 / 2 each → (1 + 2, 1 + 2)
    np.testing.assert_allclose(nash_split(6.0, [1, 1]), [3.0, 3.0])


def test_nash_split_tolerates_rounding_in_the_sum_of_outside_options():
    # Found by hypothesis: Python's left-to-right sum and numpy's pairwise sum differ by one ulp,
    # so total = sum(d) looked smaller than Σ d and was rejected.
    d = [1.0, 131071.00000000109, 393216.0]
    out = nash_split(sum(d), d)
    assert math.isclose(out.sum(), sum(d))


def test_risk_adjusted_shapley_by_hand():
    # φ = (2.5, 3.5) from the two-player game, v(N) = 6, R = (0.7, 0.3), 1/n = 0.5:
    #   φ'0 = 2.5 + (0.7 − 0.5)·6 = 3.7;   φ'1 = 3.5 + (0.3 − 0.5)·6 = 2.3
    np.testing.assert_allclose(risk_adjusted_shapley([2.5, 3.5], [0.7, 0.3], 6.0), [3.7, 2.3])


def test_risk_adjusted_shapley_equal_risk_is_plain_shapley():
    np.testing.assert_allclose(
        risk_adjusted_shapley([1.0, 2.0, 3.0], [1 / 3, 1 / 3, 1 / 3], 6.0), [1.0, 2.0, 3.0]
    )


def test_limited_liability_by_hand():
    # [3, -1, 2]: total 4; the positive parts 3 and 2 (sum 5) scaled by 4/5.
    np.testing.assert_allclose(limited_liability([3.0, -1.0, 2.0]), [2.4, 0.0, 1.6])
    # No negative value: returned as it is (same numbers, bit for bit).
    v = np.array([0.1, 0.7, 0.2])
    assert limited_liability(v).tolist() == v.tolist()
    with pytest.raises(ValueError, match=r"values.*total"):
        limited_liability([1.0, -2.0])
    # A total that overflows to inf cannot be shared out (the split would be inf · 0 = NaN).
    with pytest.raises(ValueError, match="total must be finite"):
        limited_liability([1e308, 1e308, -1.0])


def test_perceived_fairness_by_hand():
    # member: received / due → fairness
    #   0: 5 / 4  → min(1, 1.25) = 1      1: 2 / 4 → 0.5      2: 0 / 4 → 0
    #   3: 3 / 0  → nothing due → 1      4: −1 / 2 → received <= 0 < due → 0
    out = perceived_fairness([5, 2, 0, 3, -1], [4, 4, 4, 0, 2])
    np.testing.assert_allclose(out, [1.0, 0.5, 0.0, 1.0, 0.0])


# --------------------------------------------------------------------------- properties


@st.composite
def quadratic_games(draw, min_n=1, max_n=6):
    """Supermodular games v(S) = Σ_{i∈S} a_i + Σ_{i<j∈S} b_ij with b_ij >= 0.

    Their Shapley value is known in closed form: φ_i = a_i + Σ_{j≠i} b_ij / 2 (each pair's
    synergy is split evenly between its two members). b = 0 gives an additive game.
    """
    n = draw(st.integers(min_n, max_n))
    a = np.array(draw(st.lists(st.floats(-10, 10), min_size=n, max_size=n)))
    b = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        b[i, j] = b[j, i] = draw(st.floats(0, 10))
    return a, b


def quadratic_value(a: np.ndarray, b: np.ndarray):
    def v(S: frozenset[int]) -> float:
        idx = sorted(S)
        return float(a[idx].sum() + b[np.ix_(idx, idx)].sum() / 2)

    return v


@settings(max_examples=60, deadline=None)
@given(quadratic_games())
def test_shapley_matches_closed_form_and_is_efficient(game):
    a, b = game
    v = quadratic_value(a, b)
    phi = shapley(v, a.size)
    np.testing.assert_allclose(phi, a + b.sum(axis=1) / 2, atol=1e-9)
    assert math.isclose(phi.sum(), v(frozenset(range(a.size))), abs_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(quadratic_games(min_n=2), st.data())
def test_shapley_symmetry_and_null_player(game, data):
    a, b = game
    n = a.size
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    # make i and j interchangeable: same stand-alone value, same synergy with everyone else
    a[j] = a[i]
    for k in range(n):
        if k not in (i, j):
            b[j, k] = b[k, j] = b[i, k]
    phi = shapley(quadratic_value(a, b), n)
    assert math.isclose(phi[i], phi[j], rel_tol=1e-9, abs_tol=1e-9)
    # make j a null player: it adds nothing to any coalition
    a[j] = 0.0
    b[j, :] = b[:, j] = 0.0
    phi = shapley(quadratic_value(a, b), n)
    assert abs(phi[j]) < 1e-9


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.just(n), st.lists(st.floats(-50, 50), min_size=2**n - 1, max_size=2**n - 1)
        )
    )
)
def test_shapley_efficient_on_arbitrary_games(game):
    n, vals = game
    table = dict(zip(range(1, 2**n), vals, strict=True))

    def v(S: frozenset[int]) -> float:
        return table[sum(1 << i for i in S)]

    assert math.isclose(shapley(v, n).sum(), table[2**n - 1], abs_tol=1e-9)


@settings(max_examples=15, deadline=None)
@given(quadratic_games(min_n=2, max_n=5), st.integers(0, 2**32 - 1))
def test_sampled_shapley_converges_to_exact(game, seed):
    a, b = game
    n = a.size
    v = quadratic_value(a, b)
    samples = 2000
    phi_hat = shapley(v, n, samples=samples, rng=np.random.default_rng(seed))
    exact = shapley(v, n)
    # Efficiency holds for every sample: each permutation's marginals sum to v(N).
    assert math.isclose(phi_hat.sum(), v(frozenset(range(n))), abs_tol=1e-8)
    # Each φ̂_i is a mean of `samples` i.i.d. marginal contributions of i, all lying in an
    # interval of width `width` (max − min marginal over every coalition). Hoeffding:
    #   P(|φ̂_i − φ_i| >= t) <= 2·exp(−2·samples·t² / width²).
    # With t = width·sqrt(ln(2n/δ) / (2·samples)) and a union bound over the n players, the
    # test fails by chance with probability <= δ = 1e-6.
    marginals = [
        v(frozenset(S) | {i}) - v(frozenset(S))
        for i in range(n)
        for r in range(n)
        for S in itertools.combinations([k for k in range(n) if k != i], r)
    ]
    width = max(marginals) - min(marginals)
    tol = width * math.sqrt(math.log(2 * n / 1e-6) / (2 * samples)) + 1e-9
    np.testing.assert_array_less(np.abs(phi_hat - exact), tol)


def test_sampled_shapley_glove_is_reproducible_and_close():
    phi1 = shapley(glove, 3, samples=3000, rng=np.random.default_rng(5))
    phi2 = shapley(glove, 3, samples=3000, rng=np.random.default_rng(5))
    assert phi1.tolist() == phi2.tolist()
    # marginals lie in [0, 1]: Hoeffding t = sqrt(ln(6/1e-6) / 6000) ≈ 0.051
    np.testing.assert_allclose(phi1, [1 / 6, 1 / 6, 2 / 3], atol=0.051)


def test_sampled_shapley_works_beyond_exact_limit():
    n = MAX_EXACT_SHAPLEY_PLAYERS + 4
    phi = shapley(lambda S: float(len(S)), n, samples=20, rng=np.random.default_rng(0))
    np.testing.assert_allclose(phi, np.ones(n))  # additive game: every order gives 1 each


@settings(max_examples=100, deadline=None)
@given(finite, st.integers(1, 30))
def test_equal_split_is_efficient(total, n):
    assert math.isclose(equal_split(total, n).sum(), total, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=100, deadline=None)
@given(finite, st.lists(nonneg, min_size=1, max_size=20))
def test_proportional_split_is_efficient_and_ordered(total, contributions):
    out = proportional_split(total, contributions)
    assert math.isclose(out.sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    if total >= 0:
        assert np.all(out >= 0)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(finite, nonneg), min_size=1, max_size=12),
    nonneg,
)
def test_nash_split_is_efficient_and_individually_rational(members, surplus):
    d = [m[0] for m in members]
    w = [m[1] + 0.01 for m in members]
    total = sum(d) + surplus
    out = nash_split(total, d, w)
    assert math.isclose(out.sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    assert np.all(out >= np.asarray(d) - 1e-6)  # nobody gets less than its outside option


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(finite, st.floats(0.01, 1.0)), min_size=1, max_size=12), finite)
def test_risk_adjusted_shapley_preserves_the_total(members, grand):
    phi = np.array([m[0] for m in members])
    r = np.array([m[1] for m in members])
    r = r / r.sum()
    out = risk_adjusted_shapley(phi, r, grand)
    assert math.isclose(out.sum(), phi.sum(), rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=1, max_size=16))
def test_limited_liability_keeps_the_total_and_charges_nobody(values):
    total = float(np.sum(values))  # the total the rule keeps, summed as it sums it
    if any(x < 0 for x in values) and not total > 0:
        with pytest.raises(ValueError):
            limited_liability(values)
        return
    out = limited_liability(values)
    assert np.all(out >= 0) or not any(x < 0 for x in values)
    assert math.isclose(out.sum(), total, rel_tol=1e-9, abs_tol=1e-6)
    # Nobody with a positive value gets less than its value scaled by total / positive sum.
    pos = [x for x in values if x > 0]
    if any(x < 0 for x in values):
        scale = total / math.fsum(pos)
        for x, o in zip(values, out, strict=True):
            assert math.isclose(o, max(x, 0.0) * scale, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=0, max_size=20))
def test_perceived_fairness_in_unit_interval(pairs):
    out = perceived_fairness([p[0] for p in pairs], [p[1] for p in pairs])
    assert out.shape == (len(pairs),)
    assert np.all((out >= 0.0) & (out <= 1.0))


# --------------------------------------------------------------------------- bad inputs


def test_exact_shapley_refuses_too_many_players():
    with pytest.raises(ValueError, match=r"limit 16.*samples="):
        shapley(lambda S: 0.0, 17)


def test_sampled_shapley_needs_rng_and_positive_samples():
    with pytest.raises(ValueError, match="rng"):
        shapley(glove, 3, samples=10)
    with pytest.raises(ValueError, match="samples"):
        shapley(glove, 3, samples=0, rng=np.random.default_rng(0))


def test_shapley_rejects_nan_coalition_value_and_bad_n():
    with pytest.raises(ValueError, match="value"):
        shapley(lambda S: float("nan"), 2)
    with pytest.raises(ValueError, match="n must be >= 1"):
        shapley(glove, 0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: equal_split(1.0, 0), "n"),
        (lambda: equal_split(float("nan"), 2), "total"),
        (lambda: proportional_split(1.0, [1.0, -1.0]), "contributions"),
        (lambda: proportional_split(1.0, [1.0, float("nan")]), "contributions"),
        (lambda: proportional_split(1.0, []), "contributions"),
        # Long vectors (past the plain-Python check of short ones) are checked as well.
        (lambda: proportional_split(1.0, [1.0] * 40 + [-1.0]), "contributions"),
        (lambda: proportional_split(1.0, [1.0] * 40 + [float("inf")]), "contributions"),
        (lambda: proportional_split(1.0, [float("nan")] + [1.0] * 40), "contributions"),
        (lambda: perceived_fairness([1.0] * 40, [1.0] * 39 + [float("nan")]), "due"),
        (lambda: risk_adjusted_shapley([1, 2], [0.5, 0.6], 3.0), "risk_shares"),
        (lambda: risk_adjusted_shapley([1, 2], [1.2, -0.2], 3.0), "risk_shares"),
        (lambda: risk_adjusted_shapley([1, 2, 3], [0.5, 0.5], 3.0), "risk_shares"),
        (lambda: risk_adjusted_shapley([1, 2], [0.5, 0.5], float("nan")), "grand_value"),
        (lambda: nash_split(5.0, [3.0, 3.0]), "total"),
        (lambda: nash_split(10.0, [1.0, 1.0], [1.0, -1.0]), "weights"),
        (lambda: nash_split(10.0, [1.0, 1.0], [0.0, 0.0]), "weights"),
        (lambda: nash_split(10.0, [1.0, 1.0], [1.0]), "weights"),
        (lambda: perceived_fairness([1.0, 2.0], [1.0]), "received"),
        (lambda: perceived_fairness([float("nan")], [1.0]), "received"),
    ],
)
def test_bad_inputs_raise_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_nash_error_names_both_numbers():
    with pytest.raises(ValueError, match=r"total=5\.0.*sum\(disagreement\)=6\.0"):
        nash_split(5.0, [3.0, 3.0])


# ---------------------------------------------- one formula: the rules and their unchecked twins
# Each checked rule validates its inputs and calls its plain-float *_unchecked twin, which the
# model's loop calls directly; a run's reporters must not change, so the numbers must be those
# of the numpy formulas the rules had before (compared as bits: -0.0 != 0.0). Those formulas
# are kept below as independent oracles (shapley_from_table keeps its own numpy formula and is
# compared with its twin above).


def _bits(values) -> bytes:
    return np.asarray(values, dtype=float).tobytes()


def _oracle_proportional_split(total, contributions):
    """Pre-refactor numpy formula of proportional_split, kept as an independent oracle."""
    c = np.asarray(contributions, dtype=float)
    c_sum = float(c.sum())
    if c_sum == 0.0:
        return np.full(c.size, total / c.size)
    return total * (c / c_sum)


def _oracle_risk_adjusted_shapley(phi, risk_shares, grand_value):
    """Pre-refactor numpy formula of risk_adjusted_shapley, kept as an independent oracle."""
    phi = np.asarray(phi, dtype=float)
    r = np.asarray(risk_shares, dtype=float)
    r = r / float(r.sum())
    return phi + (r - 1.0 / phi.size) * grand_value


def _oracle_limited_liability(values):
    """Pre-refactor numpy formula of limited_liability, kept as an independent oracle."""
    v = np.asarray(values, dtype=float)
    if not (v < 0.0).any():
        return v
    return _oracle_proportional_split(float(v.sum()), np.maximum(v, 0.0))


def _oracle_nash_split(total, disagreement, weights=None):
    """Pre-refactor numpy formula of nash_split, kept as an independent oracle."""
    d = np.asarray(disagreement, dtype=float)
    d_sum = float(d.sum())
    if weights is None:
        w = np.full(d.size, 1.0 / d.size)
    else:
        w = np.asarray(weights, dtype=float)
        w = w / float(w.sum())
    return d + w * (total - d_sum)


def _oracle_perceived_fairness(received, due):
    """Pre-refactor numpy formula of perceived_fairness, kept as an independent oracle."""
    received = np.asarray(received, dtype=float)
    due = np.asarray(due, dtype=float)
    with np.errstate(over="ignore"):
        ratio = np.divide(received, due, out=np.ones_like(due), where=due > 0.0)
    return np.clip(ratio, 0.0, 1.0)


# Signed zeros, the smallest subnormal, huge values whose sums overflow to inf, and ordinary
# numbers; vectors from 1 to 300 entries (numpy adds 8 and more pairwise, beyond 128 in halves).
edge = st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1.0, 0.5, 1e300, 1.7e308])
wide = st.one_of(edge, st.floats(-1e300, 1e300), st.floats(-1e6, 1e6))
nonneg_wide = st.one_of(edge, st.floats(0.0, 1e300), st.floats(0.0, 1e3))


def vectors(elements, min_size=1, max_size=300):
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.lists(elements, min_size=n, max_size=n)
    )


# Values near 1e308 make numpy's sums overflow to inf (the oracles and the checks then warn).
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(wide, vectors(nonneg_wide))
def test_proportional_split_is_the_numpy_formula_bit_for_bit(total, contributions):
    want = _oracle_proportional_split(total, contributions)
    got = proportional_split(total, contributions)
    assert got.dtype == np.float64
    assert _bits(got) == _bits(want)
    assert _bits(proportional_split_unchecked(total, contributions)) == _bits(want)


@settings(max_examples=200, deadline=None)
@given(finite, vectors(st.sampled_from([0.0, -0.0])))
def test_proportional_split_of_nothing_contributed_is_the_numpy_formula(total, contributions):
    # Σ c == 0: equal shares total / n (not total · (1 / n), which rounds differently)
    want = _oracle_proportional_split(total, contributions)
    assert _bits(proportional_split(total, contributions)) == _bits(want)
    assert _bits(proportional_split_unchecked(total, contributions)) == _bits(want)


# Values near 1e308 make numpy's sums overflow to inf (the oracles and the checks then warn).
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(
    vectors(st.tuples(wide, st.floats(1e-6, 1.0))),
    wide,
    st.floats(-5e-10, 5e-10),
)
def test_risk_adjusted_shapley_is_the_numpy_formula_bit_for_bit(members, grand, slack):
    phi = [f for f, _ in members]
    raw = np.array([r for _, r in members])
    # sum to 1 up to the tolerated rounding, so that the renormalisation matters
    shares = (raw / raw.sum() * (1.0 + slack)).tolist()
    want = _oracle_risk_adjusted_shapley(phi, shares, grand)
    assert _bits(risk_adjusted_shapley(phi, shares, grand)) == _bits(want)
    assert _bits(risk_adjusted_shapley_unchecked(phi, shares, grand)) == _bits(want)


# Values near 1e308 make numpy's sums overflow to inf (the oracles and the checks then warn).
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(vectors(st.one_of(edge, st.just(-1.0), st.floats(-1e300, 1e300))))
def test_limited_liability_is_the_numpy_formula_bit_for_bit(values):
    total = float(np.sum(values))
    if any(v < 0.0 for v in values) and not total > 0.0:
        with pytest.raises(ValueError, match=r"values.*total"):
            limited_liability(values)
        values = [*values, 2.0 * float(np.sum(np.abs(values))) + 1.0]  # a positive total
    if any(v < 0.0 for v in values) and not math.isfinite(float(np.sum(values))):
        with pytest.raises(ValueError, match="total must be finite"):  # not NaN shares
            limited_liability(values)
        return
    want = _oracle_limited_liability(values)
    assert _bits(limited_liability(values)) == _bits(want)
    assert _bits(limited_liability_unchecked(values)) == _bits(want)


def test_limited_liability_unchecked_by_hand():
    # (-1, 2, 3): total 4 shared over (0, 2, 3) → 4 · (0, 2/5, 3/5); -0.0 becomes +0.0.
    assert limited_liability_unchecked([-1.0, 2.0, 3.0]) == [0.0, 1.6, 2.4]
    assert _bits(limited_liability_unchecked([-1.0, -0.0, 3.0])[:2]) == _bits([0.0, 0.0])
    # Nothing negative: the values themselves (a -0.0 is not negative and stays).
    assert _bits(limited_liability([-0.0, 1.0])) == _bits([-0.0, 1.0])


# Values near 1e308 make numpy's sums overflow to inf (the oracles and the checks then warn).
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(
    vectors(
        st.tuples(
            st.one_of(finite, wide),  # mostly moderate: a huge d_i absorbs the surplus's bits
            st.one_of(st.floats(1e-3, 1.0), st.just(0.0), nonneg_wide),
        )
    ),
    st.one_of(nonneg, nonneg_wide, st.floats(-1e-6, 0.0)),
    st.booleans(),
)
def test_nash_split_is_the_numpy_formula_bit_for_bit(members, surplus, weighted):
    d = [m[0] for m in members]
    w = [m[1] for m in members] if weighted else None
    total = float(np.sum(d)) + surplus
    if not math.isfinite(total) or (weighted and float(np.sum(w)) == 0.0):
        return
    try:
        got = nash_split(total, d, w)
    except ValueError:  # a negative surplus beyond the tolerance: nothing to compare
        assert surplus < 0.0
        return
    want = _oracle_nash_split(total, d, w)
    assert _bits(got) == _bits(want)
    assert _bits(nash_split_unchecked(total, d, w)) == _bits(want)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 300), st.integers(0, 2**32 - 1), st.booleans())
def test_nash_split_of_random_magnitudes_is_the_numpy_formula_bit_for_bit(n, seed, weighted):
    # Hypothesis favours simple floats that round exactly; random magnitudes exercise the
    # rounding of every operation (w_i / Σ w, its product with the surplus, the sums).
    rng = np.random.default_rng(seed)
    d = (rng.uniform(-10.0, 10.0, n) * 10.0 ** rng.integers(-3, 4, n)).tolist()
    w = (rng.random(n) * 10.0 ** rng.integers(-3, 4, n)).tolist() if weighted else None
    total = float(np.sum(d)) + float(rng.uniform(0.0, 100.0) * 10.0 ** rng.integers(-3, 4))
    want = _oracle_nash_split(total, d, w)
    assert _bits(nash_split(total, d, w)) == _bits(want)
    assert _bits(nash_split_unchecked(total, d, w)) == _bits(want)


def test_nash_split_unchecked_by_hand():
    # the hand case of test_nash_split_by_hand on plain floats: surplus 4 split 1:1:2
    assert nash_split_unchecked(10.0, [1.0, 2.0, 3.0], [1.0, 1.0, 2.0]) == [2.0, 3.0, 5.0]
    assert nash_split_unchecked(6.0, [1.0, 1.0]) == [3.0, 3.0]


# Values near 1e308 make numpy's sums overflow to inf (the oracles and the checks then warn).
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=200, deadline=None)
@given(vectors(st.tuples(wide, wide), min_size=0))
def test_perceived_fairness_is_the_numpy_formula_bit_for_bit(pairs):
    received = [r for r, _ in pairs]
    due = [d for _, d in pairs]
    want = _oracle_perceived_fairness(received, due)
    got = perceived_fairness(received, due)
    assert got.shape == (len(pairs),) and got.dtype == np.float64
    assert _bits(got) == _bits(want)
    assert _bits(perceived_fairness_unchecked(received, due)) == _bits(want)


def test_perceived_fairness_edges_by_hand():
    # -0.0 / 2 = -0.0 is kept (it is not below 0); 1e300 / 1e-300 overflows to inf → 1;
    # due -0.0 is not positive → 1.
    out = perceived_fairness([-0.0, 1e300, 3.0], [2.0, 1e-300, -0.0])
    assert _bits(out) == _bits([-0.0, 1.0, 1.0])
    assert perceived_fairness([], []).shape == (0,)
