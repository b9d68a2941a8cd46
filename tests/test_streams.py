"""Tests of abm.streams: named, independent random streams and per-run seeds of a batch.

Known values are derived in the tests themselves from numpy's SeedSequence and SHA-256 by a route
written independently of abm/streams.py (hex digests and 32-bit words instead of the module's
byte slicing and 64-bit state).
"""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pytest

from abm.streams import (
    STREAMS,
    integers_below,
    make_streams,
    run_seed,
    run_seeds,
    sample_without_replacement,
    stream,
    symmetric_dirichlet,
    symmetric_dirichlet_list,
)


def _independent_stream(seed: int, name: str) -> np.random.Generator:
    """The documented derivation: SeedSequence([seed, 32-bit key of the name]) → PCG64.

    The key is the first four bytes of the name's SHA-256 digest read as a little-endian
    integer; here it is rebuilt from the hex digest by reversing the byte pairs.
    """
    hex8 = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    key = int("".join(reversed([hex8[i : i + 2] for i in range(0, 8, 2)])), 16)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, key])))


def _independent_run_seed(master: int, i: int) -> int:
    """Child ``i`` of the master SeedSequence; 64 bits from two 32-bit words, top bit dropped."""
    child = np.random.SeedSequence(master).spawn(i + 1)[i]
    lo, hi = (int(w) for w in child.generate_state(2, dtype=np.uint32))
    return (lo | (hi << 32)) >> 1


def test_same_seed_same_draws():
    for name in STREAMS:
        a = stream(42, name).random(50)
        b = stream(42, name).random(50)
        np.testing.assert_array_equal(a, b)


def test_different_names_give_different_draws():
    draws = {name: stream(42, name).random(20) for name in STREAMS}
    for a, b in itertools.combinations(STREAMS, 2):
        assert not np.array_equal(draws[a], draws[b]), (a, b)


def test_different_seeds_give_different_draws():
    for name in STREAMS:
        assert not np.array_equal(stream(1, name).random(20), stream(2, name).random(20))


def test_consuming_one_stream_does_not_shift_another():
    fresh = make_streams(9)["market"].random(100)
    streams = make_streams(9)
    streams["search"].random(10_000)  # e.g. a change that adds draws to partner search
    streams["execution"].integers(0, 10, size=333)
    np.testing.assert_array_equal(streams["market"].random(100), fresh)


def test_adding_a_stream_does_not_change_the_others():
    base = make_streams(5)
    more = make_streams(5, (*STREAMS, "a_new_mechanism"))
    for name in STREAMS:
        np.testing.assert_array_equal(base[name].random(10), more[name].random(10))


def test_model_streams_are_all_present():
    assert set(make_streams(3)) == set(STREAMS)
    for expected in ("market", "opportunity", "search", "execution", "lifecycle"):
        assert expected in STREAMS


@pytest.mark.parametrize("seed", [0, 1, 7, 2**40 + 3])
def test_stream_matches_an_independent_derivation(seed):
    for name in STREAMS:
        np.testing.assert_array_equal(
            stream(seed, name).random(8), _independent_stream(seed, name).random(8)
        )


def test_run_seed_matches_an_independent_derivation():
    for master in (0, 7, 123456789):
        for i in (0, 1, 5, 31):
            assert run_seed(master, i) == _independent_run_seed(master, i)


def test_run_seeds_stable_distinct_and_consistent_with_run_seed():
    seeds = run_seeds(7, 200)
    assert seeds == run_seeds(7, 200)
    assert len(set(seeds)) == 200
    assert all(isinstance(s, int) and 0 <= s < 2**63 for s in seeds)
    assert run_seeds(7, 20) == seeds[:20]  # a longer batch extends a shorter one
    assert [run_seed(7, i) for i in range(200)] == seeds
    assert run_seeds(8, 5) != run_seeds(7, 5)
    assert run_seeds(7, 0) == []


def test_run_seeds_are_valid_model_stream_seeds():
    # Per-run seeds use all 63 bits; each must seed the documented stream derivation.
    seeds = run_seeds(3, 5)
    assert any(s >= 2**32 for s in seeds)  # beyond 32 bits, where a truncation would show
    for s in seeds:
        np.testing.assert_array_equal(
            stream(s, "market").random(4), _independent_stream(s, "market").random(4)
        )


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None])
def test_stream_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match="seed"):
        stream(bad, "market")


def test_stream_rejects_bool_seed():
    with pytest.raises(ValueError):
        stream(True, "market")


def test_run_seeds_rejects_negative_count():
    with pytest.raises(ValueError, match="n_runs"):
        run_seeds(1, -1)


