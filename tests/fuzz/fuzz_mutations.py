"""Mutations of the fuzz harness, drawn with hypothesis: what damaged, edited or unusual inputs look like.

Table mutations (dropped, renamed, duplicated columns; odd, huge or empty cells; header only), writers for
each table format (CSV in several encodings and line ends, .xlsx with merged cells and formulas, legacy
.xls, an HTML table saved as .xls, Parquet with wrong column types), byte mutations of any file (cut short,
bytes flipped, cut out or repeated) and mutations inside a zip container (a part removed or damaged, an XML
entity bomb). Every drawing is labelled, so a failing example says what was done to the seed.
"""

import io
import zipfile

from hypothesis import strategies as st

# Cell values people and programs put where a value belongs: numbers a loader must not round or overflow on,
# codes of no State, spreadsheet errors and formulas as text, controls, and cells far too long.
ODD_VALUES = ("", " ", "22.5", "-1", "0", "1e309", "-inf", "NaN", "99999999999", "1" * 25, "9" * 5000, "XXX", "YUG",
              "N/A", "#REF!", "=SUM(A1:A3)", "\x00", "line\nbreak", '"', ";", "\t", "Ã©tat", "Côte d’Ivoire",
              "x" * 40_000, "y" * (1 << 20), "[1, 2]", "True", "2014-05-01 00:00:00")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "mac_roman", "latin-1", "shift_jis", "utf-32")
NEWLINES = ("\n", "\r\n", "\r")


MAX_ROWS = 2000  # rows of an edited table: enough to leave the seed's size behind, few enough to write fast
MAX_CHARACTERS = 4 << 20  # characters of an edited table (one cell of a megabyte, but not a thousand of them)


def cell_values():
    return st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=20))


@st.composite
def edited_table(draw, table, edits=2):
    """``table``'s header and rows after up to ``edits`` edits, and the labels of the edits made."""
    header, rows, done = list(table.header), [list(r) for r in table.rows], []
    for _ in range(draw(st.integers(0, edits), label="edits")):
        kind = draw(st.sampled_from(TABLE_EDITS), label="edit")
        header, rows, label = kind(draw, header, rows)
        done.append(label)
    return header, rows, done


def _column(draw, header):
    return draw(st.integers(0, max(len(header) - 1, 0)), label="column")


def _drop_column(draw, header, rows):
    i = _column(draw, header)
    return header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows], f"dropped column {i + 1}"


def _rename_column(draw, header, rows):
    i = _column(draw, header)
    name = draw(st.one_of(st.sampled_from(["", header[i].upper(), f" {header[i]} ", *header]), st.text(max_size=12)))
    return header[:i] + [name] + header[i + 1:], rows, f"renamed column {i + 1} to {name[:20]!r}"


def _duplicate_column(draw, header, rows):
    i = _column(draw, header)
    return (header + [header[i]], [r + [r[i] if i < len(r) else ""] for r in rows],  # a row may be cut short
            f"duplicated column {header[i][:20]!r}")


def _odd_cell(draw, header, rows):
    if not rows:
        return header, rows, "no rows to edit"
    r, c = draw(st.integers(0, len(rows) - 1), label="row"), _column(draw, header)
    value = draw(cell_values(), label="value")
    rows = [list(row) for row in rows]
    rows[r] += [""] * (c + 1 - len(rows[r]))  # an earlier edit may have cut this row short
    rows[r][c] = value
    return header, rows, f"cell ({r + 2}, {c + 1}) set to {value[:20]!r} ({len(value)} characters)"


def _odd_column(draw, header, rows):
    c, value = _column(draw, header), draw(cell_values(), label="value")[:100]  # huge cells: one at a time
    return header, [r[:c] + [value] + r[c + 1:] for r in rows], f"column {c + 1} all {value[:20]!r}"


def _header_only(draw, header, rows):
    return header, [], "header only"


