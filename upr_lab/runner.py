"""Running one analysis for one State under review: papermill into OUT/<ISO3>/<ANALYSIS>/.

A run executes in a scratch folder beside its destination and is moved into place whole, so a
destination folder is always either a complete run or a failed run marked ``failed``. The scratch
folder sits at the same depth as the destination, so input paths relative to it stay valid.
"""

import os
import shutil
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from . import params as params_mod, provenance
from .countries import check_iso3
from .dataset import sha256, source_files
from .execute import execute, located
from .params import PATH_PARAMETERS


@dataclass
class RunResult:
    analysis: str
    country: str
    path: Path
    status: str  # "ok" or "failed"
    error: str | None = None
    duration_s: float = 0.0


def run(analysis, country, data="demo", participation=None, params_file=None, out="outputs", parameters=None):
    """Execute one analysis notebook for one State under review and write its report folder."""
    country = check_iso3(country)
    given = {**(parameters or {}), "country": country, "data": str(data)}
    if participation is not None:
        given["participation"] = str(participation)
    values = params_mod.resolve(analysis, country, given, params_file)
    destination = Path(out) / country / analysis
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = scratch_folder(destination.parent, analysis)
    effective = located({**params_mod.declared(analysis), **values}, scratch)
    effective.pop("out_dir", None)  # always "." (the run folder): not a parameter of the result
    manifest = execute_recorded(analysis, effective, scratch)
    _move_into_place(scratch, destination)
    return RunResult(analysis, country, destination, manifest["status"], manifest["error"],
                     manifest["timing"]["duration_s"])


def execute_recorded(analysis, parameters, folder, warm=None):
    """Execute in ``folder`` (on ``warm``, a ``WarmKernel``, if given) and write ``manifest.json``; returns it."""
    started = time.time()
    error = execute(analysis, parameters, folder, warm)
    manifest = _manifest(analysis, parameters, folder, error, started)
    provenance.dump_json(manifest, Path(folder) / "manifest.json")
    return manifest


def scratch_folder(parent, label):
    """A new hidden folder in ``parent`` (made with the usual permissions, unlike ``tempfile.mkdtemp``)."""
    folder = Path(parent) / f".{label}.{secrets.token_hex(6)}"
    folder.mkdir()
    return folder


def input_files(parameters, folder):
    """Role, path (relative to the run folder) and SHA-256 of every input file of a run."""
    found = []
    for role in PATH_PARAMETERS:
        value = parameters.get(role)
        if value is None or (role == "data" and value == "demo"):
            continue
        for path in source_files(Path(folder) / value):
            found.append({"role": role, "path": Path(os.path.relpath(path, folder)).as_posix(),
                          "sha256": sha256(path)})
    return found


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
        "synthetic": parameters.get("data") == "demo",
        "notebook": {"path": f"notebooks/{notebook.name}", "sha256": notebook_sha},
        "inputs": inputs,
        "versions": provenance.versions(),
        "run_key": provenance.run_key(notebook_sha, parameters, inputs),
        "timing": {"started": _utc(started), "finished": _utc(finished),
                   "duration_s": round(finished - started, 3)},
    }


def _utc(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _move_into_place(scratch, destination):
    """Replace ``destination`` by ``scratch`` with renames only, so no half-written folder is ever seen."""
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        destination.rename(old)
    scratch.rename(destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
