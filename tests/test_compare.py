"""The comparisons behind `upr-lab verify`, on small hand-made run files."""

import json

import matplotlib

matplotlib.use("Agg")
import nbformat  # noqa: E402
from matplotlib import pyplot  # noqa: E402

from upr_lab.review import compare  # noqa: E402


def write_json(path, data):
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_metrics_lists_each_differing_key_with_both_values(tmp_path):
    recorded = write_json(tmp_path / "a.json", {"n": 3, "by_cycle": {"1": {"rate": 0.5}}, "items": [1, 2]})
    same = write_json(tmp_path / "b.json", {"n": 3, "by_cycle": {"1": {"rate": 0.5}}, "items": [1, 2]})
    changed = write_json(tmp_path / "c.json", {"n": 4, "by_cycle": {"1": {"rate": 0.25}}, "items": [1, 3], "x": 1})
    assert compare.metrics(recorded, same) == []
    assert compare.metrics(recorded, changed) == [
        "a.json: n: recorded 3, re-executed 4", "a.json: by_cycle.1.rate: recorded 0.5, re-executed 0.25",
        "a.json: items[1]: recorded 2, re-executed 3", 'a.json: x: recorded "(absent)", re-executed 1']


def test_metrics_reports_broken_missing_and_reformatted_files(tmp_path):
    good = write_json(tmp_path / "metrics.json", {"n": 1})
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert compare.metrics(broken, good)[0].startswith("broken.json: not valid JSON any more")
    assert compare.metrics(tmp_path / "gone.json", good) == ["gone.json: missing from the run"]
    compact = tmp_path / "compact.json"
    compact.write_text('{"n": 1}', encoding="utf-8")
    assert compare.metrics(compact, good) == ["compact.json: same values, different bytes (layout or key order changed)"]


def notebook_with(path, outputs):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("prose"), nbformat.v4.new_code_cell("x", outputs=outputs)]
    nbformat.write(notebook, path)
    return path


def test_cell_outputs_compare_after_the_declared_sanitising_only(tmp_path):
    def html_output(text):
        return [nbformat.v4.new_output("display_data", data={"text/html": text})]

    recorded = notebook_with(tmp_path / "a.ipynb", html_output("<p>rate 75.0%, object at 0x7f3a2b1c9d00</p>"))
    moved = notebook_with(tmp_path / "b.ipynb", html_output("<p>rate 75.0%, object at 0x55d1e2f3a4b0</p>"))
    changed = notebook_with(tmp_path / "c.ipynb", html_output("<p>rate 74.0%, object at 0x7f3a2b1c9d00</p>"))
    assert compare.cells(recorded, moved) == []
    [difference] = compare.cells(recorded, changed)
    assert difference.startswith("a.ipynb: code cell 1: output differs: output 1 (data:text/html): recorded '")
    assert "rate 75.0%" in difference and "re-executed '<p>rate 74.0%" in difference


def test_volatile_rules_are_the_nbval_sanitize_file():
    rules = compare.volatile_rules()
    assert rules and compare.sanitise("at 0x7f3a2b1c9d00", rules) == "at 0xADDRESS"
    assert compare.sanitise("category 0x5", rules) == "category 0x5"  # short hex is data, not an address


def png(path, values):
    figure, axes = pyplot.subplots(figsize=(2, 2))
    axes.plot(values)
    figure.savefig(path, format="png", metadata={"Software": None})
    pyplot.close(figure)
    return path


def test_figures_names_missing_extra_and_changed_files(tmp_path):
    recorded, again = tmp_path / "recorded", tmp_path / "again"
    recorded.mkdir()
    again.mkdir()
    png(recorded / "same.png", [1, 2]), png(again / "same.png", [1, 2])
    png(recorded / "changed.png", [1, 2]), png(again / "changed.png", [2, 1])
    png(recorded / "only_recorded.png", [1]), png(again / "only_again.png", [1])
    found = compare.figures(recorded, again)
    assert "figures/only_recorded.png: in the run but not drawn on re-execution" in found
    assert "figures/only_again.png: drawn on re-execution but missing from the run" in found
    [changed] = [f for f in found if f.startswith("figures/changed.png")]
    assert changed.endswith("of pixels differ)") and len(found) == 3


def test_html_shows_where_the_pages_first_differ(tmp_path):
    recorded, again = tmp_path / "report.html", tmp_path / "again.html"
    recorded.write_text("<html>\n<p>rate 75%</p>\n</html>\n", encoding="utf-8")
    again.write_text("<html>\n<p>rate 74%</p>\n</html>\n", encoding="utf-8")
    [difference] = compare.html(recorded, again)
    assert "first at line 2" in difference and "rate 75%" in difference and "rate 74%" in difference
    assert compare.html(recorded, recorded) == []
