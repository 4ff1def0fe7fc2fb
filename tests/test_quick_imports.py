"""The commands that run or read notebooks, and the test run's own processes, import nbformat without
jsonschema's IRI grammars (a second of CPU or more in every such process), and nothing else changes: notebooks
still validate, the module stays importable. Reading upr-lab's own tables (the embedded data) imports no pandera
(a quarter second in every kernel and command); validating a table still does, and still refuses a bad one."""

import gc
import subprocess
import sys

import pytest

CHECK = """
import sys
import {module}
import nbformat
assert "nbformat" in sys.modules and "jsonschema" in sys.modules
assert "rfc3987_syntax" not in sys.modules, "jsonschema built the IRI grammars"
notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
nbformat.validate(notebook)
try:
    bad = nbformat.v4.new_notebook()
    bad.cells.append({{"cell_type": "code"}})
    nbformat.validate(bad)
except nbformat.ValidationError:
    print("validates")
try:
    import rfc3987_syntax
    print("importable" if rfc3987_syntax.is_valid_syntax("iri", "https://example.org/é") else "wrong")
except ImportError:
    print("not installed")
"""


@pytest.mark.parametrize("module", ["upr_lab.runs.execute", "upr_lab.runs.warm", "upr_lab.review.compare"])
def test_notebook_modules_import_nbformat_without_the_iri_grammars(module):
    result = subprocess.run([sys.executable, "-c", CHECK.format(module=module)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[0] == "validates" and lines[1] in ("importable", "not installed"), result.stdout


def test_the_test_processes_import_jsonschema_without_the_iri_grammars():
    """The suite's own processes too: ``-p upr_lab._pytest_plugin`` (pyproject.toml's addopts) imports jsonschema
    before nbval's plugin does (1.5 s less CPU to collect the suite, in the controller and in each worker)."""
    assert "nbval" in sys.modules and "jsonschema" in sys.modules
    assert "rfc3987_syntax" not in sys.modules, "this pytest process built the IRI grammars"


def test_the_test_processes_freeze_what_collection_imported_and_collect_garbage_again():
    """The plugin pauses the cyclic collector while the suite is collected, then freezes the survivors (the test
    modules and their libraries: hundreds of thousands of objects) and resumes it."""
    assert gc.isenabled(), "the collector was left paused after collection"
    assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()


PANDERA_CHECK = """
import sys
from upr_lab import load
from upr_lab.exceptions import DataError
from upr_lab.sources import schema
recs = load().recommendations
assert "pandera" not in sys.modules, "reading the embedded data imported pandera"
schema.validate(recs.head(50), schema.RECOMMENDATIONS, "embedded")
assert "pandera" in sys.modules
try:
    schema.validate(recs.head(50).assign(cycle=9), schema.RECOMMENDATIONS, "bad")
except DataError as error:
    print(error)
"""


def test_the_embedded_data_load_without_pandera_and_tables_still_validate():
    result = subprocess.run([sys.executable, "-c", PANDERA_CHECK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "column 'cycle', found 9; expected a UPR cycle 1-4" in result.stdout, result.stdout
