"""Researchers' own coding of implementation: sheets, agreement between coders, the merged table."""

import math

import numpy as np
import openpyxl
import pandas as pd
import pytest

from upr_lab import cli, load
from upr_lab.exceptions import DataError
from upr_lab.sources.formats import coding_sheet
from upr_lab.stats import agreement as agreement_mod, coding

STATUSES = ["fully", "partially", "not", "unclear"]


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("sheets") / "SVN-1.xlsx"
    assert cli.main(["code", "sheet", "--country", "SVN", "--cycle", "1", "--out", str(path)]) == 0
    return path


def coded(blank, folder, name, statuses, coder=None):
    """A copy of the blank sheet coded with ``statuses`` (cycled over the rows)."""
    book = openpyxl.load_workbook(blank)
    sheet = book["coding"]
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, coding_sheet.HEADER.index("status") + 1, statuses[(r - 2) % len(statuses)])
        sheet.cell(r, coding_sheet.HEADER.index("coder") + 1, coder or name)
    path = folder / f"{name}.xlsx"
    book.save(path)
    return path


def test_the_sheet_holds_the_states_recommendations_with_only_the_coding_columns_open(blank):
    book = openpyxl.load_workbook(blank)
    sheet = book["coding"]
    assert [c.value for c in sheet[1]] == coding_sheet.HEADER
    assert sheet.max_row - 1 == len(load().recommendations.query("sur_iso3 == 'SVN' and cycle == 1")) == 106
    assert sheet.protection.sheet and book["upr-lab"].sheet_state == "hidden"
    status, text = (coding_sheet.HEADER.index(c) + 1 for c in ("status", "text"))
    assert not sheet.cell(2, status).protection.locked and sheet.cell(2, text).protection.locked
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == '"fully,partially,not,unclear"' and "F2:F107" in str(validation.sqref)


def test_krippendorffs_published_example_is_reproduced():
    nan = np.nan  # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units
    codes = pd.DataFrame({"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
                          "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
                          "C": [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
                          "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]})
    assert agreement_mod.krippendorff_alpha(codes) == pytest.approx(0.743, abs=5e-4)
    assert agreement_mod.krippendorff_alpha(codes, "ordinal", [1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=5e-4)


def test_cohens_kappa_is_the_textbook_formula():
    first = pd.Series(["fully"] * 20 + ["not"] * 15 + ["fully"] * 5 + ["not"] * 10)
    second = pd.Series(["fully"] * 20 + ["not"] * 15 + ["not"] * 5 + ["fully"] * 10)
    observed, expected = 35 / 50, (25 / 50) * (30 / 50) + (25 / 50) * (20 / 50)
    assert agreement_mod.cohens_kappa(first, second, STATUSES) == pytest.approx((observed - expected) / (1 - expected))


def test_agree_measures_two_coders_and_lists_where_they_differ(blank, tmp_path, capsys):
    first = coded(blank, tmp_path, "ana", ["fully", "partially", "not", "not"])
    second = coded(blank, tmp_path, "ben", ["fully", "partially", "not", "fully"])  # every 4th row differs
    out = tmp_path / "disagreements.csv"
    assert cli.main(["code", "agree", str(first), str(second), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Krippendorff's alpha (nominal)" in printed and "Cohen's kappa (ana vs ben)" in printed
    disagreements = pd.read_csv(out)
    assert len(disagreements) == 106 // 4 + (1 if 106 % 4 > 3 else 0)
    assert set(disagreements["ana"]) == {"not"} and set(disagreements["ben"]) == {"fully"}
    kappa = coding.agree([first, second]).summary.set_index("measure").loc["Cohen's kappa (ana vs ben)"]
    assert 0 < kappa["ci_low"] <= kappa["estimate"] <= kappa["ci_high"] < 1 and not math.isnan(kappa["estimate"])


def test_merge_writes_the_majority_status_the_analyses_read(blank, tmp_path):
    sheets = [coded(blank, tmp_path, name, statuses) for name, statuses in
              (("ana", ["fully", "not"]), ("ben", ["fully", "partially"]), ("cat", ["unclear", "partially"]))]
    out = tmp_path / "implementation.csv"
    assert cli.main(["code", "merge", *map(str, sheets), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert set(table["implementation"]) == {"fully", "partially"} and len(table) == 106  # 2 of 3 agree on each
    data = load("upr", assessments=out)
    assert data.for_country("SVN").query("cycle == 1")["implementation"].isin(["fully", "partially"]).all()


@pytest.mark.parametrize("spoil,fragment", [
    (lambda sheet: sheet.cell(2, 1, "R000000000000"), "not the 106 the sheet was written with"),
    (lambda sheet: sheet.cell(3, 6, "done"), "found the status 'done'"),
    (lambda sheet: sheet.delete_rows(5), "not the 106 the sheet was written with"),
    (lambda sheet: sheet.cell(4, 9, "someone else"), "one coder per sheet"),
])
def test_bad_sheets_are_refused_in_one_line(blank, tmp_path, capsys, spoil, fragment):
    good = coded(blank, tmp_path, "ana", ["fully"])
    book = openpyxl.load_workbook(coded(blank, tmp_path, "ben", ["not"]))
    spoil(book["coding"])
    book.save(tmp_path / "ben.xlsx")
    assert cli.main(["code", "agree", str(good), str(tmp_path / "ben.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and fragment in err and "ben.xlsx" in err


def test_coders_of_different_recommendations_are_refused(blank, tmp_path):
    other = tmp_path / "SVN-2.xlsx"
    assert cli.main(["code", "sheet", "--country", "SVN", "--cycle", "2", "--out", str(other)]) == 0
    with pytest.raises(DataError, match="expected SVN, cycle 1"):
        coding.agree([coded(blank, tmp_path, "ana", ["not"]), other])


def test_a_run_reads_the_merged_table_as_an_input(blank, tmp_path):
    from upr_lab.runs import job as jobs, preflight

    sheets = [coded(blank, tmp_path, name, ["fully", "not"]) for name in ("ana", "ben")]
    table = tmp_path / "implementation.csv"
    coding.merge(sheets, table)
    prepared = preflight.check_run("compliance_trends", "SVN", out=tmp_path / "out",
                                   parameters={"implementation": str(table)})
    prepared.destination.mkdir(parents=True)
    assert [(i["role"], i["path"].split("/")[-1]) for i in prepared.inputs()] == [("implementation",
                                                                                     "implementation.csv")]
    bad = tmp_path / "bad.csv"
    bad.write_text("rec_id,implementation\nR000000000000,fully\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected a rec_id of the data"):
        preflight.check_run("compliance_trends", "SVN", out=tmp_path / "out", parameters={"implementation": str(bad)})
