"""Work shared by the runs of a batch: results over all States, computed once per data set.

A pooled model or group statistic is the same for every State under review of a batch. ``pooled``
computes it once and keeps it in memory (for the next notebook on the same warm kernel) and in the
cache folder (for the other kernels and Dask workers on this machine). The key is the data set's
content, the function, its arguments and upr-lab's source, so a kept result is exactly what the
function would return now. ``upr-lab verify`` turns the cache off and recomputes everything.

A large computation (a text match over every recommendation, a model on all of them) can be ``isolated``:
it runs in a short-lived process of its own, so the memory it needs while working is handed back to the
system when it ends, instead of staying in the kernel that asked (a Python process keeps what it freed).
While one process computes a result, others asking for it wait and read it (a lock beside the cache file).

A pooled result can be the argument of another (``result_of``): it is computed, or read, once, and known in
the other's key by its own key, so two computations that need the same text match or follow-through share it.
"""

import contextlib
import copy
import dataclasses
import hashlib
import json
import os
import pickle
import secrets
import types
from collections import OrderedDict

import pandas as pd

from upr_lab import version
from upr_lab.files import lock_if_writable
from upr_lab.sources import cache
from upr_lab.stats.processes import own_process

_memory = OrderedDict()
MEMORY_ENTRIES = 32
# A result whose pickle is larger (the text match of every recommendation, with its texts) is read again from the
# cache folder by each notebook rather than kept in memory: a warm kernel would otherwise hold it between notebooks
# beside the notebook's own copy.
MEMORY_MAX_BYTES = 8 * 2**20
ISOLATE_FROM = 5_000  # recommendations: on fewer, a process of its own costs seconds and saves no memory worth it


@dataclasses.dataclass(frozen=True, eq=False)
class Result:
    """A pooled computation given as the argument of another (made by ``result_of``)."""

    function: object
    args: tuple
    kwargs: dict
    isolated: bool = False


def result_of(function, *args, isolated=False, **kwargs):
    """``function(*args, **kwargs)`` as the argument of a ``pooled`` computation: pooled itself first (computed
    once per data set, or read), its result passed on; the arguments are those ``pooled`` takes."""
    return Result(function, args, kwargs, isolated)


def pooled(data, function, *args, isolated=False, frames=None, **kwargs):
    """``function(*args, **kwargs)``, where args may be ``data``'s own tables, computed once per content.

    ``isolated``: compute it in a process of its own (for large computations; see the module's docstring), when
    ``data`` holds at least ``ISOLATE_FROM`` recommendations (a small data set's computation stays in the kernel).
    ``frames``: other tables the arguments may be, by name (e.g. ``{"context": run.context}``), known by
    their content.
    """
    key = _key(data, function, args, kwargs, frames or {})
    if key in _memory:  # a copy: a notebook that changes its result must not change the next notebook's
        _memory.move_to_end(key)
        return copy.deepcopy(_memory[key])
    path = None if cache.location() is None else cache.location() / "shared" / f"{key}.pickle"
    result, size = _read(path)
    if result is None:
        with _computing(path):
            result, size = _read(path)
            if result is None:
                own = isolated and len(data.recommendations) >= ISOLATE_FROM
                result = (own_process.call(_computed, data, frames, function, args, kwargs) if own
                          else _computed(data, frames, function, args, kwargs))
                size = _write(path, result)
    if size <= MEMORY_MAX_BYTES:
        _memory[key] = result
        while len(_memory) > MEMORY_ENTRIES:
            _memory.popitem(last=False)
        return copy.deepcopy(result)
    return result  # read or computed for this caller alone: nothing else holds it


def _computed(data, frames, function, args, kwargs):
    """``function(*args, **kwargs)`` with each ``Result`` argument replaced by its pooled value. Run in the
    process that computes (an isolated computation's own process), so that a large pooled argument (the text
    match of every recommendation) is read there, not in the kernel that asked."""
    args, kwargs = _resolved(data, frames, args, kwargs)
    return function(*args, **kwargs)


