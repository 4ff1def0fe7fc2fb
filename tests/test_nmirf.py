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
    assert (angola["established_by_law"], angola["regular_meetings"], angola["budget"]) == (1, 2, 1)
    assert angola["y_total"] == 5
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
    from upr_lab.stats.followup import mechanisms

    with pytest.warns(nmirf.NmirfGapWarning, match="83 State"):
        table = nmirf.nmirf_table(raw / nmirf.STATUS_FILE)
    assert len(table) == 83 and table["y_total"].isna().all() and table["x_total"].notna().all()
    with pytest.warns(nmirf.NmirfGapWarning, match="classification, participation, criteria columns are empty"):
        table = nmirf.nmirf_table(raw / nmirf.Y_FILE)
    assert table["classification"].isna().all() and table.set_index("iso3").loc["AGO", "y_total"] == 5
    angola = mechanisms.state_mechanism(table, "AGO")
    assert "mechanism as 'not coded (empty in the source)'" in angola.sentence()
    assert angola.to_dict()["classification"] is None and angola.level["cso_participation"] is None
    with pytest.raises(DataError, match="found two NMIRF_Y.csv files"):
        nmirf.read_nmirf([raw / nmirf.Y_FILE, raw / nmirf.Y_FILE])


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


# A State's mechanism in words


def test_a_coded_states_mechanism_in_words_and_for_metrics():
    import json

    from upr_lab.stats.followup import mechanisms

    angola = mechanisms.state_mechanism(nmirf.nmirf_table(), "AGO")
    assert angola.level == {"classification": "NMIRF", "cso_participation": "high", "tracking_database": "yes",
                            "implementation_monitoring": "yes"}
    assert "classifies Angola's mechanism as 'NMIRF'" in angola.sentence()
    assert "participation scores 2 on URG's scale of -1 to 3 (read here as high)" in angola.sentence()
    assert "not documented in the source" in angola.sentence()
    shown = angola.table().set_index("item")["score"]
    assert (shown["civil society organisations (CSOs)"], shown["centralised repository / tracking database"],
            shown["X total (participation and criteria)"], shown["budget"]) == ("2", "2", "7.67", "1")
    record = angola.to_dict()
    assert json.loads(json.dumps(record)) == record
    assert (record["participation"]["csos"], record["criteria"]["tracking_database"], record["y_total"]) == (2, 2, 5)
    assert "Of the 83 coded States, 17 score 3, 38 score 2, 18 score 1, 10 score 0." in angola.cso_sentence()


def test_an_empty_score_is_said_not_coded_and_null_in_metrics():
    from upr_lab.stats.followup import mechanisms

    ecuador = mechanisms.state_mechanism(nmirf.nmirf_table(), "ECU")
    assert ecuador.table().set_index("item").loc["statistics", "score"] == "not coded (empty in the source)"
    assert ecuador.to_dict()["participation"]["statistics"] is None
    assert ecuador.to_dict()["participation"]["parliament"] == 3


def test_a_state_urg_did_not_code_has_no_mechanism():
    from upr_lab.stats.followup import mechanisms

    assert mechanisms.state_mechanism(nmirf.nmirf_table(), "USA") is None
    assert "did not code United States" in mechanisms.not_coded("United States")


# Across States: follow-up measures by mechanism feature, on the embedded data


@pytest.fixture(scope="module")
def found_associations(pooled_on_embedded):
    from upr_lab.stats.followup import mechanisms

    # with the arguments compliance_trends and civil_society give, on the data as coded: computed once per test run
    return pooled_on_embedded(mechanisms.associations_of, alpha=0.05, isolated=True,
                              **mechanisms.pooled_inputs(pooled_on_embedded.recommendations))


@pytest.fixture(scope="module")
def follow(pooled_on_embedded):
    from upr_lab.stats.followup.followthrough import follow_through

    return pooled_on_embedded(follow_through)  # computed once per test run, shared with test_followthrough.py


def cso_high_by_hand():
    """The States whose CSO score is 2 or 3, read from the raw file with the csv module."""
    with open(FOLDER / nmirf.STATUS_FILE, encoding="utf-8", newline="") as f:
        return {row["ISO-3166-1"] for row in csv.DictReader(f) if int(row["CSOs"]) >= 2}


