"""OHCHR matrices of recommendations (Word, ``.docx``) -> canonical recommendations.

After each review since cycle 3, OHCHR publishes a "thematic list of recommendations": a Word table
grouped by theme, with the State under review, cycle and session in the page header ("UPR of China
(3rd Cycle – 31st session)"), and the columns

* Recommendation: "28.4 Continue working towards ratification ... (New Zealand); Accelerate the
  ratification ... (Uruguay) (Mali);" and "Source of position: A/HRC/40/6/Add.1 - Para. 2". The paragraph
  number may end with a dot ("166.6. Ratify"); a cell may bundle several paragraphs (one per line) and
  a paragraph several recommendations ("...(Ukraine); Increase ... (Slovakia)", split as in the report,
  ``recommenders``); some matrices give the States in a column of their own ("Recommending State/s");
* Position: Supported, Noted; "Supported/Noted", "partially supported", "in principle" give ``other``
  (mixed), as do an empty cell, "Pending" and "Under consideration" (not answered yet);
* Full list of themes: one theme a line ("A12 Acceptance of international norms"), then "Affected
  persons:" and "- children" lines. Themes become issue tags by name (as UHRI gives them), "S16 SDG 16 -
  ..." also SDG goal 16, affected persons the tags "Affected persons: children";
* Assessment/comments on level of implementation: empty as published; where a user filled it in, it
  must start with fully / partially / not (implemented), then any comment, and becomes ``implementation``.

Rows that span the table ("Theme: A12 ...", "Right or area: ...") head each theme. A recommendation
repeated under several themes (some matrices do) is kept once; repeats that disagree on the text,
position or implementation are refused. One row per recommendation and recommending State; ``document``
is the Working Group report the position's source names (A/HRC/40/6 for "A/HRC/40/6/Add.1 - Para. 2").
"""

import re
import warnings
import zipfile
import zlib
from pathlib import Path

import pandas as pd
from lxml import etree

from upr_lab.exceptions import DataError
from upr_lab.limits import MAX_DOCX_PART_BYTES

from .. import calendar
from ..formats import fields
from .recommenders import split_item

# What python-docx, zipfile and lxml raise for a damaged .docx (a cut archive, malformed XML, a missing part)
_DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, OSError, EOFError,
           NotImplementedError, etree.LxmlError)
SOURCE = "ohchr-matrix"
FORMAT = "ohchr-matrix-docx"
HEADER = re.compile(r"UPR of (?:the )?(?P<state>.+?)\s*[(\-–—,]\s*(?P<cycle>\d)\s*(?:st|nd|rd|th)?\s+cycle\s*"
                    r"[-–—,]?\s*(?P<session>\d{1,2})\s*(?:st|nd|rd|th)?\s+session\b", re.I)
PARAGRAPH = re.compile(r"^\s*(\d{1,3})\.(\d{1,3})\.?(?=\s)", re.M)
POSITION_SOURCE = re.compile(r"[ \t]*Source of position\s*:?[ \t]*([^\n]*)", re.I)
REPORT = re.compile(r"A/HRC/\d{1,2}/\d{1,3}")
SPANNING = re.compile(r"^\s*(?:Theme|Right or area)\s*:", re.I)
THEME = re.compile(r"^\s*[A-Z]\d{0,3}\s+(.+?)\s*$")
SDG = re.compile(r"^\s*S\d{1,2}\s+SDG\s*(\d{1,2})\b")
OTHER_POSITIONS = re.compile(r"^(supported\s*/\s*noted|(partially|partly)\s+(supported|accepted)|"
                             r"(supported|accepted)\s+(in part|in principle)|pending|under consideration|"
                             r"to be examined|)$")
IMPLEMENTATION = re.compile(r"^\s*(fully|partially|not)(?:\s+implemented)?\s*(?:$|[.:;,\-–—(]|\s)", re.I)
COLUMNS = {"recommendation": re.compile(r"^\s*recommendations?\b", re.I),
           "position": re.compile(r"^\s*position\b", re.I),
           "themes": re.compile(r"\bthemes?\b", re.I),
           "implementation": re.compile(r"\bimplementation\b", re.I),
           "states": re.compile(r"^\s*recommending\s+states?", re.I)}


def is_matrix(path):
    """True for a Word ``.docx`` file (the only kind of document a matrix comes as)."""
    return path.suffix.lower() == ".docx"


def read_matrix(path, resolver):
    """The canonical recommendations of the matrix at ``path`` and a record of what was read (``data info``)."""
    path = Path(path)
    document = _opened(path)
    try:  # python-docx reads some parts (page headers) only when they are asked for: damage can show here too
        return _read(document, path, resolver)
    except DataError:
        raise
    except _DAMAGE as exc:
        raise _damaged(path, exc) from None


