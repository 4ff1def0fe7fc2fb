"""UHRI exports (OHCHR's Universal Human Rights Index): no real export can be had here, so these tests
build workbooks in the export's layout (its column names, misspellings included; multi-value cells
one per line with "- " prefixes; other mechanisms' rows mixed in)."""

import openpyxl
import pytest

from upr_lab import cli, load

HEADER = ["Text", "Countries Concerned", "Reccomending Body", "Document Symbol", "Themes", "Affected Persons", "Sdgs",
          "Document Publication Date", "UPR Reccomending States", "UPR Position", "Type", "OHCHR Annotation Id",
          "UPR Session", "Regions Concerned", "Recommending Regions", "Date of publication on UHRI"]
ROWS = [
    ["121.1 Ratify the Optional Protocol to the Convention against Torture", "- Slovenia", "- UPR", "A/HRC/43/15",
     "- Torture and other cruel, inhuman or degrading treatment\n- International instruments", "- Persons deprived of liberty",
     "- 16 - Peace, justice and strong institutions", 43871, "- France\n- Chile", "Supported", "Recommendation",
     "a1b2c3", "34th session", "- Eastern European States", "- Western European and other States\n- Latin American and Caribbean States",
     45000],
    ["121.2 Combat hate speech", "- Slovenia", "- UPR", "A/HRC/43/15", "- Racial discrimination", "", "", 43871,
     "- Holy See", "Noted", "Recommendation", "a1b2c4", "34", "", "", 45000],
    ["122.1 Recognise the Roma community as a national minority", "- Slovenia", "- UPR", "A/HRC/43/15",
     "- Minorities", "- Minorities", "- 10 - Reduced inequalities\n- 16 - Peace, justice and strong institutions",
     43871, "- Austria", "Supported/Noted", "Recommendation", "a1b2c5", "34th session", "", "", 45000],
    ["Adopt a comprehensive anti-discrimination law", "- Slovenia", "- CERD", "CERD/C/SVN/CO/8-11", "- Racial discrimination",
     "", "", 43500, "", "", "Concluding observations", "x9", "", "", "", 45000],
]


def workbook(path, rows=ROWS, header=HEADER):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_upr_rows_become_one_row_per_recommending_state(tmp_path):
    data = load(workbook(tmp_path / "uhri.xlsx"))
    recs = data.recommendations
    assert len(recs) == 4 and set(recs["source"]) == {"uhri"}  # the CERD row is skipped, France and Chile split
    assert sorted(recs["recommender_iso3"]) == ["AUT", "CHL", "FRA", "VAT"]
    assert set(recs["sur_iso3"]) == {"SVN"} and set(recs["session"]) == {34} and set(recs["cycle"]) == {3}
    assert set(recs["year"]) == {2019} and set(recs["document"]) == {"A/HRC/43/15"}
    by_paragraph = recs.set_index("paragraph")
    roma = by_paragraph.loc["122.1"]
    assert roma["response"] == "other" and roma["sdg_goals"] == (10, 16) and roma["issues"] == ("Minorities",)
    assert roma["text"] == "Recognise the Roma community as a national minority"
    torture = recs[recs["paragraph"] == "121.1"]
    assert len(torture) == 2 and set(torture["response"]) == {"supported"}
    assert torture["issues"].iloc[0] == ("Torture and other cruel, inhuman or degrading treatment",
                                         "International instruments")
    assert data.source["files"][0]["detected"]["format"] == "uhri-xlsx"
    assert data.source["files"][0]["detected"]["skipped_other_bodies"] == 1


def test_the_correct_spelling_of_recommending_is_read_too(tmp_path):
    header = [h.replace("Reccomending", "Recommending") for h in HEADER]
    assert len(load(workbook(tmp_path / "uhri.xlsx", header=header)).recommendations) == 4


@pytest.mark.parametrize("column,value,fragment", [
    ("UPR Position", "Accepted", "column 'UPR Position': found 'Accepted'; expected a UPR position"),
    ("UPR Session", "thirty-fourth", "column 'UPR Session': found 'thirty-fourth'; expected a Working Group session"),
    ("Countries Concerned", "- Slovenia\n- Croatia", "expected one State under review"),
    ("UPR Reccomending States", "- Fance", "column 'UPR Reccomending States': found 'Fance', which matches no State"),
    ("Sdgs", "- Peace", "column 'Sdgs': found '- Peace'; expected SDG goals"),
])
def test_bad_values_name_file_row_and_column(tmp_path, capsys, column, value, fragment):
    rows = [list(r) for r in ROWS]
    rows[1][HEADER.index(column)] = value
    code = cli.main(["data", "info", "--data", str(workbook(tmp_path / "uhri.xlsx", rows))])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "uhri.xlsx, row 3" in err and fragment in err, err


def test_the_known_errors_of_the_source_are_corrected_in_excel_too(tmp_path, capsys):
    czech = ["94.1 Adopt a plan", "- Uzbekistan \n - Czechia", "- UPR", "A/HRC/22/3", "", "", "", 41000, "- France",
             "Supported", "Recommendation", "c1", "14", "", "", 45000]
    sudan = ["83.2 Protect children (Egypt);", "- Sudan\r\n - South Sudan\r", "- UPR", "A/HRC/18/16", "", "", "",
             40000, "- Egypt", "Noted", "Recommendation", "s1", "", "", "", 45000]  # no session: the symbol's
    path = workbook(tmp_path / "uhri.xlsx", [*ROWS, czech, sudan])
    data = load(path)
    recs = data.recommendations.set_index("document")
    assert recs.loc["A/HRC/22/3", "sur_iso3"] == "CZE" and recs.loc["A/HRC/18/16", "sur_iso3"] == "SDN"
    assert recs.loc["A/HRC/18/16", "session"] == 11 and recs.loc["A/HRC/18/16", "text"] == "Protect children"
    detected = data.source["files"][0]["detected"]
    assert [(c["symbol"], c["records"]) for c in detected["corrections"]] == [("A/HRC/22/3", 1), ("A/HRC/18/16", 1)]
    assert cli.main(["data", "info", "--data", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  UPR records:        5 (1 of other bodies skipped)" in out
    assert "  corrected:          A/HRC/22/3: 1 record attributed to CZE (labelled Uzbekistan and Czechia" in out


def test_a_row_without_the_known_errors_says_none_was_corrected(tmp_path, capsys):
    assert cli.main(["data", "info", "--data", str(workbook(tmp_path / "uhri.xlsx"))]) == 0
    out = capsys.readouterr().out
    assert "  corrected:          none (no record of the known errors" in out
    assert "  positions as given: Noted 1, Supported 1, Supported/Noted 1 (records;" in out
