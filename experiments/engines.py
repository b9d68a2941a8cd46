"""Engines that execute runs: in this process, in local processes, or on a Dask cluster.

An engine has ``map_unordered(tasks)`` — a generator of :class:`~experiments.runner.RunResult`
in completion order — and ``describe()`` for the manifest. Closing the generator (the driver
does so on Ctrl-C) cancels what has not finished and stops the workers. No engine writes files;
the driver does.

Local processes use :class:`concurrent.futures.ProcessPoolExecutor` with the ``forkserver``
start method: workers never inherit the driver's threads (tqdm's monitor, Dask's event loop)
the way ``fork`` would, and the fork server preloads the model once so each worker starts fast.
Workers ignore SIGINT so Ctrl-C reaches only the driver, which then stops them.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from experiments.runner import RunResult, RunTask, execute, failure

#: Modules the fork server imports once, so workers fork with Mesa and the model loaded.
PRELOAD: tuple[str, ...] = ("experiments.runner", "abm.model")


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class SerialEngine:
    """Runs one task after another in this process (``--workers 1``).

    Args:
        fn: the function executing one task (default :func:`~experiments.runner.execute`);
            tests pass a wrapper to inject failures or interruptions.
    """

    name = "serial"

    def __init__(self, fn: Callable[[RunTask], RunResult] = execute) -> None:
        self.fn = fn

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": 1}

    def map_unordered(self, tasks: Sequence[RunTask]) -> Iterator[RunResult]:
        for task in tasks:
            yield self.fn(task)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def signal_handled(signum: int, handler: Any) -> Iterator[None]:
    """``handler`` for ``signum`` inside the block, the previous handler restored after it.
    Handlers can only be set in the main thread; elsewhere the signal keeps its handling."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signum, handler)
    try:
        yield
    finally:
        signal.signal(signum, old)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """A Ctrl-C inside the block is noted and raised as ``KeyboardInterrupt`` right after it.

    Around the pool's submissions, which start worker processes: interrupted between a
    worker's start and its registration with the pool, the clean-up could not stop that worker,
    which then failed to start once the driver had exited, with a multiprocessing traceback.
    (A Python-level handler, not a blocked signal: Python runs handlers in the main thread
    whichever thread the signal reached.)"""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # started ignoring it: keep so
    ):
        yield
        return
    noted: list[int] = []
    try:
        with signal_handled(signal.SIGINT, lambda signum, frame: noted.append(signum)):
            yield
    finally:
        if noted:  # also when the block raised: the user's Ctrl-C comes first
            raise KeyboardInterrupt


def _sigint_ignored() -> contextlib.AbstractContextManager[None]:
    """Ignore SIGINT while child processes start, so they inherit "ignore". (The driver
    ignores it too meanwhile, so a Ctrl-C in that moment is lost: used only where the children
    cannot be started otherwise, see :func:`_children_ignore_sigint`.)"""
    return signal_handled(signal.SIGINT, signal.SIG_IGN)


_LAUNCHER: list[str] = []  # the launcher script of this process, made on first use


def _sigint_ignoring_launcher() -> str:
    """A launcher for the interpreter that starts it with SIGINT ignored: ``/bin/sh`` sets
    "ignore" and ``exec`` keeps it, and Python leaves an ignored SIGINT ignored. One file per
    process, in a private temporary folder removed at exit."""
    if not _LAUNCHER:
        import atexit
        import shlex
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="experiments-launcher-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = os.path.join(folder, "python")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"#!/bin/sh\ntrap '' INT\nexec {shlex.quote(sys.executable)} \"$@\"\n")
        os.chmod(path, 0o700)
        _LAUNCHER.append(path)
    return _LAUNCHER[0]


@contextlib.contextmanager
def _children_ignore_sigint() -> Iterator[None]:
    """The interpreters multiprocessing starts inside the block (the fork server, and the
    resource tracker it starts) run through :func:`_sigint_ignoring_launcher`, so they never
    see a Ctrl-C, while the driver keeps its own SIGINT handling: a Ctrl-C in that moment is
    noted and raised as ``KeyboardInterrupt`` once they are started (:func:`_sigint_deferred`).

    Until 2026-11-29 the driver ignored SIGINT itself meanwhile (:func:`_sigint_ignored`), so
    that the children would inherit "ignore", and a Ctrl-C in the ~7 ms of the fork server's
    start was lost: the sweep ran to its end (the Ctrl-C start-up test caught it once)."""
    from multiprocessing import spawn

    if os.name != "posix":
        yield
        return
    before = spawn.get_executable()
    with _sigint_deferred():
        multiprocessing.set_executable(_sigint_ignoring_launcher())
        try:
            yield
        finally:
            multiprocessing.set_executable(before)


