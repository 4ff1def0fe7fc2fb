"""UHRI export benchmark: the first load of a real-size export (streamed, converted once to the parse cache) and
a later one, on 2 cores.

    .venv/bin/python bench/uhri_load.py [--records 270000] [--upr 128000] [--seed 7] [--keep FOLDER]

No real export can be had here, so one is generated in the JSON layout (``tests/uhri_export.py``'s builder, the
tests' own) at the real size: 270,000 records of which 128,000 from the UPR (267,548 and 127,625 in February
2026), texts of about 300 characters, one to three recommending States, sessions 1-50 of all four cycles, a
fixed seed. It is filed into a private cache as ``upr-lab data download uhri --from FILE`` would, then each load
runs in a fresh process held to 2 cores: wall and CPU time of the load itself (upr-lab's modules imported
before, as in a kernel), wall time of the whole process (imports included) and its peak resident memory
(``ru_maxrss``). Targets: first load <= 60 s and <= 1.5 GB, later loads
<= 1 s. The export is SYNTHETIC; the figures depend on the machine's load (printed with them).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from uhri_export import record, write_export  # noqa: E402  (the tests' builder, not a second one)

from upr_lab.sources import calendar  # noqa: E402
from upr_lab.sources.countries import states  # noqa: E402

TARGETS = {"first_seconds": 60.0, "first_peak_mb": 1536.0, "later_seconds": 1.0}
OTHER_BODIES = ("- CRC", "- CEDAW", "- CERD", "- CCPR", "- CESCR", "- CAT", "- SR on torture", "- WGAD")
THEMES = ("Right to health", "Right to education", "Violence against women", "Children: definition; general "
          "principles; protection", "Torture and other cruel, inhuman or degrading treatment", "Minorities",
          "International instruments", "Freedom of opinion and expression", "Death penalty", "Trafficking in persons")
SDGS = ("- 16.2 - Protect children from abuse, exploitation, trafficking and violence",
        "- 5.2 - Eliminate all forms of violence against women and girls", "- 4 - QUALITY EDUCATION",
        "- 11 - SUSTAINABLE CITIES AND COMMUNITIES", "- 3.8 - Achieve universal health coverage", "- 10.3 - Ensure "
        "equal opportunity and reduce inequalities of outcome")
POSITIONS = (("- Supported",) * 70 + ("- Noted",) * 27 + ("- Supported/Noted",) * 2 + ((),))
WORDS = ("continue", "strengthen", "its", "efforts", "to", "ensure", "the", "rights", "of", "women", "children",
         "persons", "with", "disabilities", "national", "human", "rights", "institution", "in", "accordance",
         "Paris", "Principles", "adopt", "legislation", "combat", "discrimination", "violence", "against",
         "and", "guarantee", "access", "justice", "education", "health", "services", "all", "including",
         "migrants", "refugees", "consider", "ratifying", "Optional", "Protocol", "Convention", "take",
         "measures", "effective", "implementation", "policies", "programmes", "freedom", "expression")


def export_records(total, upr, seed):
    """SYNTHETIC records in the JSON layout, one at a time: ``upr`` from the UPR, the others from other bodies."""
    rng = random.Random(seed)
    names = sorted(s.name for s in states().values() if s.group != "Observer")
    upr_at = set(rng.sample(range(total), upr))
    for i in range(total):
        text = _text(rng)
        if i not in upr_at:
            yield record(body=rng.choice(OTHER_BODIES), countries=[f"- {rng.choice(names)}"], symbol="CRC/C/X/CO/1",
                         text=text, annotation=f"n{i}")
            continue
        session = rng.randint(1, 50)
        chosen = rng.sample(names, rng.choice((1, 1, 1, 2, 3)))
        yield record(countries=[f"- {rng.choice(names)}"], symbol=f"A/HRC/{session + 20}/{rng.randint(1, 20)}",
                     session=[f"- {session} - {calendar.year_of(session)}"], cycle=f"- {calendar.cycle_of(session)}",
                     recommending=[f"- {n}" for n in chosen], positions=rng.choice(POSITIONS),
                     themes=[f"- {t}" for t in rng.sample(THEMES, rng.randint(1, 4))],
                     sdgs=rng.sample(SDGS, rng.randint(0, 3)), annotation=f"u{i}",
                     text=f"{rng.randint(90, 180)}.{rng.randint(1, 250)} {text} ({', '.join(chosen)});")


def _text(rng):
    words, size = [], 0
    target = rng.randint(150, 450)  # about 300 characters, as the real recommendations
    while size < target:
        words.append(rng.choice(WORDS))
        size += len(words[-1]) + 1
    return " ".join(words).capitalize()


LOAD = """
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
from upr_lab.sources import cache, dataset, info  # imported first, as in a kernel that has loaded data before
from upr_lab.sources.formats import uhri_json
from upr_lab.sources.remote import uhri
load = dataset.load
started, cpu = time.perf_counter(), time.process_time()
data = load(sys.argv[1])
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
cache._memory.clear()  # read from disk again, in a process that has loaded once (a kernel's second notebook)
again, again_cpu = time.perf_counter(), time.process_time()
load(sys.argv[1])
again, again_cpu = time.perf_counter() - again, time.process_time() - again_cpu
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "again_seconds": again, "again_cpu_seconds": again_cpu,
                  "rows": len(data.recommendations),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measured(source, env):
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", LOAD, source], env=env, check=True, capture_output=True, text=True)
    return {**json.loads(out.stdout), "process_seconds": time.perf_counter() - started}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=270_000)
    parser.add_argument("--upr", type=int, default=128_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="generate into this folder and keep it")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="upr-lab-uhri-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "UPR_LAB_CACHE": str(folder / "cache")}
    started = time.perf_counter()
    export = write_export(folder / "export-full-en.json", export_records(args.records, args.upr, args.seed))
    generated = time.perf_counter() - started
    subprocess.run([str(Path(sys.executable).parent / "upr-lab"), "data", "download", "uhri", "--from", str(export)],
                   env=env, check=True, capture_output=True)
    first = measured("uhri", env)
    later = [measured("uhri", env) for _ in range(3)]
    by_path = measured(str(export), env)  # a path is hashed (SHA-256) before the cache is looked up
    figures = {"records": args.records, "upr_records": args.upr, "export_mb": export.stat().st_size / 2**20,
               "generate_seconds": generated, "first": first, "later": min(later, key=lambda m: m["seconds"]),
               "later_by_path": by_path, "load_average": os.getloadavg(), "targets": TARGETS}
    print(json.dumps(figures, indent=1))
    ok = (first["seconds"] <= TARGETS["first_seconds"] and first["peak_mb"] <= TARGETS["first_peak_mb"]
          and figures["later"]["seconds"] <= TARGETS["later_seconds"])
    later_ = figures["later"]
    print(f"first load {first['seconds']:.1f} s ({first['cpu_seconds']:.1f} s CPU), peak {first['peak_mb']:.0f} MB; "
          f"later load {later_['seconds']:.2f} s ({later_['cpu_seconds']:.2f} s CPU; "
          f"{later_['process_seconds']:.2f} s for the whole process with imports; {later_['again_seconds']:.2f} s, "
          f"{later_['again_cpu_seconds']:.2f} s CPU, once more in the same process); by path {by_path['seconds']:.2f} s"
          f"; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: {'within' if ok else 'OUTSIDE'} "
          "the targets")
    if args.keep is None:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
