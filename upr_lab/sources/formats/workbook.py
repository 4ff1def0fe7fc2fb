"""The one guarded reader of Excel workbooks (.xlsx, legacy .xls): limits checked before a sheet is read
whole, and a damaged workbook of any kind reported as one ``DataError`` naming the file and sheet.

Limits a user can hit by accident (an export of a whole database, a sheet pasted into a cell), each named
in the message that enforces it (all in ``upr_lab.limits``):

* ``MAX_WORKBOOK_BYTES``: the file's size (as for coding sheets);
* ``MAX_ROWS``: rows of the sheet read, Excel's own limit (a longer sheet was not written by Excel, and
  reading it would exhaust memory before anything could be said);
* ``MAX_PART_BYTES``: the uncompressed size of any part of an .xlsx (a small zip can expand a thousandfold);
* ``MAX_WORKBOOK_UNZIPPED_BYTES``: what the parts of an .xlsx add up to once unzipped (``check_zip``, which
  coding sheets use too);
* ``MAX_CELL_CHARS``: characters in one cell, Excel's own limit;
* ``READER_MEMORY`` and ``READER_SECONDS``: the native reader (calamine) runs in a child process with this
  much memory and time, so that a damaged workbook that makes it abort or run away ends as one error.

What a workbook holds that a table of values cannot: merged cells (one value shown across several cells,
the others empty) and formulas saved without their computed value (read as empty) are refused, naming the
cells; formulas with a saved value are read as that value, as Excel shows it.
"""

import pickle
import re
import subprocess
import sys
import zipfile
from pathlib import PurePosixPath

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import MAX_CELL_CHARS, MAX_PART_BYTES, MAX_ROWS, MAX_WORKBOOK_BYTES, MAX_WORKBOOK_UNZIPPED_BYTES, MB

EXCEL = "a readable Excel workbook (.xlsx or .xls)"
READER_MEMORY = 6 << 30
READER_SECONDS = 600
_CHUNK = 1 << 20
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")  # a saved value; openpyxl writes <v></v> for a formula it did not compute
_ANY_VALUE = re.compile(rb"<(?:\w+:)?v[\s>/]")
_STRING_RESULT = re.compile(rb'\bt="str"')  # ... but Excel writes the same for a formula whose value is ""
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def read_first_sheet(path, kind):
    """The first sheet of the workbook at ``path`` (``kind``: "xlsx" or "xls") as a frame of strings, without
    a header (``""`` for empty cells), after checking the limits above; and the sheet's name."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise DataError(f"found a workbook of {size / 2**20:,.0f} MB; expected at most {MAX_WORKBOOK_BYTES >> 20} MB "
                        "(the workbook size limit): export only the rows you need, or save the sheet as CSV",
                        path=path)
    if kind == "xlsx":
        _check_xlsx(path)
    name, merged, rows = _read_sheet(path)
    if merged:
        (top, left), (bottom, right) = merged[0]
        cells = f"{cell_name(top, left)}:{cell_name(bottom, right)}"
        more = f" (and {len(merged) - 1} more)" if len(merged) > 1 else ""
        raise DataError(f"sheet {name!r}: found merged cells {cells}{more}; expected one value in each cell (unmerge "
                        "the cells and fill in each one's value)", path=path)
    frame = _frame(rows)
    _check_cells(path, name, frame)
    return frame, name


def cell_name(row, column):
    """The spreadsheet name of a cell from its 0-based row and column: (0, 0) is A1, (4, 27) is AB5."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _read_sheet(path):
    """(name, merged ranges, rows of cells) of the first sheet, read by calamine in a child process under
    ``READER_MEMORY`` and ``READER_SECONDS``: calamine panics on some damaged files, and aborts on others."""
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(READER_MEMORY)], capture_output=True,
                              timeout=READER_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise DataError(f"the workbook was still being read after {READER_SECONDS} s (the time limit for reading "
                        "a workbook); expected a workbook of at most a few hundred thousand rows", path=path) from None
    if done.returncode == 0:
        return pickle.loads(done.stdout)
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 3 and lines:
        raise damaged(path, lines[-1])
    if done.returncode == 4:
        raise DataError(f"the workbook needs more than {READER_MEMORY >> 30} GB to read (the memory limit for reading "
                        "a workbook); expected a smaller one: split it, or save the sheet as CSV", path=path)
    raise damaged(path, f"the reader stopped with status {done.returncode}")


# The child: calamine's reading, each cell as text, pickled to stdout; exit 3 with the reason when calamine
# refuses the file (its errors and panics), 4 when memory runs out. An abort ends it on a signal.
_CHILD = """
import pickle, resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_AS)
limit = int(sys.argv[2]) if hard == resource.RLIM_INFINITY else min(int(sys.argv[2]), hard)
resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
try:
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
    sheet = book.get_sheet_by_index(0)
    merged = sheet.merged_cell_ranges or []
    rows = sheet.to_python(skip_empty_area=False)
except MemoryError:
    sys.exit(4)
except BaseException as exc:
    print(" ".join(str(exc).split()) or type(exc).__name__, file=sys.stderr)
    sys.exit(3)

def text(value):
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return "" if value is None else str(value)

try:
    rows = [[text(v) for v in row] for row in rows]
    # a buffered writer of its own: under PYTHONUNBUFFERED sys.stdout.buffer is a raw file, whose one write a
    # signal can cut short (the parent then read part of a pickle); a buffered writer completes it
    with open(sys.stdout.fileno(), "wb", closefd=False) as answer:
        pickle.dump((sheet.name, merged, rows), answer, protocol=pickle.HIGHEST_PROTOCOL)
except MemoryError:
    sys.exit(4)
"""


def _frame(rows):
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)
    return frame if len(frame.columns) else pd.DataFrame(dtype=str)


