"""Batches: every (State under review, analysis) pair run, then ``index.html`` and ``batch.json``."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm.auto import tqdm

from . import dataset, htmlreport, provenance, runner
from .countries import check_iso3, check_present
from .params import ANALYSES, notebook_path


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


def run_batch(countries=None, analyses=ANALYSES, data="demo", participation=None, params_file=None,
              out="outputs", workers=1):
    """Run a batch (``countries=None`` means every State under review) and write its index."""
    pairs = plan(countries, analyses, data)
    out = Path(out)

    def one(pair):
        return runner.run(pair[1], pair[0], data, participation, params_file, out)

    with tqdm(total=len(pairs), desc="upr-lab batch", unit="run") as bar:
        results = []
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for result in pool.map(one, pairs):
                results.append(result)
                bar.update(1)
                bar.set_postfix(failed=sum(r.status != "ok" for r in results))
    write_index(results, out, data)
    return results


def write_index(results, out, data):
    """Write ``index.html`` and ``batch.json`` for the runs of a batch."""
    runs = [{"country": r.country, "analysis": r.analysis, "status": r.status, "error": r.error,
             "path": f"{r.country}/{r.analysis}"} for r in results]
    summary = {"data": str(data), "n_runs": len(runs), "n_ok": sum(r["status"] == "ok" for r in runs),
               "n_failed": sum(r["status"] != "ok" for r in runs), "runs": runs}
    provenance.dump_json(summary, out / "batch.json")
    (out / "index.html").write_text(htmlreport.index_page(runs, data), encoding="utf-8")
    return summary
