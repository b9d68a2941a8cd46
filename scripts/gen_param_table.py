"""Generate docs/parameters.md from the code: parameters, reporters, scenarios, kind profiles.

Everything in the generated file comes from one place in the code, so the docs cannot drift:

- parameters: :func:`abm.params.param_specs` (label, default, range or choices, unit, role,
  help, source seed), grouped by their metadata group in :data:`abm.params.GROUPS` order;
- reporters: :data:`abm.reporters.REPORTERS` and ``TEXT_REPORTERS`` (name → meaning);
- scenarios: :data:`abm.scenarios.SCENARIOS` with their descriptions, and the parameters each
  one changes relative to ``baseline`` (computed by comparing the ``Params`` instances);
- structural constants: the per-kind resource profiles and per-stage multipliers of
  :mod:`abm.kinds` (assumptions of the model, not parameters).

Usage::

    python scripts/gen_param_table.py            # (re)write docs/parameters.md
    python scripts/gen_param_table.py --check    # exit 1 if the file on disk is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

from abm import kinds  # noqa: E402
from abm.params import GROUPS, ParamSpec, param_specs  # noqa: E402
from abm.reporters import REPORTERS, TEXT_REPORTERS  # noqa: E402
from abm.rules.risk import RESOURCE_DIMS  # noqa: E402
from abm.scenarios import SCENARIO_DESCRIPTIONS, SCENARIOS  # noqa: E402

OUTPUT = ROOT / "docs" / "parameters.md"
REGENERATE = "make docs  (or: .venv/bin/python scripts/gen_param_table.py)"


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _value(value: object) -> str:
    """A parameter value as it would be typed in Python (``'shapley'``, ``True``, ``0.25``)."""
    if isinstance(value, bool):
        return f"`{value}`"
    if isinstance(value, str):
        return f"`{value!r}`"
    return f"`{value}`"


def _range(s: ParamSpec) -> str:
    if s.choices is not None:
        return ", ".join(f"`{c}`" for c in s.choices)
    if s.type is bool:
        return "`True` / `False`"
    step = f" step {s.step:g}" if s.step is not None else ""
    return f"[{s.min:g}, {s.max:g}]{step}"


def parameter_section() -> list[str]:
    specs = param_specs()
    by_group: dict[str, list[ParamSpec]] = {g: [] for g in GROUPS}
    for s in specs:
        by_group[s.group].append(s)
    n_setup = sum(s.role == "setup" for s in specs)
    out = [
        "## Parameters",
        "",
        f"{len(specs)} parameters in {len(GROUPS)} groups, all fields of `abm.params.Params`. "
        "**Role** `setup`: shapes the initial population, takes effect when a model is built "
        f"({n_setup} parameters); `live`: read every step, may be changed on a running model "
        "with `model.set_live(...)` or the dashboard. **Source** names the seed paper the "
        "mechanism comes from (see [model.md](model.md#seed-papers)).",
        "",
        "Groups: " + ", ".join(f"[{g}](#{_slug(g)})" for g in GROUPS if by_group[g]) + ".",
        "",
    ]
    for group in GROUPS:
        rows = by_group[group]
        if not rows:
            continue
        out += [
            f"### {group}",
            "",
            "| Name | Label | Default | Range / choices | Unit | Role | Meaning | Source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for s in rows:
            source = f"seed {s.source}" if s.source else ""
            out.append(
                "| "
                + " | ".join(
                    [
                        f"`{s.name}`",
                        _cell(s.label),
                        _value(s.default),
                        _range(s),
                        _cell(s.unit),
                        s.role,
                        _cell(s.help),
                        _cell(source),
                    ]
                )
                + " |"
            )
        out.append("")
    return out


def reporter_section() -> list[str]:
    out = [
        "## Reporters",
        "",
        f"{len(REPORTERS) + len(TEXT_REPORTERS)} columns of `abm.run(...)` and "
        "`model.reporters()`, one row per step (row 0 is the initial state). Declared once in "
        "`abm/reporters.py`. Prefixes: `n_` a count now, `new_` a count this step, `cum_` a "
        "running total since step 0, `mean_` a mean, `share_` a fraction.",
        "",
        "| Reporter | Type | Meaning |",
        "|---|---|---|",
    ]
    out += [f"| `{name}` | number | {_cell(text)} |" for name, text in REPORTERS.items()]
    out += [f"| `{name}` | text | {_cell(text)} |" for name, text in TEXT_REPORTERS.items()]
    out.append("")
    return out


def scenario_differences(name: str) -> list[tuple[str, object, object]]:
    """(parameter, baseline value, scenario value) for every parameter ``name`` changes."""
    base = SCENARIOS["baseline"].to_dict()
    mine = SCENARIOS[name].to_dict()
    return [(k, base[k], v) for k, v in mine.items() if v != base[k]]


def scenario_section() -> list[str]:
    out = [
        "## Scenarios",
        "",
        f"{len(SCENARIOS)} named scenarios in `abm/scenarios.py`, each a `Params` instance "
        '(`abm.get_scenario("name")`). The last column is computed by comparing each scenario '
        "with `baseline`.",
        "",
        "| Scenario | Description | Differs from baseline |",
        "|---|---|---|",
    ]
    for name in SCENARIOS:
        diffs = scenario_differences(name)
        changed = (
            "<br>".join(f"`{k}`: {_value(b)} → {_value(v)}" for k, b, v in diffs) if diffs else "—"
        )
        out.append(f"| `{name}` | {_cell(SCENARIO_DESCRIPTIONS.get(name, ''))} | {changed} |")
    out.append("")
    return out


def constants_section() -> list[str]:
    dims = " | ".join(RESOURCE_DIMS)
    out = [
        "## Structural constants",
        "",
        "Assumptions of the model's structure in `abm/kinds.py`, not parameters: who is rich in "
        "what, and how risky and valuable each maker stage is.",
        "",
        "Mean resource endowment per kind, in units of `project_size / 4` (1.0 in a dimension "
        "covers an average project's need there); lagging-region actors get "
        "`lagging_resource_factor` times this.",
        "",
        f"| Kind | {dims} |",
        "|---" * (len(RESOURCE_DIMS) + 1) + "|",
    ]
    for kind, profile in kinds.RESOURCE_PROFILE.items():
        out.append(f"| {kind} | " + " | ".join(f"{x:g}" for x in profile) + " |")
    out += [
        "",
        "Project stages: `base_success` and project value are multiplied by the stage's factor. "
        "Organisations start projects at a fixed stage.",
        "",
        "| Stage | Success factor | Value factor | Initiated by |",
        "|---|---|---|---|",
    ]
    for stage in kinds.STAGES:
        who = ["maker teams at this stage"] + [
            f"every {k} project" for k, st in kinds.ORG_PROJECT_STAGE.items() if st == stage
        ]
        out.append(
            f"| `{stage}` | {kinds.STAGE_SUCCESS[stage]:g} | {kinds.STAGE_VALUE[stage]:g} "
            f"| {', '.join(who)} |"
        )
    out += ["", f"Knowledge fields per actor: {kinds.N_FIELDS}.", ""]
    return out


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading (lower case, punctuation dropped, spaces → hyphens)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def render() -> str:
    """The full text of docs/parameters.md."""
    lines = [
        "# Parameters, outputs and scenarios",
        "",
        "<!-- Generated by scripts/gen_param_table.py from abm/params.py, abm/reporters.py, "
        "abm/scenarios.py and abm/kinds.py. Do not edit by hand: run `make docs`. -->",
        "",
        "Generated from the code; a test (`tests/test_docs.py`) fails when this file is out of "
        "date. The model itself is described in [model.md](model.md).",
        "",
        "Contents: [Parameters](#parameters) · [Reporters](#reporters) · "
        "[Scenarios](#scenarios) · [Structural constants](#structural-constants)",
        "",
    ]
    lines += parameter_section()
    lines += reporter_section()
    lines += scenario_section()
    lines += constants_section()
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the file on disk differs from freshly generated text",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            state = "is missing" if current is None else "is out of date"
            print(f"{args.output} {state}; regenerate it with: {REGENERATE}", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
