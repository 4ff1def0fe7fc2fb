"""UHRI JSON exports as a source (``--data uhri``, ``--data export.json``): no real export can be had here, so
these tests build exports in the layout public code reads (../shared/data/uhri/LAYOUT.md), with the traps it
names: '- ' prefixes, strings or lists, nulls and [], several recommending States, other bodies' records, the
two known errors of the source. Every record is SYNTHETIC."""

import json
import re

import pytest

from uhri_export import record, write_export
from upr_lab import cli, load
from upr_lab.exceptions import DataError
from upr_lab.sources import cache
from upr_lab.sources.formats import uhri_json, uhri_records
from upr_lab.sources.remote import uhri as remote_uhri

RECORDS = [
    record(annotation="r1"),  # Norway, session '- 19 - April 2014', Brazil and Chile, '(Brazil);' at the end
    record(body="- CRC", countries=["Peru"], symbol="CRC/C/PER/CO/6-7", text="4.The Committee reminds ...",
           annotation="crc"),
    record(countries=["- Kenya"], symbol="A/HRC/44/9", session=[35], cycle="3", recommending=["- Norway"],
           positions="- Noted", text="28.212 Continue its efforts (Norway);", annotation="r3",
           sdgs=["- 16.2 - Protect children from abuse", "- 11 - SUSTAINABLE CITIES AND COMMUNITIES"]),
    record(countries="- Norway", symbol="A/HRC/59/14", session="- 46 - January 2025", cycle=["- 4"],
           positions=["- Supported/Noted"], recommending=["- Iran (Islamic Republic of)"], sdgs=None, themes=[],
           text="150.3 Ratify the ICRMW (Iran (Islamic Republic of))", annotation="r4"),
    record(countries=["- Uzbekistan", "- Czechia"], symbol="A/HRC/22/3", session=["14"], cycle="- 2",
           recommending=["- France"], text="94.1 Adopt a plan (ICCPR)", annotation="r5"),
    record(countries="- Sudan\r\n - South Sudan\r", symbol="A/HRC/18/16", session=[], cycle=None,
           recommending=["- Egypt", "- Egypt"], positions=None, annotation="r6"),
    record(body=["- UPR"], countries=["- Chad"], symbol="A/HRC/40/15", session="31st session", cycle=None,
           positions=["- Supported", "- Noted"], recommending=["- Mali\n- Niger"], annotation="r7"),
    record(body="Universal Periodic Review", countries=["- Chad"], symbol="A/HRC/40/15", session="31", cycle=3,
           positions=[], recommending=["Ghana"], text="A text with no number", annotation="r8"),
]


@pytest.fixture()
def export(tmp_path):
    return write_export(tmp_path / "export-full-en.json", RECORDS)


@pytest.fixture()
def private_cache(monkeypatch, tmp_path):
    folder = tmp_path / "cache"
    monkeypatch.setenv("UPR_LAB_CACHE", str(folder))
    cache._memory.clear()
    return folder


def test_upr_records_become_one_row_per_recommending_state(export, private_cache):
    data = load(export)
    recs = data.recommendations
    assert set(recs["source"]) == {"uhri"}
    assert len(recs) == 9  # 7 UPR records: Brazil+Chile, Mali+Niger split; Egypt named twice counts once
    first = recs[recs["document"] == "A/HRC/27/15"]
    assert sorted(first["recommender_iso3"]) == ["BRA", "CHL"] and set(first["sur_iso3"]) == {"NOR"}
    assert set(first["text"]) == {"Ratify the Convention"} and set(first["paragraph"]) == {"124.1"}
    assert set(first["session"]) == {19} and set(first["cycle"]) == {2} and set(first["year"]) == {2014}
    assert first["issues"].iloc[0] == ("Right to health",)
    kenya = recs[recs["sur_iso3"] == "KEN"].iloc[0]
    assert (kenya["session"], kenya["cycle"], kenya["response"]) == (35, 3, "noted")
    assert kenya["text"] == "Continue its efforts" and kenya["paragraph"] == "28.212"
    assert kenya["sdg_goals"] == (11, 16) and kenya["sdg_targets"] == ("16.2",)  # a target implies its goal
    norway4 = recs[recs["document"] == "A/HRC/59/14"].iloc[0]
    assert (norway4["session"], norway4["cycle"], norway4["response"]) == (46, 4, "other")
    assert norway4["text"] == "Ratify the ICRMW" and norway4["recommender_iso3"] == "IRN"
    assert norway4["sdg_goals"] == () and norway4["issues"] == ()
    chad = recs[recs["sur_iso3"] == "TCD"]
    assert sorted(chad["recommender_iso3"]) == ["GHA", "MLI", "NER"] and set(chad["session"]) == {31}
    assert set(chad["response"]) == {"other"}  # Supported and Noted in one record; no position at all
    assert "A text with no number" in set(chad["text"]) and "" in set(chad["paragraph"])


