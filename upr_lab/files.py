"""Output files that hold the same bytes for the same content, and that a reader only ever sees whole."""

import contextlib
import fcntl
import hashlib
import json
import os
import stat
import threading
from pathlib import Path

from upr_lab.exceptions import DataError


def dump_json(data, path):
    """Write JSON with a stable layout (keys in the order given, UTF-8, trailing newline)."""
    path.write_text(json_text(data), encoding="utf-8")
    return path


def json_text(data):
    """JSON text with a stable layout: keys in the order given, UTF-8, indented, a trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path, text):
    """Replace ``path`` by ``text`` in one rename: a reader (or a concurrent batch) sees the old or the new file."""
    path = Path(path)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)
    return path


def raw_input(path, expected_sha256, what):
    """``path``, after checking that it is the raw file a shipped table is built from (``what`` names that
    file and the table, for the messages): refused when missing or when its SHA-256 differs."""
    if not path.is_file():
        raise DataError(f"no such file; expected {what[0]}", path=path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != expected_sha256:
        raise DataError(f"found SHA-256 {digest}; expected {expected_sha256} (the file the {what[1]} is built "
                        "from): review a changed input before rebuilding", path=path)
    return path


@contextlib.contextmanager
def file_lock(path):
    """Hold an exclusive lock on the file ``path`` (between processes; created if missing and never removed,
    since removing it while another process waits would break the lock). The system releases it when its
    process ends, however it ends."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def lock_if_writable(path):
    """``file_lock(path)`` where its folder can be written; no lock where it cannot (a cache folder that cannot
    be written: the work goes on unlocked, and whatever it would have stored is not stored)."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(file_lock(path))
        except OSError:
            pass
        yield


def check_output(path, kind="file", inputs=()):
    """``path`` as a ``Path``, once it is known that a ``kind`` ("file" or "folder") can be written there;
    otherwise one ``DataError`` saying which path and why, before any work starts: a file where a folder is
    expected or the reverse, a FIFO or a device, a path under a file, a missing folder (for a file: its
    folder must exist; a folder is created with its parents), a folder that cannot be written, or one of
    ``inputs`` (the files the command reads), which writing would destroy."""
    path = Path(path)
    expected = "a folder to write into" if kind == "folder" else "a file to write"
    if path.exists() or path.is_symlink():
        _check_existing(path, kind, expected, inputs)
    ancestor = path.parent if not path.exists() else path if kind == "folder" else path.parent
    while not ancestor.exists() and not ancestor.is_symlink() and ancestor != ancestor.parent:
        if kind == "file":
            raise DataError(f"the folder {ancestor} does not exist; expected {expected} in an existing folder "
                            "(create the folder first)", path=path)
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise DataError(f"{ancestor} is a file, not a folder; expected {expected}", path=path)
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise DataError(f"cannot be written: the folder {ancestor} is read-only or not yours (permission "
                        f"denied); expected {expected}", path=path)
    return path


def _check_existing(path, kind, expected, inputs):
    if kind == "folder":
        if not path.is_dir():
            raise DataError(f"found a file; expected {expected}", path=path)
        return
    if path.is_dir():
        raise DataError(f"found a folder; expected {expected} (a file name, e.g. {path / 'table.csv'})", path=path)
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise DataError(f"found a special file (FIFO or device), not a regular file; expected {expected}", path=path)
    if any(path.resolve() == Path(i).resolve() for i in inputs if i):
        raise DataError(f"is also an input of the command; expected {expected} that is not read (it would be "
                        "overwritten)", path=path)
    if not os.access(path, os.W_OK):
        raise DataError(f"cannot be written (read-only); expected {expected}", path=path)
