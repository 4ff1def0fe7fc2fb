"""Batch benchmarks on real data (by default the embedded set, UPR cycles 1-2), side by side in one invocation.

    .venv/bin/python bench/run.py [--data upr|PATH] [--skip-full]

1. the naive loop (the papermill CLI once per notebook, one after another, no cache) against
   ``upr-lab batch --workers 2`` for the same runs, 6 States x every analysis, cold (new cache, new outputs);
2. a full batch of every State under review, cold, and a no-op rerun of it;
3. loading the embedded data set, and the raw exports it is built from (UPR Info and DIHR) parsed
   against read back from the Parquet cache;
4. peak resident memory of each kernel the batch starts (its workers), during the full batch (or the
   6-State one); kernels of other processes on the machine are not counted. Beside it, the peak of the
   short-lived processes in which the kernels compute large pooled results (``isolated``), once per batch.

Wall-clock times on a shared machine are noisy: compare the ratios, which are measured together.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from upr_lab.runs.params import ANALYSES  # every analysis: the naive loop and the batches run the same ones

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
COUNTRIES = ("NOR", "KEN", "BRA", "IND", "POL", "USA")
RAW = ROOT.parent / "shared" / "data"


def timed(command, env, memory=None):
    """Seconds ``command`` takes; ``memory`` (a ``KernelMemory``) samples the kernels it starts."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if memory is not None:
        memory.root = process.pid
    if process.wait() != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return time.perf_counter() - started


