"""A batch on four cycles at real size: a sample of States timed, the full batch extrapolated.

    .venv/bin/python bench/four_cycles_batch.py [--samples 2,6] [--workers 2] [--keep DIR]

No real UHRI export can be had here, so cycles 3-4 are GENERATED (labelled so in the file's name and source):
the embedded real data (cycles 1-2, 57,592 rows) plus, for every State under review, a third and a fourth
review at the sessions of its real ones (14 and 28 sessions after its second; 27-54), each with
``GROWTH`` times as many rows as its second review (UPR Info counts cycle 3 some 20% larger than cycle 2),
texts, issue tags and recommending States drawn from the State's own real recommendations (texts of real
length), responses drawn at the State's own rate, no action category (UHRI codes none), source ``uhri``.
Written as one canonical Parquet table, read as ``--data PATH``.

Measured, on this machine, side by side in one invocation:

1. loading the table: parsed (a new parse cache) and read back from the cache;
2. ``upr-lab batch --workers N`` of every analysis for ``n`` States, for each ``n`` of ``--samples``, each cold
   (a new parse cache and outputs), with the peak resident memory of each worker kernel and of the processes
   that compute large pooled results once per batch (``isolated``);
3. the full batch (every State under review x every analysis) extrapolated from the samples as
   ``a + b x n + g x (groups - 1)``: ``a`` the cost paid once per batch (loading, pooled models, recurrence
   over all States), ``b`` the cost of one more State, ``g`` that of one more regional group (the two
   pooled models ``regional_comparison`` fits once per group, timed on their own as its kernels compute
   them, each in a process of its own). A straight line through two samples; the pooled results of a batch
   are computed in the first runs that need them, so the fit is honest only if both samples compute the
   same ones: the sample States are all of one regional group (WEOG);
4. the CPU seconds of each batch, in all (the batch's process and every process it started, as the
   system counts them when they end) and by kind: the batch's own process (papermill's client, the HTML
   export), its worker kernels, their isolated helpers (sampled); fitted per State and once per batch like
   the wall-clock times. On a shared machine CPU seconds vary less than wall-clock ones; the helpers' vary
   by as much as two States cost, so the lower bound of the full batch takes the cost of a State from the
   kernels and the batch process only, and the rest of the larger sample's CPU as paid once.

Wall-clock times on a shared machine are noisy: the figures are for this machine at the time of the run.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import KernelMemory, load_times  # noqa: E402  (bench/run.py: the same measurements as the main bench)

from upr_lab import load  # noqa: E402
from upr_lab.runs.params import ANALYSES  # noqa: E402
from upr_lab.sources import calendar  # noqa: E402
from upr_lab.sources.formats import canonical  # noqa: E402

GROWTH = 1.2  # rows of a generated review per row of the State's second review
SEED = 2026
# one regional group (WEOG): regional_comparison's pooled models are computed once per regional group, so a
# sample spanning more groups than the smaller one would count them as a cost of each State (see group_cost)
SAMPLE_STATES = ("NOR", "USA", "FRA", "DEU", "GBR", "CAN", "AUS", "ITA", "ESP", "SWE")
OTHER_GROUP = "Africa"  # the regional group whose pooled models group_cost times
NAME = "GENERATED-four-cycles.parquet"


def generate(folder, seed=SEED):
    """Write the four-cycle table (real cycles 1-2, GENERATED cycles 3-4) in ``folder``; its path."""
    real = load("upr").recommendations
    rng = np.random.default_rng(seed)
    later = [_later_reviews(own, rng) for _, own in real.groupby("sur_iso3", sort=True)]
    recs = pd.concat([real, *[r for r in later if r is not None]], ignore_index=True)
    return canonical.write(recs, Path(folder) / NAME)


def _later_reviews(own, rng):
    second = own[own["cycle"] == 2]
    if second.empty:
        return None
    session = int(second["session"].min())
    reviews = []
    for cycle, step in ((3, 14), (4, 28)):
        at = session + step
        if at not in calendar.SESSION_YEARS:
            continue
        drawn = own.iloc[rng.integers(0, len(own), size=int(round(GROWTH * len(second))))]
        supported = (own["response"] == "supported").mean()
        reviews.append(drawn.assign(
            rec_id=[f"G{cycle}{own['sur_iso3'].iloc[0]}{k:05d}" for k in range(len(drawn))], source="uhri",
            cycle=cycle, session=at, year=calendar.year_of(at),
            response=np.where(rng.random(len(drawn)) < supported, "supported", "noted"),
            action_category=pd.array([pd.NA] * len(drawn), dtype="Int64"), document="", paragraph="",
            sdg_goals=[()] * len(drawn), sdg_targets=[()] * len(drawn)))
    return pd.concat(reviews, ignore_index=True) if reviews else None


def batch(data, countries, workers, out, cache):
    """A cold ``upr-lab batch`` of every analysis for ``countries``: its seconds, the peaks (MB) of its worker
    kernels and isolated helpers, and its CPU seconds (``total``, and by kind: ``root``, ``kernels``,
    ``helpers``)."""
    env = {**os.environ, "UPR_LAB_CACHE": str(cache)}
    command = [str(Path(sys.executable).parent / "upr-lab"), "batch", "--countries", ",".join(countries),
               "--analyses", ",".join(ANALYSES), "--data", str(data), "--workers", str(workers), "--out", str(out)]
    before = _children_cpu()
    with KernelMemory() as memory:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        memory.root = process.pid
        _, err = process.communicate()
        seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"batch of {len(countries)} States failed:\n{err.decode()[-2000:]}")
    mb = lambda peaks: round(max(peaks.values(), default=0) / 2**20)  # noqa: E731
    # the system counts the CPU of processes it reaped for their parents: not that of the computations forked by
    # a kernel's fork server (reaped by the system), which the sampler sees; the larger of the two
    sampled = sum(memory.cpu.values())
    cpu = {"total": max(_children_cpu() - before, sampled), **memory.cpu, "n_helpers": len(memory.helpers)}
    return seconds, mb(memory.peaks), mb(memory.helpers), cpu


def _children_cpu():
    """CPU seconds (user + system) of this process's children that have ended (and of theirs, waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


