"""Running experiments: engines agree bit for bit, resume, failures, files, CLI errors.

The innovation model runs at a tiny size (10 makers, 15 steps) so a run takes ~0.1 s; the
process pool and the Dask LocalCluster each cost a few seconds to start.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import abm
from abm.params import Params
from experiments import models, runner, storage
from experiments.__main__ import main
from experiments.engines import DaskEngine, ProcessEngine, SerialEngine
from experiments.runner import RunTask, execute, run_experiment
from experiments.spec import SpecError, parse_spec

ROOT = Path(__file__).resolve().parent.parent

TINY = """
name = "tiny"
question = "A tiny grid used by the tests."
steps = 15
replicates = 2
master_seed = 11
reporters = ["n_makers_alive", "mean_trust", "cum_returns", "n_edges", "coupling_grade"]
[overrides]
n_makers = 10
n_universities = 2
n_enterprises = 4
n_finance = 1
n_transfer = 1
n_advisory = 1
[design.grid]
trust_threshold = [0.2, 0.5]
"""


def tiny(extra: str = "", text: str = TINY):
    return parse_spec(textwrap.dedent(text) + textwrap.dedent(extra), "tiny.toml")


def frames(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted((folder / "runs").glob("*.parquet"))}


def no_temporaries(folder: Path) -> bool:
    return not any(p.name.startswith(storage.TMP_PREFIX) for p in folder.rglob("*"))


# Module-level so process workers can import them by name.
def crash_worker_on_first_run(task: RunTask):
    if task.run_id == "p00000-r000":
        os._exit(3)  # a killed worker: no exception, the process just dies
    return execute(task)


# --- Engines give identical results ----------------------------------------------------------


@pytest.fixture(scope="module")
def serial_result(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial")
    report = run_experiment(tiny(), out, SerialEngine(), quiet=True)
    assert (report.done, report.failed) == (4, 0)
    return out / "tiny"


def test_serial_processes_and_dask_give_bit_identical_runs(serial_result, tmp_path) -> None:
    expected = frames(serial_result)
    assert len(expected) == 4
    run_experiment(tiny(), tmp_path / "proc", ProcessEngine(2), quiet=True)
    got = frames(tmp_path / "proc" / "tiny")
    assert got.keys() == expected.keys()
    for rid, df in expected.items():
        pd.testing.assert_frame_equal(got[rid], df, check_exact=True)

    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        run_experiment(tiny(), tmp_path / "dask", DaskEngine(client=client), quiet=True)
        runs = (tmp_path / "dask" / "tiny" / "runs").glob("*.parquet")
        workers = {storage.read_run_meta(p)["worker"] for p in runs}
    got = frames(tmp_path / "dask" / "tiny")
    assert got.keys() == expected.keys()
    for rid, df in expected.items():
        pd.testing.assert_frame_equal(got[rid], df, check_exact=True)
    assert all(str(os.getpid()) != w.split(":")[-1] for w in workers), "ran in Dask workers"

    cols = [
        c for c in pd.read_parquet(serial_result / "summary.parquet").columns if c != "elapsed_s"
    ]
    for other in (tmp_path / "proc" / "tiny", tmp_path / "dask" / "tiny"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(other / "summary.parquet")[cols],
            pd.read_parquet(serial_result / "summary.parquet")[cols],
            check_exact=True,
        )


def test_run_file_reproduces_from_its_stored_seed_and_params(serial_result) -> None:
    path = serial_result / "runs" / "p00001-r001.parquet"
    meta = storage.read_run_meta(path)
    manifest = json.loads((serial_result / "manifest.json").read_text())
    assert meta["seed"] == manifest["runs"]["p00001-r001"]["seed"]
    assert meta["seed"] == runner.plan(tiny())[3].seed
    df = pd.read_parquet(path)
    assert (df["seed"] == meta["seed"]).all()
    # An independent run of the model with the stored seed and parameters gives the same rows.
    again = abm.run(Params(**meta["params"]), rng=meta["seed"], steps=15)
    cols = ["n_makers_alive", "mean_trust", "cum_returns", "n_edges", "coupling_grade"]
    pd.testing.assert_frame_equal(
        df[cols], again[cols].reset_index(drop=True), check_exact=True, check_names=False
    )
    assert meta["params"]["trust_threshold"] == 0.5 and meta["params"]["n_makers"] == 10


# --- Files -----------------------------------------------------------------------------------


def test_parquet_files_have_the_declared_columns(serial_result) -> None:
    reporters = ["n_makers_alive", "mean_trust", "cum_returns", "n_edges", "coupling_grade"]
    for df in frames(serial_result).values():
        assert list(df.columns) == [*storage.ID_COLUMNS, *reporters]
        assert df["step"].tolist() == list(range(16))
        assert df["cum_returns"].dtype.kind == "f" and df["n_edges"].dtype.kind == "i"
    summary = pd.read_parquet(serial_result / "summary.parquet")
    assert summary["run_id"].tolist() == [
        "p00000-r000",
        "p00000-r001",
        "p00001-r000",
        "p00001-r001",
    ]
    assert summary["trust_threshold"].tolist() == [0.2, 0.2, 0.5, 0.5]
    assert (summary["status"] == "done").all()
    numeric = [r for r in reporters if r != "coupling_grade"]
    for r in numeric:
        df = pd.read_parquet(serial_result / "runs" / "p00000-r001.parquet")
        row = summary.iloc[1]
        assert row[f"final_{r}"] == df[r].iloc[-1]
        assert row[f"mean_{r}"] == pytest.approx(df[r].iloc[1:].mean(), rel=1e-12)
    assert "final_coupling_grade" not in summary.columns
    manifest = json.loads((serial_result / "manifest.json").read_text())
    assert manifest["spec"]["name"] == "tiny" and manifest["n_runs"] == 4
    assert manifest["sessions"][-1]["status"] == "complete"
    assert manifest["sessions"][-1]["packages"]["mesa"] == "3.5.1"
    assert "git_commit" in manifest["sessions"][-1]["code"]
    assert no_temporaries(serial_result)


def test_record_every_keeps_every_kth_step_and_the_last(tmp_path) -> None:
    spec = tiny(text=TINY.replace("[overrides]", "record_every = 4\n[overrides]"))
    run_experiment(spec, tmp_path, SerialEngine(), quiet=True)
    df = pd.read_parquet(tmp_path / "tiny" / "runs" / "p00000-r000.parquet")
    assert df["step"].tolist() == [0, 4, 8, 12, 15]


# --- Interruption, resume, failures ----------------------------------------------------------


def test_interrupt_then_resume_completes_exactly_the_missing_runs(serial_result, tmp_path) -> None:
    calls: list[str] = []

    def interrupted_at_third(task: RunTask):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(task.run_id)
        return execute(task)

    with pytest.raises(runner.Interrupted) as e:
        run_experiment(tiny(), tmp_path, SerialEngine(interrupted_at_third), quiet=True)
    assert (e.value.done, e.value.total) == (2, 4)
    folder = tmp_path / "tiny"
    assert sorted(frames(folder)) == ["p00000-r000", "p00000-r001"]
    assert no_temporaries(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sessions"][-1]["status"] == "interrupted"
    assert [r["status"] for r in manifest["runs"].values()] == [
        "done",
        "done",
        "pending",
        "pending",
    ]

    with pytest.raises(SpecError, match="already holds results; use --resume"):
        run_experiment(tiny(), tmp_path, SerialEngine(), quiet=True)

    resumed: list[str] = []

    def counting(task: RunTask):
        resumed.append(task.run_id)
        return execute(task)

    report = run_experiment(tiny(), tmp_path, SerialEngine(counting), resume=True, quiet=True)
    assert resumed == ["p00001-r000", "p00001-r001"]
    assert (report.ran, report.skipped, report.done) == (2, 2, 4)
    got, expected = frames(folder), frames(serial_result)
    assert got.keys() == expected.keys()
    for rid in expected:
        pd.testing.assert_frame_equal(got[rid], expected[rid], check_exact=True)
    summary = pd.read_parquet(folder / "summary.parquet")
    assert summary["run_id"].is_unique and len(summary) == 4

    resumed.clear()
    report = run_experiment(tiny(), tmp_path, SerialEngine(counting), resume=True, quiet=True)
    assert resumed == [] and report.skipped == 4


def test_a_second_session_on_the_same_folder_is_refused(tmp_path) -> None:
    busy = pytest.raises(storage.FolderBusy, match=r"being written by another session \(pid")
    with storage.folder_lock(tmp_path / "tiny"), busy:
        run_experiment(tiny(), tmp_path, SerialEngine(), quiet=True)
    assert not (tmp_path / "tiny" / "runs").exists()
    report = run_experiment(tiny(), tmp_path, SerialEngine(), quiet=True)  # lock released
    assert report.done == 4


def test_resume_refuses_a_changed_spec(serial_result, tmp_path) -> None:
    run_experiment(tiny(), tmp_path, SerialEngine(), quiet=True)
    changed = tiny(text=TINY.replace("steps = 15", "steps = 16"))
    with pytest.raises(SpecError, match="the spec changed since these results were written"):
        run_experiment(changed, tmp_path, SerialEngine(), resume=True, quiet=True)


@pytest.fixture
def failing_model(monkeypatch):
    """The innovation model, except that run p00001-r000 (known by its seed) raises."""
    real = models.get_model("innovation")
    bad_seed = runner.plan(tiny())[2].seed
    assert runner.plan(tiny())[2].run_id == "p00001-r000"

    def run(params, *, rng, steps):
        if rng == bad_seed:
            raise RuntimeError("injected failure")
        return real.run(params, rng=rng, steps=steps)

    monkeypatch.setitem(models.LOADERS, "innovation", lambda: dataclasses.replace(real, run=run))
    models.get_model.cache_clear()
    yield
    models.get_model.cache_clear()


def test_failed_run_is_recorded_and_the_sweep_continues_then_resume_reruns_it(
    tmp_path, failing_model
) -> None:
    report = run_experiment(tiny(), tmp_path, SerialEngine(), quiet=True)
    assert (report.done, report.failed) == (3, 1)
    assert report.failures == {"p00001-r000": "RuntimeError: injected failure"}
    folder = tmp_path / "tiny"
    manifest = json.loads((folder / "manifest.json").read_text())
    rec = manifest["runs"]["p00001-r000"]
    assert rec["status"] == "failed" and rec["error"] == "RuntimeError: injected failure"
    assert "injected failure" in rec["traceback"]
    summary = pd.read_parquet(folder / "summary.parquet").set_index("run_id")
    assert summary.loc["p00001-r000", "status"] == "failed"
    assert pd.isna(summary.loc["p00001-r000", "final_mean_trust"])
    assert not (folder / "runs" / "p00001-r000.parquet").exists()

    rerun: list[str] = []

    def counting(task: RunTask):
        rerun.append(task.run_id)
        return execute(task)

    models.get_model.cache_clear()
    models.LOADERS["innovation"] = models._load_innovation  # the model works again
    report = run_experiment(tiny(), tmp_path, SerialEngine(counting), resume=True, quiet=True)
    assert rerun == ["p00001-r000"] and report.done == 4
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["runs"]["p00001-r000"]["attempts"] == 2
    assert manifest["runs"]["p00001-r000"]["error"] is None
    assert "traceback" not in manifest["runs"]["p00001-r000"]  # kept only while it failed


def test_killed_worker_fails_its_runs_only_and_the_pool_is_replaced(tmp_path) -> None:
    spec = tiny(text=TINY.replace("replicates = 2", "replicates = 3"))
    engine = ProcessEngine(2, fn=crash_worker_on_first_run)
    report = run_experiment(spec, tmp_path, engine, quiet=True)
    assert "p00000-r000" in report.failures
    assert report.failures["p00000-r000"] == "worker process died before finishing this run"
    # Runs queued in the broken pool at that moment may fail with it; the rest complete.
    assert report.done + report.failed == 6 and report.done >= 6 - 2 * 2
    assert no_temporaries(tmp_path / "tiny")
    failed = set(report.failures)
    report = run_experiment(spec, tmp_path, ProcessEngine(2), resume=True, quiet=True)
    assert (report.done, report.ran) == (6, len(failed))


# --- Command line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "/nonexistent.toml"], "error: /nonexistent.toml: spec file not found"),
        (["run", "SPEC", "--workers", "0"], "error: --workers must be >= 1, got 0"),
        (["plot", "/nonexistent-folder"], "error: /nonexistent-folder: results folder not found"),
        (["sensitivity", "TMP"], "error: TMP: not an experiment folder"),
        (
            ["run", "SPEC", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
            "error: --workers has no effect with --scheduler",
        ),
        (["run", "SPEC", "--out", "SPEC"], "error: --out SPEC: is a file, not a folder"),
    ],
)
def test_cli_errors_are_one_line_and_exit_2(args, expected, tmp_path, capsys) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(TINY)
    code = main([{"SPEC": str(spec), "TMP": str(tmp_path)}.get(a, a) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(expected.replace("TMP", str(tmp_path)).replace("SPEC", str(spec)))
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_sigterm_handler_is_restored_after_a_run_from_python(tmp_path) -> None:
    """``main`` called from Python (a notebook, these tests) leaves SIGTERM as it found it."""
    import signal

    spec = tmp_path / "s.toml"
    spec.write_text(TINY)
    before = signal.getsignal(signal.SIGTERM)
    assert main(["run", str(spec), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_malformed_scheduler_address_is_one_line_and_does_not_block_the_next_run(
    tmp_path, capsys
) -> None:
    """``--scheduler garbage`` made Dask raise ValueError from deep inside (a traceback), and
    the folder it had started then refused the next run ("already holds results")."""
    spec = tmp_path / "s.toml"
    spec.write_text(TINY)
    out = tmp_path / "out"
    code = main(["run", str(spec), "--out", str(out), "--scheduler", "garbage", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: cannot reach the Dask scheduler at 'garbage'")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert main(["run", str(spec), "--out", str(out), "--quiet"]) == 0  # no runs to keep
    assert len(list((out / "tiny" / "runs").glob("*.parquet"))) == 4


def test_cli_reports_a_bad_spec_without_traceback_in_a_real_process(tmp_path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(TINY.replace("n_makers = 10", "n_makerz = 10"))
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", str(spec), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: {spec}, line 9: unknown parameter 'n_makerz' in [overrides]; "
        "did you mean 'n_makers'?\n"
    )


def test_sigterm_saves_the_finished_runs_and_stops_the_workers(tmp_path) -> None:
    """``kill`` (SIGTERM, what batch schedulers send) ends a 2-worker sweep like Ctrl-C: exit
    130, the manifest marks the session interrupted, the summary is written, and no worker
    process outlives the driver (they were left running before: SIGTERM skipped the clean-up)."""
    import signal
    import time

    spec = tmp_path / "long.toml"
    spec.write_text(
        TINY.replace("steps = 15", "steps = 60").replace("replicates = 2", "replicates = 20")
    )
    out = tmp_path / "out"
    command = ["run", str(spec), "--out", str(out), "--workers", "2"]
    log = tmp_path / "stderr.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments", *command],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # a file, not a pipe: a worker left alive cannot hold it open
        start_new_session=True,  # its own process group: every worker it starts is in it
    )
    runs = out / "tiny" / "runs"
    deadline = time.monotonic() + 120
    while not (runs.exists() and any(runs.glob("*.parquet"))):
        assert proc.poll() is None and time.monotonic() < deadline, "no run finished"
        time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode == 130, log.read_text()
    manifest = json.loads((out / "tiny" / "manifest.json").read_text())
    assert manifest["sessions"][-1]["status"] == "interrupted"
    assert (out / "tiny" / "summary.parquet").exists()
    done = sum(r["status"] == "done" for r in manifest["runs"].values())
    assert 0 < done < 40 and len(list(runs.glob("*.parquet"))) == done
    for _ in range(50):  # the group is gone once every worker has exited
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("worker processes outlived the driver")


def _program_started(pid: int) -> bool:
    """Whether process ``pid`` runs the program's own code: numpy's core extension is mapped,
    which only the program imports (Linux: /proc/PID/maps); elsewhere, after a fixed 0.5 s."""
    import time

    try:
        return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        time.sleep(0.5)
        return True


@pytest.mark.parametrize("delay", [0.15, 0.3, 0.8, 0.95, 1.1])
def test_ctrl_c_while_the_command_starts_up_prints_no_traceback(tmp_path, delay) -> None:
    """Ctrl-C during the first second (the imports of numpy, pandas and the model, then the
    fork server's start) printed a multiprocessing or import traceback. Now it prints one line
    and exits as interrupted: status 130, or killed by SIGINT, which a shell reports as 130 too
    (CPython ends that way after a KeyboardInterrupt that passed through an ``exec``).

    ``delay`` counts from the moment the program's imports reach numpy (the first of its heavy
    imports), not from the process start: before the program runs, during the interpreter's
    own start-up (the ``site`` module), Ctrl-C ends any Python program with the interpreter's
    fatal-error message, and on a loaded machine a fixed delay from the start can fall there.
    (Not at 0: a Ctrl-C inside numpy's C-extension initialisation comes out as numpy's own
    ImportError message.)

    The later delays reach the moment the pool starts its workers (about a second after numpy):
    a worker started but not yet registered with the pool could not be stopped, and printed
    multiprocessing's ``FileNotFoundError`` traceback once the driver had gone."""
    import signal
    import time

    spec = tmp_path / "long.toml"  # a sweep of many seconds: it cannot end before the signal
    spec.write_text(
        TINY.replace("steps = 15", "steps = 60").replace("replicates = 2", "replicates = 20")
    )
    command = ["run", str(spec), "--out", str(tmp_path / "o"), "--workers", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "experiments", *command],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # Ctrl-C goes to the whole foreground group: driver and workers
        # A shell's background job (CI, nohup) ignores SIGINT and its children inherit that;
        # a terminal's foreground command does not, and Ctrl-C comes from a terminal.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while not _program_started(proc.pid):
        assert proc.poll() is None and time.monotonic() < deadline, "the program never started"
        time.sleep(0.005)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, -signal.SIGINT), err
    assert "Traceback" not in err and err.splitlines()[-1].startswith("interrupted"), err


