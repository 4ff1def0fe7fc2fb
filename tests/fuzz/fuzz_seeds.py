"""Seeds of the fuzz harness: small excerpts of real inputs, built when the tests run.

From ``../shared/data`` (beside the checkout, where the tests find the real files) and from the embedded
data set; nothing is copied into the repository. A ``Table`` is a header and rows of text cells, written to
each format by ``fuzz_mutations``; documents, context files and YAML are kept as bytes.
"""

import csv
import functools
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
ROWS = 8  # data rows per seed table: enough for every column's forms, small enough to mutate fast


@dataclass(frozen=True)
class Table:
    """A seed table: ``header`` and ``rows`` of text (``sheet`` names a workbook's first sheet)."""

    name: str
    header: tuple
    rows: tuple
    sheet: str = "Sheet1"
    encoding: str = "utf-8"
    newline: str = "\n"
    numeric: frozenset = field(default_factory=frozenset)  # columns written as numbers in workbooks


def shared(*parts):
    """A real file under ``../shared/data``; the test is skipped, saying where, when it is absent."""
    import pytest

    path = SHARED.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"the real data expected at {path} is missing")
    return path


@functools.cache
def upr_info():
    """The first rows of a real UPR Info export (Mac Roman, CR line ends, as UPR Info shipped it), and a few
    rows further on (other sessions, States and responses)."""
    text = shared("upr-info", "6-9.csv").read_bytes().decode("mac_roman").replace("\r", "\n")
    records = list(csv.reader(io.StringIO(text)))
    header, body = records[0], [r for r in records[1:] if any(r)]
    rows = body[:ROWS // 2] + body[4000:4000 + ROWS // 2]
    return Table("upr-info", tuple(header), tuple(map(tuple, rows)), encoding="mac_roman", newline="\r",
                 numeric=frozenset({"Action", "Session"}))


@functools.cache
def upr_info_own_spelling():
    """The same rows under UPR Info's own header spelling (SuR, Rgrp, Org, Recommendation, RS, ...)."""
    table = upr_info()
    header = ("SuR", "Rgrp", "Org", "Recommendation", "RS", "Rgrp", "Org", "Response", "Action", "Issue", "Session")
    return Table("upr-info-own", header, table.rows, numeric=frozenset({"Action", "Session"}))


@functools.cache
def dihr():
    """The first rows of a real DIHR explorer export (sheet Explorer), read with openpyxl's streaming reader."""
    from openpyxl import load_workbook

    book = load_workbook(shared("dihr", "upr1.xlsx"), read_only=True)
    sheet = book[book.sheetnames[0]]
    cells = [tuple("" if v is None else str(v) for v in row)
             for row, _ in zip(sheet.iter_rows(values_only=True), range(ROWS + 1))]
    book.close()
    return Table("dihr", cells[0], tuple(cells[1:]), sheet="Explorer")


@functools.cache
def _embedded_rows():
    from upr_lab import load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = load().recommendations
    slovenia = recs[(recs["sur_iso3"] == "SVN") & (recs["document"] != "")]
    return slovenia.head(ROWS).reset_index(drop=True)


@functools.cache
def uhri():
    """Real recommendations (Slovenia's, from the embedded data) laid out as a UHRI export, with one row of
    another body (skipped by the loader)."""
    header = ("Text", "Countries Concerned", "Reccomending Body", "Document Symbol", "Themes", "Sdgs",
              "UPR Reccomending States", "UPR Position", "OHCHR Annotation Id", "UPR Session")
    rows = []
    for i, rec in _embedded_rows().iterrows():
        rows.append((f"{rec['paragraph']} {rec['text']}".strip(), f"- {rec['sur_name']}", "- UPR", rec["document"],
                     "\n".join(f"- {t}" for t in rec["issues"]), "\n".join(f"- {g}" for g in rec["sdg_goals"]),
                     f"- {rec['recommender_name']}", rec["response"].capitalize(), f"id{i}",
                     f"{rec['session']}th session"))
    rows.append(("Adopt a comprehensive anti-discrimination law", "- Slovenia", "- CERD", "CERD/C/SVN/CO/8-11",
                 "- Racial discrimination", "", "", "", "x9", ""))
    return Table("uhri", header, tuple(rows))


@functools.cache
def uhri_json():
    """The same recommendations as UHRI JSON records (the tests' builder), with one record of another body."""
    from uhri_export import record

    records = [record(countries=[f"- {rec['sur_name']}"], symbol=rec["document"], session=[f"- {rec['session']}"],
                      cycle=f"- {rec['cycle']}", recommending=[f"- {rec['recommender_name']}"],
                      text=f"{rec['paragraph']} {rec['text']} ({rec['recommender_name']});".strip(),
                      positions=[f"- {rec['response'].capitalize()}"], themes=[f"- {t}" for t in rec["issues"]],
                      sdgs=[f"- {g} - GOAL" for g in rec["sdg_goals"]], annotation=f"id{i}")
               for i, rec in _embedded_rows().iterrows()]
    return tuple(records) + (record(body="- CERD", countries=["- Slovenia"], text="Adopt a law", annotation="x9"),)


@functools.cache
def canonical_frame():
    """Real rows of the embedded data set, as the canonical table holds them."""
    return _embedded_rows()


@functools.cache
def canonical_table():
    """The canonical seed as the CSV ``canonical.write`` makes, read back into a header and rows."""
    import csv
    import tempfile
    from pathlib import Path

    from upr_lab.sources.formats import canonical

    with tempfile.TemporaryDirectory() as folder:
        path = canonical.write(canonical_frame(), Path(folder) / "canonical.csv")
        records = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return Table("canonical", tuple(records[0]), tuple(map(tuple, records[1:])),
                       numeric=frozenset({"cycle", "session", "year", "action_category"}))


@functools.cache
def participation():
    """Real participation rows, read from the two stakeholder summaries held as text (USA, Denmark)."""
    import pandas as pd

    from upr_lab.sources.ohchr import stakeholders

    paths = [shared("ohchr", "stakeholder-summaries", name)
             for name in ("A_HRC_WG.6_50_USA_3.txt", "A_HRC_WG.6_52_DNK_3.txt")]
    frame = stakeholders.read_summaries(paths)
    header = tuple(frame.columns)
    rows = tuple(tuple("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False))
    return Table("participation", header, rows)


def lines_of(path, keep, encoding):
    """The header line of a CSV and the lines ``keep`` accepts (bytes, line ends kept)."""
    raw = path.read_bytes()
    lines = raw.splitlines(keepends=True)
    return lines[0] + b"".join(line for line in lines[1:] if keep(line.decode(encoding, "replace")))


@functools.cache
def pts():
    """Norway's and Brazil's rows of the Political Terror Scale 2024 for the review years (cp1252, as shipped)."""
    return lines_of(shared("country-year", "pts", "PTS-2024.csv"),
                    lambda line: line.startswith(("Norway,", "Brazil,")) and "," in line and
                    line.split(",")[2].isdigit() and 2006 <= int(line.split(",")[2]) <= 2020, "cp1252")


@functools.cache
def fariss():
    """Norway's and Brazil's rows of the Fariss latent scores for the review years."""
    return lines_of(shared("country-year", "fariss", "LHRS-v4.02-2021_names.csv"),
                    lambda line: ('"Norway"' in line or '"Brazil"' in line) and line[:4].isdigit()
                    and 2006 <= int(line[:4]), "utf-8")


def document(*parts):
    return shared("ohchr", *parts).read_bytes()


def params_yaml():
    return (ROOT / "params" / "defaults.yaml").read_bytes()


def aliases_yaml():
    return (ROOT / "params" / "country_aliases.yaml").read_bytes()
