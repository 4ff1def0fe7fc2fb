"""What a warm kernel runs between notebooks, imported inside the kernel (so nothing heavy is imported here:
the kernel never needs nbformat, papermill or jupyter_client, which cost seconds to import per kernel).

``reset`` brings a used kernel back to the state of a fresh one: user namespace and history cleared,
execution counter back to 1, working folder set to the run folder, warning filters and their "already
shown" registries restored, matplotlib defaults back, memory handed back to the system.
"""

import ctypes
import gc
import os
import warnings

import matplotlib

_fresh_warning_filters = []  # the filters of a kernel that has imported its modules and run nothing yet


def remember_fresh_state():
    """In a new kernel, after the heavy imports: keep the state that ``reset`` restores, and freeze what the
    imports made out of the cyclic collector.

    Frozen without a full collection first, as the fork server does: that collection walks every object the
    imports made (some 300,000) to find about 2,000 left from them (0.4 MB, kept), 0.15-0.2 s of CPU per kernel.
    """
    _fresh_warning_filters[:] = warnings.filters
    gc.freeze()


def reset(shell, folder):
    """Reset the kernel's IPython ``shell`` to its fresh state for a notebook to run in ``folder``."""
    os.chdir(folder)
    warnings.filters[:] = _fresh_warning_filters
    warnings._filters_mutated()
    matplotlib.rcdefaults()
    shell.reset(new_session=True)
    shell.execution_count = 1
    release_memory()


def release_memory():
    """Collect the last notebook's objects and hand the freed memory back to the system (glibc keeps
    freed blocks otherwise, and a kernel's resident memory only grows).

    What survives the collection (imported modules and their caches: a few million objects) is then
    frozen out of the cyclic collector, which otherwise walks all of it at every full collection: twice
    per reset and again inside the notebooks, about half a second per notebook.
    """
    gc.collect()
    gc.freeze()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass
