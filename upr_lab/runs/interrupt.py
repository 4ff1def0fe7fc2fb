"""Stopping cleanly: Ctrl-C (SIGINT) and SIGTERM stop a run or a batch the same way.

SIGTERM would end the process at once and leave its kernels (separate processes, in their own
session) running; while a run or batch is under way, both signals raise ``KeyboardInterrupt``. The code that catches it kills the kernels, removes scratch folders and
writes what was completed; the command then exits with 128 + the signal's number, as shells expect.
"""

import contextlib
import signal
import threading


class Stopping:
    """Whether a stop was asked for, and by which signal (SIGINT unless SIGTERM was received)."""

    def __init__(self):
        self.requested, self.signal = False, signal.SIGINT

    @property
    def exit_status(self):
        return 128 + int(self.signal)

    @property
    def name(self):
        return "SIGTERM" if self.signal == signal.SIGTERM else "Ctrl-C (SIGINT)"


@contextlib.contextmanager
def on_signals(on_stop=None):
    """Within this block SIGINT and SIGTERM call ``on_stop()`` and raise ``KeyboardInterrupt`` (main thread only).

    ``on_stop`` runs inside the signal handler, before any library code sees the interruption: it
    must be quick and take no lock (e.g. kill kernel processes). Libraries may turn the
    ``KeyboardInterrupt`` into another error (nbclient reports a dead kernel), so callers check
    ``requested`` on the yielded ``Stopping`` rather than the type of what they caught.
    """
    stopping = Stopping()
    if threading.current_thread() is not threading.main_thread():
        yield stopping
        return

    def handler(signum, _frame):
        stopping.requested, stopping.signal = True, signal.Signals(signum)
        if on_stop is not None:
            on_stop()
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stopping
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


@contextlib.contextmanager
def deferred():
    """Hold SIGINT and SIGTERM off while cleaning up after an interruption, so cleanup is not cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
