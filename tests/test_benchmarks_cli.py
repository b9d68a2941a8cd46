"""Input handling of the instruction-count benchmark (benchmarks/instructions.py).

The counting itself needs valgrind and minutes per revision, so it is not run here; what the
suite checks is that bad arguments get a clear error naming the option, and that the count is
read correctly from a real cachegrind report.
"""

from __future__ import annotations

import pytest

from benchmarks.instructions import main, parse_refs

# The summary lines valgrind 3.19 printed for `--tool=cachegrind --cache-sim=no` on this
# machine (a run of the model's set-up), copied verbatim.
REPORT = """==8108== Cachegrind, a cache and branch-prediction profiler
==8108==
==8108== I   refs:      4,708,389,291
"""


def test_the_instruction_count_is_read_from_a_cachegrind_report():
    assert parse_refs(REPORT) == 4_708_389_291
    assert parse_refs("==1== valgrind: failed to start tool 'cachegrind'") is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--steps", "60", "20", "HEAD"], "--steps needs 0 <= A < B, got 60 20"),
        (["--steps", "-1", "5", "HEAD"], "--steps needs 0 <= A < B, got -1 5"),
        (["--actors", "0", "HEAD"], "--actors must be >= 1, got 0"),
    ],
)
def test_bad_arguments_name_the_option(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
