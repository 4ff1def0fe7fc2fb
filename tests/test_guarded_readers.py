"""The tabular loaders' guards (issue 22): each cause the fuzzing found becomes one line naming the file (row,
column, sheet or cell), what was found and what was expected; exit 2; nothing written.

Workbooks go through one guarded reader (``upr_lab.sources.formats.workbook``): merged cells, formulas
without a saved value, cells past Excel's limit and sheets past Excel's row limit are refused there, for
every export that comes as a workbook. Canonical tables check their list and integer columns and their
States against the country table, whatever their format.
"""

import os
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
import xlwt

from conftest import cli_in
from upr_lab import load
from upr_lab.exceptions import DataError
from upr_lab.sources.formats import canonical
from upr_lab.sources.formats.participation import read_participation

UPR_INFO_HEADER = ["To", "To-Rgrp", "To-Org", "Text", "From", "From-Rgrp", "From-Org", "Response", "Action", "Issue",
                   "Session"]
UPR_INFO_ROWS = [["Norway", "WEOG", "", "Ratify the optional protocol", "France", "WEOG", "", "Accepted", "4",
                  "International instruments", "6"],
                 ["Norway", "WEOG", "", "Adopt a law on hate speech", "Brazil", "GRULAC", "", "Noted", "3",
                  "Racial discrimination", "6"],
                 ["Norway", "WEOG", "", "Ensure gender equality", "Chile", "GRULAC", "", "Accepted", "2",
                  "Women's rights", "6"]]
UHRI_HEADER = ["Text", "Countries Concerned", "Reccomending Body", "Document Symbol", "UPR Reccomending States",
               "UPR Position", "UPR Session"]
UHRI_ROWS = [["121.1 Ratify the Optional Protocol", "- Slovenia", "- UPR", "A/HRC/43/15", "- France", "Supported",
              "34th session"],
             ["121.2 Combat hate speech", "- Slovenia", "- UPR", "A/HRC/43/15", "- Chile", "Noted", "34"]]
DIHR_HEADER = ["Goals", "Recommendation", "Tekst", "Targets", "Response", "Recommending state", "field_year",
               "Document"]
DIHR_ROWS = [["16. Peace, justice and strong institutions", "Norway", "Ratify the optional protocol.", "16.10",
              "Supported", "France", "2009 Cycle 1", "Source:A/HRC/13/5|105.1|"]]


@pytest.fixture
def upr_lab(capsys, monkeypatch, tmp_path):
    """The CLI in-process, from an empty folder (``conftest.cli_in``): (exit status, stderr lines)."""
    command = cli_in(tmp_path, capsys, monkeypatch)

    def call(*args):
        code, _, err = command(*args)
        return code, err.strip().splitlines()
    return call