def _read(document, path, resolver):
    sur, cycle, session = _review(document, path, resolver)
    rows, positions, sources = [], {}, {}
    for number, cells in _data_rows(document, path):
        rows += _items(cells, number, path, resolver)
        positions[cells["position_raw"]] = positions.get(cells["position_raw"], 0) + 1
        source = cells["source"] or "(none)"
        sources[source] = sources.get(source, 0) + 1
    if not rows:
        raise DataError("found a table with no recommendation rows; expected the rows of an OHCHR matrix of "
                        "recommendations", path=path)
    items = _once(rows, path)
    frame = _frame(items, sur, cycle, session)
    record = {"format": FORMAT, "state_under_review": sur.iso3, "session": session, "cycle": cycle,
              "document": ", ".join(sorted(set(frame["document"]) - {""})), "matrix_rows": sum(positions.values()),
              "recommendations": len(items), "rows": len(frame),
              "positions": dict(sorted(positions.items())), "position_sources": dict(sorted(sources.items())),
              "implementation_assessed": int((frame["implementation"] != "").sum()),
              "missing_paragraphs": _missing(items)}
    return frame, record


def warn_missing(records, stacklevel=2):
    """Warn, for each matrix read (also when read back from the cache), of the item numbers it lacks."""
    for name, detected in records:
        missing = detected.get("missing_paragraphs") if detected.get("format") == FORMAT else None
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            warnings.warn(f"{name}: paragraphs {shown} are not in the matrix, which lists every recommendation of a "
                          "review (rows deleted?)", UserWarning, stacklevel=stacklevel + 1)


def _opened(path):
    """The python-docx Document at ``path``; a damaged file is one DataError (zip, XML and package errors)."""
    import docx

    try:
        with zipfile.ZipFile(path) as archive:
            large = next((i for i in archive.infolist() if i.file_size > MAX_DOCX_PART_BYTES), None)
        if large is not None:
            raise DataError(f"found the part {large.filename} of {large.file_size:,} bytes; expected a Word "
                            f"document whose parts are under {MAX_DOCX_PART_BYTES // 2**20} MB", path=path)
        return docx.Document(str(path))
    except DataError:
        raise
    except (*_DAMAGE, docx.opc.exceptions.PackageNotFoundError) as exc:
        raise _damaged(path, exc) from None


def _damaged(path, exc):
    reason = " ".join(str(exc).split())[:100] or type(exc).__name__
    return DataError(f"found a damaged Word document ({reason}); expected a readable .docx file (an OHCHR matrix of "
                     "recommendations)", path=path)


def _review(document, path, resolver):
    """State under review, cycle and session from "UPR of <State> (<n>th Cycle – <m>th session)" in a page
    header or the text before the table."""
    texts = [p.text for s in document.sections for part in (s.header, s.first_page_header)
             for p in part.paragraphs] + [p.text for p in document.paragraphs]
    match = next(filter(None, (HEADER.search(" ".join(t.split())) for t in texts)), None)
    if match is None:
        raise DataError("found no 'UPR of <State> (<n>th Cycle – <m>th session)' in the page header or above the "
                        "table; expected the heading of an OHCHR matrix of recommendations", path=path)
    sur = resolver.lookup(match.group("state"))
    session, cycle = int(match.group("session")), int(match.group("cycle"))
    if sur is None:
        unknown = fields.unknown_state(match.group("state"), resolver)
        raise DataError(f"the State under review in the heading: {unknown}", path=path)
    if session not in calendar.SESSION_YEARS or calendar.cycle_of(session) != cycle:
        raise DataError(f"found cycle {cycle}, session {session} in the heading; expected a UPR Working Group "
                        "session 1-54 of that cycle", path=path)
    return sur, cycle, session


def _data_rows(document, path):
    """(row number, cells) of each recommendation row of the document's matrix tables; row numbers count
    every row of the tables in order, the header included (row 1 is the first table's header)."""
    number, columns, width = 0, None, None
    for table in document.tables:
        first = True
        for row in table.rows:
            number += 1
            texts = _cell_texts(row, number, path)
            if first:
                first, header = False, _columns(texts)
                if header is not None:
                    columns, width = header, len(texts)
                    continue
                if columns is None or len(texts) != width:  # no matrix yet, or another kind of table
                    _refuse_unread(table, number, path)
                    break
            if len(set(texts)) <= 1 or SPANNING.match(texts[0]):
                continue  # a theme's heading, spanning the table, or an empty row
            yield number, _cells(texts, columns, number, path)
    if columns is None:
        raise DataError("found no table with the columns 'Recommendation' and 'Position'; expected an OHCHR matrix "
                        "of recommendations", path=path)


