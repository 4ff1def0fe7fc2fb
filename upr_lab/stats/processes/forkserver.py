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

A process that starts kernels (a batch, a run, ``verify``) lends them its server (``lend``): each kernel's
computations are forked from the one server of the batch, started when a kernel first asks for it, rather than
from a server of the kernel's own (a second of imports per kernel). A computation asked for by a kernel ends when
that kernel dies, as when the kernel's own server served it.

Linux only (``fork``; sockets passed between processes); ``own_process`` starts a new interpreter elsewhere,
and when no server can be started.
"""

import atexit
import gc
import importlib
import os
import pickle
import queue
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from upr_lab.stats.processes.lifetime import COMPUTING_ENV, child_environment, die_with, end_with, outcome

PRELOAD = ("pandas", "scipy.stats", "statsmodels.genmod.generalized_linear_model", "upr_lab.stats.models",
           "upr_lab.stats.context_models", "upr_lab.stats.recurrence", "upr_lab.stats.followup.mechanisms",
           "upr_lab.stats.followup.survival", "upr_lab.stats.classify.in_use", "upr_lab.stats.dyads",
           "upr_lab.stats.shared")
START_SECONDS = 120  # the server's imports, on a loaded machine
CLOSE_SECONDS = 5  # a closed server exits at once; killed if it has not after this
OFF = "UPR_LAB_FORK_SERVER"  # "off": a new interpreter for every computation, as on other systems
LENT = "UPR_LAB_FORK_SERVER_LENT"  # the address of the server a kernel's parent lends it (``lend``)

_server = {"owner": None, "socket": None, "process": None}
_lending = {"owner": None, "address": None}  # this process's listener for the processes it lends its server to
_borrowed = {"owner": None, "socket": None}  # this process's connection to a lent server (None: none to be had)
_lock = threading.Lock()


def available():
    """Whether computations can be forked here (Linux, and not turned off with ``UPR_LAB_FORK_SERVER=off``)."""
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds") and os.environ.get(OFF) != "off"


def connect():
    """A socket to a new process forked for one computation, or None when no server can be had. The process
    first sends its id (``("pid", pid)``), then reads the caller's state (``state()``) and the computation, and
    answers as ``own_process`` does; ``("died", exit code)`` if it ended without answering."""
    with _lock:
        borrowed = _borrowed_server()
        job = _sent_job(borrowed) if borrowed is not None else None
        if job is None and borrowed is not None:  # the lent server is gone: this process's own from now on
            borrowed.close()
            _borrowed["socket"] = None
        if job is None:
            try:
                server = _running_server()
            except OSError:  # no process can be had (limits): a new interpreter then
                return None
            job = None if server is None else _sent_job(server)
            if job is None and server is not None:  # the server died: the next computation starts another
                _stop()
        return job


def _sent_job(server):
    """Ask ``server`` to fork a process for one computation; the socket to that process, or None."""
    try:
        mine, theirs = socket.socketpair()
    except OSError:
        return None
    try:
        socket.send_fds(server, [b"f"], [theirs.fileno()])
    except OSError:
        mine.close()
        return None
    finally:
        theirs.close()
    return mine


def lend():
    """The environment a process started here (a kernel) needs to borrow this process's server: ``{LENT:
    address}``, or ``{}`` where no server can be had. The server starts when a borrower first asks for it."""
    if not available():
        return {}
    with _lock:
        if _lending["owner"] != os.getpid():
            _lending.update(owner=os.getpid(), address=_listening())
        return {LENT: _lending["address"]} if _lending["address"] else {}


def _listening():
    """The address of a new listener, in a folder only this user can enter, whose connections are handed to
    this process's server (``_lend_forever``); None if none can be made."""
    folder = tempfile.mkdtemp(prefix="upr-lab-fork-")
    address = os.path.join(folder, "server")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(address)
        listener.listen()
    except OSError:  # an address too long, say: the kernels then start servers of their own
        listener.close()
        shutil.rmtree(folder, ignore_errors=True)
        return None
    threading.Thread(target=_lend_forever, args=(listener,), name="upr-lab fork server lender", daemon=True).start()
    atexit.register(shutil.rmtree, folder, True)
    return address


def _lend_forever(listener):
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:  # out of descriptors, say: the next borrower is answered
            time.sleep(0.1)
            continue
        with connection, _lock:
            try:
                server = _running_server()
                if server is not None:
                    socket.send_fds(server, [b"c"], [connection.fileno()])
            except OSError:  # the borrower, told nothing, starts a server of its own
                _stop()


def _borrowed_server():
    """The connection to the server this process's parent lends it (``LENT``), or None."""
    address = os.environ.get(LENT)
    if not address or _lending["owner"] == os.getpid():
        return None
    if _borrowed["owner"] != os.getpid():  # first asked here (not in a process forked from one that asked)
        _borrowed.update(owner=os.getpid(), socket=_connected(address))
    return _borrowed["socket"]


def _connected(address):
    """A connection to the lent server at ``address``, once the server has it (it answers ``b"r"``)."""
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(START_SECONDS)  # the server may be importing
    try:
        connection.connect(address)
        if connection.recv(1) == b"r":
            connection.settimeout(None)
            return connection
    except OSError:
        pass
    connection.close()
    return None


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
                           stderr=subprocess.DEVNULL, env={**child_environment(), **COMPUTING_ENV})
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
    connections = selectors.DefaultSelector()
    connections.register(control, selectors.EVENT_READ, None)  # the caller's; borrowers' with their process id
    while True:
        for connection, _ in connections.select():
            _answer(connections, connection.fileobj, connection.data)


def _answer(connections, connection, borrower):
    """One message of the caller or of a borrower: a job (``b"f"``), a new borrower (``b"c"``, from the
    caller), or the end of the connection (the server exits when the caller's ends)."""
    try:
        message, fds, _, _ = socket.recv_fds(connection, 1, 1)
    except OSError:
        message, fds = b"", []
    if message == b"c":
        for fd in fds:
            client = socket.socket(fileno=fd)
            try:
                client.sendall(b"r")
                connections.register(client, selectors.EVENT_READ, _peer(client))
            except OSError:  # the borrower has gone already
                client.close()
    elif message:
        server = os.getpid()
        for job in fds:
            if os.fork() == 0:
                for key in list(connections.get_map().values()):
                    key.fileobj.close()
                _watch(server, job, borrower)
            os.close(job)
    elif borrower is None:  # the caller closed its socket, or ended
        os._exit(0)
    else:
        connections.unregister(connection)
        connection.close()


def _peer(connection):
    """The id of the process at the other end of a Unix socket (``SO_PEERCRED``)."""
    return struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))[0]


def _watch(server, job, borrower):
    """The child: forks the computation, waits for it, and answers for it if it ended without answering; ends
    (and the computation with it) when the server, or the borrower that asked, dies."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        die_with(server)
        watcher = os.getpid()
        pid = os.fork()
        if pid == 0:
            _compute(watcher, job)
        if borrower is not None:  # after the fork: the computation is forked from a process of one thread
            threading.Thread(target=end_with, args=(borrower,), daemon=True).start()
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
