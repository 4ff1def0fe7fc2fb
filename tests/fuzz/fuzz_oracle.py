"""The oracle of the fuzz harness: every input ends as a valid table or as one clear ``UprLabError``.

Each example runs in a child forked by a fork server (multiprocessing's ``forkserver``: one single-threaded
process per test process, started with the package and the harness imported and warmed, see fuzz_server.py; a
fork costs milliseconds), under an address-space limit, and is killed after ``TIMEOUT`` seconds. The test
process itself is never forked: it has other threads (pytest-xdist's, a batch's), and a child forked while
one of them held a lock would wait for it for ever. The outcome is one of

* ``loaded``: the loader or command succeeded and its output passed the check given (a valid canonical
  table, participation table, ...);
* ``refused``: an ``UprLabError`` (or exit 2) with a one-line message of at most ``MAX_MESSAGE`` characters;

and the failures: ``traceback`` (any other exception), ``invalid`` (a result that fails its check: silently
wrong), ``long message`` (several lines, or a message quoting far too much), ``wrote on error`` (output left
behind by a refused command), ``hang`` (no answer in ``TIMEOUT`` s), ``memory`` (``MemoryError`` or killed
past the memory limit) and ``crash`` (the child died on a signal).

Two modes: ``make test`` runs a bounded, derandomized number of examples per strategy and fails on the first
bad outcome; ``make fuzz`` (``UPR_LAB_FUZZ=1``) runs thousands, records every outcome, writes each failure's
reproducer (the input file, the command and the traceback) under ``UPR_LAB_FUZZ_FAILURES`` and a
``summary.json`` of the counts, and fails each strategy that had failures at its end.
"""

import atexit
import collections
import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import pickle
import resource
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import cloudpickle  # the examples' actions are closures: pickled by value for the fork server's children
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from upr_lab.exceptions import UprLabError

FUZZ = bool(os.environ.get("UPR_LAB_FUZZ"))
EXAMPLES = int(os.environ.get("UPR_LAB_FUZZ_EXAMPLES", "300"))  # per strategy under `make fuzz`
FAILURES = Path(os.environ["UPR_LAB_FUZZ_FAILURES"]) if os.environ.get("UPR_LAB_FUZZ_FAILURES") else None
TIMEOUT = 30.0  # seconds per example: the slowest valid seed (a PDF report) reads in under 3
MEMORY = 3 << 30  # bytes of address space an example may add to the test process's
MAX_MESSAGE = 2000  # characters of a one-line error: what was expected, a short excerpt of a bad value, never all of it
OK = ("loaded", "refused")
COUNTS = collections.defaultdict(collections.Counter)  # strategy -> outcome -> examples
REPRODUCERS_PER_SIGNATURE = 3
_written = collections.Counter()


class Refused(Exception):
    """A command's refusal (exit 2, one line), raised in the child to be counted like an ``UprLabError``."""


