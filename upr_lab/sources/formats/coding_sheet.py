"""Coding sheets: Excel workbooks in which a researcher codes the implementation of one State's
recommendations of one cycle, and reading them back.

A sheet has one row per recommendation (``rec_id``, session, recommending State, text, response) and
four columns for the coder: ``status`` (fully / partially / not / unclear, from a drop-down list),
``evidence``, ``source`` and ``coder``. The sheet is protected: only those four columns can be edited
(no password: protection guards against slips, not against a determined editor). A hidden sheet
``upr-lab`` records the State, the cycle, the data source and the SHA-256 of the ids, so that an edited,
added or deleted id is found when the sheet is read back (re-sorting the rows is fine).
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError, UprLabError
from upr_lab.limits import (MAX_CELL_CHARS, MAX_NUMBER_DIGITS, MAX_WORKBOOK_BYTES, check_digits, check_file_size,
                            excerpt, readable_file)

from . import workbook

EXPECTED = "a coding sheet (.xlsx) written by `upr-lab code sheet`"
STATUSES = ("fully", "partially", "not", "unclear")
SHOWN = ["rec_id", "session", "recommender_name", "text", "response"]
CODED = ["status", "evidence", "source", "coder"]
HEADER = SHOWN + CODED
META = "upr-lab"
META_KEYS = ("country", "cycle", "data_source", "rows", "ids_sha256")
WIDTHS = {"rec_id": 18, "session": 9, "recommender_name": 22, "text": 70, "response": 11, "status": 11,
          "evidence": 40, "source": 30, "coder": 14}


@dataclass(frozen=True)
class CodingSheet:
    """A coding sheet as read back: its ``path``, State, cycle, data source, and the ``codes`` (one row per
    recommendation: ``rec_id``, ``status`` (empty where not coded yet), ``evidence``, ``source``, ``coder``)."""

    path: Path
    country: str
    cycle: int
    data_source: str
    codes: pd.DataFrame


def ids_digest(ids):
    """SHA-256 of the recommendation ids, sorted, one per line."""
    return hashlib.sha256("".join(f"{i}\n" for i in sorted(ids)).encode("utf-8")).hexdigest()


def write_sheet(recs, country, cycle, data_source, path):
    """Write the coding sheet of ``recs`` (one State's recommendations of one cycle) to ``path`` (.xlsx)."""
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DataError(f"found the suffix {path.suffix or '(none)'!r}; expected .xlsx", path=path)
    rows = recs.sort_values(["session", "paragraph", "rec_id"], kind="stable")
    book = Workbook()
    sheet = book.active
    sheet.title = "coding"
    sheet.append(HEADER)
    for row in rows[SHOWN].itertuples(index=False):
        sheet.append([*row, None, None, None, None])
    _shape(sheet, len(rows))
    meta = book.create_sheet(META)
    for key, value in (("country", country), ("cycle", int(cycle)), ("data_source", data_source),
                       ("rows", len(rows)), ("ids_sha256", ids_digest(rows["rec_id"]))):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    book.save(path)
    return path


def _shape(sheet, n):
    """Widths, wrapped text, the drop-down list on ``status``, and protection of all but the coded columns."""
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for i, name in enumerate(HEADER, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = WIDTHS[name]
        sheet.cell(1, i).font = Font(bold=True)
        for r in range(2, n + 2):
            cell = sheet.cell(r, i)
            cell.alignment = Alignment(wrap_text=name in ("text", "evidence", "source"), vertical="top")
            if name in CODED:
                cell.protection = Protection(locked=False)
    status = get_column_letter(HEADER.index("status") + 1)
    choice = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="status",
                            error="Choose fully, partially, not or unclear.")
    choice.add(f"{status}2:{status}{max(n + 1, 2)}")
    sheet.add_data_validation(choice)
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True


def read_sheet(path):
    """A ``CodingSheet`` from ``path``; refuses a damaged workbook, a hidden sheet ``upr-lab`` that lacks a
    row or holds a wrong value, a sheet whose ids were edited, added or deleted, and a status outside
    fully / partially / not / unclear (naming the row). Rows left wholly empty are skipped."""
    path = readable_file(path, EXPECTED)
    check_file_size(path, MAX_WORKBOOK_BYTES, "a workbook")
    meta, rows = _read_workbook(path)
    codes = _codes(path, rows)
    _check_ids(path, codes["rec_id"], meta)
    return CodingSheet(path, meta["country"], meta["cycle"], meta["data_source"], codes)


def _read_workbook(path):
    """The checked meta values and the rows of the sheet ``coding``: the one place that opens the workbook,
    so that any damage (not a zip, a part cut short, malformed XML) is one ``DataError``."""
    from openpyxl import load_workbook

    workbook.check_zip(path, EXPECTED)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            if META not in book.sheetnames or "coding" not in book.sheetnames:
                raise DataError(f"found the sheets {', '.join(map(excerpt, book.sheetnames))}; expected the sheets "
                                f"'coding' and {META!r} of a coding sheet written by `upr-lab code sheet`", path=path)
            meta = _meta(path, [tuple(r) for r in book[META].iter_rows(values_only=True, max_col=2)])
            return meta, _rows(path, book["coding"], meta["rows"])
        finally:
            book.close()
    except UprLabError:
        raise
    except Exception as exc:  # noqa: BLE001 - zipfile, XML (ElementTree or lxml) and openpyxl's own errors alike
        if isinstance(exc, ValueError) and "digits" in str(exc):  # Python's own limit on int(), 4,300 digits
            raise DataError(f"found a number of more than 4,300 digits; expected at most {MAX_NUMBER_DIGITS} (the "
                            "limit on the digits of a number)", path=path) from None
        raise workbook.damaged(path, exc, expected=EXPECTED) from None


def _meta(path, rows):
    """The hidden sheet's values, each checked: country (ISO3), cycle (1-4), data_source, rows, ids_sha256."""
    found = {str(r[0]).strip(): (r[1] if len(r) > 1 else None) for r in rows if r and r[0] is not None}
    missing = [key for key in META_KEYS if key not in found]
    where = _in_sheet(path, META)
    if missing:
        raise DataError(f"found no row {', '.join(missing)}; expected the rows {', '.join(META_KEYS)} as "
                        "`upr-lab code sheet` writes them", path=where)
    country = str(found["country"] or "").strip()
    if not (len(country) == 3 and country.isalpha() and country.isupper()):
        raise DataError(f"found country {_shown(found['country'])}; expected an ISO3 code", path=where)
    cycle, rows = _whole(found["cycle"]), _whole(found["rows"])
    if cycle not in range(1, 5):
        raise DataError(f"found cycle {_shown(found['cycle'])}; expected a UPR cycle 1-4", path=where)
    if rows is None or rows < 0:
        raise DataError(f"found rows {_shown(found['rows'])}; expected a number of rows", path=where)
    return {"country": country, "cycle": cycle, "rows": rows, "data_source": str(found["data_source"] or ""),
            "ids_sha256": str(found["ids_sha256"] or "")}


def _in_sheet(path, sheet="coding"):
    """How a message names a sheet of the workbook: ``SVN-1.xlsx (sheet 'coding')``."""
    return f"{path} (sheet {sheet!r})"


def _shown(value):
    return "(empty)" if value is None or str(value).strip() == "" else excerpt(value)


def _whole(value):
    """``value`` as a whole number (an int, a float such as 2.0, or its digits as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= MAX_NUMBER_DIGITS else None


def _rows(path, sheet, expected):
    """The coding sheet's rows as text (wholly empty rows skipped), refusing a cell past ``MAX_CELL_CHARS``
    and more rows than the sheet was written with (read no further: a runaway sheet stops here)."""
    rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=len(HEADER)), start=1):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        for name, value in zip(HEADER, row):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise DataError(f"found a cell of {len(value):,} characters; expected at most {MAX_CELL_CHARS:,} (the "
                                "limit on a cell)", path=_in_sheet(path), row=number, column=name)
            if isinstance(value, int) and not isinstance(value, bool):
                check_digits(value, _in_sheet(path), number, name)
        if len(rows) > expected:
            raise DataError(f"found more than the {expected} recommendations the sheet was written with (a row "
                            "added); expected the rows as written: copy the codes into a fresh sheet",
                            path=_in_sheet(path), row=number)
        rows.append((number, row))
    return rows


def _codes(path, rows):
    """The codes of ``rows`` (``(row number, values)``, the header first) as text, the status checked."""
    header = [str(h).strip() if h is not None else "" for h in rows[0][1]] if rows else []
    if header[:len(HEADER)] != HEADER:
        raise DataError(f"found the columns {', '.join(map(excerpt, header)) or '(none)'}; expected "
                        f"{', '.join(HEADER)}", path=_in_sheet(path), row=rows[0][0] if rows else None)
    values = [(tuple(r) + (None,) * len(HEADER))[:len(HEADER)] for _, r in rows[1:]]
    frame = pd.DataFrame(values, columns=HEADER, dtype=object)
    frame = frame.map(lambda v: "" if v is None else str(v).strip())
    frame["status"] = frame["status"].str.lower()
    bad = ~frame["status"].isin(STATUSES + ("",))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found the status {excerpt(frame['status'].iloc[i])}; expected one of {', '.join(STATUSES)} "
                        "or nothing (not coded yet)", path=_in_sheet(path), row=rows[i + 1][0], column="status")
    return frame[["rec_id", *CODED]]


def _check_ids(path, ids, meta):
    if ids_digest(ids) != meta["ids_sha256"] or len(ids) != meta["rows"]:
        raise DataError(f"found {len(ids)} recommendation ids that are not the {meta['rows']} the sheet was "
                        "written with (an id edited, a row added or deleted); expected the ids as "
                        "written: copy the codes into a fresh sheet", path=path)
