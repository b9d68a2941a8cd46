"""The README tells the truth: its commands are real Makefile targets and its examples run.

- The quickstart's two commands are ``make app`` and ``make test``; both are Makefile targets and
  their dry runs (``make -n``) succeed; every other ``make X`` the README shows is a target too.
- ``.ci/run`` runs exactly the README's test command, under ``set -euo pipefail``.
- Every ```python block of the README is executed in a fresh interpreter (the one running the
  tests, i.e. the project's venv). Its own ``assert`` statements must hold, and when a ```text
  block follows it directly, that block is the exact expected output. A block preceded by
  ``<!-- no-test -->`` is skipped (for long examples); the main headless example never is.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAKEFILE = ROOT / "Makefile"
CI_RUN = ROOT / ".ci" / "run"
NO_TEST = "<!-- no-test -->"


# --------------------------------------------------------------------------- parsing helpers
@dataclass(frozen=True)
class Block:
    """A fenced code block of a Markdown file."""

    lang: str
    code: str
    line: int  # 1-based line of the opening fence
    skip: bool  # preceded by <!-- no-test -->
    expected_output: str | None  # a ```text block directly after it


FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", flags=re.MULTILINE | re.DOTALL)


def code_blocks(text: str) -> list[Block]:
    """Fenced blocks in order, with the skip marker and the expected output attached."""
    matches = list(FENCE.finditer(text))
    blocks = []
    for k, m in enumerate(matches):
        before = text[: m.start()].rstrip()
        skip = before.endswith(NO_TEST)
        expected = None
        if k + 1 < len(matches):
            nxt = matches[k + 1]
            if nxt.group(1) == "text" and not text[m.end() : nxt.start()].strip():
                expected = nxt.group(2)
        line = text.count("\n", 0, m.start()) + 1
        blocks.append(Block(m.group(1), m.group(2), line, skip, expected))
    return blocks


def makefile_targets(text: str) -> set[str]:
    """Explicit targets of a Makefile (rule lines ``name: ...``, not variables or recipes)."""
    targets = set()
    for line in text.splitlines():
        if line.startswith("\t") or line.lstrip().startswith("#"):
            continue
        m = re.match(r"^([A-Za-z0-9][\w.\- ]*?)\s*:(?![:=])", line)
        if m:
            targets.update(m.group(1).split())
    return targets


def section(text: str, title: str) -> str:
    """The text of a ``## title`` section, up to the next heading of the same level."""
    m = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert m, f"README has no '## {title}' section"
    return m.group(1)


def commands(block: str) -> list[str]:
    """Shell commands of a block, comments and blank lines dropped."""
    out = []
    for line in block.splitlines():
        cmd = line.split("#", 1)[0].strip()
        if cmd:
            out.append(cmd)
    return out


def quickstart_commands() -> list[str]:
    quick = section(README.read_text(encoding="utf-8"), "Quickstart")
    shell = [b for b in code_blocks(quick) if b.lang in ("bash", "sh", "shell", "console")]
    assert shell, "README's Quickstart has no shell block"
    return commands(shell[0].code)


# --------------------------------------------------------------------------- parser self-tests
def test_parsers_on_a_handmade_example() -> None:
    text = (
        "# T\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\n"
        "<!-- no-test -->\n```python\nslow()\n```\n\n```bash\nmake app  # go\n\nmake test\n```\n"
    )
    blocks = code_blocks(text)
    assert [b.lang for b in blocks] == ["python", "text", "python", "bash"]
    assert blocks[0].expected_output == "1\n" and not blocks[0].skip
    assert blocks[2].skip and blocks[2].expected_output is None
    assert commands(blocks[3].code) == ["make app", "make test"]
    mk = "A := 1\nB ?= 2\n.PHONY: x\nall: x y\n\techo a: b\nx:\n# c: d\n$(S): f\ny z: w\n"
    assert makefile_targets(mk) == {"all", "x", "y", "z"}


# --------------------------------------------------------------------------- commands
def test_quickstart_is_exactly_make_app_and_make_test() -> None:
    assert quickstart_commands() == ["make app", "make test"]


def test_readme_make_commands_are_real_targets() -> None:
    targets = makefile_targets(MAKEFILE.read_text(encoding="utf-8"))
    text = README.read_text(encoding="utf-8")
    shown = set(re.findall(r"`make ([\w-]+)", text))
    for b in code_blocks(text):
        if b.lang in ("bash", "sh", "shell", "console"):
            shown |= {c.split()[1] for c in commands(b.code) if c.startswith("make ")}
    assert {"app", "test"} <= shown
    missing = sorted(shown - targets)
    assert not missing, f"README shows make targets the Makefile lacks: {missing}"


