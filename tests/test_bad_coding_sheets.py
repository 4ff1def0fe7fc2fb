"""Coding sheets that are damaged, edited out of shape or partly coded (``upr-lab code agree|merge``):
one line naming the file (sheet, row, column), what was found and what was expected, exit 2, nothing written;
a partly coded sheet (a blank status, which the user guide allows: docs/guide/coding.md) is measured on what two coders coded."""

import zipfile

import numpy as np
import openpyxl
import pytest

from upr_lab import cli
from upr_lab.sources.formats import coding_sheet, workbook
from upr_lab.stats import agreement as agreement_mod

try:
    from .test_bad_input import assert_refused, upr_lab  # noqa: F401 (a fixture)
except ImportError:
    from test_bad_input import assert_refused, upr_lab  # noqa: F401

STATUS, CODER = coding_sheet.HEADER.index("status") + 1, coding_sheet.HEADER.index("coder") + 1


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """A blank sheet of Slovenia's cycle-1 recommendations, and two coders' copies, ann's partly coded."""
    folder = tmp_path_factory.mktemp("sheets")
    blank = folder / "blank.xlsx"
    assert cli.main(["code", "sheet", "--country", "SVN", "--cycle", "1", "--out", str(blank)]) == 0
    ann = coded(blank, folder / "ann.xlsx", ["fully", "not", None, "partially", None], "ann")
    bob = coded(blank, folder / "bob.xlsx", ["fully", "partially", "not", "partially"], "bob")
    return blank, ann, bob


def coded(blank, path, statuses, coder):
    book = openpyxl.load_workbook(blank)
    sheet = book["coding"]
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, STATUS, statuses[(r - 2) % len(statuses)])
        sheet.cell(r, CODER, coder)
    book.save(path)
    return path


