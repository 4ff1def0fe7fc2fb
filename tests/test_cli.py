"""The ``upr-lab`` command end to end, on the demo data and on the real UPR Info exports."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from upr_lab.runs.params import ANALYSES

try:
    from .independent import count_exports
except ImportError:
    from independent import count_exports

ROOT = Path(__file__).resolve().parents[1]
UPR_LAB = str(Path(sys.executable).parent / "upr-lab")
pytestmark = pytest.mark.slow


def upr_lab(*args, check=True):
    result = subprocess.run([UPR_LAB, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"upr-lab {' '.join(map(str, args))} exited {result.returncode}:\n{result.stderr}")
    return result


def read_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def assert_complete_run(folder, analysis, country):
    for name in ("report.ipynb", "report.html", "metrics.json", "manifest.json"):
        assert (folder / name).stat().st_size > 0, name
    figures = sorted((folder / "figures").glob("*.png"))
    assert figures and all(f.read_bytes().startswith(b"\x89PNG") for f in figures)
    manifest = read_json(folder / "manifest.json")
    assert manifest["status"] == "ok" and manifest["analysis"] == analysis and manifest["country"] == country
    assert {"parameters", "notebook", "inputs", "versions", "timing", "run_key"} <= set(manifest)
    assert manifest["parameters"]["country"] == country and "alpha" in manifest["parameters"]
    metrics = read_json(folder / "metrics.json")
    assert list(metrics)[:3] == ["country", "analysis", "data_source"]
    assert {"n_recommendations", "acceptance_rate", "by_cycle"} <= set(metrics)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "open_analysis(" not in page, "code should be hidden in the HTML report"
    assert "data:image/png;base64" in page, "figures should be embedded in the HTML report"
    return metrics, manifest, page


def test_data_info_describes_the_default_synthetic_and_real_sources(upr_info_dir):
    default = json.loads(upr_lab("data", "info", "--json").stdout)
    assert default["synthetic"] is False and default["recommendations"] == 57_592 and default["cycles"] == {
        "1": 21_355, "2": 36_237}
    assert default["by_source"] == {"dihr": 16_529, "upr-info": 41_063}
    assert default["reconciliation"][0]["matched"] == 40_144 and default["reconciliation"][0]["response_agreement"] == 1.0
    demo = json.loads(upr_lab("data", "info", "--json", "--data", "synthetic").stdout)
    assert demo["synthetic"] is True and demo["states_under_review"] == 193 and set(demo["cycles"]) == {"1", "2", "3", "4"}
    real = upr_lab("data", "info", "--data", upr_info_dir).stdout
    assert "recommendations:      41,063" in real and "voluntary pledges:    947" in real and "sha256=" in real
    assert "exact duplicates:     3 (dropped: each row is analysed once)" in real


def test_a_run_on_synthetic_data_writes_every_file_labelled_synthetic(synthetic_batch):
    # `upr-lab batch --countries KEN,BRA --data synthetic`: the session's synthetic batch (conftest.py)
    metrics, manifest, page = assert_complete_run(synthetic_batch / "KEN" / "compliance_trends", "compliance_trends",
                                                  "KEN")
    assert metrics["data_source"]["synthetic"] is True
    assert "SYNTHETIC" in page
    assert set(metrics["by_cycle"]) == {"1", "2", "3", "4"}
    assert metrics["trend_implemented"]["odds_ratio"] is not None  # the demo data hold assessments
    assert metrics["ratification"] == {} and metrics["recurrence"] is None  # template texts: nothing to measure


@pytest.fixture(scope="module")
def compliance_on_real_exports(tmp_path_factory, upr_info_dir):
    """``upr-lab batch --countries NOR,PRK,COD --analyses compliance_trends`` on the exports (3 runs on one kernel:
    the counts do not depend on how many run at once)."""
    out = tmp_path_factory.mktemp("real-exports")
    upr_lab("batch", "--countries", "NOR,PRK,COD", "--analyses", "compliance_trends", "--data", upr_info_dir,
            "--out", out, "--workers", "1")
    return out


@pytest.mark.parametrize("country", ["NOR", "PRK", "COD"])
def test_run_on_real_exports_matches_an_independent_count(compliance_on_real_exports, upr_info_dir, country):
    names = {"NOR": "Norway", "PRK": "DPR Korea", "COD": "Democratic Republic of Congo"}
    folder = compliance_on_real_exports / country / "compliance_trends"
    metrics, manifest, page = assert_complete_run(folder, "compliance_trends", country)
    assert_matches_count(metrics, count_exports(upr_info_dir)[names[country]])
    assert metrics["data_source"]["synthetic"] is False and "SYNTHETIC" not in page
    assert len(manifest["inputs"]) == 6 and all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert "no implementation assessments" in page
    assert "Ratification after a recommendation to ratify" in page and "Recurring recommendations" in page
    n_cycle2 = count_exports(upr_info_dir)[names[country]]["by_cycle"][2][0]
    assert metrics["recurrence"]["n_cycle2"] == n_cycle2 and 0 <= metrics["recurrence"]["n_repeated"] <= n_cycle2
    for entry in metrics["ratification"].values():
        assert entry["supported"] + entry["noted"] <= entry["n_recommendations"]
        assert entry["ratified_before_review"] + entry["ratified_after"] <= entry["n_recommendations"]


def assert_matches_count(metrics, counts):
    assert metrics["n_recommendations"] == counts["n"]
    assert metrics["acceptance_rate"] == pytest.approx(counts["accepted"] / (counts["accepted"] + counts["noted"]))
    assert set(metrics["by_cycle"]) == {str(c) for c in counts["by_cycle"]}
    for cycle, (n, accepted, noted) in counts["by_cycle"].items():
        assert metrics["by_cycle"][str(cycle)] == {"n": n, "acceptance_rate": pytest.approx(accepted / (accepted + noted))}


def test_run_on_excel_exports_gives_the_same_figures(tmp_path, upr_info_dir):
    # the exports' rows of recommendations to Norway, as .xlsx (all 41,063 rows took minutes to write and to
    # read, and the figures checked are Norway's; test_loaders.py checks that an .xlsx export reads as the same table)
    excel = tmp_path / "excel"
    excel.mkdir()
    for path in sorted(upr_info_dir.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="mac_roman")
        if (frame["To"] == "Norway").any():
            frame[frame["To"] == "Norway"].to_excel(excel / f"{path.stem}.xlsx", index=False)
    assert sorted(p.name for p in excel.iterdir()) == ["17-20.xlsx", "6-9.xlsx", "voluntary.xlsx"]  # 2 reviews, pledges
    upr_lab("run", "compliance_trends", "--country", "NOR", "--data", excel, "--out", tmp_path / "out")
    metrics = read_json(tmp_path / "out" / "NOR" / "compliance_trends" / "metrics.json")
    assert_matches_count(metrics, count_exports(upr_info_dir)["Norway"])


def test_all_four_analyses_on_real_exports(real_exports_batch):
    # `upr-lab batch --countries KEN --data <the exports>`: the session's batch (conftest.py)
    out = real_exports_batch
    compliance, _, _ = assert_complete_run(out / "KEN" / "compliance_trends", "compliance_trends", "KEN")
    assert compliance["data_source"]["synthetic"] is False
    regional, _, _ = assert_complete_run(out / "KEN" / "regional_comparison", "regional_comparison", "KEN")
    assert regional["group"] == "Africa" and 1 <= regional["rank_in_group"] <= regional["n_in_group"]
    assert 0 < regional["group_acceptance_rate"] < 1
    civil, _, page = assert_complete_run(out / "KEN" / "civil_society", "civil_society", "KEN")
    assert civil["participation_available"] is False and civil["effect_on_implemented"]["odds_ratio"] is None
    assert "no participation table" in page
    recommending, _, _ = assert_complete_run(out / "KEN" / "recommending_states", "recommending_states", "KEN")
    assert set(recommending["mean_action_category_by_recommender_group"]) == {"1", "2"}
    assert recommending["top_recommenders"] and recommending["dyadic_model"]["n_clusters"] > 100


def test_batch_on_the_default_data_writes_real_reports(embedded_batch):
    # `upr-lab batch --countries NOR,KEN,BRA` without --data: the session's batch (conftest.py)
    assert "upr-lab's embedded real UPR data, cycles 1-2" in (embedded_batch / "index.html").read_text(encoding="utf-8")
    for analysis in ANALYSES:
        metrics, manifest, page = assert_complete_run(embedded_batch / "KEN" / analysis, analysis, "KEN")
        assert metrics["data_source"]["synthetic"] is False and manifest["synthetic"] is False
        assert set(metrics["by_cycle"]) == {"1", "2"} and "SYNTHETIC" not in page
        assert "UPR Info database of UPR recommendations (sessions 1-20)" in page  # the footer names the sources
        assert "SDG-Human Rights Data Explorer (sessions 21-26)" in page
        assert f"<code>upr-lab cite --data OUT/KEN/{analysis}</code>" in page  # the footer says how to cite it


def test_batch_on_synthetic_data_writes_index_and_summary(synthetic_batch):
    # `upr-lab batch --countries KEN,BRA --data synthetic`: the session's synthetic batch (conftest.py)
    summary = read_json(synthetic_batch / "batch.json")
    assert summary["n_ok"] == 2 * len(ANALYSES) == 8 and summary["n_failed"] == 0
    index = (synthetic_batch / "index.html").read_text(encoding="utf-8")
    assert "SYNTHETIC data" in index
    for country in ("KEN", "BRA"):
        for analysis in ANALYSES:
            assert f'href="{country}/{analysis}/report.html"' in index
            assert_complete_run(synthetic_batch / country / analysis, analysis, country)
    regional = read_json(synthetic_batch / "KEN" / "regional_comparison" / "metrics.json")
    assert regional["group"] == "Africa" and regional["rank_in_group"] >= 1


@pytest.mark.parametrize("country,message", [
    ("XYZ", "XYZ (no State's ISO3 code) is not a State under review in upr-lab embedded UPR data"),
    ("../../etc", "is not an ISO 3166 alpha-3 code"),
    ("NOR;rm", "is not an ISO 3166 alpha-3 code"),
])
def test_bad_country_is_refused_with_a_clear_message(tmp_path, country, message, in_process):
    # in this process (the command itself, its exit status and one line: test_bad_input.py)
    code, _, err = in_process("run", "compliance_trends", "--country", country, "--out", tmp_path / "out")
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_missing_data_is_refused_with_a_clear_message(tmp_path, in_process):
    code, _, err = in_process("data", "info", "--data", tmp_path / "nowhere")
    assert code == 2 and "nowhere: no such file or folder" in err


def test_unknown_parameter_names_are_refused(tmp_path, in_process):
    params = tmp_path / "params.yaml"
    params.write_text("alpah: 0.1\n", encoding="utf-8")
    code, _, err = in_process("run", "compliance_trends", "--country", "NOR", "--params", params, "--out", tmp_path)
    assert code == 2 and "params.yaml: found the unknown parameter alpah" in err