def test_the_two_known_errors_are_corrected_and_counted(export, private_cache):
    data = load(export)
    recs = data.recommendations
    czech = recs[recs["document"] == "A/HRC/22/3"].iloc[0]
    assert czech["sur_iso3"] == "CZE" and czech["text"] == "Adopt a plan (ICCPR)"  # not a State: kept
    sudan = recs[recs["document"] == "A/HRC/18/16"]
    assert set(sudan["sur_iso3"]) == {"SDN"} and set(sudan["session"]) == {11}  # the session from the symbol
    assert list(sudan["recommender_iso3"]) == ["EGY"] and set(sudan["response"]) == {"other"}
    detected = data.source["files"][0]["detected"]
    assert [(c["symbol"], c["state"], c["records"]) for c in detected["corrections"]] == [
        ("A/HRC/22/3", "CZE", 1), ("A/HRC/18/16", "SDN", 1)]
    assert detected["records"] == 8 and detected["upr_records"] == 7 and detected["skipped_other_bodies"] == 1
    assert detected["positions"] == {"(none)": 2, "Noted": 1, "Supported": 2, "Supported / Noted": 1,
                                     "Supported/Noted": 1}


def test_a_record_already_labelled_right_is_no_correction(tmp_path, private_cache):
    path = write_export(tmp_path / "e.json", [record(countries=["- Czechia"], symbol="A/HRC/22/3", session=["14"])])
    data = load(path)
    assert set(data.recommendations["sur_iso3"]) == {"CZE"}
    assert data.source["files"][0]["detected"]["corrections"] == []


def test_a_report_labelled_with_states_the_rule_does_not_name_is_refused(tmp_path, private_cache):
    path = write_export(tmp_path / "e.json", [record(countries=["- Chad", "- Czechia"], symbol="A/HRC/22/3",
                                                     session=["14"], annotation="x1")])
    with pytest.raises(DataError, match=r"record 1 \(AnnotationId x1\), Countries: found \['- Chad', '- Czechia'\]; "
                                        "expected one State under review"):
        load(path)


@pytest.mark.parametrize("session", [31, "31", "- 31", "31 - November 2018", "31st session", ["- 31"],
                                     ["31 - November 2018"]])
def test_the_session_forms_of_the_layout_are_read(tmp_path, private_cache, session):
    path = write_export(tmp_path / "e.json", [record(session=session, cycle=None, symbol="A/HRC/40/15")])
    assert set(load(path).recommendations["session"]) == {31}


