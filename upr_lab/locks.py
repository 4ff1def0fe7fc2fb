"""Run locks: two upr-lab processes writing into the same outputs folder never run the same run at once.

Each run folder ``OUT/<ISO3>/<analysis>`` has a lock file beside it (``OUT/<ISO3>/.<analysis>.lock``)
held with ``flock`` while the run executes and moves into place. The operating system releases it
when its process ends, however it ends, so a killed batch never leaves a stale lock. The file holds
the process id of its holder, so the process that waits can say whom it waits for.
"""

import contextlib
import fcntl
import os
from pathlib import Path


@contextlib.contextmanager
def run_lock(destination, on_wait=None):
    """Hold the lock of the run folder ``destination``; yields True if another process held it first.

    ``on_wait(message)`` is called once, before waiting, with what is being waited for.
    """
    destination = Path(destination)
    path = destination.parent / f".{destination.name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        waited = not _try_lock(handle)
        if waited:
            if on_wait is not None:
                on_wait(f"waiting for {destination}: another upr-lab process{_holder(handle)} is running it")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield waited
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _try_lock(handle):
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(handle):
    handle.seek(0)
    pid = handle.read().strip()
    return f" (pid {pid})" if pid.isdigit() else ""
