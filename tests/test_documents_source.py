"""The UN documents downloaded into the cache as a source, offline: ``--data documents``, ``--participation
documents`` and ``participation extract --all`` on a cache folder (``UPR_LAB_CACHE`` at a temporary path) filled
with real PDFs from the shared corpus, named as ``upr-lab data download documents`` names them. A damaged PDF
and a report upr-lab refuses are listed, never fatal for the others; an empty cache is one line."""

import csv
import functools
import io
import shutil
import warnings
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from upr_lab.cli import main
from upr_lab.exceptions import DataError
from upr_lab.runs import job as jobs
from upr_lab.sources import cache, dataset
from upr_lab.sources.countries import CountryResolver
from upr_lab.sources.formats.participation import participation_files, read_participation
from upr_lab.sources.info import describe, render
from upr_lab.sources.ohchr import documents, text
from upr_lab.sources.remote import cached, folders

OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"
SVN, REPORTS = OHCHR / "SVN", OHCHR / "wg-reports"
SVN_SUMMARIES = ["A_HRC_WG.6_20_SVN_3.pdf", "A_HRC_WG.6_34_SVN_3.pdf", "A_HRC_WG.6_48_SVN_3.pdf",
                 "A_HRC_WG.6_7_SVN_3.pdf"]
# (State, cycle, session, N stated, joint submissions listed, NHRI section) read in Slovenia's four summaries
SVN_ROWS = [("SVN", 1, 7, 7, 1, False), ("SVN", 2, 20, 7, 0, False), ("SVN", 3, 34, 11, 4, False),
            ("SVN", 4, 48, 12, 3, True)]
REFUSED_REPORT = "A_HRC_8_47.pdf"  # France, session 2: the one report of the corpus upr-lab refuses (README)


def filled(root, sources, damaged=()):
    """A cache folder at ``root`` whose documents folder holds copies of ``sources`` (named by symbol, as
    downloaded) and, for each name in ``damaged``, the first 20,000 bytes of a real PDF (a download cut short)."""
    folder = root / "documents"
    folder.mkdir(parents=True)
    for path in sources:
        shutil.copyfile(path, folder / path.name)
    for name, source in damaged:
        (folder / name).write_bytes(source.read_bytes()[:20_000])
    return root


@pytest.fixture(scope="module")
def svn_cache(tmp_path_factory):
    """Slovenia's four reviews as downloaded: reports, addenda and stakeholder summaries (12 PDFs)."""
    return filled(tmp_path_factory.mktemp("cache-svn"), sorted(SVN.glob("*.pdf")))


@pytest.fixture(scope="module")
def damaged_cache(tmp_path_factory):
    """Slovenia's cycle-4 review whole, a report upr-lab refuses, a report and a summary cut short."""
    root = tmp_path_factory.mktemp("cache-damaged")
    whole = [SVN / "A_HRC_59_15.pdf", SVN / "A_HRC_59_15_Add.1.pdf", SVN / "A_HRC_WG.6_48_SVN_3.pdf",
             SVN / "A_HRC_WG.6_34_SVN_3.pdf", REPORTS / REFUSED_REPORT]
    return filled(root, whole, damaged=[("A_HRC_43_15.pdf", SVN / "A_HRC_43_15.pdf"),
                                        ("A_HRC_WG.6_20_SVN_3.pdf", SVN / "A_HRC_WG.6_20_SVN_3.pdf")])


@pytest.fixture()
def use(monkeypatch):
    """Point the cache (downloads and parse cache) at a folder."""
    def point(root):
        monkeypatch.setenv("UPR_LAB_CACHE", str(root))
        return root
    return point


def rows_of(frame):
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def test_documents_reads_every_cached_review_once_with_its_participation(svn_cache, use):
    use(svn_cache)
    data = dataset.load("documents")
    recs = data.recommendations
    assert set(recs["source"]) == {"ohchr"} and set(recs["sur_iso3"]) == {"SVN"}
    assert sorted(set(zip(recs["cycle"], recs["document"]))) == [(1, "A/HRC/14/15"), (2, "A/HRC/28/15"),
                                                                 (3, "A/HRC/43/15"), (4, "A/HRC/59/15")]
    assert (recs["response"] != "other").sum() > 0.95 * len(recs)  # the addenda answered the reports
    assert data.source["refused"] == []
    assert data.source["label"] == "UN documents downloaded into the cache (12 files)"
    assert [f["name"] for f in data.source["files"]] == sorted(p.name for p in SVN.glob("*.pdf"))
    assert rows_of(data.participation) == [(iso3, cycle, n, joint, nhri, None)
                                           for iso3, cycle, _, n, joint, nhri in SVN_ROWS]


