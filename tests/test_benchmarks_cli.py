"""Input handling of the instruction-count benchmark (benchmarks/instructions.py), and the
block schedule of the model benchmark (benchmarks/bench_model.py).

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


def test_model_benchmark_times_every_step_in_alternating_blocks():
    from benchmarks.bench_model import BLOCKS, measure

    # 23 model steps and 7 reference steps over 10 uneven blocks: all model steps run (24
    # reporter rows), and a ratio is reported for each block that ran reference steps (7).
    r = measure(30, 23, 7)
    assert BLOCKS == 10
    assert r["steps"] == 23 and r["reference_steps"] == 7
    assert r["reporter_rows"] == 24  # row 0 plus one per model step
    assert len(r["block_ratios_to_reference"]) == 7
    assert all(x > 0 for x in r["block_ratios_to_reference"])
    with pytest.raises(ValueError, match="ref_steps must be >= 1, got 0"):
        measure(30, 5, 0)