def fuzz(strategy, bounded, share=1.0):
    """Run ``bounded`` examples of ``strategy`` (``share`` of ``EXAMPLES`` under ``make fuzz``: a fifth for
    inputs as slow to read as PDFs) through the oracle; returns the counts of outcomes."""
    name = os.environ.get("PYTEST_CURRENT_TEST", "fuzz").split("::")[-1].split(" ")[0]
    failures = []

    @settings(max_examples=max(int(EXAMPLES * share), 1) if FUZZ else bounded, deadline=None, database=None, derandomize=not FUZZ,
              phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(example):
        started = time.monotonic()
        example.folder = Path(tempfile.mkdtemp(prefix="upr-lab-fuzz-"))
        try:
            outcome, detail = isolated(example.action)
            if outcome == "hang":  # confirmed by a second run: on a loaded machine a slow example (a workbook read
                outcome, detail = isolated(example.action)  # in 8 s alone) can miss the limit once
        finally:
            shutil.rmtree(example.folder, ignore_errors=True)
        if os.environ.get("UPR_LAB_FUZZ_TIMES"):
            print(f"{time.monotonic() - started:6.2f} s {outcome}: {example.describe()}", file=sys.__stderr__)
        COUNTS[name][outcome] += 1
        if outcome not in OK:
            failures.append(write_reproducer(name, example, outcome, detail))
            if not FUZZ:
                raise AssertionError(f"{outcome} on {example.describe()}:\n{detail}")

    run()
    if failures:
        pytest.fail(f"{len(failures)} of {sum(COUNTS[name].values())} examples failed: "
                    f"{dict(COUNTS[name])}; reproducers in {FAILURES}", pytrace=False)
    return COUNTS[name]


def warm():
    """Import and index once in the fork server what every example needs, so that forked children start
    warm (the country index, pandera's schemas, the readers, the digest of the package's sources that keys
    the parse cache) instead of each paying for it."""
    import pyarrow.parquet  # noqa: F401
    import python_calamine  # noqa: F401

    from upr_lab import cli as _cli  # noqa: F401
    from upr_lab import version
    from upr_lab.sources import countries, schema
    from upr_lab.sources.formats import fields

    countries.CountryResolver().lookup("Norway")
    schema.validate(fields.empty_recommendations(), schema.RECOMMENDATIONS, "warm-up")
    version.source_digest()


class Example:
    """One mutated input: its files (written to a fresh folder when the example runs), what was done to
    the seed, the action (a callable taking the folder) and the command a person would type to reproduce it."""

    def __init__(self, files, labels, action, command):
        self.files, self.labels, self.run, self.command = files, [l for l in labels if l], action, command
        self.folder = None

    def action(self):
        for name, content in self.files.items():
            (self.folder / name).write_bytes(content)
        os.chdir(self.folder)
        self.run(self.folder)

    def describe(self):
        return f"{', '.join(self.files)} ({'; '.join(self.labels) or 'unchanged seed'})"

    def __repr__(self):
        return f"Example({self.describe()})"


_server = []


def _fork_server():
    """The multiprocessing context whose fork server starts every example's child (started at its first use)."""
    if not _server:
        from multiprocessing import forkserver

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["fuzz_server"])
        # the server imports its preload from PYTHONPATH (Python 3.11 does not pass it this process's sys.path)
        kept = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        try:
            forkserver.ensure_running()
        finally:
            if kept is None:
                del os.environ["PYTHONPATH"]
            else:
                os.environ["PYTHONPATH"] = kept
        _server.append(context)
    return _server[0]


def isolated(action):
    """(outcome, detail) of ``action()`` run in a child of the fork server, with a time and memory limit."""
    context = _fork_server()
    read, write = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(cloudpickle.dumps(action), write), daemon=True)
    child.start()  # returns once the fork server (started and warmed at the first example) has forked
    write.close()
    try:
        return _answer(child, read)
    finally:
        read.close()


def _child(payload, pipe):
    """In the forked child: run the action, send its (outcome, detail) and leave at once."""
    try:
        result = _outcome(cloudpickle.loads(payload))
    except BaseException:
        result = ("traceback", "in the harness: " + traceback.format_exc())
    with contextlib.suppress(BaseException):
        pipe.send_bytes(pickle.dumps(result))
    os._exit(0)


def _answer(child, read):
    answer = None
    if read.poll(TIMEOUT):  # an answer, or the end of the pipe (the child died)
        with contextlib.suppress(EOFError):
            answer = read.recv_bytes()
    else:
        child.kill()
        child.join()
        return "hang", f"no answer within {TIMEOUT:.0f} s"
    child.join()
    if answer is not None:
        return pickle.loads(answer)
    number = -child.exitcode if child.exitcode is not None and child.exitcode < 0 else None
    return ("memory" if number == signal.SIGKILL else "crash"), \
        f"the child died (signal {number}, exit code {child.exitcode})"