class ProcessEngine:
    """Local worker processes (``concurrent.futures``), at most ``2 × workers`` tasks queued.

    If a worker dies (killed, out of memory), the runs in flight are recorded as failed, a new
    pool is started, and the sweep goes on; ``--resume`` reruns the failed ones.
    """

    name = "processes"

    def __init__(
        self,
        workers: int | None = None,
        start_method: str = "forkserver",
        fn: Callable[[RunTask], RunResult] = execute,
    ) -> None:
        self.workers = workers or default_workers()
        self.start_method = start_method
        self.fn = fn  # must be importable by name in the workers (a module-level function)

    def describe(self) -> dict[str, Any]:
        return {"engine": self.name, "workers": self.workers, "start_method": self.start_method}

    def prepare(self) -> None:
        """Start the fork server now, so its imports overlap with the driver's own setup.

        It is started with SIGINT ignored (:func:`_children_ignore_sigint`), so Ctrl-C during
        its imports does not print a traceback from it; the driver alone handles Ctrl-C, also
        one that comes while the server starts.
        """
        if self.start_method != "forkserver":
            return
        import multiprocessing.forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(list(PRELOAD))
        with _children_ignore_sigint():
            multiprocessing.forkserver.ensure_running()

    def _pool(self) -> cf.ProcessPoolExecutor:
        ctx = multiprocessing.get_context(self.start_method)
        self.prepare()
        return cf.ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_ignore_sigint
        )

    def map_unordered(self, tasks: Sequence[RunTask]) -> Iterator[RunResult]:
        queue = list(reversed(tasks))
        in_flight: dict[cf.Future, RunTask] = {}
        pool = self._pool()
        limit = 2 * self.workers
        try:
            while queue or in_flight:
                broken = False
                while queue and len(in_flight) < limit and not broken:
                    task = queue.pop()
                    try:
                        with _sigint_deferred():  # a submission may start a worker
                            in_flight[pool.submit(self.fn, task)] = task
                    except BrokenProcessPool:
                        queue.append(task)
                        broken = True
                done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    task = in_flight.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken = True
                        yield failure(task, "worker process died before finishing this run")
                    except Exception as e:  # e.g. a result that could not be pickled
                        yield failure(task, f"{type(e).__name__}: {e}")
                if broken:
                    for task in list(in_flight.values()):
                        yield failure(task, "worker process died before finishing this run")
                    in_flight.clear()
                    _stop(pool)
                    pool = self._pool()
        finally:
            _stop(pool)


def _stop(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel queued work and terminate the workers without waiting for running tasks."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(timeout=5)


class DaskEngine:
    """Runs on Dask distributed: a new ``LocalCluster`` or an existing scheduler's cluster.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); ``None`` starts a
            ``LocalCluster`` with ``workers`` single-threaded worker processes.
        workers: workers of the local cluster (default: all cores).
        client: an existing ``distributed.Client`` to use as is (tests, notebooks).
    """

    name = "dask"

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        client: Any = None,
        dashboard_address: str | None = ":0",
    ) -> None:
        self.scheduler = scheduler
        self.workers = workers or default_workers()
        self.client = client
        self.dashboard_address = dashboard_address

    def describe(self) -> dict[str, Any]:
        if self.client is not None:
            return {"engine": self.name, "scheduler": str(self.client.scheduler.address)}
        if self.scheduler:
            return {"engine": self.name, "scheduler": self.scheduler}
        return {"engine": self.name, "local_cluster_workers": self.workers}

    def _connect(self) -> tuple[Any, Any, bool]:
        from dask.distributed import Client, LocalCluster

        if self.client is not None:
            return self.client, None, False
        if self.scheduler:
            try:
                return Client(self.scheduler, timeout="30s"), None, True
            except (OSError, TimeoutError, ValueError) as e:  # ValueError: a malformed address
                raise ConnectionError(
                    f"cannot reach the Dask scheduler at {self.scheduler!r} ({e})"
                ) from None
        with _sigint_ignored():  # workers inherit it: Ctrl-C reaches only the driver
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=self.dashboard_address,
                silence_logs=logging.ERROR,  # no warnings about tasks cancelled by Ctrl-C
            )
        return Client(cluster), cluster, True

    def map_unordered(self, tasks: Sequence[RunTask]) -> Iterator[RunResult]:
        from dask.distributed import as_completed

        if not tasks:
            return
        client, cluster, owned = self._connect()
        futures = []
        try:
            by_key = {}
            token = uuid.uuid4().hex[:8]
            for task in tasks:
                fut = client.submit(execute, task, pure=False, key=f"run-{task.run_id}-{token}")
                by_key[fut.key] = task
                futures.append(fut)
            for fut in as_completed(futures):
                task = by_key[fut.key]
                try:
                    res = fut.result()
                except Exception as e:  # KilledWorker, lost connection, ...
                    res = failure(task, f"{type(e).__name__}: {e}")
                fut.release()
                yield res
        finally:
            if futures:
                with contextlib.suppress(Exception):
                    client.cancel(futures)
            if owned:
                client.close()
                if cluster is not None:
                    cluster.close()


def make_engine(
    workers: int | None = None, *, dask_local: bool = False, scheduler: str | None = None
) -> SerialEngine | ProcessEngine | DaskEngine:
    """The engine the command-line options ask for (serial when ``workers == 1``)."""
    if scheduler:
        return DaskEngine(scheduler=scheduler)
    if dask_local:
        return DaskEngine(workers=workers)
    n = workers or default_workers()
    if n == 1:
        return SerialEngine()
    return ProcessEngine(n)
