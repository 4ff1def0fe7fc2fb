"""Coverage of the demo data's planted effects by the models the notebooks use.

    .venv/bin/python validation/coverage.py [--seeds N] [--workers W] [--out validation/coverage.md]

Generates the synthetic demo data set with seeds 1..N, fits the notebooks' model functions on each
(``upr_lab.stats.validation``), and writes the per-effect summary (bias, empirical SD, mean SE, coverage
with a Monte-Carlo interval) as Markdown, also printed. The output depends only on N.
"""

import argparse
import os
import sys
import time
from pathlib import Path

# One BLAS thread per worker process: the workers are the parallelism (set before numpy is imported).
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from upr_lab import validation  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200, help="number of data sets, seeds 1..N (200)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--out", type=Path, default=HERE / "coverage.md", help="Markdown report")
    args = parser.parse_args(argv)
    seeds = range(1, args.seeds + 1)
    start = time.perf_counter()
    rows = validation.rows_for_seeds(seeds, workers=args.workers)
    report = validation.markdown(validation.summarise(rows), seeds)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    elapsed = time.perf_counter() - start
    print(f"{args.seeds} seeds in {elapsed:.0f} s ({elapsed / max(args.seeds, 1):.1f} s per seed, "
          f"{args.workers} workers); written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
