"""Shared fixtures of the test suite.

``behaviour_runs``: the seeded batch of small runs behind the behavioural tests of the core model
and the service institutions (see tests/behaviour_runs.py), run once per session in two worker
processes and shared by every test that compares settings.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import behaviour_runs


@pytest.fixture(scope="session")
def behaviour_runs_cache() -> dict:
    """``{config name: [reporter frame per seed]}`` for every config of ``all_configs()``."""
    t0 = time.perf_counter()
    runs = behaviour_runs.run_configs(behaviour_runs.all_configs())
    n = sum(len(v) for v in runs.values())
    cpu = behaviour_runs.LAST_CPU_SECONDS
    print(
        f"\nbehavioural batch: {n} runs in {time.perf_counter() - t0:.1f} s wall, "
        f"{sum(cpu.values()):.1f} s CPU ("
        + ", ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
        + ")"
    )
    return runs
