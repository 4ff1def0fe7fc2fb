"""Stakeholder summaries used directly as participation, and unknown participation values (NA, not false)."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from upr_lab import load
from upr_lab.exceptions import DataError
from upr_lab.sources import dataset, schema
from upr_lab.sources.formats.participation import participation_files, read_participation
from upr_lab.sources.ohchr import stakeholders
from upr_lab.sources.ohchr.text import document_text
from upr_lab.stats import models

try:
    from .frames import make_participation, make_recs
except ImportError:
    from frames import make_participation, make_recs

OHCHR = Path(__file__).resolve().parents[2] / "shared" / "data" / "ohchr"
SVN, SUMMARIES = OHCHR / "SVN", OHCHR / "stakeholder-summaries"
SVN_SUMMARIES = ["A_HRC_WG.6_20_SVN_3.pdf", "A_HRC_WG.6_34_SVN_3.pdf", "A_HRC_WG.6_48_SVN_3.pdf",
                 "A_HRC_WG.6_7_SVN_3.pdf"]
HEADER = "sur_iso3,cycle,stakeholder_submissions,joint_submissions,nhri_submitted,national_consultation"


def listed(frame):
    """The rows of a participation frame as tuples, NA as None."""
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]


def test_the_slovenia_folder_as_participation_gives_its_four_reviews():
    frame = read_participation(SVN)
    assert list(frame.columns) == schema.PARTICIPATION_COLUMNS
    # (N stated, joint submissions listed, NHRI section) read in the four summaries; no national consultation
    assert listed(frame) == [("SVN", 1, 7, 1, False, None), ("SVN", 2, 7, 0, False, None),
                             ("SVN", 3, 11, 4, False, None), ("SVN", 4, 12, 3, True, None)]
    assert frame["national_consultation"].isna().all() and frame["nhri_submitted"].notna().all()
    assert [str(t) for t in frame.dtypes.iloc[3:]] == ["Int64", "boolean", "boolean"]


def test_a_load_records_each_summary_read_not_the_folder():
    data = load("upr", participation=SVN)
    records = [f for f in data.source["files"] if f["role"] == "participation"]
    assert [f["name"] for f in records] == SVN_SUMMARIES  # the Working Group reports of the folder are not read
    assert [f["sha256"] for f in records] == [dataset.sha256(SVN / name) for name in SVN_SUMMARIES]
    assert len(data.participation) == 4


def test_both_folders_mixed_give_one_row_per_review():
    frame = read_participation([SVN, SUMMARIES])
    assert listed(frame)[0] == ("DNK", 4, 16, 2, True, None)
    assert listed(frame)[-1] == ("USA", 4, 155, 68, False, None)
    assert list(zip(frame["sur_iso3"], frame["cycle"])) == [("DNK", 4), ("SVN", 1), ("SVN", 2), ("SVN", 3),
                                                           ("SVN", 4), ("USA", 4)]
    assert [p.name for p in participation_files([SVN, SUMMARIES])] == SVN_SUMMARIES + [
        "A_HRC_WG.6_50_USA_3.txt", "A_HRC_WG.6_52_DNK_3.txt"]


def test_participation_frame_keeps_the_summaries_among_other_files(tmp_path):
    (tmp_path / "participation.csv").write_text(HEADER + "\nNOR,1,3,1,yes,no\n", encoding="utf-8")
    shutil.copy(SUMMARIES / "A_HRC_WG.6_52_DNK_3.txt", tmp_path / "notes_3.txt")  # a summary, named otherwise
    (tmp_path / "draft_3.txt").write_text("A draft of a note.\n" * 50 + "It cites A/HRC/WG.6/52/DNK/3 further on.\n",
                                          encoding="utf-8")
    paths = sorted(SVN.iterdir()) + sorted(SUMMARIES.iterdir()) + sorted(tmp_path.iterdir())
    frame = stakeholders.participation_frame(paths)
    assert listed(frame) == listed(read_participation([SVN, SUMMARIES]))  # the WG reports, CSV, draft ignored
    assert stakeholders.participation_frame([SVN / "A_HRC_14_15.pdf", tmp_path / "participation.csv",
                                             tmp_path / "draft_3.txt"]) is None
    assert len(stakeholders.participation_frame([SVN])) == 4  # a folder among the paths
    top = tmp_path / "top_3.txt"  # carries a summary's symbol at its top, but is no summary: refused, not ignored
    top.write_text("A/HRC/WG.6/52/DNK/3\n" + "A draft of a note.\n" * 50, encoding="utf-8")
    with pytest.raises(DataError, match="top_3.txt: found no symbol .* or no sentence 'a summary of N"):
        stakeholders.participation_frame([top])


def test_a_pdf_and_its_text_version_give_one_row(tmp_path):
    shutil.copy(SVN / "A_HRC_WG.6_7_SVN_3.pdf", tmp_path)
    (tmp_path / "A_HRC_WG.6_7_SVN_3.txt").write_text(document_text(SVN / "A_HRC_WG.6_7_SVN_3.pdf"), encoding="utf-8")
    assert listed(read_participation(tmp_path)) == [("SVN", 1, 7, 1, False, None)]
    assert [p.name for p in participation_files(tmp_path)] == ["A_HRC_WG.6_7_SVN_3.pdf", "A_HRC_WG.6_7_SVN_3.txt"]


def test_two_sessions_of_one_state_in_a_cycle_are_refused(tmp_path):
    text = (SUMMARIES / "A_HRC_WG.6_52_DNK_3.txt").read_text(encoding="utf-8")
    (tmp_path / "A_HRC_WG.6_52_DNK_3.txt").write_text(text, encoding="utf-8")
    (tmp_path / "A_HRC_WG.6_51_DNK_3.txt").write_text(text.replace("WG.6/52/DNK", "WG.6/51/DNK"), encoding="utf-8")
    for read in (read_participation, lambda p: stakeholders.participation_frame([p])):
        with pytest.raises(DataError) as refused:
            read(tmp_path)
        assert str(refused.value) == (f"{tmp_path / 'A_HRC_WG.6_52_DNK_3.txt'}: found A/HRC/WG.6/51/DNK/3 and "
                                      "A/HRC/WG.6/52/DNK/3, two sessions of DNK in cycle 4; expected one review "
                                      "per State under review and cycle")


def test_a_text_file_is_a_summary_or_a_table_by_what_it_holds(tmp_path):
    summary = tmp_path / "denmark.txt"
    shutil.copy(SUMMARIES / "A_HRC_WG.6_52_DNK_3.txt", summary)
    table = tmp_path / "participation.txt"
    table.write_text(HEADER + "\nDNK,4,3,,no,yes\n", encoding="utf-8")
    assert listed(read_participation(summary)) == [("DNK", 4, 16, 2, True, None)]
    assert listed(read_participation(table)) == [("DNK", 4, 3, None, False, True)]
    assert participation_files(summary) == [summary] and participation_files(table) == [table]


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "participation.csv").write_text(HEADER + "\nNOR,1,3,1,yes,no\n", encoding="utf-8")
    with pytest.raises(DataError, match="found a folder without stakeholder summaries"):
        read_participation(tmp_path)


def test_empty_cells_of_a_table_are_unknown_not_false(tmp_path):
    path = tmp_path / "participation.csv"
    path.write_text(HEADER + "\nNOR,1,3,,,\nKEN,1,5,0,no,0\nBRA,2,8, 2 , YES ,true\n", encoding="utf-8")
    frame = read_participation(path)
    assert listed(frame) == [("BRA", 2, 8, 2, True, True), ("KEN", 1, 5, 0, False, False),
                             ("NOR", 1, 3, None, None, None)]
    parquet = tmp_path / "participation.parquet"
    frame.to_parquet(parquet)
    assert listed(read_participation(parquet)) == listed(frame)


def test_an_empty_number_of_stakeholder_submissions_is_refused(tmp_path):
    path = tmp_path / "participation.csv"
    path.write_text(HEADER + "\nNOR,1,,1,yes,no\n", encoding="utf-8")
    with pytest.raises(DataError) as refused:
        read_participation(path)
    assert str(refused.value) == (f"{path}, row 2, column 'stakeholder_submissions': found ''; expected a whole "
                                  "number 0 or more (at most 99,999)")


def simulated(seed=5, per_review=30):
    """Recommendations with an implementation outcome in 12 States x 3 cycles, and their participation."""
    rng = np.random.default_rng(seed)
    states = ["NOR", "KEN", "BRA", "IND", "POL", "FRA", "DEU", "ZAF", "MEX", "JPN", "EGY", "CAN"]
    recs, part = [], []
    for iso3 in states:
        for cycle in (1, 2, 3):
            subs, nhri = int(rng.integers(0, 40)), bool(rng.random() < 0.5)
            part.append({"sur_iso3": iso3, "cycle": cycle, "stakeholder_submissions": subs, "nhri_submitted": nhri})
            p = 1 / (1 + np.exp(-(-1.0 + 0.3 * np.log1p(subs) + 0.5 * nhri)))
            recs += [{"sur_iso3": iso3, "cycle": cycle, "action_category": int(rng.integers(1, 6)),
                      "implementation": "fully" if hit else "not"} for hit in rng.random(per_review) < p]
    return make_recs(recs), part


def test_a_model_leaves_out_reviews_and_covariates_that_are_unknown():
    recs, part = simulated()
    unknown = [{**row, "national_consultation": None,
                "nhri_submitted": None if (row["sur_iso3"], row["cycle"]) in {("NOR", 1), ("KEN", 2)}
                else row["nhri_submitted"]} for row in part]
    result = models.civil_society_effects(recs, make_participation(unknown))
    assert result.notes[:2] == [
        "national_consultation is unknown for every review in these data and was left out of the model.",
        "2 reviews (60 recommendations) were left out because nhri_submitted is unknown for them."]
    assert result.nobs == len(recs) - 60
    assert "national_consultation" not in result.params.index and "nhri_submitted" in result.params.index
    # the same model as one fitted without those reviews: unknown is not read as false
    known = [row for row in part if (row["sur_iso3"], row["cycle"]) not in {("NOR", 1), ("KEN", 2)}]
    kept = recs[~recs["sur_iso3"].str.cat(recs["cycle"].astype(str)).isin(["NOR1", "KEN2"])]
    alone = models.civil_society_effects(kept, make_participation(
        [{**row, "national_consultation": True} for row in known]))  # constant: dropped by the fit
    assert np.allclose(result.params, alone.params.reindex(result.params.index))


def test_a_model_on_the_slovenia_summaries_says_what_is_unknown():
    data = load("upr", participation=SVN)
    result = models.outcome_model(data.recommendations, data.participation, "supported")
    assert "national_consultation is unknown for every review in these data and was left out of the model." in (
        result.notes)
    assert "national_consultation" not in result.params.index
