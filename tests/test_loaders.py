"""Loaders on the real UPR Info exports: counts, States, formats, encodings, errors."""

import pandas as pd
import pytest

from upr_lab import load, metrics
from upr_lab.sources import schema
from upr_lab.sources.formats import canonical
from upr_lab.sources.countries import CountryResolver
from upr_lab.exceptions import DataError

try:
    from .independent import count_exports
except ImportError:
    from independent import count_exports

EXPORTS = ["1-5.csv", "6-9.csv", "10-13.csv", "14-17.csv", "17-20.csv"]
UPR_INFO_HEADER = "SuR,Rgrp,Org,Recommendation,RS,Rgrp,Org,Response,Action,Issue,Session"


def test_real_exports_hold_41066_rows_and_41063_recommendations_for_193_states(real_data):
    recs = real_data.recommendations
    assert sum(f["rows"] for f in real_data.source["files"]) == 41066  # rows read, exact repeats included
    assert len(recs) == 41063
    assert recs["sur_iso3"].nunique() == 193
    assert (recs["session"].min(), recs["session"].max()) == (1, 20)
    assert recs.groupby("cycle").size().to_dict() == {1: 21355, 2: 19708}
    assert recs["rec_id"].is_unique


def test_voluntary_pledges_are_kept_apart(real_data):
    assert len(real_data.pledges) == 947
    assert set(real_data.recommendations["response"]) == {"supported", "noted"}
    pledges = real_data.pledges
    assert (pledges["recommender_iso3"] == pledges["sur_iso3"]).all()


def test_exact_duplicates_are_kept_once_and_named(real_data):
    assert real_data.source["duplicates"] == 3
    assert [(r["name"], r["row"], r["first"], r["sur_iso3"], r["session"], r["action_category"])
            for r in real_data.source["repeats"]] == [
        ("14-17.csv", 6245, "row 6182", "MNE", 15, 5),  # the same but for a space at the end of the text
        ("14-17.csv", 8613, "row 8611", "TON", 15, 5),
        ("6-9.csv", 5765, "row 5764", "LSO", 8, 5)]
    recs = real_data.recommendations
    assert not recs["rec_id"].str.contains("-").any()
    assert not recs.drop(columns="rec_id").assign(issues=recs["issues"].map("|".join)).duplicated().any()
    tonga = recs[(recs["sur_iso3"] == "TON") & (recs["text"] == "Ratify ICCPR and its Second Optional Protocol")
                 & (recs["recommender_iso3"] == "GBR")]
    assert len(tonga) == 1


def test_exact_duplicates_are_warned_about(upr_info_dir):
    with pytest.warns(UserWarning, match=r"^3 recommendation rows repeat an earlier row exactly .* and were dropped, "
                                         r"so that each is analysed once: 14-17.csv row 6245 \(as row 6182\)"):
        load(upr_info_dir)


def test_every_file_is_recorded_with_its_hash_and_encoding(real_data, upr_info_dir):
    from upr_lab.sources.dataset import sha256

    files = {f["name"]: f for f in real_data.source["files"]}
    assert set(files) == set(EXPORTS) | {"voluntary.csv"}
    for name, record in files.items():
        assert record["sha256"] == sha256(upr_info_dir / name)
        assert record["detected"]["encoding"] == "mac_roman"
    assert "Habré" in " ".join(real_data.recommendations["text"])  # 0x8e decoded as é


def test_counts_match_an_independent_count_for_every_state(real_data, upr_info_dir):
    expected = count_exports(upr_info_dir)
    resolver = CountryResolver()
    recs = real_data.recommendations
    assert len(expected) == 193
    codes = {name: resolver.resolve(name).iso3 for name in expected}
    assert len(set(codes.values())) == 193, "two spellings resolved to the same State"
    for name, counts in expected.items():
        headline = metrics.headline(recs, codes[name])
        assert headline["n_recommendations"] == counts["n"], name
        assert headline["acceptance_rate"] == pytest.approx(counts["accepted"] / (counts["accepted"] + counts["noted"]))
        for cycle, (n, accepted, noted) in counts["by_cycle"].items():
            assert headline["by_cycle"][str(cycle)]["n"] == n
            assert headline["by_cycle"][str(cycle)]["acceptance_rate"] == pytest.approx(accepted / (accepted + noted))


def test_korea_is_never_confused(real_data):
    recs = real_data.recommendations
    names = recs.drop_duplicates("sur_iso3").set_index("sur_iso3")["sur_name"]
    assert names["KOR"] == "Republic of Korea"
    assert names["PRK"] == "Democratic People's Republic of Korea"
    assert names["COD"] == "Democratic Republic of the Congo" and names["COG"] == "Congo"


