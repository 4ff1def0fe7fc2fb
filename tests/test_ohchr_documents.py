"""A folder of OHCHR documents as a source (reports with their addenda, stakeholder summaries), alone and
with the embedded data; bad documents refused in one line with nothing half-imported."""

import json
import re
import shutil
import warnings
from pathlib import Path

import matplotlib
import pytest

from upr_lab import cli, load
from upr_lab.exceptions import DataError

try:
    from .frames import blank_pdf
except ImportError:
    from frames import blank_pdf

matplotlib.use("Agg")
OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"
SVN = OHCHR / "SVN"


@pytest.fixture(scope="module")
def slovenia():
    return load(SVN)


def test_slovenias_documents_give_four_cycles_with_the_responses_of_the_addenda(slovenia):
    recs = slovenia.recommendations
    assert set(recs["source"]) == {"ohchr"} and set(recs["sur_iso3"]) == {"SVN"}
    counts = recs.groupby(["cycle", "session", "document"])["response"].value_counts().unstack(fill_value=0)
    assert counts.loc[(2, 20, "A/HRC/28/15")].to_dict() == {"noted": 25, "other": 0, "supported": 155}  # = UPR Info
    assert recs.groupby("cycle").size().to_dict() == {1: 103, 2: 180, 3: 223, 4: 262}
    assert recs.groupby("cycle")["paragraph"].nunique().to_dict() == {1: 97, 2: 163, 3: 215, 4: 254}
    by_file = {f["name"]: f for f in slovenia.source["files"]}
    assert by_file["A_HRC_59_15.pdf"]["detected"]["without_response"] == 0
    assert by_file["A_HRC_59_15_Add.1.pdf"]["role"] == "responses"


def test_the_addenda_answer_every_recommendation_left_to_be_examined(slovenia):
    recs = slovenia.recommendations
    numbered = recs.groupby(["document", "paragraph"])["response"].first().reset_index()
    numbered["group"] = numbered["paragraph"].str.split(".").str[0]
    counts = numbered.groupby(["document", "group"])["response"].value_counts().unstack(fill_value=0)
    # the counts each addendum states: "accepts 142 ... notes 21" (cycle 2), "124 are now supported and 33 noted"
    # of 122.x (cycle 3; the 58 of 121.x were supported in the report), "217 are supported and 37 noted" (cycle 4)
    assert counts.loc[("A/HRC/28/15", "115")].to_dict() == {"noted": 21, "other": 0, "supported": 142}
    assert counts.loc[("A/HRC/43/15", "121")].to_dict() == {"noted": 0, "other": 0, "supported": 58}
    assert counts.loc[("A/HRC/43/15", "122")].to_dict() == {"noted": 33, "other": 0, "supported": 124}
    assert counts.loc[("A/HRC/59/15", "140")].to_dict() == {"noted": 37, "other": 0, "supported": 217}


def test_the_folder_gives_participation_too(slovenia):
    participation = slovenia.participation
    assert participation["cycle"].tolist() == [1, 2, 3, 4]
    assert participation["stakeholder_submissions"].tolist() == [7, 7, 11, 12]
    assert participation["nhri_submitted"].tolist() == [False, False, False, True]
    assert participation["national_consultation"].isna().all()


def test_with_the_embedded_data_cycles_one_and_two_are_counted_once():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both = load(f"upr,{SVN}")
        embedded = load("upr")
    svn = both.for_country("SVN")
    assert svn.groupby(["cycle", "source"]).size().to_dict() == {
        (1, "upr-info"): 106, (2, "upr-info"): 180, (3, "ohchr"): 223, (4, "ohchr"): 262}
    assert len(both.recommendations) == len(embedded.recommendations) + 223 + 262
    first, second = both.source["reconciliation"]
    assert first == embedded.source["reconciliation"][0]
    assert (second["first_source"], second["second_source"], second["sessions_in_both"]) == ("upr-info", "ohchr",
                                                                                            [7, 20])
    assert (second["first_rows"], second["second_rows"], second["matched"]) == (286, 283, 275)
    assert second["responses_differ"] == 1  # UK, 111.15: "agrees with the importance of ..." is no acceptance


def test_a_comma_in_an_existing_path_is_a_path(tmp_path):
    folder = tmp_path / "reports,2025"
    folder.mkdir()
    shutil.copy(SVN / "A_HRC_59_15.pdf", folder)
    with pytest.warns(UserWarning, match="no addendum among the documents"):
        data = load(folder)
    assert set(data.recommendations["response"]) == {"other"} and len(data.recommendations) == 262


def test_synthetic_data_is_never_mixed_with_real_data():
    with pytest.raises(DataError, match="synthetic"):
        load(f"synthetic,{SVN}")


