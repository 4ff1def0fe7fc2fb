"""Universal Human Rights Index (UHRI) exports -> canonical recommendations (UPR rows only).

OHCHR's UHRI exports recommendations of every human rights mechanism to Excel with the columns
``Text, Countries Concerned, Reccomending Body, Document Symbol, Themes, Affected Persons, Sdgs,
Document Publication Date, UPR Reccomending States, UPR Position, Type, OHCHR Annotation Id, UPR
Session, Regions Concerned, Recommending Regions, Date of publication on UHRI`` ("Reccomending" [sic]
is the export's spelling; the correct one is read too). Its traps:

* cells holding several values list them one per line, each prefixed "- ";
* only rows whose recommending body is the UPR are UPR recommendations (treaty bodies and special
  procedures share the export); the others are skipped and counted;
* a recommendation made by several States lists them all in one row: it becomes one row per
  recommending State, as in UPR Info and DIHR;
* ``Document Publication Date`` is an Excel serial date, not needed here: the session gives the year.

How a UPR row becomes canonical rows (sessions, the position vocabulary, themes and SDG targets and goals, the
paragraph, the known errors of the source corrected) is ``uhri_records``'s, shared with the JSON reader
(``uhri_json``). No real UHRI export could be had while this was written: it is tested on files built in this
layout (``tests/test_uhri.py``).
"""

from upr_lab.exceptions import DataError

from ..countries import CountryResolver
from . import fields, uhri_records

SOURCE = uhri_records.SOURCE
COLUMNS = {"text": "text", "countries concerned": "sur", "reccomending body": "body", "recommending body": "body",
           "document symbol": "document", "themes": "themes", "sdgs": "sdgs",
           "upr reccomending states": "recommenders", "upr recommending states": "recommenders",
           "upr position": "response", "upr session": "session", "upr cycle": "cycle",
           "ohchr annotation id": "annotation"}
REQUIRED = ("text", "sur", "body", "document", "recommenders", "response", "session")
HEADER = ("Text, Countries Concerned, Reccomending Body, Document Symbol, Themes, Affected Persons, Sdgs, Document "
          "Publication Date, UPR Reccomending States, UPR Position, Type, OHCHR Annotation Id, UPR Session, ...")
values = uhri_records.values
make_ids = uhri_records.make_ids


def is_uhri(header):
    """True if ``header`` is a UHRI export's (either spelling of 'Recommending')."""
    return fields.has_keys(header, COLUMNS, REQUIRED)


def values(cell):
    """The values of a multi-value cell: one per line, without the "- " prefix."""
    return [line.strip()[2:].strip() if line.strip().startswith("- ") else line.strip()
            for line in str(cell).splitlines() if line.strip() not in ("", "-")]


def parse(table, resolver=None):
    """A UHRI export's ``RawTable`` as canonical recommendations (UPR rows only), indexed by spreadsheet row;
    also returns what was read (rows of other bodies skipped, positions as given, corrections of known errors)."""
    keys = fields.header_keys(table.header, COLUMNS)
    raw = fields.raw_rows(table, keys)
    headers = {key: table.header[i] for i, key in keys.items()}
    rows = uhri_records.Rows(resolver or CountryResolver())
    skipped = 0
    for record in raw.to_dict("records"):
        if not uhri_records.is_upr(record["body"]):
            skipped += 1
            continue
        try:
            rows.add(record, int(record["row"]))
        except uhri_records.RecordError as exc:
            raise DataError(exc.message, path=table.path, row=int(record["row"]),
                            column=headers.get(exc.key, exc.key)) from None
    return rows.frame(), {"skipped_other_bodies": skipped, **rows.detected()}
