"""DIHR SDG-Human Rights Data Explorer exports: the real files, their traps, and bad input.

The real exports (``../shared/data/dihr``: upr1.xlsx, upr2.xlsx) hold 56,674 rows of UPR cycles 1-2.
Sessions come from the report symbol's Human Rights Council session; the mapping is checked here
against the UPR Info exports, which name Working Group sessions, for every State reviewed in both.
"""

import warnings
from pathlib import Path

import pandas as pd
import pytest

from conftest import cli_in
from upr_lab import load
from upr_lab.sources import calendar
from upr_lab.sources.countries import CountryResolver

try:
    from .independent import count_dihr
except ImportError:
    from independent import count_dihr

DIHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "dihr"
HEADER = ["Goals", "Recommendation", "Tekst", "Targets", "Keywords", "Response", "Recommending state", "Mechanism",
          "Procedures", "Treaties", "Type", "field_year", "Document"]


@pytest.fixture(scope="module")
def dihr():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(DIHR)


def test_real_exports_hold_56674_rows_one_exact_repeat(dihr):
    recs = dihr.recommendations
    files = {f["name"]: f for f in dihr.source["files"]}
    assert files["upr1.xlsx"]["rows"] + files["upr2.xlsx"]["rows"] == 56_674
    assert len(recs) == 56_673 and dihr.source["duplicates"] == 1  # Montenegro, session 15, as in UPR Info
    assert recs.groupby("cycle").size().to_dict() == {1: 20_678, 2: 35_995}
    assert recs["response"].value_counts().to_dict() == {"supported": 41_836, "noted": 14_837}
    assert set(recs["source"]) == {"dihr"} and recs["action_category"].isna().all()
    assert recs.groupby("cycle")["sur_iso3"].nunique().to_dict() == {1: 193, 2: 193}
    assert sorted(recs["session"].unique()) == list(range(1, 27))


def test_counts_match_an_independent_count_for_every_state_and_cycle(dihr):
    expected = count_dihr(DIHR)
    resolver = CountryResolver()
    recs = dihr.recommendations
    found = recs.groupby(["sur_iso3", "cycle"]).agg(n=("response", "size"),
                                                    supported=("response", lambda r: (r == "supported").sum()))
    assert len(expected) == len(found) == 386
    for (name, cycle), (n, supported, noted, councils) in expected.items():
        row = found.loc[(resolver.resolve(name).iso3, cycle)]
        assert (row["n"], row["supported"]) == (n, supported), (name, cycle)
        assert len(councils) == 1, (name, cycle)  # one outcome report per review


def test_council_sessions_map_to_the_working_group_sessions_upr_info_records(dihr, real_data):
    """Sessions 1-20 are in both sources: every State's review has the same session in each."""
    ours = dihr.recommendations[dihr.recommendations["session"] <= 20]
    theirs = real_data.recommendations
    by_review = lambda recs: recs.groupby(["sur_iso3", "cycle"])["session"].agg(lambda s: tuple(sorted(set(s))))
    mine, upr_info = by_review(ours), by_review(theirs)
    assert len(mine) == 193 + 8 * 14  # cycle 1 complete; cycle 2 sessions 13-20, 14 States each
    assert mine.to_dict() == upr_info.reindex(mine.index).to_dict()


def test_council_session_8_holds_working_group_sessions_1_and_2():
    assert [calendar.working_group_session(8, n) for n in (19, 34, 35, 50)] == [1, 1, 2, 2]
    assert calendar.working_group_session(34, 4) == 26 and calendar.working_group_session(35, 1) is None


def test_years_follow_the_session_and_agree_with_field_year(dihr):
    recs = dihr.recommendations
    assert (recs["year"] == recs["session"].map(calendar.year_of)).all()
    assert recs.groupby("cycle")["year"].agg(["min", "max"]).values.tolist() == [[2008, 2011], [2012, 2016]]


def test_rows_without_a_paragraph_keep_their_report_and_session(dihr):
    recs = dihr.recommendations
    bare = recs[recs["paragraph"] == ""]
    assert len(bare) == 2_954 and (bare["document"] != "").all()
    sessions = recs.groupby(["sur_iso3", "cycle"])["session"].nunique()
    assert (sessions == 1).all()


def test_sdg_goals_and_targets(dihr):
    recs = dihr.recommendations
    linked = recs[recs["sdg_goals"].map(len) > 0]
    assert 0.5 < len(linked) / len(recs) < 0.6  # 25,420 rows say "No SDG link identified"
    goals = {g for gs in recs["sdg_goals"] for g in gs}
    assert goals <= set(range(1, 18)) and 16 in goals and 9 in goals  # "9. Industry, innovation and ..." has commas
    targets = [t for ts in recs["sdg_targets"] for t in ts]
    assert "16.10" in targets and "14.b" in targets and "14.B" not in targets
    ambiguous = pd.Series([t for t in targets if "/" in t]).value_counts().to_dict()
    assert ambiguous == {"16.1/16.10": 2_799, "8.1/8.10": 13}


