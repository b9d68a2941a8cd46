"""Parameter controls described from the model's metadata (no Solara here).

Every control on the page comes from ``abm.params.param_specs()``: its widget kind (switch,
select, slider or number field), label with unit, help text and role. ``setup`` parameters shape
the initial population, so changing one rebuilds the model; ``live`` parameters are handed to
``model.set_live`` and apply from the next step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from abm.params import Params, param_specs, spec

#: Sliders are used when the range has at most this many steps; wider ranges get a number field
#: (a 1-step slider over 2..5000 cannot be set precisely by hand).
MAX_SLIDER_STEPS = 400

ROLE_TEXT = {
    "setup": "setup: changing it rebuilds the model (step 0)",
    "live": "live: applies from the next step",
}


@dataclass(frozen=True)
class Control:
    """How one parameter is shown on the page."""

    name: str
    widget: str  # "switch" | "select" | "slider_int" | "slider_float" | "int" | "float"
    label: str  # label with unit
    help: str
    role: str
    group: str
    default: Any
    min: float | None
    max: float | None
    step: float | None
    choices: tuple[str, ...] | None
    source: str


def widget_kind(spec: Any) -> str:
    """The widget for one parameter spec."""
    if spec.type is bool:
        return "switch"
    if spec.choices is not None:
        return "select"
    numeric_range = spec.min is not None and spec.max is not None and spec.step
    few_steps = numeric_range and (spec.max - spec.min) / spec.step <= MAX_SLIDER_STEPS
    if spec.type is int:
        return "slider_int" if few_steps else "int"
    return "slider_float" if few_steps else "float"


def label_of(spec: Any) -> str:
    """Label shown on the page: the spec's label and its unit."""
    return f"{spec.label} ({spec.unit})" if spec.unit else spec.label


def controls() -> list[Control]:
    """One :class:`Control` per parameter, in declaration order."""
    return [
        Control(
            name=s.name,
            widget=widget_kind(s),
            label=label_of(s),
            help=s.help,
            role=s.role,
            group=s.group,
            default=s.default,
            min=s.min,
            max=s.max,
            step=s.step,
            choices=s.choices,
            source=s.source,
        )
        for s in param_specs()
    ]


def grouped_controls() -> dict[str, list[Control]]:
    """Controls grouped as in the metadata, groups in first-appearance order."""
    groups: dict[str, list[Control]] = {}
    for c in controls():
        groups.setdefault(c.group, []).append(c)
    return groups


def roles() -> dict[str, str]:
    """Parameter name → role ("setup" or "live")."""
    return {s.name: s.role for s in param_specs()}


def parse_seed(text: Any) -> tuple[int | None, str | None]:
    """Parse typed seed text. Returns ``(seed, None)`` or ``(None, message)``; never raises.

    Only non-negative whole numbers are accepted ("42", " 7 ", "1_000" is rejected).
    """
    if isinstance(text, bool):
        return None, "The seed must be a whole number such as 42."
    if isinstance(text, int):
        value = text
    else:
        s = str(text if text is not None else "").strip()
        if not s:
            return None, "Type a seed: a whole number such as 42."
        if not (s.isascii() and s.isdigit()):
            if s.startswith("-") and s[1:].isdigit():
                return None, f"The seed must not be negative (got {s})."
            return None, f"The seed must be a whole number such as 42, not {s[:30]!r}."
        value = int(s)
    if value < 0:
        return None, f"The seed must not be negative (got {value})."
    if value >= 2**63:
        return None, "The seed is too large (use fewer than 19 digits)."
    return value, None


def coerce_value(control: Control, value: Any) -> Any:
    """Convert a widget value to the parameter's type (int fields may arrive as floats), the
    same conversion as an experiment spec's (:meth:`abm.params.ParamSpec.coerce`)."""
    return spec(control.name).coerce(value)


def build_params(values: Mapping[str, Any]) -> tuple[Params | None, str | None]:
    """``Params(**values)`` or the validation message; never raises."""
    try:
        return Params.from_dict(dict(values)), None
    except (ValueError, TypeError) as exc:
        return None, str(exc)


def changed_names(old: Params, new: Params, names: Iterable[str] | None = None) -> list[str]:
    """Parameter names whose values differ between two ``Params``."""
    a, b = old.to_dict(), new.to_dict()
    return [n for n in (names or a) if a[n] != b[n]]
