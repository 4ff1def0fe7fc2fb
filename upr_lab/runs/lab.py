"""``upr-lab lab``: JupyterLab on the notebooks folder with the project's kernel registered."""

import os
import sys

from upr_lab.sources.countries import pin_default_aliases

from . import kernel
from .params import NOTEBOOK_DIR


def launch(extra_args=()):
    """Replace this process by JupyterLab, with the notebooks as its root and the project's kernel."""
    kernel.ensure()
    pin_default_aliases()  # the notebooks' kernels work in the notebooks folder
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={NOTEBOOK_DIR}",
               f"--MappingKernelManager.default_kernel_name={kernel.KERNEL_NAME}", *extra_args]
    os.execv(sys.executable, command)  # signals (Ctrl-C, SIGTERM) then reach JupyterLab itself
