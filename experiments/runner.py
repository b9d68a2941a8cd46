"""Run an experiment: plan the runs, dispatch them to an engine, write results, resume.

Every run's seed is computed here, before dispatch, from the master seed and the run's index
(:func:`abm.streams.run_seed`), so a run gives the same result whichever engine or worker
executes it and whether it runs in the first session or after ``--resume``.

Workers only compute (:func:`execute`); the driver alone writes files. That keeps distributed
runs independent of a shared file system and means a killed worker can never leave a partial
file. The run files are the record of what is done: ``--resume`` reruns every planned run
without a run file, whatever the manifest says.
"""

from __future__ import annotations

import math
import os
import shutil
import socket
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import interrupts, storage
from experiments.models import get_model
from experiments.spec import ExperimentSpec, SpecError

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs to execute one run (picklable, self-contained)."""

    run_id: str
    index: int
    point: int
    replicate: int
    seed: int
    model: str
    params: dict[str, Any]
    design_values: dict[str, Any]
    steps: int
    record_every: int
    reporters: tuple[str, ...] | None


@dataclass
class RunResult:
    """What a worker sends back: the recorded frame and summary, or the error."""

    run_id: str
    status: str  # "done" | "failed"
    frame: pd.DataFrame | None = None
    final: dict[str, float] = field(default_factory=dict)
    mean: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    traceback: str | None = None
    started: str = ""
    ended: str = ""
    elapsed_s: float = 0.0
    cpu_s: float = 0.0
    worker: str = ""


def run_id(point: int, replicate: int) -> str:
    """Name of a run: its design point and replicate (sorts in run order)."""
    return f"p{point:05d}-r{replicate:03d}"


def plan(spec: ExperimentSpec) -> list[RunTask]:
    """All runs of ``spec`` with their seeds, in index order (point-major)."""
    model = get_model(spec.model)
    base = model.base_params(spec.scenario)
    tasks = []
    for p, point in enumerate(spec.design.points):
        params = model.make_params(base, {**spec.overrides, **point})
        values = {f: getattr(params, f) for f in _field_names(model.params_cls)}
        for r in range(spec.replicates):
            index = p * spec.replicates + r
            tasks.append(
                RunTask(
                    run_id=run_id(p, r),
                    index=index,
                    point=p,
                    replicate=r,
                    seed=spec.run_seed(index, r),
                    model=spec.model,
                    params=values,
                    design_values=dict(point),
                    steps=spec.steps,
                    record_every=spec.record_every,
                    reporters=spec.reporters,
                )
            )
    return tasks


def _field_names(cls: type) -> list[str]:
    import dataclasses

    return [f.name for f in dataclasses.fields(cls)]


def model_columns(spec: ExperimentSpec) -> list[str]:
    """The reporter columns the spec's model produces (from a zero-step run of the base)."""
    model = get_model(spec.model)
    base = model.make_params(model.base_params(spec.scenario), spec.overrides)
    return [str(c) for c in model.run(base, rng=0, steps=0).columns]