GROUP_MODELS = """
import resource, sys, time, warnings
warnings.simplefilter("ignore")
from upr_lab import load
from upr_lab.sources.context.load import context_table
from upr_lab.stats import context_models, models
from upr_lab.stats.processes import own_process
from upr_lab.stats.classify.in_use import with_predictions
data, context = with_predictions(load(sys.argv[1])), context_table()
recs, participation = data.recommendations, data.participation
started = time.perf_counter()
own_process.call(models.group_model, recs, participation, sys.argv[2], alpha=0.05)
own_process.call(context_models.adjusted_model, recs, participation, context, group_reference=sys.argv[2],
                 alpha=0.05)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(time.perf_counter() - started, usage.ru_utime + usage.ru_stime)
"""


def group_cost(data, cache):
    """Seconds and CPU seconds of the pooled models of one more regional group (``OTHER_GROUP``), computed as
    ``regional_comparison`` computes them: each in a process of its own, on the loaded data set."""
    # new interpreters for the two models: the system counts their CPU for this script (not that of processes a
    # fork server forked), as it did before the fork server (their imports included)
    env = {**os.environ, "UPR_LAB_CACHE": str(cache), "UPR_LAB_FORK_SERVER": "off"}
    done = subprocess.run([sys.executable, "-c", GROUP_MODELS, str(data), OTHER_GROUP], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True)
    seconds, cpu = map(float, done.stdout.split())
    return seconds, cpu


