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
from typing import Any

import numpy as np

__all__: list[str] = ["left_sum", "member_sums", "short_mean"]


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
    """Return non-negative shares that sum to 1 within ``tol``, renormalised to sum to 1.

    Renormalising removes the tolerated rounding so that splits built on the shares are
    efficient to machine precision.
    """
    arr = _vector(x, name, lo=0.0)
    if n is not None and arr.size != n:
        raise ValueError(f"{name} must have length {n}, got {arr.size}")
    total = float(arr.sum())
    if abs(total - 1.0) > tol:
        raise ValueError(f"{name} must sum to 1 (tolerance {tol}), got sum {total!r}")
    return arr / total
