"""Running one analysis for one State under review: papermill into OUT/<ISO3>/<ANALYSIS>/.

A run is prepared (``job.prepare``: parameters resolved, input paths made relative to the run folder),
then executed (``execute_job``) in a scratch folder beside its destination and moved into place
whole, so a destination folder is always either a complete run or a failed run marked ``failed``.
The scratch folder sits at the same depth as the destination, so relative input paths stay valid.
"""

import json
import os
import secrets
import shutil
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from upr_lab.exceptions import RunInterrupted
from upr_lab.files import check_output, dump_json
from upr_lab.sources.dataset import sha256

from . import interrupt, params as params_mod, provenance
from .incremental import reason_to_run
from .job import input_files
from .locks import run_lock
from .preflight import check_run


@dataclass
class RunResult:
    analysis: str
    country: str
    path: Path
    status: str  # "ok" or "failed"
    error: str | None = None
    duration_s: float = 0.0
    skipped: bool = False
    reason: str = ""  # why it ran again, or why it was skipped


def run(analysis, country, data=None, participation=None, params_file=None, out=None, parameters=None):
    """Execute one analysis notebook for one State under review, on its own kernel, and write its folder.

    ``data`` and ``out`` None: the parameter files' ``data`` and ``out_dir``, else ``upr`` and ``outputs``
    (a value given here and in a file: this one, with a warning). An output folder that cannot be written
    is refused before anything is read.

    Ctrl-C or SIGTERM stops it with ``RunInterrupted``, its kernel shut down and its folder as it was.
    """
    from .warm import KernelPool  # papermill and nbclient: imported only when a notebook runs

    out = check_output(params_mod.file_value("out_dir", [analysis], params_file, out, "outputs"), "folder")
    job = check_run(analysis, country, data, participation, params_file, out, parameters)
    # the run goes on in a worker thread, as in a batch: in the main thread nbclient would take over
    # SIGINT and SIGTERM (and leave SIGTERM at its default afterwards)
    with KernelPool() as kernels, interrupt.on_signals(kernels.stop) as stopping, ThreadPoolExecutor(1) as pool:
        running = pool.submit(lambda: execute_job(job, kernels.for_this_thread()))
        try:
            return running.result()
        except BaseException:
            if not stopping.requested:
                raise
            with interrupt.deferred():
                wait([running])  # ends at once (its kernel is dead) and removes its scratch folder
            raise RunInterrupted(f"{stopping.name}: run stopped; nothing partial kept ({job.destination} is as "
                                 "it was)", stopping.exit_status) from None


def execute_job(job, warm=None, on_wait=None, unless_done=False):
    """Execute a prepared run in a scratch folder and move it into place; a ``RunResult``.

    The run's lock is held throughout: if another upr-lab process holds it, ``on_wait`` is told and
    the run waits, then is skipped if that process left it up to date. ``unless_done``: skipped too when it
    is up to date once the lock is held without waiting (a batch that is not forced: another process may
    have completed it since the batch found it to run). Whatever stops the run
    (an error, Ctrl-C, a stopped warm kernel) removes its scratch folder and leaves the
    destination as it was.
    """
    with run_lock(job.destination, on_wait) as waited:
        if (waited or unless_done) and reason_to_run(job) is None:
            return RunResult(job.analysis, job.country, job.destination, "ok", skipped=True,
                             reason="completed meanwhile by another upr-lab process")
        _remove_stale_scratch(job)
        return _execute_in_scratch(job, warm)


def _execute_in_scratch(job, warm):
    scratch = scratch_folder(job.destination.parent, job.analysis)
    try:
        manifest = execute_recorded(job.analysis, job.parameters, scratch, warm)
        if warm is not None and warm.stopped:
            raise RunInterrupted(f"{job.country} {job.analysis}: interrupted before it finished")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    _move_into_place(scratch, job.destination)
    return RunResult(job.analysis, job.country, job.destination, manifest["status"], manifest["error"],
                     manifest["timing"]["duration_s"])


def _remove_stale_scratch(job):
    """Scratch folders of this run left by a process that was killed (the caller holds the run's lock)."""
    for stale in job.destination.parent.glob(f".{job.analysis}.*"):
        if stale.is_dir():  # the run's lock file, beside them, is a file
            shutil.rmtree(stale, ignore_errors=True)


def execute_recorded(analysis, parameters, folder, warm=None):
    """Execute in ``folder`` (on ``warm``, a ``WarmKernel``, if given) and write ``manifest.json``; returns it."""
    from .execute import execute  # papermill and nbclient: imported only when a notebook runs

    started = time.time()
    error = execute(analysis, parameters, folder, warm)
    manifest = _manifest(analysis, parameters, folder, error, started)
    dump_json(manifest, Path(folder) / "manifest.json")
    return manifest


def scratch_folder(parent, label):
    """A new hidden folder in ``parent`` (made with the usual permissions, unlike ``tempfile.mkdtemp``)."""
    folder = Path(parent) / f".{label}.{secrets.token_hex(6)}"
    folder.mkdir()
    return folder


def _manifest(analysis, parameters, folder, error, started):
    notebook = params_mod.notebook_path(analysis)
    notebook_sha = sha256(notebook)
    inputs = input_files(parameters, folder)
    finished = time.time()
    return {
        "analysis": analysis,
        "country": parameters["country"],
        "status": "failed" if error else "ok",
        "error": error,
        "parameters": dict(sorted(parameters.items())),
        "paths_relative_to": "this run folder",
        "synthetic": parameters.get("data") == "synthetic",
        "notebook": {"path": f"notebooks/{notebook.name}", "sha256": notebook_sha},
        "inputs": inputs,
        "data_checks": _data_checks(folder),
        "versions": provenance.versions(),
        "run_key": provenance.run_key(notebook_sha, parameters, inputs),
        "timing": {"started": _utc(started), "finished": _utc(finished),
                   "duration_s": round(finished - started, 3)},
    }


def _data_checks(folder):
    """What loading the data found, as the notebook recorded it in ``metrics.json`` (empty if it did not)."""
    try:
        source = json.loads((Path(folder) / "metrics.json").read_text(encoding="utf-8"))["data_source"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {"exact_duplicate_rows_dropped": source.get("duplicates", 0)}


def _utc(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _move_into_place(scratch, destination):
    """Replace ``destination`` by ``scratch`` with renames only, so no half-written folder is ever seen."""
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}-{secrets.token_hex(3)}")
        destination.rename(old)
    scratch.rename(destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