def damaged(path, exc, sheet=None, expected=EXCEL):
    """The one error for a workbook that cannot be read (a cut or altered file, a zip or XML error, a part
    missing); ``exc`` is the exception or the reader's own words, ``expected`` what should have been there."""
    where = f"sheet {sheet!r}: " if sheet else ""
    return DataError(f"{where}found a damaged or truncated workbook: {_damage(exc)}; expected {expected}", path=path)


_DAMAGE = {"BadZipFile": "not a zip archive (or one cut short)", "ParseError": "malformed XML",
           "XMLSyntaxError": "malformed XML", "KeyError": "a part of the workbook is missing"}


def _damage(exc):
    """What is wrong with a damaged workbook, in a few words on one line."""
    detail = " ".join(str(exc).split())[:120]
    if isinstance(exc, str):
        return detail or "unreadable"
    kind = _DAMAGE.get(type(exc).__name__, type(exc).__name__)
    return f"{kind} ({detail})" if detail else kind


def check_zip(path, expected=EXCEL):
    """Refuse an .xlsx that is no zip archive, one part of which unzips past ``MAX_PART_BYTES`` or whose parts
    add up past ``MAX_WORKBOOK_UNZIPPED_BYTES`` (a zip bomb), before any part is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - zipfile raises BadZipFile, OSError, ValueError... for a damaged archive
        raise damaged(path, exc, expected=expected) from None
    large = next((info for info in parts if info.file_size > MAX_PART_BYTES), None)
    if large is not None:
        raise DataError(f"found a part {PurePosixPath(large.filename).name!r} that expands to "
                        f"{large.file_size / MB:,.0f} MB; expected at most {MAX_PART_BYTES / MB:,.0f} MB "
                        "(the limit for one part of a workbook)", path=path)
    unzipped = sum(info.file_size for info in parts)
    if unzipped > MAX_WORKBOOK_UNZIPPED_BYTES:
        raise DataError(f"found a workbook of {unzipped / MB:,.0f} MB once unzipped; expected at most "
                        f"{MAX_WORKBOOK_UNZIPPED_BYTES / MB:,.0f} MB (the limit on an unzipped workbook)", path=path)


def _check_cells(path, sheet, frame):
    lengths = frame.apply(lambda column: column.str.len()).to_numpy() if len(frame) else None
    if lengths is not None and (lengths > MAX_CELL_CHARS).any():
        row, column = (int(i[0]) for i in (lengths > MAX_CELL_CHARS).nonzero())
        raise DataError(f"sheet {sheet!r}, cell {cell_name(row, column)}: found {int(lengths[row, column]):,} "
                        f"characters; expected at most {MAX_CELL_CHARS:,} (Excel's limit for a cell)", path=path)


def _check_xlsx(path):
    """Zip structure, part sizes, row count and formulas of an .xlsx's first sheet, read as a stream."""
    check_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            name, part = _first_sheet_part(archive)
            if part is not None:
                _scan_sheet(path, archive, name, part)
    except DataError:
        raise
    except Exception as exc:  # zipfile, zlib and lxml raise many types for a damaged archive
        raise damaged(path, exc) from None


def _first_sheet_part(archive):
    """The name and zip member of the workbook's first sheet; None for the member when the workbook lacks the
    parts that say which it is (calamine then says what is wrong)."""
    from lxml import etree

    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None, None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    book = etree.fromstring(archive.read("xl/workbook.xml"), parser)
    sheet = next((e for e in book.iter() if etree.QName(e).localname == "sheet"), None)
    if sheet is None:
        return None, None
    rid = next((v for k, v in sheet.attrib.items() if etree.QName(k).localname == "id"), None)
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    target = next((e.get("Target") for e in rels if e.get("Id") == rid), None)
    if not target:
        return None, None
    target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return sheet.get("name"), (target if target in names else None)


def _scan_sheet(path, archive, name, part):
    """Count rows (refused past ``MAX_ROWS``, before the sheet is read) and refuse formulas without a value.

    The XML is read in chunks, each cut where its last row begins, so that every cell is seen whole."""
    rows, tail = 0, b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            text = tail + chunk
            last = None if not chunk else _last_row_start(text)
            text, tail = (text[:last], text[last:]) if last else (text, b"")
            if _DOCTYPE.search(text):
                raise DataError(f"sheet {name!r}: found a document type declaration in its XML; expected a sheet "
                                "as Excel writes it (no DTD)", path=path)
            rows += len(_ROW.findall(text))
            if rows > MAX_ROWS:
                raise DataError(f"sheet {name!r}: found more than {MAX_ROWS:,} rows; expected at most {MAX_ROWS:,} "
                                "(Excel's limit for a sheet): split the table or save it as CSV", path=path)
            formulas = _formulas_without_value(text) if _FORMULA.search(text) else []
            if formulas:
                raise DataError(f"sheet {name!r}, cell {formulas[0]}: found a formula without a saved value; "
                                "expected values (open the workbook in Excel and save it, or paste the cells as "
                                "values)", path=path)
            if not chunk:
                return


def _last_row_start(text):
    starts = [m.start() for m in _ROW.finditer(text, max(0, len(text) - _CHUNK))]
    return starts[-1] if starts else None


def _formulas_without_value(text):
    """Names of the cells in ``text`` (whole ``<c>`` elements) holding a formula but no value."""
    found = []
    for match in _CELL.finditer(text):
        body = match.group(3) or b""
        empty_string = _STRING_RESULT.search(match.group(1)) and _ANY_VALUE.search(body)
        if _FORMULA.search(body) and not _VALUE.search(body) and not empty_string:
            ref = _REF.search(match.group(1))
            found.append(ref.group(1).decode() if ref else "(unnamed)")
    return found
