"""Command line: ``python -m experiments run|plot|sensitivity ...`` (also ``collab-experiments``).

Errors in what the user gave (spec, options, folders) print one line ``error: ...`` and exit
with status 2; failed runs exit with 1 after the sweep; Ctrl-C exits with 130 after saving, and
so does SIGTERM (what ``kill`` and batch schedulers such as SLURM send): the runs finished so
far are kept, the worker processes are stopped, and ``--resume`` completes the sweep.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType

EXIT_FAILED_RUNS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UserError(Exception):
    """An error in the user's input, printed as one line without a traceback."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m experiments",
        description="Headless batch experiments of the collaborative-innovation model.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run every run of a spec file and write the results")
    r.add_argument("spec", help="experiment spec (.toml)")
    r.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    eng = r.add_mutually_exclusive_group()
    eng.add_argument("--dask-local", action="store_true", help="run on a new Dask LocalCluster")
    eng.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster")
    r.add_argument("--out", default="out", help="results root; results go to OUT/<name>/")
    mode = r.add_mutually_exclusive_group()
    mode.add_argument("--resume", action="store_true", help="rerun only missing or failed runs")
    mode.add_argument("--overwrite", action="store_true", help="discard earlier results first")
    r.add_argument("--quiet", action="store_true", help="no progress bar or messages")

    pl = sub.add_parser("plot", help="PNG figures of an experiment's results")
    pl.add_argument("folder", help="results folder OUT/<name>")
    pl.add_argument("--reporter", action="append", help="reporter to plot (repeatable)")
    pl.add_argument("--to", help="figure folder (default: OUT/<name>/figures)")
    pl.add_argument("--prefix", default="", help="prefix of figure file names")

    se = sub.add_parser("sensitivity", help="Sobol or Morris indices (SALib) of a sampled design")
    se.add_argument("folder", help="results folder OUT/<name> of a sobol or morris design")
    se.add_argument("--reporter", action="append", help="output reporter (repeatable)")
    se.add_argument("--statistic", choices=("final", "mean"), help="final value or time mean")
    se.add_argument("--to", help="figure folder (default: OUT/<name>/figures)")
    se.add_argument("--prefix", default="", help="prefix of figure file names")
    return p


def _engine_label(engine: object) -> str:
    d = engine.describe()  # type: ignore[attr-defined]
    if d["engine"] == "serial":
        return "serial"
    if d["engine"] == "processes":
        return f"{d['workers']} worker processes"
    if "scheduler" in d:
        return f"Dask cluster at {d['scheduler']}"
    return f"Dask LocalCluster with {d['local_cluster_workers']} workers"


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops a sweep the way Ctrl-C does (save, stop the workers, exit 130)."""
    raise KeyboardInterrupt


def _cmd_run(args: argparse.Namespace) -> int:
    from experiments import interrupts
    from experiments.engines import make_engine, signal_handled
    from experiments.runner import Interrupted, run_experiment
    from experiments.spec import load_spec

    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be >= 1, got {args.workers}")
    if args.workers is not None and args.scheduler:
        raise UserError(
            "--workers has no effect with --scheduler (the cluster's workers run the sweep); "
            "drop one of them"
        )
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {args.out}: is a file, not a folder")
    spec = load_spec(args.spec)
    engine = make_engine(args.workers, dask_local=args.dask_local, scheduler=args.scheduler)
    d = spec.design
    if not args.quiet:
        shown = f" over {', '.join(d.parameters)}" if d.parameters else ""
        print(
            f"{spec.name}: {spec.n_runs} runs = {len(d.points)} {d.kind} points{shown} × "
            f"{spec.replicates} replicates, {spec.steps} steps; {_engine_label(engine)}; "
            f"results in {Path(args.out) / spec.name}",
            file=sys.stderr,
        )
    interrupts.check()  # the imports are done: stop here if a Ctrl-C was swallowed in them
    try:
        # Only while the sweep runs: main() may be called from Python (a notebook, the tests).
        with signal_handled(signal.SIGTERM, _terminate):
            report = run_experiment(
                spec,
                args.out,
                engine,
                resume=args.resume,
                overwrite=args.overwrite,
                quiet=args.quiet,
            )
    except Interrupted as e:
        print(
            f"interrupted: {e.done} of {e.total} runs done and saved in {e.folder}; "
            "run again with --resume to finish",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if not args.quiet:
        print(
            f"{report.done} of {report.total} runs done ({report.ran} this session, "
            f"{report.skipped} kept), {report.failed} failed, {report.wall_s:.1f} s → "
            f"{report.folder}",
            file=sys.stderr,
        )
    if report.failed:
        first = next(iter(report.failures.items()), None)
        detail = f"; first: {first[0]}: {first[1]}" if first else ""
        print(
            f"error: {report.failed} runs failed (errors in {report.folder / 'manifest.json'}; "
            f"rerun them with --resume){detail}",
            file=sys.stderr,
        )
        return EXIT_FAILED_RUNS
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    from experiments.plotting import plot_experiment

    paths = plot_experiment(args.folder, reporters=args.reporter, to=args.to, prefix=args.prefix)
    for p in paths:
        print(p)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from experiments.sensitivity import sensitivity_experiment

    paths = sensitivity_experiment(
        args.folder,
        reporters=args.reporter,
        statistic=args.statistic,
        to=args.to,
        prefix=args.prefix,
    )
    for p in paths:
        print(p)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    from experiments import interrupts

    try:
        with interrupts.noted():  # a Ctrl-C swallowed on the way still stops (interrupts.py)
            status = _main(argv)
            if status != EXIT_INTERRUPTED:
                interrupts.check()
            return status
    except KeyboardInterrupt:  # also during the imports of the first second or two
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: list[str] | None) -> int:
    from experiments.models import ModelNotFound
    from experiments.spec import SpecError
    from experiments.storage import FolderBusy

    args = _parser().parse_args(argv)
    handlers = {"run": _cmd_run, "plot": _cmd_plot, "sensitivity": _cmd_sensitivity}
    try:
        return handlers[args.command](args)
    except (
        UserError,
        SpecError,
        ModelNotFound,
        FolderBusy,
        ConnectionError,
        OSError,  # unwritable --out, disk full, permissions: one line, no traceback
    ) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
