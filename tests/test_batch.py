"""Batches: incremental reruns, warm kernels that change nothing, and a real Dask cluster on loopback."""

import json
import shutil
import subprocess
import sys
import time

import psutil
import pytest

from conftest import embedded_batch_output
from test_cli import read_json, upr_lab

pytestmark = pytest.mark.slow
TWO = "regional_comparison,civil_society"


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def reasons(out):
    return sorted((r["country"], r["analysis"], r["skipped"], r["reason"]) for r in read_json(out / "batch.json")["runs"])


def test_a_rerun_skips_unchanged_runs_and_says_why_the_others_run(tmp_path, embedded_batch):
    # the first batch is the session's (12 new runs, NOR's two among them); its run folders are copied
    assert "12 runs: 0 skipped, 12 run (12 new)" in embedded_batch_output(embedded_batch)
    out = tmp_path / "out"
    for analysis in TWO.split(","):
        shutil.copytree(embedded_batch / "NOR" / analysis, out / "NOR" / analysis)
    again = upr_lab("batch", "--countries", "NOR", "--analyses", TWO, "--out", out)
    assert "2 runs: 2 skipped" in again.stdout and ", 0 run" in again.stdout
    assert reasons(out) == [("NOR", a, True, "unchanged since its last successful run") for a in sorted(TWO.split(","))]
    assert "skipped: unchanged since its last successful run" in (out / "index.html").read_text(encoding="utf-8")

    params = tmp_path / "wider.yaml"
    params.write_text("alpha: 0.1\n", encoding="utf-8")
    (out / "NOR" / "civil_society" / "report.html").unlink()
    changed = upr_lab("batch", "--countries", "NOR", "--analyses", TWO, "--out", out, "--params", params)
    assert "2 run (2 parameters changed)" in changed.stdout
    assert read_json(out / "NOR" / "civil_society" / "manifest.json")["parameters"]["alpha"] == 0.1

    (out / "NOR" / "civil_society" / "report.html").unlink()
    missing = upr_lab("batch", "--countries", "NOR", "--analyses", TWO, "--out", out, "--params", params)
    assert "1 skipped" in missing.stdout and "1 run (1 outputs missing)" in missing.stdout
    forced = upr_lab("batch", "--countries", "NOR", "--analyses", TWO, "--out", out, "--params", params, "--force")
    assert "2 run (2 forced)" in forced.stdout


def test_notebooks_run_on_warm_kernels_verify_on_fresh_ones(embedded_batch):
    # the session's batch: 12 runs on two kernels, each running six notebooks, reset in between
    runs = [embedded_batch / country / analysis for country in ("KEN", "NOR")
            for analysis in ("compliance_trends", "regional_comparison")]
    result = upr_lab("verify", *runs, check=False)
    assert result.returncode == 0, result.stdout
    assert "4 of 4 runs verified" in result.stdout


def start_dask(tmp_path, workers=2):
    """A real Dask scheduler and workers on loopback, as separate processes (the `dask` command)."""
    scheduler_file = tmp_path / "scheduler.json"
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


def kernels_under(processes):
    return [c for p in processes for c in psutil.Process(p.pid).children(recursive=True)
            if "ipykernel_launcher" in " ".join(c.cmdline())]


def test_a_batch_on_a_dask_cluster_writes_the_same_files_as_a_local_batch(tmp_path):
    address, processes = start_dask(tmp_path)
    try:
        on_cluster = upr_lab("batch", "--countries", "NOR,BRA", "--analyses", TWO, "--out", tmp_path / "cluster",
                             "--scheduler", address)
        assert "4 ok, 0 failed" in on_cluster.stdout
        assert not kernels_under(processes), "the workers' kernels should be shut down after the batch"
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=60)
    upr_lab("batch", "--countries", "NOR,BRA", "--analyses", TWO, "--out", tmp_path / "local", "--workers", "2")
    cluster, local = files_of(tmp_path / "cluster"), files_of(tmp_path / "local")
    assert sorted(cluster) == sorted(local) and len(cluster) > 20
    assert [name for name in cluster if cluster[name] != local[name]] == []


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("UPR_LAB_SCHEDULER_TIMEOUT", "2")  # the default 20 s would only make the test wait
    result = upr_lab("batch", "--countries", "NOR", "--analyses", "civil_society", "--out", tmp_path,
                     "--scheduler", "tcp://127.0.0.1:9", check=False)
    assert result.returncode == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr


@pytest.mark.parametrize("value", ["soon", "0", "-3", "inf", "nan"])
def test_a_scheduler_timeout_that_is_not_a_positive_number_is_refused(tmp_path, monkeypatch, value):
    monkeypatch.setenv("UPR_LAB_SCHEDULER_TIMEOUT", value)
    result = upr_lab("batch", "--countries", "NOR", "--analyses", "civil_society", "--out", tmp_path / "out",
                     "--scheduler", "tcp://127.0.0.1:9", check=False)
    assert result.returncode == 2 and result.stderr.strip() == (
        f"upr-lab: error: UPR_LAB_SCHEDULER_TIMEOUT = {value!r}: expected a number of seconds above 0")
    assert not (tmp_path / "out").exists()
