"""Output files that hold the same bytes for the same content, and that a reader only ever sees whole."""

import json
import os
import threading
from pathlib import Path


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
