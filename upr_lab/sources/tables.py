"""Reading any tabular file as rows of strings: CSV/TSV text, Excel (.xls, .xlsx), HTML tables.

Every reader returns a ``RawTable``: the header cells, the data rows (all strings, "" for empty),
the spreadsheet row number of the first data row, and what was detected (format, encoding).
"""

import csv
import io
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import MAX_CELL_CHARS, MAX_TEXT_BYTES, special_kind

from .encodings import decode
from .formats import workbook

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
    """Read ``path`` (text or Excel, sniffed from its bytes, not only its name) as a ``RawTable``.

    Refuses, with a ``DataError`` naming the file (and row where there is one), anything that is not
    a table with a header row and at least one data row.
    """
    path = require_file(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise DataError("the file is empty; expected a table with a header row", path=path)
    if raw.startswith(_OLE2):
        table = _excel(path, "xls")
    elif raw.startswith(_ZIP):
        table = _excel(path, "xlsx")
    elif path.suffix.lower() in EXCEL_SUFFIXES and raw.lstrip()[:1] == b"<":
        table = _html(path, raw)
    else:
        table = _text(path, raw)
    if table.rows.empty:
        raise DataError("found only a header row, no data rows; expected a table with at least one row of data",
                        path=path)
    return table


def read_shipped(name, columns, **options):
    """A derived table shipped in ``upr_lab/data`` (``name``, a UTF-8 CSV; ``options`` for ``pd.read_csv``, empty
    cells kept as ""), refused unless its columns are ``columns`` (a table of another version of upr-lab)."""
    with resources.files("upr_lab").joinpath("data", name).open(encoding="utf-8") as f:
        table = pd.read_csv(f, keep_default_na=False, **options)
    if list(table.columns) != list(columns):
        raise DataError(f"found columns {list(table.columns)}; expected {list(columns)} (rebuild it with `make data`)",
                        path=Path(__file__).resolve().parents[1] / "data" / name)
    return table


def require_file(path):
    """``path`` as a ``Path`` if it names a readable file; otherwise a ``DataError`` saying what is there."""
    path = Path(path)
    if not path.exists():
        raise DataError("no such file; expected a table (CSV, Excel or Parquet)", path=path)
    if path.is_dir():
        raise DataError("found a folder; expected a file (a table: CSV, Excel or Parquet)", path=path)
    if not path.is_file():  # reading a FIFO would wait for a writer forever
        raise DataError(f"found {special_kind(path.stat().st_mode)}; expected a file (a table: CSV, Excel or Parquet)",
                        path=path)
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc})", path=path) from None
    return path


