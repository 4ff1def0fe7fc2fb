"""How a computation's process lives: it ends when the process that asked dies, and answers what it gave."""

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # Linux prctl: a signal the kernel sends this process when its parent dies


def child_environment():
    """This process's environment for a Python it starts, which must import what this one can (the tests'
    modules, an editable install's)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def outcome(function, args, kwargs):
    """``("result", value)`` or ``("error", exception)``: what a computation's process answers."""
    try:
        return "result", function(*args, **kwargs)
    except Exception as error:  # handed back to the caller, who raises it
        return "error", error


def die_with(parent):
    """End this process as soon as ``parent`` (the process that asked) dies, as a Jupyter kernel killed by
    an interrupted batch does: nothing it started may go on computing for no one."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: look for the parent every half second
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _watch(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
