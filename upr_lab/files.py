"""Output files that hold the same bytes for the same content, and that a reader only ever sees whole."""

import contextlib
import fcntl
import hashlib
import json
import os
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
