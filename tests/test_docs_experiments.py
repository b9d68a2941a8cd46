"""docs/experiments.md says what the spec loader does: its TOML examples load, and its example
error messages are the loader's own (file name and line numbers aside).

A newcomer found the sampled-design example unusable (it mixed Sobol's and Morris's keys, which
the loader refuses) and two example messages that the loader words differently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from experiments.spec import SpecError, load_spec, parse_spec

DOC = (Path(__file__).resolve().parents[1] / "docs" / "experiments.md").read_text()
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", DOC, flags=re.S)
FULL, SAMPLED = TOML_BLOCKS[0], TOML_BLOCKS[1]


def _with_design(design: str) -> str:
    """The full example spec with its ``[design]`` tables replaced by ``design``."""
    head = FULL[: FULL.index("[design]")]
    tail = FULL[FULL.index("[analysis]") :]
    return head + design + "\n" + tail


def test_the_full_example_spec_loads() -> None:
    spec = parse_spec(FULL, "sharing.toml")
    assert spec.name == "sharing_rules" and spec.design.kind == "grid"
    assert len(spec.design.points) == 5 and spec.n_runs == 5 * 4


@pytest.mark.parametrize("kind", ["sobol", "lhs", "morris"])
def test_the_sampled_design_example_loads_as_each_kind_after_the_documented_edit(kind) -> None:
    """The example is Sobol's; for lhs and morris the doc says to drop ``second_order`` (and
    that morris may set ``num_levels``). Point counts from the doc's table: sobol n(D + 2),
    lhs n, morris n(D + 1), with D = 3 parameters and n = 16."""
    design = SAMPLED.replace('kind = "sobol"', f'kind = "{kind}"')
    if kind != "sobol":
        design = re.sub(r"\nsecond_order = .*", "", design)
    if kind == "morris":
        design = design.replace("[design.bounds]", "num_levels = 4\n\n[design.bounds]")
    spec = parse_spec(_with_design(design), "sampled.toml")
    assert spec.design.parameters == ("beta_trust", "trust_threshold", "max_team_size")
    assert len(spec.design.points) == {"sobol": 16 * 5, "lhs": 16, "morris": 16 * 4}[kind]


def _doc_errors() -> list[str]:
    block = DOC[DOC.index("### Checks before any run starts") :]
    block = block[block.index("```text\n") + 8 :]
    return [line for line in block[: block.index("```")].splitlines() if line]


def _shape(message: str) -> str:
    """A message with its file name and line numbers left out, and the doc's ``...``
    elision as a wildcard."""
    message = re.sub(r"^error: \S+?\.toml", "error: F", message)
    message = re.sub(r"line \d+", "line N", message)
    return message


# The spec that makes each documented error, in the doc's order.
_CAUSES = [
    _with_design(FULL[FULL.index("[design]") : FULL.index("[analysis]")]).replace(
        "n_makers = 30", "trust_decy = 0.1"
    ),
    FULL.replace("n_makers = 30", "trust_decay = 0.9"),
    _with_design(SAMPLED.replace("trust_threshold = [0.1, 0.6]", "trust_decay = [0.0, 0.8]")),
    FULL.replace("n_makers = 30", 'n_makers = "ten"'),
    'name = "x"\nsteps 120\n',
    _with_design(SAMPLED.replace('["beta_trust"]', '["sharing_rule"]')),
    _with_design(
        '[design]\nkind = "grid"\n[design.grid]\nstage_trust_consolidation = [0.5, 0.9]\n'
    ),
    None,  # a file that does not exist
]


def test_every_documented_error_message_is_the_loaders_own(tmp_path) -> None:
    documented = _doc_errors()
    assert len(documented) == len(_CAUSES)
    for line, text in zip(documented, _CAUSES, strict=True):
        path = tmp_path / ("nope.toml" if text is None else "sharing.toml")
        if text is not None:
            path.write_text(text)
        with pytest.raises(SpecError) as err:
            load_spec(path)
        got = _shape("error: " + str(err.value).replace(str(tmp_path) + "/", ""))
        want = _shape(line)
        if "..." in want:
            head, rest = want.split("...", 1)
            assert got.startswith(head) and got.endswith(rest), (want, got)
        else:
            assert got == want, (want, got)