def rewritten(source, path, part, change):
    """A copy of the workbook ``source`` whose zip member ``part`` is ``change(bytes)`` (None: left out)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == part:
                data = change(data)
            if data is not None:
                new.writestr(item, data)
    return path


def edited_meta(source, path, edit):
    book = openpyxl.load_workbook(source)
    edit(book[coding_sheet.META])
    book.save(path)
    return path


CODING_XML, META_XML = "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"
DAMAGED = {
    "cut in half": (lambda p, ann: p.write_bytes(ann.read_bytes()[:len(ann.read_bytes()) // 2]),
                    "found a damaged or truncated workbook: not a zip archive (or one cut short)"),
    "empty": (lambda p, ann: p.write_bytes(b""), "found a damaged or truncated workbook: not a zip archive"),
    "a CSV renamed .xlsx": (lambda p, ann: p.write_text("rec_id,status\nR1,fully\n"), "not a zip archive"),
    "its sheet's XML cut short": (lambda p, ann: rewritten(ann, p, CODING_XML, lambda d: d[:len(d) // 3]),
                                  "found a damaged or truncated workbook: malformed XML"),
    "the hidden sheet's XML garbled": (lambda p, ann: rewritten(ann, p, META_XML, lambda d: b"garbage<<" + d),
                                       "malformed XML"),
    "workbook.xml malformed": (lambda p, ann: rewritten(ann, p, "xl/workbook.xml", lambda d: b"<notxml"),
                               "malformed XML"),
    "workbook.xml missing": (lambda p, ann: rewritten(ann, p, "xl/workbook.xml", lambda d: None),
                             "found a damaged or truncated workbook"),
}


@pytest.mark.parametrize("command", ["agree", "merge"])
@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_workbook_is_one_line_and_nothing_is_written(upr_lab, sheets, tmp_path, case, command):
    _, ann, bob = sheets
    damage, fragment = DAMAGED[case]
    bad = tmp_path / "damaged.xlsx"
    damage(bad, ann)
    out = tmp_path / "out.csv"
    assert_refused(upr_lab("code", command, bob, bad, "--out", out), "damaged.xlsx: ", fragment,
                   "expected a coding sheet (.xlsx) written by `upr-lab code sheet`")
    assert not out.exists()


META_CASES = {
    "no cycle row": (lambda m: m.delete_rows(2), "found no row cycle; expected the rows country, "
                                                 "cycle, data_source, rows, ids_sha256"),
    "no country row": (lambda m: m.delete_rows(1), "found no row country"),
    "a cycle in words": (lambda m: m.__setitem__("B2", "two"), "found cycle 'two'; expected a "
                                                               "UPR cycle 1-4"),
    "a fractional cycle": (lambda m: m.__setitem__("B2", 1.5), "found cycle 1.5; expected a UPR cycle 1-4"),
    "an empty cycle": (lambda m: m.__setitem__("B2", None), "found cycle (empty); expected a UPR cycle 1-4"),
    "cycle 7": (lambda m: m.__setitem__("B2", 7), "found cycle 7; expected a UPR cycle 1-4"),
    "rows in words": (lambda m: m.__setitem__("B4", "many"), "found rows 'many'; expected a number of rows"),
    "a country that is no code": (lambda m: m.__setitem__("B1", 12), "found country 12; expected an ISO3 code"),
}


@pytest.mark.parametrize("case", list(META_CASES))
def test_a_hidden_sheet_without_its_rows_or_with_a_wrong_value(upr_lab, sheets, tmp_path, case):
    _, ann, bob = sheets
    edit, fragment = META_CASES[case]
    bad = edited_meta(ann, tmp_path / "edited.xlsx", edit)
    out = tmp_path / "merged.csv"
    assert_refused(upr_lab("code", "merge", bad, bob, "--out", out), "edited.xlsx (sheet 'upr-lab'): ", fragment)
    assert not out.exists()


def test_a_workbook_without_the_hidden_sheet_names_the_sheets_found(upr_lab, sheets, tmp_path):
    _, ann, bob = sheets
    book = openpyxl.load_workbook(ann)
    del book[coding_sheet.META]
    book.save(tmp_path / "plain.xlsx")
    assert_refused(upr_lab("code", "agree", tmp_path / "plain.xlsx", bob), "plain.xlsx: found the sheets 'coding'; "
                   "expected the sheets 'coding' and 'upr-lab'")


def cell_xml(ann, path, cell, value_xml):
    """A copy of ``ann`` whose cell ``cell`` of the coding sheet holds ``value_xml`` (inline XML)."""
    def change(data):
        start = data.index(f'<c r="{cell}"'.encode())
        end = data.index(b"</c>", start) + len(b"</c>")
        return data[:start] + f'<c r="{cell}" '.encode() + value_xml + b"</c>" + data[end:]
    return rewritten(ann, path, CODING_XML, change)


@pytest.mark.parametrize("cell,value_xml,fragments", [
    ("D3", b't="inlineStr"><is><t>' + b"x" * (2**20 + 10) + b"</t></is>",
     ["(sheet 'coding'), row 3, column 'text': found a cell of 1,048,586 characters; expected at most 32,767 "
      "(the limit on a cell)"]),
    ("B2", b't="n"><v>' + b"9" * 400 + b"</v>",
     ["(sheet 'coding'), row 2, column 'session': found a number of 400 digits; expected at most 100 (the limit on "
      "the digits"]),
    ("B2", b't="n"><v>' + b"9" * 5000 + b"</v>",
     ["found a number of more than 4,300 digits; expected at most 100 (the limit on the digits of a number)"]),
])
def test_a_huge_cell_or_number_names_the_limit(upr_lab, sheets, tmp_path, cell, value_xml, fragments):
    _, ann, bob = sheets
    bad = cell_xml(ann, tmp_path / "huge.xlsx", cell, value_xml)
    line = assert_refused(upr_lab("code", "agree", bad, bob), "huge.xlsx", *fragments)
    assert len(line) < 400


def test_a_workbook_past_the_unzipped_limit_is_refused_before_it_is_parsed(upr_lab, sheets, tmp_path, monkeypatch):
    _, ann, bob = sheets
    monkeypatch.setattr(workbook, "MAX_WORKBOOK_UNZIPPED_BYTES", 10_000)
    assert_refused(upr_lab("code", "agree", ann, bob), "ann.xlsx: found a workbook of 0 MB once unzipped",
                   "(the limit on an unzipped workbook)")


def test_a_row_added_past_those_written_is_refused_at_that_row(upr_lab, sheets, tmp_path):
    _, ann, bob = sheets
    book = openpyxl.load_workbook(ann)
    book["coding"]["A200"] = "R-extra"
    book.save(tmp_path / "added.xlsx")
    assert_refused(upr_lab("code", "merge", tmp_path / "added.xlsx", bob, "--out", tmp_path / "m.csv"),
                   "added.xlsx (sheet 'coding'), row 200: found more than the 106 recommendations the sheet was "
                   "written with")


def test_wholly_empty_rows_between_the_codes_are_skipped(sheets, tmp_path):
    _, ann, _ = sheets
    book = openpyxl.load_workbook(ann)
    book["coding"].insert_rows(10, 3)
    book.save(tmp_path / "gaps.xlsx")
    assert len(coding_sheet.read_sheet(tmp_path / "gaps.xlsx").codes) == 106


def test_a_wrong_status_is_named_at_its_row_in_the_workbook(upr_lab, sheets, tmp_path):
    _, ann, bob = sheets
    book = openpyxl.load_workbook(ann)
    book["coding"].insert_rows(3)  # a blank row: the bad status is on the workbook's row 8, the 6th code
    book["coding"].cell(8, STATUS, "Partly")
    book.save(tmp_path / "partly.xlsx")
    assert_refused(upr_lab("code", "agree", tmp_path / "partly.xlsx", bob),
                   "partly.xlsx (sheet 'coding'), row 8, column 'status': found the status 'partly'")


def test_agreement_on_a_partly_coded_sheet_counts_what_both_coded(upr_lab, sheets, tmp_path):
    """ann left two rows in five blank: alpha and kappa are those of the rows both coded, and the rows left
    out are counted and said."""
    _, ann, bob = sheets
    code, out, err = upr_lab("code", "agree", ann, bob, "--out", tmp_path / "differ.csv")
    assert code == 0, err
    codes = _both(ann, bob)
    both = codes[(codes != "").all(axis=1)]
    assert len(both) < len(codes)
    alpha = agreement_mod.krippendorff_alpha(both)
    assert np.isfinite(alpha)
    assert f"Krippendorff's alpha (nominal): {alpha:.3f}" in out
    assert f"{len(both)} recommendations coded by two or more" in out
    assert (f"{len(codes) - len(both)} of {len(codes)} recommendations left out: coded by fewer than two coders "
            "(a blank status: not coded yet)") in out
    assert (tmp_path / "differ.csv").is_file()


def test_merge_of_a_partly_coded_sheet_keeps_the_majority_of_those_who_coded(upr_lab, sheets, tmp_path):
    _, ann, bob = sheets
    code, out, err = upr_lab("code", "merge", ann, bob, "--out", tmp_path / "m.csv")
    assert code == 0, err
    codes = _both(ann, bob)
    agreeing = codes[(codes["ann"] == codes["bob"]) | (codes["ann"] == "")]
    assert out.startswith(f"wrote {len(agreeing[agreeing['bob'].isin(['fully', 'partially', 'not'])])} "
                          "implementation statuses")
    assert "not coded by anyone" not in out  # bob coded every row


def test_merge_counts_the_recommendations_no_one_coded(upr_lab, sheets, tmp_path):
    _, ann, _ = sheets
    blank_bob = coded(sheets[0], tmp_path / "bob.xlsx", [None], "bob")
    code, out, err = upr_lab("code", "merge", ann, blank_bob, "--out", tmp_path / "m.csv")
    assert code == 0, err
    codes = _both(ann, blank_bob)
    nobody = int((codes == "").all(axis=1).sum())
    assert nobody > 0 and out.rstrip().endswith(f"; {nobody} not coded by anyone yet")


def _both(ann, bob):
    from upr_lab.stats.coding import coded as read_codes

    return read_codes([ann, bob])[0]
