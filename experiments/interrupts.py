"""Ctrl-C that cannot get lost on the way.

Python turns SIGINT into ``KeyboardInterrupt`` in whatever Python code the main thread runs
next. When that code is a weakref callback, a ``__del__`` method, or a function called from a
C extension that clears errors (all of which happen while numpy, pandas and scipy are
imported), the exception is swallowed, at most printed as "Exception ignored", and the program
goes on as if nothing had been pressed: a sweep interrupted in its first second then ran to
its end (seen in ``tests/test_experiments_run.py``'s start-up Ctrl-C test, about one run in
ten). The handler of :func:`noted` therefore also records the Ctrl-C, and :func:`check`, called
where the command line and the runner can stop cleanly, raises it again if it was swallowed;
Python's "Exception ignored" report of such a Ctrl-C is kept quiet.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

_seen = threading.Event()


def _note_and_raise(signum: int, frame: FrameType | None) -> None:
    _seen.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def noted() -> Iterator[None]:
    """Inside the block, a Ctrl-C is recorded as well as raised (the previous handler is
    restored after it, and the record cleared). Only where Python's own handler is in place,
    in the main thread: a process started with SIGINT ignored (a background job, ``nohup``)
    keeps ignoring it, and a handler someone else installed (a notebook's) is left alone."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    _seen.clear()
    previous = signal.signal(signal.SIGINT, _note_and_raise)
    previous_hook = sys.unraisablehook

    def quiet_about_ctrl_c(unraisable: Any) -> None:
        """A swallowed Ctrl-C is recorded and raised again by :func:`check`; Python's report
        of it ("Exception ignored in ...", with a traceback) would only confuse."""
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            previous_hook(unraisable)

    sys.unraisablehook = quiet_about_ctrl_c
    try:
        yield
    finally:
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGINT, previous)
        _seen.clear()


def check() -> None:
    """Raise ``KeyboardInterrupt`` if a Ctrl-C came inside :func:`noted` (whether or not its
    own ``KeyboardInterrupt`` got through): a safe point to stop at. A no-op otherwise."""
    if _seen.is_set():
        raise KeyboardInterrupt
