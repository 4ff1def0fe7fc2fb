"""The treaty status table: derived reproducibly from the raw export, attributed, read back with dates."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from upr_lab import treaty_status
from upr_lab.exceptions import DataError
from upr_lab.sources import treaties

RAW = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="module")
def raw():
    if not (RAW / treaties.RAW_PATH).is_file():
        pytest.fail(f"the raw treaty status export is expected at {RAW / treaties.RAW_PATH}")
    return RAW


def test_the_shipped_table_is_what_the_raw_export_gives(raw, tmp_path):
    built = treaties.build(raw, tmp_path / "treaty_status.csv")
    assert built.read_bytes() == treaties.TABLE.read_bytes()


def test_every_state_and_instrument_once_with_dates():
    table = treaty_status()
    assert list(table.columns) == treaties.COLUMNS
    assert len(table) == 2363 and table["iso3"].nunique() == 197
    assert not table.duplicated(["iso3", "instrument"]).any()
    assert set(table["instrument"]) == set(treaties.CODES)
    assert pd.api.types.is_datetime64_any_dtype(table["ratification"])
    assert table["ratification"].max() == pd.Timestamp("2023-09-28")
    assert set(table["how"]) == {"ratification", "accession", "succession", ""}
    assert (table["ratification"].isna() == (table["how"] == "")).all()


def row(iso3, instrument):
    table = treaty_status()
    return table[(table["iso3"] == iso3) & (table["instrument"] == instrument)].iloc[0]


def test_dates_and_how_read_as_the_export_states_them():
    afghanistan = row("AFG", "CAT")  # "04 Feb 1985", "01 Apr 1987"
    assert (afghanistan.signature, afghanistan.ratification, afghanistan.how) == (
        pd.Timestamp("1985-02-04"), pd.Timestamp("1987-04-01"), "ratification")
    albania = row("ALB", "CAT")  # "11 May 1994 (a)"
    assert pd.isna(albania.signature) and (albania.ratification, albania.how) == (pd.Timestamp("1994-05-11"), "accession")
    assert row("AFG", "CCPR-OP2-DP").how == "" and pd.isna(row("AFG", "CCPR-OP2-DP").ratification)
    assert (treaty_status()["how"] == "succession").sum() == 55


def test_mojibake_names_repaired_explicitly_and_the_european_union_left_out():
    for broken, name in treaties.REPAIRED_NAMES.items():  # what the repair undoes: UTF-8 read as Windows-1251
        assert name.encode("utf-8").decode("cp1251") == broken
    table = treaty_status()
    assert set(table.loc[table["iso3"].isin(["CIV", "TUR"]), "name"]) == {"Côte d'Ivoire", "Türkiye"}
    assert (table.groupby("iso3").size().loc[["CIV", "TUR", "COK", "NIU"]] == 12).all()
    assert not table["name"].str.contains("European|Г").any()


def test_a_changed_raw_file_is_refused(raw, tmp_path):
    copy = tmp_path / treaties.RAW_PATH
    copy.parent.mkdir(parents=True)
    shutil.copyfile(raw / treaties.RAW_PATH, copy)
    with copy.open("a", encoding="utf-8") as f:
        f.write("Nowhere,Convention on the Rights of the Child,CRC,,\n")
    with pytest.raises(DataError, match=r"found SHA-256 [0-9a-f]{64}; expected 83153dd0"):
        treaties.build(tmp_path, tmp_path / "out.csv")


def record(country="Norway", code="CRC", signature="", ratification=""):
    return dict(zip(treaties.RAW_COLUMNS, [country, "", code, signature, ratification]))


@pytest.mark.parametrize("bad, message", [
    (record(ratification="2012-04-17"), r"row 2: found the date '2012-04-17'; expected a date like '17 Apr 2012'"),
    (record(ratification="17 Apr 2012 (x)"), r"found the date '17 Apr 2012 \(x\)'"),
    (record(code="CMW"), r"found the instrument 'CMW'; expected one of CAT, "),
    (record(country="Atlantis"), r"found the State 'Atlantis'; expected a name upr-lab resolves"),
])
def test_bad_rows_are_refused_with_their_row(bad, message):
    with pytest.raises(DataError, match=message):
        treaties.derived_rows([bad], Path("raw.csv"))


def test_a_good_row_is_derived():
    assert treaties.derived_rows([record(signature="26 Jan 1990", ratification="08 Jan 1991")], Path("x")) == [
        ["NOR", "Norway", "CRC", "1990-01-26", "1991-01-08", "ratification"]]
