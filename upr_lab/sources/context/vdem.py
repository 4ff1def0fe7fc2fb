"""V-Dem indices as published by Our World in Data, by State and year.

Each OWID file holds one index: ``Entity, Code, Year, <index name>`` and, in most, ``World region according
to OWID``. ``INDICES`` names the six read here: electoral democracy, liberal democracy, freedom of expression,
civil liberties (OWID's "Human Rights Index", V-Dem's civil liberties index), rule of law (0-1, higher is
more) and the political regime (0 closed autocracy, 1 electoral autocracy, 2 electoral democracy, 3 liberal
democracy).

``Code`` is ISO3 for current States, ``OWID_*`` for regions, the world and historical States, and empty
for population-weighted regions, Palestine/Gaza, Palestine/West Bank and States before German and Italian
unification. Following ``crosswalk``'s rules, West Germany (OWID_GFR, 1949-1990) is Germany (DEU, whose own
series has no row for those years) and the Democratic Republic of Vietnam (OWID_DRV, 1945-1975) is Viet Nam;
every other code that is no UN member or observer State (regions, Kosovo, Taiwan, Hong Kong, Somaliland,
Zanzibar, the GDR, the two Yemens, the Republic of Vietnam...) is left out and reported. V-Dem scores a
territory before independence as it was governed then (Slovakia 1945-1992 repeats Czechoslovakia; Montenegro
from 1998, South Sudan before 2011): kept as published. OWID's "Palestine" (PSE) is the British Mandate,
1918-1948; the State of Palestine has no national series (Gaza and the West Bank have no code). OWID puts
the Papal States (1789-1870) under the Holy See's code (VAT): kept as published, outside the shipped years.

upr-lab ships a derived table of the six indices for 2000-2025 and the UN member and observer States
(``data/vdem_indices.csv``, CC BY, attributed in ``data/vdem_indices.md``), built by
``python -m upr_lab.sources.context.vdem RAW_FOLDER`` (``make data``), which refuses raw files whose SHA-256
differs from ``RAW_SHA256``; ``vdem_indices()`` reads it. ``read_vdem`` reads OWID files themselves.
"""

import functools
import sys
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.files import raw_input
from upr_lab.limits import excerpt

from . import crosswalk
from .common import combine, header, keep_years, numbers, read_rows, tidy
from .common import years as common_years
from .crosswalk import NO_CONTINUATOR, NOT_A_STATE, Link
from ..tables import read_shipped

INDICES = {  # OWID's column: upr-lab's
    "Electoral democracy index": "electoral_democracy",
    "Liberal democracy index": "liberal_democracy",
    "Freedom of expression index": "freedom_of_expression",
    "Human Rights Index": "civil_liberties",
    "Rule of Law index": "rule_of_law",
    "Political regime": "political_regime",
}
INDICATORS = list(INDICES.values())
KEYS = ["Entity", "Code", "Year"]
REGION = "World region according to OWID"
RAW_FOLDER = "country-year/vdem-owid"  # under the raw folder (../shared/data)
RAW_SHA256 = {
    "electoral-democracy-index.csv": "b10099af07ae1c4900edb9e7cd8d2d3876bbca5b3bb1bae69e70932fcdb4bd7e",
    "liberal-democracy-index.csv": "d6c331b8ea80027599e1bca8e28aab544382c1625b2536ea62f4df4fcb122de6",
    "freedom-of-expression-index.csv": "6965c73885922254bf44f6b57bc02eb27f9c162bb55af8d4dbb177adc8e64d6f",
    "human-rights-index-vdem.csv": "6303ce0a230c707b9e05e5248ee7c462494eda19ba71bbd2e3204ef25378cd97",
    "rule-of-law-index.csv": "20aa91fad74cbd3c5ef2db1abf6f4d69b9abf0f03fbe6ee0461080d02bd8372b",
    "political-regime.csv": "1e0d045bc702591c95c9885a6dbe5e8bed13bcca9b2a236464caa7c6098851ff",
}
SHIPPED_YEARS = (2000, 2025)
TABLE = Path(__file__).resolve().parents[2] / "data" / "vdem_indices.csv"
COLUMNS = ["iso3", "year", *INDICATORS]

OWID_CODES = {
    "OWID_GFR": Link("DEU", note="West Germany, which Germany continues"),
    "OWID_DRV": Link("VNM", note="Democratic Republic of Vietnam, which Viet Nam continues"),
    "OWID_KOS": Link(None, note=f"Kosovo: {NOT_A_STATE}, no ISO 3166 code"),
    "OWID_SML": Link(None, note=f"Somaliland: {NOT_A_STATE}"),
    "OWID_ZAN": Link(None, note="Zanzibar: part of Tanzania since 1964, before it no UN member"),
}
AGGREGATES = {"OWID_WRL", "OWID_AFR", "OWID_ASI", "OWID_EUR", "OWID_NAM", "OWID_OCE", "OWID_SAM"}