def _refuse_unread(table, number, path):
    """A table without the matrix's header is skipped, unless it holds recommendations (a continuation whose
    columns cannot be told): those would be lost without a word."""
    for offset, row in enumerate(table.rows):
        texts = _cell_texts(row, number + offset, path)
        if texts and PARAGRAPH.match(texts[0]):
            raise DataError(f"found recommendation rows ('{' '.join(texts[0].split())[:40]}') in a table without the "
                            "header of the matrix (Recommendation, Position, ...); expected each table to start with "
                            "its header row, or to have as many columns as the table before it", path=path,
                            row=number + offset)


def _cell_texts(row, number, path):
    try:
        return [cell.text for cell in row.cells]
    except (IndexError, ValueError, KeyError) as exc:  # merged cells that do not fit the table's grid
        raise DataError(f"found a row whose cells do not fit the table's grid ({type(exc).__name__}); expected a "
                        "table of rows with one cell per column", path=path, row=number) from None


def _columns(header):
    """Column index by role from a header row, or None when it is no matrix header."""
    columns = {}
    for i, text in enumerate(header):
        role = next((r for r, p in COLUMNS.items() if r not in columns and p.search(text)), None)
        if role:
            columns[role] = i
    return columns if {"recommendation", "position"} <= set(columns) else None


def _cells(texts, columns, number, path):
    """A row's cells by role, the position read; a position no matrix uses is refused."""
    def cell(role):
        return texts[columns[role]].strip() if role in columns and columns[role] < len(texts) else ""

    recommendation, sources = _split_sources(cell("recommendation"))
    raw = [" ".join(line.split()).rstrip("*") for line in cell("position").splitlines() if line.strip()]  # "Noted*"
    return {"recommendation": recommendation, "sources": sources, "source": " / ".join(sources),
            "position_raw": " / ".join(raw) or "(empty)", "positions": [_position(p, number, path) for p in raw],
            "themes": cell("themes"), "states": cell("states"),
            "implementation": _implementation(cell("implementation"), number, path)}


def _split_sources(text):
    """The recommendation cell without its "Source of position: ..." lines, and those sources in order (a
    cell that bundles paragraphs may give one after each)."""
    sources = [" ".join(m.group(1).split()) for m in POSITION_SOURCE.finditer(text)]
    return POSITION_SOURCE.sub("\n", text), sources


def _position(raw, number, path):
    word = raw.lower().rstrip(".")
    if word in ("supported", "accepted"):
        return "supported"
    if word in ("noted", "not supported", "rejected"):
        return "noted"
    if OTHER_POSITIONS.match(word):
        return "other"
    raise DataError(f"found the position '{raw[:60]}'; expected Supported, Noted, Supported/Noted or Pending",
                    path=path, row=number, column="Position")


def _implementation(text, number, path):
    """'fully', 'partially', 'not' from an assessment that starts with one of them; '' where none is given."""
    text = " ".join(text.split())
    if not text:
        return ""
    match = IMPLEMENTATION.match(text)
    if match is None:
        raise DataError(f"found the assessment '{text[:60]}'; expected it to start with fully, partially or not "
                        "(implemented), then any comment", path=path, row=number,
                        column="Assessment/comments on level of implementation")
    return match.group(1).lower()


def _items(cells, number, path, resolver):
    """One dict per recommendation of the row: a cell may hold several numbered paragraphs, a paragraph
    several recommendations, each with its States."""
    text = cells["recommendation"]
    starts = list(PARAGRAPH.finditer(text))
    if not starts or text[:starts[0].start()].strip():
        raise DataError(f"found '{' '.join(text.split())[:60]}'; expected a recommendation that starts with its "
                        "paragraph number ('28.4 Continue ...')", path=path, row=number, column="Recommendation")
    tags, goals = _themes(cells["themes"])
    positions = _per_paragraph(cells["positions"], cells["position_raw"], len(starts), number, path,
                               "Position") or ["other"]
    sources = _per_paragraph(cells["sources"], cells["source"], len(starts), number, path, "Recommendation") or [""]
    found = []
    for i, start in enumerate(starts):
        paragraph = f"{start.group(1)}.{start.group(2)}"
        report = REPORT.search(sources[i % len(sources)])
        body = " ".join(text[start.end():starts[i + 1].start() if i + 1 < len(starts) else len(text)].split())
        if cells["states"] and not body.rstrip(" ;.").endswith(")"):
            body = f"{body} ({', '.join(s.strip() for s in cells['states'].splitlines() if s.strip())})"
        try:
            split = split_item(body, paragraph, resolver, path)
        except DataError as exc:
            raise DataError(str(exc).removeprefix(f"{path}: "), path=path, row=number, column="Recommendation") \
                from None
        found += [{"paragraph": paragraph, "text": rec_text, "states": states, "row": number,
                   "response": positions[i % len(positions)], "implementation": cells["implementation"],
                   "issues": tags,
                   "sdg_goals": goals, "document": report.group(0) if report else ""}
                  for rec_text, states in split]
    return found


