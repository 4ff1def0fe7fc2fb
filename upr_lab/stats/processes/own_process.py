"""Run one function in a new process: its working memory goes back to the system when it ends.

On Linux the process is forked from a server that has done the imports (``forkserver``). Elsewhere,
``python -m upr_lab.stats.processes.own_process`` reads a pickled ``(function, args, kwargs)`` on its standard
input and writes the pickled outcome on its standard output: ``("result", value)`` or ``("error",
exception)``. A plain subprocess rather than ``multiprocessing``: nothing of the caller is re-imported
(a script without a ``__main__`` guard, a Jupyter kernel), and the child sees only its arguments.
"""

import os
import pickle
import signal
import subprocess
import sys
import threading

from upr_lab.stats.processes import forkserver
from upr_lab.stats.processes.lifetime import child_environment, die_with, outcome


def call(function, *args, **kwargs):
    """``function(*args, **kwargs)`` computed in a new process; its exception, if any, raised here.

    On Linux the process is forked from this process's fork server (``forkserver``: milliseconds, the imports
    done once), elsewhere a new interpreter. The arguments are pickled straight into the process and its
    answer read straight from it: neither is held whole in this process as bytes (the arguments are often the
    whole table of recommendations, and a kernel that built their pickle would hold it twice while it is
    sent)."""
    job = forkserver.connect() if forkserver.available() else None
    kind, value = _forked(job, function, args, kwargs) if job is not None else _new_interpreter(function, args, kwargs)
    if kind == "error":
        raise value
    if kind != "result":  # ("died", (how it ended, what it printed last))
        raise RuntimeError(f"{function.__qualname__} stopped in its own process ({value[0]}): {value[1]}") from None
    return value


def _forked(job, function, args, kwargs):
    """Send the computation to a forked process (``forkserver.connect``); its answer."""
    with job, job.makefile("rb") as read, job.makefile("wb") as write:
        try:
            kind, pid = pickle.load(read)
        except Exception:  # noqa: BLE001  (it died before it started)
            return "died", ("no answer", "no message")
        if kind != "pid":
            return kind, (f"exit code {pid}", "no message")
        try:
            pickle.dump(forkserver.state(), write, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((function, args, kwargs), write, protocol=pickle.HIGHEST_PROTOCOL)
            write.flush()
        except (BrokenPipeError, ConnectionResetError):  # it died reading: said below
            pass
        except BaseException:  # an argument that cannot be pickled, or an interrupt: the process is not needed
            _kill(pid)
            raise
        try:
            kind, value = pickle.load(read)
        except BaseException as error:
            _kill(pid)
            if not isinstance(error, Exception):
                raise
            return "died", ("no answer", "no message")
    return kind, (f"exit code {value}", "no message") if kind == "died" else value


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:  # it had ended
        pass


def _new_interpreter(function, args, kwargs):
    """Send the computation to a new Python process; its answer (``("died", why)`` if it gave none)."""
    with subprocess.Popen([sys.executable, "-m", __name__, str(os.getpid())], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_environment()) as child:
        stderr = []
        reader = threading.Thread(target=lambda: stderr.append(child.stderr.read()), daemon=True)
        reader.start()
        try:
            with child.stdin:
                pickle.dump((function, args, kwargs), child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:  # the child died before reading everything: said below
            pass
        except BaseException:  # an argument that cannot be pickled, or an interrupt: the child is not needed
            child.kill()
            raise
        try:
            kind, value = pickle.load(child.stdout)
        except Exception:  # noqa: BLE001  (the child died before answering: killed, out of memory, unpicklable result)
            kind = None
        child.wait()
        reader.join()
    if kind is None:
        tail = b"".join(stderr).decode(errors="replace").strip().splitlines()[-3:]
        return "died", (f"exit code {child.returncode}", " / ".join(tail) or "no message")
    return kind, value


def _serve(parent):
    die_with(parent)
    # A buffered writer of its own for the answer: under PYTHONUNBUFFERED sys.stdout.buffer is a raw file, whose
    # one write a signal can cut short, leaving the caller part of a pickle; a buffered writer completes it.
    answer = open(sys.stdout.fileno(), "wb", closefd=False)
    sys.stdout = sys.stderr  # what the function prints must not mix with the answer
    function, args, kwargs = pickle.loads(sys.stdin.buffer.read())
    with answer:
        pickle.dump(outcome(function, args, kwargs), answer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
