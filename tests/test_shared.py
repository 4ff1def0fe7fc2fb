"""Shared pooled results: computed once per data content and arguments, never a different answer."""

import concurrent.futures
import os
import pickle
import time
from pathlib import Path

import pandas as pd
import pytest

from upr_lab import load, metrics, models
from upr_lab.exceptions import DataError
from upr_lab.stats import shared
from upr_lab.stats.processes import own_process


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    shared._memory.clear()
    yield tmp_path / "cache"
    shared._memory.clear()


def counting(function):
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        return function(*args, **kwargs)
    wrapped.__module__, wrapped.__qualname__ = function.__module__, function.__qualname__
    return wrapped, calls


def test_a_pooled_result_is_computed_once_and_equals_a_fresh_computation(cache_dir):
    data = load("synthetic")
    acceptance, calls = counting(metrics.acceptance)
    first = shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05)
    again = shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05)
    assert len(calls) == 1
    pd.testing.assert_frame_equal(first, metrics.acceptance(data.recommendations, by="cycle", alpha=0.05))
    pd.testing.assert_frame_equal(again, first)
    again["acceptance_rate"] = 0.0  # a notebook changing its copy does not change the next one's
    pd.testing.assert_frame_equal(shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05),
                                  first)
    shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.1)
    assert len(calls) == 2, "other arguments are another result"


def test_a_cache_folder_that_cannot_be_written_still_gives_the_result(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("UPR_LAB_CACHE", str(blocker))
    shared._memory.clear()
    data = load("synthetic")
    acceptance, calls = counting(metrics.acceptance)
    try:
        first = shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05)
        again = shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05)
    finally:
        shared._memory.clear()
    pd.testing.assert_frame_equal(first, metrics.acceptance(data.recommendations, by="cycle", alpha=0.05))
    pd.testing.assert_frame_equal(again, first)
    assert len(calls) == 1, "kept in memory when it cannot be stored"


def test_a_pooled_result_given_as_an_argument_is_computed_once_and_shared(cache_dir):
    data = load("synthetic")
    acceptance, inner_calls = counting(metrics.acceptance)
    by_cycle = shared.result_of(acceptance, data.recommendations, by="cycle", alpha=0.05)
    rows, outer_calls = counting(len)
    assert shared.pooled(data, rows, by_cycle) == len(metrics.acceptance(data.recommendations, by="cycle"))
    assert shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05) is not None
    assert len(inner_calls) == 1, "the argument's own pooled result is the one read back"
    shared._memory.clear()  # another kernel: both read from the cache folder, nothing computed again
    shared.pooled(data, rows, by_cycle)
    assert (len(inner_calls), len(outer_calls)) == (1, 1)
    by_session = shared.result_of(acceptance, data.recommendations, by="session", alpha=0.05)
    assert shared.pooled(data, rows, by_session) != shared.pooled(data, rows, by_cycle)
    assert (len(inner_calls), len(outer_calls)) == (2, 2), "another argument is another result"


def test_other_kernels_read_the_result_from_the_cache_folder(cache_dir):
    data = load("synthetic")
    fit, calls = counting(models.outcome_model)
    first = shared.pooled(data, fit, data.recommendations, data.participation, outcome="supported")
    shared._memory.clear()  # as in another kernel
    second = shared.pooled(data, fit, data.recommendations, data.participation, outcome="supported")
    assert len(calls) == 1 and list((cache_dir / "shared").glob("*.pickle"))
    pd.testing.assert_series_equal(second.params, first.params)
    pd.testing.assert_series_equal(second.bse, first.bse)


def test_the_key_follows_the_data_content_and_refuses_other_objects(cache_dir, upr_info_dir):
    with pytest.warns(UserWarning, match="3 recommendation rows repeat an earlier row exactly"):
        demo, real, again = load("synthetic"), load(upr_info_dir), load(upr_info_dir)
    assert shared.data_digest(demo) != shared.data_digest(real)
    assert shared.data_digest(again) == shared.data_digest(real)
    with pytest.raises(TypeError, match="pooled\\(\\) takes tables, functions and plain values, not set"):
        shared.pooled(demo, metrics.acceptance, {"NOR"})


def test_a_derived_table_is_known_by_its_content(cache_dir):
    data = load("synthetic")
    first, same, other = (data.recommendations.head(n) for n in (10, 10, 11))
    key = lambda table: shared._key(data, metrics.acceptance, (table,), {}, {})
    assert first is not same and key(first) == key(same)
    assert key(first) != key(other)
    labelled = first.copy()
    labelled.attrs["note"] = "a note the figure shows"
    assert key(labelled) != key(first), "attrs are part of a table's content"
    result = shared.pooled(data, metrics.acceptance, first)
    assert result == metrics.acceptance(first)


def test_an_isolated_result_is_computed_in_another_process_and_equals_the_direct_one(cache_dir):
    data = load("synthetic")
    here = models.outcome_model(data.recommendations, data.participation, outcome="supported")
    there = shared.pooled(data, models.outcome_model, data.recommendations, data.participation,
                          outcome="supported", isolated=True)
    pd.testing.assert_series_equal(there.params, here.params)
    pd.testing.assert_series_equal(there.bse, here.bse)
    assert own_process.call(os.getpid) != os.getpid()


