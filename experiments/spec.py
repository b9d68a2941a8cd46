"""Experiment spec files (TOML): parsing and validation before any run starts.

A spec names the model, a base scenario with overrides, a design (``grid``, ``lhs``, ``sobol``
or ``morris``), replicates, steps, the master seed and what to keep. Every check happens here,
against the model's parameter metadata (:func:`abm.params.meta`): unknown names get the nearest
valid name, values and bounds are checked against the declared range, and TOML syntax errors
carry their line number. Errors are :class:`SpecError` with one clear line; nothing is clamped.

See ``docs/experiments.md`` for the format reference.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from abm.params import ParamSpec, field_specs
from abm.streams import run_seed
from experiments.models import ModelEntry, ModelNotFound, get_model

DESIGN_KINDS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")
STATISTICS: tuple[str, ...] = ("final", "mean")

_TOP_KEYS = {
    "name",
    "question",
    "model",
    "scenario",
    "overrides",
    "design",
    "replicates",
    "steps",
    "master_seed",
    "record_every",
    "reporters",
    "common_seeds",
    "analysis",
}
_DESIGN_KEYS = {
    "grid": {"kind", "grid"},
    "lhs": {"kind", "n", "parameters", "bounds"},
    "sobol": {"kind", "n", "parameters", "bounds", "second_order"},
    "morris": {"kind", "n", "parameters", "bounds", "num_levels"},
}
_ANALYSIS_KEYS = {"reporters", "statistic"}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class SpecError(ValueError):
    """A spec file that cannot be run; the message names the file, field and allowed values."""


# --- Parameter values -----------------------------------------------------------------------


def check_value(info: ParamSpec, value: Any, where: str) -> Any:
    """``value`` converted to the parameter's type, or :class:`SpecError` naming the range.

    Whole floats become ints for integer parameters (``3.0`` → ``3``) and ints become floats for
    float parameters (:meth:`~abm.params.ParamSpec.coerce`); the check itself is the model's
    own (:meth:`~abm.params.ParamSpec.check`). Nothing is clamped.
    """
    try:
        return info.check(info.coerce(value))
    except ValueError:
        raise SpecError(
            f"{where}: {info.name} = {value!r} is invalid; expected {info.describe_range()}"
        ) from None


# --- The spec -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """The design points of an experiment, already expanded and validated."""

    kind: str
    #: Varied parameters, in column order.
    parameters: tuple[str, ...]
    #: One dict per design point: parameter → value (ints rounded, types checked).
    points: tuple[dict[str, Any], ...]
    #: Sampling designs: the raw sample matrix (points × parameters) before rounding; the
    #: sensitivity analysis needs it (Morris reads which parameter moved along a trajectory).
    raw: np.ndarray | None = None
    #: Sampling designs: parameter → (low, high) actually sampled.
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    #: Sampling designs: base sample size N (lhs points, Sobol N, Morris trajectories).
    n: int = 0
    second_order: bool = False
    num_levels: int = 4

    def problem(self) -> dict[str, Any]:
        """The SALib problem dict of a sampling design."""
        return {
            "num_vars": len(self.parameters),
            "names": list(self.parameters),
            "bounds": [list(self.bounds[p]) for p in self.parameters],
        }


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: what to run, how often, and what to keep."""

    name: str
    question: str
    model: str
    scenario: str | None
    overrides: dict[str, Any]
    design: Design
    replicates: int
    steps: int
    master_seed: int
    record_every: int
    reporters: tuple[str, ...] | None
    common_seeds: bool
    analysis_reporters: tuple[str, ...]
    statistic: str
    #: The spec as parsed (TOML data), stored in the manifest.
    raw: dict[str, Any]
    path: str = ""

    @property
    def n_runs(self) -> int:
        """Design points × replicates."""
        return len(self.design.points) * self.replicates

    def run_seed(self, index: int, replicate: int) -> int:
        """Seed of run ``index`` (replicate ``replicate``), derived from the master seed.

        With ``common_seeds = true`` every design point reuses the seeds of replicates
        0..R-1 (common random numbers, for sharper comparisons between points).
        """
        return run_seed(self.master_seed, replicate if self.common_seeds else index)

    def identity(self) -> dict[str, Any]:
        """What determines the runs' results (changing any of it invalidates a resume)."""
        return {
            "model": self.model,
            "scenario": self.scenario,
            "overrides": self.overrides,
            "design": {
                "kind": self.design.kind,
                "parameters": list(self.design.parameters),
                "points": list(self.design.points),
            },
            "replicates": self.replicates,
            "steps": self.steps,
            "master_seed": self.master_seed,
            "record_every": self.record_every,
            "reporters": list(self.reporters) if self.reporters is not None else None,
            "common_seeds": self.common_seeds,
        }

    def digest(self) -> str:
        """SHA-256 of :meth:`identity` (canonical JSON)."""
        text = json.dumps(self.identity(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _line_of(text: str, key: str) -> int | None:
    """Line number (1-based) where ``key`` is first assigned or used as a table name."""
    pat = re.compile(rf"^\s*(\[.*\b{re.escape(key)}\b.*\]|\"?{re.escape(key)}\"?\s*=)")
    for i, line in enumerate(text.splitlines(), 1):
        if pat.match(line):
            return i
    return None


class _Ctx:
    """Error context: file name and text, to point at the line of a bad key."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text

    def error(self, msg: str, key: str | None = None) -> SpecError:
        line = _line_of(self.text, key) if key else None
        where = f"{self.path}, line {line}" if line else self.path
        return SpecError(f"{where}: {msg}")


def _suggest(name: str, valid: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_keys(ctx: _Ctx, data: Mapping[str, Any], valid: set[str], where: str) -> None:
    for key in data:
        if key not in valid:
            raise ctx.error(
                f"unknown key {key!r} in {where}{_suggest(key, sorted(valid))} "
                f"(allowed: {', '.join(sorted(valid))})",
                key,
            )


def _int(ctx: _Ctx, data: Mapping[str, Any], key: str, default: Any, lo: int, hi: int) -> int:
    value = data.get(key, default)
    if value is None:
        raise ctx.error(f"{key!r} is required (an integer in [{lo}, {hi}])")
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ctx.error(f"{key} = {value!r} is invalid; expected an integer in [{lo}, {hi}]", key)
    return value


def _bool(ctx: _Ctx, data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ctx.error(f"{key} = {value!r} is invalid; expected true or false", key)
    return value


def _param(ctx: _Ctx, infos: Mapping[str, ParamSpec], name: str, where: str) -> ParamSpec:
    if name not in infos:
        raise ctx.error(f"unknown parameter {name!r} in {where}{_suggest(name, list(infos))}", name)
    return infos[name]


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and validate the spec file at ``path`` (``SpecError`` on any problem)."""
    p = Path(path)
    if not p.exists():
        raise SpecError(f"{p}: spec file not found")
    if p.is_dir():
        raise SpecError(f"{p}: is a directory, expected a .toml spec file")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(f"{p}: cannot read spec file ({e})") from None
    return parse_spec(text, str(p))


def parse_spec(text: str, path: str = "<spec>") -> ExperimentSpec:
    """Validate the TOML ``text`` of a spec (``path`` only names it in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        if "(at end of document)" in msg:  # give the line number there too
            msg = msg.replace("end of document", f"end of document, line {len(text.splitlines())}")
        raise SpecError(f"{path}: TOML syntax error: {msg}") from None
    return build_spec(data, path=path, text=text)


def build_spec(data: Mapping[str, Any], *, path: str = "<spec>", text: str = "") -> ExperimentSpec:
    """Validate parsed spec ``data`` (a dict as read from TOML)."""
    ctx = _Ctx(path, text)
    _unknown_keys(ctx, data, _TOP_KEYS, "the spec")

    name = data.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ctx.error(
            f"name = {name!r} is invalid; expected a name of letters, digits, '_', '-' or '.' "
            "(it becomes the results folder)",
            "name",
        )
    question = data.get("question", "")
    if not isinstance(question, str):
        raise ctx.error("question must be a string", "question")

    model_name = data.get("model", "innovation")
    if not isinstance(model_name, str):
        raise ctx.error(f"model = {model_name!r} is invalid; expected a model name", "model")
    try:
        model = get_model(model_name)
    except ModelNotFound as e:
        raise ctx.error(str(e), "model") from None
    infos = field_specs(model.params_cls)

    scenario = data.get("scenario")
    if scenario is not None and not isinstance(scenario, str):
        raise ctx.error(f"scenario = {scenario!r} is invalid; expected a name", "scenario")
    if scenario is not None and scenario not in model.scenarios:
        known = ", ".join(model.scenarios) or "none (this model has no named scenarios)"
        raise ctx.error(
            f"unknown scenario {scenario!r} for model {model_name!r}"
            f"{_suggest(scenario, list(model.scenarios))} (known: {known})",
            "scenario",
        )
    try:
        base = model.base_params(scenario)
    except ValueError as e:
        raise ctx.error(str(e), "scenario") from None

    overrides_raw = data.get("overrides", {})
    if not isinstance(overrides_raw, Mapping):
        raise ctx.error("overrides must be a table of parameter = value", "overrides")
    overrides = {
        k: check_value(_param(ctx, infos, k, "[overrides]"), v, _where(ctx, k, "[overrides]"))
        for k, v in overrides_raw.items()
    }

    design = _build_design(ctx, data.get("design"), infos, overrides, data)

    replicates = _int(ctx, data, "replicates", 1, 1, 100_000)
    steps = _int(ctx, data, "steps", None, 0, 1_000_000)
    master_seed = _int(ctx, data, "master_seed", None, 0, 2**63 - 1)
    record_every = _int(ctx, data, "record_every", 1, 1, 1_000_000)
    common_seeds = _bool(ctx, data, "common_seeds", False)

    reporters = data.get("reporters")
    if reporters is not None:
        reporters = _names(ctx, reporters, "reporters")
        if not reporters:
            raise ctx.error("reporters must not be empty (leave it out to keep all)", "reporters")

    analysis = data.get("analysis", {})
    if not isinstance(analysis, Mapping):
        raise ctx.error("analysis must be a table", "analysis")
    _unknown_keys(ctx, analysis, _ANALYSIS_KEYS, "[analysis]")
    analysis_reporters = _names(ctx, analysis.get("reporters", []), "reporters")
    statistic = analysis.get("statistic", "final")
    if statistic not in STATISTICS:
        raise ctx.error(
            f"statistic = {statistic!r} is invalid; expected one of {', '.join(STATISTICS)}",
            "statistic",
        )
    if reporters is not None:
        for r in analysis_reporters:
            if r not in reporters:
                raise ctx.error(
                    f"[analysis] reporter {r!r} is not among the kept reporters", "reporters"
                )

    # Every design point must make valid parameters (this also runs cross-field checks).
    for i, point in enumerate(design.points):
        try:
            model.make_params(base, {**overrides, **point})
        except (ValueError, TypeError) as e:
            desc = ", ".join(f"{k}={v!r}" for k, v in point.items()) or "base"
            raise ctx.error(f"design point {i} ({desc}): {e}") from None

    return ExperimentSpec(
        name=name,
        question=question.strip(),
        model=model_name,
        scenario=scenario,
        overrides=overrides,
        design=design,
        replicates=replicates,
        steps=steps,
        master_seed=master_seed,
        record_every=record_every,
        reporters=tuple(reporters) if reporters is not None else None,
        common_seeds=common_seeds,
        analysis_reporters=tuple(analysis_reporters),
        statistic=statistic,
        raw=_jsonable(dict(data)),
        path=path,
    )


def _where(ctx: _Ctx, key: str, table: str) -> str:
    line = _line_of(ctx.text, key)
    return f"{ctx.path}, line {line}, {table}" if line else f"{ctx.path}, {table}"


def _names(ctx: _Ctx, value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error(f"{key} must be a list of names", key)
    if len(set(value)) != len(value):
        raise ctx.error(f"{key} lists a name twice", key)
    return list(value)


def _build_design(
    ctx: _Ctx,
    raw: Any,
    infos: Mapping[str, ParamSpec],
    overrides: Mapping[str, Any],
    data: Mapping[str, Any],
) -> Design:
    if raw is None:
        return Design(kind="grid", parameters=(), points=({},))
    if not isinstance(raw, Mapping):
        raise ctx.error("design must be a table ([design])", "design")
    kind = raw.get("kind", "grid")
    if kind not in DESIGN_KINDS:
        raise ctx.error(
            f"design kind = {kind!r} is invalid; expected one of "
            f"{', '.join(DESIGN_KINDS)}{_suggest(str(kind), DESIGN_KINDS)}",
            "kind",
        )
    _unknown_keys(ctx, raw, _DESIGN_KEYS[kind], f"[design] of kind {kind!r}")
    if kind == "grid":
        return _grid(ctx, raw.get("grid", {}), infos, overrides)
    return _sampled(ctx, kind, raw, infos, overrides, data)


def _grid(
    ctx: _Ctx, grid: Any, infos: Mapping[str, ParamSpec], overrides: Mapping[str, Any]
) -> Design:
    if not isinstance(grid, Mapping):
        raise ctx.error("[design.grid] must be a table of parameter = [values]", "grid")
    axes: dict[str, list[Any]] = {}
    for name, values in grid.items():
        info = _param(ctx, infos, name, "[design.grid]")
        if name in overrides:
            raise ctx.error(f"{name!r} is both in [overrides] and in the design", name)
        if not isinstance(values, list) or not values:
            raise ctx.error(f"{name} in [design.grid] must be a non-empty list of values", name)
        checked = [check_value(info, v, _where(ctx, name, "[design.grid]")) for v in values]
        if len(set(map(repr, checked))) != len(checked):
            raise ctx.error(f"{name} in [design.grid] lists a value twice", name)
        axes[name] = checked
    names = tuple(axes)
    combos = itertools.product(*axes.values())
    points = tuple(dict(zip(names, combo, strict=True)) for combo in combos)
    return Design(kind="grid", parameters=names, points=points)


def _sampled(
    ctx: _Ctx,
    kind: str,
    raw: Mapping[str, Any],
    infos: Mapping[str, ParamSpec],
    overrides: Mapping[str, Any],
    data: Mapping[str, Any],
) -> Design:
    params = raw.get("parameters", [])
    params = _names(ctx, params, "parameters")
    bounds_raw = raw.get("bounds", {})
    if not isinstance(bounds_raw, Mapping):
        raise ctx.error("[design.bounds] must be a table of parameter = [low, high]", "bounds")
    names = list(params) + [b for b in bounds_raw if b not in params]
    if not names:
        raise ctx.error(
            f"a {kind!r} design needs parameters = [...] and/or [design.bounds]", "design"
        )
    bounds: dict[str, tuple[float, float]] = {}
    for name in names:
        info = _param(ctx, infos, name, "[design]")
        if name in overrides:
            raise ctx.error(f"{name!r} is both in [overrides] and in the design", name)
        if not info.numeric:
            raise ctx.error(
                f"{name!r} takes {info.describe_range()}; such parameters can only be varied in a "
                f"'grid' design, not sampled by {kind!r}",
                name if name in bounds_raw else "parameters",  # the line that names it
            )
        if name in bounds_raw:
            b = bounds_raw[name]
            if (
                not isinstance(b, list)
                or len(b) != 2
                or any(isinstance(x, bool) or not isinstance(x, int | float) for x in b)
            ):
                raise ctx.error(f"bounds of {name!r} must be [low, high] numbers, got {b!r}", name)
            try:
                lo, hi = float(b[0]), float(b[1])
            except OverflowError:
                raise ctx.error(f"bounds of {name!r} are too large numbers: {b!r}", name) from None
            where = _where(ctx, name, "[design.bounds]")
            if info.type is int and not (lo.is_integer() and hi.is_integer()):
                raise SpecError(f"{where}: bounds of integer parameter {name!r} must be integers")
            if (info.min is not None and lo < info.min) or (info.max is not None and hi > info.max):
                raise SpecError(
                    f"{where}: bounds [{b[0]}, {b[1]}] of {name!r} are outside its range "
                    f"[{info.min}, {info.max}]"
                )
        else:
            if info.min is None or info.max is None:
                raise ctx.error(f"{name!r} has no declared range; give [design.bounds]", name)
            lo, hi = float(info.min), float(info.max)
        if not lo < hi:
            raise ctx.error(f"bounds of {name!r} must have low < high, got [{lo}, {hi}]", name)
        bounds[name] = (lo, hi)

    names_t = tuple(names)
    problem = {
        "num_vars": len(names_t),
        "names": list(names_t),
        "bounds": [bounds[n] for n in names_t],
    }
    seed = _int(ctx, data, "master_seed", None, 0, 2**63 - 1) % 2**32
    n = _int(ctx, raw, "n", None, 2, 1_000_000)
    second_order = False
    num_levels = 4
    if kind == "lhs":
        from SALib.sample import latin

        x = latin.sample(problem, n, seed=seed)
    elif kind == "sobol":
        from SALib.sample import sobol

        if n & (n - 1):
            lower = 1 << (n.bit_length() - 1)
            raise ctx.error(
                f"n = {n} is invalid for a Sobol design; use a power of 2 (e.g. {lower} or "
                f"{lower * 2}) so the Sobol sequence keeps its convergence properties",
                "n",
            )
        second_order = _bool(ctx, raw, "second_order", False)
        x = sobol.sample(problem, n, calc_second_order=second_order, seed=seed)
    else:
        from SALib.sample import morris

        num_levels = _int(ctx, raw, "num_levels", 4, 2, 100)
        if num_levels % 2:
            raise ctx.error(f"num_levels = {num_levels} must be even for Morris", "num_levels")
        x = morris.sample(problem, n, num_levels=num_levels, seed=seed)

    points = []
    for row in x:
        point = {}
        for name, value in zip(names_t, row, strict=True):
            info = infos[name]
            v = round(float(value)) if info.type is int else float(value)
            point[name] = check_value(info, v, f"{ctx.path}, sampled point")
        points.append(point)
    return Design(
        kind=kind,
        parameters=names_t,
        points=tuple(points),
        raw=np.asarray(x, dtype=float),
        bounds=bounds,
        n=n,
        second_order=second_order,
        num_levels=num_levels,
    )


def _jsonable(value: Any) -> Any:
    """TOML data made JSON-friendly (dates become ISO strings)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def describe_point(point: Mapping[str, Any]) -> str:
    """Short label of a design point (``a=1, b='x'``), used in legends and messages."""
    parts = []
    for k, v in point.items():
        if isinstance(v, float):
            parts.append(f"{k}={v:.4g}")
        else:
            parts.append(f"{k}={v}")
    return ", ".join(parts) if parts else "base"


__all__ = [
    "DESIGN_KINDS",
    "Design",
    "ExperimentSpec",
    "ModelEntry",
    "SpecError",
    "build_spec",
    "check_value",
    "describe_point",
    "load_spec",
    "parse_spec",
]
