"""The cache of parsed sources: source files are parsed once, then read back from Arrow files (Feather, lz4).

An entry is keyed on the content of what a parse depends on: each file's name and SHA-256, the
country aliases in force and upr-lab's version and source digest. A changed file gives a new key, so a stale entry is
never read; it only waits for ``prune``. Entries are written in a scratch folder and renamed into
place, so a reader sees a whole entry or none; an entry that cannot be read (damaged on disk) is removed and the
sources parsed again. The cache is where ``UPR_LAB_CACHE`` says, by default
``~/.cache/upr-lab`` (``$XDG_CACHE_HOME/upr-lab``); ``UPR_LAB_CACHE=off`` disables it, and so does
``UPR_LAB_PARSE_CACHE=off`` (``OFF``), which leaves ``UPR_LAB_CACHE`` naming where downloads are;
``UPR_LAB_PARSE_CACHE=FOLDER`` keeps parses and shared results there instead (``verify``: a fresh folder).

Each file of a parse of several is also kept on its own (``files/``, ``one_file``), as its reader gave it: a
folder of exports with one file added or changed parses that file only, and another combination of the same
files (a folder and one of its files, UPR Info's exports with DIHR's) none of them again.
"""

import copy
import hashlib
import json
import os
import pickle
import secrets
import shutil
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pandas as pd

from upr_lab import version
from upr_lab.files import lock_if_writable

from . import schema

TABLES = ("recommendations", "pledges")  # canonical tables
# A list column is stored as text, each item after this mark: () is '', ('a', 'b') is '\x1fa\x1fb'. Read back by
# decoding each distinct value once, and from Arrow files rather than Parquet, a parse of the full UHRI export
# (200,000 rows) is read in a fraction of a second (lists in Parquet took seconds to turn back into tuples).
LIST_MARK = "\x1f"
STORED = ".arrow"  # the canonical tables of an entry (Arrow IPC, lz4)
FILE_PARSE = "parse.pickle"  # one file's parse (``one_file``), as its reader gave it: tables, row numbers and all
SOURCES, FILES = "sources", "files"  # the folders of whole parses (a data set's files together) and of single files
EXTRA_TABLES = ("differences",)  # other tables of a parse (the reconciliation's differences), plain Parquet
MEMORY_ENTRIES = 2
_memory = OrderedDict()  # entry folder -> (tables, source), for entries read or written by this process


OFF = "UPR_LAB_PARSE_CACHE"


def location():
    """The cache folder, or None when caching is off."""
    setting, parse_setting = os.environ.get("UPR_LAB_CACHE"), os.environ.get(OFF)
    if setting == "off" or parse_setting == "off":
        return None
    if parse_setting:  # a folder of its own for parses and shared results (verify: empty when it starts)
        return Path(parse_setting)
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "upr-lab"


def key(file_records, aliases_sha256=None, **how):
    """The cache key of a parse: file names and hashes, aliases, upr-lab's version and source digest, and
    ``how`` the files are read where it changes the result (e.g. refused documents listed rather than raised)."""
    content = [[f["name"], f["sha256"]] for f in file_records]
    payload = json.dumps({"files": content, "aliases": aliases_sha256,
                          "upr-lab": [version.__version__, version.source_digest()], **how})
    return hashlib.sha256(payload.encode()).hexdigest()


def read(entry_key):
    """``(tables, source)`` of a cached parse, or None if there is no complete entry.

    The last entries read or written are also kept in memory: a warm kernel running notebook after
    notebook on the same source reads it from disk once. Callers get copies: shallow ones, which pandas'
    copy-on-write (pandas 3) keeps apart from the kept tables as soon as either is changed, so a kernel holds
    one parse in memory, not one per notebook.
    """
    folder = _entry(entry_key)
    if folder is None:
        return None
    if folder not in _memory:
        if not (folder / "source.json").is_file():
            return None
        try:
            source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
            tables = {name: _restored(pd.read_feather(folder / f"{name}{STORED}")) for name in TABLES}
            tables.update({name: pd.read_parquet(folder / f"{name}.parquet") for name in EXTRA_TABLES})
        except Exception:  # noqa: BLE001  (pyarrow raises several types): a damaged entry is parsed again
            shutil.rmtree(folder, ignore_errors=True)
            return None
        _remember(folder, tables, source)
    return _copies(*_memory[folder])


def _remember(folder, tables, source):
    _memory[folder] = ({name: frame.copy(deep=False) for name, frame in tables.items()}, copy.deepcopy(source))
    _memory.move_to_end(folder)
    while len(_memory) > MEMORY_ENTRIES:
        _memory.popitem(last=False)


