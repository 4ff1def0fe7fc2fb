"""Recurring recommendations benchmark: every State's pairs on the embedded data, on 2 cores.

    .venv/bin/python bench/recurrence.py [--repeats N]

Each measurement runs in a fresh process held to (at most) 2 CPU cores, imports excluded, and is repeated
(the median is printed): loading the embedded data set, matching every cycle-2 recommendation to the
cycle-1 ones of the same State for all 193 States (``recurrence.match``: TF-IDF of all 57,592 texts, then
every (cycle-2, cycle-1) pair of each State), and the summaries (per State, by the first one's response,
by issue). Printed as a table, as ``bench/run.py`` prints its own; compare with the target, not across
machines.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

CODE = """
import json, os, time, warnings
warnings.simplefilter("ignore")
cores = sorted(os.sched_getaffinity(0))[:2]
os.sched_setaffinity(0, cores)
import upr_lab
from upr_lab.stats import recurrence
t0 = time.perf_counter(); recs = upr_lab.load().recommendations
t1 = time.perf_counter(); found = recurrence.match(recs)
t2 = time.perf_counter(); found.by_state(); found.by_first_response(); found.by_issue()
t3 = time.perf_counter()
early = recs[recs["cycle"] == 1].groupby("sur_iso3").size()
late = recs[recs["cycle"] == 2].groupby("sur_iso3").size()
print(json.dumps({"load": t1 - t0, "match": t2 - t1, "summaries": t3 - t2, "cores": len(cores),
                  "states": int(found.repeats["sur_iso3"].nunique()), "pairs": int((early * late).sum()),
                  "n_cycle2": len(found.repeats), "n_repeated": int(found.repeats["repeated"].sum())}))
"""


def measure():
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes to run (median printed)")
    args = parser.parse_args()
    runs = [measure() for _ in range(args.repeats)]
    first = runs[0]
    median = {key: statistics.median(run[key] for run in runs) for key in ("load", "match", "summaries")}
    total = median["match"] + median["summaries"]
    print("| measure | value | ratio / target |\n|---|---:|---|")
    print(f"| load the embedded data set ({first['cores']} cores) | {median['load']:.2f} s | |")
    print(f"| match all States: {first['states']} States, {first['n_cycle2']:,} cycle-2 recommendations, "
          f"{first['pairs']:,} pairs | {median['match']:.1f} s | {median['match'] / 60:.2f} x the 60 s target |")
    print(f"| summaries (per State, by response, by issue) | {median['summaries']:.2f} s | |")
    print(f"| match and summaries | {total:.1f} s | target <= 60 s |")
    print(f"| repeated (threshold as shipped) | {first['n_repeated']:,} of {first['n_cycle2']:,} | "
          f"{first['n_repeated'] / first['n_cycle2']:.3f} |")


if __name__ == "__main__":
    main()
