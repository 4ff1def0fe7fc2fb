"""The project's Jupyter kernel ("upr-lab"): this environment's Python, registered in its prefix."""

import sys

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

KERNEL_NAME = "upr-lab"


def ensure():
    """Register the upr-lab kernel in this environment if it is missing; return its name."""
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if spec.argv and spec.argv[0] == sys.executable:
            return KERNEL_NAME
    except NoSuchKernel:
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL_NAME, display_name="upr-lab (Python 3)", prefix=sys.prefix)
    return KERNEL_NAME
