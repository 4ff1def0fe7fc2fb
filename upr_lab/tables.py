"""Reading any tabular file as rows of strings: CSV/TSV text, Excel (.xls, .xlsx), HTML tables.

Every reader returns a ``RawTable``: the header cells, the data rows (all strings, "" for empty),
the spreadsheet row number of the first data row, and what was detected (format, encoding).
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .encodings import decode
from .exceptions import DataError

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (BIFF) container
_ZIP = b"PK\x03\x04"  # .xlsx
EXCEL_SUFFIXES = {".xls", ".xlsx"}


@dataclass
class RawTable:
    path: Path
    header: list
    rows: pd.DataFrame  # columns 0..n-1, strings
    row_numbers: list  # line (CSV) or spreadsheet row number of each data row
    detected: dict = field(default_factory=dict)


def read_table(path):
    """Read ``path`` (text or Excel, sniffed from its bytes, not only its name) as a ``RawTable``."""
    path = Path(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError("the file is empty; expected a table with a header row", path=path)
    if raw.startswith(_OLE2):
        return _from_frame(path, _excel(path), {"format": "xls"})
    if raw.startswith(_ZIP):
        return _from_frame(path, _excel(path), {"format": "xlsx"})
    if path.suffix.lower() in EXCEL_SUFFIXES and raw.lstrip()[:1] == b"<":
        return _html(path, raw)
    return _text(path, raw)


def _excel(path):
    """First sheet of a workbook (calamine reads both legacy .xls and .xlsx)."""
    try:
        return pd.read_excel(path, engine="calamine", header=None, dtype=str, keep_default_na=False)
    except Exception as exc:  # xlrd/openpyxl raise many types for damaged workbooks
        raise DataError(f"not a readable Excel workbook ({type(exc).__name__}: {exc})", path=path) from None


def _html(path, raw):
    """Web exports saved as .xls are often an HTML table in disguise."""
    text, encoding = decode(raw)
    try:
        table = pd.read_html(io.StringIO(text), keep_default_na=False)[0]
    except (ValueError, ImportError) as exc:
        raise DataError(f"an .xls file holding HTML, but no table could be read ({exc})", path=path) from None
    cells = [list(map(str, table.columns)), *table.astype(str).values.tolist()]
    return _from_frame(path, pd.DataFrame(cells), {"format": "html-xls", "encoding": encoding})


def _text(path, raw):
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("binary content, not a text table (CSV) or an Excel workbook", path=path)
    text, encoding = decode(raw)
    delimiter = _sniff_delimiter(text)
    cells, numbers = _csv_rows(path, text, delimiter)
    header, body = cells[0], cells[1:]
    for row, number in zip(body, numbers[1:]):
        if len(row) != len(header):
            message = f"expected {len(header)} fields as in the header, found {len(row)}"
            raise DataError(message, path=path, row=number)
    frame = pd.DataFrame(body, columns=range(len(header)), dtype=str)
    detected = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    return RawTable(path, [h.strip() for h in header], frame, numbers[1:], detected)


def _csv_rows(path, text, delimiter):
    """Non-blank rows and the line number each starts on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    cells, numbers, start = [], [], 1
    try:
        for row in reader:
            if any(c.strip() for c in row):
                cells.append(row)
                numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc})", path=path, row=start) from None
    return cells, numbers


def _sniff_delimiter(text):
    first = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=first.count)


def _from_frame(path, frame, detected):
    frame = frame.fillna("").astype(str)
    frame = frame[frame.apply(lambda r: any(c.strip() for c in r), axis=1)]
    if frame.empty:
        raise DataError("the first sheet is empty; expected a table with a header row", path=path)
    header = [str(h).strip() for h in frame.iloc[0]]
    numbers = [int(i) + 1 for i in frame.index[1:]]  # spreadsheet rows count from 1
    rows = frame.iloc[1:].reset_index(drop=True)
    rows.columns = range(len(header))
    return RawTable(path, header, rows, numbers, detected)
