"""The commands that run or read notebooks import nbformat without jsonschema's IRI grammars (a second of CPU
in every such process), and nothing else changes: notebooks still validate, the module stays importable."""

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
