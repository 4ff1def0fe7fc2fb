"""The batch's site without a browser: headline figures read from metrics.json, pages escaped, labelled
SYNTHETIC, byte-identical for the same runs; figure alt text and report tables. (test_browser.py opens
the pages of a real batch in Chromium.)"""

import json
import re

import pandas as pd
from matplotlib.figure import Figure

from upr_lab.reports import headline, site
from upr_lab.reports.alt_text import alt_text, title
from upr_lab.reports.analysis import html_table

SOURCE = {"kind": "upr", "label": "embedded <data>", "synthetic": False,
          "files": [{"name": "1-5.csv", "sha256": "ab" * 32}], "sha256": "cd" * 32, "duplicates": 0}


def metrics(country, analysis, synthetic=False, **extra):
    return {"country": country, "analysis": analysis, "data_source": {**SOURCE, "synthetic": synthetic},
            "n_recommendations": 200, "acceptance_rate": 0.75, "acceptance_ci": [0.7, 0.8],
            "by_cycle": {"2": {"n": 120, "acceptance_rate": 0.7}, "1": {"n": 80, "acceptance_rate": 0.825}}, **extra}


def write_runs(out, synthetic=False):
    """NOR with two complete runs, KEN with one failed run; returns the runs as batch.json lists them."""
    trends = metrics("NOR", "compliance_trends", synthetic,
                     ratification={"CED": {"n_recommendations": 5, "supported": 3, "noted": 2,
                                           "ratified_before_review": 1, "ratified_after": 2, "ratified_within_5y": 1},
                                   "CRPD": {"n_recommendations": 4, "supported": 4, "noted": 0,
                                            "ratified_before_review": 0, "ratified_after": 4, "ratified_within_5y": 3}},
                     recurrence={"share_repeated": 0.25, "n_cycle2": 120, "n_repeated": 30},
                     recurrence_all_states={"share_repeated": 0.2, "n_cycle2": 9000, "n_repeated": 1800})
    regional = metrics("NOR", "regional_comparison", synthetic, group="WEOG", group_acceptance_rate=0.68,
                       rank_in_group=10, n_in_group=29,
                       comparisons=[{"group": "WEOG", "relation": "own group", "group_rate": 0.68},
                                    {"group": "Africa", "relation": "other group", "group_rate": 0.77}])
    for m in (trends, regional):
        folder = out / m["country"] / m["analysis"]
        folder.mkdir(parents=True)
        (folder / "metrics.json").write_text(json.dumps(m), encoding="utf-8")
        (folder / "report.html").write_text("<html></html>", encoding="utf-8")
    return [{"country": "NOR", "analysis": "compliance_trends", "status": "ok", "skipped": False, "reason": "new",
             "error": None},
            {"country": "NOR", "analysis": "regional_comparison", "status": "ok", "skipped": True,
             "reason": "unchanged since its last successful run", "error": None},
            {"country": "KEN", "analysis": "civil_society", "status": "failed", "skipped": False, "reason": "new",
             "error": "ValueError: <script>alert(1)</script>"}]


def test_headline_figures_come_from_the_runs_metrics(tmp_path):
    runs = write_runs(tmp_path)
    found = headline.read_metrics(tmp_path, runs)
    assert set(found) == {"NOR"}  # the failed run has no figures
    nor = headline.state_headline("NOR", found["NOR"])
    assert nor["name"] == "Norway" and nor["group"] == "WEOG" and list(nor["by_cycle"]) == ["1", "2"]
    assert nor["ratification"] == {"n": 8, "k": 4, "share": 0.5}  # 9 requests, 1 already ratified at the review
    assert nor["recurrence"]["share"] == 0.25 and (nor["rank_in_group"], nor["n_in_group"]) == (10, 29)
    ken = headline.state_headline("KEN", {})
    assert ken["acceptance_rate"] is None and ken["ratification"] is None and ken["group"] == "Africa"
    [africa, weog] = headline.regional_summary([nor, ken])
    assert africa["median_acceptance"] is None and weog["median_acceptance"] == 0.75
    assert weog["median_recurrence"] == 0.25
    # a group's rate over all its States comes from a State of another group: NOR's own-group rate leaves NOR out
    assert africa["group_acceptance_rate"] == 0.77 and weog["group_acceptance_rate"] is None


