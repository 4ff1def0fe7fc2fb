"""Country-year context: V-Dem (OWID), Fariss and PTS files read to ``iso3, year, <indicators>``, the COW and
M49 crosswalks, the shipped V-Dem table, and every code left out reported, never dropped silently."""

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from upr_lab.exceptions import DataError
from upr_lab.sources import context
from upr_lab.sources.context import crosswalk, fariss, pts, vdem
from upr_lab.sources.context.crosswalk import UnmappedCodesWarning
from upr_lab.sources.countries import states

RAW = Path(__file__).resolve().parents[2] / "shared" / "data"
FOLDER = RAW / "country-year"
FARISS = FOLDER / "fariss" / "LHRS-v4.02-2021_names.csv"
PTS = FOLDER / "pts" / "PTS-2024.csv"
VDEM = FOLDER / "vdem-owid"

pytestmark = pytest.mark.filterwarnings("ignore::upr_lab.sources.context.crosswalk.UnmappedCodesWarning")


@pytest.fixture(scope="module")
def raw():
    for path in (FARISS, PTS, VDEM):
        if not path.exists():
            pytest.fail(f"the real country-year files are expected at {path}")
    return RAW


def quietly(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmappedCodesWarning)
        return function(*args, **kwargs)


@pytest.fixture(scope="module")
def fariss_scores(raw):
    return quietly(context.read_fariss, FARISS)


@pytest.fixture(scope="module")
def pts_scores(raw):
    return quietly(context.read_pts, PTS)


@pytest.fixture(scope="module")
def vdem_all(raw):
    return quietly(context.read_vdem, VDEM)


def years_of(frame, iso3):
    years = frame.loc[frame["iso3"] == iso3, "year"]
    return years.min(), years.max(), len(years)


def unmapped_codes(frame):
    return set(context.unmapped(frame)["code"])


# --- the crosswalks ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, year, iso3", [
    (2, 2000, "USA"), (365, 1980, "RUS"), (365, 2020, "RUS"), (345, 2006, "SRB"), (345, 2015, "SRB"),
    (345, 1995, "SRB"), (345, 1990, None), (341, 2010, "MNE"), (347, 2010, None), (260, 1980, "DEU"),
    (260, 1990, None), (255, 1990, "DEU"), (265, 1980, None), (315, 1980, None), (316, 2000, "CZE"),
    (679, 2000, "YEM"), (678, 1980, None), (713, 2000, None), (626, 2015, "SSD"), (860, 2005, "TLS"),
])
def test_cow_codes_spot_checks(code, year, iso3):
    assert context.iso3_from_cow(code, year) == iso3


@pytest.mark.parametrize("code, year, iso3", [
    (688, 2010, "SRB"), (499, 2010, "MNE"), (643, 2010, "RUS"), (810, 1985, "RUS"), (810, 1995, None),
    (891, 2000, "SRB"), (891, 2007, None), (891, 1990, None), (890, 1985, None), (200, 1985, None),
    (280, 1980, "DEU"), (275, 2015, "PSE"), (336, 2015, "VAT"), (630, 2015, None), (158, 2015, None),
    (732, 2015, None), (999, 2015, None),
])
def test_m49_codes_spot_checks(code, year, iso3):
    assert context.iso3_from_m49(code, year) == iso3


def test_every_state_has_its_m49_code_through_pycountry():
    for iso3 in states():
        assert context.iso3_from_m49(pycountry.countries.get(alpha_3=iso3).numeric, 2020) == iso3


def test_the_cow_table_agrees_with_the_pts_columns_and_pycountry(raw):
    """COW_CODES was written from PTS's side-by-side COW and M49 codes: it still says what they say."""
    pairs = pts.code_pairs(PTS).dropna(subset=["COW_Code_N", "UN_Code_N"])
    assert len(pairs) == 192
    for row in pairs.itertuples():
        via_m49 = pycountry.countries.get(numeric=f"{row.UN_Code_N:03d}").alpha_3
        assert context.iso3_from_cow(row.COW_Code_N, 2020) == via_m49, row.Country
    cow = context.code_table("cow")
    assert cow["code"].is_unique and set(cow["iso3"].dropna()) <= set(states())
    assert set(states()) - set(cow["iso3"]) == {"PSE", "VAT"}  # no COW code