@pytest.mark.parametrize("key,value,shown", [
    ("UprSession", ["- November 2018"], r"UprSession: found \['- November 2018'\]; expected a Working Group session"),
    ("UprSession", "99", r"UprSession: found '99'; expected a Working Group session"),
    ("UprSession", ["31", "32"], r"UprSession: found \['31', '32'\]; expected a Working Group session"),
    ("UprCycle", "- 3", r"UprCycle: found '- 3' for a record of session 19, which is in cycle 2"),
    ("UprCycle", "second", r"UprCycle: found 'second' for a record of session 19"),
    ("UprPositions", ["- Accepted"], r"UprPositions: found \['- Accepted'\]; expected a UPR position"),
    ("UprPositions", "Rejected", r"UprPositions: found 'Rejected'; expected a UPR position"),
    ("UprRecommendingCountry", [], r"UprRecommendingCountry: found \[\]; expected the recommending State"),
    ("UprRecommendingCountry", ["- Fance"], r"UprRecommendingCountry: found 'Fance', which matches no State"),
    ("Countries", ["- Atlantis"], r"Countries: found 'Atlantis', which matches no State"),
    ("Sdgs", ["- Peace"], r"Sdgs: found \['- Peace'\]; expected SDG goals or targets"),
    ("Sdgs", ["- 18 - Something"], r"Sdgs: found \['- 18 - Something'\]; expected SDG goals or targets"),
    ("Text", None, r"Text: found None; expected the recommendation's text"),
    ("Text", {"en": "Ratify"}, r"Text: found \{'en': 'Ratify'\}; expected the recommendation's text"),
    ("Text", "x" * 40_000, r"Text: found 'xxxx.*\(40,000 characters\); expected the recommendation's text \(at most"),
])
def test_a_value_outside_the_layout_is_refused_in_one_line_showing_it(tmp_path, private_cache, capsys, key, value,
                                                                       shown):
    bad = {**record(annotation="ab-12"), key: value}
    path = write_export(tmp_path / "e.json", [RECORDS[1], bad])
    assert cli.main(["data", "info", "--data", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("upr-lab: error: ") and "e.json: record 2 (AnnotationId " \
        "ab-12), " in err, err
    assert re.search(shown, err), err
    assert not (private_cache / "sources").exists()  # nothing cached


@pytest.mark.parametrize("content,shown", [
    (lambda export: export[:-300], "is truncated or not valid JSON after 7 whole records"),
    (lambda export: b'{"records": []}', "is not a UHRI JSON export: found '{\"records\": []}' at its start"),
    (lambda export: b"", "is not a UHRI JSON export: found an empty file"),
    (lambda export: b"[]", "holds no records"),
    (lambda export: b'[{"Text": "x"}]', "record 1 is an object with the keys ['Text']; expected one JSON array of"),
    (lambda export: b"[1, 2]", "record 1 is a int 1; expected one JSON array of UHRI records"),
    (lambda export: json.dumps([{k: v for k, v in record(annotation="u9").items() if k != "UprPositions"}]).encode(),
     "record 1 (AnnotationId u9) is a UPR record without the keys UprPositions"),
    (lambda export: export + b"\n[]", "is truncated or not valid JSON after 8 whole records"),
    (lambda export: b"[" * 200_000, "is not a UHRI JSON export: its values nest more than 32 deep"),  # not all memory
    (lambda export: b'[{"Body": ' + b'{"a": ' * 200_000, "its values nest more than 32 deep"),
    (lambda export: b"[\xff]", "is truncated or not valid JSON after 0 whole records (lexical error: invalid"),
])
def test_a_file_in_neither_layout_is_refused_in_one_line_naming_it(tmp_path, export, private_cache, capsys, content,
                                                                   shown):
    path = tmp_path / "bad.json"
    path.write_bytes(content(export.read_bytes()))
    assert cli.main(["data", "info", "--data", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{path}: " in err and shown in err, err
    assert not (private_cache / "sources").exists()


def test_a_byte_order_mark_is_read_past(tmp_path, export, private_cache):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + export.read_bytes())
    assert len(load(path).recommendations) == 9


def test_the_parse_cache_is_read_on_the_second_load(export, private_cache, monkeypatch):
    first = load(export)
    assert len(list((private_cache / "sources").iterdir())) == 1
    cache._memory.clear()  # read from disk, as a new process would

    def no_parse(*args):
        raise AssertionError("the export was parsed again")

    monkeypatch.setattr(uhri_json, "parse", no_parse)
    second = load(export)
    assert second.recommendations.equals(first.recommendations)
    assert second.source["files"][0]["detected"]["corrections"] == first.source["files"][0]["detected"]["corrections"]


def test_data_uhri_reads_the_cached_export(export, private_cache, capsys, monkeypatch):
    filed = remote_uhri.download(from_file=export)
    assert filed.records == {"records": 8, "upr_records": 7}  # the download counts a Body given as a list too
    path, digest = remote_uhri.cached_export()
    assert cli.main(["data", "info", "--data", "uhri"]) == 0
    out = capsys.readouterr().out
    assert "source:               UHRI export (export-full-en.json)" in out
    assert f"file: export-full-en.json  sha256={digest}  rows=9  format=uhri-json" in out
    assert "  UPR records:        7 of 8 (1 of other bodies skipped)" in out
    assert "  positions as given: (none) 2, Noted 1, Supported 2, Supported / Noted 1, Supported/Noted 1" in out
    assert f"  path:               {path}" in out
    assert "  corrected:          A/HRC/22/3: 1 record attributed to CZE (labelled Uzbekistan and Czechia" in out
    assert "  corrected:          A/HRC/18/16: 1 record attributed to SDN (mixes Sudan and South Sudan" in out
    assert "by source:            uhri: 9 (sessions 11-46)" in out
    cache._memory.clear()
    monkeypatch.setattr(remote_uhri, "_sha256", lambda p: pytest.fail("the export was hashed again"))
    monkeypatch.setattr(uhri_json, "parse", lambda *a: pytest.fail("the export was parsed again"))
    data = load("uhri")  # the parse cache, found by the SHA-256 recorded when the export was filed
    assert len(data.recommendations) == 9 and data.source["files"][0]["path"] == str(path)


def test_data_uhri_without_a_cached_export_says_what_to_do(private_cache, capsys):
    assert cli.main(["data", "info", "--data", "uhri"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no UHRI export in the cache" in err
    assert "upr-lab data download uhri" in err and "--from FILE" in err


def test_values_drop_prefixes_and_split_lines():
    assert uhri_records.values(["- Sudan\r\n - South Sudan\r", None, "", "-"]) == ["Sudan", "South Sudan"]
    assert uhri_records.values(None) == [] and uhri_records.values(31) == ["31"]
    assert uhri_records.values("- 16.2 - Protect") == ["16.2 - Protect"]


def test_trailing_states_come_off_only_when_they_are_the_recommending_states():
    from upr_lab.sources.countries import CountryResolver

    strip = uhri_records.without_trailing_states
    resolver = CountryResolver().lookup
    assert strip("Do it (Brazil, Chile);", {"Brazil", "Chile"}, resolver) == "Do it"
    assert strip("Do it (France) (Peru).", {"France", "Peru"}, resolver) == "Do it"
    assert strip("Do it (Brazil);", {"Chile"}, resolver) == "Do it (Brazil);"  # another State: kept as given
    assert strip("Ratify ILO Convention No. 189.", {"Chile"}, resolver) == "Ratify ILO Convention No. 189."
    assert strip("Ratify the OP (CAT)", {"Chile"}, resolver) == "Ratify the OP (CAT)"


def test_a_damaged_cache_entry_is_parsed_again(export, private_cache):
    first = load(export)
    [entry] = (private_cache / "sources").iterdir()
    stored = entry / f"recommendations{cache.STORED}"
    stored.write_bytes(stored.read_bytes()[:100])
    cache._memory.clear()
    again = load(export)
    assert again.recommendations.equals(first.recommendations)
    assert len(stored.read_bytes()) > 100  # written anew


def test_the_cached_export_beside_the_embedded_data_is_one_line_per_pair(export, private_cache, capsys):
    remote_uhri.download(from_file=export)
    assert cli.main(["data", "info", "--data", "upr,uhri"]) == 0  # no UHRI text matches: no agreement to show
    out = capsys.readouterr().out
    assert "reconciliation:       upr-info and uhri both hold 3 reviews" in out
    assert "(agreement none matched)" in out


def test_brackets_and_escaped_quotes_inside_texts_do_not_count_as_nesting(tmp_path, private_cache, monkeypatch):
    monkeypatch.setattr(uhri_json.ijson, "items", _in_small_chunks(uhri_json.ijson.items))
    text = 'Adopt the "[[[[" plan \\ "[{" ' + "[" * 500 + ' and \\"{{{{ (Brazil);'
    path = write_export(tmp_path / "e.json", [record(text=text, annotation="t1")] * 3)
    recs = load(path).recommendations
    assert recs["text"].iloc[0].endswith("[[[ and \\\"{{{{") and len(recs) == 2  # repeats kept once


def _in_small_chunks(items):
    """ijson reading 7 bytes at a time: escapes and strings cut at a chunk's end are carried to the next."""
    return lambda f, prefix, **kw: items(f, prefix, buf_size=7, **kw)


def test_a_record_without_a_session_takes_its_report_s_or_is_refused(tmp_path, private_cache):
    path = write_export(tmp_path / "e.json", [record(session=[], cycle=None, symbol="A/HRC/27/15")])
    assert set(load(path).recommendations["session"]) == {19}  # the Council's 27th session adopted session 19's
    path = write_export(tmp_path / "f.json", [record(session=None, cycle="- 4", symbol="A/HRC/59/14",
                                                     annotation="n1")])
    with pytest.raises(DataError, match=r"record 1 \(AnnotationId n1\), UprSession: found no session \(and the "
                                        r"report A/HRC/59/14 does not tell it\)"):
        load(path)
