"""Provenance of a run: versions, input hashes, the run key that says whether a rerun is needed."""

import functools
import hashlib
import json
import os
import platform
import threading
from importlib import metadata
from pathlib import Path

from .params import PATH_PARAMETERS

KEY_PACKAGES = ("upr-lab", "pandas", "numpy", "statsmodels", "matplotlib", "papermill", "pyarrow", "pandera")


PACKAGE_DIR = Path(__file__).resolve().parent


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


@functools.cache
def source_digest():
    """SHA-256 over upr-lab's modules and data files: changes with the code even when the version does not."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in (".py", ".csv", ".cfg")
                       and "__pycache__" not in p.parts):
        digest.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def run_key(notebook_sha256, parameters, inputs, package=None):
    """A digest of everything a run's results depend on: notebook, parameters, input bytes, upr-lab.

    Input files count by content, not by where they are: the spelling of path parameters is left out
    (except ``data = "demo"``, which names the generator, part of upr-lab). ``package`` is a
    ``versions()`` mapping (default: the running upr-lab's); its version and source digest count.
    """
    package = package or versions()
    values, contents = result_parameters(parameters), input_contents(inputs)
    upr_lab = [package.get("upr-lab"), package.get("upr-lab-source")]
    payload = json.dumps([notebook_sha256, values, contents, upr_lab], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def result_parameters(parameters):
    """The parameters as they count for a result: the spelling of input paths left out."""
    return {k: v for k, v in parameters.items() if k not in PATH_PARAMETERS or v in (None, "demo")}


def input_contents(inputs):
    """Input files as they count for a result: role and SHA-256, in a stable order."""
    return sorted((i.get("role"), i.get("sha256")) for i in inputs)


def dump_json(data, path):
    """Write JSON with a stable layout (keys in the order given, UTF-8, trailing newline)."""
    path.write_text(json_text(data), encoding="utf-8")
    return path


def json_text(data):
    """JSON text with a stable layout: keys in the order given, UTF-8, indented, a trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path, text):
    """Replace ``path`` by ``text`` in one rename: a reader (or a concurrent batch) sees the old or the new file."""
    path = Path(path)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)
    return path