def test_an_error_in_the_other_process_is_raised_here_with_its_message(cache_dir):
    data = load("synthetic")
    with pytest.raises(DataError, match="no recommendations for State under review ATA"):
        shared.pooled(data, models.group_differences, data.recommendations, None, "ATA", isolated=True)
    assert not list((cache_dir / "shared").glob("*.pickle")), "a failed computation leaves no result"
    with pytest.raises(RuntimeError, match=r"_exit stopped in its own process \(exit code 3\)"):
        own_process.call(os._exit, 3)


def test_the_other_process_ends_when_the_process_that_asked_is_killed():
    import signal
    import subprocess
    import sys

    import psutil

    asking = subprocess.Popen([sys.executable, "-c", "import time; from upr_lab.stats.processes import own_process; "
                               "own_process.call(time.sleep, 120)"])
    try:
        deadline = time.monotonic() + 60
        # the fork server, the process watching the computation and the computation (or a new interpreter)
        expected = 3 if own_process.forkserver.available() else 1
        while len(psutil.Process(asking.pid).children(recursive=True)) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        started = psutil.Process(asking.pid).children(recursive=True)
        assert len(started) == expected
        asking.send_signal(signal.SIGKILL)  # as a batch kills the kernels of an interrupted batch
        asking.wait()
        gone, alive = psutil.wait_procs(started, timeout=10)
        assert not alive, "the computation goes on for no one"
    finally:
        asking.kill()


def test_two_threads_asking_at_once_compute_the_result_once(cache_dir):
    data = load("synthetic")
    calls = []

    def slow_acceptance(recs):
        calls.append(1)
        time.sleep(0.5)
        return metrics.acceptance(recs, by="cycle")
    slow_acceptance.__module__, slow_acceptance.__qualname__ = "tests.slow", "slow_acceptance"
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: shared.pooled(data, slow_acceptance, data.recommendations), range(2)))
    assert len(calls) == 1, "the second waited for the first and read its result"
    pd.testing.assert_frame_equal(results[0], results[1])


def test_a_large_result_is_read_again_from_the_cache_folder_rather_than_kept_in_memory(cache_dir, monkeypatch):
    data = load("synthetic")
    acceptance, calls = counting(metrics.acceptance)
    monkeypatch.setattr(shared, "MEMORY_MAX_BYTES", 100)  # every result here is "large"
    first = shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05)
    assert not shared._memory, "a large result is not held between notebooks"
    first["acceptance_rate"] = 0.0  # the caller's own object: changing it changes nothing kept
    again = shared.pooled(data, acceptance, data.recommendations, by="cycle", alpha=0.05)
    assert len(calls) == 1, "read back from the cache folder, not computed again"
    pd.testing.assert_frame_equal(again, metrics.acceptance(data.recommendations, by="cycle", alpha=0.05))
    monkeypatch.setenv("UPR_LAB_CACHE", "off")  # no cache folder to read it back from: kept in memory
    shared.pooled(data, acceptance, data.recommendations, by="session", alpha=0.05)
    assert len(shared._memory) == 1


def test_an_argument_that_cannot_be_pickled_is_refused_here_and_leaves_no_process():
    with pytest.raises((TypeError, AttributeError, pickle.PicklingError), match="pickle"):
        own_process.call(len, lambda: None)
    big = pd.DataFrame({"text": ["a recommendation of some length"] * 200_000})
    assert own_process.call(len, big) == 200_000, "a large argument is streamed to the process and back"


def process_id(_recs):
    return os.getpid()


def with_process_id(inner_pid, _recs):
    return inner_pid, os.getpid()


def test_an_isolated_computation_reads_its_pooled_arguments_in_its_own_process(cache_dir, monkeypatch):
    data = load("synthetic")
    monkeypatch.setattr(shared, "ISOLATE_FROM", 0)
    inner = shared.result_of(process_id, data.recommendations)
    inner_pid, outer_pid = shared.pooled(data, with_process_id, inner, data.recommendations, isolated=True)
    assert inner_pid == outer_pid != os.getpid(), "the argument was computed where the result was, not here"
    assert shared.pooled(data, process_id, data.recommendations) == inner_pid, "and stored as its own result"


def where_and_what(name):
    return os.getcwd(), os.environ.get(name), os.getppid()


@pytest.mark.skipif(not own_process.forkserver.available(), reason="forking computations is Linux-only")
def test_a_forked_computation_takes_the_callers_folder_and_environment_when_it_asks(tmp_path, monkeypatch):
    own_process.call(os.getpid)  # the fork server is started with the state of this moment
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UPR_LAB_TEST_VALUE", "set after the server started")
    folder, value, parent = own_process.call(where_and_what, "UPR_LAB_TEST_VALUE")
    assert (folder, value) == (str(tmp_path), "set after the server started")
    assert parent != os.getpid(), "forked from the server, not started by this process"
    monkeypatch.setenv("UPR_LAB_FORK_SERVER", "off")  # a new interpreter, as on other systems: the same answers
    assert own_process.call(where_and_what, "UPR_LAB_TEST_VALUE") == (folder, value, os.getpid())


