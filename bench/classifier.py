"""Classifier benchmark: training the category and tag models from the embedded data (what ``make data``
does, ``upr_lab.stats.classify.store.train_for_use``), reading them back from their file, and predicting
every uncoded recommendation of the embedded set (sessions 21-26, ``predicted.annotate``).

    .venv/bin/python bench/classifier.py [--repeat 3]

One process held to (at most) 2 CPU cores, one BLAS thread, imports excluded. Training runs once; loading
and predicting run ``--repeat`` times (the best and the worst are printed). The machine's load average is
printed beside the figures, and the CPU time of the process: on a shared machine the seconds are upper
bounds, the CPU time is what the step costs. Targets (issue 25): training at most
2 min, predicting at most 5 s, loading under a second.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from upr_lab.sources import embedded  # noqa: E402
from upr_lab.stats.classify import features, predicted, store  # noqa: E402

TARGETS = {"train": 120.0, "load": 1.0, "predict": 5.0}


CPU = {}  # step -> CPU seconds of this process (user + system), summed over repetitions


def timed(function, step):
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    CPU[step] = CPU.get(step, 0.0) + time.process_time() - cpu
    return time.perf_counter() - started, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of loading and predicting (3)")
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
    load_before = os.getloadavg()[0]
    recommendations = embedded.read()[0]["recommendations"]
    seconds = {"train": [timed(lambda: store.train_for_use(recommendations), "train")[0]]}
    uncoded = recommendations[recommendations["action_category"].isna()]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "classifier.npz"
        store.build(path)
        size = path.stat().st_size
        seconds["load"], seconds["predict"] = [], []
        for _ in range(args.repeat):
            elapsed, models = timed(lambda: store.read_models(path, str(store.load(path)["key"])), "load")
            seconds["load"].append(elapsed)
            features._STEMS.clear()  # each repetition stems its words anew
            seconds["predict"].append(timed(lambda: predicted.annotate(uncoded, models=models), "predict")[0])
    load_after = os.getloadavg()[0]
    print(f"Model file {size / 1e6:.1f} MB; uncoded recommendations predicted: {len(uncoded)}; load average "
          f"(1 min) {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores.")
    print("| step | seconds (best-worst) | CPU seconds (mean) | target | ratio to target (worst) |")
    print("|---|---|---|---|---|")
    for step, values in seconds.items():
        print(f"| {step} | {min(values):.2f}-{max(values):.2f} | {CPU[step] / len(values):.2f} | "
              f"<= {TARGETS[step]:g} | {max(values) / TARGETS[step]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
