"""CITATION.cff: valid Citation File Format 1.2.0 (against its JSON schema, offline), and in step with the package
(version, licence, title) and with the reference ``upr-lab cite`` prints for upr-lab."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from upr_lab import __version__
from upr_lab.review import bibliography

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "data" / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))


def citation():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_is_valid_cff_1_2_0():
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(citation())


def test_the_schema_check_can_fail():
    broken = {**citation(), "authors": [{"nme": "typo"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate({k: v for k, v in citation().items() if k != "message"})


def test_citation_file_agrees_with_the_package_and_upr_lab_cite():
    cff = citation()
    ref = bibliography.references()["upr-lab"]
    assert cff["version"] == __version__ == ref.version
    assert cff["title"] == ref.title and cff["license"] == ref.licence == "MIT"
    assert [a["name"] for a in cff["authors"]] == [ref.author]
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__ and project["license"]["text"] == "MIT"
