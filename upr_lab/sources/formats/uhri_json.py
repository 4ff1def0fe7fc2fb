"""UHRI JSON exports (OHCHR's Universal Human Rights Index, ``export-full-en.json``) -> canonical recommendations.

The export is one JSON array of records, several hundred megabytes: it is streamed record by record (ijson),
never read whole, and only UPR records are kept (the others are counted). A record's keys, as public code that
reads the real export prints them: ``AffectedPersons, AnnotationId, AnnotationType, Body, Countries, DocumentId,
PublicationDate, PublicationDateOnUhri, Regions, Sdgs, Symbol, Text, Themes, UprCycle, UprPositions,
UprRecommendingCountry, UprRecommendingRegions, UprSession``. How a UPR record becomes rows (one per
recommending State) is ``uhri_records``'s, shared with the Excel reader (``uhri``).

No real export could be had where this was written: it is read as public code describes it, and tested on
exports built in that layout (``tests/test_uhri_json.py``). A file that is not one array of such records, is
truncated, or holds a value outside the known vocabulary is refused in one line that names the record.
"""

import re

import ijson
import numpy as np

from upr_lab.exceptions import DataError
from upr_lab.limits import excerpt

from ..countries import CountryResolver
from . import uhri_records

KEYS = {"Text": "text", "Countries": "sur", "Body": "body", "Symbol": "document", "Themes": "themes",
        "Sdgs": "sdgs", "UprRecommendingCountry": "recommenders", "UprPositions": "response",
        "UprSession": "session", "UprCycle": "cycle"}
JSON_KEYS = {key: json_key for json_key, key in KEYS.items()}
REQUIRED = ("Body", "Text", "Countries", "Symbol", "UprPositions", "UprRecommendingCountry", "UprSession")
EXPECTED = f"one JSON array of UHRI records (objects with the keys {', '.join(REQUIRED)}, ...)"
BOM = b"\xef\xbb\xbf"
# A record nests three deep (the array, the record, a list of values). Far more is no export, and ijson's
# bookkeeping grows with the square of the depth: a few hundred kilobytes of '[' would take all the memory.
MAX_DEPTH = 32
ESCAPE = re.compile(rb"\\.", re.S)
STRING = re.compile(rb'"[^"]*"')
NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')


def open_json(path):
    """A JSON export opened for streaming, past a UTF-8 byte order mark if it starts with one."""
    f = open(path, "rb")
    if f.read(3) != BOM:
        f.seek(0)
    return f


def parse(path, resolver=None):
    """The UPR records of the JSON export at ``path`` as canonical recommendations (indexed by record number,
    from 1), and what was read (records, UPR records, records of other bodies skipped, positions as given,
    corrections of known errors)."""
    rows = uhri_records.Rows(resolver or CountryResolver())
    records = skipped = 0
    try:
        with open_json(path) as f:
            _check_array(f, path)
            for records, record in enumerate(ijson.items(_Nesting(f, path), "item", use_float=True), start=1):
                if not _is_upr_record(record, records, path):
                    skipped += 1
                    continue
                _add(rows, record, records, path)
    except ijson.JSONError as exc:
        raise DataError(f"is truncated or not valid JSON after {records:,} whole records ({_short(exc)}): the "
                        "export is incomplete; download it again (`upr-lab data download uhri`), or use --from FILE "
                        "with a whole copy", path) from None
    except OSError as exc:
        raise DataError(f"cannot be read ({exc.strerror or exc}); expected a UHRI JSON export", path) from None
    if records == 0:
        raise DataError(f"holds no records; expected {EXPECTED}", path)
    detected = {"format": "uhri-json", "records": records, "skipped_other_bodies": skipped, **rows.detected()}
    return rows.frame(), detected


def _check_array(f, path):
    start = f.tell()
    head = f.read(4096).lstrip()
    f.seek(start)
    if not head.startswith(b"["):
        found = "an empty file" if not head else f"{excerpt(head[:40].decode('utf-8', 'replace'))} at its start"
        raise DataError(f"is not a UHRI JSON export: found {found}; expected {EXPECTED}", path)


def _is_upr_record(record, number, path):
    if not isinstance(record, dict) or "Body" not in record:
        found = f"an object with the keys {excerpt(sorted(record))}" if isinstance(record, dict) else \
            f"a {type(record).__name__} {excerpt(record)}"
        raise DataError(f"is not a UHRI JSON export: record {number:,} is {found}; expected {EXPECTED}", path)
    if not uhri_records.is_upr(record["Body"]):
        return False
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise DataError(f"record {number:,}{_annotation(record)} is a UPR record without the keys "
                        f"{', '.join(missing)}; expected {EXPECTED}", path)
    return True


def _add(rows, record, number, path):
    try:
        rows.add({key: record.get(json_key) for json_key, key in KEYS.items()}, number)
    except uhri_records.RecordError as exc:
        raise DataError(f"record {number:,}{_annotation(record)}, {JSON_KEYS.get(exc.key, exc.key)}: {exc.message}",
                        path) from None


def _annotation(record):
    annotation = uhri_records.values(record.get("AnnotationId"))
    return f" (AnnotationId {annotation[0]})" if annotation else ""


def _short(exc):
    text = " ".join(a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in exc.args)
    return " ".join(text.split())[:120] or type(exc).__name__


class _Nesting:
    """The export as ijson reads it, refused once its brackets nest deeper than ``MAX_DEPTH`` (counted outside
    strings, chunk by chunk, at the speed of a few regular expressions)."""

    def __init__(self, f, path):
        self.f, self.path, self.depth, self.escape, self.string = f, path, 0, b"", b""

    def read(self, size=-1):
        chunk = self.f.read(size)
        data = self.escape + chunk
        odd = len(data) - len(data.rstrip(b"\\"))
        self.escape = data[-1:] if odd % 2 else b""  # an escape cut at the chunk's end waits for its next byte
        if self.escape:
            data = data[:-1]
        marks = STRING.sub(b"", self.string + ESCAPE.sub(b"", data).translate(None, NOT_STRUCTURE))
        quote = marks.find(b'"')  # a string still open at the chunk's end
        brackets, self.string = (marks, b"") if quote < 0 else (marks[:quote], marks[quote:])
        if brackets:
            codes = np.frombuffer(brackets, dtype=np.uint8)
            depths = self.depth + np.cumsum(np.where((codes == ord("[")) | (codes == ord("{")), 1, -1))
            if depths.max() > MAX_DEPTH:
                raise DataError(f"is not a UHRI JSON export: its values nest more than {MAX_DEPTH} deep; expected "
                                f"{EXPECTED}", self.path)
            self.depth = int(depths[-1])
        return chunk