def test_the_site_shows_figures_runs_and_sources_escaped_and_the_same_bytes_twice(tmp_path):
    runs = write_runs(tmp_path)
    site.write_site(runs, tmp_path, "upr")
    pages = {p: p.read_bytes() for p in (tmp_path / "index.html", tmp_path / "NOR" / "index.html",
                                         tmp_path / "KEN" / "index.html")}
    site.write_site(runs, tmp_path, "upr")
    assert all(p.read_bytes() == data for p, data in pages.items())

    overview = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="NOR/index.html"' in overview and 'href="NOR/compliance_trends/report.html"' in overview
    assert '<td class="num" data-sort="0.5">50.0 <small>(4 of 8)</small></td>' in overview
    assert "10 of 29" in overview and "skipped: unchanged since its last successful run" in overview
    assert "(none: run failed)" in overview and "&lt;script&gt;alert(1)&lt;/script&gt;" in overview
    assert "<script>alert" not in overview and "SYNTHETIC" not in overview
    assert "Data: upr-lab's embedded real UPR data, cycles 1-2" in overview
    assert "http://" not in overview and "https://" not in overview  # nothing from the network
    state = (tmp_path / "NOR" / "index.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in state and 'href="compliance_trends/report.html"' in state
    assert "embedded &lt;data&gt;" in state and "ab" * 32 in state and "50.0% (4 of 8 open requests" in state
    assert "report.pdf" not in state
    (tmp_path / "NOR" / "compliance_trends" / "report.pdf").write_bytes(b"%PDF")
    site.write_site(runs, tmp_path, "upr")
    assert 'href="compliance_trends/report.pdf"' in (tmp_path / "NOR" / "index.html").read_text(encoding="utf-8")


def test_synthetic_data_is_labelled_on_every_page(tmp_path):
    runs = write_runs(tmp_path, synthetic=True)
    site.write_site(runs, tmp_path, "synthetic")
    for page in (tmp_path / "index.html", tmp_path / "NOR" / "index.html", tmp_path / "KEN" / "index.html"):
        assert "SYNTHETIC data: generated with planted effects" in page.read_text(encoding="utf-8"), page


def test_report_tables_give_units_align_text_left_and_escape():
    frame = pd.DataFrame({"text": ["<b>Ratify</b> CED", None], "acceptance_rate": [0.753, None],
                          "n": [3, 4], "odds_ratio": [1.23456, 12588.0]})
    shown = html_table(frame, percent=["acceptance_rate"]).data
    assert ">acceptance_<wbr>rate (%)</th>" in shown and ">75.3</td>" in shown
    assert '<td class="text" style="text-align:left;white-space:normal">&lt;b&gt;Ratify&lt;/b&gt; CED</td>' in shown
    assert ">1.235</td>" in shown and ">12588</td>" in shown and "<b>" not in shown


def test_a_p_value_too_small_to_show_is_shown_as_below_the_smallest_shown_never_as_zero():
    frame = pd.DataFrame({"z": [9.2, 0.5, 1.1], "p_value": [1e-19, 0.61, None], "p_holm": [0.0, 0.0123, 1.0]})
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', html_table(frame).data)
    assert cells == ["9.2", "&lt;0.001", "&lt;0.001", "0.5", "0.61", "0.012", "1.1", "", "1"]
    assert "&lt;0.01<" in html_table(frame, digits=2).data


def test_alt_text_is_read_off_the_figure():
    figure = Figure()
    axes = figure.add_subplot()
    axes.barh(["Africa", "WEOG"], [0.7, 0.8], label="this State")
    axes.set_title("Share supported: Norway\nSYNTHETIC data, not real UPR data")
    axes.set_xlabel("share supported")
    axes.legend()
    figure.canvas.draw()
    assert alt_text(figure) == ("Chart: Share supported: Norway — SYNTHETIC data, not real UPR data. "
                                "Horizontal axis: share supported. Categories: Africa, WEOG. Series: this State.")
    assert title(figure) == "Share supported: Norway"