def matches(columns):
    """Whether a header is an OWID V-Dem file's layout."""
    return columns[:3] == KEYS and len(columns) in (4, 5) and columns[3] in INDICES and columns[4:] in ([], [REGION])


def code_link(code, entity):
    """Where an OWID ``Code`` (of the ``Entity`` so named) leads (see the module's docstring)."""
    if code in OWID_CODES:
        return OWID_CODES[code]
    if code in AGGREGATES or entity.endswith("(population-weighted)"):
        return Link(None, note="a region or the world (OWID aggregate)")
    if entity.startswith("Palestine/"):
        return Link(None, note="part of the State of Palestine, which has no national V-Dem series after 1948")
    if code.startswith("OWID_") or not code:
        return Link(None, note=NO_CONTINUATOR)
    return Link(code, note=f"{code}: {NOT_A_STATE}")


def read_vdem(path, years=None):
    """The V-Dem indices in ``path`` (an OWID file, or a folder of them) as ``iso3, year, <indices>``,
    one column per file (``INDICES`` names them).

    ``years``: a year or a ``(first, last)`` pair (default: all); years a file does not cover are refused.
    Rows whose code is no UN member or observer State are left out, listed in ``unmapped(frame)`` and
    named in an ``UnmappedCodesWarning``."""
    path = Path(path)
    files = sorted(p for p in path.glob("*.csv") if matches(header(p))) if path.is_dir() else [path]
    if not files:
        raise DataError("found no OWID V-Dem file (Entity, Code, Year, <index>) in the folder", path=path)
    frame, unmapped = combine([read(p, years) for p in files], files, INDICATORS)
    return crosswalk.report(frame, unmapped, path)


def read(path, years=None):
    """The tidy frame and the ``unmapped`` table of one OWID file, without warning (see ``read_vdem``)."""
    columns = header(path)
    if not matches(columns):
        raise DataError(f"found columns {excerpt(columns, 200)}; expected {KEYS + ['<index>']} and optionally "
                        f"{REGION!r}, where <index> is one of {list(INDICES)}", path=path)
    raw = read_rows(path, [*KEYS, columns[3]])
    name = INDICES[columns[3]]
    raw = raw.rename(columns={"Year": "year", columns[3]: name})
    raw["year"] = common_years(raw["year"], path, "Year")
    raw = raw.astype({"year": int})
    raw[name] = _numbers(raw[name], path, columns[3], integer=name == "political_regime")
    raw = keep_years(raw, years, path)
    links = [code_link(code, entity) for code, entity in zip(raw["Code"], raw["Entity"])]
    mapped, unmapped = crosswalk.resolve(raw, links, raw["Code"].replace("", "no code"), raw["Entity"], path)
    return tidy(mapped, [name]), unmapped


def _numbers(cells, path, column, integer):
    """An index 0-1 (a regime 0-3), empty where V-Dem has no value."""
    if integer:
        return numbers(cells, path, column, "a regime 0-3", 0, 3, whole=True, missing=("",))
    return numbers(cells, path, column, "an index 0 to 1", 0, 1, missing=("",))


@functools.cache
def _shipped():
    table = read_shipped(TABLE.name, COLUMNS, dtype={"iso3": str}, na_values=[""])
    return table.astype({"year": int, "political_regime": "Int64"})


def vdem_indices(years=None):
    """The V-Dem indices shipped with upr-lab: ``iso3, year, electoral_democracy, liberal_democracy,
    freedom_of_expression, civil_liberties, rule_of_law, political_regime`` for the UN member and observer
    States V-Dem covers, 2000-2025 (CC BY: cite V-Dem and Our World in Data, see ``data/vdem_indices.md``).

    ``years``: a year or a ``(first, last)`` pair within 2000-2025 (default: all)."""
    return keep_years(_shipped().copy(), years, TABLE)


def build(raw, table=TABLE):
    """Derive ``vdem_indices.csv`` from the OWID files under the folder ``raw``; returns the path written."""
    folder = Path(raw) / RAW_FOLDER
    files = [checked(folder / name, expected) for name, expected in RAW_SHA256.items()]
    frame, _ = combine([read(path, SHIPPED_YEARS) for path in files], files, INDICATORS)
    table = Path(table)
    table.parent.mkdir(parents=True, exist_ok=True)
    frame[COLUMNS].to_csv(table, index=False, lineterminator="\n")
    return table


def checked(path, expected):
    """``path``, after checking that it is the raw file the shipped table is built from."""
    return raw_input(path, expected, (f"the OWID V-Dem file {path.name} under {RAW_FOLDER}", "V-Dem table"))


def main(argv=None):
    from ..build_embedded import builder_main  # the builder's command line, not needed to read the table

    return builder_main("upr_lab.sources.context.vdem", "derive the V-Dem indices table from the OWID files",
                        f"{RAW_FOLDER}/", TABLE, build, argv)


if __name__ == "__main__":
    sys.exit(main())
