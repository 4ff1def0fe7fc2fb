"""Reading the UN documents downloaded into the cache: the named source ``documents`` and the participation
table of the cached stakeholder summaries, first read (every PDF's text extracted) and read again (the parse
cache). The cache is a temporary folder filled with copies of the shared corpus's PDFs (``../shared/data/
ohchr``), named by symbol as ``upr-lab data download documents`` names them; nothing is written elsewhere.

    .venv/bin/python bench/documents_cache.py [--limit N]

One process held to (at most) 2 CPU cores, imports excluded; the text cache of this process is emptied between
readings, so a second reading reads only what the parse cache holds. The participation table is read first
(each summary's text extracted), then the whole source (the summaries' rows then come from the parse cache);
last, one review is added (Slovenia's cycle-4 report and addendum, left out until then) and the source read again.
"""

import argparse
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="copy the summaries and at most N other PDFs "
                        "(default: all)")
    limit = parser.parse_args().limit
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])
    with tempfile.TemporaryDirectory(prefix="upr-lab-bench-") as root:
        os.environ["UPR_LAB_CACHE"] = root
        every = sorted(CORPUS.rglob("*.pdf"), key=lambda p: p.name)
        summaries = [p for p in every if "_WG.6_" in p.name]
        pdfs = summaries + [p for p in every if p not in summaries][:limit]
        (Path(root) / "documents").mkdir()
        later = [p for p in pdfs if p.name.startswith("A_HRC_59_15")]  # Slovenia's cycle-4 report and addendum
        for path in pdfs:
            if path not in later:
                shutil.copyfile(path, Path(root) / "documents" / path.name)
        from upr_lab.sources import cache, dataset
        from upr_lab.sources.ohchr import text
        from upr_lab.sources.remote import cached

        seconds = {}
        for reading in ("first", "again"):
            text._read.cache_clear()
            cache._memory.clear()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                started = time.perf_counter()
                found = cached.participation()
                seconds[f"participation, {reading}"] = time.perf_counter() - started
                started = time.perf_counter()
                data = dataset.load("documents")
                seconds[f"documents, {reading}"] = time.perf_counter() - started
        for path in later:
            shutil.copyfile(path, Path(root) / "documents" / path.name)
        text._read.cache_clear()
        cache._memory.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            started = time.perf_counter()
            data = dataset.load("documents")
            seconds["documents, one review downloaded"] = time.perf_counter() - started
        reports = sum(f["detected"]["format"] == "ohchr-report" for f in data.source["files"])
        print(f"{len(pdfs)} PDFs, {len(later)} of them added last ({sum(p.stat().st_size for p in pdfs) / 1e6:.1f} MB): {reports} reports read, "
              f"{len(data.source['refused'])} documents refused, {len(data.recommendations):,} rows; "
              f"{len(found.rows)} of {len(found.files)} summaries read")
        for name, value in seconds.items():
            print(f"{name:34} {value:8.2f} s")
        print("first / again: " + ", ".join(f"{what} {seconds[f'{what}, first'] / seconds[f'{what}, again']:.0f}x"
                                             for what in ("participation", "documents")))


if __name__ == "__main__":
    main()
