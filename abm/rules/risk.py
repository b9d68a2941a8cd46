"""Project risk rules: resource coverage, success probability, the success draw, loss splitting.

DESIGN §3 phases 5–7. A project needs resources in four dimensions; how much of each need the
team covers, how capable and how trusting it is, and the technology opportunity set its chance
of success. Losses on failure are split by the contract.

Each formula is written once: a public rule checks its inputs and calls its ``*_unchecked``
twin, the plain-float (or, for many teams at once, array) version the model's inner loop calls
directly. :func:`coalition_successes_unchecked` is the exception, see there.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

import numpy as np

from abm.rules import _same_length, _scalar, _shares, _vector, pairwise_sum, subset_sums
from abm.rules.sharing import proportional_split_unchecked

__all__ = [
    "RESOURCE_DIMS",
    "coverage",
    "draw_success",
    "split_loss",
    "success_probabilities",
    "success_probability",
]

RESOURCE_DIMS = ("funds", "equipment", "talent", "information")
"""Resource dimensions of every actor and project (seed 002's funds, instruments, personnel,
information)."""


def coverage(committed: Any, required: Any) -> np.ndarray:
    """Coverage per resource dimension: κ_d = min(1, committed_d / required_d).

    A dimension the project does not need (required_d == 0) is fully covered (κ_d = 1).

    Args:
        committed: Resources the team committed per dimension, >= 0.
        required: Resources the project requires per dimension, >= 0.

    Returns:
        κ per dimension, in [0, 1].
    """
    c = _vector(committed, "committed", lo=0.0)
    r = _vector(required, "required", lo=0.0)
    _same_length(c, r, "committed", "required")
    return np.array(coverage_unchecked(c.tolist(), r.tolist()))


def success_probability(
    base: float,
    kappa: Any,
    weights: Any,
    mean_capability: float,
    mean_trust: float,
    synergy: float,
    technology: float,
) -> float:
    """Success probability of a project (DESIGN §3.6).

    p = base × Π_d κ_d^w_d × (0.5 + 0.5·mean_capability) × (1 + synergy·mean_trust)
        × technology, clipped to [0, 1].

    The product over dimensions makes resources complementary (a missing dimension with
    positive weight sinks the project); a dimension with weight 0 does not matter (0**0 = 1).

    Args:
        base: Base success probability of the project's stage, in [0, 1].
        kappa: Coverage per dimension, in [0, 1].
        weights: Importance exponent per dimension, >= 0.
        mean_capability: Team's mean capability, in [0, 1].
        mean_trust: Team's mean pairwise trust, in [0, 1].
        synergy: How much trust helps execution, >= 0.
        technology: Technology-opportunity multiplier, >= 0.

    Returns:
        Success probability in [0, 1].
    """
    base = _scalar(base, "base", lo=0.0, hi=1.0)
    k = _vector(kappa, "kappa", lo=0.0, hi=1.0)
    w = _vector(weights, "weights", lo=0.0)
    _same_length(k, w, "kappa", "weights")
    capability = _scalar(mean_capability, "mean_capability", lo=0.0, hi=1.0)
    trust = _scalar(mean_trust, "mean_trust", lo=0.0, hi=1.0)
    synergy = _scalar(synergy, "synergy", lo=0.0)
    technology = _scalar(technology, "technology", lo=0.0)
    return expected_success_unchecked(
        base, k.tolist(), w.tolist(), capability, trust, synergy, technology
    )


def expected_success_unchecked(
    base: float,
    kappa: list[float],
    weights: list[float],
    mean_capability: float,
    mean_trust: float,
    synergy: float,
    technology: float,
) -> float:
    """:func:`success_probability` without input checks, on plain floats.

    The formula of :func:`success_probability`, which checks its inputs and calls this; the
    model's inner loop calls it directly (every candidate's acceptance evaluates it), its
    inputs valid by construction: coverage from :func:`coverage_unchecked`, weights that sum
    to 1. ``k ** w`` is Python's, i.e. the C library's ``pow``, the same on every machine (see
    :func:`_pow`); the product runs left to right, as ``numpy.prod`` does.
    """
    prod = coverage_index_unchecked(kappa, weights)
    p = base * prod * (0.5 + 0.5 * mean_capability) * (1.0 + synergy * mean_trust) * technology
    p = p if p > 0.0 else 0.0  # max(0.0, p) without a call (-0.0 and NaN give 0.0 as there)
    return p if p < 1.0 else 1.0  # min(1.0, p)


def coverage_index_unchecked(kappa: list[float], weights: list[float]) -> float:
    """The team's coverage index ``Π κ_d ** w_d`` (the first factor of the success
    probability, 1 when every need is covered), on plain floats without input checks.

    Its one place: :func:`expected_success_unchecked` multiplies it into the success
    probability, and the model reports it per executed project (``mean_coverage``). ``k ** w``
    is the C library's ``pow`` (see :func:`_pow`); the product runs left to right, as
    ``numpy.prod`` does.
    """
    prod = 1.0
    for k_d, w_d in zip(kappa, weights, strict=True):
        prod *= k_d**w_d
    return prod


def joined_success_unchecked(
    committed: list[float],
    extra: list[float],
    required: list[float],
    weights: list[float],
    base: float,
    mean_capability: float,
    technology: float,
) -> float:
    """The success probability a team expects with ``extra`` resources added and no trust
    synergy: :func:`expected_success_unchecked` of :func:`coverage_unchecked` ``(committed,
    required, extra)``, in one pass over the resources (partner search evaluates it for every
    candidate it asks). The same operations in the same order, so the same floats."""
    prod = 1.0
    for c, e, r, w_d in zip(committed, extra, required, weights, strict=True):
        q = (c + e) / r if r > 0.0 else 1.0
        prod *= (q if q < 1.0 else 1.0) ** w_d
    # The trust-synergy factor, 1 + synergy × 0, is exactly 1.0: leaving it out changes no bit.
    p = base * prod * (0.5 + 0.5 * mean_capability) * technology
    p = p if p > 0.0 else 0.0
    return p if p < 1.0 else 1.0


def coverage_unchecked(
    committed: list[float], required: list[float], extra: list[float] | None = None
) -> list[float]:
    """:func:`coverage` without input checks, on plain floats: ``min(1, c / r)``, 1 where
    ``r <= 0``; with ``extra``, the coverage of ``committed + extra`` (each sum ``c + e`` taken
    before its ratio).

    The formula of :func:`coverage`, which checks its inputs and calls this; the model's inner
    loop calls it directly, with a candidate's offer as ``extra`` (no list of the sums per
    candidate). A ratio that overflows (a tiny requirement) is inf, capped at 1; ``c = -0.0``
    gives -0.0, as ``numpy.minimum`` did in the former numpy formula. Without ``extra``, each
    ``c`` gets ``-0.0`` added, which leaves every float as it is (-0.0 and +0.0 included).
    """
    if extra is None:
        extra = [-0.0] * len(committed)  # c + (-0.0) == c bit for bit, for every float c
    kappa = []
    for c, e, r in zip(committed, extra, required, strict=True):
        q = (c + e) / r if r > 0.0 else 1.0
        kappa.append(q if q < 1.0 else 1.0)  # min(1.0, q) without a call
    return kappa


def success_probabilities(
    base: float,
    kappa: Any,
    weights: Any,
    mean_capability: Any,
    mean_trust: Any,
    synergy: float,
    technology: float,
) -> np.ndarray:
    """:func:`success_probability` for many teams at once (e.g. every coalition of a project).

    Args:
        base: Base success probability of the project's stage, in [0, 1].
        kappa: Coverage, one row per team (m × d), in [0, 1].
        weights: Importance exponent per dimension (d), >= 0.
        mean_capability: Mean capability per team (m), in [0, 1].
        mean_trust: Mean pairwise trust per team (m), in [0, 1].
        synergy: How much trust helps execution, >= 0.
        technology: Technology-opportunity multiplier, >= 0.

    Returns:
        Success probability per team (m), in [0, 1].
    """
    base = _scalar(base, "base", lo=0.0, hi=1.0)
    k = np.asarray(kappa, dtype=float)
    if k.ndim != 2:
        raise ValueError(f"kappa must be two-dimensional (teams × dimensions), got {k.shape}")
    _vector(k.ravel(), "kappa", lo=0.0, hi=1.0, allow_empty=True)
    w = _vector(weights, "weights", lo=0.0)
    if k.shape[1] != w.size:
        raise ValueError(f"kappa has {k.shape[1]} dimensions but weights has {w.size}")
    cap = _vector(mean_capability, "mean_capability", lo=0.0, hi=1.0, allow_empty=True)
    trust = _vector(mean_trust, "mean_trust", lo=0.0, hi=1.0, allow_empty=True)
    if not cap.size == trust.size == k.shape[0]:
        raise ValueError(
            f"kappa, mean_capability and mean_trust need one entry per team, got "
            f"{k.shape[0]}, {cap.size} and {trust.size}"
        )
    synergy = _scalar(synergy, "synergy", lo=0.0)
    technology = _scalar(technology, "technology", lo=0.0)
    return success_probabilities_unchecked(base, k, w, cap, trust, synergy, technology)


def success_probabilities_unchecked(
    base: float,
    kappa: np.ndarray,
    weights: np.ndarray,
    mean_capability: np.ndarray,
    mean_trust: np.ndarray,
    synergy: float,
    technology: float,
) -> np.ndarray:
    """:func:`success_probabilities` without input checks, on float arrays (the model's Shapley
    values of large teams, whose inputs are valid by construction).

    ``kappa ** weights`` is raised by the C library's pow (:func:`_pow`, one Python call per
    entry) only where it can differ from 1: ``1.0 ** w`` and ``k ** 0.0`` are exactly 1 (C99,
    and Python's ``**``), and the larger coalitions of a team cover most dimensions fully.
    """
    factors = np.ones(kappa.shape)
    todo = (kappa != 1.0) & (weights != 0.0)
    factors[todo] = _pow(kappa[todo], np.broadcast_to(weights, kappa.shape)[todo])
    p = (
        base
        * np.prod(factors, axis=1)
        * (0.5 + 0.5 * mean_capability)
        * (1.0 + synergy * mean_trust)
        * technology
    )
    return np.clip(p, 0.0, 1.0)


PLAIN_COALITIONS_MAX = 5
"""Largest team for which :func:`coalition_successes_unchecked` (plain floats) is faster than
numpy's whole-table version; at 6 members (63 coalitions) numpy is ahead."""


@functools.cache
def _coalitions(n: int) -> tuple[tuple[int, ...], ...]:
    """The members of every coalition of ``n`` members in increasing order, by bitmask."""
    out: list[tuple[int, ...]] = [()]
    for i in range(n):
        out += [(*members, i) for members in out]
    return tuple(out)


_CoalitionPlan = tuple[tuple[tuple[int, ...], int, int], ...]


def _coalition_plan(teams: tuple[tuple[int, ...], ...], d: int) -> _CoalitionPlan:
    """Per coalition (members in increasing order): the positions of its members' trust
    columns in a row ``delivered + trust + [capability]`` of ``d`` resources (``d + j`` for
    member j), its size and its number of ordered pairs ``size · (size − 1)``."""
    return tuple(
        (tuple(d + j for j in team), len(team), len(team) * (len(team) - 1)) for team in teams
    )


@functools.cache
def _all_coalitions_plan(n: int, d: int) -> _CoalitionPlan:
    """:func:`_coalition_plan` of every non-empty coalition of ``n`` members, by bitmask.
    Cached per team size: the model asks for the same few sizes thousands of times."""
    return _coalition_plan(_coalitions(n)[1:], d)


def coalition_successes_unchecked(
    base: float,
    delivered: list[list[float]],
    trust: list[list[float]],
    capability: list[float],
    external: list[float],
    required: list[float],
    weights: list[float],
    synergy: float,
    technology: float,
    coalitions: list[tuple[int, ...]] | None = None,
) -> list[float]:
    """Success probability of every coalition (sub-team) of a team, in plain floats, without
    input checks; entry ``mask - 1`` is the coalition of the members whose bits are set in
    ``mask`` (member i is bit ``1 << i``), for masks 1 … 2**n − 1. Given ``coalitions``
    (non-empty, members in increasing order), only those, in that order.

    A coalition S works with its own delivered resources plus the ``external`` ones (coverage
    of ``required``), its mean ``capability`` and its mean pairwise ``trust`` (``trust[a][b]``,
    a's trust in b, with a zero diagonal): :func:`expected_success_unchecked` of those. This is
    the model's v(S) / V for Shapley values (``InnovationModel.marginal_values``); numpy's
    whole-table version of it pays about 60 calls per team, which dominates for the model's
    small teams, so they use this one.

    The rounding is that of the vectorised formula, bit for bit: the members' rows summed in
    order (:func:`abm.rules.subset_sums`, as :func:`abm.rules.member_sums`), the trust sum of
    the member columns as numpy's row sum over all n columns (non-members' columns count as
    0.0), and the product of ``kappa ** weight`` left to right, where factors ``1.0 ** w`` and
    ``k ** 0.0`` (both exactly 1) are left out. A dimension with ``required`` 0 therefore
    counts as covered; the model's weights are the requirement's shares, so its weight is 0
    and numpy's ``x / 0`` would count as 1 too.

    It inlines the success formula of :func:`expected_success_unchecked` rather than calling
    it per coalition: this is the model's hottest loop (31 coalitions per 5-member team), the
    filtered dimensions skip most powers, and the clipping must keep -0.0 as ``numpy.clip``
    does in :func:`success_probabilities_unchecked`, whereas ``min(1.0, max(0.0, p))`` in
    :func:`expected_success_unchecked` turns it into +0.0. A hypothesis test ties it bit for
    bit to that vectorised formula.
    """
    n, d = len(capability), len(required)
    rows = [[*r, *t, c] for r, t, c in zip(delivered, trust, capability, strict=True)]
    if coalitions is None:
        plan = _all_coalitions_plan(n, d)
        sums = subset_sums(rows)[1:]
    else:  # each coalition's members added in order, as member_sums with its 0/1 row
        plan = _coalition_plan(tuple(coalitions), d)
        sums = []
        for team in coalitions:
            total = [0.0] * len(rows[0])
            for i in team:
                total = list(map(operator.add, total, rows[i]))
            sums.append(total)
    # The dimensions whose coverage can matter: required and with a positive weight.
    dims = [
        (i, required[i], weights[i], external[i])
        for i in range(d)
        if required[i] > 0.0 and weights[i] != 0.0
    ]
    out = []
    for s, (columns, size, pairs) in zip(sums, plan, strict=True):
        prod = 1.0
        for i, r, w, e in dims:
            q = (s[i] + e) / r
            if q < 1.0:  # otherwise covered: the factor is 1.0 ** w == 1.0
                prod *= q**w
        if pairs:  # two members or more
            inner = 0.0
            if n < 8:  # numpy's row sum of fewer than 8 columns: left to right, 0.0s skipped
                for c in columns:
                    inner += s[c]
            else:  # numpy's pairwise sum over all n columns, non-members' as 0.0
                inside = [0.0] * n
                for c in columns:
                    inside[c - d] = s[c]
                inner = pairwise_sum(inside)
            trust_mean = inner / pairs
        else:
            trust_mean = 0.0
        p = base * prod * (0.5 + 0.5 * (s[-1] / size)) * (1.0 + synergy * trust_mean) * technology
        out.append(1.0 if p >= 1.0 else 0.0 if p < 0.0 else p)  # as np.clip, -0.0 and NaN too
    return out


_POW = np.frompyfunc(operator.pow, 2, 1)


def _pow(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    """``base ** exponent`` elementwise by the C library's ``pow``, as Python's float ``**``.

    numpy's own float64 power is chosen by the CPU's SIMD level: with AVX-512 it differs from
    the C library's in the last bit for about one value in seven, so the model's results would
    depend on the machine. Python's ``**`` also keeps this kernel equal to
    :func:`expected_success_unchecked`, which the model's inner loop uses.
    """
    return _POW(base, exponent).astype(float)


def draw_success(p: float, spread: float, rng: np.random.Generator) -> tuple[bool, float]:
    """Draw a project's outcome around its estimated success probability.

    The realised probability p_real = clip(p + spread·N(0, 1), 0, 1) models how uncertain the
    risk estimate is (advisory services narrow ``spread``); success = U(0, 1) < p_real. Exactly
    two draws (a normal, then a uniform) are consumed every call, even when spread is 0, so the
    stream stays aligned across scenarios.

    Args:
        p: Estimated success probability, in [0, 1].
        spread: Standard deviation of the estimate, >= 0.
        rng: Random generator (the model's execution stream).

    Returns:
        (success, p_real).
    """
    p = _scalar(p, "p", lo=0.0, hi=1.0)
    spread = _scalar(spread, "spread", lo=0.0)
    return draw_success_unchecked(p, spread, rng)


def draw_success_unchecked(p: float, spread: float, rng: np.random.Generator) -> tuple[bool, float]:
    """:func:`draw_success` without the checks (``p`` in [0, 1] and ``spread >= 0``, floats):
    the model draws once per executed project, with inputs valid by construction.

    The clip is written as conditionals, without ``min``/``max`` calls; they return the same
    numbers as ``min(1.0, max(0.0, x))``, -0.0 and NaN included (both give 0.0).
    """
    z = rng.standard_normal()
    u = rng.random()
    x = p + spread * float(z)
    x = x if x > 0.0 else 0.0  # max(0.0, x)
    p_real = x if x < 1.0 else 1.0  # min(1.0, x)
    return u < p_real, p_real


def split_loss(loss: float, *, commitments: Any = None, risk_shares: Any = None) -> np.ndarray:
    """Split a project's loss by commitment (proportional) or by agreed risk shares.

    Exactly one of ``commitments`` and ``risk_shares`` must be given. Strict contracts split by
    what each member committed; negotiated ones by the risk shares the members agreed on.

    Args:
        loss: Loss to split, >= 0.
        commitments: Committed resource value per member, >= 0 (all zero → equal split).
        risk_shares: Agreed share of the risk per member, >= 0, summing to 1.

    Returns:
        Loss per member, summing to ``loss``.
    """
    loss = _scalar(loss, "loss", lo=0.0)
    if (commitments is None) == (risk_shares is None):
        raise ValueError("give exactly one of commitments= or risk_shares= to split_loss")
    if commitments is not None:
        c = _vector(commitments, "commitments", lo=0.0)
        return np.array(proportional_split_unchecked(loss, c.tolist()))
    return np.array(split_loss_unchecked(loss, _shares(risk_shares, "risk_shares").tolist()))


def split_loss_unchecked(loss: float, risk_shares: list[float]) -> list[float]:
    """:func:`split_loss` by risk shares, without input checks, on plain floats:
    ``loss · (R_i / Σ R)``.

    The formula of :func:`split_loss` by risk shares, which checks its inputs and calls this;
    the model's inner loop calls it directly (its risk shares sum to 1 by construction). The
    shares are renormalised by their sum, rounded as numpy's (:func:`abm.rules.pairwise_sum`),
    which removes the rounding their sum may carry.
    """
    total = pairwise_sum(risk_shares)
    return [loss * (r / total) for r in risk_shares]
