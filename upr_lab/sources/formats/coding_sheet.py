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

from upr_lab.exceptions import DataError

STATUSES = ("fully", "partially", "not", "unclear")
SHOWN = ["rec_id", "session", "recommender_name", "text", "response"]
CODED = ["status", "evidence", "source", "coder"]
HEADER = SHOWN + CODED
META = "upr-lab"
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
    """A ``CodingSheet`` from ``path``; refuses a sheet whose ids were edited, added or deleted, and a
    status outside fully / partially / not / unclear (naming the row)."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"cannot be read as a workbook ({exc}); expected a coding sheet written by "
                        "`upr-lab code sheet`", path=path) from None
    if META not in book.sheetnames or "coding" not in book.sheetnames:
        raise DataError("found no sheets 'coding' and 'upr-lab'; expected a coding sheet written by "
                        "`upr-lab code sheet`", path=path)
    meta = {str(k): v for k, v, *_ in book[META].iter_rows(values_only=True)}
    rows = list(book["coding"].iter_rows(values_only=True))
    book.close()
    codes = _codes(path, rows)
    _check_ids(path, codes["rec_id"], meta)
    return CodingSheet(path, str(meta["country"]), int(meta["cycle"]), str(meta["data_source"]), codes)


def _codes(path, rows):
    header = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
    if header[:len(HEADER)] != HEADER:
        raise DataError(f"found the columns {', '.join(header)}; expected {', '.join(HEADER)}", path=path)
    frame = pd.DataFrame([r[:len(HEADER)] for r in rows[1:]], columns=HEADER, dtype=object)
    frame = frame.map(lambda v: "" if v is None else str(v).strip())
    frame["status"] = frame["status"].str.lower()
    bad = ~frame["status"].isin(STATUSES + ("",))
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(f"found the status {frame['status'].iloc[i]!r}; expected one of {', '.join(STATUSES)} or "
                        "nothing (not coded yet)", path=path, row=i + 2, column="status")
    return frame[["rec_id", *CODED]]


def _check_ids(path, ids, meta):
    if ids_digest(ids) != meta.get("ids_sha256") or len(ids) != meta.get("rows"):
        raise DataError(f"found {len(ids)} recommendation ids that are not the {meta.get('rows')} the sheet was "
                        "written with (an id edited, a row added or deleted); expected the ids as "
                        "written: copy the codes into a fresh sheet", path=path)