# -- a DIHR export saved as CSV, and bad input -----------------------------------------------------

ROWS = [
    ["16. Peace, justice and strong institutions", "Norway", "Ratify the optional protocol.", "16.10, 17.9", "",
     "Supported", "France", "(Universal Periodic Review)", "", "", "Recommendation", "2009 Cycle 1",
     "Source:A/HRC/13/5|105.1|"],
    ["No SDG link identified", "Norway", "Adopt a law.", "", "", "Noted", "Brazil", "(Universal Periodic Review)", "",
     "", "Recommendation", "2009 Cycle 1", "Source:A/HRC/13/5|105.2|"],
    ["5. Gender equality", "Norway", "End violence against women.", "16.1", "Women and girls", "Supported", "Chile",
     "(Universal Periodic Review)", "", "", "Recommendation", "2009 Cycle 1", "Source:A/HRC/13/5"],
]


def write_csv(path, rows=ROWS, header=HEADER):
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def test_a_csv_export_reads_with_sessions_links_and_ambiguous_targets(tmp_path):
    recs = load(write_csv(tmp_path / "dihr.csv")).recommendations
    assert recs["session"].tolist() == [6, 6, 6] and recs["year"].tolist() == [2009] * 3
    assert recs["document"].tolist() == ["A/HRC/13/5"] * 3
    assert sorted(recs["paragraph"]) == ["", "105.1", "105.2"]
    by_text = recs.set_index("text")
    assert by_text.loc["Ratify the optional protocol.", "sdg_targets"] == ("16.10", "17.9")
    assert by_text.loc["End violence against women.", "sdg_targets"] == ("16.1/16.10",)
    assert by_text.loc["Adopt a law.", "sdg_goals"] == ()


@pytest.fixture
def upr_lab(capsys, monkeypatch, tmp_path):
    """The CLI in-process, from an empty folder (``conftest.cli_in``): (exit status, stderr)."""
    command = cli_in(tmp_path, capsys, monkeypatch)

    def call(*args):
        code, _, err = command(*args)
        return code, err.strip()
    return call


def damaged(tmp_path, row, column, value):
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    return write_csv(tmp_path / "dihr.csv", rows)


@pytest.mark.parametrize("column,value,fragment", [
    ("Response", "Accepted in spirit", "dihr.csv, row 3, column 'Response': found 'Accepted in spirit'; expected "
                                       "Supported or Noted"),
    ("Document", "A/HRC/13/5 para 105", "dihr.csv, row 3, column 'Document': found 'A/HRC/13/5 para 105'; expected a "
                                        "report symbol"),
    ("Document", "Source:A/HRC/45/5|105.1|", "column 'Document': found 'Source:A/HRC/45/5|105.1|'; expected the "
                                             "outcome report of a Human Rights Council session 8-34"),
    ("Recommendation", "Norwey", "dihr.csv, row 3, column 'Recommendation': found 'Norwey', which matches no State; "
                                 "did you mean Norway (NOR)?"),
    ("Recommending state", "CГґte d'Ivoire", "row 3, column 'Recommending state': found \"CГґte d'Ivoire\", which "
                                            "matches no State (the name looks mis-decoded"),
    ("Targets", "16.x", "row 3, column 'Targets': found '16.x'; expected SDG targets"),
    ("Goals", "Peace", "row 3, column 'Goals': found 'Peace'; expected SDG goals"),
    ("field_year", "2009 Cycle 2", "row 3, column 'field_year': found '2009 Cycle 2'; expected the UPR cycle"),
])
def test_bad_values_name_file_row_and_column(upr_lab, tmp_path, column, value, fragment):
    code, err = upr_lab("data", "info", "--data", damaged(tmp_path, 1, column, value))
    assert code == 2 and len(err.splitlines()) == 1
    assert fragment in err, err


def test_a_missing_column_is_named(upr_lab, tmp_path):
    header = [h for h in HEADER if h != "Response"]
    path = write_csv(tmp_path / "dihr.csv", [r[:5] + r[6:] for r in ROWS], header)
    code, err = upr_lab("data", "info", "--data", path)
    assert code == 2 and "dihr.csv" in err and "Response" in err, err


def test_a_row_without_any_document_takes_its_reviews_session(tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("Document")] = ""
    recs = load(write_csv(tmp_path / "dihr.csv", rows)).recommendations
    assert recs["session"].tolist() == [6, 6, 6]
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index("Recommendation")] = "Chile"
    rows[1][HEADER.index("Document")] = ""
    with pytest.raises(Exception, match="row 3, column 'Document'.*no other row of this review"):
        load(write_csv(tmp_path / "dihr.csv", rows))
