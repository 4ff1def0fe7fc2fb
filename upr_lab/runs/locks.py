"""Run locks: two upr-lab processes writing into the same outputs folder never run the same run at once.

Each run folder ``OUT/<ISO3>/<analysis>`` has a lock file beside it (``OUT/<ISO3>/.<analysis>.lock``)
held with ``flock`` while the run executes and moves into place. The operating system releases it
when its process ends, however it ends, so a killed batch never leaves a stale lock. Lock files stay
empty (and are never removed: removing one while another process waits on it would break the lock),
so two batches on the same inputs leave the same bytes.
"""

import contextlib
import fcntl
from pathlib import Path


@contextlib.contextmanager
def run_lock(destination, on_wait=None):
    """Hold the lock of the run folder ``destination``; yields True if another process held it first.

    ``on_wait(message)`` is called once, before waiting, with what is being waited for.
    """
    destination = Path(destination)
    path = destination.parent / f".{destination.name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        waited = not _try_lock(handle)
        if waited:
            if on_wait is not None:
                on_wait(f"waiting for {destination}: another upr-lab process is running it")
            fcntl.flock(handle, fcntl.LOCK_EX)
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
