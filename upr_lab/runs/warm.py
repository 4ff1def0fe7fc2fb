"""Warm kernels: a started kernel with the heavy imports done, reused notebook after notebook.

Starting a kernel and importing pandas, statsmodels and matplotlib costs seconds per notebook; a
batch pays it once per kernel instead. Between notebooks the kernel is reset to the state of a fresh
one: user namespace and history cleared, execution counter back to 1, working folder set to the run
folder, warning filters and their "already shown" registries restored, matplotlib defaults back
(``kernel_reset``, the part that runs inside the kernel).
What cannot be reset (modules already imported, their caches) holds no analysis state; ``upr-lab
verify``, which always uses a fresh kernel, checks that outputs are the same either way. A kernel
is replaced after ``max_runs`` notebooks, or when it died.
"""

import atexit
import os
import threading

from upr_lab._lazy import import_jsonschema

import_jsonschema()  # before nbformat imports it (see upr_lab._lazy)
import nbformat  # noqa: E402
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from upr_lab.exceptions import RunInterrupted
from upr_lab.stats.processes import forkserver

from . import kernel

ENGINE = "upr-lab-warm"
MAX_RUNS = 40
# The cyclic collector is paused while they are imported (about 0.1 s of CPU less per kernel): what they make lives
# as long as the kernel, and remember_fresh_state() freezes it out of the collector.
# pyarrow's own allocator keeps what reading Parquet freed; the system one lets release_memory() return it (the
# kernel's environment chooses it too, ``kernel.ENV``: set_memory_pool is for a kernel started otherwise)
HEAVY_IMPORTS = """\
import gc
gc.disable()
try:
    import matplotlib, pyarrow
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    import pandas, numpy, scipy.stats, statsmodels.genmod.generalized_linear_model
    import upr_lab.reports.analysis, upr_lab.stats.models, upr_lab.stats.metrics, upr_lab.reports.plots
    import upr_lab.runs.kernel_reset
    upr_lab.reports.analysis.keep_predicted_data()
    upr_lab.runs.kernel_reset.remember_fresh_state()
finally:
    gc.enable()
"""
RESET = """__import__("upr_lab.runs.kernel_reset", fromlist=["reset"]).reset(get_ipython(), {folder!r})\n"""


class KernelPool:
    """Warm kernels, one per thread that asks for one, all shut down when the pool is closed."""

    def __init__(self):
        self._local, self._all, self._lock = threading.local(), [], threading.Lock()
        self.stopped = False

    def for_this_thread(self):
        kernel = getattr(self._local, "kernel", None)
        if kernel is None:
            kernel = self._local.kernel = WarmKernel()
            with self._lock:
                kernel.stopped = self.stopped
                self._all.append(kernel)
        return kernel

    def stop(self):
        """Interrupt: kill every kernel at once (safe from any thread or a signal handler); start no new one.

        The notebooks running on them fail at once and their runs are abandoned (see ``stopped``).
        """
        self.stopped = True  # no lock: this may run in a signal handler, which must not wait
        for kernel in list(self._all):
            kernel.stop()

    def close(self):
        with self._lock:
            kernels, self._all = self._all, []
        for kernel in kernels:
            kernel.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class WarmKernel:
    """One kernel kept started for a sequence of notebooks (not shared between threads)."""

    def __init__(self, max_runs=MAX_RUNS):
        self.max_runs, self.runs, self.km = max_runs, 0, None
        self.stopped = False  # set when its batch is interrupted

    def engine_options(self, folder):
        """papermill options that run a notebook on this kernel, first reset for the run folder ``folder``."""
        return {"engine_name": ENGINE, "km": self.ready(), "reset_code": RESET.format(folder=str(folder))}

    def ready(self):
        """The kernel manager of a started kernel with the heavy imports done (a new one when due)."""
        if self.stopped:
            raise RunInterrupted("the batch was interrupted: no new notebook starts")
        if self.km is None or self.runs >= self.max_runs or not _alive(self.km):
            self.shutdown()
            self.km = AsyncKernelManager(kernel_name=kernel.ensure(), **kernel.connection())
            self._run(HEAVY_IMPORTS)
            if self.stopped:  # stopped while this kernel was starting
                self.shutdown()
                raise RunInterrupted("the batch was interrupted: no new notebook starts")
        self.runs += 1
        return self.km

    def stop(self):
        """Mark this kernel stopped and kill its process (no cleanup here: the owning thread does that)."""
        self.stopped = True
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def shutdown(self):
        if self.km is not None:
            try:
                NotebookClient(nbformat.v4.new_notebook(), km=self.km)._cleanup_kernel()
            finally:
                kernel.remove_connection(self.km)
        self.km, self.runs = None, 0

    def _run(self, code):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        client = NotebookClient(notebook, km=self.km, timeout=300, startup_timeout=120,
                                extra_arguments=["--HistoryManager.hist_file=:memory:"])
        try:
            # a kernel started here forks its isolated computations from this process's server (one per batch)
            client.execute(env={**os.environ, **forkserver.lend()})
        finally:
            _close_channels(client)


def _alive(km):
    from jupyter_core.utils import run_sync

    return km.has_kernel and run_sync(km.is_alive)()


def _close_channels(client):
    # nbclient leaves its exit-time cleanup registered when a kernel dies while starting (as when a
    # batch is stopped); the kernel is this module's to shut down, so that cleanup must not run at exit
    atexit.unregister(client._cleanup_kernel)
    if client.kc is not None:
        client.kc.stop_channels()
        client.kc = None


class WarmEngine(NBClientEngine):
    """papermill's nbclient engine on a kernel that outlives the notebook (``km=`` a started manager)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, reset_code="",
                                 **kwargs):
        client = _ResetFirstClient(nb_man, reset_code=reset_code, kernel_name=kernel_name, log_output=log_output,
                                   stdout_file=stdout_file, stderr_file=stderr_file, startup_timeout=start_timeout,
                                   timeout=execution_timeout,
                                   **{k: v for k, v in kwargs.items() if k not in ("input_path", "timeout")})
        try:
            return client.execute()
        finally:
            _close_channels(client)


class _ResetFirstClient(PapermillNotebookClient):
    """papermill's client that resets the warm kernel before the first cell, on the same connection.

    The reset runs silently (no output, no execution count, no history), so the executed notebook is
    the same as on a fresh kernel; a separate client for it would cost a connection and handshake.
    """

    def __init__(self, nb_man, reset_code="", **kwargs):
        super().__init__(nb_man, **kwargs)
        self.reset_code = reset_code

    def papermill_execute_cells(self):
        if self.reset_code:
            reply = self.wait_for_reply(self.kc.execute(self.reset_code, silent=True, store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                content = (reply or {}).get("content", {})
                raise RuntimeError(f"the warm kernel could not be reset: {content.get('ename')}: {content.get('evalue')}")
        super().papermill_execute_cells()


papermill_engines.register(ENGINE, WarmEngine)
