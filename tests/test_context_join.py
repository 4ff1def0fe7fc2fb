"""Context joined to recommendations by State under review and recommending State, for the review's year:
values checked against the V-Dem table, every gap listed and said, no silent empty join."""

from pathlib import Path

import pandas as pd
import pytest

from upr_lab import load
from upr_lab.exceptions import DataError
from upr_lab.sources import context

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "data" / "country-year"
pytestmark = pytest.mark.filterwarnings("ignore::upr_lab.sources.context.crosswalk.UnmappedCodesWarning")


@pytest.fixture(scope="module")
def recs():
    return load().recommendations


@pytest.fixture(scope="module")
def vdem():
    return context.vdem_indices()


def test_each_side_gets_the_value_of_its_state_for_the_year_of_the_review(recs, vdem):
    joined = context.with_context(recs, vdem, ["civil_liberties"])
    assert len(joined) == len(recs) and joined.index.equals(recs.index)
    row = joined[(joined["sur_iso3"] == "NOR") & (joined["recommender_iso3"] == "MEX")].iloc[0]
    value = vdem.set_index(["iso3", "year"])["civil_liberties"]
    assert row["sur_civil_liberties"] == value[("NOR", row["year"])]
    assert row["recommender_civil_liberties"] == value[("MEX", row["year"])]


def test_gaps_name_the_states_without_a_value_and_the_note_says_so(recs, vdem):
    joined = context.by_review(recs, vdem, "sur", ["civil_liberties"])
    gaps = context.gaps(joined)
    assert {"TUV", "MCO", "LIE"} <= set(gaps["iso3"]) and "NOR" not in set(gaps["iso3"])
    assert gaps["recommendations"].sum() == joined["sur_civil_liberties"].isna().sum()
    assert "States under review: no civil_liberties for 21 States" in context.gap_note(joined)
    norway = context.by_review(recs[recs["sur_iso3"] == "NOR"], vdem, "sur")
    assert context.gaps(norway).empty and context.gap_note(norway) is None


def test_a_context_that_covers_none_of_the_review_years_is_refused(recs, vdem):
    with pytest.raises(DataError, match=r"no context value for any State under review .* covers 1975-1999, .* reviews are in 2008-2016"):
        context.by_review(recs, vdem.assign(year=vdem["year"] - 25).query("year < 2000"), "sur")


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"country": ["NOR"], "year": [2010], "x": [1.0]}), "expected iso3, year and indicators"),
    (pd.DataFrame({"iso3": ["NOR", "NOR"], "year": [2010, 2010], "x": [1.0, 2.0]}), "found NOR 2010 twice"),
])
def test_a_malformed_context_frame_is_refused_in_one_line(recs, frame, message):
    with pytest.raises(DataError, match=message):
        context.by_review(recs, frame, "sur")


def test_unknown_side_or_indicator_is_refused(recs, vdem):
    with pytest.raises(DataError, match="expected one of"):
        context.by_review(recs, vdem, "donor")
    with pytest.raises(DataError, match="found no context indicator \\['polity'\\]"):
        context.by_review(recs, vdem, "sur", ["polity"])


def test_context_table_adds_the_users_files_to_the_shipped_vdem():
    shipped = context.context_table()
    assert list(shipped.columns) == list(context.vdem_indices().columns)
    fariss = context.context_table(FOLDER / "fariss", years=(2008, 2016))
    assert {"fariss_theta_mean", "civil_liberties"} <= set(fariss.columns)
    assert fariss["year"].between(2008, 2016).all()
    nor = fariss.set_index(["iso3", "year"]).loc[("NOR", 2010)]
    assert nor["civil_liberties"] == shipped.set_index(["iso3", "year"]).loc[("NOR", 2010), "civil_liberties"]


def test_acceptance_rises_from_the_lowest_quartile_of_civil_liberties(recs, vdem):
    from upr_lab import context_models

    table = context_models.acceptance_by_quartile(recs, vdem)
    rates = table.set_index("quartile")["acceptance_rate"]
    assert 0.66 < rates[1] < 0.70 and all(0.73 < rates[q] < 0.80 for q in (2, 3, 4))  # the 68% vs 74-79%
    decided = recs[recs["response"].isin(["supported", "noted"])]
    assert table["n"].sum() == decided["sur_iso3"].isin(vdem["iso3"]).sum() - _no_value_that_year(decided, vdem)
    assert "no civil_liberties for 21 States" in table.attrs["note"]
    model = context_models.quartile_model(recs, vdem)
    top = model.odds_ratios().loc["civil_liberties_q[4]"]
    assert model.n_clusters == 172 and top["ci_low"] > 1, "clustered by State, and the direction holds"
    shown = context_models.quartile_terms(model)
    assert list(shown.index) == ["2nd quartile", "3rd quartile", "4th (highest) quartile"]
    assert shown.loc["4th (highest) quartile"].equals(top), "the figure's rows are the model's terms, relabelled"


def _no_value_that_year(decided, vdem):
    keys = set(zip(vdem["iso3"], vdem["year"]))
    known_state = decided["sur_iso3"].isin(vdem["iso3"])
    return int((known_state & ~pd.Series([k in keys for k in zip(decided["sur_iso3"], decided["year"])],
                                          index=decided.index)).sum())


def test_a_state_against_its_group_with_the_record_held_fixed(recs, vdem):
    from upr_lab import context_models

    norway = context_models.state_vs_group(recs, vdem, "NOR")
    assert "this_state" in norway.params.index and norway.n_clusters == recs.loc[
        (recs["sur_group"] == "WEOG") & recs["sur_iso3"].isin(vdem["iso3"]), "sur_iso3"].nunique()
    tuvalu = context_models.state_vs_group(recs, vdem, "TUV")
    assert tuvalu.params.isna().all() and "TUV has no value of civil_liberties" in tuvalu.notes[0]
    record = context_models.state_record(recs, vdem, "KEN")
    assert record[["cycle", "year"]].values.tolist() == [[1, 2010], [2, 2015]]
    assert record["civil_liberties"].tolist() == vdem.set_index(["iso3", "year"]).loc[
        [("KEN", 2010), ("KEN", 2015)], "civil_liberties"].tolist()


def test_a_run_records_the_context_files_and_refuses_a_bad_one_before_running(tmp_path):
    from upr_lab.runs import preflight

    prepared = preflight.check_run("regional_comparison", "NOR", out=tmp_path / "out",
                                   parameters={"context": str(FOLDER / "fariss")})
    prepared.destination.mkdir(parents=True)
    assert [(i["role"], i["path"].split("/")[-1]) for i in prepared.inputs()] == [
        ("context", "LHRS-v4.02-2021_names.csv")]
    bad = tmp_path / "scores.csv"
    bad.write_text("state,year,score\nNOR,2010,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected one of the country-year layouts"):
        preflight.check_run("regional_comparison", "NOR", out=tmp_path / "out", parameters={"context": str(bad)})
