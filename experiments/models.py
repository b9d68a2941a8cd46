"""Models an experiment spec can run, by name.

A model is a frozen parameters dataclass whose fields carry :func:`abm.params.meta` metadata, a
``run(params, *, rng, steps) -> DataFrame`` function (one row per step, row 0 the initial state)
and optionally named scenarios. The runner and the spec checks only use this interface, so a new
model is one entry in :data:`LOADERS`.

Modules are imported lazily: loading the registry never imports Mesa, and a model whose module
is missing gives a clear error naming it instead of an ``ImportError`` deep in a worker.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd


class ModelNotFound(ValueError):
    """The spec names a model that is unknown or whose module cannot be imported."""


@dataclass(frozen=True)
class ModelEntry:
    """What the experiment runner needs to know about one model."""

    name: str
    #: Frozen dataclass of parameters; every field has label/min/max/choices metadata.
    params_cls: type
    #: ``run(params, *, rng=seed, steps=n) -> DataFrame`` with one row per step.
    run: Callable[..., pd.DataFrame]
    #: Named base parameter sets (``scenario = "..."`` in a spec); may be empty.
    scenarios: Mapping[str, Any]
    #: Scenario used when a spec names none (``None``: the dataclass defaults).
    default_scenario: str | None
    #: Reporters plotted when a spec chooses none (subset of the model's columns).
    default_plot_reporters: tuple[str, ...] = ()

    def base_params(self, scenario: str | None) -> Any:
        """Parameters of ``scenario`` (or of the default scenario / dataclass defaults)."""
        name = scenario if scenario is not None else self.default_scenario
        if name is None:
            return self.params_cls()
        if name not in self.scenarios:
            raise ValueError(_unknown("scenario", name, list(self.scenarios)))
        return self.scenarios[name]

    def make_params(self, base: Any, changes: Mapping[str, Any]) -> Any:
        """``base`` with ``changes`` applied; the dataclass validates every value."""
        return dataclasses.replace(base, **changes)

    def from_dict(self, values: Mapping[str, Any]) -> Any:
        """Parameters from a full mapping of field values (as sent to a worker)."""
        return self.params_cls(**values)


def _unknown(what: str, name: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(valid))}"
    return f"unknown {what} {name!r}{hint}"


def _load_innovation() -> ModelEntry:
    import abm
    from abm.params import Params
    from abm.scenarios import SCENARIOS

    return ModelEntry(
        name="innovation",
        params_cls=Params,
        run=abm.run,
        scenarios=SCENARIOS,
        default_scenario="baseline",
        default_plot_reporters=(
            "n_makers_alive",
            "mean_trust",
            "cum_returns",
            "gini_wealth",
            "giant_component_share",
            "success_rate",
        ),
    )


def _load_team_assembly() -> ModelEntry:
    try:
        mod = importlib.import_module("abm.team_assembly")
    except ModuleNotFoundError as e:
        if e.name not in ("abm.team_assembly", "abm"):
            raise
        raise ModelNotFound(
            "model 'team_assembly' needs the module abm/team_assembly.py, which is not installed "
            "in this checkout"
        ) from None
    scenarios = dict(getattr(mod, "SCENARIOS", {}) or {})
    return ModelEntry(
        name="team_assembly",
        params_cls=mod.TeamAssemblyParams,
        run=mod.run,
        scenarios=scenarios,
        default_scenario=None,
        default_plot_reporters=tuple(getattr(mod, "DEFAULT_PLOT_REPORTERS", ()) or ()),
    )


#: Model name → loader. Keep loaders importable by name so worker processes can rebuild them.
LOADERS: dict[str, Callable[[], ModelEntry]] = {
    "innovation": _load_innovation,
    "team_assembly": _load_team_assembly,
}


@functools.cache
def get_model(name: str) -> ModelEntry:
    """The model called ``name`` (``ModelNotFound`` with the nearest name if unknown)."""
    if name not in LOADERS:
        raise ModelNotFound(_unknown("model", name, list(LOADERS)))
    return LOADERS[name]()
