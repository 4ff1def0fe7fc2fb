"""``upr-lab verify``: re-execute recorded runs from their manifests and compare what they wrote.

A run verifies when its input files still have the recorded SHA-256, the analysis notebook is the
one recorded, and re-executing it with the recorded parameters (in a scratch folder beside the run,
which is removed afterwards) gives the same ``metrics.json``, figures, ``report.html`` and notebook
cell outputs. Different package versions are reported as notes: they may, but need not, change results.
"""

import contextlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from upr_lab.exceptions import RunInterrupted, UprLabError
from upr_lab.runs import interrupt, params, provenance
from upr_lab.runs.job import cached_now
from upr_lab.runs.params import ANALYSES, notebook_path
from upr_lab.runs.runner import execute_recorded, scratch_folder
from upr_lab.sources import cache
from upr_lab.sources.countries import check_iso3, pin_default_aliases
from upr_lab.sources.dataset import sha256
from upr_lab.sources.remote import folders

from . import compare


@dataclass
class Verification:
    """The outcome for one run folder: ``differences`` (failing) and ``notes`` (informative)."""

    path: Path
    differences: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.differences


def find_runs(paths):
    """Run folders (holding ``manifest.json``) named by ``paths``: runs, manifests or folders of runs."""
    found = []
    for path in map(Path, paths):
        if path.is_file() and path.name == "manifest.json":
            found.append(path.parent)
        elif (path / "manifest.json").is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(m.parent for m in path.rglob("manifest.json")
                            if not any(part.startswith(".") for part in m.relative_to(path).parts))
        else:
            raise UprLabError(f"{path}: no such run folder (expected a folder holding manifest.json)")
    if not found:
        raise UprLabError(f"no recorded run (manifest.json) under {', '.join(map(str, paths))}")
    return list(dict.fromkeys(found))


def verify(paths):
    """Verify every run under ``paths``; a list of ``Verification``.

    Nothing cached before is used (in this process and the kernels it starts): every source is parsed and
    every shared result computed again, once for all the runs of this call, in a fresh folder removed
    afterwards. Downloads (the UHRI export, documents) are still looked for where ``UPR_LAB_CACHE`` says.
    """
    runs, done = find_runs(paths), []
    pin_default_aliases()  # the kernels work in the run folders
    # re-executions go on in a worker thread: in the main thread nbclient would take over Ctrl-C
    with _nothing_cached(), interrupt.on_signals() as stopping, ThreadPoolExecutor(1) as pool:
        try:
            for run in runs:
                done.append(pool.submit(verify_run, run).result())
        except BaseException:
            if not stopping.requested:
                raise
            with interrupt.deferred():
                pool.shutdown(wait=True, cancel_futures=True)  # the run under way removes its scratch folder
            raise RunInterrupted(f"{stopping.name}: verify stopped; {len(done)} of {len(runs)} runs checked, "
                                 "nothing written", stopping.exit_status) from None
    return done


@contextlib.contextmanager
def _nothing_cached():
    """Parses and shared results kept in a fresh folder (in this process and the kernels it starts) while
    ``verify`` runs, removed afterwards: a verified run rests on nothing cached before, and the runs of one
    ``verify`` share what they compute again. Downloads are still found where ``UPR_LAB_CACHE`` says; the
    environment is as it was afterwards (``verify`` is also called from Python)."""
    names = (cache.OFF, folders.PINNED)
    before = {name: os.environ.get(name) for name in names}
    fresh = tempfile.mkdtemp(prefix="upr-lab-verify-")
    folders.keep_downloads_where_they_are()  # the downloaded documents a run read are read again
    os.environ[cache.OFF] = fresh
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(fresh, ignore_errors=True)


def verify_run(run):
    """Check one recorded run's inputs and notebook, re-execute it and compare its outputs."""
    result = Verification(Path(run))
    manifest = _read_manifest(result)
    if manifest is None:
        return result
    if manifest["status"] != "ok":
        result.differences.append(f"recorded as {manifest['status']!r} ({manifest.get('error')}): "
                                  "only completed runs can be verified")
        return result
    result.differences += _check_recorded(manifest, result.path)
    result.notes += _version_notes(manifest["versions"])
    if any(i.get("cached") is None and not (result.path / i["path"]).is_file() for i in manifest["inputs"]):
        result.notes.append("not re-executed: an input file is missing")
        return result
    if any(i.get("cached") is not None and cached_now(i["cached"])[1] != i["sha256"] for i in manifest["inputs"]):
        result.notes.append("not re-executed: the cached UHRI export the run read is not in the cache")
        return result
    result.differences += _reexecute_and_compare(manifest, result.path)
    return result