def test_documents_with_the_embedded_data_counts_each_review_once(svn_cache, use):
    use(svn_cache)
    alone = dataset.load("upr").for_country("SVN")
    data = dataset.load("upr,documents")
    svn = data.for_country("SVN")
    assert len(svn[svn["cycle"] <= 2]) == len(alone)  # cycles 1-2 from the embedded set only
    assert set(svn.loc[svn["cycle"] <= 2, "source"]) <= {"upr-info", "dihr"}
    assert set(svn.loc[svn["cycle"] >= 3, "source"]) == {"ohchr"}
    pairs = {(s["first_source"], s["second_source"]): s for s in data.source["reconciliation"]}
    assert pairs[("upr-info", "ohchr")]["reviews_in_both"] == 2  # Slovenia's sessions 7 and 20
    assert len(data.participation) == 4


@pytest.mark.filterwarnings("ignore:.*downloaded documents were refused")
def test_a_refused_document_is_listed_and_the_others_are_read(damaged_cache, use, capsys):
    use(damaged_cache)
    with pytest.warns(UserWarning, match=r"3 of 7 downloaded documents were refused .*data info --data documents"):
        data = dataset.load("documents")
    refused = {r["name"]: r["error"] for r in data.source["refused"]}
    assert sorted(refused) == ["A_HRC_43_15.pdf", REFUSED_REPORT, "A_HRC_WG.6_20_SVN_3.pdf"]
    assert refused["A_HRC_43_15.pdf"].startswith("found a damaged PDF")
    assert "starting mid-sentence" in refused[REFUSED_REPORT]  # the reader's own one-line refusal, as a folder gives
    assert sorted(set(data.recommendations["document"])) == ["A/HRC/59/15"]  # read whole, with its addendum
    assert (data.recommendations["response"] != "other").all()
    assert rows_of(data.participation) == [("SVN", 3, 11, 4, False, None), ("SVN", 4, 12, 3, True, None)]
    shown = render(describe(data))
    assert "refused documents:    3 (left out; the others are read)" in shown
    assert f"  refused: {REFUSED_REPORT}: found recommendation" in shown
    assert main(["data", "info", "--data", "documents"]) == 0
    assert "  refused: A_HRC_WG.6_20_SVN_3.pdf: found a damaged PDF" in capsys.readouterr().out


def test_a_folder_of_the_same_documents_still_refuses_the_whole_load(damaged_cache, use):
    """Leniency belongs to the cache (hundreds of downloads); a folder a user names is read whole or refused."""
    use(damaged_cache.parent / "elsewhere")
    with pytest.raises(DataError, match="A_HRC_43_15.pdf: found a damaged PDF"):
        dataset.load(str(damaged_cache / "documents"))


def test_participation_extract_all_writes_one_row_per_review_and_lists_refusals(damaged_cache, use, tmp_path, capsys):
    use(damaged_cache)
    out = tmp_path / "participation.csv"
    assert main(["participation", "extract", "--all", "--out", str(out)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0] == f"3 stakeholder summaries in {damaged_cache / 'documents'}: 2 reviews read, 1 refused"
    assert said[1].startswith("refused: A_HRC_WG.6_20_SVN_3.pdf: found a damaged PDF")
    assert said[2].startswith("wrote 2 rows to")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["sur_iso3"], r["cycle"], r["session"], r["stakeholder_submissions"], r["joint_submissions"],
             r["nhri_submitted"], r["national_consultation"], r["document"]) for r in rows] == [
        ("SVN", "3", "34", "11", "4", "false", "", "A/HRC/WG.6/34/SVN/3"),
        ("SVN", "4", "48", "12", "3", "true", "", "A/HRC/WG.6/48/SVN/3")]


