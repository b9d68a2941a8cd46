"""Benefit-sharing rules: how a team splits what it earned, and how fair the split feels.

DESIGN §3 phase 8 lists the rules a scenario can choose (``SHARING_RULES``); phase 9 uses
``perceived_fairness`` to turn a split into trust evidence. All functions are pure (no Mesa,
no state). Each formula is written once: a public rule checks its inputs and calls its
``*_unchecked`` twin, the plain-float version the model's inner loop calls directly (where a
rule keeps its own numpy formula, a comment says why).
A negative ``total`` is allowed where splitting a loss the same way is meaningful (equal and
proportional splits); Nash bargaining instead requires the total to cover the outside options.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from itertools import combinations
from typing import Any

import numpy as np

from abm.rules import _same_length, _scalar, _shares, _vector, pairwise_sum

__all__ = [
    "MAX_EXACT_SHAPLEY_PLAYERS",
    "SHARING_RULES",
    "equal_split",
    "limited_liability",
    "nash_split",
    "perceived_fairness",
    "proportional_split",
    "risk_adjusted_shapley",
    "shapley",
    "shapley_from_table",
]

SHARING_RULES = ("equal", "proportional", "shapley", "risk_shapley", "nash")
"""Names of the benefit-sharing rules a scenario can configure (DESIGN §3 phase 8)."""

MAX_EXACT_SHAPLEY_PLAYERS = 16
"""Largest game solved by exact enumeration (2**16 coalition values); beyond it, sample."""


def _n_players(n: Any, name: str = "n") -> int:
    """Return ``n`` as a positive int; a split needs at least one member."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ValueError(f"{name} must be an int, got {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1 (a split needs at least one member), got {n}")
    return int(n)


def equal_split(total: float, n: int) -> np.ndarray:
    """Split ``total`` equally among ``n`` members.

    Args:
        total: Amount to split (a negative amount splits a loss).
        n: Number of members, at least 1.

    Returns:
        Array of ``n`` equal shares summing to ``total``.
    """
    total = _scalar(total, "total")
    n = _n_players(n)
    return np.full(n, total / n)


def proportional_split(total: float, contributions: Any) -> np.ndarray:
    """Split ``total`` in proportion to non-negative ``contributions``.

    When nobody contributed anything, proportionality is undefined; the split falls back to
    equal shares rather than NaN so that callers never have to special-case it.

    Args:
        total: Amount to split (a negative amount splits a loss).
        contributions: One non-negative contribution per member (e.g. committed resource value).

    Returns:
        Array of shares summing to ``total``.
    """
    total = _scalar(total, "total")
    c = _vector(contributions, "contributions", lo=0.0)
    return np.array(proportional_split_unchecked(total, c.tolist()))


def proportional_split_unchecked(total: float, contributions: list[float]) -> list[float]:
    """:func:`proportional_split` without input checks, on plain floats: ``total · (c_i / Σ c)``,
    equal shares when ``Σ c == 0``.

    The formula of :func:`proportional_split`, which checks its inputs and calls this; the
    model's inner loop (risk shares, benefit and loss splits of every team) calls it directly,
    its contributions being non-negative by construction. The sum is rounded as numpy's
    (:func:`abm.rules.pairwise_sum`), so the shares are those of the former numpy formula, bit
    for bit; a sum that overflows to inf gives 0.0 shares there as here.
    """
    c_sum = pairwise_sum(contributions)
    if c_sum == 0.0:
        return [total / len(contributions)] * len(contributions)
    return [total * (c / c_sum) for c in contributions]


def _coalition_value(value: Callable[[frozenset[int]], float], members: frozenset[int]) -> float:
    """Evaluate v(S) and insist on a finite real number (a NaN would poison every share)."""
    v = float(value(members))
    if not math.isfinite(v):
        raise ValueError(f"value(S) must be finite, got {v} for S={sorted(members)}")
    return v


def _subset_masks(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return all bitmasks 0..2**n-1 and their popcounts (coalition sizes)."""
    masks = np.arange(1 << n, dtype=np.int64)
    sizes = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):
        sizes += (masks >> i) & 1
    return masks, sizes


@functools.cache
def _exact_plan(n: int) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
    """Per player i: the coalitions S ∌ i, the coalitions S ∪ {i} (as bitmasks) and the
    Shapley weight of each S, |S|!(n-|S|-1)!/n! = 1 / (n · C(n-1, |S|)) (no huge factorials).
    Cached per n: the model solves thousands of small games of the same few sizes."""
    masks, sizes = _subset_masks(n)
    weights = np.array([1.0 / (n * math.comb(n - 1, s)) for s in range(n)])
    plan = []
    for i in range(n):
        without_i = masks[((masks >> i) & 1) == 0]
        arrays = (without_i, without_i | (1 << i), weights[sizes[without_i]])
        for arr in arrays:
            arr.flags.writeable = False  # shared by every later call: never modified
        plan.append(arrays)
    return tuple(plan)


def shapley_from_table(values: Any, n: int) -> np.ndarray:
    """Exact Shapley value from every coalition's value, indexed by bitmask.

    ``values[mask]`` is v(S) for S = the players whose bits are set in ``mask`` (player i is bit
    ``1 << i``); ``values[0]`` is v(∅) and must be 0. For callers that evaluate all 2**n
    coalitions at once (the model does, vectorised): no per-coalition Python call.
    φ_i = Σ_{S ∌ i} |S|!(n-|S|-1)!/n! · (v(S ∪ {i}) − v(S)).

    Raises:
        ValueError: n out of range, a table of the wrong length, v(∅) ≠ 0 or a non-finite value.
    """
    n = _n_players(n)
    if n > MAX_EXACT_SHAPLEY_PLAYERS:
        raise ValueError(
            f"n={n} players is too many for exact Shapley enumeration "
            f"(limit {MAX_EXACT_SHAPLEY_PLAYERS}: 2**n coalition values)"
        )
    v = np.asarray(values, dtype=float)
    if v.shape != (1 << n,):
        raise ValueError(f"values must hold 2**n = {1 << n} coalition values, got shape {v.shape}")
    if v[0] != 0.0:
        raise ValueError(f"values[0] is v(empty coalition) and must be 0, got {v[0]}")
    bad = np.flatnonzero(~np.isfinite(v))
    if len(bad):
        members = [i for i in range(n) if (int(bad[0]) >> i) & 1]
        raise ValueError(f"value(S) must be finite, got {v[bad[0]]} for S={members}")
    # The numpy formula, not shapley_from_table_unchecked: a player has 2**(n-1) terms, and
    # from 6 players on numpy is faster than plain floats (at 10, ~50 µs against ~1 ms), and
    # the model calls this function for its teams of 6 to shapley_exact_max members. The two
    # are tied bit for bit by a hypothesis test (tests/test_rules_sharing.py).
    phi = np.empty(n)
    for i, (without_i, with_i, weight) in enumerate(_exact_plan(n)):
        # Elementwise product and numpy's sum, not np.dot: BLAS's order of addition depends
        # on the CPU (see abm.rules.member_sums).
        phi[i] = float((weight * (v[with_i] - v[without_i])).sum())
    return phi


@functools.cache
def _exact_plan_lists(n: int) -> tuple[tuple[tuple[int, int, float], ...], ...]:
    """:func:`_exact_plan` as plain Python: per player, (S ∪ {i}, S, weight) triples."""
    return tuple(
        tuple(zip(with_i.tolist(), without_i.tolist(), weight.tolist(), strict=True))
        for without_i, with_i, weight in _exact_plan(n)
    )


def shapley_from_table_unchecked(values: list[float], n: int) -> list[float]:
    """:func:`shapley_from_table` without input checks, on plain floats.

    For the model's inner loop, where the table is valid by construction (finite, v(∅) = 0)
    and the teams are small: numpy's five calls per player cost more there than the few
    terms. Each player's terms are those of :func:`shapley_from_table`, in the same order,
    and :func:`abm.rules.pairwise_sum` adds them exactly as numpy's ``sum`` does, so the
    result is the same bit for bit. (It keeps its own formula beside the checked rule's: for
    larger games numpy is much faster, see :func:`shapley_from_table`.)
    """
    return [
        pairwise_sum([w * (values[a] - values[b]) for a, b, w in plan])
        for plan in _exact_plan_lists(n)
    ]


def _exact_shapley(value: Callable[[frozenset[int]], float], n: int) -> np.ndarray:
    """Exact Shapley value: v evaluated once per coalition (v(∅) = 0 by convention, not
    evaluated), then :func:`shapley_from_table`."""
    values = np.zeros(1 << n)
    for size in range(1, n + 1):
        for members in combinations(range(n), size):
            mask = 0
            for i in members:
                mask |= 1 << i
            values[mask] = _coalition_value(value, frozenset(members))
    return shapley_from_table(values, n)


def _sampled_shapley(
    value: Callable[[frozenset[int]], float], n: int, samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Shapley value estimated from ``samples`` random orderings (Castro et al. 2009).

    Each ordering's marginal contributions sum to v(N) − v(∅) = v(N), so the mean over
    orderings is efficient by construction. Coalition values are cached by bitmask.
    """
    cache: dict[int, float] = {0: 0.0}
    phi = np.zeros(n)
    for _ in range(samples):
        order = rng.permutation(n)
        mask = 0
        prev = 0.0
        for k, player in enumerate(order):
            mask |= 1 << int(player)
            current = cache.get(mask)
            if current is None:
                members = frozenset(int(p) for p in order[: k + 1])
                current = _coalition_value(value, members)
                cache[mask] = current
            phi[player] += current - prev
            prev = current
    return phi / samples


def shapley(
    value: Callable[[frozenset[int]], float],
    n: int,
    *,
    samples: int | None = None,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Shapley value of the cooperative game ``value`` on players ``0..n-1``.

    The Shapley value pays each member its average marginal contribution over all orders in
    which the team could have formed: symmetric, efficient (shares sum to v(N)), zero for
    null players. v(∅) is taken as 0 and never evaluated.

    Args:
        value: Characteristic function v(S) for a coalition S (a frozenset of player indices).
        n: Number of players, at least 1.
        samples: None for exact enumeration (n <= ``MAX_EXACT_SHAPLEY_PLAYERS``); otherwise
            the number of random permutations to average (any n).
        rng: Random generator for the permutations; required when ``samples`` is given.

    Returns:
        Array of n shares summing to v(N) (to rounding).

    Raises:
        ValueError: n too large for exact enumeration, samples without rng, bad arguments or a
            non-finite coalition value.
    """
    n = _n_players(n)
    if samples is None:
        if n > MAX_EXACT_SHAPLEY_PLAYERS:
            raise ValueError(
                f"n={n} players is too many for exact Shapley enumeration "
                f"(limit {MAX_EXACT_SHAPLEY_PLAYERS}: 2**n coalition values); "
                "pass samples=<number of permutations> and rng= to estimate it"
            )
        return _exact_shapley(value, n)
    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise ValueError(f"samples must be a positive int or None, got {samples!r}")
    if rng is None:
        raise ValueError("rng is required when samples is given (permutation sampling)")
    return _sampled_shapley(value, n, int(samples), rng)


def risk_adjusted_shapley(phi: Any, risk_shares: Any, grand_value: float) -> np.ndarray:
    """Risk-corrected Shapley value: φ'_i = φ_i + (R_i − 1/n) · v(N).

    The plain Shapley value ignores who bears the risk; members who carry more than an equal
    share of it (R_i > 1/n) are paid more, the others less. Since Σ R_i = 1 the correction sums
    to zero and the split stays efficient.

    Args:
        phi: Shapley value per member.
        risk_shares: Each member's share of the risk borne; non-negative, summing to 1.
        grand_value: v(N), the value the whole team creates.

    Returns:
        Adjusted shares with the same sum as ``phi``.
    """
    phi = _vector(phi, "phi")
    r = _vector(risk_shares, "risk_shares")
    _same_length(phi, r, "phi", "risk_shares")
    r = _shares(r, "risk_shares")
    grand_value = _scalar(grand_value, "grand_value")
    return np.array(risk_adjusted_shapley_unchecked(phi.tolist(), r.tolist(), grand_value))


def risk_adjusted_shapley_unchecked(
    phi: list[float], risk_shares: list[float], grand_value: float
) -> list[float]:
    """:func:`risk_adjusted_shapley` without input checks, on plain floats:
    ``φ_i + (R_i / Σ R − 1/n) · v(N)``.

    The formula of :func:`risk_adjusted_shapley`, which checks its inputs and calls this; the
    model's inner loop calls it directly (its risk shares sum to 1 by construction). The risk
    shares are renormalised by their sum, rounded as numpy's (:func:`abm.rules.pairwise_sum`),
    which removes the rounding their sum may carry, so the split stays efficient.
    """
    total = pairwise_sum(risk_shares)
    equal = 1.0 / len(phi)
    return [f + (r / total - equal) * grand_value for f, r in zip(phi, risk_shares, strict=True)]


def limited_liability(values: Any) -> np.ndarray:
    """Shares with nobody charged: negative entries set to 0, the others scaled so that the
    total stays the same.

    Shapley values (a member whose resources lower the team's expected value) and their risk
    correction (a member carrying little risk) can be negative. Paid out as they are, a success
    would bill some partners; a split only hands out what the team earned, so those members get
    nothing and the rest is shared in proportion to the positive values.

    Args:
        values: One value per member, with a positive total when any is negative.

    Returns:
        ``values`` unchanged (as an array) when none is negative; otherwise non-negative shares
        with the same total.

    Raises:
        ValueError: a value is negative and the total is not positive (nothing to hand out).
    """
    v = _vector(values, "values").tolist()
    if any(x < 0.0 for x in v):
        total = pairwise_sum(v)
        if not total > 0.0:
            raise ValueError(
                f"values has negative entries and a total of {total!r}: limited liability "
                "needs a positive total to share"
            )
        _scalar(total, "total")  # a total that overflows to inf is rejected (not NaN shares)
    return np.array(limited_liability_unchecked(v))


def limited_liability_unchecked(values: list[float]) -> list[float]:
    """:func:`limited_liability` without input checks, on plain floats: ``values`` itself when
    none is negative, else the total (summed as numpy sums) split in proportion to
    ``max(v, 0)``.

    The formula of :func:`limited_liability`, which checks its inputs (a negative value needs
    a positive total) and calls this; the model's inner loop calls it directly (there a
    negative value comes with a positive total: the team's value v(N) > 0). ``max(v, 0.0)`` is
    written ``v if v > 0.0 else 0.0``, which gives +0.0 for -0.0 as ``numpy.maximum`` did in
    the former numpy formula. ``values`` must be finite and non-empty (as the checked rule
    insists): then the smallest is negative exactly when any is.
    """
    if min(values) >= 0.0:
        return values
    return proportional_split_unchecked(
        pairwise_sum(values), [v if v > 0.0 else 0.0 for v in values]
    )


def nash_split(total: float, disagreement: Any, weights: Any = None) -> np.ndarray:
    """Transferable-utility Nash bargaining: x_i = d_i + w_i · (total − Σ d).

    Each member first gets its disagreement point (outside option) and the surplus is split by
    bargaining power. With transferable utility this maximises the weighted Nash product.

    Args:
        total: Amount to split; must cover the outside options.
        disagreement: Outside option d_i per member.
        weights: Bargaining power per member, non-negative and not all zero; normalised to sum
            to 1. None means equal power.

    Returns:
        Array of shares summing to ``total``.

    Raises:
        ValueError: total < Σ d beyond a relative rounding tolerance of 1e-9 (no agreement
            beats disagreement), or bad weights.
    """
    total = _scalar(total, "total")
    d = _vector(disagreement, "disagreement")
    d_sum = float(d.sum())
    # Rounding slack: a total computed as Σ d in another summation order must not be rejected.
    if total < d_sum - 1e-9 * max(1.0, abs(d_sum)):
        raise ValueError(
            f"total={total!r} is less than the sum of the disagreement points "
            f"sum(disagreement)={d_sum!r}: no split makes every member better off"
        )
    w = None
    if weights is not None:
        w_arr = _vector(weights, "weights", lo=0.0)
        _same_length(d, w_arr, "disagreement", "weights")
        if float(w_arr.sum()) == 0.0:
            raise ValueError("weights must not all be zero (someone needs bargaining power)")
        w = w_arr.tolist()
    return np.array(nash_split_unchecked(total, d.tolist(), w))


def nash_split_unchecked(
    total: float, disagreement: list[float], weights: list[float] | None = None
) -> list[float]:
    """:func:`nash_split` without input checks, on plain floats:
    ``d_i + (w_i / Σ w) · (total − Σ d)``, with ``1/n`` for ``w_i / Σ w`` when ``weights`` is
    None (equal bargaining power).

    The formula of :func:`nash_split`, which checks its inputs and calls this; the model's
    inner loop calls it directly (equal power, and only when ``total`` covers the outside
    options). The sums are rounded as numpy's (:func:`abm.rules.pairwise_sum`).
    """
    surplus = total - pairwise_sum(disagreement)
    if weights is None:
        w = 1.0 / len(disagreement)
        return [d + w * surplus for d in disagreement]
    w_sum = pairwise_sum(weights)
    return [d + (w / w_sum) * surplus for d, w in zip(disagreement, weights, strict=True)]


def perceived_fairness(received: Any, due: Any) -> np.ndarray:
    """Per-member fairness in [0, 1]: the share of what was due that was actually received.

    fairness = min(1, received / due) where due > 0; 1.0 where due <= 0 (nothing was due, so
    nothing was withheld); 0.0 when received <= 0 < due. Receiving more than due does not count
    as unfair to the receiver.

    Args:
        received: What each member got.
        due: What each member considers due (contribution and risk).

    Returns:
        Fairness per member.
    """
    received = _vector(received, "received", allow_empty=True)
    due = _vector(due, "due", allow_empty=True)
    _same_length(received, due, "received", "due")
    return np.array(perceived_fairness_unchecked(received.tolist(), due.tolist()))


def perceived_fairness_unchecked(received: list[float], due: list[float]) -> list[float]:
    """:func:`perceived_fairness` without input checks, on plain floats.

    The formula of :func:`perceived_fairness`, which checks its inputs and calls this; the
    model's inner loop calls it directly (every member of every team). Where due > 0 the ratio
    received / due clipped to [0, 1]: 1 or more is 1 (a ratio that overflows to inf, a tiny
    due, too), below 0 it is 0 and otherwise (-0.0 included, as ``numpy.clip`` keeps it)
    unchanged; 1.0 where due <= 0.
    """
    out = []
    for r, d in zip(received, due, strict=True):
        if d > 0.0:
            q = r / d
            out.append(1.0 if q >= 1.0 else 0.0 if q < 0.0 else q)
        else:
            out.append(1.0)
    return out
