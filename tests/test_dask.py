"""Batches on a real Dask cluster on loopback (a scheduler and two workers, as separate processes, started once
for this file): the same files as a local batch, an interrupted batch that stops the workers' kernels, and
a scheduler that cannot be reached or waited for."""

import json
import signal
import subprocess
import sys
import time

import psutil
import pytest

from test_cli import read_json, upr_lab
from test_faults import assert_nothing_looks_complete_that_is_not, completed, leftovers, start, wait_for

pytestmark = pytest.mark.slow
COUNTRIES, ANALYSES = "NOR,BRA", "regional_comparison,civil_society"
RUNS = 4  # COUNTRIES x ANALYSES


def start_dask(folder, workers=2):
    """A real Dask scheduler and workers on loopback, as separate processes (the `dask` command)."""
    scheduler_file = folder / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    processes = [subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", scheduler_file], stderr=subprocess.DEVNULL)]
    for _ in range(100):
        if scheduler_file.exists() and scheduler_file.stat().st_size:
            break
        time.sleep(0.2)
    processes.append(subprocess.Popen([*dask, "worker", "--scheduler-file", scheduler_file, "--nworkers", str(workers),
                                       "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                                      stderr=subprocess.DEVNULL))
    from distributed import Client

    with Client(scheduler_file=str(scheduler_file), timeout="30s") as client:
        client.wait_for_workers(workers, timeout=120)
    return json.loads(scheduler_file.read_text())["address"], processes


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, its processes): one cluster for the tests of this file, each batch on it a client."""
    address, processes = start_dask(tmp_path_factory.mktemp("dask"))
    yield address, processes
    for process in reversed(processes):
        process.terminate()
        process.wait(timeout=60)


def kernels_under(processes):
    return [c for p in processes for c in psutil.Process(p.pid).children(recursive=True)
            if "ipykernel_launcher" in " ".join(c.cmdline())]


def run_files(out, countries=COUNTRIES, analyses=ANALYSES):
    """Every file of the runs (manifests aside: they record timings and the host), by path under ``out``."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for country in countries.split(",")
            for analysis in analyses.split(",") for p in sorted((out / country / analysis).rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_a_batch_on_a_dask_cluster_writes_the_same_files_as_a_local_batch(tmp_path, cluster, embedded_batch):
    # the local batch is the session's (NOR, KEN, BRA, all four analyses, on two warm kernels)
    address, processes = cluster
    on_cluster = upr_lab("batch", "--countries", COUNTRIES, "--analyses", ANALYSES, "--out", tmp_path,
                         "--scheduler", address)
    assert f"{RUNS} ok, 0 failed" in on_cluster.stdout
    assert not kernels_under(processes), "the workers' kernels should be shut down after the batch"
    cluster_files, local = run_files(tmp_path), run_files(embedded_batch)
    assert sorted(cluster_files) == sorted(local) and len(cluster_files) > 20
    assert [name for name in cluster_files if cluster_files[name] != local[name]] == []
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f"{country}/{analysis}/report.html" in index for country in COUNTRIES.split(",")
               for analysis in ANALYSES.split(","))


def test_an_interrupted_batch_on_a_dask_cluster_stops_the_workers_kernels(tmp_path, cluster):
    address, processes = cluster
    out, command = tmp_path / "out", ["batch", "--countries", COUNTRIES, "--analyses", ANALYSES, "--scheduler", address]
    process = start(*command, "--out", out, log=tmp_path / "log")
    wait_for(lambda: completed(out) or process.poll() is not None, what="a first completed run")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 143, (tmp_path / "log").read_text(encoding="utf-8")
    wait_for(lambda: not kernels_under(processes), timeout=60, what="the workers' kernels to end")
    assert_nothing_looks_complete_that_is_not(out)
    assert read_json(out / "batch.json")["n_interrupted"] == RUNS - len(completed(out)) > 0
    rerun = upr_lab(*command, "--out", out)
    assert f"{RUNS} ok, 0 failed" in rerun.stdout and len(completed(out)) == RUNS and leftovers(out) == []


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch, in_process):
    monkeypatch.setenv("UPR_LAB_SCHEDULER_TIMEOUT", "2")  # the default 20 s would only make the test wait
    code, _, err = in_process("batch", "--countries", "NOR", "--analyses", "civil_society", "--out", tmp_path,
                              "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


@pytest.mark.parametrize("value", ["soon", "0", "-3", "inf", "nan"])
def test_a_scheduler_timeout_that_is_not_a_positive_number_is_refused(tmp_path, monkeypatch, value, in_process):
    monkeypatch.setenv("UPR_LAB_SCHEDULER_TIMEOUT", value)
    code, _, err = in_process("batch", "--countries", "NOR", "--analyses", "civil_society", "--out", tmp_path / "out",
                              "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2 and err.strip() == (
        f"upr-lab: error: UPR_LAB_SCHEDULER_TIMEOUT = {value!r}: expected a number of seconds above 0")
    assert not (tmp_path / "out").exists()