def _read_manifest(result):
    try:
        manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        result.differences.append(f"manifest.json: not valid JSON ({exc})")
        return None
    absent = [k for k in ("analysis", "parameters", "notebook", "inputs", "versions", "run_key", "status")
              if k not in manifest]
    if absent or manifest["analysis"] not in ANALYSES:
        result.differences.append(f"manifest.json: not an upr-lab run manifest (missing: {', '.join(absent)})"
                                  if absent else f"manifest.json: unknown analysis {manifest['analysis']!r}")
        return None
    try:  # what is re-executed comes from this file: the same checks as for a new run
        check_iso3(manifest["parameters"].get("country"))
        for name, value in manifest["parameters"].items():
            params.check_value(manifest["analysis"], name, value, "manifest.json")
    except (UprLabError, KeyError) as exc:
        result.differences.append(f"manifest.json: refused ({exc})")
        return None
    return manifest


def _check_recorded(manifest, run):
    """The recorded notebook, input files and run key against what is there now."""
    found = []
    notebook_now = sha256(notebook_path(manifest["analysis"]))
    if notebook_now != manifest["notebook"]["sha256"]:
        found.append(f"{manifest['notebook']['path']}: changed since the run (sha256 recorded "
                     f"{manifest['notebook']['sha256'][:16]}…, now {notebook_now[:16]}…)")
    found += _check_inputs(manifest["inputs"], run)
    if not found:
        key = provenance.run_key(notebook_now, manifest["parameters"], manifest["inputs"], manifest["versions"])
        if key != manifest["run_key"]:
            found.append("manifest.json: run_key does not match the recorded notebook, parameters and "
                         "inputs: the manifest was edited")
    return found


def _check_inputs(recorded, run):
    found = []
    for item in recorded:
        if item.get("cached") is not None:
            found += _check_cached(item)
            continue
        path = run / item["path"]
        if not path.is_file():
            found.append(f"input {item['path']}: missing (looked for {path})")
        elif (now := sha256(path)) != item["sha256"]:
            found.append(f"input {item['path']}: changed since the run (sha256 recorded "
                         f"{item['sha256'][:16]}…, now {now[:16]}…)")
    return found


FILE_IT = "upr-lab data download uhri --from FILE"


def _check_cached(item):
    """A download in the user's cache the run read (the UHRI export): there, with the recorded SHA-256?"""
    name, recorded = item["cached"], item["sha256"]
    path, now = cached_now(name)
    if path is None:
        return [f"input {item['path']}: the cached UHRI export the run read (SHA-256 {recorded}) is not in the "
                f"cache: run `upr-lab data download uhri`, or `{FILE_IT}` with a copy of SHA-256 {recorded}; "
                "a download of another date may hold other records"]
    if now != recorded:
        return [f"input {item['path']}: the cached UHRI export is SHA-256 {now}, the run read SHA-256 {recorded} "
                f"(the export was downloaded again since): file the copy the run read with `{FILE_IT}` (its SHA-256 "
                f"must be {recorded}) to verify this run; `upr-lab data download uhri` fetches the current export, "
                "which is another input"]
    return []


def _version_notes(recorded):
    now = provenance.versions()
    return [f"{name} {recorded.get(name)} at the run, {now.get(name)} now"
            for name in sorted(set(recorded) | set(now)) if recorded.get(name) != now.get(name)]


def _reexecute_and_compare(manifest, run):
    scratch = scratch_folder(run.parent, f"verify-{manifest['analysis']}")
    try:
        again = execute_recorded(manifest["analysis"], manifest["parameters"], scratch)
        found = [f"re-execution failed: {again['error']}"] if again["error"] else []
        found += _new_inputs(manifest, again)
        found += compare.metrics(run / "metrics.json", scratch / "metrics.json")
        found += compare.figures(run / "figures", scratch / "figures")
        found += compare.cells(run / "report.ipynb", scratch / "report.ipynb")
        found += compare.html(run / "report.html", scratch / "report.html")
        return found
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _new_inputs(manifest, again):
    recorded = {i["path"] for i in manifest["inputs"]}
    return [f"input {i['path']}: read now but not at the run (a file was added to the data folder)"
            for i in again["inputs"] if i["path"] not in recorded]


def render(results):
    """The report a reviewer reads: one block per run, then a summary line."""
    lines = []
    for r in results:
        lines.append(f"{r.path}: {'verified' if r.ok else f'DIFFERS ({len(r.differences)})'}")
        lines += [f"  - {d}" for d in r.differences] + [f"  note: {n}" for n in r.notes]
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results) - failed} of {len(results)} runs verified" + (f"; {failed} differ" if failed else ""))
    return "\n".join(lines)
