"""Reviewer-grade reproducibility: identical bytes on re-execution, and `upr-lab verify` end to end."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import REAL_EXPORTS_BATCH, real_exports_batch_command
from test_cli import ROOT, read_json, upr_lab
from upr_lab.review import compare
from upr_lab.runs.params import ANALYSES
from upr_lab.review.verify import find_runs

pytestmark = pytest.mark.slow


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_runs_on_the_same_inputs_give_identical_bytes(real_exports_batch, upr_info_dir):
    # the first batch is the session's (conftest.py); the second, the same command, goes beside it
    folders = {"first": real_exports_batch, "second": real_exports_batch.with_name("real-exports-batch-again")}
    shutil.rmtree(folders["second"], ignore_errors=True)
    upr_lab(*real_exports_batch_command(upr_info_dir), "--out", folders["second"])
    first, second = files_of(folders["first"]), files_of(folders["second"])
    assert sorted(first) == sorted(second)
    assert len([name for name in first if name.endswith(".png")]) >= 8
    for name in first:
        if not name.endswith("manifest.json"):
            assert first[name] == second[name], f"{name} differs between two runs on the same inputs"
    for analysis in ANALYSES:
        a, b = (read_json(folders[out] / REAL_EXPORTS_BATCH / analysis / "manifest.json")
                for out in ("first", "second"))
        assert a.pop("timing") and b.pop("timing")
        assert a == b, "manifests differ in more than timing"


def test_outputs_hold_no_timestamps_scratch_paths_or_absolute_paths(real_exports_batch, upr_info_dir):
    out = real_exports_batch  # the session's batch on the real exports (conftest.py)
    folder = out / REAL_EXPORTS_BATCH / "civil_society"
    relative_data = read_json(folder / "manifest.json")["parameters"]["data"]  # e.g. ../../../../work/shared/...
    for name, content in files_of(folder).items():
        if name.endswith(".png") or name == "manifest.json":
            continue
        text = content.decode("utf-8").replace(relative_data, "<data, relative to the run folder>")
        for absolute in (str(out), str(ROOT), str(Path(upr_info_dir).resolve())):
            assert absolute not in text, f"{name} holds the absolute path {absolute}"
        assert ".civil_society." not in text, f"{name} names the scratch folder"
    notebook = nbformat.read(folder / "report.ipynb", as_version=4)
    assert "start_time" not in notebook.metadata["papermill"]
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    manifest = read_json(folder / "manifest.json")
    assert not Path(manifest["parameters"]["data"]).is_absolute()
    assert (folder / manifest["parameters"]["data"]).resolve() == Path(upr_info_dir).resolve()
    assert [i["role"] for i in manifest["inputs"]] == ["data"] * 6


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory, upr_info_dir):
    """A run on a private copy of the real exports, so that tests may change an input file."""
    base = tmp_path_factory.mktemp("verify")
    shutil.copytree(upr_info_dir, base / "exports")
    for path in (base / "exports").iterdir():
        path.chmod(0o644)
    upr_lab("run", "regional_comparison", "--country", "KEN", "--data", base / "exports", "--out", base / "out")
    return base / "out" / "KEN" / "regional_comparison"


@pytest.fixture(scope="module")
def verified(recorded_run):
    """One ``upr-lab verify`` of the recorded run and of a copy of it with three outputs tampered with (beside
    it, where the exports are as near): its runs share one fresh parse and one set of all-States results, as a
    reviewer's ``verify`` of several runs does. (the tampered copy, the figure changed, the command's result)"""
    tampered = recorded_run.parents[2] / "tampered" / "KEN" / "regional_comparison"
    shutil.copytree(recorded_run, tampered)
    metrics = json.loads((tampered / "metrics.json").read_text(encoding="utf-8"))
    metrics["acceptance_rate"] = 0.99
    (tampered / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    figure = sorted((tampered / "figures").glob("*.png"))[0]
    figure.write_bytes(figure.read_bytes()[:-100] + bytes(100))
    page = tampered / "report.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Regional comparison", "Regional triumph"),
                    encoding="utf-8")
    return tampered, figure, upr_lab("verify", recorded_run.parent.parent, tampered, check=False)


def test_verify_passes_on_an_untouched_run(recorded_run, verified):
    _, _, result = verified
    assert f"{recorded_run}: verified" in result.stdout and "1 of 2 runs verified; 1 differ" in result.stdout
    assert result.stdout.count(": verified") == 1
    assert not [p for p in recorded_run.parent.iterdir() if p.name.startswith(".") and p.is_dir()], \
        "scratch folder left behind"


def test_nbval_reexecutes_an_executed_report_with_the_declared_sanitising(recorded_run):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--nbval", "-q",
         "--nbval-sanitize-with", str(compare.VOLATILE), str(recorded_run / "report.ipynb")],
        cwd=recorded_run, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_verify_names_every_tampered_output(verified):
    tampered, figure, result = verified
    assert result.returncode == 1  # one run differs (every run verified exits 0: test_batch.py)
    out = result.stdout
    assert f"{tampered}: DIFFERS" in out
    assert "metrics.json: acceptance_rate: recorded 0.99, re-executed 0." in out
    assert f"figures/{figure.name}: differs" in out
    assert "report.html: differs from the page built from the re-executed notebook" in out
    assert "Regional triumph" in out
    assert not [p for p in tampered.parent.iterdir() if p.name.startswith(".") and p.is_dir()]


def test_verify_fails_when_an_input_file_changed_after_the_run(recorded_run):
    changed = recorded_run.parents[2] / "exports" / "6-9.csv"
    original = changed.read_bytes()
    try:
        changed.write_bytes(original.replace(b"Accepted", b"Noted", 1))
        result = upr_lab("verify", recorded_run / "manifest.json", check=False)
    finally:
        changed.write_bytes(original)
    assert result.returncode == 1
    assert "input ../../../exports/6-9.csv: changed since the run (sha256 recorded" in result.stdout
    # the re-execution read the changed file: the State's or a group's acceptance changed with it
    assert re.search(r"metrics.json: (acceptance_rate|comparisons\[\d\]\.\w+): recorded", result.stdout)


def test_verify_refuses_paths_without_a_recorded_run(tmp_path, in_process):
    code, _, err = in_process("verify", tmp_path)
    assert code == 2 and "no recorded run (manifest.json)" in err
    code, _, err = in_process("verify", tmp_path / "nowhere")
    assert code == 2 and "no such run folder" in err


def test_find_runs_skips_scratch_folders_and_keeps_order(tmp_path):
    for run in ("NOR/civil_society", "BRA/regional_comparison", "NOR/.civil_society.abc/x"):
        (tmp_path / run).mkdir(parents=True)
        (tmp_path / run / "manifest.json").write_text("{}")
    assert find_runs([tmp_path, tmp_path / "NOR" / "civil_society"]) == [
        tmp_path / "BRA" / "regional_comparison", tmp_path / "NOR" / "civil_society"]