def _copies(tables, source):
    return {name: frame.copy(deep=False) for name, frame in tables.items()}, copy.deepcopy(source)


def write(entry_key, tables, source):
    """Store a parse; quietly does nothing when the cache folder cannot be written."""
    def fill(scratch):
        for name in TABLES:  # validated by the loader that parsed them
            _stored(tables[name]).reset_index(drop=True).to_feather(scratch / f"{name}{STORED}", compression="lz4")
        for name in EXTRA_TABLES:
            tables[name].to_parquet(scratch / f"{name}.parquet", index=False)
        (scratch / "source.json").write_text(json.dumps(source, indent=1), encoding="utf-8")

    folder = _store(entry_key, fill)
    if folder is not None:
        _remember(folder, tables, source)


def _store(entry_key, fill, kind=SOURCES):
    """The entry's folder once ``fill(scratch)`` has written a scratch folder and it is renamed into place, so
    that a reader sees a whole entry or none; None when there is no cache, the entry exists, or it cannot be
    written (read-only home, full disk, another process stored the same entry first)."""
    folder = _entry(entry_key, kind)
    if folder is None or folder.exists():
        return None
    scratch = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}")
    try:
        scratch.mkdir(parents=True)
        fill(scratch)
        scratch.rename(folder)
        return folder
    except (OSError, _Unstorable):
        shutil.rmtree(scratch, ignore_errors=True)
        return None


def read_record(entry_key):
    """A small JSON record stored by ``write_record`` (e.g. what one document gave: a row, or its refusal), or
    None if there is none."""
    folder = _entry(entry_key)
    if folder is None:
        return None
    try:
        return json.loads((folder / "record.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no entry yet (or one another process is renaming into place)
        return None


def write_record(entry_key, record):
    """Store a JSON-ready ``record`` as a whole entry; quietly does nothing when the cache cannot be written."""
    _store(entry_key, lambda scratch: (scratch / "record.json").write_text(json.dumps(record), encoding="utf-8"))


def one_file(entry_key, parse):
    """What ``parse()`` gives for one source file (its tables, indexed by the rows of the file, and how it was
    read), parsed once per content: read back when the entry holds it, otherwise parsed and stored. Another
    process parsing the same file meanwhile waits for it and reads it (a lock beside the entry), so two commands
    or test workers reading one export parse it once. A folder of exports then parses only a file it had not
    seen, and a combination of sources (``upr-info,dihr``) parses none of their files again."""
    folder = _entry(entry_key, FILES)
    if folder is None:
        return parse()
    with lock_if_writable(folder.parents[1] / "locks" / f"{folder.name}.lock"):
        found = _read_pickle(folder / FILE_PARSE)
        if found is not None:
            return found
        parsed = parse()
        _store(entry_key, lambda scratch: (scratch / FILE_PARSE).write_bytes(pickle.dumps(parsed, protocol=5)),
               FILES)
        return parsed


def _read_pickle(path):
    try:
        return pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001  a damaged entry is parsed again
        shutil.rmtree(path.parent, ignore_errors=True)
        return None


def _entry(entry_key, kind=SOURCES):
    root = location()
    return None if root is None else root / kind / entry_key


class _Unstorable(Exception):
    """A list item holds the mark the cache separates items with: that parse is not cached (it is rare enough)."""


def _stored(frame):
    """A canonical table as the cache stores it: its list columns as marked text, each distinct text once
    (categorical: Arrow's dictionary encoding)."""
    return frame.assign(**{c: _categorical(frame[c]) for c in schema.LIST_COLUMNS})


def _categorical(column):
    texts = {}  # each distinct list joined once
    return pd.Categorical([texts[items] if items in texts else texts.setdefault(items, _joined(items))
                           for items in column.tolist()])


def _joined(items):
    text = "".join(LIST_MARK + str(item) for item in items)
    if text.count(LIST_MARK) != len(items):
        raise _Unstorable(items)
    return text


def _restored(frame):
    """A stored table with its list columns as tuples again (SDG goals as numbers), each distinct value decoded
    once."""
    for column in schema.LIST_COLUMNS:
        codes, texts = frame[column].cat.codes.to_numpy(), frame[column].cat.categories
        decoded = np.empty(len(texts), dtype=object)
        for i, text in enumerate(texts):
            items = tuple(text.split(LIST_MARK)[1:])
            decoded[i] = tuple(int(g) for g in items) if column == "sdg_goals" else items
        frame[column] = pd.Series(decoded.take(codes), index=frame.index, dtype=object)
    return frame[schema.RECOMMENDATION_COLUMNS]
