"""Golden baseline: one small seeded run's reporters must not change unnoticed.

This is a regression guard, the accepted exception to "no expected values from the code under
test": tests/baselines/golden_small.csv was produced by the model itself (by
scripts/regenerate_baselines.py, whose history with reasons is in tests/baselines/NOTES.md). It
says nothing about whether the values are right; it fails on *any* change of the output so that
every change is deliberate. Floats are compared to a relative 1e-9 (CSV round trip and
platform-level floating-point noise only), text exactly.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import abm
from abm.params import Params

BASELINES = Path(__file__).resolve().parent / "baselines"
CSV = BASELINES / "golden_small.csv"
META = BASELINES / "golden_small.json"
HOW = (
    "If this change of the model's output is intended, regenerate the baseline deliberately:\n"
    "    .venv/bin/python scripts/regenerate_baselines.py --reason '<why the output changed>'\n"
    "and commit tests/baselines/ together with the model change."
)


@pytest.fixture(scope="module")
def meta() -> dict:
    return json.loads(META.read_text())


@pytest.fixture(scope="module")
def stored() -> pd.DataFrame:
    return pd.read_csv(CSV, index_col="step", float_precision="round_trip")


@pytest.fixture(scope="module")
def fresh(meta) -> pd.DataFrame:
    return abm.run(rng=meta["seed"], steps=meta["steps"], **meta["overrides"])


def test_parameters_unchanged(meta):
    """The defaults the baseline was made with (a changed default explains a changed output)."""
    now = Params().replace(**meta["overrides"]).to_dict()
    then = meta["params"]
    changed = {
        k: (then.get(k, "<absent>"), now.get(k, "<absent>"))
        for k in sorted(set(now) | set(then))
        if then.get(k, "<absent>") != now.get(k, "<absent>")
    }
    assert not changed, f"parameters changed since the baseline (then, now): {changed}\n{HOW}"


def test_reporters_match_the_golden_baseline(stored, fresh):
    assert list(fresh.columns) == list(stored.columns), (
        f"reporter columns changed: added {sorted(set(fresh.columns) - set(stored.columns))}, "
        f"removed {sorted(set(stored.columns) - set(fresh.columns))}\n{HOW}"
    )
    assert len(fresh) == len(stored), f"{len(fresh)} rows, baseline has {len(stored)}\n{HOW}"
    diffs = []
    for col in stored.columns:
        a, b = fresh[col].to_numpy(), stored[col].to_numpy()
        if stored[col].dtype == object or fresh[col].dtype == object:
            bad = np.flatnonzero(a.astype(str) != b.astype(str))
        else:
            a, b = a.astype(float), b.astype(float)
            bad = np.flatnonzero(~np.isclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
        if len(bad):
            i = int(bad[0])
            now, then = (x.item() if hasattr(x, "item") else x for x in (a[i], b[i]))
            diffs.append(
                f"  {col}: {len(bad)} steps, first at step {i}: now {now!r}, baseline {then!r}"
            )
    assert not diffs, (
        f"{len(diffs)} reporters differ from the golden baseline:\n"
        + "\n".join(diffs[:25])
        + f"\n{HOW}"
    )


def test_golden_csv_is_the_recorded_one(meta):
    """The CSV's bytes hash to the SHA-256 regenerate_baselines.py stored next to it: an edit of
    the CSV by hand (or a regeneration without the script) shows here, not as a silent change
    of the reference."""
    digest = hashlib.sha256(CSV.read_bytes()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", meta["csv_sha256"]), meta["csv_sha256"]
    assert digest == meta["csv_sha256"], (
        f"golden_small.csv hashes to {digest}, golden_small.json records "
        f"{meta['csv_sha256']}\n{HOW}"
    )


def test_baseline_notes_record_every_regeneration(meta):
    notes = (BASELINES / "NOTES.md").read_text()
    entries = [line for line in notes.splitlines() if line.startswith("- ")]
    assert entries and all("commit" in e and ":" in e for e in entries)
    # the newest entry is about the CSV in the tree: it names the first 12 hex digits of its hash
    assert meta["csv_sha256"][:12] in entries[-1], (
        f"the latest NOTES.md entry does not mention csv_sha256 {meta['csv_sha256'][:12]}:\n"
        f"{entries[-1]}\n{HOW}"
    )