def _read_bytes(path):
    """The bytes of a table file, refused past ``MAX_TEXT_BYTES`` (workbooks have limits of their own)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(8)
        if size > MAX_TEXT_BYTES and not head.startswith((_OLE2, _ZIP)):
            raise DataError(f"found a file of {size / 2**20:,.0f} MB; expected at most {MAX_TEXT_BYTES >> 20} MB "
                            "(the size limit for a text table): split it, or keep only the rows you need", path=path)
        if head.startswith((_OLE2, _ZIP)):
            return head  # read by the workbook reader, which checks its own limits
        return head + f.read()


def _excel(path, kind):
    """First sheet of a workbook, through the guarded reader (limits, merged cells, formulas)."""
    frame, sheet = workbook.read_first_sheet(path, kind)
    del sheet  # named in the reader's own messages; the file records keep the format only
    return _from_frame(path, frame, {"format": kind})


def first_sentence(exc):
    """The start of an exception's message, for a one-line error (readers' messages run long)."""
    text = " ".join(str(exc).split())
    return (text.split(". ")[0][:100] if text else type(exc).__name__)


def _html(path, raw):
    """Web exports saved as .xls are often an HTML table in disguise."""
    text, encoding = _decode(path, raw)
    try:
        table = pd.read_html(io.StringIO(text), flavor="lxml", keep_default_na=False)[0]
    except Exception:  # lxml and pandas raise several types for a page without a (whole) table
        raise DataError("found an HTML page (saved as .xls) without a table; expected an Excel workbook or an "
                        "HTML table with a header row", path=path) from None
    cells = [list(map(str, table.columns)), *table.astype(str).values.tolist()]
    return _from_frame(path, pd.DataFrame(cells), {"format": "html-xls", "encoding": encoding})


def _text(path, raw):
    text, encoding = _decode(path, raw)
    if _looks_binary(raw, text):
        raise DataError("found binary content, not text; expected a text table (CSV) or an Excel workbook",
                        path=path)
    delimiter = _sniff_delimiter(text)
    cells, numbers = _csv_rows(path, text, delimiter)
    if not cells:
        raise DataError("found only empty rows; expected a table with a header row", path=path)
    header, body = cells[0], cells[1:]
    for i, (row, number) in enumerate(zip(body, numbers[1:])):
        if len(row) != len(header):
            hint = " (the last row: is the file truncated?)" if i == len(body) - 1 else ""
            message = f"found {len(row)} fields; expected {len(header)}, as in the header row{hint}"
            raise DataError(message, path=path, row=number)
    _refuse_long_cells(path, [header, *body], numbers)
    frame = pd.DataFrame(body, columns=range(len(header)), dtype=str)
    detected = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    return RawTable(path, [h.strip() for h in header], frame, numbers[1:], detected)


def _refuse_long_cells(path, cells, numbers):
    for row, number in zip(cells, numbers):
        for i, cell in enumerate(row):
            if len(cell) > MAX_CELL_CHARS:
                raise DataError(f"found {len(cell):,} characters in field {i + 1}; expected at most {MAX_CELL_CHARS:,} "
                                "(the limit for a cell)", path=path, row=number)


def _decode(path, raw):
    """Text of ``raw``; a ``DataError`` with the row of the first byte that is not valid in its encoding."""
    try:
        return decode(raw)
    except UnicodeDecodeError as exc:
        row = _decode_prefix(raw[:exc.start], exc.encoding).count("\n") + 1
        ending = " (the file ends inside a character: is it truncated?)" if exc.start >= len(raw) - 3 else ""
        raise DataError(f"found bytes that are not valid {exc.encoding} at byte {exc.start}{ending}; expected "
                        "text in one encoding (UTF-8, UTF-16, Windows-1252 or Mac Roman)", path=path, row=row) from None


def _decode_prefix(raw, encoding):
    """``raw`` decoded as far as it goes, line endings normalised (to count the lines before a bad byte)."""
    text = raw.decode(encoding, errors="ignore")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_binary(raw, text):
    """NUL bytes (outside UTF-16) or more than 1% control characters: no text export looks like that."""
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = text[:65536]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\f\v")
    return controls > len(sample) / 100


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
        if "field larger than field limit" in str(exc):
            raise DataError(f"found a field longer than {csv.field_size_limit():,} characters; expected at most "
                            f"{MAX_CELL_CHARS:,} (the limit for a cell; is a quote left open?)", path=path,
                            row=start) from None
        if "unexpected end of data" in str(exc):
            raise DataError("found a quoted field that is never closed; expected a closing quote (is the file "
                            "truncated?)", path=path, row=start) from None
        raise DataError(f"found malformed CSV ({exc}); expected fields separated by {delimiter!r}, quoted with "
                        "'\"' where needed", path=path, row=start) from None
    return cells, numbers


def _sniff_delimiter(text):
    first = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=first.count)


def _from_frame(path, frame, detected):
    frame = frame.fillna("").astype(str)
    # a row is kept where some cell has more than whitespace (Python's; one loop over plain strings, not a
    # row-wise apply, which built a Series per row: 5 s of the 56,676 rows of DIHR's two workbooks)
    cells = frame.to_numpy(dtype=object)
    frame = frame[np.fromiter((any(c.strip() for c in row) for row in cells), dtype=bool, count=len(cells))]
    if frame.empty:
        raise DataError("the first sheet is empty; expected a table with a header row", path=path)
    header = [str(h).strip() for h in frame.iloc[0]]
    numbers = [int(i) + 1 for i in frame.index[1:]]  # spreadsheet rows count from 1
    rows = frame.iloc[1:].reset_index(drop=True)
    rows.columns = range(len(header))
    return RawTable(path, header, rows, numbers, detected)