def text_pdf(path, text):
    """A PDF with a text layer that is no UPR document (matplotlib writes one)."""
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(8.27, 11.69))
    for i in range(12):
        figure.text(0.05, 0.95 - i * 0.05, text, fontsize=9)
    figure.savefig(path)
    plt.close(figure)
    return path


@pytest.mark.parametrize("make,fragment", [
    (lambda d: text_pdf(d / "minutes.pdf", "Minutes of the meeting of the board, held on 3 May, on the budget."),
     "found no UPR document at its top"),
    (lambda d: blank_pdf(d / "scan.pdf"), "run OCR on it"),
    (lambda d: blank_pdf(d / "locked.pdf", "secret"), "found an encrypted PDF"),
    (lambda d: shutil.copy(OHCHR / "KOR" / "A_HRC_53_11.txt", d / "A_HRC_53_11.txt"), "scrambled"),
])
def test_a_bad_document_in_a_folder_is_refused_in_one_line_and_nothing_is_imported(tmp_path, capsys, make, fragment):
    folder = tmp_path / "documents"
    folder.mkdir()
    for name in ("A_HRC_43_15.pdf", "A_HRC_43_15_Add.1.pdf"):
        shutil.copy(SVN / name, folder)
    bad = Path(make(folder))
    out = tmp_path / "export.csv"
    assert cli.main(["data", "export", "--data", str(folder), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err and bad.name in err
    assert not out.exists()


def test_data_info_names_each_document_and_what_it_was_read_for(capsys):
    assert cli.main(["data", "info", "--data", str(SVN), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    roles = {f["name"]: f["role"] for f in info["files"]}
    assert roles["A_HRC_14_15.pdf"] == "recommendations" and roles["A_HRC_14_15_Add.1.pdf"] == "responses"
    assert roles["A_HRC_WG.6_7_SVN_3.pdf"] == "participation"
    assert info["cycles"] == {"1": 103, "2": 180, "3": 223, "4": 262} and info["by_source"] == {"ohchr": 768}


def test_session_7_differs_from_upr_info_only_where_the_docs_explain(slovenia):
    session_7 = slovenia.recommendations.query("session == 7")
    assert session_7["response"].value_counts().to_dict() == {"supported": 92, "noted": 7, "other": 4}
    assert sorted(session_7.loc[session_7["response"] == "other", "paragraph"]) == ["111.15", "111.3", "111.32",
                                                                                  "111.58"]


def test_a_run_on_several_sources_records_each_file_and_the_named_data_set(tmp_path):
    from upr_lab.runs import job as jobs, provenance

    several = jobs.prepare("compliance_trends", "SVN", data=f"upr,{SVN}", out=tmp_path)
    alone = jobs.prepare("compliance_trends", "SVN", data=str(SVN), out=tmp_path)
    several.destination.mkdir(parents=True)  # input paths are relative to the run folder
    assert several.parameters["data"].startswith("upr,") and Path(several.parameters["data"][4:]).name == "SVN"
    assert [i["path"].split("/")[-1] for i in several.inputs()] == sorted(p.name for p in SVN.iterdir())
    assert provenance.result_parameters(several.parameters)["data"] == "upr,<path>"
    assert several.run_key() != alone.run_key()  # the embedded data set counts for the result
    participation = jobs.prepare("civil_society", "SVN", participation=str(SVN), out=tmp_path)
    participation.destination.mkdir(parents=True)
    roles = {i["path"].split("/")[-1] for i in participation.inputs() if i["role"] == "participation"}
    assert roles == {p.name for p in SVN.glob("A_HRC_WG.6_*_SVN_3.pdf")}  # the summaries, not the reports


def test_data_info_lists_each_report_its_items_by_position_what_it_cites_and_what_it_left_out(tmp_path, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("A_HRC_10_83.pdf", "A_HRC_16_10.pdf"):
        shutil.copy(OHCHR / "wg-reports" / name, folder)
    with pytest.warns(UserWarning, match=r"A_HRC_10_83\.pdf: 1 recommendations A/HRC/10/83 cites by body paragraph "
                                         r"were not found.*48\(c\)"):
        assert cli.main(["data", "info", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "A/HRC/10/83, State under review UZB, session 3" in out
    assert "numbered items:     supported 31, to be examined 12, noted 27" in out
    assert "cited by paragraph: noted 15" in out and "cited, not found:   1 (not rows): 48(c)" in out
    assert "remark:             item 82.93 printed as '84.93" in out
    rows = int(re.search(r"A_HRC_10_83\.pdf .* rows=(\d+)", out).group(1))
    responses = re.search(r"A/HRC/10/83,.*?responses \(rows\):   (.*)", out, re.S).group(1).splitlines()[0]
    counted = dict((name, int(n)) for name, n in (part.rsplit(" ", 1) for part in responses.split(", ")))
    assert set(counted) == {"supported", "noted", "other"} and sum(counted.values()) == rows  # no addendum: pending