def test_action_categories_of_the_rows_read_match_the_published_counts(real_data):
    counts = real_data.recommendations["action_category"].value_counts().sort_index().to_dict()
    for repeat in real_data.source["repeats"]:
        counts[repeat["action_category"]] += 1
    assert counts == {1: 603, 2: 6981, 3: 3449, 4: 16261, 5: 13772}


def _write(path, text, encoding, newline):
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


@pytest.fixture(scope="module")
def sample_text(upr_info_dir):
    text = (upr_info_dir / "1-5.csv").read_bytes().decode("mac_roman").replace("\r", "\n")
    return "\n".join(text.split("\n")[:1201]) + "\n"  # header and 1,200 recommendations


@pytest.fixture(scope="module")
def sample_recs(sample_text, tmp_path_factory):
    path = _write(tmp_path_factory.mktemp("ref") / "ref.csv", sample_text, "mac_roman", "\r")
    return load(path).recommendations


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("utf-16", "\r\n"),
                                              ("cp1252", "\r\n"), ("mac_roman", "\r")])
def test_any_encoding_and_line_ending_gives_the_same_table(sample_text, sample_recs, tmp_path, encoding, newline):
    path = _write(tmp_path / "export.csv", sample_text, encoding, newline)
    pd.testing.assert_frame_equal(load(path).recommendations, sample_recs)


def test_upr_info_header_spelling_gives_the_same_table(sample_text, sample_recs, tmp_path):
    body = sample_text.split("\n", 1)[1]
    path = _write(tmp_path / "export.csv", UPR_INFO_HEADER + "\n" + body, "utf-8", "\n")
    pd.testing.assert_frame_equal(load(path).recommendations, sample_recs)


def test_semicolon_delimited_export(sample_text, sample_recs, tmp_path):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(sample_text)))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    path = _write(tmp_path / "export.csv", out.getvalue(), "utf-8", "\n")
    pd.testing.assert_frame_equal(load(path).recommendations, sample_recs)


def _frame(sample_text):
    import io

    return pd.read_csv(io.StringIO(sample_text), dtype=str, keep_default_na=False)


def test_xlsx_export_gives_the_same_table(sample_text, sample_recs, tmp_path):
    path = tmp_path / "export.xlsx"
    _frame(sample_text).to_excel(path, index=False)
    pd.testing.assert_frame_equal(load(path).recommendations, sample_recs)