def check_reporters(spec: ExperimentSpec, columns: list[str]) -> None:
    """``SpecError`` if the spec keeps or analyses a reporter the model does not have."""
    import difflib

    groups = (("reporters", spec.reporters or ()), ("analysis", spec.analysis_reporters))
    for group, names in groups:
        for name in names:
            if name not in columns:
                close = difflib.get_close_matches(name, columns, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise SpecError(
                    f"{spec.path}: unknown reporter {name!r} in {group} of model "
                    f"{spec.model!r}{hint}"
                )


def record(frame: pd.DataFrame, record_every: int) -> pd.DataFrame:
    """Rows of steps 0, k, 2k, ... and always the last step."""
    if record_every == 1 or frame.empty:
        return frame
    steps = np.arange(len(frame))
    keep = (steps % record_every == 0) | (steps == len(frame) - 1)
    return frame.iloc[keep]


def summarize(frame: pd.DataFrame) -> tuple[dict[str, float], dict[str, float]]:
    """Final value and mean over steps 1..T (the initial row excluded) of each numeric column.

    With zero steps the mean is the initial value. Computed on every step before thinning by
    ``record_every``, so summaries do not depend on how often steps are recorded.
    """
    numeric = frame.select_dtypes(include=["number", "bool"])
    final = {c: float(numeric[c].iloc[-1]) for c in numeric.columns}
    body = numeric.iloc[1:] if len(numeric) > 1 else numeric
    mean = {c: float(body[c].astype(float).mean()) for c in numeric.columns}
    return final, mean


def execute(task: RunTask) -> RunResult:
    """Run one task (in a worker). Exceptions become a failed result; Ctrl-C propagates."""
    started = storage.now()
    t0 = time.perf_counter()
    c0 = time.process_time()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        model = get_model(task.model)
        params = model.from_dict(task.params)
        df = model.run(params, rng=task.seed, steps=task.steps)
        if task.reporters is not None:
            df = df[list(task.reporters)]
        final, mean = summarize(df)
        kept = record(df, task.record_every).reset_index(drop=True)
        steps = record(pd.Series(np.arange(len(df)), dtype="int64"), task.record_every)
        ids = pd.DataFrame(
            {
                "run_id": task.run_id,
                "point": np.int64(task.point),
                "replicate": np.int64(task.replicate),
                "seed": np.int64(task.seed),
                "step": steps.to_numpy(),
            },
            index=kept.index,
        )
        frame = pd.concat([ids, kept], axis=1)
        frame.attrs = {}
    except Exception as e:
        tb = traceback.format_exception(e)
        return RunResult(
            run_id=task.run_id,
            status="failed",
            error=f"{type(e).__name__}: {e}",
            started=started,
            ended=storage.now(),
            elapsed_s=time.perf_counter() - t0,
            cpu_s=time.process_time() - c0,
            worker=worker,
            traceback="".join(tb[-6:]),
        )
    return RunResult(
        run_id=task.run_id,
        status="done",
        frame=frame,
        final=final,
        mean=mean,
        started=started,
        ended=storage.now(),
        elapsed_s=time.perf_counter() - t0,
        cpu_s=time.process_time() - c0,
        worker=worker,
    )


def failure(task: RunTask, error: str) -> RunResult:
    """A failed result for a run whose worker never answered (died, lost, cancelled)."""
    t = storage.now()
    return RunResult(run_id=task.run_id, status="failed", error=error, started=t, ended=t)


class ExistingResults(SpecError):
    """The output folder already holds results and neither --resume nor --overwrite was given."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep; completed runs are on disk and the manifest says so."""

    def __init__(self, done: int, total: int, folder: Path) -> None:
        super().__init__(f"interrupted: {done} of {total} runs done in {folder}")
        self.done = done
        self.total = total
        self.folder = folder


@dataclass
class SweepReport:
    """Outcome of :func:`run_experiment`."""

    folder: Path
    total: int
    done: int
    failed: int
    ran: int
    skipped: int
    wall_s: float
    failures: dict[str, str]


class Progress:
    """tqdm bar with done/failed counts and ETA (silent with ``quiet``)."""

    def __init__(self, total: int, initial: int, quiet: bool, label: str) -> None:
        from tqdm import tqdm

        self.failed = 0
        self.bar = tqdm(
            total=total,
            initial=initial,
            desc=label,
            unit="run",
            disable=quiet,
            dynamic_ncols=True,
            smoothing=0.1,
        )
        self.done = initial
        self._post()

    def _post(self) -> None:
        self.bar.set_postfix_str(f"done={self.done} failed={self.failed}", refresh=False)

    def update(self, ok: bool) -> None:
        if ok:
            self.done += 1
        else:
            self.failed += 1
        self._post()
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


class Manifest:
    """manifest.json of one experiment folder; written atomically, throttled during a sweep."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self._last = 0.0

    def write(self) -> None:
        storage.write_json(self.path, self.data)
        self._last = time.monotonic()

    def maybe_write(self, interval: float = 2.0) -> None:
        if time.monotonic() - self._last >= interval:
            self.write()


def _new_manifest(spec: ExperimentSpec, tasks: list[RunTask]) -> dict[str, Any]:
    return {
        "manifest_version": MANIFEST_VERSION,
        "experiment": spec.name,
        "question": spec.question,
        "spec_path": spec.path,
        "spec": spec.raw,
        "spec_digest": spec.digest(),
        "model": spec.model,
        "master_seed": spec.master_seed,
        "n_runs": len(tasks),
        "design": {
            "kind": spec.design.kind,
            "parameters": list(spec.design.parameters),
            "n_points": len(spec.design.points),
            "bounds": {k: list(v) for k, v in spec.design.bounds.items()},
            "n": spec.design.n,
            "second_order": spec.design.second_order,
            "num_levels": spec.design.num_levels,
        },
        "replicates": spec.replicates,
        "steps": spec.steps,
        "created": storage.now(),
        "sessions": [],
        "runs": {
            t.run_id: {
                "index": t.index,
                "point": t.point,
                "replicate": t.replicate,
                "seed": t.seed,
                "params": t.design_values,
                "status": "pending",
                "error": None,
                "attempts": 0,
            }
            for t in tasks
        },
    }


def run_experiment(
    spec: ExperimentSpec,
    out: str | Path,
    engine: Any,
    *,
    resume: bool = False,
    overwrite: bool = False,
    quiet: bool = False,
    on_result: Callable[[RunResult], None] | None = None,
) -> SweepReport:
    """Run every planned run of ``spec`` not yet done and write results under ``out/<name>``.

    Args:
        spec: a validated spec.
        out: root folder; results go to ``out/<spec.name>/``.
        engine: an engine from :mod:`experiments.engines` (``map_unordered(tasks)``).
        resume: keep completed runs of an earlier session of the same spec; rerun the rest.
        overwrite: discard earlier results in the folder.
        quiet: no progress bar.
        on_result: called with each result (tests, custom logging).

    Raises:
        ExistingResults: results exist and neither ``resume`` nor ``overwrite`` is set, or
            ``resume`` is set but the spec changed since they were written.
        Interrupted: on Ctrl-C, after the manifest and summary of completed runs are written.
    """
    folder = Path(out) / spec.name
    prepare = getattr(engine, "prepare", None)
    if prepare is not None:
        prepare()
    check_reporters(spec, model_columns(spec))
    tasks = plan(spec)
    with storage.folder_lock(folder):
        return _sweep(spec, tasks, folder, engine, resume, overwrite, quiet, on_result)


def _sweep(
    spec: ExperimentSpec,
    tasks: list[RunTask],
    folder: Path,
    engine: Any,
    resume: bool,
    overwrite: bool,
    quiet: bool,
    on_result: Callable[[RunResult], None] | None,
) -> SweepReport:
    runs_dir = folder / "runs"
    manifest_path = folder / "manifest.json"

    if folder.exists() and any(folder.iterdir()):
        is_experiment = manifest_path.exists() or runs_dir.exists()
        has_results = runs_dir.exists() and any(runs_dir.glob("*.parquet"))
        if overwrite:
            if not is_experiment:
                raise ExistingResults(
                    f"{folder} exists and does not look like an experiment folder; "
                    "refusing to delete it (choose another --out)"
                )
            shutil.rmtree(folder)
        elif not resume and (has_results or not is_experiment):
            raise ExistingResults(
                f"{folder} already holds results; use --resume to complete or reuse them, "
                "--overwrite to start again, or another --out"
            )
        # else: a session that stopped before its first run finished left only its manifest
        # and design; nothing to keep, so this session starts afresh.
    runs_dir.mkdir(parents=True, exist_ok=True)
    storage.remove_stale_temporaries(runs_dir)
    storage.remove_stale_temporaries(folder)

    manifest = _load_or_create_manifest(spec, tasks, manifest_path, resume)
    done_ids = _completed(tasks, runs_dir)
    for t in tasks:
        rec = manifest.data["runs"][t.run_id]
        if t.run_id in done_ids:
            rec["status"] = "done"
        elif rec["status"] == "done":  # file lost since: rerun
            rec["status"] = "pending"
    todo = [t for t in tasks if t.run_id not in done_ids]
    _write_design(spec, folder)

    session = {
        "started": storage.now(),
        "ended": None,
        "engine": engine.describe(),
        "code": storage.code_version(),
        "packages": storage.package_versions(),
        "host": socket.gethostname(),
        "to_run": len(todo),
        "status": "running",
    }
    manifest.data["sessions"].append(session)
    manifest.write()

    t0 = time.perf_counter()
    progress = Progress(len(tasks), len(done_ids), quiet, spec.name)
    failures: dict[str, str] = {}
    ran = 0
    by_id = {t.run_id: t for t in tasks}
    results = engine.map_unordered(todo)
    try:
        for res in results:
            task = by_id[res.run_id]
            rec = manifest.data["runs"][res.run_id]
            rec["attempts"] = rec.get("attempts", 0) + 1
            if res.status == "done":
                _write_result(runs_dir, task, res, spec)
                rec.update(status="done", error=None)
                rec.pop("traceback", None)  # of an earlier failed attempt
            else:
                failures[res.run_id] = res.error or "unknown error"
                rec.update(status="failed", error=res.error)
                if res.traceback:
                    rec["traceback"] = res.traceback
            rec.update(
                started=res.started,
                ended=res.ended,
                elapsed_s=res.elapsed_s,
                cpu_s=res.cpu_s,
                worker=res.worker,
            )
            ran += 1
            progress.update(res.status == "done")
            if on_result is not None:
                on_result(res)
            manifest.maybe_write()
            interrupts.check()  # this result is kept; a Ctrl-C swallowed on the way stops here
    except KeyboardInterrupt:
        _close(results)
        progress.close()
        session.update(ended=storage.now(), status="interrupted")
        manifest.write()
        n_done = sum(1 for r in manifest.data["runs"].values() if r["status"] == "done")
        write_summary(spec, tasks, folder, manifest.data)
        raise Interrupted(n_done, len(tasks), folder) from None
    except BaseException:
        _close(results)
        progress.close()
        session.update(ended=storage.now(), status="crashed")
        manifest.write()
        raise
    progress.close()
    n_done = sum(1 for r in manifest.data["runs"].values() if r["status"] == "done")
    n_failed = sum(1 for r in manifest.data["runs"].values() if r["status"] == "failed")
    session.update(ended=storage.now(), status="complete" if n_done == len(tasks) else "incomplete")
    manifest.write()
    write_summary(spec, tasks, folder, manifest.data)
    return SweepReport(
        folder=folder,
        total=len(tasks),
        done=n_done,
        failed=n_failed,
        ran=ran,
        skipped=len(done_ids),
        wall_s=time.perf_counter() - t0,
        failures=failures,
    )


def _close(results: Iterable[Any]) -> None:
    close = getattr(results, "close", None)
    if close is not None:
        close()


def _load_or_create_manifest(
    spec: ExperimentSpec, tasks: list[RunTask], path: Path, resume: bool
) -> Manifest:
    if resume and path.exists():
        try:
            data = storage.read_json(path)
        except (OSError, ValueError) as e:
            raise ExistingResults(f"{path}: cannot read the manifest to resume ({e})") from None
        if data.get("spec_digest") != spec.digest():
            raise ExistingResults(
                f"{path.parent}: the spec changed since these results were written (different "
                "model, design, seeds, steps or reporters); resume needs the same spec — use "
                "--overwrite to start again or another --out"
            )
        fresh = _new_manifest(spec, tasks)
        for rid, rec in fresh["runs"].items():
            rec.update(data.get("runs", {}).get(rid, {}))
        data["runs"] = fresh["runs"]
        data["spec"] = spec.raw
        data["question"] = spec.question
        return Manifest(path, data)
    return Manifest(path, _new_manifest(spec, tasks))


def _completed(tasks: list[RunTask], runs_dir: Path) -> set[str]:
    """Run ids whose file exists and carries the planned seed."""
    done = set()
    for t in tasks:
        path = runs_dir / f"{t.run_id}.parquet"
        if not path.exists():
            continue
        try:
            meta = storage.read_run_meta(path)
        except Exception:  # unreadable: rerun it
            continue
        if meta.get("seed") == t.seed:
            done.add(t.run_id)
    return done


def _write_result(runs_dir: Path, task: RunTask, res: RunResult, spec: ExperimentSpec) -> None:
    meta = {
        "experiment": spec.name,
        "run_id": task.run_id,
        "index": task.index,
        "point": task.point,
        "replicate": task.replicate,
        "seed": task.seed,
        "model": task.model,
        "steps": task.steps,
        "record_every": task.record_every,
        "design_values": task.design_values,
        "params": task.params,
        "final": res.final,
        "mean": {k: (None if math.isnan(v) else v) for k, v in res.mean.items()},
        "elapsed_s": res.elapsed_s,
        "cpu_s": res.cpu_s,
        "started": res.started,
        "ended": res.ended,
        "worker": res.worker,
    }
    storage.write_run(runs_dir / f"{task.run_id}.parquet", res.frame, meta)


def _write_design(spec: ExperimentSpec, folder: Path) -> None:
    rows = []
    raw = spec.design.raw
    for i, point in enumerate(spec.design.points):
        row: dict[str, Any] = {"point": i, **point}
        if raw is not None:
            for j, name in enumerate(spec.design.parameters):
                row[f"raw_{name}"] = float(raw[i, j])
        rows.append(row)
    storage.write_frame(folder / "design.parquet", pd.DataFrame(rows))


def write_summary(
    spec: ExperimentSpec, tasks: list[RunTask], folder: Path, manifest: Mapping[str, Any]
) -> pd.DataFrame:
    """Build ``summary.parquet`` from the run files (the record of what is done) and manifest."""
    rows = []
    runs_dir = folder / "runs"
    for t in tasks:
        rec = manifest["runs"][t.run_id]
        row: dict[str, Any] = {
            "run_id": t.run_id,
            "index": t.index,
            "point": t.point,
            "replicate": t.replicate,
            "seed": t.seed,
            "status": rec["status"],
            "error": rec.get("error"),
            **t.design_values,
        }
        if rec["status"] == "done":
            meta = storage.read_run_meta(runs_dir / f"{t.run_id}.parquet")
            row.update({f"final_{k}": v for k, v in meta["final"].items()})
            row.update({f"mean_{k}": (np.nan if v is None else v) for k, v in meta["mean"].items()})
            row["elapsed_s"] = meta["elapsed_s"]
        rows.append(row)
    df = pd.DataFrame(rows)
    storage.write_frame(folder / "summary.parquet", df)
    return df


def iter_run_files(folder: Path) -> Iterator[Path]:
    """Completed run files of an experiment folder, in run order."""
    yield from sorted((folder / "runs").glob("p*-r*.parquet"))
