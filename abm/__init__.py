"""Agent-based model of collaborative innovation: makers, universities, enterprises and S&T
service institutions that find partners, build trust, pool resources, share risk and returns.

Headless use::

    import abm
    df = abm.run(steps=200, rng=1)                  # baseline scenario
    df = abm.run(abm.SCENARIOS["trust_off"], rng=1, steps=100, n_makers=120)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from abm.params import Params, param_specs
from abm.scenarios import SCENARIO_DESCRIPTIONS, SCENARIOS, get_scenario

__all__ = [
    "SCENARIOS",
    "SCENARIO_DESCRIPTIONS",
    "InnovationModel",
    "Params",
    "get_scenario",
    "param_specs",
    "run",
]


def run(
    params: Params | None = None, *, rng: int | None = None, steps: int = 100, **overrides: Any
) -> pd.DataFrame:
    """Run one model headless and return its reporters, one row per step (row 0: initial state).

    Args:
        params: base parameters (default: the baseline scenario).
        rng: the run's seed; the same seed and parameters give an identical frame.
        steps: number of steps to run (>= 0).
        **overrides: parameter values replacing those of ``params``.

    ``df.attrs`` holds the run's ``seed`` and ``params`` (as a dict).
    """
    from abm.model import InnovationModel
    from abm.reporters import run_headless

    return run_headless(lambda: InnovationModel(params, rng=rng, **overrides), steps)


def __getattr__(name: str) -> Any:
    if name == "InnovationModel":  # lazy: importing abm.params must not import Mesa
        from abm.model import InnovationModel

        return InnovationModel
    raise AttributeError(name)