def test_how_many_coded_states_are_in_the_embedded_data(found_associations):
    assert found_associations.coverage == {"coded": 83, "in_data": 83, "with_requests": 77, "with_cycle2": 83,
                                           "reviews": [2008, 2016]}
    assert found_associations.summary().startswith("URG coded 83 States; 83 of them are States under review")


def test_shares_by_feature_level_count_what_they_say(found_associations, follow):
    shares = found_associations.shares.set_index(["outcome", "feature", "level"]).sort_index()
    ratified = "open requests to ratify ratified within 5 years"
    known = follow.open_requests.dropna(subset=["within_5y"])
    high = known[known["sur_iso3"].isin(cso_high_by_hand())]
    row = shares.loc[(ratified, "cso_participation", "high")]
    assert (row["n"], row["k"], row["states"]) == (len(high), int(high["within_5y"].sum()), high["sur_iso3"].nunique())
    assert (row["n"], row["k"], row["states"]) == (1738, 497, 53)
    assert row["share"] == pytest.approx(497 / 1738) and row["ci_low"] < row["share"] < row["ci_high"]
    coded = shares.loc[(ratified, "coded by URG")]
    assert coded["n"].sum() == len(known) == 7187
    for outcome in (ratified, "cycle-2 recommendations repeating a cycle-1 one"):
        for feature in ("classification", "cso_participation", "tracking_database", "implementation_monitoring"):
            assert shares.loc[(outcome, feature), "n"].sum() == shares.loc[(outcome, "coded by URG", "yes"), "n"]
    repeated = shares.loc[("cycle-2 recommendations repeating a cycle-1 one", "coded by URG")]
    assert (repeated["n"].sum(), repeated["k"].sum()) == (36237, 8120)  # the all-States figures of docs/methods/recurrence.md


def test_the_logit_of_a_binary_feature_is_the_odds_ratio_of_its_shares(found_associations):
    shares = found_associations.shares.set_index(["outcome", "feature", "level"]).sort_index()
    estimates = found_associations.estimates().set_index(["outcome", "term"])
    for outcome in shares.index.unique("outcome"):
        for feature, level, reference in (("cso_participation", "high", "low"), ("tracking_database", "yes", "no"),
                                          ("implementation_monitoring", "yes", "no")):
            one, zero = shares.loc[(outcome, feature, level)], shares.loc[(outcome, feature, reference)]
            by_hand = (one["k"] / (one["n"] - one["k"])) / (zero["k"] / (zero["n"] - zero["k"]))
            row = estimates.loc[(outcome, f"{feature}[{level}]")]
            assert row["odds_ratio"] == pytest.approx(by_hand, rel=1e-6)
            assert row["ci_low"] < row["odds_ratio"] < row["ci_high"]
            assert row["observations"] == one["n"] + zero["n"]
    model = found_associations.models[("within_5y", "classification")]
    assert model.cov_type == "cluster" and model.n_clusters == 77
    assert list(model.params.index) == ["Intercept", *(f"classification[{level}]" for level in (
        "Single inter-ministerial", "Ad hoc inter-ministerial", "Single ministerial", "Hybrid"))]


def test_every_association_result_carries_the_cross_sectional_caveat(found_associations):
    caveat = found_associations.caveat
    for words in ("Cross-sectional association among the 83 States", "not an effect", "reviews of 2008-2016",
                  "in 2021-23, after those reviews"):
        assert words in caveat
    assert len(found_associations.models) == 8
    for model in found_associations.models.values():
        assert caveat in model.notes
        assert caveat in repr(model)


def test_the_association_figure_has_one_panel_per_outcome(found_associations):
    from upr_lab.reports import followup_plots

    figure = followup_plots.mechanism_shares(found_associations.shares, "by mechanism", False)
    assert len(figure.axes) == 2
    assert figure.axes[0].get_xlabel().startswith("share of open requests")
    assert followup_plots.mechanism_shares(found_associations.shares.iloc[:0], "none", False) is None


def test_a_shipped_table_of_other_columns_is_refused_with_how_to_rebuild_it():
    from upr_lab.sources.tables import read_shipped

    with pytest.raises(DataError, match=r"nmirf\.csv.*expected \['iso3', 'score'\] \(rebuild it with `make data`\)"):
        read_shipped("nmirf.csv", ["iso3", "score"], dtype=str)
    assert list(read_shipped("nmirf.csv", nmirf.COLUMNS, dtype=str).columns) == nmirf.COLUMNS
