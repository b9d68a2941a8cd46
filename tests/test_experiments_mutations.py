"""Runner and storage behaviour that mutation testing found unchecked.

Each test pins one documented promise of docs/experiments.md (or of the code's own docstring)
that a plausible one-line change of experiments/runner.py or experiments/storage.py broke
without any other test failing. The model is a registered toy whose output is a known function
of its parameter, y(t) = 3·a·t/steps, so expected values follow by hand, and every test runs
in well under a second.
"""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from experiments import models, storage
from experiments.engines import SerialEngine
from experiments.runner import ExistingResults, RunTask, execute, run_experiment
from experiments.spec import parse_spec


def _m(lo: float, hi: float) -> dict:
    return {"label": "toy", "min": lo, "max": hi, "step": None, "choices": None}


@dataclass(frozen=True)
class ToyParams:
    a: float = field(default=0.5, metadata=_m(0.0, 1.0))


def toy_run(params: ToyParams, *, rng: int, steps: int) -> pd.DataFrame:
    """y(t) = 3·a·t/steps, whatever the seed."""
    t = np.arange(steps + 1)
    return pd.DataFrame({"y": 3.0 * params.a * t / max(steps, 1)}, index=t)


@pytest.fixture
def toy_model(monkeypatch):
    entry = models.ModelEntry(
        name="toy", params_cls=ToyParams, run=toy_run, scenarios={}, default_scenario=None
    )
    monkeypatch.setitem(models.LOADERS, "toy", lambda: entry)
    models.get_model.cache_clear()
    yield entry
    models.get_model.cache_clear()


def toy_spec(extra: str = "", grid: str = "a = [0.0, 1.0]"):
    text = f"""
    name = "toy"
    model = "toy"
    steps = 4
    replicates = 2
    master_seed = 3
    {extra}
    [design.grid]
    {grid}
    """
    return parse_spec(textwrap.dedent(text), "toy.toml")


def counting_engine(calls: list[str]) -> SerialEngine:
    def counting(task: RunTask):
        calls.append(task.run_id)
        return execute(task)

    return SerialEngine(counting)


# --- storage: atomic writes and leftover temporaries -----------------------------------------


def test_a_failed_atomic_write_leaves_the_previous_file_and_no_temporary(tmp_path) -> None:
    # docs: "written to a temporary name (.tmp-...) in the same folder ... renamed over the
    # final name, so a crash ... never leaves a partial file under a final name".
    final = tmp_path / "manifest.json"
    final.write_text("previous")
    crash = pytest.raises(RuntimeError, match="crash mid-write")
    with crash, storage.atomic_path(final) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("crash mid-write")
    assert final.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    assert tmp.parent == final.parent and tmp.name.startswith(".tmp-")


def test_the_next_session_deletes_leftover_temporaries(toy_model, tmp_path) -> None:
    # docs: "leftover temporaries are deleted by the next session" (of runs and of the folder).
    run_experiment(toy_spec(), tmp_path, SerialEngine(), quiet=True)
    folder = tmp_path / "toy"
    stale = [
        folder / "runs" / ".tmp-p00000-r000.parquet.4242",
        folder / ".tmp-summary.parquet.4242",
        folder / ".tmp-manifest.json.4242",
    ]
    for p in stale:
        p.write_bytes(b"partial")
    calls: list[str] = []
    report = run_experiment(toy_spec(), tmp_path, counting_engine(calls), resume=True, quiet=True)
    assert calls == [] and report.skipped == 4
    assert [p.name for p in stale if p.exists()] == []


# --- resume: the run files, checked against the planned seed, are the record ----------------


def test_resume_reruns_a_run_file_that_carries_another_runs_seed(toy_model, tmp_path) -> None:
    # A run counts as done only if its file exists and carries the planned seed (runner
    # docstring of _completed); a file holding another run's result is rerun, the others kept.
    run_experiment(toy_spec(), tmp_path, SerialEngine(), quiet=True)
    runs = tmp_path / "toy" / "runs"
    shutil.copyfile(runs / "p00000-r000.parquet", runs / "p00001-r000.parquet")
    calls: list[str] = []
    report = run_experiment(toy_spec(), tmp_path, counting_engine(calls), resume=True, quiet=True)
    assert calls == ["p00001-r000"]
    assert (report.ran, report.skipped, report.done) == (1, 3, 4)
    # The rerun file now holds point 1 (a = 1): final y = 3·1 = 3 (by hand).
    df = pd.read_parquet(runs / "p00001-r000.parquet")
    assert df["point"].tolist() == [1] * 5 and df["y"].iloc[-1] == 3.0


# --- summaries are computed on every step, before record_every thins the rows ---------------


def test_summary_statistics_do_not_depend_on_record_every(toy_model, tmp_path) -> None:
    # steps = 4, record_every = 3: the run file keeps steps 0, 3 and the last, 4. By hand, for
    # a = 1: final y = 3; mean over steps 1..4 of 3·t/4 = 3·(1+2+3+4)/16 = 1.875 (docs: "mean
    # over steps 1..T ... computed on every step even if record_every > 1"; the kept rows 3, 4
    # would give 2.625). For a = 0 both are 0.
    run_experiment(toy_spec("record_every = 3"), tmp_path, SerialEngine(), quiet=True)
    folder = tmp_path / "toy"
    df = pd.read_parquet(folder / "runs" / "p00001-r000.parquet")
    assert df["step"].tolist() == [0, 3, 4]
    assert df["y"].tolist() == [0.0, 2.25, 3.0]
    summary = pd.read_parquet(folder / "summary.parquet").set_index("run_id")
    assert summary["final_y"].tolist() == [0.0, 0.0, 3.0, 3.0]
    assert summary["mean_y"].tolist() == [0.0, 0.0, 1.875, 1.875]


# --- overwrite -------------------------------------------------------------------------------


def test_overwrite_deletes_the_earlier_results_first(toy_model, tmp_path) -> None:
    # docs: "--overwrite: delete the earlier results of this experiment first". A one-point
    # spec written over a two-point one leaves only the new point's two runs.
    run_experiment(toy_spec(), tmp_path, SerialEngine(), quiet=True)
    report = run_experiment(
        toy_spec(grid="a = [0.5]"), tmp_path, SerialEngine(), overwrite=True, quiet=True
    )
    assert (report.ran, report.skipped, report.done) == (2, 0, 2)
    runs = sorted(p.name for p in (tmp_path / "toy" / "runs").iterdir())
    assert runs == ["p00000-r000.parquet", "p00000-r001.parquet"]
    summary = pd.read_parquet(tmp_path / "toy" / "summary.parquet")
    assert summary["final_y"].tolist() == [1.5, 1.5]  # 3 · 0.5


def test_overwrite_refuses_to_delete_a_folder_that_is_not_an_experiment(
    toy_model, tmp_path
) -> None:
    precious = tmp_path / "toy" / "thesis.tex"
    precious.parent.mkdir()
    precious.write_text("years of work")
    with pytest.raises(ExistingResults, match="does not look like an experiment folder"):
        run_experiment(toy_spec(), tmp_path, SerialEngine(), overwrite=True, quiet=True)
    assert precious.read_text() == "years of work"
