"""Reading an experiment folder back: manifest, summary, design and run files.

Used by ``plot`` and ``sensitivity``; raises :class:`~experiments.spec.SpecError` with a clear
message when the folder is not an experiment folder or lacks what the analysis needs.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import storage
from experiments.spec import SpecError


@dataclass
class Results:
    """An experiment folder's manifest, summary and design."""

    folder: Path
    manifest: dict[str, Any]
    summary: pd.DataFrame
    design: pd.DataFrame

    @property
    def name(self) -> str:
        return str(self.manifest.get("experiment", self.folder.name))

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self.manifest.get("spec", {}))

    @property
    def kind(self) -> str:
        return str(self.manifest.get("design", {}).get("kind", "grid"))

    @property
    def parameters(self) -> list[str]:
        return list(self.manifest.get("design", {}).get("parameters", []))

    @property
    def done(self) -> pd.DataFrame:
        """Summary rows of completed runs."""
        return self.summary[self.summary["status"] == "done"]

    def numeric_reporters(self) -> list[str]:
        """Reporters with a numeric summary (``final_<name>`` columns)."""
        return [c[len("final_") :] for c in self.summary.columns if c.startswith("final_")]

    def analysis_reporters(
        self, chosen: Sequence[str] | None, default: Sequence[str] = ()
    ) -> list[str]:
        """Reporters to analyse: ``chosen``, else the spec's ``[analysis]``, else a default."""
        available = self.numeric_reporters()
        if not available:
            raise SpecError(f"{self.folder}: no completed runs to analyse")
        names = list(chosen or self.spec.get("analysis", {}).get("reporters", []) or [])
        if not names:
            names = [r for r in default if r in available] or available[:6]
        for name in names:
            if name not in available:
                close = difflib.get_close_matches(name, available, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise SpecError(
                    f"{self.folder}: reporter {name!r} is not a numeric reporter of these "
                    f"results{hint}"
                )
        return names

    def run_frames(self, columns: Sequence[str]) -> pd.DataFrame:
        """Rows of every completed run file, with ``point``, ``replicate``, ``step`` + columns."""
        files = [self.folder / "runs" / f"{rid}.parquet" for rid in self.done["run_id"].tolist()]
        if not files:
            raise SpecError(f"{self.folder}: no completed runs to plot")
        cols = ["point", "replicate", "step", *columns]
        return pd.concat((pd.read_parquet(f, columns=cols) for f in files), ignore_index=True)


def load_results(folder: str | Path) -> Results:
    """Open an experiment folder written by ``python -m experiments run``."""
    f = Path(folder)
    if not f.is_dir():
        raise SpecError(f"{f}: results folder not found")
    manifest_path = f / "manifest.json"
    if not manifest_path.exists():
        hint = ""
        subs = [p.name for p in f.iterdir() if os.path.isfile(p / "manifest.json")]
        if subs:
            hint = f" (experiments inside: {', '.join(sorted(subs))}; pass e.g. {f / subs[0]})"
        raise SpecError(f"{f}: not an experiment folder, no manifest.json{hint}")
    try:
        manifest = storage.read_json(manifest_path)
    except (OSError, ValueError) as e:
        raise SpecError(f"{manifest_path}: unreadable manifest ({e})") from None
    summary_path = f / "summary.parquet"
    if not summary_path.exists():
        raise SpecError(f"{f}: no summary.parquet; finish the sweep with --resume first")
    summary = pd.read_parquet(summary_path)
    design_path = f / "design.parquet"
    design = pd.read_parquet(design_path) if design_path.exists() else pd.DataFrame()
    return Results(folder=f, manifest=manifest, summary=summary, design=design)
