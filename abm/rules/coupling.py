"""Coupling coordination degree of two subsystems (seed 000; DESIGN §6).

The maker subsystem U1 and the S&T-innovation subsystem U2 are each scored in [0, 1]. The
coupling degree C = 2·√(U1·U2)/(U1+U2) measures how balanced they are (1 when equal), the
comprehensive development index T = α·U1 + β·U2 how developed they are together, and the
coordination degree D = √(C·T) combines both. D is read on the usual ten grade bands of width
0.1, from "extreme imbalance" [0, 0.1) to "high-quality coordination" [0.9, 1.0].
"""

from __future__ import annotations

import math
from bisect import bisect_right

from abm.rules import _scalar

__all__ = ["GRADES", "coordination_grade", "coupling_coordination", "grade_bounds"]

GRADES = (
    "extreme imbalance",
    "serious imbalance",
    "moderate imbalance",
    "mild imbalance",
    "near imbalance",
    "barely coordinated",
    "primary coordination",
    "intermediate coordination",
    "good coordination",
    "high-quality coordination",
)
"""Ten coordination grades, lowest first; grade k covers D in [k/10, (k+1)/10)."""

# Band edges as the float literals 0.0, 0.1, ..., 1.0 so that a D equal to a printed edge (say
# 0.3) falls in the band that starts there, whatever rounding k/10 would introduce.
_EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def coupling_coordination(
    u1: float, u2: float, alpha: float = 0.5, beta: float = 0.5
) -> tuple[float, float, float]:
    """Coupling degree C, development index T and coordination degree D of two subsystems.

    Args:
        u1: Score of subsystem 1 (makers) in [0, 1].
        u2: Score of subsystem 2 (S&T innovation) in [0, 1].
        alpha: Weight of u1 in T, in [0, 1].
        beta: Weight of u2 in T, in [0, 1]; alpha + beta must be 1 (tolerance 1e-9).

    Returns:
        (C, T, D), each in [0, 1]; (0, 0, 0) when both scores are 0 (C is 0/0 there, and an
        undeveloped pair of subsystems is not coordinated). Values are clipped to [0, 1] to
        absorb rounding (C can exceed 1 by one ulp when u1 == u2).
    """
    u1 = _scalar(u1, "u1", lo=0.0, hi=1.0)
    u2 = _scalar(u2, "u2", lo=0.0, hi=1.0)
    alpha = _scalar(alpha, "alpha", lo=0.0, hi=1.0)
    beta = _scalar(beta, "beta", lo=0.0, hi=1.0)
    if abs(alpha + beta - 1.0) > 1e-9:
        raise ValueError(f"alpha + beta must be 1 (tolerance 1e-9), got {alpha} + {beta}")
    if u1 + u2 == 0.0:
        return 0.0, 0.0, 0.0
    c = min(1.0, 2.0 * math.sqrt(u1 * u2) / (u1 + u2))
    t = min(1.0, alpha * u1 + beta * u2)
    d = min(1.0, math.sqrt(c * t))
    return c, t, d


def coordination_grade(d: float) -> str:
    """Grade band of a coordination degree D: bands [k/10, (k+1)/10), and 1.0 in the last.

    Args:
        d: Coordination degree in [0, 1].

    Returns:
        One of ``GRADES``.
    """
    d = _scalar(d, "d", lo=0.0, hi=1.0)
    return GRADES[min(bisect_right(_EDGES, d) - 1, len(GRADES) - 1)]


def grade_bounds(grade: str) -> tuple[float, float]:
    """Lower (inclusive) and upper (exclusive, except 1.0 for the top grade) bounds of a grade.

    Args:
        grade: One of ``GRADES``.

    Returns:
        (lower, upper) bound of D for that grade.
    """
    try:
        k = GRADES.index(grade)
    except ValueError:
        raise ValueError(f"grade must be one of {GRADES}, got {grade!r}") from None
    return _EDGES[k], _EDGES[k + 1]
