"""SDG goal profiles and the coverage captions, against hand-computed values."""

import pytest

from upr_lab.sources import coverage
from upr_lab.stats import sdg

try:
    from .frames import make_recs
except ImportError:
    from frames import make_recs


@pytest.fixture
def recs():
    return make_recs([
        {"sdg_goals": (5, 16), "response": "supported", "source": "upr-info", "session": 8, "action_category": 4},
        {"sdg_goals": (16,), "response": "noted", "source": "upr-info", "session": 8, "action_category": 5},
        {"sdg_goals": (16,), "response": "supported", "source": "dihr", "session": 21, "cycle": 2},
        {"sdg_goals": (), "response": "supported", "source": "dihr", "session": 21, "cycle": 2},
    ])


def test_goal_profile_counts_a_recommendation_once_per_goal(recs):
    table = sdg.goal_profile(recs)
    assert table["goal"].tolist() == [5, 16] and table["name"].tolist() == ["Gender equality",
                                                                              "Peace, justice and strong institutions"]
    assert table["n_recommendations"].tolist() == [1, 3] and table["share"].tolist() == [0.25, 0.75]
    assert table["acceptance_rate"].tolist() == pytest.approx([1.0, 2 / 3])
    assert sdg.linked(recs) == {"n": 4, "n_linked": 3, "share_linked": 0.75}
    assert sdg.records(table)["16"] == {"name": "Peace, justice and strong institutions", "n": 3,
                                        "acceptance_rate": pytest.approx(2 / 3)}


def test_no_links_give_an_empty_profile(recs):
    assert sdg.goal_profile(recs.assign(sdg_goals=[()] * 4)).empty


def test_coverage_names_sessions_and_sources(recs):
    assert coverage.coverage(recs) == "sessions 8, 21: UPR Info session 8 (2), DIHR explorer session 21 (2)"
    assert coverage.sources_cited(recs) == ("UPR Info database of UPR recommendations (session 8); Danish Institute "
                                            "for Human Rights, SDG-Human Rights Data Explorer (session 21)")
    absent, sentence = coverage.lacking(recs, "action_category")
    assert absent.tolist() == [False, False, True, True]
    assert sentence == "not in it: 2 recommendations without an action category (DIHR explorer session 21)"
    assert coverage.lacking(recs.head(2), "action_category")[1] is None
    assert coverage.lacking(recs, "sdg_goals")[1].startswith("not in it: 1 recommendation without SDG links")
    assert coverage.sessions(range(1, 21)) == "sessions 1-20" and coverage.sessions(range(1, 40, 3)).endswith(
        "(13 of them)")