@pytest.mark.skipif(not own_process.forkserver.available(), reason="forking computations is Linux-only")
def test_a_closed_fork_server_has_ended_when_close_returns_and_the_next_computation_starts_another():
    forkserver = own_process.forkserver
    own_process.call(os.getpid)
    server = forkserver._server["process"]
    assert server is not None and server.poll() is None
    forkserver.close()
    assert server.poll() == 0, "the server ended (exit 0: it read the end of its socket) before close returned"
    assert forkserver._server["process"] is None
    forkserver.close()  # nothing to close: nothing happens
    assert own_process.call(os.getpid) != os.getpid()
    assert forkserver._server["process"] not in (None, server)


def test_an_answer_from_a_new_interpreter_arrives_whole_when_signals_cut_its_writes_short(interrupted_children):
    """Where no fork server can be used, the computation runs in a new Python that writes its pickled answer on
    its standard output: megabytes, whole even when that Python is unbuffered and signals interrupt its writes."""
    kind, value = own_process._new_interpreter(bytes, (8_000_000,), {})
    assert kind == "result" and value == bytes(8_000_000)


def server_of_the_computation():
    """In a forked computation: the process it was forked from (its watcher's parent)."""
    import psutil

    return psutil.Process(os.getppid()).ppid()


def computing_for_ever(path):
    """In a forked computation: write its process id and its watcher's to ``path``, then sleep."""
    Path(path).write_text(f"{os.getpid()} {os.getppid()}")
    time.sleep(600)


# A process that borrows its parent's fork server (what a kernel of a batch is): it prints the id of the server its
# computation was forked from, then whether it started a server of its own; with an argument, it goes on computing.
BORROWER = f"""\
import sys, time
sys.path.insert(0, {str(Path(__file__).parent)!r})
from test_shared import computing_for_ever, server_of_the_computation
from upr_lab.stats.processes import forkserver, own_process
print(own_process.call(server_of_the_computation), forkserver._server["process"] is not None, flush=True)
if len(sys.argv) > 1:
    own_process.call(computing_for_ever, sys.argv[1])
"""


@pytest.mark.skipif(not own_process.forkserver.available(), reason="forking computations is Linux-only")
def test_a_process_given_a_lent_server_forks_its_computations_from_it_and_starts_none(tmp_path):
    import subprocess
    import sys

    forkserver = own_process.forkserver
    env = {**os.environ, **forkserver.lend()}
    assert forkserver.lend() == {forkserver.LENT: env[forkserver.LENT]}, "one listener per process"
    done = subprocess.run([sys.executable, "-c", BORROWER], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    server, own = done.stdout.split()
    assert int(server) == forkserver._server["process"].pid, "forked from the lender's server"
    assert own == "False", "the borrower started no server of its own"


@pytest.mark.skipif(not own_process.forkserver.available(), reason="forking computations is Linux-only")
def test_a_computation_for_a_borrower_ends_when_the_borrower_dies(tmp_path):
    import subprocess
    import sys

    import psutil

    forkserver = own_process.forkserver
    env = {**os.environ, **forkserver.lend()}
    said = tmp_path / "computing"
    borrower = subprocess.Popen([sys.executable, "-c", BORROWER, str(said)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert borrower.stdout.readline().split()[0] == str(forkserver._server["process"].pid)
        deadline = time.monotonic() + 60
        while not (said.exists() and len(said.read_text().split()) == 2):
            assert time.monotonic() < deadline, "the borrower's computation never started"
            time.sleep(0.1)
        computing = [psutil.Process(int(pid)) for pid in said.read_text().split()]  # the computation, its watcher
    finally:
        borrower.kill()
        borrower.wait()
    gone, alive = psutil.wait_procs(computing, timeout=30)
    assert alive == [], "the computation and its watcher end with the borrower that asked"
    assert forkserver._server["process"].poll() is None, "the server serves on"


@pytest.mark.skipif(not own_process.forkserver.available(), reason="forking computations is Linux-only")
def test_a_fork_server_computes_with_one_blas_thread_whoever_started_it(monkeypatch):
    """A batch started from a shell lends its server to its kernels: the models fitted there must come out as in
    a kernel (one BLAS thread, whatever the shell's environment), and Arrow's allocator be the kernels' too."""
    import psutil

    from upr_lab.stats.processes.lifetime import COMPUTING_ENV

    forkserver = own_process.forkserver
    forkserver.close()
    for name in COMPUTING_ENV:
        monkeypatch.delenv(name, raising=False)
    own_process.call(os.getpid)
    try:
        environ = psutil.Process(forkserver._server["process"].pid).environ()
        assert {name: environ.get(name) for name in COMPUTING_ENV} == COMPUTING_ENV
    finally:
        forkserver.close()  # the next computation's server starts from this process's own environment
