"""A fork server for ``own_process``: computations in a process of their own, started in milliseconds.

Starting a new Python and importing pandas, statsmodels and upr-lab costs about a second and a half of CPU,
more than many pooled computations of a batch cost themselves. So the first isolated computation of a process
(a kernel) starts a server that imports them once (``PRELOAD``); each computation then runs in a process
forked from it, sharing those pages until it writes to them.

Each computation runs in a grandchild of the server, watched by a child that reports how it ended when it
ends without an answer (``os._exit``, killed, out of memory); the server itself only forks. The computation
takes the caller's environment, working folder and ``sys.path`` as they are when it asks (a kernel changes
folder between notebooks), not as they were when the server started. Each process of the chain ends when the
one above it dies, and the server when its caller dies or closes.

Linux only (``fork``; sockets passed between processes); ``own_process`` starts a new interpreter elsewhere,
and when no server can be started.
"""

import atexit
import gc
import importlib
import os
import pickle
import queue
import signal
import socket
import subprocess
import sys
import threading

from upr_lab.stats.processes.lifetime import child_environment, die_with, outcome

PRELOAD = ("pandas", "scipy.stats", "statsmodels.genmod.generalized_linear_model", "upr_lab.stats.models",
           "upr_lab.stats.context_models", "upr_lab.stats.recurrence", "upr_lab.stats.followup.mechanisms",
           "upr_lab.stats.followup.survival", "upr_lab.stats.classify.in_use", "upr_lab.stats.dyads",
           "upr_lab.stats.shared")
START_SECONDS = 120  # the server's imports, on a loaded machine
CLOSE_SECONDS = 5  # a closed server exits at once; killed if it has not after this
OFF = "UPR_LAB_FORK_SERVER"  # "off": a new interpreter for every computation, as on other systems

_server = {"owner": None, "socket": None, "process": None}
_lock = threading.Lock()


def available():
    """Whether computations can be forked here (Linux, and not turned off with ``UPR_LAB_FORK_SERVER=off``)."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds") and os.environ.get(OFF) != "off"


def connect():
    """A socket to a new process forked for one computation, or None when no server can be had. The process
    first sends its id (``("pid", pid)``), then reads the caller's state (``state()``) and the computation, and
    answers as ``own_process`` does; ``("died", exit code)`` if it ended without answering."""
    with _lock:
        try:
            server = _running_server()
            if server is None:
                return None
            mine, theirs = socket.socketpair()
        except OSError:  # no process or socket can be had (limits): a new interpreter then
            return None
        try:
            socket.send_fds(server, [b"f"], [theirs.fileno()])
        except OSError:  # the server died: the next computation starts another
            _stop()
            mine.close()
            return None
        finally:
            theirs.close()
        return mine


def state():
    """What a forked computation takes from its caller: environment, working folder, import path."""
    try:
        folder = os.getcwd()
    except OSError:  # the folder was removed
        folder = None
    return dict(os.environ), folder, list(sys.path)


def _running_server():
    process = _server["process"]
    if _server["owner"] == os.getpid() and process is not None and process.poll() is None:
        return _server["socket"]
    _stop()
    mine, theirs = socket.socketpair()
    try:
        process = _started([sys.executable, "-m", __name__, str(os.getpid()), str(theirs.fileno())],
                           pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=child_environment())
    except OSError:
        return None
    finally:
        theirs.close()
    mine.settimeout(START_SECONDS)
    try:
        ready = mine.recv(1) == b"r"
    except OSError:
        ready = False
    if not ready:
        process.kill()
        mine.close()
        return None
    mine.settimeout(None)
    _server.update(owner=os.getpid(), socket=mine, process=process)
    return mine


def close():
    """End this process's server, if it has one, and wait until it has ended: a process that is done with its
    isolated computations (and, at exit, every process that started a server) leaves none behind, not even
    for the moment the system takes to end it after its caller."""
    with _lock:
        process = _server["process"] if _server["owner"] == os.getpid() else None
        _stop()
    if process is None:
        return
    try:
        process.wait(timeout=CLOSE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


atexit.register(close)  # nothing to do in a process that started no server (or in a child forked from one)
_starts = queue.Queue()


def _started(command, **options):
    """``subprocess.Popen(command, **options)`` from a thread that lives as long as this process: Linux sends
    a child its parent's death signal when the *thread* that started it ends, and the server must outlive the
    thread that first asked for it (a worker thread of a pool)."""
    if not any(thread.name == "upr-lab fork server starter" for thread in threading.enumerate()):
        threading.Thread(target=_start_forever, name="upr-lab fork server starter", daemon=True).start()
    answer = queue.Queue(1)
    _starts.put((command, options, answer))
    process = answer.get()
    if isinstance(process, OSError):
        raise process
    return process


def _start_forever():
    while True:
        command, options, answer = _starts.get()
        try:
            answer.put(subprocess.Popen(command, **options))
        except OSError as error:
            answer.put(error)


def _stop():
    if _server["socket"] is not None and _server["owner"] == os.getpid():
        _server["socket"].close()  # the server reads the end of its socket and exits
    _server.update(owner=None, socket=None, process=None)


def _serve(caller, fd):
    """The server: imports, then forks a watched computation for each socket the caller sends."""
    die_with(caller)
    control = socket.socket(fileno=fd)
    gc.disable()  # while importing: its full collections cost a tenth of the imports' CPU and find a thousand objects
    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()  # the collector of each forked process leaves the imported objects' pages shared
    gc.enable()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # its children are reaped by the system
    control.sendall(b"r")
    server = os.getpid()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 1)
        except OSError:
            break
        if not message:  # the caller closed the socket, or ended
            break
        for job in fds:
            if os.fork() == 0:
                control.close()
                _watch(server, job)
            os.close(job)
    os._exit(0)


def _watch(server, job):
    """The child: forks the computation, waits for it, and answers for it if it ended without answering."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        die_with(server)
        watcher = os.getpid()
        pid = os.fork()
        if pid == 0:
            _compute(watcher, job)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        if code != 0:
            with socket.socket(fileno=job) as connection, connection.makefile("wb") as out:
                pickle.dump(("died", code), out, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        os._exit(0)


def _compute(watcher, job):
    """The grandchild: takes the caller's state, computes, answers; exits 0 once its answer is written."""
    die_with(watcher)
    with socket.socket(fileno=job) as connection, connection.makefile("rb") as read, \
            connection.makefile("wb") as write:
        pickle.dump(("pid", os.getpid()), write, protocol=pickle.HIGHEST_PROTOCOL)
        write.flush()
        env, folder, path = pickle.load(read)
        os.environ.clear()
        os.environ.update(env)
        sys.path[:] = path
        if folder is not None:
            try:
                os.chdir(folder)
            except OSError:
                pass
        try:
            function, args, kwargs = pickle.load(read)
        except Exception as error:  # noqa: BLE001  (a module that cannot be imported here): the caller's to raise
            answer = ("error", error)
        else:
            answer = outcome(function, args, kwargs)
        pickle.dump(answer, write, protocol=pickle.HIGHEST_PROTOCOL)
        write.flush()
    os._exit(0)


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
