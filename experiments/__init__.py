"""Headless batch experiments: TOML specs, reproducible seeds, Parquet results, resume, Dask.

Command line: ``python -m experiments run SPEC.toml``, ``plot OUT/<name>``,
``sensitivity OUT/<name>`` (see ``docs/experiments.md``). From Python::

    from experiments import load_spec, make_engine, run_experiment

    spec = load_spec("experiments/specs/example.toml")
    report = run_experiment(spec, "out", make_engine(workers=2), resume=True)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from experiments.engines import DaskEngine, ProcessEngine, SerialEngine, make_engine
    from experiments.runner import Interrupted, SweepReport, run_experiment
    from experiments.spec import ExperimentSpec, SpecError, load_spec, parse_spec

#: Public name → module. Imported on first use, so that ``python -m experiments`` reaches its
#: own Ctrl-C handling before numpy, pandas and the model are imported (a Ctrl-C during those
#: imports printed a traceback).
_EXPORTS = {
    "DaskEngine": "experiments.engines",
    "ProcessEngine": "experiments.engines",
    "SerialEngine": "experiments.engines",
    "make_engine": "experiments.engines",
    "Interrupted": "experiments.runner",
    "SweepReport": "experiments.runner",
    "run_experiment": "experiments.runner",
    "ExperimentSpec": "experiments.spec",
    "SpecError": "experiments.spec",
    "load_spec": "experiments.spec",
    "parse_spec": "experiments.spec",
}

__all__ = [
    "DaskEngine",
    "ExperimentSpec",
    "Interrupted",
    "ProcessEngine",
    "SerialEngine",
    "SpecError",
    "SweepReport",
    "load_spec",
    "make_engine",
    "parse_spec",
    "run_experiment",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
