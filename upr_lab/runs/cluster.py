"""Batches on a Dask distributed cluster: ``upr-lab batch --scheduler tcp://HOST:PORT``.

Every run is one task executing ``runner.execute_job`` on a worker, on that worker's warm kernels,
so a cluster writes the same files as a local batch. Workers must see the same files as the client
(inputs and the outputs folder, at the same absolute paths: a shared file system) and have upr-lab
installed. When the batch ends, the workers' kernels are shut down.
"""

import asyncio
import dataclasses
import os
import secrets
import threading
import time

from upr_lab.exceptions import ParameterError, RunError, RunInterrupted
from upr_lab.sources.countries import ALIASES_VARIABLE, default_aliases

from . import interrupt

_kernels = None  # the KernelPool of this worker process
_kernels_lock = threading.Lock()
_running = 0  # upr-lab runs executing in this worker process
_stopped_batches = set()  # batches interrupted by their client: their late tasks do not start
STOP_TIMEOUT_S = 60
CONNECT_TIMEOUT_S = 20  # how long to keep trying to reach the scheduler; UPR_LAB_SCHEDULER_TIMEOUT overrides it


def run_on_cluster(jobs, scheduler, unless_done=False):
    """Execute ``jobs`` on the cluster at ``scheduler``; yields (job, result) as runs finish.

    If the batch is interrupted, its tasks are cancelled, the workers' kernels killed, and the call
    returns once the runs under way on the workers have ended (and removed their scratch folders).
    """
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout=f"{connect_timeout()}s")
    except OSError as exc:
        raise RunError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    batch = secrets.token_hex(8)
    with client:
        located = [dataclasses.replace(job, destination=job.destination.resolve()) for job in jobs]
        aliases = str(default_aliases())  # the workers read names as this command does (when they share its disk)
        futures = {client.submit(_execute_on_worker, job, batch, unless_done, aliases, pure=False,
                                 key=_task_key(job)): original
                   for job, original in zip(located, jobs)}
        try:
            for future in as_completed(futures):
                result = future.result()
                result.path = futures[future].destination
                yield futures[future], result
        except BaseException:  # interrupted: runs under way end at once and leave nothing behind
            with interrupt.deferred():
                client.cancel(list(futures))
                client.run(_stop_batch, batch)
            raise
        finally:
            with interrupt.deferred():
                client.run(_shut_down_kernels)


def connect_timeout():
    """Seconds to keep trying to reach the scheduler: ``UPR_LAB_SCHEDULER_TIMEOUT``, else ``CONNECT_TIMEOUT_S``."""
    value = os.environ.get("UPR_LAB_SCHEDULER_TIMEOUT", "").strip()
    if not value:
        return CONNECT_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ParameterError(f"UPR_LAB_SCHEDULER_TIMEOUT = {value!r}: expected a number of seconds above 0")
    return seconds


def _task_key(job):
    return f"upr-lab-{job.country}-{job.analysis}-{id(job)}"


def _execute_on_worker(job, batch, unless_done=False, aliases=None):
    global _kernels, _running
    from . import runner, warm

    if aliases:
        os.environ[ALIASES_VARIABLE] = aliases  # before the worker's kernels start: they inherit it

    with _kernels_lock:
        if batch in _stopped_batches:
            raise RunInterrupted("the batch was stopped before this run started")
        if _kernels is None:
            _kernels = warm.KernelPool()
        kernels, _running = _kernels, _running + 1
    try:
        return runner.execute_job(job, kernels.for_this_thread(), unless_done=unless_done)
    finally:
        with _kernels_lock:
            _running -= 1


async def _stop_batch(batch):
    """Kill this worker's kernels, refuse the batch's late tasks, and wait for its runs under way to end."""
    with _kernels_lock:
        _stopped_batches.add(batch)
        if _kernels is not None:
            _kernels.stop()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _running and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def _shut_down_kernels():
    global _kernels
    with _kernels_lock:
        kernels, _kernels = _kernels, None
    if kernels is not None:
        kernels.close()
