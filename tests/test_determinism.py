"""Determinism: the same seed and parameters give an identical frame, in this process and in
fresh interpreters with other hash seeds; different seeds give different frames.

Also checked here: a run's first rows do not depend on how many steps it is asked for (the
behavioural tests read short comparisons from prefixes of longer runs), and a run without a seed
records one that reproduces it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import abm
from abm.scenarios import SCENARIOS

REPO = Path(__file__).resolve().parents[1]
SMALL = dict(n_makers=20, n_universities=2, n_enterprises=6)
STEPS = 25


def _run(seed: int, steps: int = STEPS, params=None, **kw) -> pd.DataFrame:
    return abm.run(params, rng=seed, steps=steps, **{**SMALL, **kw})


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return _run(7)


def test_same_seed_same_frame(frame):
    again = _run(7)
    assert_frame_equal(frame, again, check_exact=True)
    assert frame.attrs["seed"] == again.attrs["seed"] == 7
    assert len(frame) == STEPS + 1


def test_different_seeds_differ(frame):
    other = _run(8)
    assert list(other.columns) == list(frame.columns)
    differing = [c for c in frame.columns if not frame[c].equals(other[c])]
    assert len(differing) >= 5, f"seeds 7 and 8 differ only in {differing}"


def test_each_mode_is_deterministic():
    for name in ("supermarket_platform", "co_construction", "trust_off", "fair_sharing"):
        a = _run(3, 15, SCENARIOS[name])
        b = _run(3, 15, SCENARIOS[name])
        assert_frame_equal(a, b, check_exact=True)


def test_prefix_does_not_depend_on_run_length(frame):
    short = _run(7, 10)
    assert_frame_equal(frame.iloc[:11], short, check_exact=True)


def test_unseeded_run_records_a_seed_that_reproduces_it():
    a = abm.run(steps=8, **SMALL)
    seed = a.attrs["seed"]
    assert isinstance(seed, int) and seed >= 0
    assert_frame_equal(a, _run(seed, 8), check_exact=True)


def _frames_in_fresh_interpreters(
    script: str, envs: dict[str, dict[str, str]], tmp_path: Path
) -> dict[str, pd.DataFrame]:
    """Run ``script`` (which pickles a frame to ``sys.argv[1]``) in one fresh interpreter per
    entry of ``envs`` (label → extra environment variables), concurrently; their frames."""
    procs = []
    for label, extra in envs.items():
        out = tmp_path / f"{label.replace(' ', '_').replace('=', '_')}.pkl"
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(out)],
            cwd=REPO,
            env={**os.environ, **extra},
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append((proc, out, label))
    frames = {}
    for proc, out, label in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        frames[label] = pd.read_pickle(out)
    return frames


def test_same_frame_in_fresh_interpreters_with_other_hash_seeds(frame, tmp_path):
    """String hashing (set and dict order of str keys) must not leak into the results."""
    script = textwrap.dedent(
        f"""
        import sys
        import abm
        df = abm.run(rng=7, steps={STEPS}, **{SMALL!r})
        df.to_pickle(sys.argv[1])
        """
    )
    envs = {f"PYTHONHASHSEED={h}": {"PYTHONHASHSEED": h} for h in ("0", "4242")}
    for label, other in _frames_in_fresh_interpreters(script, envs, tmp_path).items():
        assert_frame_equal(frame, other, check_exact=True, obj=label)


def _simd_targets() -> list[str]:
    """numpy's run-time dispatched SIMD targets (those above its compiled baseline)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
    except ImportError:  # numpy's layout changed: nothing to switch off
        return []
    return list(__cpu_dispatch__)


def test_same_frame_with_the_cpus_vector_kernels_switched_off(tmp_path):
    """Same seed, same results on any machine: numpy picks SIMD kernels by CPU (AVX-512 and
    AVX2 builds of ``power`` differ in the last bit) and OpenBLAS picks its kernels by CPU (they
    add in different orders), so a model using them gives other numbers on another computer.

    The same runs (the baseline and risk-corrected Shapley sharing, which exercise the Shapley
    values) in fresh interpreters as this machine gives them, with numpy's dispatched kernels
    switched off (``NPY_DISABLE_CPU_FEATURES``) and with OpenBLAS forced to its generic x86
    kernel (``OPENBLAS_CORETYPE``) must be identical. On a CPU without AVX2 there is nothing to
    switch off and the check is weaker.
    """
    script = textwrap.dedent(
        f"""
        import sys
        import pandas as pd
        import abm
        frames = [
            abm.run(abm.get_scenario(name), rng=5, steps=60, **{SMALL!r})
            for name in ("baseline", "fair_sharing")
        ]
        pd.concat(frames, keys=["baseline", "fair_sharing"]).to_pickle(sys.argv[1])
        """
    )
    variants = {
        "as is": {},
        "numpy SIMD off": {"NPY_DISABLE_CPU_FEATURES": " ".join(_simd_targets())},
        "OpenBLAS generic": {"OPENBLAS_CORETYPE": "Prescott"},
    }
    frames = _frames_in_fresh_interpreters(script, variants, tmp_path)
    for label in ("numpy SIMD off", "OpenBLAS generic"):
        assert_frame_equal(frames["as is"], frames[label], check_exact=True, obj=label)
