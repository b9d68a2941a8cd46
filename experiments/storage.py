"""Result files of an experiment: run Parquet files, the summary and the manifest.

Layout under ``OUT/<experiment>/``::

    runs/<run_id>.parquet   reporters per recorded step of one run (+ run_id, point, replicate,
                            seed, step columns); the run's parameters, seed and summary
                            statistics are also in the file's schema metadata
    summary.parquet         one row per planned run: status, design parameters, seed,
                            final_<reporter> and mean_<reporter>
    design.parquet          the design points (and, for sampling designs, the raw sample)
    manifest.json           spec, code and package versions, seeds, sessions, status of every run

Every file is written to a temporary name in the same folder, flushed to disk, then renamed over
the final name (``os.replace`` is atomic on POSIX and Windows), so a crash or Ctrl-C never
leaves a partial file under a final name. Leftover temporaries start with ``.tmp-`` and are
removed by the next session.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TMP_PREFIX = ".tmp-"
META_KEY = b"experiments.run"
ID_COLUMNS: tuple[str, ...] = ("run_id", "point", "replicate", "seed", "step")
PACKAGES: tuple[str, ...] = (
    "collab-innovation-abm",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "networkx",
    "scipy",
    "SALib",
    "dask",
    "distributed",
    "matplotlib",
)


def now() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """A temporary path next to ``final``; renamed over ``final`` only if the block succeeds."""
    tmp = final.with_name(f"{TMP_PREFIX}{final.name}.{os.getpid()}")
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


class FolderBusy(RuntimeError):
    """Another session is writing to the same experiment folder."""


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Exclusive lock on an experiment folder for one session (``OUT/.<name>.lock``).

    The lock is an OS file lock (``fcntl.flock``), released by the OS if the process dies, so
    a crashed session never blocks the next one. Where ``fcntl`` is missing (Windows) there is
    no lock.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    path = folder.parent / f".{folder.name}.lock"
    with open(path, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise FolderBusy(
                f"{folder} is being written by another session ({holder}); wait for it to "
                "finish or stop it first"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} on {platform.node()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=1, sort_keys=False, default=str) + "\n")


def read_json(path: Path) -> Any:
    """Read a JSON file."""
    return json.loads(path.read_text(encoding="utf-8"))


def write_run(path: Path, frame: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Write one run's frame with ``meta`` in the schema metadata, atomically."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    md = dict(table.schema.metadata or {})
    md[META_KEY] = json.dumps(meta, default=str).encode()
    table = table.replace_schema_metadata(md)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def read_run_meta(path: Path) -> dict[str, Any]:
    """The metadata stored with a run file (reads the footer only, not the data)."""
    md = pq.read_schema(path).metadata or {}
    return json.loads(md[META_KEY])


def write_frame(path: Path, frame: pd.DataFrame) -> None:
    """Write a DataFrame to Parquet, atomically."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def remove_stale_temporaries(folder: Path) -> int:
    """Delete leftover temporaries of an interrupted session; returns how many."""
    n = 0
    if folder.is_dir():
        for p in folder.glob(f"{TMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                n += 1
    return n


def code_version() -> dict[str, Any]:
    """Git commit of the code (and whether tracked files were modified), if available."""
    root = Path(__file__).resolve().parent.parent
    info: dict[str, Any] = {"git_commit": None, "git_dirty": None}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=5
        )
        if commit.returncode == 0:
            info["git_commit"] = commit.stdout.strip()
            status = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=5,
            )
            if status.returncode == 0:
                info["git_dirty"] = bool(status.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def package_versions() -> dict[str, str | None]:
    """Versions of Python and the packages results depend on."""
    out: dict[str, str | None] = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