def _per_paragraph(values, shown, paragraphs, number, path, column):
    """One value for the row (all the same), or one per paragraph of a row that bundles several; [] if none."""
    if len(set(values)) <= 1:
        return values[:1]
    if len(values) == paragraphs:
        return values
    raise DataError(f"found {len(values)} values that differ ('{shown[:60]}') for {paragraphs} paragraph(s); "
                    "expected one for the row or one per paragraph", path=path, row=number, column=column)


def _themes(cell):
    """(issue tags, SDG goals) from a themes cell: theme names, then 'Affected persons: ...' tags."""
    tags, goals, persons = [], [], False
    for line in (line.strip() for line in cell.splitlines()):
        if not line:
            continue
        if line.lower().startswith("affected persons"):
            persons = True
        elif persons:
            tags.append(f"Affected persons: {line.lstrip('-–• ').strip()}")
        else:
            theme = THEME.match(line)
            tags.append(theme.group(1) if theme else line)
            sdg = SDG.match(line)
            if sdg and 1 <= int(sdg.group(1)) <= 17:
                goals.append(int(sdg.group(1)))
    return tuple(dict.fromkeys(tags)), tuple(sorted(set(goals)))


def _once(items, path):
    """Each recommendation once: a repeat under another theme must agree on its position and assessment."""
    kept = {}
    for item in items:
        key = (item["paragraph"], item["text"], item["states"])
        first = kept.setdefault(key, item)
        if first is item:
            continue
        if first["response"] != item["response"] or item["implementation"] not in ("", first["implementation"]):
            if first["implementation"] or first["response"] != item["response"]:
                raise DataError(f"found recommendation {item['paragraph']} at rows {first['row']} and {item['row']} "
                                f"with {first['response']}/{first['implementation'] or 'no assessment'} and "
                                f"{item['response']}/{item['implementation'] or 'no assessment'}; expected a "
                                "recommendation repeated under another theme to say the same", path=path,
                                row=item["row"])
            kept[key] = {**first, "implementation": item["implementation"]}
        kept[key] = {**kept[key], "issues": tuple(dict.fromkeys(kept[key]["issues"] + item["issues"]))}
    return sorted(kept.values(), key=lambda i: (tuple(int(p) for p in i["paragraph"].split(".")), i["row"]))


def _missing(items):
    """The item numbers absent from each paragraph, from 1 to its last (28.5 when 28.4 and 28.6 are there): a
    matrix lists every recommendation of the review."""
    numbers = {}
    for item in items:
        paragraph, number = item["paragraph"].split(".")
        numbers.setdefault(paragraph, set()).add(int(number))
    return [f"{p}.{k}" for p, found in numbers.items() for k in range(1, max(found) + 1) if k not in found]


def _frame(items, sur, cycle, session):
    rows = [(item, state) for item in items for state in item["states"]]
    frame = pd.DataFrame({
        "rec_id": "", "source": SOURCE, "cycle": cycle, "session": session, "year": calendar.year_of(session),
        "sur_iso3": sur.iso3, "sur_name": sur.name, "sur_group": sur.group,
        "recommender_iso3": [s.iso3 for _, s in rows], "recommender_name": [s.name for _, s in rows],
        "recommender_group": [s.group for _, s in rows], "text": [i["text"] for i, _ in rows],
        "response": [i["response"] for i, _ in rows],
        "action_category": pd.array([pd.NA] * len(rows), dtype="Int64"),
        "issues": [i["issues"] for i, _ in rows], "sdg_goals": [i["sdg_goals"] for i, _ in rows],
        "sdg_targets": [()] * len(rows), "document": [i["document"] for i, _ in rows],
        "paragraph": [i["paragraph"] for i, _ in rows], "implementation": [i["implementation"] for i, _ in rows],
    }, index=pd.RangeIndex(len(rows)))
    frame["rec_id"] = make_ids(frame)
    return frame


def make_ids(frame):
    """Stable ids from content: same report, paragraph, recommending State and text, same id."""
    return fields.make_ids(frame, fields.DOCUMENT_ID_CONTENT, "M")
