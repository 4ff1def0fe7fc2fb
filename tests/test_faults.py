"""Faults: interrupted batches and runs, concurrent batches, failing notebooks, unsafe text and paths.

The interruption tests run real batches on the embedded real data and signal them part-way through, as a
user's Ctrl-C or a scheduler's SIGTERM would. Four runs (two States, the two cheapest analyses) on two kernels
are enough: when the first has finished, the others are under way or not begun, so the signal always stops
at least one, and the rerun (on one kernel) has some to skip and some to run.
"""

import csv
import datetime
import io
import json
import re
import shutil
import signal
import subprocess
import threading
import time

import nbformat
import psutil
import pytest

from test_cli import ROOT, UPR_LAB, read_json, upr_lab
from upr_lab.runs import job, params, preflight
from upr_lab.sources.formats import canonical
from upr_lab.sources.dataset import load
from upr_lab.exceptions import ParameterError, UnknownCountryError
from upr_lab.reports.site import index_page

pytestmark = pytest.mark.slow
COUNTRIES = "NOR,KEN"
ANALYSES = "civil_society,regional_comparison"
RUNS = 4  # COUNTRIES x ANALYSES


def start(*args, log):
    """Start ``upr-lab ARGS`` in its own session (signals reach it alone), output to ``log``."""
    with open(log, "w", encoding="utf-8") as handle:
        return subprocess.Popen([UPR_LAB, *map(str, args)], cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for(condition, timeout=240, what="a condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def run_folders(out):
    return sorted(p for p in out.glob("*/*") if p.is_dir() and not p.name.startswith("."))


def completed(out):
    return [f for f in run_folders(out) if (f / "manifest.json").is_file()
            and read_json(f / "manifest.json")["status"] == "ok"]


def leftovers(out):
    """Scratch folders and half-replaced runs: hidden folders beside the run folders."""
    return sorted(p.relative_to(out).as_posix() for p in out.glob("*/.*") if p.is_dir())


def assert_nothing_looks_complete_that_is_not(out):
    for folder in run_folders(out):
        if (folder / "report.html").exists():
            assert read_json(folder / "manifest.json")["status"] == "ok", folder
    assert leftovers(out) == []


def gone(processes):
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            continue
    return not alive


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_batch_keeps_only_complete_runs_and_a_rerun_completes_the_rest(tmp_path, stop):
    out, command = tmp_path / "out", ["batch", "--countries", COUNTRIES, "--analyses", ANALYSES]
    process = start(*command, "--workers", "2", "--out", out, log=tmp_path / "log")
    wait_for(lambda: completed(out) or process.poll() is not None, what="a first completed run")
    kernels = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(stop)
    status = process.wait(timeout=120)
    log = (tmp_path / "log").read_text(encoding="utf-8")

    assert status == 128 + stop, log
    assert "Traceback" not in log and "upr-lab: interrupted:" in log
    assert kernels and gone(kernels), "every kernel the batch started is shut down"
    assert_nothing_looks_complete_that_is_not(out)
    before = {f.name + f.parent.name for f in completed(out)}
    summary = read_json(out / "batch.json")
    assert summary["n_interrupted"] == RUNS - len(before) > 0
    assert summary["n_ok"] == len(before)
    assert "the batch was stopped before this run finished" in (out / "index.html").read_text(encoding="utf-8")

    rerun = upr_lab(*command, "--workers", "1", "--out", out)  # which runs it skips does not depend on the kernels
    assert f"{RUNS} runs: {len(before)} skipped" in rerun.stdout
    assert f"{RUNS - len(before)} run" in rerun.stdout and f"{RUNS} ok, 0 failed" in rerun.stdout
    assert len(completed(out)) == RUNS and leftovers(out) == []


def test_an_interrupted_run_leaves_its_folder_as_it_was_and_no_kernel(tmp_path):
    out = tmp_path / "out"
    process = start("run", "compliance_trends", "--country", "NOR", "--out", out, log=tmp_path / "log")
    wait_for(lambda: leftovers(out) and psutil.Process(process.pid).children(recursive=True),
             what="the run's scratch folder and kernel")
    time.sleep(1)
    kernels = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=120) == 130
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "upr-lab: interrupted: Ctrl-C (SIGINT): run stopped; nothing partial kept" in log and "Traceback" not in log
    assert gone(kernels)
    assert not (out / "NOR" / "compliance_trends").exists() and leftovers(out) == []


def test_a_run_whose_lock_another_process_holds_waits_and_says_so(tmp_path):
    from upr_lab.runs.locks import run_lock

    destination, said, waited = tmp_path / "NOR" / "compliance_trends", [], []

    def second_holder():  # flock: a second opening of the lock file waits, as another process's would
        with run_lock(destination, said.append) as second_waited:
            waited.append(second_waited)

    with run_lock(destination) as first_waited:
        waiting = threading.Thread(target=second_holder)
        waiting.start()
        wait_for(lambda: said, what="the second holder's message")
        assert not first_waited and waiting.is_alive(), "the second holder must wait while the lock is held"
    waiting.join(timeout=10)
    assert waited == [True]
    assert said == [f"waiting for {destination}: another upr-lab process is running it"]


def test_two_batches_into_one_folder_run_each_run_once(tmp_path):
    out = tmp_path / "out"
    command = ["batch", "--countries", "NOR", "--analyses", "compliance_trends,civil_society,regional_comparison",
               "--workers", "1", "--out", out]
    first = start(*command, log=tmp_path / "first.log")
    wait_for(lambda: leftovers(out), what="the first batch's first scratch folder")
    second = start(*command, log=tmp_path / "second.log")
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    logs = [(tmp_path / name).read_text(encoding="utf-8") for name in ("first.log", "second.log")]

    runs = [read_json(out / "batch.json")["runs"]]  # the second batch's index, written last
    assert {r["status"] for r in runs[0]} == {"ok"}
    executed = [int(re.search(r"^3 runs: \d+ skipped.*, (\d+) run", log, re.M).group(1)) for log in logs]
    assert sum(executed) == 3, logs  # each run executed by one batch, the other skipped it
    assert "completed meanwhile by another upr-lab process" in logs[1]
    assert len(completed(out)) == 3 and leftovers(out) == []


def failing_notebooks(tmp_path, monkeypatch, analysis="civil_society"):
    """Copies of the analysis notebooks, one of which fails part-way through."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in params.ANALYSES:
        notebook = nbformat.read(params.NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
        if name == analysis:
            cell = nbformat.v4.new_code_cell('raise RuntimeError("planted failure")')
            cell.id = "planted-failure"
            notebook.cells.insert(4, cell)
        nbformat.write(notebook, folder / f"{name}.ipynb")
    monkeypatch.setattr(params, "NOTEBOOK_DIR", folder)


def test_a_failed_run_keeps_its_notebook_and_gets_no_report(tmp_path, monkeypatch, capsys):
    from upr_lab.cli import main

    failing_notebooks(tmp_path, monkeypatch, "compliance_trends")
    status = main(["run", "compliance_trends", "--country", "NOR", "--out", str(tmp_path / "out")])
    assert status == 1 and "failed" in capsys.readouterr().out
    folder = tmp_path / "out" / "NOR" / "compliance_trends"
    assert read_json(folder / "manifest.json")["status"] == "failed"
    assert read_json(folder / "manifest.json")["error"] == "RuntimeError: planted failure (cell 4)"
    assert (folder / "report.ipynb").exists() and not (folder / "report.html").exists()
    assert leftovers(tmp_path / "out") == []


def test_a_batch_goes_on_past_a_failed_run_and_lists_it(tmp_path, monkeypatch, capsys):
    from upr_lab.cli import main

    failing_notebooks(tmp_path, monkeypatch)
    out = tmp_path / "out"
    # one kernel: the runs after a failed one run on the kernel it failed on
    status = main(["batch", "--countries", "NOR,KEN", "--analyses", "regional_comparison,civil_society",
                   "--out", str(out), "--workers", "1"])
    printed = capsys.readouterr().out

    assert status == 1
    assert "2 ok, 2 failed" in printed  # 2 States x 2 analyses, one of which fails
    assert "failed: NOR civil_society: RuntimeError: planted failure" in printed
    summary = read_json(out / "batch.json")
    assert (summary["n_ok"], summary["n_failed"]) == (2, 2)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("RuntimeError: planted failure") == 2 and index.count("(none: run failed)") == 2
    for country in ("NOR", "KEN"):
        folder = out / country / "civil_society"
        assert read_json(folder / "manifest.json")["status"] == "failed"
        assert not (folder / "report.html").exists()
        executed = nbformat.read(folder / "report.ipynb", as_version=4)
        failing = [c for c in executed.cells if c.get("id") == "planted-failure"][0]
        assert failing.outputs[0]["ename"] == "RuntimeError", "the failing cell shows its error"
        assert (out / country / "regional_comparison" / "report.html").exists()
    assert leftovers(out) == []


def test_recommendation_text_with_script_is_escaped_in_the_html_report(tmp_path):
    recs = load("synthetic").recommendations
    mine = recs[(recs["sur_iso3"] == "NOR") & (recs["session"] == recs.loc[recs["sur_iso3"] == "NOR", "session"].max())]
    planted = mine.index[0]
    recs.loc[planted, "text"] = '<script>alert("upr")</script> Protect <b>human rights defenders</b> & NGOs'
    recs.at[planted, "issues"] = ("Civil society", "<img src=x onerror=alert(1)>")
    # Norway's rows alone: the all-States models of the analysis have nothing to do with how a text is shown
    source = canonical.write(recs[recs["sur_iso3"] == "NOR"], tmp_path / "planted.csv")

    upr_lab("run", "civil_society", "--country", "NOR", "--data", source, "--out", tmp_path / "out")
    page = (tmp_path / "out" / "NOR" / "civil_society" / "report.html").read_text(encoding="utf-8")
    # shown as text: escaped, quotes included, as the report's tables escape every cell
    assert '&lt;script&gt;alert(&quot;upr&quot;)&lt;/script&gt; Protect &lt;b&gt;human rights defenders&lt;/b&gt; &amp; NGOs' in page
    assert "<script>alert" not in page and "<b>human rights defenders</b>" not in page
    assert "<img src=x" not in page


def test_the_index_escapes_error_text():
    page = index_page([{"country": "NOR", "analysis": "civil_society", "status": "failed", "skipped": False,
                        "reason": "new", "error": "ValueError: <script>alert(1)</script>"}], "<i>data</i>")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<i>data</i>" not in page


@pytest.mark.parametrize("yaml_text,message", [
    ("alpha: 2020-01-01\n", "parameter alpha = datetime.date(2020, 1, 1): expected a number between 0 and 1"),
    ("alpha: '0.1'\n", "parameter alpha = '0.1': expected a number between 0 and 1"),
    ("alpha: 1.5\n", "parameter alpha = 1.5: expected a number between 0 and 1"),
    ("participation: [1, 2]\n", "parameter participation = [1, 2]: expected a text value"),
])
def test_parameter_values_of_the_wrong_kind_are_refused_before_any_run(tmp_path, yaml_text, message, in_process):
    path = tmp_path / "p.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    code, _, err = in_process("run", "compliance_trends", "--country", "NOR", "--params", path, "--out", tmp_path / "out")
    assert code == 2 and err.strip().startswith(f"upr-lab: error: {path}: {message}")
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_parameters_reach_the_notebook_as_values_never_as_code():
    # papermill writes some values (a date, an object) as raw source text: such a value would run as code
    assert not params._injected_as_value("alpha", datetime.date(2020, 1, 1))
    hostile = '"; import os; os.system("touch pwned") #\n\\" \'\x00'
    assert params._injected_as_value("data", hostile)  # a string, however written, stays one string


@pytest.mark.parametrize("country,analysis,error", [
    ("../../etc", "compliance_trends", UnknownCountryError),
    ("NOR/..", "compliance_trends", UnknownCountryError),
    ("NOR", "../../tmp/x", ParameterError),
])
def test_no_run_folder_outside_the_outputs_folder(tmp_path, country, analysis, error):
    with pytest.raises(error):
        job.prepare(analysis, country, out=tmp_path)
    with pytest.raises(error):
        preflight.check_batch([country], [analysis], "synthetic", out=tmp_path)
    assert not any(tmp_path.iterdir())


def test_verify_refuses_a_manifest_that_points_outside_its_run(tmp_path):
    from upr_lab.review.verify import verify_run

    folder = tmp_path / "NOR" / "compliance_trends"
    folder.mkdir(parents=True)
    manifest = {"analysis": "compliance_trends", "status": "ok", "notebook": {}, "inputs": [], "versions": {},
                "run_key": "", "parameters": {"country": "../../..", "data": "synthetic", "alpha": 0.05}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = verify_run(folder)
    assert not result.ok and "is not an ISO 3166 alpha-3 code" in result.differences[0]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["NOR", "compliance_trends", "manifest.json"]


def test_the_manifest_counts_exact_duplicate_rows(tmp_path, upr_info_dir):
    exports = tmp_path / "exports"
    shutil.copytree(upr_info_dir, exports)
    first = sorted(exports.glob("*.csv"))[0]
    text = first.read_bytes().decode("mac_roman")  # Mac Roman, CR line endings, as exported
    repeated = io.StringIO()
    csv.writer(repeated, lineterminator="\r").writerow(list(csv.reader(io.StringIO(text, newline="")))[-1])
    first.write_bytes((text.rstrip("\r") + "\r" + repeated.getvalue()).encode("mac_roman"))

    result = upr_lab("run", "regional_comparison", "--country", "NOR", "--data", exports, "--out", tmp_path / "out")
    assert "4 recommendation rows repeat an earlier row exactly" in result.stderr, result.stderr
    manifest = read_json(tmp_path / "out" / "NOR" / "regional_comparison" / "manifest.json")
    assert manifest["data_checks"] == {"exact_duplicate_rows_dropped": 4}  # 3 in the exports, 1 planted