def test_cli_run_plot_and_rerun_without_resume(tmp_path, capsys) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY)
    out = tmp_path / "out"
    assert main(["run", str(spec), "--workers", "1", "--out", str(out), "--quiet"]) == 0
    assert main(["run", str(spec), "--workers", "1", "--out", str(out), "--quiet"]) == 2
    assert "use --resume" in capsys.readouterr().err
    assert main(["run", str(spec), "--workers", "1", "--out", str(out), "--resume"]) == 0
    assert "4 of 4 runs done (0 this session, 4 kept)" in capsys.readouterr().err
    assert main(["plot", str(out / "tiny"), "--reporter", "mean_trust"]) == 0
    written = capsys.readouterr().out.split()
    names = sorted(Path(p).name for p in written)
    assert names == ["effect_mean_trust.png", "overview.png", "timeseries_mean_trust.png"]
    for p in written:
        assert Path(p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", str(out / "tiny"), "--reporter", "mean_trustt"]) == 2
    assert "did you mean 'mean_trust'?" in capsys.readouterr().err
    assert main(["sensitivity", str(out / "tiny")]) == 2
    assert "needs a 'sobol' or 'morris' design" in capsys.readouterr().err


@contextlib.contextmanager
def _as_from_a_terminal():
    """Python's own SIGINT handler, as a command started from a terminal has it (a test run in
    the background, as CI's, starts with SIGINT ignored); the previous handling restored and
    checked after."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # left as found
        signal.signal(signal.SIGINT, previous)


def test_the_fork_server_starts_deaf_to_ctrl_c_while_the_driver_still_hears_it() -> None:
    """While the fork server starts, the interpreters multiprocessing starts must ignore
    SIGINT (a Ctrl-C during their imports would print their traceback), and the driver must
    not lose a Ctrl-C: it is raised once the start is over. Until 2026-11-29 the driver ignored
    SIGINT itself meanwhile, so that the server would inherit "ignore", and a Ctrl-C in that
    moment was lost: the sweep ran to its end (the start-up Ctrl-C test above caught it once,
    exit status 0)."""
    import signal
    import time
    from multiprocessing import spawn

    from experiments.engines import _children_ignore_sigint

    probe = "import signal; print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)"
    before = spawn.get_executable()
    reached_the_end = False
    with _as_from_a_terminal(), pytest.raises(KeyboardInterrupt):
        with _children_ignore_sigint():
            # what multiprocessing runs for a new interpreter (the fork server's command)
            child = subprocess.run(
                [os.fsdecode(spawn.get_executable()), "-c", probe], capture_output=True, text=True
            )
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # held back in here: the start goes on
            reached_the_end = True
        pytest.fail("the Ctrl-C was lost")  # (what the old code did)
    assert reached_the_end
    assert child.stdout.strip() == "True", child.stderr  # the new interpreter ignores SIGINT
    assert spawn.get_executable() == before  # restored for every later start


def test_a_ctrl_c_swallowed_by_a_weakref_callback_is_not_lost() -> None:
    """Python raises a Ctrl-C's KeyboardInterrupt in whatever Python code runs next; inside a
    weakref callback (as importlib's module locks use while numpy, pandas and scipy import) it
    is swallowed, and the start-up Ctrl-C test above saw the sweep run to its end. Inside
    ``interrupts.noted()`` the Ctrl-C is also recorded, so ``interrupts.check()`` raises it
    again, and Python's "Exception ignored" report of it stays quiet (pytest would turn it
    into a warning); outside, and after the block, ``check()`` does nothing."""
    import signal
    import time
    import weakref

    from experiments import interrupts

    class Thing:
        pass

    def callback(_ref: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs in here: its KeyboardInterrupt is swallowed

    reported: list[object] = []
    outer_hook = sys.unraisablehook
    sys.unraisablehook = reported.append  # what would print "Exception ignored in ..."
    try:
        with _as_from_a_terminal(), interrupts.noted():
            thing = Thing()
            ref = weakref.ref(thing, callback)
            del thing  # runs the callback, which swallows the KeyboardInterrupt
            assert ref() is None
            with pytest.raises(KeyboardInterrupt):
                interrupts.check()
    finally:
        sys.unraisablehook = outer_hook
    assert reported == []
    interrupts.check()  # cleared with the block