def _fit(values, samples):
    """(per State, once per batch): the straight line through the first and last samples."""
    (n1, v1), (n2, v2) = (samples[0], values[samples[0]]), (samples[-1], values[samples[-1]])
    per_state = (v2 - v1) / (n2 - n1)
    return per_state, v1 - per_state * n1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default="2,6", help="numbers of States of the timed batches (two or more)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", help="a folder to keep the generated table in (default: a temporary one)")
    args = parser.parse_args()
    samples = sorted(int(n) for n in args.samples.split(","))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        table = generate(folder)
        recs = load(str(table)).recommendations
        print(f"generated {table.name} in {time.perf_counter() - started:.0f} s: {len(recs):,} rows, "
              + ", ".join(f"cycle {c}: {n:,}" for c, n in recs.groupby("cycle").size().items())
              + f"; {recs['sur_iso3'].nunique()} States under review (cycles 3-4 GENERATED)")
        loads = load_times([table])
        print(f"| load the table | parsed {loads['parse']:.1f} s | from the cache {loads['cache']:.2f} s |")
        timings, cpus = {}, {}
        for n in samples:
            load_before = os.getloadavg()[0]
            seconds, kernel, helper, cpu = batch(table, SAMPLE_STATES[:n], args.workers, folder / f"out-{n}",
                                                 folder / f"cache-{n}")
            timings[n], cpus[n] = seconds, cpu
            print(f"| batch, {n} State{'s' * (n != 1)} x {len(ANALYSES)} analyses, --workers {args.workers}, cold | {seconds:.0f} s "
                  f"| peak worker kernel {kernel} MB | peak isolated helper {helper} MB ({cpu['n_helpers']} helpers) "
                  f"| CPU {cpu['total']:.0f} s (batch process {cpu['root']:.0f} s, kernels {cpu['kernels']:.0f} s, "
                  f"helpers {cpu['helpers']:.0f} s) | load average {load_before:.1f} before, "
                  f"{os.getloadavg()[0]:.1f} after |")
        group_seconds, group_cpu = group_cost(table, folder / f"cache-{samples[0]}")
        groups = recs["sur_group"].nunique()
        print(f"| one more regional group (its 2 pooled models, {OTHER_GROUP}) | {group_seconds:.1f} s "
              f"| CPU {group_cpu:.1f} s | x {groups - 1} other groups |")
        per_state, once = _fit(timings, samples)
        states = recs["sur_iso3"].nunique()
        print(f"| per State (every analysis) | {per_state:.1f} s | once per batch | {once:.0f} s |")
        for kind in ("total", "root", "kernels", "helpers"):
            cpu_state, cpu_once = _fit({n: c[kind] for n, c in cpus.items()}, samples)
            print(f"| CPU seconds, {kind} | per State {cpu_state:.1f} s | once per batch {cpu_once:.0f} s |")
        cpu_state, cpu_once = _fit({n: c["total"] for n, c in cpus.items()}, samples)
        # the helpers' CPU varies between runs by as much as two States cost, and they compute nothing per
        # State in a one-group sample: per State, the kernels and the batch process only
        steady = sum(_fit({n: c[kind] for n, c in cpus.items()}, samples)[0] for kind in ("kernels", "root"))
        bound = (cpus[samples[-1]]["total"] - steady * samples[-1] + steady * states
                 + group_cpu * (groups - 1)) / args.workers
        print(f"| CPU per State, kernels + batch process | {steady:.1f} s | full batch, both cores kept busy "
              f"(a lower bound, not measured) | {bound / 60:.1f} min |")
        full = once + per_state * states + group_seconds * (groups - 1)
        full_cpu = cpu_once + cpu_state * states + group_cpu * (groups - 1)
        print(f"| load average (1, 5, 15 min) at the end | {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores |")
        print(f"| full batch, extrapolated: {states} States, {groups} regional groups | {full / 60:.1f} min "
              f"(a straight line through {samples[0]} and {samples[-1]} States; not measured) | from CPU seconds, "
              f"{full_cpu:.0f} s on {args.workers} cores kept busy: {full_cpu / args.workers / 60:.1f} min |")


if __name__ == "__main__":
    main()