def test_dashboard_address_matches_makefile() -> None:
    mk = MAKEFILE.read_text(encoding="utf-8")
    host = re.search(r"^HOST \?= (\S+)", mk, re.MULTILINE).group(1)
    port = re.search(r"^PORT \?= (\S+)", mk, re.MULTILINE).group(1)
    assert f"http://{host}:{port}" in section(README.read_text(encoding="utf-8"), "Quickstart")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["app", "test"])
def test_make_dry_run_succeeds(target: str) -> None:
    assert f"make {target}" in quickstart_commands()
    res = subprocess.run(
        ["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, f"`make -n {target}` failed:\n{res.stdout}\n{res.stderr}"
    assert res.stdout.strip(), f"`make -n {target}` printed no commands"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    lines = commands(CI_RUN.read_text(encoding="utf-8"))
    assert "set -euo pipefail" in lines, ".ci/run must stop at the first failure"
    work = [c for c in lines if not c.startswith(("set ", "cd "))]
    readme_test = [c for c in quickstart_commands() if c.split()[:2] == ["make", "test"]]
    assert work == readme_test, f".ci/run runs {work}, README's test command is {readme_test}"
    assert os.access(CI_RUN, os.X_OK), ".ci/run must be executable"


# --------------------------------------------------------------------------- python examples
PY_BLOCKS = [b for b in code_blocks(README.read_text(encoding="utf-8")) if b.lang == "python"]


def test_the_main_headless_example_is_tested() -> None:
    main = [b for b in PY_BLOCKS if "abm.run(" in b.code and not b.skip]
    assert main, "the README's headless abm.run example must be executed, not skipped"
    assert any("assert " in b.code for b in main), "the headless example should assert results"


def run_block(block: Block, cwd: Path) -> subprocess.CompletedProcess:
    """Run a README python block in a fresh interpreter against this checkout."""
    env = dict(os.environ)
    # The checkout first, so the example runs against this tree wherever it is installed from.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(
        [sys.executable, "-c", block.code],
        cwd=cwd,  # examples must not depend on (or litter) the working directory
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("block", PY_BLOCKS, ids=[f"README.md:{b.line}" for b in PY_BLOCKS])
def test_readme_python_block_runs(block: Block, tmp_path: Path) -> None:
    if block.skip:
        pytest.skip(f"marked {NO_TEST}")
    res = run_block(block, tmp_path)
    assert res.returncode == 0, (
        f"README.md line {block.line}: example failed\n--- stdout\n{res.stdout}"
        f"\n--- stderr\n{res.stderr[-3000:]}"
    )
    if block.expected_output is not None:
        got = [line.rstrip() for line in res.stdout.strip().splitlines()]
        want = [line.rstrip() for line in block.expected_output.strip().splitlines()]
        assert got == want, f"README.md line {block.line}: output differs from the text block"


def test_scenarios_example_prints_what_it_says(tmp_path: Path) -> None:
    """The scenarios block has no asserts and no expected-output block (its numbers are not
    for the README to pin), so its printed output is checked against the block's own claims:
    the scenario list starts with the names its comment gives, the row printed is the last of a
    20-step run (row 0 is the initial state, so step 20), and the last line is a count of trust
    ties followed by the maker row of the 7×7 matrix of the seven actor kinds (makers,
    universities, enterprises and the four service institutions of DESIGN.md)."""
    (block,) = [b for b in PY_BLOCKS if 'abm.get_scenario("fair_sharing")' in b.code]
    assert not block.skip and block.expected_output is None
    res = run_block(block, tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.strip().splitlines()
    # 1. print(list(abm.SCENARIOS))  # baseline, low_trust, ..., trust_off, ...
    claimed = re.search(r"print\(list\(abm\.SCENARIOS\)\)\s*#\s*(.*)$", block.code, re.M)
    assert claimed, "the block's scenario comment moved"
    names = [n.strip() for n in claimed.group(1).split(",") if n.strip() not in ("", "...")]
    scenarios = ast.literal_eval(lines[0])
    assert scenarios[: len(names)] == names
    # 2. the last row of df for steps=20, three named reporters
    series = lines[1 : lines.index("Name: 20, dtype: float64")]
    assert [line.split()[0] for line in series] == [
        "mean_fairness",
        "share_strict_contracts",
        "cum_returns",
    ]
    # 3. "<n> trust ties; maker <count>", one line per other kind, then "Name: maker"
    (k,) = [i for i, line in enumerate(lines) if " trust ties; " in line]
    ties = re.match(r"^(\d+) trust ties; maker\s+\d+$", lines[k])
    assert ties, lines[k]
    assert int(ties.group(1)) > 0  # ten steps of a 30-maker model form ties
    end = lines.index("Name: maker, dtype: int64")
    kinds = ["maker"] + [re.match(r"^(\w+)\s+\d+$", line).group(1) for line in lines[k + 1 : end]]
    assert kinds == [
        "maker",
        "university",
        "enterprise",
        "finance",
        "transfer",
        "advisory",
        "sharing",
    ]
    assert end == len(lines) - 1
