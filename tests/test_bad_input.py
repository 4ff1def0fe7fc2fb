"""Bad input is refused with one line naming the file (row, column), what was found and what was expected.

Every case goes through the ``upr-lab`` command (in-process for speed, plus real subprocesses for the
exit status, the single stderr line and ``--debug``), mostly on deliberately damaged copies of the
real UPR Info exports (Mac Roman, CR line endings, as UPR Info ships them). ``run`` and ``batch``
must refuse bad participation tables, States and parameters before any notebook runs, and write
nothing.
"""

import csv
import io
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import cli_in
from upr_lab import cli, load
from upr_lab.sources.formats import canonical

try:
    from .independent import count_exports
except ImportError:
    from independent import count_exports

UPR_LAB = str(Path(sys.executable).parent / "upr-lab")
PARTICIPATION_HEADER = ("sur_iso3,cycle,stakeholder_submissions,joint_submissions,nhri_submitted,"
                        "national_consultation")
RESPONSE, ACTION, TO, FROM = 7, 8, 0, 4  # field positions in the research archive's exports


# -- helpers ---------------------------------------------------------------------------------------

@pytest.fixture
def upr_lab(capsys, monkeypatch, tmp_path):
    """Call the CLI in-process from an empty working folder; fail the test if any notebook starts."""
    return cli_in(tmp_path, capsys, monkeypatch)


