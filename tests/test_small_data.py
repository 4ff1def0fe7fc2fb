"""Every analysis runs on any valid data set, however small, and says what it could not compute.

The data sets (tests/small_data.py) are cut from the embedded real data and written as canonical CSV files:
one State, one session (DIHR rows: action categories and issue tags predicted), one cycle, a State without V-Dem context, no recommendation to ratify, no NMIRF
coding, every response supported (or noted), five rows, a regional group of one State, a State that heard
from no State of one group. Each goes through the four notebooks on warm kernels, as a batch runs them.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from small_data import build
from upr_lab.runs import runner
from upr_lab.runs.params import ANALYSES
from upr_lab.runs.preflight import check_run
from upr_lab.runs.warm import KernelPool

pytestmark = pytest.mark.slow

COMMON_KEYS = {"country", "analysis", "data_source", "n_recommendations", "acceptance_rate", "by_cycle"}
KEYS = {  # DESIGN.md's metrics contract, beyond the common keys
    "compliance_trends": {"ratification", "ratification_all_states", "recurrence", "recurrence_all_states"},
    "civil_society": set(),
    "regional_comparison": {"group", "group_acceptance_rate", "rank_in_group"},
    "recommending_states": {"top_recommenders", "mean_action_category_by_recommender_group"},
}
RECURRENCE_KEYS = {"share_repeated", "n_cycle2", "n_repeated"}

# What each small data set cannot give, and the sentence the report must say about it: (analysis, pattern).
SAID = {
    "one_state": [("compliance_trends", r"No table of acceptance by quartile of civil liberties \(all States\)\. "
                                        r"Quartiles of the State's civil liberties need values that split into four"),
                  ("regional_comparison", r"Norway is the only State of WEOG in these data")],
    "one_session": [("compliance_trends", r"No table or figure of recurring recommendations\. These data hold no "
                                          r"cycle-1 recommendation"),
                    # the source codes no category or tag: upr-lab's classifier predicts them, and says so
                    ("compliance_trends", r"action categories, \d[\d,]* \(100%\) are predicted by upr-lab's "
                                          r"classifier \(the source has none\)"),
                    ("recommending_states", r"action categories, \d[\d,]* \(100%\) are predicted by upr-lab's "
                                            r"classifier")],
    "one_cycle": [("compliance_trends", r"These data hold no cycle-2 recommendation")],
    "no_context": [("compliance_trends", r"No State under review in these data \(AND\) has a value of civil liberties"),
                   ("regional_comparison", r"No State under review in these data \(AND\) has a value of civil liberties")],
    "no_ratification": [("compliance_trends", r"No recommendation to this State in this data asks it to ratify"),
                        ("compliance_trends", r"No table of ratification by mid-term, supported and noted\. No "
                                              r"recommendation in these data asked a State to ratify")],
    "no_nmirf": [("compliance_trends", r"The Universal Rights Group did not code Nigeria's national mechanism"),
                 ("civil_society", r"No table of odds ratios of follow-up by CSO participation in the national "
                                   r"mechanism\. No odds ratio could be estimated")],
    "all_supported": [("compliance_trends", r"No variation in the outcome: every observation is 1")],
    "all_noted": [("compliance_trends", r"No variation in the outcome: every observation is 0")],
    "five_rows": [("compliance_trends", r"too few to fit a model"),
                  ("regional_comparison", r"Norway is the only State of WEOG in these data")],
    "group_of_one": [("regional_comparison", r"Norway is the only State of WEOG in these data")],
    "no_partner_group": [("recommending_states", r"No State of Africa recommended to Norway in these data")],
}


@pytest.fixture(scope="session")
def small_runs(tmp_path_factory):
    """Every analysis on every small data set: {(data set, analysis): (RunResult, its folder)}."""
    folder = tmp_path_factory.mktemp("small-data")
    sets = build(folder / "data")
    jobs = {(name, analysis): check_run(analysis, small.country, str(small.path), out=folder / "out" / name)
            for name, small in sets.items() for analysis in ANALYSES}
    with KernelPool() as kernels, ThreadPoolExecutor(2) as pool:
        results = dict(zip(jobs, pool.map(lambda job: runner.execute_job(job, kernels.for_this_thread()),
                                          jobs.values())))
    return {key: (result, jobs[key].destination) for key, result in results.items()}


def _outputs(folder):
    """The text of every output of the executed report (HTML with tags removed, plain text, errors)."""
    notebook = json.loads((folder / "report.ipynb").read_text())
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = "".join(data.get("text/html", ""))
            yield output, re.sub(r"<[^>]+>", "", html).replace("&#x27;", "'").replace("&amp;", "&"), html


@pytest.mark.parametrize("name", list(SAID))
@pytest.mark.parametrize("analysis", ANALYSES)
def test_every_analysis_runs_on_small_data(small_runs, name, analysis):
    result, folder = small_runs[(name, analysis)]
    assert result.status == "ok", f"{name} {analysis}: {result.error}"
    outputs = list(_outputs(folder))
    assert not [o for o, _, _ in outputs if o.get("output_type") == "error"]
    assert not [h for _, _, h in outputs if "<tbody>\n</tbody>" in h], "an empty table is shown as an empty grid"
    assert not [t for _, t, _ in outputs if "No table of this section" in t], "an empty table must say which it is"
    assert not [o for o, _, _ in outputs if o.get("name") == "stderr"], "warnings printed into the report"
    metrics = json.loads((folder / "metrics.json").read_text())
    assert COMMON_KEYS | KEYS[analysis] <= set(metrics), sorted(COMMON_KEYS | KEYS[analysis] - set(metrics))
    if analysis == "compliance_trends":
        assert RECURRENCE_KEYS == set(metrics["recurrence"]) == set(metrics["recurrence_all_states"])
    for figure in (folder / "figures").glob("*.png"):
        assert figure.stat().st_size > 1000, f"{figure.name} is an empty image"


@pytest.mark.parametrize("name", list(SAID))
def test_the_report_says_what_could_not_be_computed(small_runs, name):
    for analysis, pattern in SAID[name]:
        _, folder = small_runs[(name, analysis)]
        text = "\n".join(t for _, t, _ in _outputs(folder))
        assert re.search(pattern, text), f"{name} {analysis}: no {pattern!r} in the report"


def test_what_cannot_be_computed_is_null_in_metrics(small_runs):
    one_cycle = json.loads((small_runs[("one_cycle", "compliance_trends")][1] / "metrics.json").read_text())
    assert one_cycle["recurrence"] == {"share_repeated": None, "n_cycle2": None, "n_repeated": None}
    five = json.loads((small_runs[("five_rows", "compliance_trends")][1] / "metrics.json").read_text())
    assert five["adjusted_trend_supported"]["odds_ratio"] is None
    alone = json.loads((small_runs[("one_state", "regional_comparison")][1] / "metrics.json").read_text())
    assert alone["group_acceptance_rate"] is None and alone["rank_in_group"] == 1
