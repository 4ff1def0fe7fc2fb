"""A prepared run: the analysis, the State under review, its run folder and its exact parameters.

``prepare`` resolves the parameters (defaults, YAML layers, explicit values) and makes input paths
relative to the run folder, where the notebook will run. Preflight checks prepare every job before
anything runs; the runner executes them.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from upr_lab.sources.context.load import context_files
from upr_lab.sources.countries import check_iso3
from upr_lab.sources.dataset import is_named, map_paths, named_files, sha256, source_files, source_parts
from upr_lab.sources.formats.participation import is_downloaded, participation_files

from . import params as params_mod, provenance
from .params import PATH_PARAMETERS


@dataclass
class Job:
    """One prepared run: the analysis, the State under review, where it goes, its exact parameters."""

    analysis: str
    country: str
    destination: Path
    parameters: dict  # as injected; input paths relative to the run folder

    def inputs(self):
        return input_files(self.parameters, self.destination)

    def run_key(self):
        notebook_sha = sha256(params_mod.notebook_path(self.analysis))
        return provenance.run_key(notebook_sha, self.parameters, self.inputs())


def prepare(analysis, country, data=None, participation=None, params_file=None, out="outputs", parameters=None):
    """Resolve the parameters of one run (defaults, YAML layers, explicit values) into a ``Job``.

    ``data`` None: the parameter files' ``data``, else the notebook's default (``upr``)."""
    country = check_iso3(country)
    given = {**(parameters or {}), "country": country, **({"data": str(data)} if data is not None else {})}
    if participation is not None:
        given["participation"] = str(participation)
    values = params_mod.resolve(analysis, country, given, params_file)
    destination = Path(out) / country / analysis
    effective = located({**params_mod.declared(analysis), **values}, destination)
    effective.pop("out_dir", None)  # always "." (the run folder): not a parameter of the result
    return Job(analysis, country, destination, dict(sorted(effective.items())))


def located(parameters, folder):
    """``parameters`` with input paths made relative to ``folder`` (the kernel's working folder)."""
    found = dict(parameters)
    for name in PATH_PARAMETERS:
        value = found.get(name)
        if value is not None:
            found[name] = map_paths(value, lambda p: _relative(Path(p).resolve(), Path(folder).resolve()))
    return found


def _relative(path, start):
    try:
        return Path(os.path.relpath(path, start)).as_posix()
    except ValueError:  # another drive (Windows): only an absolute path can name it
        return str(path)


def input_files(parameters, folder):
    """Role, path (relative to the run folder) and SHA-256 of every input file of a run."""
    found = []
    for role in PATH_PARAMETERS:
        value = parameters.get(role)
        if value is None:
            continue
        for path in _files(role, value, folder):
            found.append({"role": role, "path": Path(os.path.relpath(path, folder)).as_posix(),
                          "sha256": sha256(path)})
    return found


def _files(role, value, folder):
    """The files an input names: a data source's (each of its parts), the participation table's (a table, or
    the stakeholder summaries of a folder), the context's (a file, or the CSV files of a folder)."""
    if role == "participation":
        return participation_files(value if is_downloaded(value) else Path(folder) / value)
    if role == "context":
        return context_files(Path(folder) / value)
    paths = [Path(folder) / part for part in source_parts(value) if not is_named(part)]
    named = [path for part in source_parts(value) if is_named(part) for path in named_files(part)]
    return named + (source_files(paths) if paths else [])  # the downloaded documents count by content too
