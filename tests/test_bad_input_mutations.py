"""Seeded random damage to the inputs of coding sheets, context files and YAML files: each damaged file
is read or refused with one ``UprLabError`` line, never a traceback, a hang or a multi-line message.

(Before these readers were guarded, 570 of 2,000 such mutations ended in a traceback: BadZipFile, XML
errors, UnicodeDecodeError, csv errors, casts of infinite or huge numbers.)"""

import io
import random
import warnings
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from upr_lab.exceptions import UprLabError
from upr_lab.sources.context.load import load_context
from upr_lab.sources.formats import coding_sheet
from upr_lab.yamlfile import read_mapping

RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "country-year"
EACH = 120  # mutations per kind of file


def mutate(rng, data):
    """One of: cut short, bytes overwritten, a stretch removed, a run of digits or separators inserted, a
    stretch repeated elsewhere, line ends turned to CR or a BOM added."""
    data, how = bytearray(data), rng.randrange(6)
    i, j = rng.randrange(len(data)), rng.randrange(len(data))
    if how == 0:
        return bytes(data[:i])
    if how == 1:
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if how == 2:
        return bytes(data[:i] + data[i + rng.randrange(1, 200):])
    if how == 3:
        return bytes(data[:i] + bytes([rng.choice(b'0123456789,."\r\n-e')]) * rng.randrange(1, 400) + data[i:])
    if how == 4:
        return bytes(data[:i] + data[j:j + 300] + data[i:])
    return bytes(data).replace(b"\n", b"\r") if rng.random() < 0.5 else b"\xef\xbb\xbf" + bytes(data)


def mutate_part(rng, workbook):
    """The workbook with one of its zip members damaged (a member's XML, not the zip itself)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as old:
        target = rng.choice(old.namelist())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as new:
            for item in old.infolist():
                data = old.read(item.filename)
                new.writestr(item, mutate(rng, data) if item.filename == target and data else data)
    return buffer.getvalue()


def outcome(read, path):
    """'read' or 'refused'; anything else fails the test with what escaped."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read(path)
        return "read"
    except UprLabError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 600, message
        return "refused"


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    recs = pd.DataFrame({"rec_id": [f"R{i:04d}" for i in range(40)], "session": 7, "paragraph": range(40),
                         "recommender_name": "Norway", "text": "Ratify the Convention.", "response": "supported"})
    path = coding_sheet.write_sheet(recs, "SVN", 1, "test", tmp_path_factory.mktemp("sheet") / "sheet.xlsx")
    assert len(coding_sheet.read_sheet(path).codes) == 40
    return path.read_bytes()


def test_damaged_coding_sheets(sheet, tmp_path):
    rng, found = random.Random(1), []
    for n in range(EACH):
        path = tmp_path / f"{n}.xlsx"
        path.write_bytes(mutate_part(rng, sheet) if n % 2 else mutate(rng, sheet))
        found.append(outcome(coding_sheet.read_sheet, path))
    assert found.count("refused") > EACH / 2  # most damage is found, not read as if whole


@pytest.mark.parametrize("name", ["pts/PTS-2024.csv", "fariss/LHRS-v4.02-2021_names.csv"])
def test_damaged_context_files(tmp_path, name):
    head = (RAW / name).read_bytes()[:20000]
    head = head[:head.rindex(b"\n") + 1]  # whole rows: each damage is the test's own
    assert outcome(load_context, _written(tmp_path / "whole.csv", head)) == "read"
    rng = random.Random(2)
    found = [outcome(load_context, _written(tmp_path / f"{n}.csv", mutate(rng, head))) for n in range(EACH)]
    assert found.count("refused") > EACH / 3


def test_damaged_parameter_files(tmp_path):
    text = (b"alpha: 0.05\ncompliance_trends:\n  alpha: 0.1\nnested: {a: [1, 2, {b: c}]}\nx: &x [1, 2]\n"
            b"y: *x\ndata: '../data/exports.csv'\n")
    rng = random.Random(3)
    found = [outcome(lambda p: read_mapping(p, "a mapping"), _written(tmp_path / f"{n}.yaml", mutate(rng, text)))
             for n in range(EACH)]
    assert "refused" in found and "read" in found


def _written(path, data):
    path.write_bytes(data)
    return path