def naive_loop(data, out, env):
    """The papermill CLI, once per notebook, one after another."""
    started = time.perf_counter()
    for country in COUNTRIES:
        for analysis in ANALYSES:
            folder = out / country / analysis
            folder.mkdir(parents=True)
            subprocess.run([BIN / "papermill", ROOT / "notebooks" / f"{analysis}.ipynb", folder / "report.ipynb",
                            "-p", "country", country, "-p", "data", str(data), "-p", "out_dir", str(folder),
                            "-k", "upr-lab", "--no-progress-bar"],
                           check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def batch(data, out, env, countries=None, force=False, memory=None):
    which = ["--all"] if countries is None else ["--countries", ",".join(countries)]
    command = [BIN / "upr-lab", "batch", *which, "--analyses", ",".join(ANALYSES), "--data", str(data),
               "--out", str(out), "--workers", "2"]
    return timed(command + (["--force"] if force else []), env, memory)


class KernelMemory:
    """Samples the resident memory of the kernels started by one process (``root``) while it runs, and of
    the processes the kernels start for isolated pooled computations (``helpers``); beside it, the CPU seconds
    (user + system) each of them and ``root`` itself had used when last seen (``cpu``: ``kernels``,
    ``helpers``, ``root``; sampled every quarter second, so a process's last fraction of a second may be
    missed)."""

    def __init__(self):
        self.peaks, self.helpers, self.root, self._stop = {}, {}, None, threading.Event()
        self._cpu = {"kernels": {}, "helpers": {}, "root": {}}
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @property
    def cpu(self):
        """CPU seconds by kind of process: ``kernels``, ``helpers``, ``root`` (the batch's own process)."""
        return {kind: sum(seen.values()) for kind, seen in self._cpu.items()}

    def _sample(self):
        while not self._stop.wait(0.25):
            try:
                root = psutil.Process(self.root) if self.root else None
                children = root.children(recursive=True) if root else []
                self._cpu["root"][self.root] = _cpu_seconds(root) if root else 0.0
            except psutil.Error:
                continue
            for process in children:
                try:
                    command = " ".join(process.cmdline())
                    kind = ("kernels" if "ipykernel_launcher" in command else
                            "helpers" if "upr_lab.stats.processes" in command else None)
                    if kind is not None:
                        peaks = self.peaks if kind == "kernels" else self.helpers
                        peaks[process.pid] = max(peaks.get(process.pid, 0), process.memory_info().rss)
                        self._cpu[kind][process.pid] = _cpu_seconds(process)
                except psutil.Error:
                    continue

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _cpu_seconds(process):
    times = process.cpu_times()
    return times.user + times.system


def load_times(data, repeats=3):
    """Median seconds to load ``data`` (a name or a list of paths) by parsing it, and from the cache, each
    in a fresh process (the load itself, imports excluded)."""
    code = ("import time, warnings; warnings.simplefilter('ignore'); from upr_lab import load; "
            "t = time.perf_counter(); load({data!r}); print(time.perf_counter() - t)")
    data = data if isinstance(data, str) else [str(p) for p in data]
    measured = {}
    with tempfile.TemporaryDirectory() as cache:
        for label, setting in (("parse", "off"), ("cache", cache)):
            env = {**os.environ, "UPR_LAB_CACHE": setting}
            if label == "cache":  # fill the cache once
                subprocess.run([sys.executable, "-c", code.format(data=data)], env=env, check=True,
                               capture_output=True)
            runs = [float(subprocess.run([sys.executable, "-c", code.format(data=data)], env=env, check=True,
                                         capture_output=True, text=True).stdout) for _ in range(repeats)]
            measured[label] = statistics.median(runs)
    return measured


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="upr", help="'upr' (the embedded set, default) or a path")
    parser.add_argument("--skip-full", action="store_true", help="leave out the full batch of every State")
    args = parser.parse_args()
    data = args.data if args.data in ("upr", "synthetic") else Path(args.data).resolve()
    rows = []
    with tempfile.TemporaryDirectory(prefix="upr-lab-bench-") as scratch:
        scratch = Path(scratch)
        env = {**os.environ, "UPR_LAB_CACHE": str(scratch / "cache")}
        naive = naive_loop(data, scratch / "naive", {**os.environ, "UPR_LAB_CACHE": "off"})
        with KernelMemory() as memory:
            six = batch(data, scratch / "six", env, COUNTRIES, memory=memory)
        size = f"{len(COUNTRIES)} States x {len(ANALYSES)} analyses"
        rows += [(f"naive papermill loop (no cache), {size}", f"{naive:.1f} s", ""),
                 ("upr-lab batch --workers 2, same runs, cold", f"{six:.1f} s",
                  f"{six / naive:.2f} x naive (target <= 0.25)")]
        if not args.skip_full:
            env = {**os.environ, "UPR_LAB_CACHE": str(scratch / "cache-full")}
            with KernelMemory() as memory:
                full = batch(data, scratch / "full", env, memory=memory)
            noop = batch(data, scratch / "full", env)
            runs = len(list((scratch / "full").glob("*/*/manifest.json")))
            rows += [(f"full batch, {runs} runs, cold", f"{full / 60:.1f} min", f"{full / runs:.2f} s per run (target < 10 min)"),
                     ("no-op rerun of the full batch", f"{noop:.1f} s", "target < 5 s")]
    embedded = load_times("upr")["parse"]
    rows.append(("load the embedded data set (57,592 recommendations)", f"{embedded:.2f} s", "target <= 0.5 s"))
    loads = load_times([RAW / "upr-info", RAW / "dihr"])
    rows.append(("load the raw exports it is built from: parse / from cache",
                 f"{loads['parse']:.2f} s / {loads['cache']:.2f} s", f"{loads['cache'] / loads['parse']:.2f} x"))
    peak = max(memory.peaks.values()) / 2**20 if memory.peaks else float("nan")
    rows.append((f"peak resident memory per worker kernel ({len(memory.peaks)} kernels)", f"{peak:.0f} MB",
                 "target <= 500 MB"))
    helper = max(memory.helpers.values()) / 2**20 if memory.helpers else float("nan")
    rows.append((f"peak resident memory of an isolated pooled computation ({len(memory.helpers)} processes)",
                 f"{helper:.0f} MB", "short-lived, once per batch"))
    print("| measure | value | ratio / target |\n|---|---:|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
