"""Named random streams derived from one run seed.

Every random draw in the model comes from one of these streams. Each stream is spawned from the
run's :class:`numpy.random.SeedSequence` by a fixed name, so adding draws to one mechanism never
shifts the draws of another, and the same seed gives the same run on any machine.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from abm.rules import left_sum

#: The model's streams. They are keyed by name (hashed), not by position, so adding a stream
#: leaves every other stream's draws unchanged.
STREAMS: tuple[str, ...] = (
    "init",  # initial population
    "market",  # demand and technology shocks
    "opportunity",  # who initiates a project, project requirements and value
    "search",  # candidate sampling and random partner choice
    "execution",  # withholding, success draws
    "services",  # service institutions' choices
    "lifecycle",  # entry, training, awards
    "measure",  # sampled network metrics
)


def _name_key(name: str) -> int:
    """A stable 32-bit integer for a stream name (independent of Python's hash seed)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of stream ``name`` for a run with seed ``seed``."""
    _check_int("seed", seed)
    return np.random.default_rng(np.random.SeedSequence([int(seed), _name_key(name)]))


def make_streams(seed: int, names: tuple[str, ...] = STREAMS) -> dict[str, np.random.Generator]:
    """All named streams of one run."""
    return {name: stream(seed, name) for name in names}


def run_seeds(master_seed: int, n_runs: int) -> list[int]:
    """Seeds of ``n_runs`` runs of a batch, derived from the batch's master seed.

    Run ``i``'s seed depends only on the master seed and ``i``, so a run can be re-run or resumed
    alone, on any worker, with the same result.
    """
    _check_int("master_seed", master_seed)
    _check_int("n_runs", n_runs)
    children = np.random.SeedSequence(int(master_seed)).spawn(int(n_runs))
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def run_seed(master_seed: int, index: int) -> int:
    """Seed of run ``index`` of a batch (same as ``run_seeds(master_seed, index + 1)[index]``)."""
    _check_int("master_seed", master_seed)
    _check_int("index", index)
    child = np.random.SeedSequence(int(master_seed), spawn_key=(int(index),))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def _check_int(name: str, value: Any) -> None:
    """A non-negative integer (Python or numpy), never a float, string or bool coerced."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")


def symmetric_dirichlet(rng: np.random.Generator, alpha: float, k: int) -> np.ndarray:
    """A Dirichlet(alpha, ..., alpha) draw of ``k`` shares, as normalised Gamma(alpha) variates.

    The same numbers ``rng.dirichlet(np.full(k, alpha))`` gives for ``alpha >= 0.1`` (numpy's
    algorithm for those), without its per-call checks: one is drawn for every project.
    """
    gammas = rng.standard_gamma(alpha, size=k)
    return gammas * (1.0 / left_sum(gammas.tolist()))  # added left to right, as numpy does


def resolve_seed(rng: int | None) -> int:
    """The run's seed: ``rng`` checked (a non-negative integer), or, when ``None``, fresh
    entropy from the OS, returned so that the run can be repeated."""
    if rng is None:
        rng = int(np.random.SeedSequence().generate_state(1)[0])
    _check_int("rng", rng)
    return int(rng)
