"""All four UPR cycles: the embedded set (cycles 1-2) with a UHRI export (cycles 3-4), each review once.

The UHRI export is TEST DATA built by tests/four_cycles.py (no real export can be had here): UHRI's records of
Norway's and Kenya's reviews of cycles 1-2 with known differences from the embedded set, and reviews of
cycles 3-4 made from their real texts.
"""

import warnings

import pytest

from four_cycles import EXTRA, expected, uhri_workbook
from frames import make_recs
from upr_lab import cli, load
from upr_lab.sources import reconcile



@pytest.fixture(scope="module")
def export(tmp_path_factory):
    return uhri_workbook(tmp_path_factory.mktemp("uhri"))


@pytest.fixture(scope="module")
def combined(export):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(f"upr,{export}")


def test_cycles_1_2_from_the_embedded_set_and_3_4_from_uhri(combined, export):
    recs = combined.recommendations
    upr = load("upr").recommendations
    by_cycle = recs.groupby("cycle")["source"].agg(lambda s: sorted(set(s))).to_dict()
    assert by_cycle == {1: ["upr-info"], 2: ["dihr", "upr-info"], 3: ["uhri"], 4: ["uhri"]}
    assert recs.groupby(["sur_iso3", "session"])["source"].nunique().max() == 1  # each review from one source
    early = recs[recs["cycle"] <= 2]
    assert len(early) == len(upr) and set(early["rec_id"]) == set(upr["rec_id"])  # the embedded set, whole
    assert EXTRA not in set(recs["text"])  # UHRI's record of a cycle-1/2 review is reconciled, not added
    later = recs[recs["cycle"] >= 3]
    assert sorted(later.groupby("sur_iso3")["session"].unique().map(sorted).to_dict().items()) == [
        ("KEN", [35, 49]), ("NOR", [33, 47])]
    assert (later["year"] == later["session"].map({33: 2019, 35: 2020, 47: 2024, 49: 2025})).all()


def test_uhri_s_cycle_1_2_records_reconciled_with_the_embedded_set(combined):
    summaries = combined.source["reconciliation"]
    assert [(s["first_source"], s["second_source"]) for s in summaries] == [("upr-info", "dihr"),
                                                                           ("dihr, upr-info", "uhri")]
    summary, want = summaries[1], expected()
    assert {k: summary[k] for k in want} == want
    assert summary["share_of_second_matched"] == pytest.approx(want["matched"] / want["second_rows"], abs=1e-4)
    assert summary["response_agreement"] == pytest.approx(1 - want["responses_differ"] / want["matched"], abs=1e-4)
    differ = combined.differences[combined.differences["second_source"] == "uhri"]
    assert differ["difference"].value_counts().to_dict() == {"responses differ": want["responses_differ"],
                                                            "only in the second source": want["only_in_second"]}
    added = len(combined.differences) - len(load("upr").differences)  # the embedded set's own are kept
    assert added == want["only_in_first"] + want["responses_differ"] + want["only_in_second"]


