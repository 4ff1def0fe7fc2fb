"""Batches on a Dask distributed cluster: ``upr-lab batch --scheduler tcp://HOST:PORT``.

Every run is one task executing ``runner.execute_job`` on a worker, on that worker's warm kernels,
so a cluster writes the same files as a local batch. Workers must see the same files as the client
(inputs and the outputs folder, at the same absolute paths: a shared file system) and have upr-lab
installed. When the batch ends, the workers' kernels are shut down.
"""

import dataclasses
import threading

from . import interrupt
from .exceptions import RunError

_kernels = None  # the KernelPool of this worker process
_kernels_lock = threading.Lock()


def run_on_cluster(jobs, scheduler):
    """Execute ``jobs`` on the cluster at ``scheduler``; yields (job, result) as runs finish."""
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise RunError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        located = [dataclasses.replace(job, destination=job.destination.resolve()) for job in jobs]
        futures = {client.submit(_execute_on_worker, job, pure=False, key=_task_key(job)): original
                   for job, original in zip(located, jobs)}
        try:
            for future in as_completed(futures):
                result = future.result()
                result.path = futures[future].destination
                yield futures[future], result
        except BaseException:  # interrupted: runs under way end at once and leave nothing behind
            with interrupt.deferred():
                client.cancel(list(futures))
                client.run(_stop_kernels)
            raise
        finally:
            with interrupt.deferred():
                client.run(_shut_down_kernels)


def _task_key(job):
    return f"upr-lab-{job.country}-{job.analysis}-{id(job)}"


def _execute_on_worker(job):
    global _kernels
    from . import runner, warm

    with _kernels_lock:
        if _kernels is None:
            _kernels = warm.KernelPool()
    return runner.execute_job(job, _kernels.for_this_thread())


def _stop_kernels():
    with _kernels_lock:
        if _kernels is not None:
            _kernels.stop()


def _shut_down_kernels():
    global _kernels
    with _kernels_lock:
        kernels, _kernels = _kernels, None
    if kernels is not None:
        kernels.close()
