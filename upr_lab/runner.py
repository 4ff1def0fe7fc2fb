"""Running one analysis for one State under review: papermill into OUT/<ISO3>/<ANALYSIS>/.

A run executes in a scratch folder beside its destination and is moved into place whole, so a
destination folder is always either a complete run or a failed run marked ``failed``.
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import papermill

from . import __version__, htmlreport, kernel, params as params_mod, provenance
from .countries import check_iso3
from .dataset import sha256, source_files



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
    notebook = params_mod.notebook_path(analysis)
    given = {**(parameters or {}), "country": country, "data": str(data)}
    if participation is not None:
        given["participation"] = str(participation)
    values = params_mod.resolve(analysis, country, given, params_file)
    destination = Path(out) / country / analysis
    destination.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{analysis}.", dir=destination.parent))
    started = time.time()
    error = _execute(notebook, scratch, {**values, "out_dir": _relative(scratch)})
    status = "failed" if error else "ok"
    if not error:
        htmlreport.export(scratch / "report.ipynb", scratch / "report.html")
    effective = {**params_mod.declared(analysis), **values}
    effective.pop("out_dir", None)  # the scratch folder: not a parameter of the result
    manifest = _manifest(analysis, country, notebook, effective, data, participation, status, error, started)
    provenance.dump_json(manifest, scratch / "manifest.json")
    _move_into_place(scratch, destination)
    return RunResult(analysis, country, destination, status, error, manifest["timing"]["duration_s"])


def _execute(notebook, scratch, values):
    try:
        papermill.execute_notebook(str(notebook), str(scratch / "report.ipynb"), parameters=values,
                                   kernel_name=kernel.ensure(), progress_bar=False, cwd=os.getcwd())
    except papermill.PapermillExecutionError as exc:
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return None


def _relative(path):
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def input_files(data, participation):
    """Name and SHA-256 of every input file of a run (none for the embedded demo data)."""
    paths = [] if str(data) == "demo" else source_files(data)
    if participation is not None:
        paths.append(Path(participation))
    return [{"path": _relative(p), "sha256": sha256(p)} for p in paths]


def _manifest(analysis, country, notebook, values, data, participation, status, error, started):
    inputs = input_files(data, participation)
    notebook_sha = sha256(notebook)
    finished = time.time()
    return {
        "analysis": analysis,
        "country": country,
        "parameters": {k: v for k, v in sorted(values.items())},
        "notebook": {"path": _relative(notebook), "sha256": notebook_sha},
        "data": str(data),
        "inputs": inputs,
        "versions": provenance.versions(),
        "run_key": provenance.run_key(notebook_sha, values, inputs, __version__),
        "status": status,
        "error": error,
        "timing": {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
                   "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(finished)),
                   "duration_s": round(finished - started, 3)},
    }


def _move_into_place(scratch, destination):
    """Replace ``destination`` by ``scratch`` with renames only, so no half-written folder is ever seen."""
    old = None
    if destination.exists():
        old = destination.with_name(f".{destination.name}.old-{os.getpid()}")
        destination.rename(old)
    scratch.rename(destination)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