def test_every_cow_code_of_both_files_is_in_the_crosswalk(raw):
    codes = set(pd.read_csv(FARISS, usecols=["COW"])["COW"]) | set(pts.code_pairs(PTS)["COW_Code_N"].dropna())
    assert codes - set(crosswalk.cow_links()) == set()


# --- Fariss -----------------------------------------------------------------------------------------------

def test_fariss_coverage_and_values(fariss_scores):
    frame = fariss_scores
    assert list(frame.columns) == ["iso3", "year", "fariss_theta_mean", "fariss_theta_sd"]
    assert (frame["year"].min(), frame["year"].max()) == (1946, 2021)
    assert len(frame) == 11393 and frame["iso3"].nunique() == 193
    assert set(frame["iso3"]) <= set(states()) and not frame.duplicated(["iso3", "year"]).any()
    usa_1946 = frame[(frame["iso3"] == "USA") & (frame["year"] == 1946)].iloc[0]
    assert usa_1946["fariss_theta_mean"] == pytest.approx(-0.759035809061964)
    assert usa_1946["fariss_theta_sd"] == pytest.approx(0.445757549855075)
    assert frame[["fariss_theta_mean", "fariss_theta_sd"]].notna().all().all()


def test_fariss_successions(fariss_scores):
    assert years_of(fariss_scores, "SRB") == (1992, 2018, 27)  # COW 345 from 1992; the file ends it in 2018
    assert years_of(fariss_scores, "DEU") == (1946, 2021, 76)  # 260 up to 1989, then 255
    assert years_of(fariss_scores, "RUS") == (1946, 2021, 76)  # the USSR's years included
    assert years_of(fariss_scores, "YEM") == (1990, 2021, 32)


def test_fariss_codes_left_out_are_reported(fariss_scores):
    table = context.unmapped(fariss_scores)
    assert list(table.columns) == crosswalk.UNMAPPED_COLUMNS
    assert set(table["code"]) == {f"COW {c}" for c in (260, 265, 345, 347, 511, 678, 680, 713, 817)}
    assert table["rows"].sum() == 11665 - 11393
    yugoslavia = table[table["code"] == "COW 345"].iloc[0]
    assert (yugoslavia["first_year"], yugoslavia["last_year"], yugoslavia["rows"]) == (1946, 1991, 46)
    assert "Kosovo" in table.loc[table["code"] == "COW 347", "reason"].iloc[0]


def test_a_warning_names_the_codes_left_out(raw):
    with pytest.warns(UnmappedCodesWarning, match=r"left out 272 rows of 9 codes .*COW 345 Yugoslavia 1946-1991"):
        context.read_fariss(FARISS)


# --- PTS --------------------------------------------------------------------------------------------------

def test_pts_coverage_and_values(pts_scores):
    frame = pts_scores
    assert list(frame.columns) == ["iso3", "year", "pts_a", "pts_h", "pts_s"]
    assert (frame["year"].min(), frame["year"].max()) == (1976, 2023)
    assert len(frame) == 8439 and frame["iso3"].nunique() == 194  # every State but the Holy See
    assert set(states()) - set(frame["iso3"]) == {"VAT"}
    assert not frame.duplicated(["iso3", "year"]).any()
    for column in ("pts_a", "pts_h", "pts_s"):
        assert frame[column].dtype == "Int64" and set(frame[column].dropna()) <= {1, 2, 3, 4, 5}
    assert frame[["pts_a", "pts_h", "pts_s"]].notna().any(axis=1).all()  # rows with a score only


def test_pts_is_read_as_windows_1252(raw):
    names = set(pts.code_pairs(PTS)["Country"])
    assert "Türkiye" in names and not any("Ã" in name or "\ufffd" in name for name in names)
    assert b"T\xfcrkiye" in PTS.read_bytes()  # the file holds the one byte cp1252 gives "ü", not UTF-8


def test_pts_successions(pts_scores):
    assert years_of(pts_scores, "SRB") == (1992, 2023, 32)  # FRY 1992-2005, Serbia's own row from 2006
    assert years_of(pts_scores, "RUS") == (1976, 2023, 48)  # the Soviet Union to 1991
    assert years_of(pts_scores, "DEU") == (1976, 2023, 48)  # the German Federal Republic to 1989
    assert years_of(pts_scores, "MNE") == (2006, 2023, 18)
    assert years_of(pts_scores, "PSE") == (1994, 2022, 29)  # World Bank WBG, M49 275
    assert years_of(pts_scores, "ROU")[2] == 48 and years_of(pts_scores, "COD")[2] == 48  # ROM, ZAR not used
    serbia_2006 = pts_scores[(pts_scores["iso3"] == "SRB") & (pts_scores["year"] == 2006)].iloc[0]
    assert pd.isna(serbia_2006["pts_a"]) and serbia_2006["pts_s"] == 2  # Serbia's own row, not the FRY's


