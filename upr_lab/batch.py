"""Batches: every (State under review, analysis) pair, run where needed, then ``index.html`` and ``batch.json``.

Runs whose results are up to date are skipped (``incremental``); the others run on ``workers``
warm kernels in this process, or on a Dask cluster (``scheduler``). Either way each run goes
through ``runner.execute_job``, so a batch gives the same files wherever it runs.
"""

import os
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm.auto import tqdm

from . import dataset, htmlreport, provenance, runner
from .countries import check_iso3, check_present
from .incremental import reason_to_run
from .params import ANALYSES, notebook_path
from .warm import KernelPool


def countries_in(data):
    """ISO3 codes of the States under review in a source, sorted."""
    return sorted(dataset.load(data).recommendations["sur_iso3"].unique())


def check_countries(requested, available):
    """Refuse codes that are malformed or absent from the data, suggesting close ones."""
    for code in requested:
        check_present(code, available)


def plan(countries, analyses, data):
    """The (country, analysis) pairs of a batch, in a stable order, after checking them."""
    available = countries_in(data)
    chosen = available if countries is None else [check_iso3(c) for c in countries]
    check_countries(chosen, available)
    for analysis in analyses:
        notebook_path(analysis)  # refuses an unknown analysis name
    return [(c, a) for c in chosen for a in analyses]


def default_workers():
    """One notebook at a time per core."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batch(countries=None, analyses=ANALYSES, data="demo", participation=None, params_file=None,
              out="outputs", workers=None, force=False, scheduler=None):
    """Run a batch (``countries=None``: every State under review), skipping up-to-date runs; write its index."""
    out = Path(out)
    jobs = [runner.prepare(a, c, data, participation, params_file, out) for c, a in plan(countries, analyses, data)]
    reasons = {id(job): "forced" if force else reason_to_run(job) for job in jobs}
    todo = [job for job in jobs if reasons[id(job)]]
    done = {id(job): runner.RunResult(job.analysis, job.country, job.destination, "ok", skipped=True,
                                      reason="unchanged since its last successful run")
            for job in jobs if not reasons[id(job)]}
    with _progress(len(jobs), len(jobs) - len(todo)) as progress:
        execute = _on_cluster(scheduler) if scheduler else _on_warm_kernels(workers or default_workers())
        for job, result in execute(todo):
            result.reason = reasons[id(job)]
            done[id(job)] = result
            progress(result)
    results = [done[id(job)] for job in jobs]
    write_index(results, out, data)
    return results


class _progress:
    """A tqdm bar over all runs of a batch: done, skipped and failed counts, elapsed and remaining time."""

    def __init__(self, total, skipped):
        self.bar = tqdm(total=total, initial=skipped, desc="upr-lab batch", unit="run")
        self.counts = {"done": 0, "skipped": skipped, "failed": 0}
        self.bar.set_postfix(self.counts)

    def __enter__(self):
        return self

    def __call__(self, result):
        self.counts["done" if result.status == "ok" else "failed"] += 1
        self.bar.set_postfix(self.counts)
        self.bar.update(1)

    def __exit__(self, *exc):
        self.bar.close()


def _on_warm_kernels(workers):
    """Run jobs on ``workers`` threads, each with its own warm kernel; yields (job, result) as they finish."""
    def execute(jobs):
        with KernelPool() as kernels, ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(lambda j: runner.execute_job(j, kernels.for_this_thread()), job): job
                       for job in jobs}
            for future in as_completed(futures):
                yield futures[future], future.result()
    return execute


def _on_cluster(scheduler):
    from .cluster import run_on_cluster

    return lambda jobs: run_on_cluster(jobs, scheduler)


def summary_lines(results, out):
    """What a batch did, for its user: skipped and rerun runs (with why), then every failure."""
    skipped = [r for r in results if r.skipped]
    ran = [r for r in results if not r.skipped]
    failed = [r for r in results if r.status != "ok"]
    why = {}
    for r in ran:
        why[r.reason] = why.get(r.reason, 0) + 1
    lines = [f"{len(results)} runs: {len(skipped)} skipped (unchanged since their last successful run), "
             f"{len(ran)} run" + (f" ({', '.join(f'{n} {reason}' for reason, n in sorted(why.items()))})" if ran else ""),
             f"{len(results) - len(failed)} ok, {len(failed)} failed; index: {Path(out) / 'index.html'}"]
    return lines + [f"  failed: {r.country} {r.analysis}: {r.error}" for r in failed]


def write_index(results, out, data):
    """Write ``index.html`` and ``batch.json`` for the runs of a batch."""
    runs = [{"country": r.country, "analysis": r.analysis, "status": r.status, "skipped": r.skipped,
             "reason": r.reason, "error": r.error, "path": f"{r.country}/{r.analysis}"} for r in results]
    summary = {"data": str(data), "n_runs": len(runs), "n_ok": sum(r["status"] == "ok" for r in runs),
               "n_failed": sum(r["status"] != "ok" for r in runs), "n_skipped": sum(r["skipped"] for r in runs),
               "runs": runs}
    provenance.dump_json(summary, out / "batch.json")
    (out / "index.html").write_text(htmlreport.index_page(runs, data), encoding="utf-8")
    return summary