def _resolved(data, frames, args, kwargs):
    """The arguments with each ``Result`` replaced by its pooled value."""
    def value(argument):
        if not isinstance(argument, Result):
            return argument
        return pooled(data, argument.function, *argument.args, isolated=argument.isolated, frames=frames,
                      **argument.kwargs)
    return [value(a) for a in args], {name: value(a) for name, a in kwargs.items()}


def _computing(path):
    """Hold the lock of one cached result while it is computed (nothing to hold without a cache folder, or where
    it cannot be written: the result is then computed here and kept in memory, as ``_write`` stores nothing)."""
    return contextlib.nullcontext() if path is None else lock_if_writable(path.with_name(f".{path.stem}.lock"))


def _key(data, function, args, kwargs, frames):
    tables = {id(data.recommendations): "<recommendations>", id(data.participation): "<participation>"}
    named = {id(frame): (name, frame) for name, frame in frames.items()}
    def token(value):
        if id(value) in named and id(value) not in tables:  # digested only when an argument (most calls: never)
            name, frame = named[id(value)]
            tables[id(value)] = f"<{name} {frame_digest(frame)}>"
        if id(value) in tables:
            return tables[id(value)]
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, (tuple, list)):
            return {type(value).__name__: [token(v) for v in value]}
        if isinstance(value, dict):
            return {"dict": [[token(k), token(v)] for k, v in value.items()]}
        if isinstance(value, (pd.DataFrame, pd.Series)):  # a derived table (e.g. a model's estimates to draw)
            return f"<table {frame_digest(value)}>"
        if isinstance(value, pd.Timestamp):
            return f"<timestamp {value.isoformat()}>"
        if isinstance(value, Result):  # known by what computes it, not by its value
            return {"result": _key(data, value.function, value.args, value.kwargs, frames)}
        if isinstance(value, types.FunctionType):  # a function passed on (e.g. the figure to draw)
            return f"<function {value.__module__}.{value.__qualname__}>"
        raise TypeError(f"pooled() takes tables, functions and plain values, not {type(value).__name__}")
    payload = json.dumps([data_digest(data), f"{function.__module__}.{function.__qualname__}",
                          [token(a) for a in args], {k: token(v) for k, v in sorted(kwargs.items())},
                          version.source_digest()])
    return hashlib.sha256(payload.encode()).hexdigest()


def frame_digest(frame):
    """The identity of a table's content (a DataFrame or a Series): its columns, index, values and attrs."""
    values = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    columns = frame.columns if isinstance(frame, pd.DataFrame) else [frame.name]
    labels = json.dumps([list(map(str, columns)), frame.attrs], sort_keys=True, default=str)
    return hashlib.sha256(labels.encode() + values).hexdigest()


def data_digest(data):
    """The identity of a loaded data set's content: its files' hashes, or the demo generator's seed, and the
    classifier that predicted its missing categories and tags, if any (``stats.classify.in_use``)."""
    source = data.source
    files = [[f["name"], f["role"], f["sha256"]] for f in source.get("files", [])]
    identity = [source.get("kind"), source.get("seed"), files]
    if "predictions" in source:  # the key of a data set loaded without them stays what it was
        identity.append(source["predictions"])
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


def _read(path):
    """``(result, size of its pickle)`` from the cache folder, or ``(None, 0)``."""
    try:
        with open(path, "rb") as f:
            return pickle.load(f), os.fstat(f.fileno()).st_size
    except (TypeError, OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None, 0


def _write(path, result):
    """Store ``result`` (nothing without a cache folder); the size of its pickle (0 when not stored: kept in
    memory then, as nothing could read it back)."""
    if path is None:
        return 0
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(scratch, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            size = f.tell()
        scratch.replace(path)
        return size
    except OSError:
        with contextlib.suppress(OSError):  # none was made (the folder cannot be), or it cannot be removed
            scratch.unlink()
        return 0