def _short_row(draw, header, rows):
    if not rows:
        return header, rows, "no rows to cut"
    r = draw(st.integers(0, len(rows) - 1), label="row")
    return header, rows[:r] + [rows[r][: len(rows[r]) // 2]] + rows[r + 1:], f"row {r + 2} cut to half its cells"


def _repeat_rows(draw, header, rows):
    times = draw(st.sampled_from([2, 20, 200]), label="times")
    size = sum(len(cell) for row in rows for cell in row) or 1
    times = max(1, min(times, MAX_ROWS // max(len(rows), 1), MAX_CHARACTERS // size))
    return header, rows * times, f"rows repeated {times} times"


def _blank_rows(draw, header, rows):
    return header, [[""] * len(header)] + rows + [[""] * len(header)], "blank rows around the data"


TABLE_EDITS = (_drop_column, _rename_column, _duplicate_column, _odd_cell, _odd_cell, _odd_column, _header_only,
               _short_row, _repeat_rows, _blank_rows)


# -- writers -----------------------------------------------------------------------------------------------

def csv_bytes(header, rows, encoding="utf-8", newline="\n", delimiter=","):
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


@st.composite
def csv_file(draw, table, header, rows):
    encoding = draw(st.sampled_from((table.encoding, *ENCODINGS)), label="encoding")
    newline = draw(st.sampled_from((table.newline, *NEWLINES)), label="line ends")
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]), label="delimiter")
    return csv_bytes(header, rows, encoding, newline, delimiter), ".csv", f"CSV {encoding} {newline!r} {delimiter!r}"


def _number(value):
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


@st.composite
def xlsx_file(draw, table, header, rows):
    """An .xlsx written by openpyxl, with numeric columns as numbers, and maybe merged cells or formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    sheet.title = table.sheet
    numeric = [i for i, h in enumerate(header) if h in table.numeric]
    cell = lambda v: ILLEGAL_CHARACTERS_RE.sub("?", v)[:32_767]  # what openpyxl can store at all
    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([_number(cell(v)) if i in numeric else cell(v) for i, v in enumerate(row)])
    extra = draw(st.sampled_from(["", "", "merged", "formula", "second sheet"]), label="workbook")
    label = f"xlsx{f' with {extra}' if extra else ''}"
    if extra == "merged" and rows and header:
        top = draw(st.integers(1, len(rows) + 1), label="merge row")
        sheet.merge_cells(start_row=top, start_column=1, end_row=min(top + 2, len(rows) + 1), end_column=2)
    elif extra == "formula" and rows:
        sheet.cell(row=2, column=max(len(header), 1)).value = "=A2&B2"
    elif extra == "second sheet":
        book.create_sheet("Notes", 0)
    out = io.BytesIO()
    book.save(out)
    return fixed_zip(out.getvalue()), ".xlsx", label


@st.composite
def xls_file(draw, table, header, rows):
    """A legacy .xls written by xlwt (cells cut to its 32,767 characters), maybe with merged cells."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet(table.sheet[:31] or "Sheet1")
    numeric = [i for i, h in enumerate(header) if h in table.numeric]
    for r, row in enumerate([header, *rows[:60_000]]):
        for c, value in enumerate(row[:256]):
            value = _number(value) if r and c in numeric else str(value)[:32_767]
            sheet.write(r, c, value if not isinstance(value, float) or abs(value) < 1e300 else str(value))
    merged = rows and draw(st.booleans(), label="merged")
    if merged:
        sheet.write_merge(len(rows) + 2, len(rows) + 3, 0, 1, "merged")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), ".xls", f"xls{' with merged cells' if merged else ''}"


@st.composite
def html_xls_file(draw, table, header, rows):
    from html import escape

    cells = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "cp1252"]), label="encoding")
    page = f"<html><body><table><tr>{cells}</tr>{body}</table></body></html>"
    return page.encode(encoding, errors="replace"), ".xls", f"HTML saved as .xls ({encoding})"


WRITERS = {"csv": csv_file, "xlsx": xlsx_file, "xls": xls_file, "html-xls": html_xls_file}


# -- bytes -------------------------------------------------------------------------------------------------

