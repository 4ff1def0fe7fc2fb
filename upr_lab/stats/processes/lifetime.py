"""How a computation's process lives: it ends when the process that asked dies, and answers what it gave."""

import ctypes
import os
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # Linux prctl: a signal the kernel sends this process when its parent dies
# The environment of every process that computes for a run: the Jupyter kernels (their kernelspec's env) and the
# fork servers their computations are forked from, whoever started the server (a batch lends its own).
# One BLAS/OpenMP thread: the summation order of linear algebra, and so the last digits of every fitted
# model, must not depend on how many threads a machine (or a Dask worker, which sets 1) gives the process.
# Arrow's system allocator: its default (mimalloc) keeps what reading the parse cache freed, some 100 MB of a
# four-cycle table per kernel, and it must be chosen before pyarrow is imported (``set_memory_pool`` later
# does not reach the Arrow file reader).
ONE_BLAS_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
COMPUTING_ENV = {**ONE_BLAS_THREAD, "ARROW_DEFAULT_MEMORY_POOL": "system"}


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


def end_with(pid):
    """Wait until the process ``pid`` has ended, then end this one (``os._exit``)."""
    try:
        handle = os.pidfd_open(pid)
    except (AttributeError, OSError):  # no pidfd (an older kernel), or it has ended already
        while alive(pid):
            time.sleep(0.5)
    else:
        select.select([handle], [], [])
    os._exit(0)


def alive(pid):
    """True while the process ``pid`` exists and has not ended (an ended one its parent has not reaped yet, a
    zombie, has)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:  # no /proc (not Linux): it exists
        return True
