"""Regenerate the golden baseline of tests/test_golden.py, deliberately, with a reason.

The golden baseline is a regression guard: the reporters of one small seeded run, stored so that
any change of the model's output is noticed. When a change is intended (a calibration, a new
mechanism, a fixed bug), regenerate it and say why::

    .venv/bin/python scripts/regenerate_baselines.py --reason "λ calibrated to 0.08 (issue 4)"

This writes ``tests/baselines/golden_small.csv`` (one row per step), ``golden_small.json``
(seed, steps, overrides, the full parameter set used and the CSV's SHA-256) and appends the
date, the git commit, the reason and the hash's first 12 hex digits to
``tests/baselines/NOTES.md``. Commit the three files with the model change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINES = REPO / "tests" / "baselines"
NAME = "golden_small"
#: The golden scenario: the baseline parameters on a small population.
SEED = 7
STEPS = 30
OVERRIDES = {"n_makers": 20, "n_universities": 2, "n_enterprises": 6}


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.strip()


def commit_label() -> str:
    """Short commit hash, marked when the model's code has uncommitted changes."""
    sha = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "abm", "agents")
    return f"{sha} + uncommitted changes in abm/ or agents/" if dirty else sha


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reason", required=True, help="why the model's output changed")
    args = parser.parse_args(argv)
    if not args.reason.strip():
        parser.error("--reason must say why the baseline changes")

    sys.path.insert(0, str(REPO))
    import abm
    from abm.params import Params

    df = abm.run(rng=SEED, steps=STEPS, **OVERRIDES)
    BASELINES.mkdir(parents=True, exist_ok=True)
    csv_path = BASELINES / f"{NAME}.csv"
    tmp = csv_path.with_suffix(".csv.tmp")
    df.to_csv(tmp)
    tmp.replace(csv_path)
    csv_sha256 = hashlib.sha256(csv_path.read_bytes()).hexdigest()
    meta = {
        "csv_sha256": csv_sha256,
        "seed": SEED,
        "steps": STEPS,
        "overrides": OVERRIDES,
        "params": Params().replace(**OVERRIDES).to_dict(),
    }
    (BASELINES / f"{NAME}.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    notes = BASELINES / "NOTES.md"
    if not notes.exists():
        notes.write_text(
            "# Golden baseline history\n\n"
            "Each regeneration of `golden_small.csv` (scripts/regenerate_baselines.py), newest "
            "last.\n"
        )
    stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    with notes.open("a") as fh:
        fh.write(
            f"\n- {stamp}, commit {commit_label()}: {args.reason.strip()} "
            f"(csv_sha256 {csv_sha256[:12]})\n"
        )
    print(f"wrote {csv_path.relative_to(REPO)} ({len(df)} rows × {df.shape[1]} columns)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