@st.composite
def damaged_bytes(draw, raw):
    """``raw`` cut short, with bytes flipped, cut out, repeated or inserted, or unchanged."""
    kind = draw(st.sampled_from(["none", "none", "truncate", "flip", "cut out", "repeat", "insert"]), label="bytes")
    if kind == "none" or not raw:
        return raw, ""
    at = draw(st.integers(0, len(raw) - 1), label="at")
    if kind == "truncate":
        return raw[:at], f"cut at byte {at} of {len(raw)}"
    if kind == "flip":
        flips = draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8), label="flips")
        out = bytearray(raw)
        for i in flips:
            out[i] ^= 0xFF
        return bytes(out), f"bytes flipped at {flips}"
    size = draw(st.integers(1, 4096), label="size")
    if kind == "cut out":
        return raw[:at] + raw[at + size:], f"{size} bytes cut out at {at}"
    if kind == "repeat":
        return raw[:at + size] + raw[at:], f"{size} bytes repeated at {at}"
    noise = draw(st.binary(min_size=1, max_size=64), label="noise")
    return raw[:at] + noise + raw[at:], f"{len(noise)} bytes inserted at {at}"


BOMB = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>')


@st.composite
def damaged_zip(draw, raw):
    """A zip container (.xlsx, .docx) with a part removed, cut short or holding an XML entity bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    except Exception:
        return raw, "not a readable zip"
    kind = draw(st.sampled_from(["none", "remove", "truncate part", "entity bomb", "not XML"]), label="zip")
    if kind == "none":
        return raw, ""
    name = draw(st.sampled_from(sorted(parts)), label="part")
    if kind == "remove":
        del parts[name]
    elif kind == "truncate part":
        parts[name] = parts[name][: len(parts[name]) // 2]
    elif kind == "entity bomb":
        body = parts[name].split(b"?>", 1)[-1] if parts[name].startswith(b"<?xml") else parts[name]
        parts[name] = BOMB + body.replace(b"<", b"&f;<", 1) if body else BOMB
    else:
        parts[name] = b"\x00\x01 not xml"
    return zip_of(parts), f"zip part {name!r}: {kind}"


def zip_of(parts):
    """A zip of ``parts`` (name -> bytes) with fixed timestamps: the same parts, the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(zipfile.ZipInfo(part, date_time=(2020, 1, 1, 0, 0, 0)), content,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def fixed_zip(raw):
    """A workbook openpyxl saved, with its timestamps (zip entries, document properties) fixed, so that a
    drawing gives the same bytes every time (hypothesis replays examples)."""
    import re

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    for name in [n for n in parts if n.startswith("docProps/")]:
        parts[name] = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2020-01-01T00:00:00Z", parts[name])
    return zip_of(parts)


@st.composite
def text_variant(draw, raw, encoding="utf-8"):
    """A text file re-encoded, with other line ends or a BOM, reordered, repeated or cut mid-line."""
    text = raw.decode(encoding, errors="replace")
    kind = draw(st.sampled_from(["none", "encoding", "line ends", "bom", "lines shuffled", "lines repeated",
                                 "cut mid-line", "doubled"]), label="text")
    lines = text.splitlines(keepends=True)
    if kind == "encoding":
        target = draw(st.sampled_from(ENCODINGS), label="encoding")
        return text.encode(target, errors="replace"), f"re-encoded as {target}"
    if kind == "line ends":
        end = draw(st.sampled_from(NEWLINES), label="line end")
        return end.join(text.splitlines()).encode(encoding, "replace"), f"line ends {end!r}"
    if kind == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8"), "UTF-8 BOM added"
    if kind == "lines shuffled" and len(lines) > 2:
        order = draw(st.permutations(range(1, len(lines))), label="order")
        return (lines[0] + "".join(lines[i] for i in order)).encode(encoding, "replace"), "lines shuffled"
    if kind == "lines repeated" and len(lines) > 1:
        i = draw(st.integers(1, len(lines) - 1), label="line")
        return "".join(lines[:i + 1] + lines[i:]).encode(encoding, "replace"), f"line {i + 1} repeated"
    if kind == "cut mid-line" and len(text) > 2:
        at = draw(st.integers(1, len(text) - 1), label="at")
        return text[:at].encode(encoding, "replace"), f"cut at character {at}"
    if kind == "doubled":
        return (text + text).encode(encoding, "replace"), "the whole text twice"
    return raw, ""