def refused(result, *fragments):
    code, lines = result
    assert code == 2 and len(lines) == 1 and lines[0].startswith("upr-lab: error: "), lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def workbook(path, header, rows, title="Sheet1"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in (header, *rows):
        book.active.append(row)
    book.save(path)
    return path


def export_refused(upr_lab, tmp_path, data, *fragments):
    """``data export`` of ``data`` is refused with ``fragments`` in its one line, and writes nothing."""
    out = tmp_path / "out.csv"
    line = refused(upr_lab("data", "export", "--data", data, "--out", out), *fragments)
    assert not out.exists()
    return line


# -- repeated columns, merged cells, formulas --------------------------------------------------------------

@pytest.mark.parametrize("header, rows, column", [(UHRI_HEADER, UHRI_ROWS, "UPR Position"),
                                                   (DIHR_HEADER, DIHR_ROWS, "Response")])
def test_a_column_twice_in_dihr_and_uhri_exports(upr_lab, tmp_path, header, rows, column):
    path = workbook(tmp_path / "export.xlsx", header + [column], [r + [r[header.index(column)]] for r in rows])
    export_refused(upr_lab, tmp_path, path, f"export.xlsx: found the columns '{column}' (column "
                   f"{header.index(column) + 1}) and '{column}' (column {len(header) + 1}) for the same thing; "
                   "expected one column for each")


def test_merged_cells_in_a_upr_info_workbook(upr_lab, tmp_path):
    path = workbook(tmp_path / "export.xlsx", UPR_INFO_HEADER, UPR_INFO_ROWS, title="Recommendations")
    book = openpyxl.load_workbook(path)
    book.active.merge_cells("K2:K4")  # one session shown for three rows: the cells below it are empty
    book.save(path)
    export_refused(upr_lab, tmp_path, path, "export.xlsx: sheet 'Recommendations': found merged cells K2:K4; "
                   "expected one value in each cell (unmerge the cells and fill in each one's value)")


def test_merged_cells_in_a_legacy_xls(upr_lab, tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Export")
    for r, row in enumerate([UPR_INFO_HEADER, *UPR_INFO_ROWS]):
        for c, value in enumerate(row[:-1]):
            sheet.write(r, c, value)
    sheet.write_merge(1, 3, 10, 10, 6)
    book.save(str(tmp_path / "export.xls"))
    export_refused(upr_lab, tmp_path, tmp_path / "export.xls", "export.xls: sheet 'Export': found merged cells K2:K4")


def _with_formula(path, cell, formula, value=None):
    """``path`` with ``cell`` holding ``formula``, and its saved ``value`` as Excel writes it (or none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    saved = f"<v>{value}</v>" if value is not None else ""
    sheet = re.sub(rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)', f'<c r="{cell}" t="str"><f>{formula}</f>{saved}</c>', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def test_uhri_formula_cells_read_their_saved_values(tmp_path):
    path = workbook(tmp_path / "uhri.xlsx", UHRI_HEADER, UHRI_ROWS)
    _with_formula(path, "E2", '"- "&amp;"Austria"', "- Austria")
    recs = load(path).recommendations
    assert sorted(recs["recommender_name"]) == ["Austria", "Chile"]


def test_uhri_formula_without_a_saved_value_names_its_cell(upr_lab, tmp_path):
    path = _with_formula(workbook(tmp_path / "uhri.xlsx", UHRI_HEADER, UHRI_ROWS, title="Export"), "E2",
                         '"- "&amp;"Austria"')
    export_refused(upr_lab, tmp_path, path, "uhri.xlsx: sheet 'Export', cell E2: found a formula without a saved "
                   "value; expected values (open the workbook in Excel and save it, or paste the cells as values)")


# -- limits ------------------------------------------------------------------------------------------------

def test_a_cell_of_a_megabyte_is_refused_naming_the_limit(upr_lab, tmp_path):
    rows = [list(r) for r in UPR_INFO_ROWS]
    rows[1][3] = "x" * (1 << 20)
    path = tmp_path / "export.csv"
    pd.DataFrame(rows, columns=UPR_INFO_HEADER).to_csv(path, index=False)
    line = export_refused(upr_lab, tmp_path, path, "export.csv, row 3: found a field longer than 131,072 characters; "
                          "expected at most 32,767 (the limit for a cell")
    assert len(line) < 300


def test_a_workbook_cell_past_excels_limit(upr_lab, tmp_path, monkeypatch):
    from upr_lab.sources.formats import workbook as guarded

    monkeypatch.setattr(guarded, "MAX_CELL_CHARS", 20)  # openpyxl cannot write a cell past Excel's own limit
    path = workbook(tmp_path / "export.xlsx", UPR_INFO_HEADER, UPR_INFO_ROWS)
    export_refused(upr_lab, tmp_path, path, "export.xlsx: sheet 'Sheet1', cell D2: found 28 characters; expected at "
                   "most 20 (Excel's limit for a cell)")


def test_a_workbook_larger_than_the_size_limit(upr_lab, tmp_path, monkeypatch):
    from upr_lab.sources.formats import workbook as guarded

    monkeypatch.setattr(guarded, "MAX_WORKBOOK_BYTES", 1000)
    path = workbook(tmp_path / "export.xlsx", UPR_INFO_HEADER, UPR_INFO_ROWS)
    export_refused(upr_lab, tmp_path, path, "export.xlsx: found a workbook of 0 MB; expected at most 0 MB (the "
                   "workbook size limit)")


# -- canonical tables ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load().recommendations.head(6).reset_index(drop=True)


def _parquet(frame, path):
    lists = {c: frame[c].map(lambda v: list(v) if isinstance(v, tuple) else v) for c in ("issues", "sdg_goals",
                                                                                        "sdg_targets")}
    frame.assign(**lists).to_parquet(path, index=False)
    return path


def test_a_string_where_a_parquet_list_belongs(upr_lab, tmp_path, sample):
    path = _parquet(sample.assign(issues="Women's rights"), tmp_path / "canonical.parquet")
    export_refused(upr_lab, tmp_path, path, "canonical.parquet, row 1, column 'issues': found \"Women's rights\" "
                   "(text); expected a list of texts (Parquet list column)")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("column, code", [("sur_iso3", "XXX"), ("recommender_iso3", "YUG")])
def test_codes_of_no_state_in_canonical_tables(upr_lab, tmp_path, sample, suffix, column, code):
    frame = sample.copy()
    frame.loc[2, column] = code
    path = tmp_path / f"canonical{suffix}"
    if suffix == ".csv":
        canonical.write(sample, path)
        path.write_text(_csv_with(path, 3, column, code), encoding="utf-8")
    else:
        _parquet(frame, path)
    row = 3 if suffix == ".parquet" else 4
    export_refused(upr_lab, tmp_path, path, f"canonical{suffix}, row {row}, column '{column}': found '{code}', which "
                   "is no State in upr-lab's country table; expected the ISO 3166 alpha-3 code of a State")


def _csv_with(path, record, column, value):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[record - 1, column] = value
    return frame.to_csv(index=False, lineterminator="\n")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_session_22_5_is_refused_not_rounded(upr_lab, tmp_path, sample, suffix):
    path = tmp_path / f"canonical{suffix}"
    if suffix == ".parquet":
        _parquet(sample.assign(session=sample["session"].astype(float)).assign(session=lambda f: f["session"] + 0.5),
                 path)
    else:
        canonical.write(sample, path)
        path.write_text(_csv_with(path, 1, "session", "22.5"), encoding="utf-8")
    row = 1 if suffix == ".parquet" else 2
    export_refused(upr_lab, tmp_path, path, f"canonical{suffix}, row {row}, column 'session': found '",
                   "expected a whole number")


def test_a_number_of_thousands_of_digits(upr_lab, tmp_path, sample):
    path = canonical.write(sample, tmp_path / "canonical.csv")
    path.write_text(_csv_with(path, 2, "year", "9" * 5000), encoding="utf-8")
    line = export_refused(upr_lab, tmp_path, path, "canonical.csv, row 3, column 'year': found '999",
                          "(5,000 characters); expected a whole number")
    assert len(line) < 300


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_empty_table_is_refused_whatever_its_format(upr_lab, tmp_path, sample, suffix):
    path = tmp_path / f"canonical{suffix}"
    if suffix == ".parquet":
        _parquet(sample.head(0), path)
    else:
        path.write_text(",".join(sample.columns) + "\n", encoding="utf-8")
    export_refused(upr_lab, tmp_path, path, f"canonical{suffix}: found ", "expected a table with at least one row"
                   if suffix == ".csv" else "expected at least one row of data")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_canonical_table_passed_as_participation(tmp_path, sample, suffix):
    path = tmp_path / f"canonical{suffix}"
    canonical.write(sample, path) if suffix == ".csv" else _parquet(sample, path)
    with pytest.raises(DataError, match=rf"canonical\{suffix}: found the columns rec_id, source, cycle, .*, without "
                                        "stakeholder_submissions, joint_submissions, nhri_submitted, "
                                        "national_consultation; expected the columns sur_iso3, cycle"):
        read_participation(path)


def test_a_participation_count_of_twenty_digits(tmp_path):
    path = tmp_path / "participation.csv"
    path.write_text("sur_iso3,cycle,stakeholder_submissions,joint_submissions,nhri_submitted,national_consultation\n"
                    "NOR,1,100000000000000000000,,,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"participation.csv, row 2, column 'stakeholder_submissions': found "
                                        r"'100000000000000000000'; expected a whole number 0 or more \(at most 99,999\)"):
        read_participation(path)


# -- what --data names ---------------------------------------------------------------------------------------

def test_data_naming_a_fifo_or_a_device_is_refused_without_waiting(upr_lab, tmp_path):
    os.mkfifo(tmp_path / "exports.csv")
    export_refused(upr_lab, tmp_path, tmp_path / "exports.csv", "exports.csv: found a FIFO (named pipe), not a "
                   "regular file; expected")
    export_refused(upr_lab, tmp_path, "/dev/null", "/dev/null: found a device, not a regular file; expected")


def test_a_participation_table_naming_a_fifo_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "participation.csv")
    with pytest.raises(DataError, match="participation.csv: found a FIFO \\(named pipe\\); expected a file"):
        read_participation(tmp_path / "participation.csv")


def test_a_real_dihr_export_still_reads_through_the_guarded_reader():
    """The real exports: no merged cells, no formulas without values, within every limit."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "shared" / "data" / "dihr" / "upr1.xlsx"
    if not path.is_file():
        pytest.skip(f"the real DIHR export is expected at {path}")
    from upr_lab.sources import tables

    table = tables.read_table(path)
    assert len(table.rows) == 20_678 and table.row_numbers[0] == 2 and table.detected == {"format": "xlsx"}


def test_a_workbook_read_by_an_interrupted_reader_arrives_whole(tmp_path, interrupted_children):
    """The reader's answer (a pickle of the sheet, megabytes) reaches this process whole even where signals cut
    its writes short: before, an unbuffered reader lost the rest of its answer and the load failed."""
    from upr_lab.sources import tables

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["rec_id", "text"])
    for k in range(3000):
        sheet.append([f"R{k}", f"recommendation {k} " * 20])
    book.save(tmp_path / "big.xlsx")
    table = tables.read_table(tmp_path / "big.xlsx")
    assert len(table.rows) == 3000 and table.rows.iloc[-1].tolist() == ["R2999", "recommendation 2999 " * 20]
