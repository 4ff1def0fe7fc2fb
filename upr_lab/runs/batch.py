"""Batches: every (State under review, analysis) pair, run where needed, then ``index.html`` and ``batch.json``.

Runs whose results are up to date are skipped (``incremental``); the others run on ``workers``
warm kernels in this process, or on a Dask cluster (``scheduler``). Either way each run goes
through ``runner.execute_job``, so a batch gives the same files wherever it runs.
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm.auto import tqdm

from upr_lab.exceptions import RunInterrupted
from upr_lab.files import check_output, json_text, write_atomic
from upr_lab.reports import pdf as pdfs
from upr_lab.reports import site
from upr_lab.sources.dataset import DEFAULT_SOURCE

from . import interrupt, params, preflight, runner
from .incremental import reason_to_run
from .params import ANALYSES


def default_workers():
    """One notebook at a time per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batch(countries=None, analyses=ANALYSES, data=None, participation=None, params_file=None,
              out=None, workers=None, force=False, scheduler=None, parameters=None, pdf=False):
    """Run a batch (``countries=None``: every State under review), skipping up-to-date runs; write its site.

    With ``pdf``, each complete run's report is also printed to ``report.pdf`` (headless Chromium; an
    up-to-date PDF is kept), and the State pages link them.

    Ctrl-C or SIGTERM stops it cleanly: kernels are killed, unfinished runs leave nothing behind, the
    index lists them as interrupted, and ``RunInterrupted`` is raised. Rerunning completes the rest.
    """
    out = check_output(params.file_value("out_dir", analyses, params_file, out, "outputs"), "folder")
    source = params.file_value("data", analyses, params_file, data, DEFAULT_SOURCE)  # named in the index
    if pdf:
        pdfs.require_chromium()  # before any run: a missing browser is said at once, in one line
    if scheduler:
        from .cluster import connect_timeout

        connect_timeout()  # a bad UPR_LAB_SCHEDULER_TIMEOUT too
    jobs = preflight.check_batch(countries, analyses, data, participation, params_file, out, parameters)
    reasons = {id(job): "forced" if force else reason_to_run(job) for job in jobs}
    todo = [job for job in jobs if reasons[id(job)]]
    done = {id(job): runner.RunResult(job.analysis, job.country, job.destination, "ok", skipped=True,
                                      reason="unchanged since its last successful run")
            for job in jobs if not reasons[id(job)]}
    started = time.time()
    with _progress(len(jobs), len(jobs) - len(todo)) as progress, interrupt.on_signals() as stopping:
        unless_done = not force  # a run another process completed since it was found to run is not run again
        execute = (_on_cluster(scheduler, unless_done) if scheduler
                   else _on_warm_kernels(workers or default_workers(), unless_done))
        try:
            # the classifier once, here, rather than in every kernel at once (its server kept for local kernels)
            preflight.predict_once(todo, keep_server=not scheduler)
            for job, result in execute(todo):
                result.reason = result.reason or reasons[id(job)]
                done[id(job)] = result
                progress(result)
        except BaseException:
            if not stopping.requested:
                raise
            with interrupt.deferred():
                results = [done.get(id(job)) or _after_stop(job, started) for job in jobs]
                write_index(results, out, source)
            raise _stopped(results, out, stopping) from None
    results = [done[id(job)] for job in jobs]
    if pdf:
        pdfs.write_pdfs([r.path / "report.html" for r in results if r.status == "ok"], workers or default_workers())
    write_index(results, out, source)
    return results


def _after_stop(job, started):
    """An unfinished run as the stop left it: interrupted, or complete if it finished as the batch stopped
    (a worker can move a run into place before its result reaches this process)."""
    manifest = job.destination / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= started and reason_to_run(job) is None:
        return runner.RunResult(job.analysis, job.country, job.destination, "ok",
                                reason="completed as the batch was being stopped")
    return runner.RunResult(job.analysis, job.country, job.destination, "interrupted",
                            reason="the batch was stopped before this run finished")


