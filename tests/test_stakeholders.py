"""Summaries of stakeholders' submissions (official OHCHR documents, PDF or text) -> participation rows."""

from pathlib import Path

import pytest

from upr_lab import cli
from upr_lab.exceptions import DataError

try:
    from .frames import blank_pdf
except ImportError:
    from frames import blank_pdf
from upr_lab.sources.ohchr import stakeholders

OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"


@pytest.mark.parametrize("document,expected", [
    # (stated N, joint submissions listed, NHRI section), read in the documents
    ("SVN/A_HRC_WG.6_7_SVN_3.pdf", ("SVN", 1, 7, 7, 1, False)),  # "seven"; the B-status Ombudsman has no section
    ("SVN/A_HRC_WG.6_20_SVN_3.pdf", ("SVN", 2, 20, 7, 0, False)),  # only the boilerplate sentence
    ("SVN/A_HRC_WG.6_34_SVN_3.pdf", ("SVN", 3, 34, 11, 4, False)),  # JS1-JS4; 'JS384' is JS3 with footnote 84
    ("SVN/A_HRC_WG.6_48_SVN_3.pdf", ("SVN", 4, 48, 12, 3, True)),  # "II. Information provided by the NHRI"
    ("stakeholder-summaries/A_HRC_WG.6_50_USA_3.txt", ("USA", 4, 50, 155, 68, False)),  # JS1-JS75, 7 numbers unused
    ("stakeholder-summaries/A_HRC_WG.6_52_DNK_3.txt", ("DNK", 4, 52, 16, 2, True)),
])
def test_real_summaries_give_the_stated_n_and_the_nhri_section(document, expected):
    row = stakeholders.summary_row(OHCHR / document)
    found = tuple(row[k] for k in ("sur_iso3", "cycle", "session", "stakeholder_submissions", "joint_submissions",
                                   "nhri_submitted"))
    assert found == expected and row["national_consultation"] is None


def test_participation_extract_writes_a_csv_to_check_and_complete(tmp_path, capsys):
    out = tmp_path / "participation.csv"
    assert cli.main(["participation", "extract", str(OHCHR / "SVN"), str(OHCHR / "stakeholder-summaries"),
                     "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("sur_iso3,cycle,session,stakeholder_submissions,joint_submissions,nhri_submitted,"
                        "national_consultation,document")
    assert lines[1:] == ["DNK,4,52,16,2,true,,A/HRC/WG.6/52/DNK/3", "SVN,1,7,7,1,false,,A/HRC/WG.6/7/SVN/3",
                         "SVN,2,20,7,0,false,,A/HRC/WG.6/20/SVN/3", "SVN,3,34,11,4,false,,A/HRC/WG.6/34/SVN/3",
                         "SVN,4,48,12,3,true,,A/HRC/WG.6/48/SVN/3", "USA,4,50,155,68,false,,A/HRC/WG.6/50/USA/3"]
    assert "fill in national_consultation" in capsys.readouterr().out


def test_numbers_in_words():
    assert [stakeholders._number(w) for w in ("seven", "16", "twenty-one", "Thirty", "many")] == [7, 16, 21, 30, None]


def text_file(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("make,fragment", [
    (lambda d: blank_pdf(d / "A_HRC_WG.6_7_SVN_3.pdf"), "found no text layer (a scanned document?)"),
    (lambda d: blank_pdf(d / "A_HRC_WG.6_7_SVN_3.pdf", "secret"), "found an encrypted PDF"),
    (lambda d: text_file(d / "A_HRC_WG.6_7_SVN_3.pdf", "hello"), "found no PDF header"),
    (lambda d: OHCHR / "SVN" / "A_HRC_14_15.pdf", "expected the summary of stakeholders' submissions"),
])
def test_documents_that_cannot_be_used_are_refused_in_one_line(tmp_path, capsys, make, fragment):
    path = make(tmp_path)
    with pytest.raises(DataError) as refused:
        stakeholders.summary_row(path)
    assert fragment in str(refused.value) and path.name in str(refused.value)
    assert cli.main(["participation", "extract", str(path), "--out", str(tmp_path / "p.csv")]) == 2
    assert not (tmp_path / "p.csv").exists()
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