def _outcome(action):
    with open("/proc/self/statm") as f:
        size = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY, size + MEMORY))
    warnings.simplefilter("ignore")
    os.environ["UPR_LAB_CACHE"] = "off"  # every example is new: caching its parse would only cost time
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            action()
    except (UprLabError, Refused) as exc:
        message = str(exc)
        if "\n" in message or len(message) > MAX_MESSAGE or not message.strip():
            return "long message", f"{len(message)} characters, {message.count(chr(10)) + 1} lines: {message[:300]!r}"
        return "refused", message
    except AssertionError as exc:
        return ("wrote on error" if str(exc).startswith("wrote") else "invalid"), traceback.format_exc()
    except MemoryError:
        return "memory", traceback.format_exc()[-2000:]
    except BaseException:
        return "traceback", traceback.format_exc()[-4000:]
    return "loaded", ""


def write_reproducer(name, example, outcome, detail):
    """Keep a failure's input files, the command that reproduces it and what happened (``make fuzz``)."""
    if FAILURES is None:
        return None
    last = [line for line in detail.strip().splitlines() if line.strip()][-1:] or [outcome]
    signature = (name, outcome, last[0][:80])
    _written[signature] += 1
    if _written[signature] > REPRODUCERS_PER_SIGNATURE:
        return None
    digest = hashlib.sha256(repr(sorted((k, hashlib.sha256(v).hexdigest()) for k, v in example.files.items()))
                            .encode()).hexdigest()[:10]
    folder = FAILURES / f"{name}-{outcome.replace(' ', '-')}-{digest}"
    folder.mkdir(parents=True, exist_ok=True)
    for file, content in example.files.items():
        (folder / file).write_bytes(content)
    (folder / "command.txt").write_text(f"cd {folder} && {example.command}\n", encoding="utf-8")
    (folder / "outcome.txt").write_text(f"{outcome}\nmutations: {'; '.join(example.labels)}\n\n{detail}\n",
                                        encoding="utf-8")
    return folder


def python_command(code):
    """A shell command running ``code`` with the project's Python (for reproducers)."""
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def cli(*args, out=None):
    """Run ``upr-lab ARGS`` in the child: exit 2 with one line is a refusal (and ``out`` must not exist);
    exit 0 returns; anything else fails."""
    from upr_lab import cli as command

    existed = out is not None and os.path.lexists(out)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = command.main([str(a) for a in args])
    lines = [line for line in err.getvalue().splitlines() if not line.startswith("upr-lab: warning:")]
    if code == 2:
        if out is not None and not existed and os.path.lexists(out):
            raise AssertionError(f"wrote {out} although the command was refused: {lines}")
        if len(lines) != 1 or not lines[0].startswith("upr-lab: error: "):
            raise Refused("\n".join(lines) or "(nothing on stderr)")
        raise Refused(lines[0])
    if code != 0:
        raise AssertionError(f"exit status {code}: {lines}")


def valid_recommendations(recs, nonempty=False):
    from upr_lab.sources import schema
    from upr_lab.sources.countries import states

    schema.RECOMMENDATIONS.validate(recs)  # a SchemaError here is a failure of the loader, not a refusal
    known = set(states())
    assert set(recs["sur_iso3"]) <= known, f"unknown States under review {set(recs['sur_iso3']) - known}"
    assert set(recs["recommender_iso3"]) - {""} <= known, "unknown recommending States"
    for column in schema.LIST_COLUMNS:
        assert recs[column].map(lambda v: isinstance(v, tuple)).all(), f"{column} holds values that are not lists"
    assert not nonempty or len(recs), "an empty canonical table was accepted"


def valid_participation(frame):
    from upr_lab.sources import schema

    schema.PARTICIPATION.validate(frame)
    assert len(frame), "an empty participation table was accepted"


def _summary():
    if not FUZZ or not COUNTS:
        return
    totals = collections.Counter()
    for counts in COUNTS.values():
        totals.update(counts)
    report = {"examples": sum(totals.values()), "outcomes": dict(totals),
              "strategies": {name: dict(counts) for name, counts in sorted(COUNTS.items())}}
    if FAILURES is not None:
        FAILURES.mkdir(parents=True, exist_ok=True)
        (FAILURES / "summary.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nfuzz: {report['examples']} examples: {dict(totals)}", file=sys.__stderr__)


atexit.register(_summary)