def _stopped(results, out, stopping):
    left = sum(r.status == "interrupted" for r in results)
    return RunInterrupted(f"{stopping.name}: batch stopped; {len(results) - left} of {len(results)} runs complete, "
                          f"{left} not run (nothing partial kept; see {Path(out) / 'index.html'}). "
                          "Run the same command again to complete them.", stopping.exit_status)


class _progress:
    """A tqdm bar over all runs of a batch: done, skipped and failed counts, elapsed and remaining time."""

    def __init__(self, total, skipped):
        self.bar = tqdm(total=total, initial=skipped, desc="upr-lab batch", unit="run")
        self.counts = {"done": 0, "skipped": skipped, "failed": 0}
        self.bar.set_postfix(self.counts)

    def __enter__(self):
        return self

    def __call__(self, result):
        self.counts["skipped" if result.skipped else "done" if result.status == "ok" else "failed"] += 1
        self.bar.set_postfix(self.counts, refresh=False)  # shown with the bar's own update, not one step ahead
        self.bar.update(1)

    def __exit__(self, *exc):
        self.bar.close()


def _on_warm_kernels(workers, unless_done):
    """Run jobs on ``workers`` threads, each with its own warm kernel; yields (job, result) as they finish.

    On an interruption the kernels are killed first, so the runs under way end at once (and leave
    nothing behind), then the pool is emptied; no kernel process outlives the batch.
    """
    from .warm import KernelPool

    def execute(jobs):
        with KernelPool() as kernels, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(_execute_warm, job, kernels, unless_done): job for job in jobs}
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            except BaseException:
                with interrupt.deferred():
                    kernels.stop()
                    pool.shutdown(wait=True, cancel_futures=True)
                raise
    return execute


def _execute_warm(job, kernels, unless_done):
    return runner.execute_job(job, kernels.for_this_thread(), on_wait=tqdm.write, unless_done=unless_done)


def _on_cluster(scheduler, unless_done):
    from .cluster import run_on_cluster

    return lambda jobs: run_on_cluster(jobs, scheduler, unless_done)


def summary_lines(results, out):
    """What a batch did, for its user: skipped and rerun runs (with why), then every failure."""
    skipped = [r for r in results if r.skipped]
    ran = [r for r in results if not r.skipped]
    failed = [r for r in results if r.status != "ok"]
    lines = [f"{len(results)} runs: {len(skipped)} skipped{_reasons(skipped)}, {len(ran)} run{_reasons(ran)}",
             f"{len(results) - len(failed)} ok, {len(failed)} failed; index: {Path(out) / 'index.html'}"]
    return lines + [f"  failed: {r.country} {r.analysis}: {r.error}" for r in failed]


def _reasons(results):
    counts = {}
    for r in results:
        counts[r.reason] = counts.get(r.reason, 0) + 1
    return f" ({', '.join(f'{n} {reason}' for reason, n in sorted(counts.items()))})" if counts else ""


def write_index(results, out, data):
    """Write ``batch.json`` and the site for the runs of a batch: ``index.html`` (the overview) and a page per
    State, ``<ISO3>/index.html`` (each file replaced whole, never half-written)."""
    runs = [{"country": r.country, "analysis": r.analysis, "status": r.status, "skipped": r.skipped,
             "reason": r.reason, "error": r.error, "path": f"{r.country}/{r.analysis}"} for r in results]
    count = lambda status: sum(r["status"] == status for r in runs)  # noqa: E731
    summary = {"data": str(data), "n_runs": len(runs), "n_ok": count("ok"), "n_failed": count("failed"),
               "n_interrupted": count("interrupted"), "n_skipped": sum(r["skipped"] for r in runs), "runs": runs}
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(out / "batch.json", json_text(summary))
    site.write_site(runs, out, data)
    return summary
