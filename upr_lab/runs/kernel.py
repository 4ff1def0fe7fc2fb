"""The project's Jupyter kernel ("upr-lab"): this environment's Python, registered in its prefix."""

import json
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from upr_lab.files import file_lock
from upr_lab.stats.processes.lifetime import COMPUTING_ENV

KERNEL_NAME = "upr-lab"
# The environment's own `python`, whichever of its names (python, python3, python3.11) started this process:
# two processes of one environment must agree on the spec, or each rewrites it under the other.
PYTHON = str(Path(sys.prefix) / "bin" / "python") if (Path(sys.prefix) / "bin" / "python").exists() \
    else sys.executable
# Quiet kernels: ipykernel's start-up warning about TCP transport says nothing about the analysis.
ARGV = [PYTHON, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}",
        "--IPKernelApp.log_level=ERROR"]
# One BLAS/OpenMP thread and Arrow's system allocator, as in every process that computes for a run (the fork
# servers too): ``lifetime.COMPUTING_ENV`` says why.
ENV = COMPUTING_ENV


_lock = threading.Lock()


def ensure():
    """Register the upr-lab kernel in this environment if it is missing or stale; return its name."""
    # threads and processes (a test run beside a batch) ask at once; installing removes and rewrites the folder
    with _lock, file_lock(Path(sys.prefix) / "share" / "jupyter" / "kernels" / f".{KERNEL_NAME}.lock"):
        return _ensure()


def _ensure():
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if spec.argv == ARGV and spec.env == ENV:
            return KERNEL_NAME
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    folder = Path(install(kernel_name=KERNEL_NAME, display_name="upr-lab (Python 3)", prefix=sys.prefix))
    spec = json.loads((folder / "kernel.json").read_text())
    (folder / "kernel.json").write_text(json.dumps({**spec, "argv": ARGV, "env": ENV}, indent=1))
    return KERNEL_NAME


def connection():
    """How a kernel started here is reached (keyword arguments of jupyter_client's kernel manager): Unix sockets
    in a folder of its own where the system has them, TCP ports elsewhere.

    With TCP, jupyter_client picks free ports and the kernel binds them a moment later: on a busy machine
    another process can take one in between, and the kernel prints "Address already in use" (seen when two
    batches start kernels at once). A socket file in a private folder cannot be taken.
    """
    if os.name != "posix":
        return {}
    return {"transport": "ipc", "ip": os.path.join(tempfile.mkdtemp(prefix="upr-lab-kernel-"), "kernel")}


def remove_connection(km):
    """Remove the folder ``connection`` made for the kernel of ``km`` (its sockets' files), once it is shut down."""
    if km.transport == "ipc":
        shutil.rmtree(os.path.dirname(km.ip), ignore_errors=True)
