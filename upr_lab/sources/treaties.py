"""Treaty status: when each State signed and ratified the core human rights instruments (reference data).

``treaty_status()`` reads ``upr_lab/data/treaty_status.csv``, one row per State and instrument:
``iso3, name, instrument, signature, ratification, how`` (dates as ``datetime64``, empty where the
State has not signed or is not a party; ``how`` is ``ratification``, ``accession`` or ``succession``).

The table is derived from the status export kept in gl0bsec/UPR-Analysis
(``treaty_data/updated_merged_tables.csv``, in the layout of the UN treaty body database's status
export, as of about October 2023) by ``python -m upr_lab.sources.treaties RAW_FOLDER`` (``make data``),
which refuses a raw file whose SHA-256 is not ``RAW_SHA256``. Names are resolved with
``CountryResolver``; two names arrive as mojibake (UTF-8 read as Windows-1251) and are repaired by an
explicit list, never by guessing; the two non-member States of the export that upr-lab does not know
(Cook Islands, Niue) keep their ISO 3166 codes; the European Union (a party to the CRPD only) is no
State and is left out. ``data/treaty_status.md`` is the companion note.
"""

import csv
import functools
import re
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.files import raw_input

from .countries import CountryResolver
from .tables import read_shipped

RAW_PATH = "treaties/treaty-status.csv"  # under the raw folder (../shared/data)
RAW_SHA256 = "83153dd0261b36162432115ad1b2d943e1b78049dcc64053ed02bf68b708fda9"
TABLE = Path(__file__).resolve().parents[1] / "data" / "treaty_status.csv"
SOURCE = ("gl0bsec/UPR-Analysis, treaty_data/updated_merged_tables.csv: layout of the UN treaty body database "
          "status export, as of about October 2023")

INSTRUMENTS = {  # code of the treaty body database: the instrument's name
    "CAT": "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment",
    "CAT-OP": "Optional Protocol to the Convention against Torture",
    "CCPR": "International Covenant on Civil and Political Rights",
    "CCPR-OP2-DP": "Second Optional Protocol to the International Covenant on Civil and Political Rights, "
                   "aiming at the abolition of the death penalty",
    "CED": "International Convention for the Protection of All Persons from Enforced Disappearance",
    "CEDAW": "Convention on the Elimination of All Forms of Discrimination against Women",
    "CERD": "International Convention on the Elimination of All Forms of Racial Discrimination",
    "CESCR": "International Covenant on Economic, Social and Cultural Rights",
    "CRC": "Convention on the Rights of the Child",
    "CRC-OP-AC": "Optional Protocol to the Convention on the Rights of the Child on the involvement of children "
                 "in armed conflict",
    "CRC-OP-SC": "Optional Protocol to the Convention on the Rights of the Child on the sale of children, child "
                 "prostitution and child pornography",
    "CRPD": "Convention on the Rights of Persons with Disabilities",
}
CODES = tuple(INSTRUMENTS)

RAW_COLUMNS = ["COUNTRY", "Treaty Description", "Treaty Name", "Signature Date",
               "Ratification Date, Accession(a), Succession(d) Date"]
COLUMNS = ["iso3", "name", "instrument", "signature", "ratification", "how"]
# The export's two mojibake names: UTF-8 bytes decoded as Windows-1251 ("ô" became "Гґ", "ü" "Гј").
REPAIRED_NAMES = {"CГґte d'Ivoire": "Côte d'Ivoire", "TГјrkiye": "Türkiye"}
NOT_KNOWN_TO_UPR_LAB = {"Cook Islands": "COK", "Niue": "NIU"}  # non-member States, never reviewed: ISO 3166
LEFT_OUT = {"European Union"}  # a regional organisation, no State
HOW = {"": "ratification", "a": "accession", "d": "succession"}
# "17 Apr 2012 (a)": a date, then (a) for accession or (d) for succession; a bare date is a ratification
DATE = re.compile(r"^(?P<date>\d{2} [A-Z][a-z]{2} \d{4})(?: \((?P<how>[ad])\))?$")


@functools.cache
def _read():
    table = read_shipped(TABLE.name, COLUMNS, dtype=str)
    for column in ("signature", "ratification"):
        table[column] = pd.to_datetime(table[column].replace("", None), format="%Y-%m-%d")
    return table


def treaty_status():
    """The treaty status table: one row per State and instrument (``iso3, name, instrument, signature,
    ratification, how``), signature and ratification as dates (NaT where none), as of about October 2023."""
    return _read().copy()


def build(raw, table=TABLE):
    """Derive ``treaty_status.csv`` from the raw export under the folder ``raw``; returns the path written."""
    path = Path(raw) / RAW_PATH
    rows = derived_rows(read_raw(path), path)
    table = Path(table)
    table.parent.mkdir(parents=True, exist_ok=True)
    with table.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return table


def read_raw(path):
    """The raw export's rows as dictionaries, after checking that it is the file this table is built from."""
    raw_input(path, RAW_SHA256, (f"the raw treaty status export {RAW_PATH}", "treaty table"))
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != RAW_COLUMNS:
            raise DataError(f"found columns {reader.fieldnames}; expected {RAW_COLUMNS}", path=path)
        return list(reader)


def derived_rows(records, path):
    """One ``[iso3, name, instrument, signature, ratification, how]`` row per State and instrument, sorted."""
    resolver, rows = CountryResolver(), []
    for number, record in enumerate(records, start=2):
        name = REPAIRED_NAMES.get(record["COUNTRY"], record["COUNTRY"])
        if name in LEFT_OUT:
            continue
        code = record["Treaty Name"]
        if code not in INSTRUMENTS:
            raise DataError(f"found the instrument {code!r}; expected one of {', '.join(CODES)}", path=path, row=number)
        signature, _ = parse_date(record["Signature Date"], path, number)
        ratification, how = parse_date(record[RAW_COLUMNS[4]], path, number)
        rows.append([iso3(name, resolver, path, number), name, code, signature, ratification, how])
    rows.sort(key=lambda row: (row[0], row[2]))
    return rows


def iso3(name, resolver, path, row):
    """The ISO3 code of a State of the export: resolved as any source's names are, or from the explicit lists."""
    if name in NOT_KNOWN_TO_UPR_LAB:
        return NOT_KNOWN_TO_UPR_LAB[name]
    state = resolver.lookup(name)
    if state is None:
        raise DataError(f"found the State {name!r}; expected a name upr-lab resolves (or one of the explicit "
                        "repairs in upr_lab/sources/treaties.py)", path=path, row=row)
    return state.iso3


def parse_date(cell, path, row):
    """``("2012-04-17", "accession")`` for ``"17 Apr 2012 (a)"``; ``("", "")`` for an empty cell."""
    cell = cell.strip()
    if not cell:
        return "", ""
    match = DATE.match(cell)
    if match is None:
        raise DataError(f"found the date {cell!r}; expected a date like '17 Apr 2012', optionally followed by "
                        "(a) or (d)", path=path, row=row)
    day = datetime.strptime(match["date"], "%d %b %Y").date().isoformat()
    return day, HOW[match["how"] or ""]


def main(argv=None):
    from .build_embedded import builder_main  # the builder's command line, not needed to read the table

    return builder_main("upr_lab.sources.treaties", "derive the treaty status table from the raw export", RAW_PATH,
                        TABLE, build, argv)


if __name__ == "__main__":
    sys.exit(main())