def test_data_info_says_the_rule_and_the_agreement(export, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli.main(["data", "info", "--data", f"upr,{export}"]) == 0
    out = capsys.readouterr().out
    want = expected()
    assert (f"reconciliation:       dihr, upr-info and uhri both hold {want['reviews_in_both']} reviews (cycles 1-2, "
            "sessions 6-21); each is counted once, from dihr, upr-info (the rule: cycles 1-2 from UPR Info") in out
    assert f"responses differ:   {want['responses_differ']} of the matched (agreement " in out
    assert "by cycle and source: 1: upr-info " in out and "; 3: uhri " in out and "; 4: uhri " in out


def test_the_rule_for_a_review_both_sources_hold():
    """Cycles 1-2: UPR Info's record is kept; cycles 3-4: UHRI's, whichever comes first in the data."""
    rows = []
    for cycle, session in ((1, 6), (3, 33)):
        for source in ("uhri", "upr-info"):
            rows.append({"cycle": cycle, "session": session, "source": source,
                         "text": f"Ratify the Convention against Torture ({source})"})
    recs = make_recs(rows).assign(rec_id=lambda f: f["source"].str[0].str.upper() + f["rec_id"])
    combined, results = reconcile.combine(recs)
    assert combined.set_index("cycle")["source"].to_dict() == {1: "upr-info", 3: "uhri"}
    assert [(r.summary["first_source"], r.summary["second_source"], r.summary["sessions_in_both"]) for r in results] == [
        ("upr-info", "uhri", [6]), ("uhri", "upr-info", [33])]
    assert [r.summary["matched"] for r in results] == [1, 1]  # nearly the same text: one recommendation each
    assert reconcile.priority(2)[0] == "upr-info" and reconcile.priority(4)[0] == "uhri"


# --- verify: a run on the cached UHRI export names it by SHA-256 ------------------------------------------

def _recorded_run(folder, data="upr,uhri"):
    """The manifest a run on ``data`` records, written in ``folder`` (the run itself is not needed to check
    its inputs)."""
    import json

    from upr_lab.runs import job as job_mod, provenance
    from upr_lab.runs.params import notebook_path
    from upr_lab.sources.dataset import sha256

    prepared = job_mod.prepare("civil_society", "NOR", data=data, out=folder)
    prepared.destination.mkdir(parents=True)
    notebook = sha256(notebook_path("civil_society"))
    inputs = prepared.inputs()
    manifest = {"analysis": "civil_society", "country": "NOR", "status": "ok", "parameters": prepared.parameters,
                "notebook": {"path": "notebooks/civil_society.ipynb", "sha256": notebook}, "inputs": inputs,
                "versions": provenance.versions(), "run_key": provenance.run_key(notebook, prepared.parameters, inputs)}
    (prepared.destination / "manifest.json").write_text(json.dumps(manifest))
    return prepared.destination, manifest


def test_verify_names_a_missing_or_newer_cached_export(export, tmp_path, monkeypatch):
    import os

    from upr_lab.review.verify import verify, verify_run
    from upr_lab.sources import cache
    from upr_lab.sources.dataset import sha256
    from upr_lab.sources.remote import uhri

    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    filed = uhri.download(from_file=export)
    run, manifest = _recorded_run(tmp_path / "out")
    [cached] = [i for i in manifest["inputs"] if i.get("cached")]
    assert cached == {"role": "data", "cached": "uhri", "path": "<cache>/uhri/export-full-en.xlsx",
                      "sha256": sha256(export)} and filed.sha256 == sha256(export)
    assert manifest["parameters"]["data"] == "upr,uhri"  # the name is kept: the cache is where each user's is

    filed.path.unlink()
    result = verify_run(run)
    [missing] = result.differences
    assert f"the cached UHRI export the run read (SHA-256 {cached['sha256']}) is not in the cache" in missing
    assert "`upr-lab data download uhri`" in missing and "`upr-lab data download uhri --from FILE`" in missing
    assert result.notes[-1].startswith("not re-executed")

    newer = tmp_path / "newer.xlsx"
    newer.write_bytes(export.read_bytes())
    import openpyxl
    book = openpyxl.load_workbook(newer)
    book.active.delete_rows(2)
    book.save(newer)
    uhri.download(from_file=newer)
    [result] = verify([run])  # the export is looked for where UPR_LAB_CACHE says, the parse cache being off
    # verify turned the parse cache off while it ran, and left the environment as it was
    assert os.environ["UPR_LAB_CACHE"] == str(tmp_path / "cache") and cache.location() == tmp_path / "cache"
    assert "UPR_LAB_PARSE_CACHE" not in os.environ and "UPR_LAB_DOWNLOADS_PINNED" not in os.environ
    [changed] = result.differences
    assert (f"the cached UHRI export is SHA-256 {sha256(newer)}, the run read SHA-256 {cached['sha256']}" in changed
            and "`upr-lab data download uhri --from FILE`" in changed)


# --- the four analyses and the site on four cycles ------------------------------------------------------

@pytest.fixture(scope="module")
def four_cycle_runs(tmp_path_factory):
    """The four analyses for Norway on the test data set cut to Norway and Kenya (cycles 1-2 real, 3-4 TEST DATA),
    on warm kernels as a batch runs them; then the site. ``{analysis: (RunResult, metrics, report text)}``."""
    import json

    from four_cycles import four_cycle_table
    from upr_lab.reports import site
    from upr_lab.runs import runner
    from upr_lab.runs.params import ANALYSES
    from upr_lab.runs.preflight import check_run
    from upr_lab.runs.warm import KernelPool

    folder = tmp_path_factory.mktemp("four-cycles")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = four_cycle_table(folder)
    jobs = {analysis: check_run(analysis, "NOR", str(table), out=folder / "out") for analysis in ANALYSES}
    with KernelPool() as kernels:
        results = {a: runner.execute_job(job, kernels.for_this_thread()) for a, job in jobs.items()}
    runs = [{"country": "NOR", "analysis": a, "status": r.status} for a, r in results.items()]
    site.write_site(runs, folder / "out", str(table))
    return {a: (r, json.loads((r.path / "metrics.json").read_text()), (r.path / "report.html").read_text())
            for a, r in results.items()}, folder / "out"



@pytest.mark.slow
def test_every_analysis_runs_on_four_cycles_and_says_where_each_comes_from(four_cycle_runs):
    runs, _ = four_cycle_runs
    for analysis, (result, metrics, report) in runs.items():
        assert result.status == "ok", (analysis, result.error)
        assert list(metrics["by_cycle"]) == ["1", "2", "3", "4"], analysis
        assert metrics["data_source"]["cycles"] == {"1": "UPR Info", "2": "UPR Info, DIHR explorer",
                                                    "3": "UHRI", "4": "UHRI"}
        assert "TEST-DATA-four-cycles.csv" in metrics["data_source"]["label"]
        assert "Sources by cycle:</b> cycle 1: UPR Info (sessions 6, 8); cycle 2: UPR Info (session 19), DIHR " \
               "explorer (session 21); cycles 3-4: UHRI (sessions 33, 35, 47, 49)" in report, analysis
        assert "cycle-2 recommendations that" not in report


@pytest.mark.slow
def test_compliance_trends_compares_each_review_with_the_previous_one(four_cycle_runs):
    runs, _ = four_cycle_runs
    _, metrics, report = runs["compliance_trends"]
    by_cycle = metrics["recurrence_by_cycle"]
    assert {c: v["compared_with"] for c, v in by_cycle.items()} == {"2": 1, "3": 2, "4": 3}
    assert metrics["recurrence"]["n_cycle2"] == sum(v["state"]["n"] for v in by_cycle.values())
    assert metrics["recurrence"]["n_cycle2"] == sum(metrics["by_cycle"][c]["n"] for c in ("2", "3", "4"))
    # every other cycle-3 recommendation repeats a cycle-2 one word for word; cycle 4 repeats cycle 3's first half
    assert by_cycle["3"]["state"]["n_repeated"] >= by_cycle["3"]["state"]["n"] // 2
    assert by_cycle["4"]["state"]["n_repeated"] == by_cycle["4"]["state"]["n"]
    reviews = metrics["reviews"]
    assert [(c, r["session"], r["year"], r["source"]) for c, r in reviews.items()] == [
        ("1", 6, 2009, "UPR Info"), ("2", 19, 2014, "UPR Info"), ("3", 33, 2019, "UHRI"), ("4", 47, 2024, "UHRI")]
    assert all(r["recommendations"] == metrics["by_cycle"][c]["n"] for c, r in reviews.items())
    # UHRI codes no action category: cycles 3-4 have the classifier's, and say so
    assert [r["categories"] for r in reviews.values()] == ["coded", "coded", "predicted", "predicted"]
    assert 0 <= reviews["3"]["specific_action_share"] <= 1
    assert "cycle-4 recommendations repeating a cycle-3 one" in report


@pytest.mark.slow
def test_the_site_shows_the_four_reviews_with_their_sources(four_cycle_runs):
    _, out = four_cycle_runs
    overview = (out / "index.html").read_text()
    assert "sources by cycle: cycle 1: UPR Info; cycle 2: UPR Info, DIHR explorer; cycle 3: UHRI; cycle 4: UHRI" \
        in overview
    assert all(f"Accepted, cycle {c} (%)" in overview for c in (1, 2, 3, 4))
    page = (out / "NOR" / "index.html").read_text()
    assert "The State&#x27;s reviews side by side" in page or "The State's reviews side by side" in page
    for session, year, source in ((6, 2009, "UPR Info"), (19, 2014, "UPR Info"), (33, 2019, "UHRI"),
                                  (47, 2024, "UHRI")):
        assert f">{session}</td>" in page and f">{year}</td>" in page and f">{source}</td>" in page
    assert "recommendations compared with the State's previous review)" in page
