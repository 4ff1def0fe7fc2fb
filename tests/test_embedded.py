"""The embedded real data set (``--data upr``, the default): rebuilt from the raw files to the same
bytes, and every State's figures checked against an independent count of those files."""

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from upr_lab import load
from upr_lab.exceptions import DataError
from upr_lab.sources import build_embedded, embedded
from upr_lab.sources.countries import CountryResolver
from upr_lab.stats import metrics

try:
    from .independent import count_dihr, count_exports
except ImportError:
    from independent import count_dihr, count_exports

RAW = Path(__file__).resolve().parents[2] / "shared" / "data"
FIRST_DIHR_COUNCIL = 29  # Council session 29 adopted Working Group session 21's outcomes


@pytest.fixture(scope="module")
def upr():
    return load("upr")


def test_make_data_rebuilds_the_same_bytes(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_embedded.build(RAW, tmp_path)
    for path in sorted(embedded.FOLDER.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_it_holds_cycles_1_and_2_of_every_state(upr):
    recs = upr.recommendations
    assert len(recs) == 57_592 and upr.source["duplicates"] == 4
    assert recs.groupby("source")["session"].agg(["min", "max"]).values.tolist() == [[21, 26], [1, 20]]
    assert recs["sur_iso3"].nunique() == 193 and (recs.groupby("sur_iso3")["cycle"].nunique() == 2).all()
    assert upr.source["reconciliation"][0]["matched"] == 40_144 and len(upr.differences) == 919
    assert len(upr.pledges) == 947 and not upr.synthetic


def test_every_states_counts_match_an_independent_count_of_the_raw_files(upr):
    resolver = CountryResolver()
    expected = {}
    for name, counts in count_exports(RAW / "upr-info").items():
        for cycle, (n, accepted, noted) in counts["by_cycle"].items():
            expected[(resolver.resolve(name).iso3, cycle)] = [n, accepted, noted]
    for (name, cycle), (n, supported, noted, councils) in count_dihr(RAW / "dihr").items():
        if min(councils) >= FIRST_DIHR_COUNCIL:  # reviews UPR Info's exports (to session 20) do not hold
            key = (resolver.resolve(name).iso3, cycle)
            assert key not in expected
            expected[key] = [n, supported, noted]
    assert len(expected) == 386
    recs = upr.recommendations
    for code in sorted({c for c, _ in expected}):
        headline = metrics.headline(recs, code)
        for cycle in (1, 2):
            n, supported, noted = expected[(code, cycle)]
            assert headline["by_cycle"][str(cycle)]["n"] == n, (code, cycle)
            rate = headline["by_cycle"][str(cycle)]["acceptance_rate"]
            assert rate == pytest.approx(supported / (supported + noted)), (code, cycle)


def test_the_tables_read_back_from_the_parse_cache_are_those_of_the_files(tmp_path, monkeypatch):
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    embedded._read.cache_clear()
    try:
        from_files = embedded.read()[0]
        assert len(list((tmp_path / "cache" / "sources").iterdir())) == 1
        embedded._read.cache_clear()
        monkeypatch.setattr(embedded.canonical, "read_parquet", None)  # the files' tables are not read again
        from_cache = embedded.read()[0]
    finally:
        embedded._read.cache_clear()
    for name, table in from_files.items():
        pd.testing.assert_frame_equal(from_cache[name], table, check_exact=True)
    assert from_cache["recommendations"]["issues"].map(type).eq(tuple).all()


def test_a_changed_table_is_refused_even_where_the_cache_holds_it(tmp_path, monkeypatch):
    folder = tmp_path / "upr"
    shutil.copytree(embedded.FOLDER, folder)
    monkeypatch.setenv("UPR_LAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(embedded, "FOLDER", folder)
    embedded._read.cache_clear()
    try:
        load("upr")  # cached under the SHA-256 recorded in source.json
        embedded._read.cache_clear()
        (folder / "pledges.parquet").write_bytes((folder / "pledges.parquet").read_bytes()[:-10])
        with pytest.raises(DataError, match="pledges.parquet does not have the SHA-256 recorded"):
            load("upr")
    finally:
        embedded._read.cache_clear()


def test_a_changed_raw_file_is_refused_before_anything_is_built(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "upr-info", raw / "upr-info")
    shutil.copytree(RAW / "dihr", raw / "dihr")
    (raw / "upr-info" / "6-9.csv").chmod(0o644)
    with open(raw / "upr-info" / "6-9.csv", "ab") as f:
        f.write(b"\r")
    with pytest.raises(DataError, match=r"6-9.csv: found SHA-256 .*; expected ee3f5b37"):
        build_embedded.build(raw, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_data_export_writes_the_canonical_table_for_other_tools(tmp_path, upr, capsys):
    from upr_lab import cli

    for name in ("upr.csv", "upr.parquet"):  # the table as loaded: no predicted categories (tests/test_classifier_in_use.py)
        assert cli.main(["data", "export", "--no-predict-categories", "--out", str(tmp_path / name)]) == 0
        assert load(tmp_path / name).recommendations.equals(upr.recommendations)
    header, first = (tmp_path / "upr.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.startswith("rec_id,source,cycle,session,year,sur_iso3") and "sdg_goals,sdg_targets,document" in header
    linked = upr.recommendations[upr.recommendations["sdg_goals"].map(len) > 1].iloc[0]
    assert ";".join(map(str, linked["sdg_goals"])) in (tmp_path / "upr.csv").read_text(encoding="utf-8")
    assert cli.main(["data", "export", "--out", str(tmp_path / "upr.xlsx")]) == 2
    assert "found the suffix '.xlsx'; expected .csv or .parquet" in capsys.readouterr().err
