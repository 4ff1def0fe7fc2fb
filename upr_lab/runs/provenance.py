"""Provenance of a run: versions, input hashes, the run key that says whether a rerun is needed."""

import functools
import hashlib
import json
import platform
from importlib import metadata

from upr_lab.sources.dataset import is_named, map_paths, source_parts
from upr_lab.version import source_digest

from .params import PATH_PARAMETERS

KEY_PACKAGES = ("upr-lab", "pandas", "numpy", "statsmodels", "matplotlib", "papermill", "pyarrow", "pandera")


def versions():
    """Python and key package versions, in a stable order, and the digest of upr-lab's own files."""
    return dict(_versions())


@functools.cache
def _versions():  # asked once per run of a batch: the installed packages do not change meanwhile
    found = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    found["upr-lab-source"] = source_digest()
    return found


def run_key(notebook_sha256, parameters, inputs, package=None):
    """A digest of everything a run's results depend on: notebook, parameters, input bytes, upr-lab.

    Input files count by content, not by where they are: the spelling of path parameters is left out
    (except a named data set, ``upr`` or ``synthetic``, part of upr-lab). ``package`` is a
    ``versions()`` mapping (default: the running upr-lab's); its version and source digest count.
    """
    package = package or versions()
    values, contents = result_parameters(parameters), input_contents(inputs)
    upr_lab = [package.get("upr-lab"), package.get("upr-lab-source")]
    payload = json.dumps([notebook_sha256, values, contents, upr_lab], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def result_parameters(parameters):
    """The parameters as they count for a result: the spelling of input paths left out (their contents count),
    the data sets named beside them kept (``"upr,PATH"`` counts as ``"upr,<path>"``)."""
    kept = {k: v for k, v in parameters.items() if k not in PATH_PARAMETERS or v is None or is_named(v)}
    several = {k: map_paths(v, lambda _: "<path>") for k, v in parameters.items()
               if k in PATH_PARAMETERS and v is not None and len(source_parts(v)) > 1}
    return {**kept, **several}


def input_contents(inputs):
    """Input files as they count for a result: role and SHA-256, in a stable order."""
    return sorted((i.get("role"), i.get("sha256")) for i in inputs)
