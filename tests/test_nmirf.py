"""URG's coding of national mechanisms for implementation, reporting and follow-up (NMIRF): the reader of the
two raw files, the shipped table, a State's mechanism in words, and the across-States associations."""

import csv
import io
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from upr_lab.exceptions import DataError
from upr_lab.sources import nmirf

RAW = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDER = RAW / nmirf.RAW_FOLDER


@pytest.fixture(scope="module")
def raw():
    if not (FOLDER / nmirf.STATUS_FILE).is_file():
        pytest.fail(f"URG's NMIRF coding is expected at {FOLDER}")
    return FOLDER


@pytest.fixture(scope="module")
def table(raw):
    return nmirf.read_nmirf(raw)


def rows_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path, rows, prefix=""):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(prefix + buffer.getvalue(), encoding="utf-8")
    return path


def copy_folder(raw, tmp_path):
    for name in (nmirf.STATUS_FILE, nmirf.Y_FILE):
        shutil.copyfile(raw / name, tmp_path / name)
    return tmp_path


# The reader on the real files


def test_the_real_files_give_83_states_in_one_row_each(table):
    assert len(table) == 83
    assert table["iso3"].is_unique and list(table["iso3"]) == sorted(table["iso3"])
    assert list(table.columns) == nmirf.COLUMNS
    assert table["group"].value_counts().to_dict() == {"Africa": 24, "Asia-Pacific": 21, "GRULAC": 17, "WEOG": 13,
                                                       "EEG": 8}
    assert table["classification"].value_counts().to_dict() == {
        "NMIRF": 38, "Single inter-ministerial": 18, "Ad hoc inter-ministerial": 16, "Hybrid": 6,
        "Single ministerial": 5}


def test_values_read_by_hand_from_the_files(table):
    by_state = table.set_index("iso3")
    # NMIRF_status.csv: Angola,AGO,AG,NMIRF,0,3,2,3,0,0,3,3.67,0,0,2,1,1,1,-1,7.67
    angola = by_state.loc["AGO"]
    assert (angola["classification"], angola["group"], angola["csos"], angola["judiciary"]) == ("NMIRF", "Africa", 2, 3)
    assert (angola["weighted_participation"], angola["tracking_database"], angola["x_total"]) == (3.67, 2, 7.67)
    # NMIRF_Y.csv: Angola,AGO,1,1,2,0,1,0,5
    assert (angola["established_by_law"], angola["regular_meetings"], angola["budget"], angola["y_total"]) == (1, 2, 1, 5)
    # Norway,NOR,WEOG,Ad hoc inter-ministerial,2,-1,3,2,3,-1,-1,2.33,0,1,-1,1,1,1,-1,4.33 / NOR,-1,1,2,-1,-1,-1,-1
    norway = by_state.loc["NOR"]
    assert (norway["classification"], norway["csos"], norway["judiciary"], norway["tracking_database"]) == (
        "Ad hoc inter-ministerial", 3, -1, -1)
    assert (norway["implementation_monitoring"], norway["secretariat"], norway["y_total"]) == (1, -1, -1)
    # "RoK" is KOR by its code; the UN name comes from upr-lab's list
    assert (by_state.loc["KOR", "source_name"], by_state.loc["KOR", "name"]) == ("RoK", "Republic of Korea")


def test_an_empty_score_is_unknown_not_zero(table):
    by_state = table.set_index("iso3")
    # Ecuador,ECU,GRULAC,NMIRF,3,3,1,,,-1,3,5,...
    assert pd.isna(by_state.loc["ECU", "statistics"]) and pd.isna(by_state.loc["ECU", "nhri"])
    assert by_state.loc["ECU", "business"] == -1
    assert int(table[list(nmirf.PARTICIPATION.values())].isna().sum().sum()) == 4


def test_the_totals_add_up_as_the_data_notes_say(table):
    criteria = table[list(nmirf.CRITERIA.values())].sum(axis=1)
    assert ((table["weighted_participation"] + criteria - table["x_total"]).abs() < 0.011).all()
    assert (table[list(nmirf.INSTITUTIONALISATION.values())].sum(axis=1) == table["y_total"]).all()
    participation = table[list(nmirf.PARTICIPATION.values())]
    complete = participation.notna().all(axis=1)
    off = (participation.sum(axis=1) / 3).round(2) != table["weighted_participation"]
    assert complete.sum() == 80 and list(table.loc[complete & off, "iso3"]) == ["KIR"]


def test_other_copies_bom_spacing_row_order_extra_columns_are_read_alike(raw, table, tmp_path):
    status, y = rows_of(raw / nmirf.STATUS_FILE), rows_of(raw / nmirf.Y_FILE)
    status = [[f"  {h.replace('/ ', '/')} " for h in status[0]] + ["Notes"]] + [r + ["x"] for r in status[:0:-1]]
    y = [y[0]] + sorted(y[1:], key=lambda r: r[1], reverse=True)
    write_rows(tmp_path / "NMIRF_status.csv", status, prefix="\ufeff")
    write_rows(tmp_path / "NMIRF_Y.csv", y)
    pd.testing.assert_frame_equal(nmirf.read_nmirf(tmp_path), table)


# Bad input: one line naming file, row and column


