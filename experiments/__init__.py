"""Headless batch experiments: TOML specs, reproducible seeds, Parquet results, resume, Dask.

Command line: ``python -m experiments run SPEC.toml``, ``plot OUT/<name>``,
``sensitivity OUT/<name>`` (see ``docs/experiments.md``). From Python::

    from experiments import load_spec, make_engine, run_experiment

    spec = load_spec("experiments/specs/example.toml")
    report = run_experiment(spec, "out", make_engine(workers=2), resume=True)
"""

from __future__ import annotations

from experiments.engines import DaskEngine, ProcessEngine, SerialEngine, make_engine
from experiments.runner import Interrupted, SweepReport, run_experiment
from experiments.spec import ExperimentSpec, SpecError, load_spec, parse_spec

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
