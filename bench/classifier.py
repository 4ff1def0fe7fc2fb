"""Classifier benchmark: training the category and tag models from the embedded data (what the first use
does, ``upr_lab.stats.classify.store.train_for_use``), reading them back from their arrays, and predicting
every uncoded recommendation of the embedded set (sessions 21-26, ``predicted.annotate``).

    .venv/bin/python bench/classifier.py

One process held to (at most) 2 CPU cores, one BLAS thread, imports excluded; one repetition (training takes
minutes). Targets (issue 25): training at most 2 min, predicting at most 5 s, loading under a second.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from upr_lab.sources import embedded  # noqa: E402
from upr_lab.stats.classify import predicted, store  # noqa: E402
from upr_lab.stats.classify.model import CategoryModel  # noqa: E402
from upr_lab.stats.classify.tags import TagModel  # noqa: E402

TARGETS = {"train": 120.0, "load": 1.0, "predict": 5.0}


def main():
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
    recommendations = embedded.read()[0]["recommendations"]
    started = time.perf_counter()
    categories, tags = store.train_for_use(recommendations)
    seconds = {"train": time.perf_counter() - started}
    with tempfile.TemporaryDirectory() as folder:
        store.save(Path(folder) / "c.npz", categories.arrays())
        store.save(Path(folder) / "t.npz", tags.arrays())
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        started = time.perf_counter()
        models = (CategoryModel.from_arrays(store.load(Path(folder) / "c.npz")),
                  TagModel.from_arrays(store.load(Path(folder) / "t.npz")))
        seconds["load"] = time.perf_counter() - started
    uncoded = recommendations[recommendations["action_category"].isna()]
    started = time.perf_counter()
    predicted.annotate(uncoded, models=models)
    seconds["predict"] = time.perf_counter() - started
    print(f"Model files {size / 1e6:.1f} MB; uncoded recommendations predicted: {len(uncoded)}.")
    print("| step | seconds | target |")
    print("|---|---|---|")
    for step, value in seconds.items():
        print(f"| {step} | {value:.1f} | <= {TARGETS[step]:g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