def test_pts_entities_left_out_are_reported(pts_scores):
    table = context.unmapped(pts_scores)
    names = set(table["name"])
    assert {"Kosovo", "Taiwan, Province of China", "Czechoslovakia", "German Democratic Republic", "Puerto Rico",
            "Western Sahara", "European Union", "Crimea", "Somaliland", "Gaza (Hamas)"} <= names
    assert len(table) == 17 and table["rows"].sum() == 238
    fry = table[table["name"] == "Yugoslavia, Federal Republic of"].iloc[0]  # 1991 (still the SFRY) and 2006
    assert (fry["first_year"], fry["last_year"], fry["rows"]) == (1991, 2006, 2)


# --- V-Dem ------------------------------------------------------------------------------------------------

def test_vdem_files_read_and_joined(vdem_all):
    frame = vdem_all
    assert list(frame.columns) == ["iso3", "year", *vdem.INDICATORS]
    assert (frame["year"].min(), frame["year"].max()) == (1789, 2025)
    assert frame["iso3"].nunique() == 174 and not frame.duplicated(["iso3", "year"]).any()
    assert frame["political_regime"].dtype == "Int64"
    norway = frame[(frame["iso3"] == "NOR") & (frame["year"] == 2020)].iloc[0]
    assert norway["political_regime"] == 3 and 0.8 < norway["liberal_democracy"] <= 1
    assert years_of(frame, "DEU") == (1789, 2025, 233)  # West Germany fills 1949-1990; none for 1945-1948
    codes = unmapped_codes(frame)
    assert {"OWID_KOS", "TWN", "HKG", "OWID_WRL", "OWID_GDR", "OWID_YAR", "no code"} <= codes
    assert not {"OWID_GFR", "OWID_DRV"} & codes


def test_the_shipped_vdem_table_is_what_the_raw_files_give(raw, tmp_path):
    built = vdem.build(raw, tmp_path / "vdem_indices.csv")
    assert built.read_bytes() == vdem.TABLE.read_bytes()


def test_the_shipped_vdem_table(vdem_all):
    table = context.vdem_indices()
    assert list(table.columns) == vdem.COLUMNS
    assert len(table) == 4472 and table["iso3"].nunique() == 172
    assert (table["year"].min(), table["year"].max()) == (2000, 2025)
    assert set(table["iso3"]) <= set(states())
    assert len(set(states()) - set(table["iso3"])) == 23
    expected = vdem_all[vdem_all["year"].between(2000, 2025)].reset_index(drop=True)
    pd.testing.assert_frame_equal(table, expected, check_dtype=False)
    assert len(context.vdem_indices(2010)) == 172


def test_a_changed_vdem_file_is_refused(raw, tmp_path):
    copy = tmp_path / vdem.RAW_FOLDER
    shutil.copytree(VDEM, copy)
    (copy / "rule-of-law-index.csv").chmod(0o644)
    with (copy / "rule-of-law-index.csv").open("a", encoding="utf-8") as f:
        f.write("Nowhere,NOW,2020,0.5,Europe\n")
    with pytest.raises(DataError, match=r"found SHA-256 [0-9a-f]{64}; expected 20aa91fa"):
        vdem.build(tmp_path, tmp_path / "out.csv")


# --- load_context -----------------------------------------------------------------------------------------

def test_load_context_reads_a_folder_by_layout(raw):
    with pytest.warns(UnmappedCodesWarning, match="codes that map to no UN member or observer State"):
        frame = context.load_context(FOLDER, years=(2000, 2021))
    assert list(frame.columns) == ["iso3", "year", *vdem.INDICATORS, *fariss.INDICATORS, *pts.INDICATORS]
    assert not frame.duplicated(["iso3", "year"]).any() and set(frame["iso3"]) <= set(states())
    files = context.files_read(frame)
    assert sorted(files["layout"]) == ["fariss", "pts", *["vdem"] * 6]
    assert set(context.unmapped(frame)["file"]) <= set(files["file"])
    kenya = frame[(frame["iso3"] == "KEN") & (frame["year"] == 2015)].iloc[0]
    assert kenya[["electoral_democracy", "fariss_theta_mean", "pts_s"]].notna().all()


