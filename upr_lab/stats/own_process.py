"""Run one function in a new Python process: its working memory goes back to the system when it ends.

``python -m upr_lab.stats.own_process`` reads a pickled ``(function, args, kwargs)`` on its standard
input and writes the pickled outcome on its standard output: ``("result", value)`` or ``("error",
exception)``. A plain subprocess rather than ``multiprocessing``: nothing of the caller is re-imported
(a script without a ``__main__`` guard, a Jupyter kernel), and the child sees only its arguments.
"""

import ctypes
import os
import pickle
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # Linux prctl: a signal the kernel sends this process when its parent dies


def call(function, *args, **kwargs):
    """``function(*args, **kwargs)`` computed in a new process; its exception, if any, raised here."""
    payload = pickle.dumps((function, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run([sys.executable, "-m", __name__, str(os.getpid())], input=payload, capture_output=True,
                          env=env)
    try:
        kind, value = pickle.loads(done.stdout)
    except Exception:  # the child died before answering (killed, out of memory, unpicklable result)
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"{function.__qualname__} stopped in its own process (exit code {done.returncode}): "
                           + (" / ".join(tail) or "no message")) from None
    if kind == "error":
        raise value
    return value


def _serve(parent):
    _die_with(parent)
    answer, sys.stdout = sys.stdout.buffer, sys.stderr  # what the function prints must not mix with the answer
    function, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    try:
        outcome = ("result", function(*args, **kwargs))
    except Exception as error:  # handed back to the caller, who raises it
        outcome = ("error", error)
    answer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))


def _die_with(parent):
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


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
