"""Pure decision rules of the model: sharing, trust, coupling coordination and risk.

Every function here is a plain numpy function (no Mesa, no global state) so that it can be
tested against hand calculations and with hypothesis, and reused by other models. The
submodules are:

- ``abm.rules.sharing``: how a team splits returns (equal, proportional, Shapley, risk-adjusted
  Shapley, Nash bargaining) and how fair a split feels.
- ``abm.rules.trust``: beta-reputation trust, forgetting, trust stages, contract strictness.
- ``abm.rules.coupling``: coupling coordination degree of two subsystems and its grade bands.
- ``abm.rules.risk``: resource coverage, success probability, the success draw, loss splitting.

The private helpers below are the input checks the submodules share, so that every rule
rejects bad input the same way: a ``ValueError`` whose message names the argument.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

__all__: list[str] = ["left_sum", "member_sums", "pairwise_sum", "short_mean", "subset_sums"]


def left_sum(values: Any) -> float:
    """Sum of a short sequence of floats added left to right.

    For the model's inner loops on 4-element resource vectors: plain floats avoid numpy's
    per-call overhead, and left-to-right addition rounds exactly as numpy's ``sum`` does for
    fewer than 8 elements (Python's built-in ``sum`` does not: since 3.12 it compensates).
    """
    total = 0.0
    for v in values:
        total += v
    return total


def member_sums(masks: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``masks @ rows`` for 0/1 ``masks`` (one row per coalition, one column per member),
    added member by member in order, without BLAS.

    The result must not depend on the machine: BLAS picks its kernels by CPU, and they add the
    terms in different orders, so ``@`` can differ in the last bit between two computers (and
    a last bit can decide a later comparison in the model). Elementwise products and sums in a
    fixed order are the same everywhere.
    """
    out = np.zeros((masks.shape[0], rows.shape[1]))
    for i in range(rows.shape[0]):
        out += masks[:, i, None] * rows[i]
    return out


def subset_sums(rows: list[list[float]]) -> list[list[float]]:
    """Column sums of every subset of ``rows`` in plain floats, indexed by bitmask: entry
    ``mask`` sums the rows ``i`` whose bit ``1 << i`` is set, added in increasing ``i`` from 0.0.

    The same numbers, bit for bit, as :func:`member_sums` with the 0/1 masks of all subsets
    (for finite rows): there a subset's sum too adds its members' rows in order, and the
    non-members' zero terms change nothing (``x + 0.0 == x``). Here each subset's sum is the
    sum of the subset without its last member plus that member's row, so the 2**n subsets
    take 2**n − 1 row additions: for the model's small teams, without numpy's per-call cost.
    """
    out = [[0.0] * len(rows[0])] if rows else [[]]
    for row in rows:  # the subsets containing member i are those without it, plus row i
        out += [list(map(operator.add, prev, row)) for prev in out]  # rows of equal length
    return out


def pairwise_sum(values: list[float]) -> float:
    """``float(numpy.sum(values))`` in plain Python floats, rounded exactly as numpy rounds it.

    numpy adds a float64 vector by pairwise summation: below 8 values left to right from 0.0;
    up to 128 values in 8 interleaved partial sums, combined as a tree, then the remainder;
    beyond, the two halves (the first a multiple of 8 long) separately. For callers that need
    numpy's result on short lists without numpy's per-call cost (see :func:`left_sum`).
    """
    if len(values) < 8:  # the short lists of small teams: no further call
        res = 0.0
        for v in values:
            res += v
        return res
    return _pairwise(values, 0, len(values))


def _pairwise(a: list[float], lo: int, n: int) -> float:
    """numpy's pairwise sum of ``a[lo : lo + n]`` for ``n >= 8`` (see :func:`pairwise_sum`,
    which adds fewer values itself; the halves split off here are at least 64 long)."""
    if n <= 128:
        r = a[lo : lo + 8]
        end = lo + n - n % 8
        for i in range(lo + 8, end, 8):
            r = [x + y for x, y in zip(r, a[i : i + 8], strict=True)]
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(end, lo + n):
            res += a[i]
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(a, lo, half) + _pairwise(a, lo + half, n - half)


_SMALL = 32  # vectors up to this length are checked in plain Python (see _vector)


def short_mean(values: list[float]) -> float:
    """Mean of a non-empty list of floats, rounded exactly as ``numpy.mean`` rounds it.

    Below 8 values numpy adds left to right (:func:`left_sum`); from 8 on it sums pairwise, so
    longer lists go to numpy itself. For per-team means in the model's inner loop.
    """
    if len(values) < 8:
        return left_sum(values) / len(values)
    return float(np.mean(values))


def _scalar(
    x: Any,
    name: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    hi_open: bool = False,
) -> float:
    """Return ``x`` as a finite float inside ``[lo, hi]`` (or ``[lo, hi)``), else ValueError."""
    try:
        value = float(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a real number, got {x!r}") from exc
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if lo is not None and value < lo:
        raise ValueError(f"{name} must be >= {lo}, got {value}")
    if hi is not None and (value >= hi if hi_open else value > hi):
        op = "<" if hi_open else "<="
        raise ValueError(f"{name} must be {op} {hi}, got {value}")
    return value


def _vector(
    x: Any,
    name: str,
    *,
    lo: float | None = None,
    hi: float | None = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Return ``x`` as a finite 1-D float array with entries in ``[lo, hi]``, else ValueError."""
    if type(x) is np.ndarray and x.dtype == np.float64:
        arr = x  # the model's hot path: skip the conversion
    else:
        try:
            arr = np.asarray(x, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be a sequence of real numbers, got {x!r}") from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        if not allow_empty:
            raise ValueError(f"{name} must not be empty")
        return arr
    if arr.size <= _SMALL:  # the model's team-sized vectors: Python beats two numpy reductions
        values = arr.tolist()
        if not all(map(math.isfinite, values)):
            raise ValueError(f"{name} must be finite, got {values}")
        mn, mx = min(values), max(values)
    else:  # min/max propagate NaN, so two reductions check finiteness and both bounds at once
        mn, mx = float(arr.min()), float(arr.max())
        if not (math.isfinite(mn) and math.isfinite(mx)):
            raise ValueError(f"{name} must be finite, got {arr.tolist()}")
    if lo is not None and mn < lo:
        raise ValueError(f"{name} must be >= {lo} in every entry, got {arr.tolist()}")
    if hi is not None and mx > hi:
        raise ValueError(f"{name} must be <= {hi} in every entry, got {arr.tolist()}")
    return arr


def _same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ValueError when two vectors that pair up member by member differ in length."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same length, got {a.size} and {b.size}"
        )


def _shares(x: Any, name: str, n: int | None = None, *, tol: float = 1e-9) -> np.ndarray:
    """Return ``x`` as non-negative shares that sum to 1 within ``tol``, else ValueError.

    Returned as given, not renormalised: the rules' plain-float formulas divide the shares by
    their sum themselves (which removes the tolerated rounding, so that splits built on them
    are efficient to machine precision), e.g. :func:`abm.rules.risk.split_loss_unchecked`.
    """
    arr = _vector(x, name, lo=0.0)
    if n is not None and arr.size != n:
        raise ValueError(f"{name} must have length {n}, got {arr.size}")
    total = float(arr.sum())
    if abs(total - 1.0) > tol:
        raise ValueError(f"{name} must sum to 1 (tolerance {tol}), got sum {total!r}")
    return arr