def test_participation_extract_all_without_out_prints_the_table(svn_cache, use, capsys):
    use(svn_cache)
    assert main(["participation", "extract", "--all"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert [(r["sur_iso3"], int(r["cycle"]), int(r["session"]), int(r["stakeholder_submissions"])) for r in rows] == \
        [row[:4] for row in SVN_ROWS]
    assert "4 stakeholder summaries in" in captured.err and "4 reviews read, 0 refused" in captured.err


@pytest.mark.parametrize("args, expected", [
    (["participation", "extract", "--all", "A_HRC_WG.6_7_SVN_3.pdf"], "name documents or give --all, not both"),
    (["participation", "extract", str(SVN)], "expected --out FILE.csv (or --all"),
    (["participation", "extract", "--out", "x.csv"], "expected DOCUMENT... (or --all"),
])
def test_participation_extract_is_given_documents_or_all(args, expected, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("upr-lab: error: participation extract") and expected in err and err.count("\n") == 1


def test_participation_documents_is_the_cached_summaries(svn_cache, use):
    use(svn_cache)
    frame = read_participation("documents")
    assert rows_of(frame) == [(iso3, cycle, n, joint, nhri, None) for iso3, cycle, _, n, joint, nhri in SVN_ROWS]
    assert [p.name for p in participation_files("documents")] == sorted(SVN_SUMMARIES)
    data = dataset.load("upr", participation="documents")
    assert sorted(f["name"] for f in data.source["files"] if f["role"] == "participation") == sorted(SVN_SUMMARIES)


def test_a_run_records_the_cached_documents_it_reads_and_sees_a_new_download(svn_cache, use, tmp_path):
    """A run on `documents` counts the cached files by content: a new download makes it out of date."""
    use(svn_cache)
    job = jobs.prepare("civil_society", "SVN", data="documents", participation="documents", out=tmp_path / "out")
    assert job.parameters["data"] == "documents" and job.parameters["participation"] == "documents"
    roles = [(i["role"], Path(i["path"]).name) for i in job.inputs()]
    assert [n for r, n in roles if r == "participation"] == sorted(SVN_SUMMARIES)
    assert len([n for r, n in roles if r == "data"]) == 12
    assert {i["sha256"] for i in job.inputs() if Path(i["path"]).name == "A_HRC_59_15.pdf"} == {
        dataset.sha256(SVN / "A_HRC_59_15.pdf")}
    before = job.run_key()
    extra = svn_cache / "documents" / "A_HRC_10_73.pdf"
    shutil.copyfile(REPORTS / "A_HRC_10_73.pdf", extra)
    try:
        assert job.run_key() != before
    finally:
        extra.unlink()


def test_a_second_reading_opens_no_pdf(svn_cache, use, monkeypatch):
    use(svn_cache)
    first = dataset.load("documents")
    cached.participation()
    text._read.cache_clear()
    cache._memory.clear()

    def opened(path):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(text, "_pdf_texts", opened)
    again = dataset.load("documents")
    assert again.recommendations.equals(first.recommendations)
    assert rows_of(again.participation) == rows_of(first.participation)
    assert len(cached.participation().rows) == 4


@pytest.mark.parametrize("state", ["missing", "empty", "part file only"])
def test_an_empty_cache_is_one_line_naming_the_download(state, use, tmp_path, capsys):
    root = use(tmp_path / "cache")
    if state != "missing":
        (root / "documents").mkdir(parents=True)
    if state == "part file only":
        (root / "documents" / "A_HRC_40_6.pdf.part").write_bytes(b"%PDF-1.7 cut")
    for args in (["data", "info", "--data", "documents"], ["data", "info", "--participation", "documents"],
                 ["participation", "extract", "--all"], ["data", "info", "--data", "upr,documents"]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"upr-lab: error: {folders.documents_folder()}: the cache's")
        assert "run `upr-lab data download documents --countries ISO3,...` (or --all) first" in err


def test_a_cache_of_reports_only_gives_no_participation(use, tmp_path, capsys):
    use(filled(tmp_path / "cache", [SVN / "A_HRC_59_15.pdf", SVN / "A_HRC_59_15_Add.1.pdf"]))
    data = dataset.load("documents")
    assert data.participation is None and set(data.recommendations["cycle"]) == {4}
    assert main(["data", "info", "--participation", "documents"]) == 2
    assert "holds no stakeholder summary (A_HRC_WG.6_<session>_<ISO3>_3.pdf); run `upr-lab data download documents " \
           "--kinds summary" in capsys.readouterr().err


def test_a_summary_refused_by_every_reading_refuses_participation(use, tmp_path):
    root = use(filled(tmp_path / "cache", [], damaged=[("A_HRC_WG.6_48_SVN_3.pdf", SVN / "A_HRC_WG.6_48_SVN_3.pdf")]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DataError, match=r"none of the 1 stakeholder summaries in the cache could be read \(first "
                                            r"refused: A_HRC_WG.6_48_SVN_3.pdf: found a damaged PDF"):
            read_participation("documents")
    assert root.is_dir()


def test_each_document_is_read_once_however_many_there_are(monkeypatch):
    """PDF text extraction is most of a parse: with room in memory for one document's text only (hundreds of
    downloads do not fit), each PDF of Slovenia's four reviews is still opened once."""
    opened, extract = Counter(), text._pdf_texts
    monkeypatch.setattr(text, "_read", functools.lru_cache(maxsize=1)(text._read.__wrapped__))
    monkeypatch.setattr(text, "_pdf_texts", lambda path: opened.update([path.name]) or extract(path))
    frames, records = documents.read(sorted(SVN.glob("*.pdf")), CountryResolver(), refused=[])
    assert sorted(opened) == sorted(p.name for p in SVN.glob("*.pdf")) and set(opened.values()) == {1}
    assert sorted(r["document"] for r in records.values() if r["format"] == "ohchr-report") == [
        "A/HRC/14/15", "A/HRC/28/15", "A/HRC/43/15", "A/HRC/59/15"]


def test_verify_turning_the_parse_cache_off_still_finds_the_downloads(svn_cache, use, monkeypatch):
    """``upr-lab verify`` sets UPR_LAB_CACHE=off (parse everything again): the downloads stay where they were."""
    use(svn_cache)
    monkeypatch.setenv(folders.PINNED, "")  # restored (unset) after the test
    folders.keep_downloads_where_they_are()
    monkeypatch.setenv("UPR_LAB_CACHE", "off")
    assert cache.location() is None
    assert folders.documents_folder() == svn_cache / "documents"
    assert [p.name for p in cached.summary_files()] == sorted(SVN_SUMMARIES)


def test_an_unreadable_documents_folder_is_one_line(use, tmp_path, capsys, monkeypatch):
    root = use(filled(tmp_path / "cache", [SVN / "A_HRC_WG.6_48_SVN_3.pdf"]))
    listing = Path.iterdir

    def denied(folder):
        if folder == root / "documents":
            raise PermissionError(13, "Permission denied")  # as for a folder without read rights (not as root)
        return listing(folder)

    monkeypatch.setattr(Path, "iterdir", denied)
    assert main(["participation", "extract", "--all"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the cache's documents folder cannot be read (Permission denied)" in err


def test_a_summary_under_another_symbol_s_name_is_refused(use, tmp_path, capsys):
    """The cache names a file by the symbol asked for: a reply holding another summary is not that review's."""
    root = use(filled(tmp_path / "cache", [SVN / "A_HRC_WG.6_48_SVN_3.pdf"]))
    shutil.copyfile(SVN / "A_HRC_WG.6_34_SVN_3.pdf", root / "documents" / "A_HRC_WG.6_35_SVN_3.pdf")
    assert main(["participation", "extract", "--all"]) == 0
    captured = capsys.readouterr()
    assert "2 stakeholder summaries in" in captured.err and "1 review read, 1 refused" in captured.err
    assert "refused: A_HRC_WG.6_35_SVN_3.pdf: found the summary A/HRC/WG.6/34/SVN/3; expected " \
           "A/HRC/WG.6/35/SVN/3, the symbol its name gives" in captured.err
    assert [row["session"] for row in csv.DictReader(io.StringIO(captured.out))] == ["48"]


def test_a_second_review_of_a_state_in_a_cycle_is_listed_not_read():
    row = {"sur_iso3": "SVN", "cycle": 4, "session": 48, "document": "A/HRC/WG.6/48/SVN/3"}
    later = {**row, "session": 49, "document": "A/HRC/WG.6/49/SVN/3"}
    kept, twice = cached._one_per_review([(Path("A_HRC_WG.6_49_SVN_3.pdf"), later),
                                          (Path("A_HRC_WG.6_48_SVN_3.pdf"), row)])
    assert [r["session"] for _, r in kept] == [48]
    assert twice == [("A_HRC_WG.6_49_SVN_3.pdf", "a second review of SVN in cycle 4 (A/HRC/WG.6/49/SVN/3; "
                      "A/HRC/WG.6/48/SVN/3 is read); expected one review per State and cycle")]


def test_a_new_download_parses_only_its_own_review(use, tmp_path, monkeypatch):
    root = use(filled(tmp_path / "cache", [SVN / "A_HRC_59_15.pdf", SVN / "A_HRC_59_15_Add.1.pdf"]))
    before = dataset.load("documents")
    for name in ("A_HRC_43_15.pdf", "A_HRC_43_15_Add.1.pdf"):
        shutil.copyfile(SVN / name, root / "documents" / name)
    text._read.cache_clear()
    cache._memory.clear()
    opened, extract = Counter(), text._pdf_texts
    monkeypatch.setattr(text, "_pdf_texts", lambda path: opened.update([path.name]) or extract(path))
    after = dataset.load("documents")
    assert sorted(opened) == ["A_HRC_43_15.pdf", "A_HRC_43_15_Add.1.pdf"]
    assert sorted(set(after.recommendations["document"])) == ["A/HRC/43/15", "A/HRC/59/15"]
    old = after.recommendations[after.recommendations["document"] == "A/HRC/59/15"].reset_index(drop=True)
    assert old.equals(before.recommendations.reset_index(drop=True))  # the same rows, ids included
    assert after.source["kind"] == "ohchr" and after.source["label"] == "UN documents downloaded into the cache " \
                                                                        "(4 files)"


@pytest.mark.filterwarnings("ignore:.*downloaded documents were refused")
def test_a_report_under_another_name_is_refused_so_no_review_counts_twice(use, tmp_path):
    root = use(filled(tmp_path / "cache", [SVN / "A_HRC_59_15.pdf", SVN / "A_HRC_59_15_Add.1.pdf"]))
    alone = dataset.load("documents").recommendations
    shutil.copyfile(SVN / "A_HRC_59_15.pdf", root / "documents" / "A_HRC_59_16.pdf")  # served for another symbol
    shutil.copyfile(SVN / "A_HRC_59_15.pdf", root / "documents" / "Slovenia 2025.pdf")  # a copy saved by hand
    data = dataset.load("documents")
    assert list(zip(data.recommendations["rec_id"], data.recommendations["response"])) == list(
        zip(alone["rec_id"], alone["response"]))  # the review once, as read from its own file
    refused = {r["name"]: r["error"] for r in data.source["refused"]}
    assert sorted(refused) == ["A_HRC_59_16.pdf", "Slovenia 2025.pdf"]
    assert refused["A_HRC_59_16.pdf"].startswith("found the report A/HRC/59/15; expected the document its name gives")
    assert {f["name"]: f["role"] for f in data.source["files"]}["Slovenia 2025.pdf"] == "refused (not read)"


def test_cite_names_the_cached_documents_a_run_read(svn_cache, use, tmp_path):
    """A run recorded with --data documents --participation documents is cited from the cache, by symbol."""
    from upr_lab.review.cite import cite

    use(svn_cache)
    run = tmp_path / "out" / "SVN" / "civil_society"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text('{"analysis": "civil_society", "country": "SVN", "inputs": [], "parameters": '
                                       '{"data": "documents", "participation": "documents"}}', encoding="utf-8")
    text_out = cite(str(run))
    assert "File: A/HRC/59/15 (A_HRC_59_15.pdf), SHA-256 " + dataset.sha256(SVN / "A_HRC_59_15.pdf") in text_out
    assert "Summary of stakeholders' submissions: A_HRC_WG.6_48_SVN_3.pdf" in text_out
