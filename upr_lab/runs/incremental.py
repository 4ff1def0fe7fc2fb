"""Incremental batches: a run is redone only when something its results depend on changed.

A run is up to date when its folder holds a successful run whose ``run_key`` (notebook, parameters,
input file contents, upr-lab version and source) equals the key the run would have now.
"""

import json

from upr_lab.sources.dataset import sha256

from . import provenance
from .params import notebook_path


def reason_to_run(job):
    """None when ``job``'s folder already holds its up-to-date result; else why it must run."""
    try:
        manifest = json.loads((job.destination / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "new"
    except ValueError:
        return "manifest unreadable"
    if manifest.get("status") != "ok":
        return "failed last time"
    if manifest.get("run_key") != job.run_key():
        return _what_changed(manifest, job)
    if not all((job.destination / name).is_file() for name in ("report.html", "metrics.json", "report.ipynb")):
        return "outputs missing"
    return None


def _what_changed(manifest, job):
    changes = []
    if manifest.get("notebook", {}).get("sha256") != sha256(notebook_path(job.analysis)):
        changes.append("notebook changed")
    if provenance.result_parameters(manifest.get("parameters", {})) != provenance.result_parameters(job.parameters):
        changes.append("parameters changed")
    if provenance.input_contents(manifest.get("inputs", [])) != provenance.input_contents(job.inputs()):
        changes.append("input files changed")
    now = provenance.versions()
    if any(manifest.get("versions", {}).get(k) != now[k] for k in ("upr-lab", "upr-lab-source")):
        changes.append("upr-lab changed")
    return ", ".join(changes) or "run key changed"

