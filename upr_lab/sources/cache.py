"""The cache of parsed sources: source files are parsed once, then read back from Parquet.

An entry is keyed on the content of what a parse depends on: each file's name and SHA-256, the
country aliases in force and upr-lab's version and source digest. A changed file gives a new key, so a stale entry is
never read; it only waits for ``prune``. Entries are written in a scratch folder and renamed into
place, so a reader sees a whole entry or none. The cache is where ``UPR_LAB_CACHE`` says, by default
``~/.cache/upr-lab`` (``$XDG_CACHE_HOME/upr-lab``); ``UPR_LAB_CACHE=off`` disables it, and so does
``UPR_LAB_PARSE_CACHE=off`` (``OFF``), which leaves ``UPR_LAB_CACHE`` naming where downloads are (``verify``).
"""

import copy
import hashlib
import json
import os
import secrets
import shutil
from collections import OrderedDict
from pathlib import Path

import pandas as pd

from upr_lab import version

from .formats import canonical

TABLES = ("recommendations", "pledges")  # canonical tables
EXTRA_TABLES = ("differences",)  # other tables of a parse (the reconciliation's differences), plain Parquet
MEMORY_ENTRIES = 2
_memory = OrderedDict()  # entry folder -> (tables, source), for entries read or written by this process


OFF = "UPR_LAB_PARSE_CACHE"


def location():
    """The cache folder, or None when caching is off."""
    setting = os.environ.get("UPR_LAB_CACHE")
    if setting == "off" or os.environ.get(OFF) == "off":
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "upr-lab"


def key(file_records, aliases_sha256=None):
    """The cache key of a parse: file names and hashes, aliases, upr-lab's version and source digest."""
    content = [[f["name"], f["sha256"]] for f in file_records]
    payload = json.dumps({"files": content, "aliases": aliases_sha256,
                          "upr-lab": [version.__version__, version.source_digest()]})
    return hashlib.sha256(payload.encode()).hexdigest()


def read(entry_key):
    """``(tables, source)`` of a cached parse, or None if there is no complete entry.

    The last entries read or written are also kept in memory: a warm kernel running notebook after
    notebook on the same source reads it from disk once. Callers get copies.
    """
    folder = _entry(entry_key)
    if folder is None:
        return None
    if folder not in _memory:
        if not (folder / "source.json").is_file():
            return None
        source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
        tables = {name: canonical.read_parquet(folder / f"{name}.parquet", validate=False) for name in TABLES}
        tables.update({name: pd.read_parquet(folder / f"{name}.parquet") for name in EXTRA_TABLES})
        _remember(folder, tables, source)
    return _copies(*_memory[folder])


def _remember(folder, tables, source):
    _memory[folder] = ({name: frame.copy() for name, frame in tables.items()}, copy.deepcopy(source))
    _memory.move_to_end(folder)
    while len(_memory) > MEMORY_ENTRIES:
        _memory.popitem(last=False)


def _copies(tables, source):
    return {name: frame.copy() for name, frame in tables.items()}, copy.deepcopy(source)


def write(entry_key, tables, source):
    """Store a parse; quietly does nothing when the cache folder cannot be written."""
    folder = _entry(entry_key)
    if folder is None or folder.exists():
        return
    scratch = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}")
    try:
        scratch.mkdir(parents=True)
        for name in TABLES:
            canonical.write(tables[name], scratch / f"{name}.parquet")
        for name in EXTRA_TABLES:
            tables[name].to_parquet(scratch / f"{name}.parquet", index=False)
        (scratch / "source.json").write_text(json.dumps(source, indent=1), encoding="utf-8")
        scratch.rename(folder)
        _remember(folder, tables, source)
    except OSError:  # read-only home, full disk, or another process stored the same entry first
        shutil.rmtree(scratch, ignore_errors=True)


def _entry(entry_key):
    root = location()
    return None if root is None else root / "sources" / entry_key