def test_a_missing_column_is_named(raw, tmp_path):
    folder = copy_folder(raw, tmp_path)
    rows = rows_of(folder / nmirf.STATUS_FILE)
    at = rows[0].index("CSOs")
    write_rows(folder / nmirf.STATUS_FILE, [r[:at] + r[at + 1:] for r in rows])
    with pytest.raises(DataError, match=r"NMIRF_status\.csv: found no column 'CSOs'; expected") as error:
        nmirf.read_nmirf(folder)
    assert "\n" not in str(error.value)


def test_a_non_numeric_score_names_file_row_and_column(raw, tmp_path):
    folder = copy_folder(raw, tmp_path)
    rows = rows_of(folder / nmirf.Y_FILE)
    rows[3][rows[0].index("Budget")] = "yes"  # Argentina, line 4 of the file
    write_rows(folder / nmirf.Y_FILE, rows)
    with pytest.raises(DataError, match=r"NMIRF_Y\.csv, row 4, column 'Budget': found 'yes'; expected a whole number "
                                        r"from -1 to 3"):
        nmirf.read_nmirf(folder)


def test_a_score_outside_its_scale_is_refused(raw, tmp_path):
    folder = copy_folder(raw, tmp_path)
    rows = rows_of(folder / nmirf.STATUS_FILE)
    rows[2][rows[0].index("Clustering")] = "5"
    write_rows(folder / nmirf.STATUS_FILE, rows)
    with pytest.raises(DataError, match=r"row 3, column 'Clustering': found '5'; expected a whole number from -1 to 2"):
        nmirf.read_nmirf(folder)


@pytest.mark.parametrize("code, message", [
    ("XKX", r"row 2, column 'ISO-3166-1': found 'XKX', which is no UN member or observer State's ISO 3166"),
    ("AGO", r"row 2, column 'ISO-3166-1': found AGO for the State 'Afghanistan', which is AFG"),
])
def test_an_unknown_or_wrong_iso3_is_refused(raw, tmp_path, code, message):
    folder = copy_folder(raw, tmp_path)
    rows = rows_of(folder / nmirf.STATUS_FILE)
    rows[1][1] = code
    write_rows(folder / nmirf.STATUS_FILE, rows)
    with pytest.raises(DataError, match=message):
        nmirf.read_nmirf(folder)


def test_a_state_twice_an_unknown_classification_or_group_is_refused(raw, tmp_path):
    folder = copy_folder(raw, tmp_path)
    rows = rows_of(folder / nmirf.STATUS_FILE)
    write_rows(folder / nmirf.STATUS_FILE, rows + [rows[5]])
    with pytest.raises(DataError, match=r"row 85, column 'ISO-3166-1': found AZE again \(first in row 6\)"):
        nmirf.read_nmirf(folder)
    rows[4][3] = "Standing committee"
    write_rows(folder / nmirf.STATUS_FILE, rows)
    with pytest.raises(DataError, match=r"row 5, column 'State classification in report': found 'Standing committee'"):
        nmirf.read_nmirf(folder)
    rows[4][3] = "Hybrid"  # Australia, as it was
    rows[5][2] = "WEOG"  # Azerbaijan is EEG
    write_rows(folder / nmirf.STATUS_FILE, rows)
    with pytest.raises(DataError, match=r"row 6, column 'UN Regional Group': found 'WEOG' \(WEOG\) for AZE, whose UN "
                                        r"regional group is EEG"):
        nmirf.read_nmirf(folder)


def test_a_state_in_one_file_only_is_a_stated_gap_not_a_silent_empty_join(raw, tmp_path):
    folder = copy_folder(raw, tmp_path)
    rows = rows_of(folder / nmirf.Y_FILE)
    write_rows(folder / nmirf.Y_FILE, [r for r in rows if r[1] not in ("NOR", "KEN")])
    with pytest.warns(nmirf.NmirfGapWarning, match=r"NMIRF_Y\.csv: no row for 2 State\(s\) coded in the other NMIRF "
                                                  r"file \(KEN, NOR\); their institutionalisation columns are empty"):
        table = nmirf.read_nmirf(folder)
    assert len(table) == 83
    assert table.set_index("iso3").loc[["KEN", "NOR"], "y_total"].isna().all()
    assert table.set_index("iso3").loc["NOR", "classification"] == "Ad hoc inter-ministerial"


def test_one_file_alone_is_read_and_the_other_files_columns_said_empty(raw):
    with pytest.warns(nmirf.NmirfGapWarning, match="83 State"):
        table = nmirf.nmirf_table(raw / nmirf.STATUS_FILE)
    assert len(table) == 83 and table["y_total"].isna().all() and table["x_total"].notna().all()


def test_a_folder_without_the_files_is_refused(tmp_path):
    with pytest.raises(DataError, match="found neither NMIRF_status.csv nor NMIRF_Y.csv"):
        nmirf.read_nmirf(tmp_path)


# The shipped table


def test_the_shipped_table_is_a_fresh_build_of_the_raw_files(raw, tmp_path, table):
    built = nmirf.build(RAW, tmp_path / "nmirf.csv")
    assert built.read_bytes() == nmirf.TABLE.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shipped = nmirf.nmirf_table()
    pd.testing.assert_frame_equal(shipped, table)


def test_the_build_refuses_a_changed_raw_file(raw, tmp_path):
    (tmp_path / nmirf.RAW_FOLDER).mkdir()
    folder = copy_folder(raw, tmp_path / nmirf.RAW_FOLDER)
    (folder / nmirf.Y_FILE).write_text((raw / nmirf.Y_FILE).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="NMIRF_Y.csv: found SHA-256 .*; expected 6feded15"):
        nmirf.build(tmp_path, tmp_path / "out.csv")