def test_legacy_xls_export_gives_the_same_table(sample_text, sample_recs, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    frame = _frame(sample_text)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("recommendations")
    for j, column in enumerate(frame.columns):
        sheet.write(0, j, column)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            sheet.write(i, j, int(value) if frame.columns[j] in ("Action", "Session") else value)
    book.save(str(tmp_path / "export.xls"))
    pd.testing.assert_frame_equal(load(tmp_path / "export.xls").recommendations, sample_recs)


def test_html_table_saved_as_xls_gives_the_same_table(sample_text, sample_recs, tmp_path):
    path = tmp_path / "export.xls"
    path.write_text(_frame(sample_text).to_html(index=False), encoding="utf-8")
    pd.testing.assert_frame_equal(load(path).recommendations, sample_recs)


def test_canonical_table_round_trips_through_csv_and_parquet(sample_recs, tmp_path):
    for name in ("canonical.csv", "canonical.parquet"):
        path = canonical.write(sample_recs, tmp_path / name)
        pd.testing.assert_frame_equal(load(path).recommendations, sample_recs)



def test_sdg_links_and_documents_round_trip_through_csv_and_parquet(sample_recs, tmp_path):
    linked = sample_recs.copy()
    linked["source"] = "dihr"
    linked["sdg_goals"] = [(5, 16)] + [()] * (len(linked) - 1)
    linked["sdg_targets"] = [("5.2", "16.10", "16.1/16.10")] + [()] * (len(linked) - 1)
    linked["document"], linked["paragraph"] = "A/HRC/12/9", "95.1"
    for name in ("linked.csv", "linked.parquet"):
        path = canonical.write(linked, tmp_path / name)
        pd.testing.assert_frame_equal(load(path).recommendations, linked)
    assert "5;16,5.2;16.10;16.1/16.10,A/HRC/12/9,95.1" in (tmp_path / "linked.csv").read_text(encoding="utf-8")


def test_canonical_tables_written_before_the_sdg_columns_still_read(sample_recs, tmp_path):
    """The legacy header (no source, SDG or document columns; issue tags joined by '|') reads as before."""
    legacy = sample_recs[[c for c in sample_recs.columns if c not in ("source", "sdg_goals", "sdg_targets",
                                                                      "document", "paragraph",
                                                                      *schema.CODING_COLUMNS)]]
    legacy.assign(issues=legacy["issues"].map("|".join)).to_csv(tmp_path / "old.csv", index=False)
    legacy.assign(issues=legacy["issues"].map(list)).to_parquet(tmp_path / "old.parquet", index=False)
    expected = sample_recs.assign(source="canonical")
    for name in ("old.csv", "old.parquet"):
        pd.testing.assert_frame_equal(load(tmp_path / name).recommendations, expected)

# -- errors that say what is wrong, where ---------------------------------------------------------

def _export(tmp_path, rows, header="To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"):
    path = tmp_path / "bad.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


GOOD = "Norway,WEOG,,Ratify the convention,France,WEOG,EU,Accepted,5,International instruments,2"


@pytest.mark.parametrize("row,fragment", [
    ("Norway,WEOG,,Text,France,WEOG,EU,Maybe,5,Justice,2", "row 3, column 'Response': found 'Maybe'"),
    ("Norway,WEOG,,Text,France,WEOG,EU,Accepted,7,Justice,2", "row 3, column 'Action': found '7'"),
    ("Norway,WEOG,,Text,France,WEOG,EU,Accepted,5,Justice,99", "row 3, column 'Session': found '99'"),
    ("Norvay,WEOG,,Text,France,WEOG,EU,Accepted,5,Justice,2", "did you mean Norway"),
])
def test_bad_values_name_file_row_and_column(tmp_path, row, fragment):
    path = _export(tmp_path, [GOOD, row])
    with pytest.raises(DataError) as caught:
        load(path)
    assert "bad.csv" in str(caught.value) and fragment in str(caught.value)


def test_string_columns_of_another_dtype_get_pandera_s_whole_check(sample_recs):
    """Validation leaves out the dtype checks of string columns only where they already have pandas' own
    string dtype; any other dtype there is checked, and refused with pandera's message, as before."""
    recs = sample_recs.head(3).reset_index(drop=True)
    plain = schema._checking(schema.RECOMMENDATIONS, recs)
    assert plain is not schema.RECOMMENDATIONS and plain.columns["text"].dtype is None
    assert plain.columns["cycle"].dtype is not None and plain.columns["sur_iso3"].checks  # the rest kept
    pd.testing.assert_frame_equal(schema.validate(recs, schema.RECOMMENDATIONS, "t"), recs)
    texts = recs.assign(text=recs["text"].astype(object))
    assert schema._checking(schema.RECOMMENDATIONS, texts) is schema.RECOMMENDATIONS
    with pytest.raises(DataError, match=r"column 'text', found 5; expected dtype\('string\[pyarrow\]'\)"):
        schema.validate(texts.assign(text=[5, "a", "b"]), schema.RECOMMENDATIONS, "t")
    with pytest.raises(DataError, match=r"column 'sur_iso3', found 'xx'"):  # a check of a plain column still runs
        schema.validate(recs.assign(sur_iso3=pd.Series(["xx", "NOR", "NOR"], dtype="str")), schema.RECOMMENDATIONS,
                        "t")


def test_unknown_headers_list_the_expected_ones(tmp_path):
    path = _export(tmp_path, ["a,b,c"], header="Country,Comment,Year")
    with pytest.raises(DataError, match="To, To-Rgrp.*SuR, Rgrp"):
        load(path)


def test_empty_binary_and_missing_sources_are_refused(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "binary.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    with pytest.raises(DataError, match="empty.csv.*empty"):
        load(tmp_path / "empty.csv")
    with pytest.raises(DataError, match="binary.xlsx: found a damaged or truncated workbook"):
        load(tmp_path / "binary.xlsx")
    with pytest.raises(DataError, match="no such file"):
        load(tmp_path / "missing")


def test_user_aliases_resolve_new_spellings(tmp_path):
    aliases = tmp_path / "aliases.yaml"
    aliases.write_text('"Kingdom of Norway (mainland)": NOR\n', encoding="utf-8")
    path = _export(tmp_path, [GOOD.replace("Norway", "Kingdom of Norway (mainland)", 1)])
    assert load(path, aliases=aliases).recommendations["sur_iso3"].tolist() == ["NOR"]