@pytest.mark.parametrize("alpha", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("k", [2, 4, 9])
def test_symmetric_dirichlet_draws_what_numpy_dirichlet_draws(alpha, k):
    # Independent implementation: numpy's own Generator.dirichlet on a twin generator; the next
    # draw matches too, so both consumed the same stream.
    for seed in range(100):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        got = symmetric_dirichlet(ours, alpha, k)
        want = theirs.dirichlet(np.full(k, alpha))
        assert got.tolist() == want.tolist()
        assert ours.random() == theirs.random()
    assert np.isclose(got.sum(), 1.0) and np.all(got > 0)


@pytest.mark.parametrize("alpha", [0.5, 3.0])
def test_symmetric_dirichlet_list_is_the_array_as_plain_floats(alpha):
    # Independent implementation: numpy's Generator.dirichlet on a twin generator.
    for seed in range(100):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        got = symmetric_dirichlet_list(ours, alpha, 4)
        assert all(type(x) is float for x in got)
        assert got == theirs.dirichlet(np.full(4, alpha)).tolist()
        assert ours.random() == theirs.random()


def _twins(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Two generators in the same state; for odd seeds after an odd number of 32-bit draws, so
    that PCG64 holds a buffered 32-bit half-word the next draw must use first."""
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    if seed % 2:
        ours.integers(0, 7)
        theirs.integers(0, 7)
    return ours, theirs


class _NoChoice:
    """A generator whose ``choice`` fails: proves a sample was drawn by our own Floyd code."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.bit_generator = rng.bit_generator

    def choice(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("fell back to Generator.choice")


# Highs where Lemire's method rejects words often (2**31 + 1: about half of them), at the 32-bit
# limit (2**32: numpy takes the word as it is), small and large, and 1 (no draw at all).
_HIGHS = [1, 2, 3, 7, 600, 10_001, 2**31 - 1, 2**31 + 1, 3 * 2**30 + 5, 2**32 - 1, 2**32]


def test_integers_below_draws_what_numpy_integers_draws():
    # Independent implementation: numpy's own Generator.integers(0, h), one call per high, on
    # a twin generator; the states (buffered half-word included) must agree after each list.
    pick = np.random.default_rng(99)
    for seed in range(3000):
        ours, theirs = _twins(seed)
        highs = [int(h) for h in pick.choice(_HIGHS, size=int(pick.integers(0, 8)))]
        got = integers_below(ours, highs)
        assert got == [int(theirs.integers(0, h)) for h in highs], (seed, highs)
        assert all(type(x) is int for x in got)
        assert ours.bit_generator.state == theirs.bit_generator.state


def test_integers_below_rejects_biased_words_as_numpy_does():
    # With 2**31 + 1 about half the words are redrawn: the lists agree only if the rejection
    # rule is numpy's (a mutant accepting every word, or rejecting below h, fails here).
    ours, theirs = _twins(1)
    got = integers_below(ours, [2**31 + 1] * 400)
    assert got == theirs.integers(0, 2**31 + 1, size=400).tolist()
    assert ours.bit_generator.state == theirs.bit_generator.state


# Sizes the model draws (knowledge fields 1-2 of 12, friends of friends 4 of 4-400, training 3 of
# 500-900 makers, 32 path sources of about 900) and numpy's cut-off between Floyd's algorithm and
# the tail shuffle (population above 10,000 and sample above population // 50).
_SAMPLES = [(4, 1), (4, 2), (4, 3), (4, 4), (1, 1), (5, 0), (2, 2), (9, 5), (12, 1), (12, 2)]
_SAMPLES += [(70, 4), (353, 4), (492, 3), (867, 3), (954, 32), (10_000, 3)]
_SAMPLES += [(10_000, 10), (10_001, 1), (10_001, 200), (50_049, 1000), (2**32, 3)]


@pytest.mark.parametrize(("n", "k"), _SAMPLES)
def test_sample_without_replacement_draws_what_numpy_choice_draws(n, k):
    # Independent implementation: numpy's own Generator.choice(n, k, replace=False) on a twin
    # generator; the generators' states (including PCG64's buffered 32-bit half-word) must
    # agree afterwards. Each of these samples is drawn by our Floyd code, not by numpy.
    for seed in range(2000 if k * 100 < n or n <= 12 else 200):
        ours, theirs = _twins(seed)
        got = sample_without_replacement(_NoChoice(ours), n, k)
        assert got == theirs.choice(n, size=k, replace=False).tolist()
        assert all(type(x) is int for x in got)
        assert ours.bit_generator.state == theirs.bit_generator.state


@pytest.mark.parametrize(("n", "k"), [(10_001, 201), (20_000, 20_000), (2**32 + 1, 2)])
def test_sample_without_replacement_leaves_other_samples_to_numpy(n, k):
    # Beyond the cut-off numpy shuffles the tail of arange(n); beyond 2**32, 64-bit words.
    with pytest.raises(AssertionError, match="fell back"):
        sample_without_replacement(_NoChoice(np.random.default_rng(0)), n, k)
    for seed in range(20):
        ours, theirs = _twins(seed)
        got = sample_without_replacement(ours, n, k)
        assert got == theirs.choice(n, size=k, replace=False).tolist()
        assert ours.bit_generator.state == theirs.bit_generator.state


def test_sample_without_replacement_is_a_uniform_sample():
    rng = np.random.default_rng(5)
    counts = np.zeros((4, 4))
    for _ in range(8000):
        a, b = sample_without_replacement(rng, 4, 2)
        assert a != b
        counts[a, b] += 1
    off_diagonal = counts[~np.eye(4, dtype=bool)]
    assert np.all(np.abs(off_diagonal / 8000 - 1 / 12) < 0.015)  # 12 ordered pairs


@pytest.mark.parametrize(("n", "k"), [(3, 4), (0, 1), (4, -1)])
def test_sample_without_replacement_rejects_impossible_samples(n, k):
    with pytest.raises(ValueError, match="k <= n"):
        sample_without_replacement(np.random.default_rng(0), n, k)