def test_load_context_reads_one_file(raw):
    frame = quietly(context.load_context, PTS)
    assert list(frame.columns) == ["iso3", "year", *pts.INDICATORS] and len(frame) == 8439
    assert context.load.layout(FARISS) == "fariss" and context.load.layout(VDEM / "political-regime.csv") == "vdem"


def test_years_outside_a_file_are_refused(raw):
    with pytest.raises(DataError, match=r"LHRS-v4.02-2021_names.csv: covers the years 1946-2021; asked for 2000-2023"):
        quietly(context.load_context, FOLDER, years=(2000, 2023))
    with pytest.raises(DataError, match=r"covers the years 1976-2023; asked for 1970-1980"):
        context.read_pts(PTS, years=(1970, 1980))
    with pytest.raises(DataError, match=r"vdem_indices.csv: covers the years 2000-2025; asked for 1999-1999"):
        context.vdem_indices(1999)


def test_an_unknown_layout_is_refused_in_one_line(tmp_path):
    odd = tmp_path / "gdp.csv"
    odd.write_text("country,year,gdp\nNorway,2020,1\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        context.load_context(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{odd}: found columns ['country', 'year', 'gdp']; expected one of the country-year "
                              "layouts (vdem: Entity, Code, Year")
    assert "\n" not in message
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="found no CSV file in the folder"):
        context.load_context(tmp_path / "empty")


def test_the_same_indicator_twice_is_refused(raw, tmp_path):
    for name in ("a.csv", "b.csv"):
        shutil.copyfile(VDEM / "political-regime.csv", tmp_path / name)
    with pytest.raises(DataError, match=r"b.csv: found the column political_regime in .*a.csv too"):
        quietly(context.load_context, tmp_path)


PTS_HEADER = "Country,Country_OLD,Year,COW_Code_A,COW_Code_N,WordBank_Code_A,UN_Code_N,Region,PTS_A,PTS_H,PTS_S\n"


def test_two_rows_for_one_state_and_year_are_refused(tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text(PTS_HEADER + "Soviet Union,Soviet Union,1991,NA,NA,NA,NA,eeca,3,NA,4\n"
                    "Russian Federation,Russia,1991,RUS,365,RUS,643,eeca,2,NA,3\n", encoding="cp1252")
    with pytest.raises(DataError, match=r"found RUS 1991 from more than one code \(M49 643, no code\)"):
        context.read_pts(path)


def test_a_score_out_of_range_is_refused_with_its_row(tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text(PTS_HEADER + "Norway,Norway,2020,NOR,385,NOR,578,weog,1,NA,1\n"
                    "Norway,Norway,2021,NOR,385,NOR,578,weog,7,NA,1\n", encoding="cp1252")
    with pytest.raises(DataError, match=r"pts.csv, row 3, column 'pts_a': found '7'; expected NA or a score 1-5"):
        context.read_pts(path)


def test_frames_read_can_be_joined_and_keep_their_reports(pts_scores, fariss_scores):
    """The reports ride in ``.attrs`` as records, which pandas can compare when it joins two frames."""
    joined = pts_scores.merge(fariss_scores, on=["iso3", "year"])
    assert len(joined) == 8022 and len(pd.concat([pts_scores, fariss_scores])) == 8439 + 11393
    assert len(context.unmapped(pts_scores[pts_scores["year"] > 2000])) == 17
    with pytest.raises(DataError, match="found no record of the codes left out"):
        context.unmapped(pd.DataFrame())


def test_an_unknown_code_is_reported_not_dropped(tmp_path):
    path = tmp_path / "fariss.csv"
    path.write_text('"YEAR","COW","theta_mean","theta_sd","country_name"\n2000,385,1.5,0.2,"Norway"\n'
                    '2000,9999,0.1,0.2,"Atlantis"\n', encoding="utf-8")
    with pytest.warns(UnmappedCodesWarning, match="left out 1 rows of 1 codes .*COW 9999 Atlantis 2000-2000"):
        frame = context.read_fariss(path)
    assert list(frame["iso3"]) == ["NOR"]
    assert context.unmapped(frame).iloc[0]["reason"] == "code in no crosswalk"
