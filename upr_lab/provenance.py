"""Provenance of a run: versions, input hashes, the run key that says whether a rerun is needed."""

import hashlib
import json
import platform
from importlib import metadata

from .params import PATH_PARAMETERS

KEY_PACKAGES = ("upr-lab", "pandas", "numpy", "statsmodels", "matplotlib", "papermill", "pyarrow", "pandera")


def versions():
    """Python and key package versions, in a stable order."""
    found = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def run_key(notebook_sha256, parameters, inputs, package_version=None):
    """A digest of everything a run's results depend on: notebook, parameters, input bytes, upr-lab.

    Input files count by content, not by where they are: the spelling of path parameters is left out
    (except ``data = "demo"``, which names the generator, whose version is upr-lab's). The package
    version defaults to the running upr-lab's.
    """
    values = {k: v for k, v in parameters.items() if k not in PATH_PARAMETERS or v in (None, "demo")}
    contents = sorted((i["role"], i["sha256"]) for i in inputs)
    package_version = package_version or versions()["upr-lab"]
    payload = json.dumps([notebook_sha256, values, contents, package_version], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def dump_json(data, path):
    """Write JSON with a stable layout (keys in the order given, UTF-8, trailing newline)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
