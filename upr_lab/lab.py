"""``upr-lab lab``: JupyterLab on the notebooks folder with the project's kernel registered."""

import subprocess
import sys

from . import kernel
from .params import NOTEBOOK_DIR


def launch(extra_args=()):
    """Start JupyterLab (blocking) with the notebooks as its root; returns its exit status."""
    kernel.ensure()
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={NOTEBOOK_DIR}",
               f"--MappingKernelManager.default_kernel_name={kernel.KERNEL_NAME}", *extra_args]
    try:
        return subprocess.call(command)
    except KeyboardInterrupt:
        return 0
