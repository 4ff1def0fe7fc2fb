"""Working Group reports benchmark: import every report of the development set, on 2 cores.

    .venv/bin/python bench/wg_reports.py [--folder ../shared/data/ohchr/wg-reports]

One fresh process held to (at most) 2 CPU cores, imports excluded: each PDF of the folder is read (text and
type sizes of every page, through PDFium) and its recommendations imported (``report.read_report``). Prints
the reports imported and refused, the seconds in all and per report (target: under 1 s per report), and the
share of the time spent reading the PDFs' text. Compare with the target, not across machines.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr" / "wg-reports"
TARGET = 1.0  # seconds per report
CODE = """
import json, os, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
from upr_lab.exceptions import DataError
from upr_lab.sources.ohchr import report, text
paths = sorted(Path(sys.argv[1]).glob("*.pdf"))
imported = refused = 0
reading = importing = 0.0
for path in paths:  # the text first (kept in the process's cache), then the import that uses it
    t0 = time.perf_counter()
    text.read_document(path)
    t1 = time.perf_counter()
    try:
        report.read_report(path)
        imported += 1
    except DataError:
        refused += 1
    reading, importing = reading + t1 - t0, importing + time.perf_counter() - t1
print(json.dumps({"reports": len(paths), "imported": imported, "refused": refused, "text": reading,
                  "total": reading + importing}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT)
    folder = parser.parse_args().folder
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}
    done = subprocess.run([sys.executable, "-c", CODE, str(folder)], capture_output=True, text=True, env=env,
                          check=True)
    found = json.loads(done.stdout)
    per_report = found["total"] / max(found["reports"], 1)
    print(f"{'reports':<24}{found['reports']:>10}")
    print(f"{'imported / refused':<24}{found['imported']:>6} / {found['refused']}")
    print(f"{'seconds in all':<24}{found['total']:>10.1f}")
    print(f"{'seconds per report':<24}{per_report:>10.2f}   (target < {TARGET:.0f} s: "
          f"{'holds' if per_report < TARGET else 'MISSED'})")
    print(f"{'share reading the PDFs':<24}{found['text'] / found['total']:>10.0%}")


if __name__ == "__main__":
    main()
