"""Batches: incremental reruns, and warm kernels that change nothing (Dask clusters: test_dask.py)."""

import shutil

import pytest

from conftest import VERIFIED_RUNS, embedded_batch_output
from test_cli import read_json, upr_lab

pytestmark = pytest.mark.slow
TWO = "regional_comparison,civil_society"


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def reasons(out):
    return sorted((r["country"], r["analysis"], r["skipped"], r["reason"]) for r in read_json(out / "batch.json")["runs"])


# One kernel: which runs a rerun skips does not depend on how many run at once (the shared batch runs two)
BATCH = ("batch", "--countries", "NOR", "--analyses", TWO, "--workers", "1")


def test_a_rerun_skips_unchanged_runs_and_says_why_the_others_run(tmp_path, embedded_batch):
    # the first batch is the session's (12 new runs, NOR's two among them); its run folders are copied
    assert "12 runs: 0 skipped, 12 run (12 new)" in embedded_batch_output(embedded_batch)
    out = tmp_path / "out"
    for analysis in TWO.split(","):
        shutil.copytree(embedded_batch / "NOR" / analysis, out / "NOR" / analysis)
    again = upr_lab(*BATCH, "--out", out)
    assert "2 runs: 2 skipped" in again.stdout and ", 0 run" in again.stdout
    assert reasons(out) == [("NOR", a, True, "unchanged since its last successful run") for a in sorted(TWO.split(","))]
    assert "skipped: unchanged since its last successful run" in (out / "index.html").read_text(encoding="utf-8")

    params = tmp_path / "wider.yaml"
    params.write_text("alpha: 0.1\n", encoding="utf-8")
    (out / "NOR" / "civil_society" / "report.html").unlink()
    changed = upr_lab(*BATCH, "--out", out, "--params", params)
    assert "2 run (2 parameters changed)" in changed.stdout
    assert read_json(out / "NOR" / "civil_society" / "manifest.json")["parameters"]["alpha"] == 0.1

    (out / "NOR" / "civil_society" / "report.html").unlink()
    missing = upr_lab(*BATCH, "--out", out, "--params", params)
    assert "1 skipped" in missing.stdout and "1 run (1 outputs missing)" in missing.stdout
    forced = upr_lab(*BATCH, "--out", out, "--params", params, "--force")
    assert "2 run (2 forced)" in forced.stdout


def test_notebooks_run_on_warm_kernels_verify_on_fresh_ones(embedded_batch, embedded_batch_verified):
    # the session's batch: 12 runs on two kernels, each running six notebooks, reset in between; five of them
    # re-executed on fresh kernels by one `upr-lab verify` (conftest.py)
    status, printed = embedded_batch_verified
    assert status == 0, printed
    assert "5 of 5 runs verified" in printed
    for country, analysis in VERIFIED_RUNS:
        assert f"{embedded_batch / country / analysis}: verified" in printed