def assert_refused(result, *fragments):
    """Exit status 2 and exactly one stderr line, ``upr-lab: error: ...``, holding every fragment."""
    code, _, err = result
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, f"expected one line, got:\n{err}"
    assert lines[0].startswith("upr-lab: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


def copy_export(upr_info_dir, folder, name="1-5.csv"):
    """A writable copy of one real export in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(upr_info_dir / name, target)
    target.chmod(0o644)
    return target


def rows_of(path):
    """The lines of a Mac Roman, CR-terminated export (line i + 1 is row i + 1 of the file, header = 1)."""
    return path.read_bytes().split(b"\r")


def fields(line):
    return next(csv.reader([line.decode("mac_roman")]))


def rewrite_row(path, after, predicate, change):
    """Change the first row past row ``after`` whose fields satisfy ``predicate``; its row number.

    The row is written back in the file's own encoding and line endings (Mac Roman, CR).
    """
    lines = rows_of(path)
    for index in range(after, len(lines)):
        found = fields(lines[index]) if lines[index] else []
        if len(found) == 11 and predicate(found):
            out = io.StringIO()
            csv.writer(out, lineterminator="").writerow(change(list(found)))
            lines[index] = out.getvalue().encode("mac_roman")
            path.write_bytes(b"\r".join(lines))
            return index + 1
    raise AssertionError("no row to damage")


def replace_field(position, value):
    def change(found):
        found[position] = value
        return found
    return change


def participation(folder, *rows, name="participation.csv"):
    path = folder / name
    path.write_text("\n".join([PARTICIPATION_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def params_file(folder, text, name="params.yaml"):
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# -- missing, empty, not a table -------------------------------------------------------------------

def test_missing_file_or_folder(upr_lab, tmp_path):
    assert_refused(upr_lab("data", "info", "--data", tmp_path / "nowhere.csv"),
                   "nowhere.csv: no such file or folder; expected 'upr', 'synthetic', 'uhri', 'documents', an export "
                   "file or a folder of exports")
    assert_refused(upr_lab("data", "info", "--data", tmp_path / "exports"), "exports: no such file or folder")


def test_empty_file_and_empty_folder(upr_lab, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "blank.csv").write_bytes(b"\r\r  \r")
    (tmp_path / "nothing").mkdir()
    assert_refused(upr_lab("data", "info", "--data", tmp_path / "empty.csv"),
                   "empty.csv: the file is empty; expected a table with a header row")
    assert_refused(upr_lab("data", "info", "--data", tmp_path / "blank.csv"), "blank.csv: the file is empty")
    assert_refused(upr_lab("data", "info", "--data", tmp_path / "nothing"),
                   "nothing: the folder holds no readable table or document (.csv")


@pytest.mark.parametrize("with_nul", [True, False])
def test_random_bytes_saved_as_csv(upr_lab, tmp_path, with_nul):
    noise = random.Random(5).randbytes(20000)
    path = tmp_path / "export.csv"
    path.write_bytes(noise if with_nul else noise.replace(b"\x00", b""))
    assert_refused(upr_lab("data", "info", "--data", path),
                   "export.csv: found binary content, not text; expected a text table (CSV) or an Excel workbook")


def test_real_export_truncated_mid_row(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    lines = rows_of(path)
    cut = 3001  # keep the header and rows 2-3000, then the first fields of row 3001
    line = lines[cut - 1]
    kept = line[:line.rindex(b"," + fields(line)[RESPONSE].encode() + b",")]
    path.write_bytes(b"\r".join(lines[:cut - 1] + [kept]))
    assert_refused(upr_lab("data", "info", "--data", path),
                   f"1-5.csv, row {cut}: found {len(fields(kept))} fields; expected 11, as in the header row",
                   "is the file truncated?")


def test_real_export_truncated_inside_a_quoted_text(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    lines = rows_of(path)
    row = next(i + 1 for i, line in enumerate(lines) if i > 1500 and b',"' in line)
    line = lines[row - 1]
    path.write_bytes(b"\r".join(lines[:row - 1] + [line[:line.index(b',"') + 10]]))
    assert_refused(upr_lab("data", "info", "--data", path),
                   f"1-5.csv, row {row}: found a quoted field that is never closed; expected a closing quote")


def test_real_export_as_xlsx_then_truncated(upr_lab, upr_info_dir, tmp_path):
    frame = pd.read_csv(upr_info_dir / "1-5.csv", encoding="mac_roman", dtype=str, keep_default_na=False)
    whole = tmp_path / "whole.xlsx"
    frame.head(500).to_excel(whole, index=False)
    assert upr_lab("data", "info", "--data", whole)[0] == 0  # the workbook itself is fine
    damaged = tmp_path / "export.xlsx"
    damaged.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert_refused(upr_lab("data", "info", "--data", damaged),
                   "export.xlsx: found a damaged or truncated workbook: ",
                   "expected a readable Excel workbook (.xlsx or .xls)")


def test_xls_holding_html_without_a_table(upr_lab, tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><p>Session expired</p></body></html>", encoding="utf-8")
    assert_refused(upr_lab("data", "info", "--data", path),
                   "export.xls: found an HTML page (saved as .xls) without a table; expected an Excel workbook")


def test_damaged_parquet(upr_lab, upr_info_dir, tmp_path):
    sample = load(copy_export(upr_info_dir, tmp_path / "source")).recommendations.head(200)
    path = canonical.write(sample, tmp_path / "canonical.parquet")
    assert upr_lab("data", "info", "--data", path)[0] == 0
    path.write_bytes(path.read_bytes()[:-100])
    assert_refused(upr_lab("data", "info", "--data", path),
                   "canonical.parquet: found a damaged or truncated Parquet file (",
                   "expected a readable Parquet file")


def test_header_row_only(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    path.write_bytes(rows_of(path)[0] + b"\r")
    assert_refused(upr_lab("data", "info", "--data", path),
                   "1-5.csv: found only a header row, no data rows; expected a table with at least one row of data")


def test_headers_of_no_known_format_list_the_expected_ones(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    lines = rows_of(path)
    path.write_bytes(b"\r".join([b"Country,Group,Org,Comment,By,Group,Org,Answer,Action,Issue,Session"] + lines[1:]))
    assert_refused(upr_lab("data", "info", "--data", path),
                   "1-5.csv: found the headers Country, Group, Org, Comment, By",
                   "no column To/SuR, Text/Recommendation, From/RS, Response",
                   "expected one of: UPR Info export: To, To-Rgrp, To-Org, Text, From, From-Rgrp, From-Org, Response, "
                   "Action, Issue, Session | UPR Info export: SuR, Rgrp, Org, Recommendation, RS, Rgrp, Org",
                   "upr-lab's canonical table: rec_id, source, cycle, session")


def test_one_thing_in_two_columns(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    lines = rows_of(path)
    path.write_bytes(b"\r".join([lines[0] + b",Response"] + [line + b",Accepted" for line in lines[1:]]))
    assert_refused(upr_lab("data", "info", "--data", path),
                   "1-5.csv: found the columns 'Response' (column 8) and 'Response' (column 12) for the same thing; "
                   "expected one column for each")


def test_canonical_table_with_a_value_out_of_range(upr_lab, upr_info_dir, tmp_path):
    sample = load(copy_export(upr_info_dir, tmp_path / "source")).recommendations.head(40)
    path = canonical.write(sample, tmp_path / "canonical.csv")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[11] = lines[11].replace(",1,", ",9,", 1)  # row 12: cycle 9
    path.write_text("\n".join(lines), encoding="utf-8")
    assert_refused(upr_lab("data", "info", "--data", path),
                   "canonical.csv: invalid table: row 12, column 'cycle', found 9; expected a UPR cycle 1-4")


def test_ragged_row(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    lines = rows_of(path)
    lines[41] = b"Afghanistan,Asia,OIC"
    path.write_bytes(b"\r".join(lines))
    assert_refused(upr_lab("data", "info", "--data", path),
                   "1-5.csv, row 42: found 3 fields; expected 11, as in the header row")


def test_utf16_export_cut_inside_a_character(upr_lab, upr_info_dir, tmp_path):
    text = (upr_info_dir / "1-5.csv").read_bytes().decode("mac_roman")
    path = tmp_path / "export.csv"
    encoded = text.encode("utf-16")
    path.write_bytes(encoded[:-1])
    last_row = len(text.split("\r"))
    assert_refused(upr_lab("data", "info", "--data", path),
                   f"export.csv, row {last_row}: found bytes that are not valid utf-16-le at byte {len(encoded) - 2}",
                   "is it truncated?", "expected text in one encoding (UTF-8, UTF-16, Windows-1252 or Mac Roman)")


def test_utf8_export_with_a_mac_roman_byte(upr_lab, upr_info_dir, tmp_path):
    lines = (upr_info_dir / "1-5.csv").read_bytes().decode("mac_roman").split("\r")
    path = tmp_path / "export.csv"
    encoded = [line.encode("utf-8") for line in lines]
    encoded[2499] = encoded[2499].replace(b",", b",\x8e", 1)  # row 2500 gets a byte invalid in UTF-8
    path.write_bytes(b"\xef\xbb\xbf" + b"\r".join(encoded))
    assert_refused(upr_lab("data", "info", "--data", path),
                   "export.csv, row 2500: found bytes that are not valid utf-8 at byte")


# -- values that map to nothing --------------------------------------------------------------------

def test_unknown_response_in_a_folder_of_real_exports(upr_lab, upr_info_dir, tmp_path):
    exports = tmp_path / "exports"
    for path in sorted(upr_info_dir.iterdir()):
        copy_export(upr_info_dir, exports, path.name)
    row = rewrite_row(exports / "6-9.csv", 4000, lambda f: f[RESPONSE] == "Accepted",
                      replace_field(RESPONSE, "Acceptd"))
    assert_refused(upr_lab("data", "info", "--data", exports),
                   f"6-9.csv, row {row}, column 'Response': found 'Acceptd'; expected a response such as "
                   "Accepted/Supported, Noted/Rejected")


def test_action_category_outside_1_to_5(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path, "10-13.csv")
    row = rewrite_row(path, 777, lambda f: True, replace_field(ACTION, "7"))
    assert row == 778
    assert_refused(upr_lab("data", "info", "--data", path),
                   "10-13.csv, row 778, column 'Action': found '7'; expected an action category 1-5 (or empty)")


def test_misspelt_state_under_review_suggests_and_an_alias_file_resolves_it(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path / "exports")
    before = json.loads(upr_lab("data", "info", "--json", "--data", path)[1])
    row = rewrite_row(path, 100, lambda f: f[TO] == "Afghanistan", replace_field(TO, "Afghanstan"))
    assert_refused(upr_lab("data", "info", "--data", path),
                   f"1-5.csv, row {row}, column 'To': found 'Afghanstan', which matches no State; did you mean "
                   "Afghanistan (AFG)", "or a spelling of your own listed in params/country_aliases.yaml")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "country_aliases.yaml").write_text("Afghanstan: AFG\n", encoding="utf-8")
    code, out, _ = upr_lab("data", "info", "--json", "--data", path)
    after = json.loads(out)
    assert code == 0 and after["recommendations"] == before["recommendations"]
    assert after["states_under_review"] == before["states_under_review"]


def test_misspelt_recommending_state(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path)
    row = rewrite_row(path, 2000, lambda f: f[FROM] == "Norway", replace_field(FROM, "Norwey"))
    assert_refused(upr_lab("data", "info", "--data", path),
                   f"1-5.csv, row {row}, column 'From': found 'Norwey', which matches no State; did you mean "
                   "Norway (NOR)")


@pytest.mark.parametrize("text,fragment", [
    ("- Afghanstan\n- AFG\n", "found a YAML list; expected a mapping of State names to ISO3 codes"),
    ("Afghanstan: [AFG\n", "malformed YAML at line 2, column 1"),
    ("Afghanstan: AFX\n", "found the alias 'Afghanstan' for 'AFX', which is no State's ISO3 code; expected an "
                          "ISO 3166 alpha-3 code such as NOR; did you mean ZAF (South Africa), "
                          "CAF (Central African Republic), AFG (Afghanistan)?"),
    ("Afghanstan: AFG\n\tKabul: AFG\n", "found character '\\t' that cannot start any token"),
])
def test_malformed_alias_file(upr_lab, upr_info_dir, tmp_path, text, fragment):
    path = copy_export(upr_info_dir, tmp_path / "exports")
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "country_aliases.yaml").write_text(text, encoding="utf-8")
    assert_refused(upr_lab("data", "info", "--data", path), "params/country_aliases.yaml: ", fragment)


def test_alias_file_that_is_a_folder(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path / "exports")
    (tmp_path / "params" / "country_aliases.yaml").mkdir(parents=True)
    assert_refused(upr_lab("data", "info", "--data", path),
                   "params/country_aliases.yaml: found a folder; expected a YAML file holding a mapping of State "
                   "names to ISO3 codes")


# -- participation tables --------------------------------------------------------------------------

PARTICIPATION_CASES = {
    "a folder": (lambda folder: folder, "inputs: found a folder without stakeholder summaries (…_3.pdf, …_3.txt); "
                 "expected a participation table (CSV, Excel or Parquet) or a folder of OHCHR summaries"),
    "a missing file": (lambda folder: folder / "none.csv", "none.csv: no such file; expected a table"),
    "missing columns": (lambda folder: _write(folder / "p.csv", "sur_iso3,cycle,stakeholder_submissions\nNOR,1,3\n"),
                        "p.csv: found the columns sur_iso3, cycle, stakeholder_submissions, without "
                        "joint_submissions, nhri_submitted, national_consultation; expected the columns"),
    "cycle 0": (lambda folder: participation(folder, "NOR,1,3,1,yes,no", "KEN,0,3,1,yes,no"),
                "participation.csv, row 3, column 'cycle': found '0'; expected a UPR cycle 1-4"),
    "cycle 'two'": (lambda folder: participation(folder, "NOR,two,3,1,yes,no"),
                    "participation.csv, row 2, column 'cycle': found 'two'; expected a UPR cycle 1-4"),
    "a negative count": (lambda folder: participation(folder, "NOR,1,3,1,yes,no", "NOR,2,-4,1,yes,no"),
                         "participation.csv, row 3, column 'stakeholder_submissions': found '-4'; expected a "
                         "whole number 0 or more"),
    "a fractional count": (lambda folder: participation(folder, "NOR,1,3,2.5,yes,no"),
                           "row 2, column 'joint_submissions': found '2.5'; expected a whole number 0 or more"),
    "duplicate rows": (lambda folder: participation(folder, "NOR,1,3,1,yes,no", "KEN,1,3,1,yes,no",
                                                   "NOR,1,5,1,yes,no"),
                       "participation.csv, row 4: found a second row for NOR in cycle 1 (the first is row 2); "
                       "expected one row per State under review and cycle"),
    "a flag that is no flag": (lambda folder: participation(folder, "NOR,1,3,1,maybe,no"),
                               "row 2, column 'nhri_submitted': found 'maybe'; expected true/false"),
    "no State's code": (lambda folder: participation(folder, "NOR,1,3,1,yes,no", "NRO,1,3,1,yes,no"),
                        "row 3, column 'sur_iso3': found 'NRO'; expected the ISO 3166 alpha-3 code of a State "
                        "(e.g. NOR); did you mean ROU (Romania), NRU (Nauru), NOR (Norway)?"),
    "only a header": (lambda folder: participation(folder),
                      "participation.csv: found only a header row, no data rows"),
    "a damaged Parquet file": (lambda folder: _write(folder / "p.parquet", "PAR1 not really"),
                               "p.parquet: found a damaged or truncated Parquet file"),
}


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(PARTICIPATION_CASES))
def test_bad_participation_table_in_data_info(upr_lab, tmp_path, case):
    make, fragment = PARTICIPATION_CASES[case]
    folder = tmp_path / "inputs"
    folder.mkdir()
    assert_refused(upr_lab("data", "info", "--participation", make(folder)), fragment)


@pytest.mark.parametrize("case", ["a folder", "cycle 0", "a negative count", "duplicate rows"])
@pytest.mark.parametrize("command", ["run", "batch"])
def test_bad_participation_table_refuses_run_and_batch_before_any_notebook(upr_lab, tmp_path, case, command):
    make, fragment = PARTICIPATION_CASES[case]
    folder = tmp_path / "inputs"
    folder.mkdir()
    out = tmp_path / "out"
    which = ["run", "compliance_trends", "--country", "NOR"] if command == "run" else ["batch", "--countries",
                                                                                       "NOR,KEN"]
    assert_refused(upr_lab(*which, "--participation", make(folder), "--out", out), fragment)
    assert not out.exists()


def test_participation_named_in_a_parameter_file_is_checked_too(upr_lab, tmp_path):
    bad = participation(tmp_path, "NOR,1,3,1,yes,no", "NOR,1,3,1,yes,no")
    params = params_file(tmp_path, f"participation: {bad}\n")
    out = tmp_path / "out"
    assert_refused(upr_lab("run", "civil_society", "--country", "NOR", "--params", params, "--out", out),
                   "participation.csv, row 3: found a second row for NOR in cycle 1")
    assert not out.exists()


# -- States under review asked for -----------------------------------------------------------------

@pytest.mark.parametrize("country", ["../../etc/passwd", "NOR;rm -rf ~", "$(ls)", "NOR FRA", "N0R", "/tmp/NOR"])
@pytest.mark.parametrize("command", ["run", "batch"])
def test_country_argument_that_is_no_iso3_code_is_refused_before_use(upr_lab, tmp_path, country, command):
    out = tmp_path / "out"
    which = ["run", "compliance_trends", "--country"] if command == "run" else ["batch", "--countries"]
    assert_refused(upr_lab(*which, country, "--out", out),
                   f"{country!r} is not an ISO 3166 alpha-3 code (three letters, e.g. NOR)")
    assert not out.exists()


@pytest.mark.parametrize("command", ["run", "batch"])
def test_country_absent_from_the_data_suggests_close_ones(upr_lab, upr_info_dir, tmp_path, command):
    path = copy_export(upr_info_dir, tmp_path / "exports")  # sessions 1-5: Norway was reviewed in session 6
    reviewed = count_exports(path.parent)
    assert "Norway" not in reviewed and "Republic of Korea" in reviewed
    out = tmp_path / "out"
    which = ["run", "compliance_trends", "--country", "NOR"] if command == "run" else ["batch", "--countries",
                                                                                       "KOR,NOR"]
    assert_refused(upr_lab(*which, "--data", path, "--out", out),
                   "NOR (Norway) is not a State under review in UPR Info database export (1-5.csv); expected one of "
                   f"its {len(reviewed)} States under review; did you mean KOR (Republic of Korea)")
    assert not out.exists()


def test_unknown_code_on_the_default_and_the_synthetic_data(upr_lab, tmp_path):
    assert_refused(upr_lab("run", "regional_comparison", "--country", "XYZ", "--out", tmp_path / "out"),
                   "XYZ (no State's ISO3 code) is not a State under review in upr-lab embedded UPR data, cycles 1-2")
    assert_refused(upr_lab("run", "regional_comparison", "--country", "XYZ", "--data", "synthetic", "--out",
                           tmp_path / "out"),
                   "XYZ (no State's ISO3 code) is not a State under review in SYNTHETIC data")


# -- parameter files -------------------------------------------------------------------------------

PARAMETER_CASES = {
    "unclosed bracket": ("alpha: [0.1\n", "params.yaml: malformed YAML at line 2, column 1: expected ',' or ']'"),
    "a tab": ("alpha: 0.1\n\tcountry: NOR\n",
              "params.yaml: malformed YAML at line 2, column 1: found character '\\t' that cannot start any token; "
              "expected YAML holding a mapping of parameter names to values"),
    "a list": ("- alpha\n- 0.1\n", "params.yaml: found a YAML list; expected a mapping of parameter names to values"),
    "an unknown name": ("alpah: 0.1\n", "params.yaml: found the unknown parameter alpah for compliance_trends; "
                                        "did you mean alpha? Expected some of:"),
    "an unknown name for one analysis": ("compliance_trends:\n  alfa: 0.1\n",
                                         "found the unknown parameter alfa for compliance_trends; did you mean alpha?"),
    "an analysis that holds no mapping": ("compliance_trends: 0.1\n", "params.yaml: found compliance_trends: 0.1; "
                                          "expected compliance_trends to hold a mapping"),
    "bytes that are not UTF-8": (b"alpha: 0.1 \x8e\n", "params.yaml: found a byte that is not UTF-8 at byte 11"),
}


@pytest.mark.parametrize("case", list(PARAMETER_CASES))
def test_bad_parameter_file_refuses_run_before_any_notebook(upr_lab, tmp_path, case):
    text, fragment = PARAMETER_CASES[case]
    out = tmp_path / "out"
    assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", params_file(tmp_path, text),
                           "--out", out), fragment)
    assert not out.exists()


@pytest.mark.parametrize("case", ["a tab", "an unknown name"])
def test_bad_parameter_file_refuses_batch_before_any_notebook(upr_lab, tmp_path, case):
    text, fragment = PARAMETER_CASES[case]
    out = tmp_path / "out"
    assert_refused(upr_lab("batch", "--countries", "NOR,KEN", "--analyses", "compliance_trends", "--params",
                           params_file(tmp_path, text), "--out", out), fragment)
    assert not out.exists()


def test_parameter_file_that_is_a_folder_or_missing(upr_lab, tmp_path):
    out = tmp_path / "out"
    for path, fragment in [(tmp_path, "found a folder; expected a YAML file"),
                           (tmp_path / "none.yaml", "none.yaml: no such file; expected a YAML file")]:
        assert_refused(upr_lab("run", "compliance_trends", "--country", "NOR", "--params", path, "--out", out),
                       fragment)
    assert not out.exists()


def test_a_per_country_parameter_file_is_checked_for_its_state(upr_lab, tmp_path):
    (tmp_path / "params" / "countries").mkdir(parents=True)
    (tmp_path / "params" / "countries" / "KEN.yaml").write_text("alpa: 0.1\n", encoding="utf-8")
    out = tmp_path / "out"
    assert_refused(upr_lab("batch", "--countries", "NOR,KEN", "--out", out),
                   "params/countries/KEN.yaml: found the unknown parameter alpa for compliance_trends")
    assert not out.exists()


# -- the command itself: one line, exit status 2, a traceback only with --debug ---------------------

def run_cli(*args, cwd):
    return subprocess.run([UPR_LAB, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args", [
    ("data", "info", "--data", "{tmp}/nowhere"),
    ("run", "compliance_trends", "--country", "../NOR", "--out", "{tmp}/out"),
    ("run", "civil_society", "--country", "NOR", "--participation", "{tmp}/p.csv", "--out", "{tmp}/out"),
])
def test_the_command_prints_one_line_and_a_traceback_only_with_debug(tmp_path, args):
    participation(tmp_path, "NOR,1,3,1,yes,no", "NOR,1,3,1,yes,no", name="p.csv")
    args = [a.format(tmp=tmp_path) for a in args]
    plain = run_cli(*args, cwd=tmp_path)
    assert plain.returncode == 2
    assert len(plain.stderr.strip().splitlines()) == 1 and plain.stderr.startswith("upr-lab: error: ")
    assert "Traceback" not in plain.stderr and plain.stdout == ""
    debug = run_cli(*args, "--debug", cwd=tmp_path)
    assert debug.returncode != 0 and "Traceback (most recent call last)" in debug.stderr
    assert plain.stderr.strip().removeprefix("upr-lab: error: ") in debug.stderr
    assert not (tmp_path / "out").exists()


def test_debug_reraises_in_process(monkeypatch, tmp_path):
    from upr_lab.exceptions import DataError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError, match="no such file or folder"):
        cli.main(["data", "info", "--data", str(tmp_path / "nowhere"), "--debug"])


# -- exact duplicate recommendation rows: kept once, with a warning and a count ---------------------

def appended_copy(path, row):
    """Append a copy of ``row`` to the export at ``path``; the new row's number."""
    lines = rows_of(path)
    body = lines[:-1] if lines[-1] == b"" else lines
    path.write_bytes(b"\r".join(body + [lines[row - 1]]) + b"\r")
    return len(body) + 1


def test_an_exact_duplicate_row_is_kept_once_with_a_warning(upr_lab, upr_info_dir, tmp_path):
    path = copy_export(upr_info_dir, tmp_path / "exports")
    before = json.loads(upr_lab("data", "info", "--json", "--data", path)[1])
    added = appended_copy(path, 1234)
    with pytest.warns(UserWarning) as caught:
        code, out, _ = upr_lab("data", "info", "--json", "--data", path)
    after = json.loads(out)
    assert code == 0
    assert after["recommendations"] == before["recommendations"]
    assert after["duplicates"] == before["duplicates"] + 1
    assert after["files"][0]["rows"] == before["files"][0]["rows"] + 1  # the export rows as read
    assert after["exact_repeats"][-1]["name"] == "1-5.csv" and after["exact_repeats"][-1]["row"] == added
    message = str(caught[0].message)
    assert message.startswith("1 recommendation row repeats an earlier row exactly (spacing aside) and was dropped")
    assert f"1-5.csv row {added} (as row 1234)" in message and "counted in the data source's 'duplicates'" in message


def test_the_same_row_in_two_overlapping_exports_is_kept_once(upr_lab, upr_info_dir, tmp_path):
    exports = tmp_path / "exports"
    path = copy_export(upr_info_dir, exports)
    before = json.loads(upr_lab("data", "info", "--json", "--data", exports)[1])
    lines = rows_of(path)
    (exports / "overlap.csv").write_bytes(b"\r".join([lines[0], lines[99], lines[199]]) + b"\r")
    with pytest.warns(UserWarning, match=r"overlap.csv row 2 \(as 1-5.csv row 100\), overlap.csv row 3 "
                                         r"\(as 1-5.csv row 200\)"):
        after = json.loads(upr_lab("data", "info", "--json", "--data", exports)[1])
    assert after["recommendations"] == before["recommendations"]
    assert after["duplicates"] == before["duplicates"] + 2


def test_many_exact_repeats_are_counted_per_file(upr_lab, upr_info_dir, tmp_path):
    exports = tmp_path / "exports"
    lines = rows_of(copy_export(upr_info_dir, exports))
    (exports / "overlap.csv").write_bytes(b"\r".join(lines[:8]) + b"\r")  # the header and 7 rows of 1-5.csv
    with pytest.warns(UserWarning, match=r"^7 recommendation rows repeat .*: overlap.csv: 7 rows; counted"):
        code, out, _ = upr_lab("data", "info", "--data", exports)
    assert code == 0 and "exact duplicates:     7 (dropped" in out


def test_the_real_exports_hold_three_exact_repeats_named_in_data_info(upr_info_dir, tmp_path):
    result = run_cli("data", "info", "--data", upr_info_dir, cwd=tmp_path)
    assert result.returncode == 0
    assert "recommendations:      41,063" in result.stdout
    assert "exact duplicates:     3 (dropped: each row is analysed once)" in result.stdout
    assert "dropped: 6-9.csv row 5765, the same as row 5764 (LSO, session 8)" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("upr-lab: warning:")]
    assert warnings == [
        "upr-lab: warning: 3 recommendation rows repeat an earlier row exactly (spacing aside) and were dropped, "
        "so that each is analysed once: 14-17.csv row 6245 (as row 6182), 14-17.csv row 8613 (as row 8611), "
        "6-9.csv row 5765 (as row 5764); counted in the data source's 'duplicates'"]
