"""Crosswalks from Correlates of War (COW) and UN M49 numeric codes to the ISO3 codes of upr-lab's States.

Where the codes come from:

* **UN M49 -> ISO3**: pycountry (ISO 3166-1, whose numeric codes are the UN M49 codes of countries), kept
  to upr-lab's States (``upr_lab.sources.countries.states()``: the 193 UN members and the two observers),
  plus the M49 codes of historical States in ``M49_HISTORICAL``.
* **COW numeric -> ISO3**: ``COW_CODES`` below, written from the Political Terror Scale 2024 file, which
  carries the COW and M49 codes of each entity side by side (each COW code read through its M49 code with
  pycountry), then completed by hand for the historical States (``COW_HISTORICAL``). ``tests/test_context.py``
  checks that the table still agrees with the PTS columns and pycountry. The Holy See and the State of
  Palestine have no COW code.

Historical States and successions, one rule for every source:

1. A code that denotes a current State maps to it in every year the source gives. A source that scores a
   territory before independence keeps those years as the source codes them (documented per source).
2. A historical State's code maps to the State that continues it at the UN (the same membership under a
   new name): the USSR to Russia (RUS), the Federal Republic of Germany to Germany (DEU, up to 1989:
   Germany's own code from 1990), the Federal Republic of Yugoslavia / Serbia and Montenegro (1992-2006) to
   Serbia (SRB), whose membership continues it; Ethiopia and Sudan before the secession of Eritrea and South
   Sudan to ETH and SDN. COW uses one code, 345, for the Socialist Federal Republic of Yugoslavia, the FRY
   and Serbia: it maps to SRB from 1992.
3. A historical State no one continues maps to no State: the SFRY (up to 1991), Czechoslovakia, the German
   Democratic Republic, the Yemen Arab Republic and the People's Democratic Republic of Yemen (merged in
   1990), the Republic of Vietnam, Zanzibar (1963-1964).
4. Kosovo has no ISO 3166 code (XKX is a user-assigned code) and is no UN member or observer: left out,
   like Taiwan, Hong Kong, Puerto Rico, Western Sahara, Somaliland and the sub-State entities of a source.

Nothing is dropped silently: ``resolve`` returns, beside the mapped rows, an ``unmapped`` table (one row
per code left out: its name, years, row count and why); ``report`` keeps it with the frame the loader
returns (``unmapped(frame)`` gives it back) and warns naming them.
"""

import functools
import warnings
from dataclasses import dataclass

import pandas as pd
import pycountry

from upr_lab.exceptions import DataError

from ..countries import states

UNMAPPED_COLUMNS = ["code", "name", "first_year", "last_year", "rows", "reason"]
NOT_A_STATE = "not a UN member or observer State"
NAMED = 6  # a warning names at most this many codes


class UnmappedCodesWarning(UserWarning):
    """Rows of a context file whose code maps to no UN member or observer State were left out."""


@dataclass(frozen=True)
class Link:
    """Where a source code leads: ``iso3`` for the years ``first`` to ``last`` (open where None), else nowhere,
    for the reason ``note``."""

    iso3: str | None
    first: int | None = None
    last: int | None = None
    note: str = ""

    def at(self, year):
        """The ISO3 code in ``year``, or None."""
        within = (self.first is None or year >= self.first) and (self.last is None or year <= self.last)
        return self.iso3 if within else None


# COW numeric code and the ISO3 code of the current State it denotes.
COW_CODES = """
2 USA 20 CAN 31 BHS 40 CUB 41 HTI 42 DOM 51 JAM 52 TTO 53 BRB 54 DMA 55 GRD 56 LCA 57 VCT 58 ATG 60 KNA
70 MEX 80 BLZ 90 GTM 91 HND 92 SLV 93 NIC 94 CRI 95 PAN 100 COL 101 VEN 110 GUY 115 SUR 130 ECU 135 PER
140 BRA 145 BOL 150 PRY 155 CHL 160 ARG 165 URY 200 GBR 205 IRL 210 NLD 211 BEL 212 LUX 220 FRA 221 MCO
223 LIE 225 CHE 230 ESP 232 AND 235 PRT 255 DEU 290 POL 305 AUT 310 HUN 316 CZE 317 SVK 325 ITA 331 SMR
338 MLT 339 ALB 341 MNE 343 MKD 344 HRV 346 BIH 349 SVN 350 GRC 352 CYP 355 BGR 359 MDA 360 ROU 365 RUS
366 EST 367 LVA 368 LTU 369 UKR 370 BLR 371 ARM 372 GEO 373 AZE 375 FIN 380 SWE 385 NOR 390 DNK 395 ISL
402 CPV 403 STP 404 GNB 411 GNQ 420 GMB 432 MLI 433 SEN 434 BEN 435 MRT 436 NER 437 CIV 438 GIN 439 BFA
450 LBR 451 SLE 452 GHA 461 TGO 471 CMR 475 NGA 481 GAB 482 CAF 483 TCD 484 COG 490 COD 500 UGA 501 KEN
510 TZA 516 BDI 517 RWA 520 SOM 522 DJI 530 ETH 531 ERI 540 AGO 541 MOZ 551 ZMB 552 ZWE 553 MWI 560 ZAF
565 NAM 570 LSO 571 BWA 572 SWZ 580 MDG 581 COM 590 MUS 591 SYC 600 MAR 615 DZA 616 TUN 620 LBY 625 SDN
626 SSD 630 IRN 640 TUR 645 IRQ 651 EGY 652 SYR 660 LBN 663 JOR 666 ISR 670 SAU 679 YEM 690 KWT 692 BHR
694 QAT 696 ARE 698 OMN 700 AFG 701 TKM 702 TJK 703 KGZ 704 UZB 705 KAZ 710 CHN 712 MNG 731 PRK 732 KOR
740 JPN 750 IND 760 BTN 770 PAK 771 BGD 775 MMR 780 LKA 781 MDV 790 NPL 800 THA 811 KHM 812 LAO 816 VNM
820 MYS 830 SGP 835 BRN 840 PHL 850 IDN 860 TLS 900 AUS 910 PNG 920 NZL 935 VUT 940 SLB 946 KIR 947 TUV
950 FJI 955 TON 970 NRU 983 MHL 986 PLW 987 FSM 990 WSM
"""

NO_CONTINUATOR = "historical State that no UN member continues"
COW_HISTORICAL = {
    260: Link("DEU", None, 1989, "German Federal Republic; from 1990 Germany's own code 255"),
    265: Link(None, note=f"German Democratic Republic: {NO_CONTINUATOR}"),
    315: Link(None, note=f"Czechoslovakia: {NO_CONTINUATOR}"),
    345: Link("SRB", 1992, None, f"Yugoslavia: the SFRY up to 1991, {NO_CONTINUATOR}; from 1992 the FRY / "
                                 "Serbia and Montenegro, which Serbia continues"),
    347: Link(None, note=f"Kosovo: {NOT_A_STATE}, no ISO 3166 code"),
    511: Link(None, note=f"Zanzibar: {NO_CONTINUATOR}"),
    678: Link(None, note=f"Yemen Arab Republic: {NO_CONTINUATOR}"),
    680: Link(None, note=f"Yemen People's Republic: {NO_CONTINUATOR}"),
    713: Link(None, note=f"Taiwan: {NOT_A_STATE}"),
    817: Link(None, note=f"Republic of Vietnam: {NO_CONTINUATOR}"),
}

M49_HISTORICAL = {
    810: Link("RUS", None, 1991, "USSR; Russia continues it"),
    891: Link("SRB", 1992, 2005, "FR Yugoslavia / Serbia and Montenegro 1992-2005, which Serbia continues (688 "
                                 f"from 2006); before 1992 the SFRY, {NO_CONTINUATOR}"),
    890: Link(None, note=f"SFR Yugoslavia: {NO_CONTINUATOR}"),
    200: Link(None, note=f"Czechoslovakia: {NO_CONTINUATOR}"),
    278: Link(None, note=f"German Democratic Republic: {NO_CONTINUATOR}"),
    280: Link("DEU", None, 1989, "Federal Republic of Germany; from 1990 Germany's own code 276"),
    720: Link(None, note=f"People's Democratic Republic of Yemen: {NO_CONTINUATOR}"),
    886: Link(None, note=f"Yemen Arab Republic: {NO_CONTINUATOR}"),
    230: Link("ETH", None, 1992, "Ethiopia before Eritrea's independence; Ethiopia continues it"),
    736: Link("SDN", None, 2011, "Sudan before South Sudan's independence; Sudan continues it"),
}


@functools.cache
def cow_links():
    """Every COW numeric code upr-lab knows: ``{code: Link}``."""
    words = COW_CODES.split()
    links = {int(code): Link(iso3) for code, iso3 in zip(words[::2], words[1::2])}
    return {**links, **COW_HISTORICAL}


@functools.cache
def m49_links():
    """Every UN M49 country code: ``{code: Link}`` (ISO 3166 numeric codes read with pycountry, plus the
    historical States); codes of territories that are no UN member or observer lead nowhere."""
    links = {}
    for country in pycountry.countries:
        iso3 = country.alpha_3
        links[int(country.numeric)] = Link(iso3) if iso3 in states() else Link(None, note=f"{iso3}: {NOT_A_STATE}")
    return {**links, **M49_HISTORICAL}


def iso3_from_cow(code, year):
    """The ISO3 code of the State the COW numeric ``code`` denotes in ``year``, or None."""
    link = cow_links().get(int(code))
    return link.at(int(year)) if link else None


def iso3_from_m49(code, year):
    """The ISO3 code of the State the UN M49 numeric ``code`` denotes in ``year``, or None."""
    link = m49_links().get(int(code))
    return link.at(int(year)) if link else None


def code_table(system):
    """The crosswalk ``"cow"`` or ``"m49"`` as a table: ``code, iso3, first_year, last_year, note``."""
    links = {"cow": cow_links, "m49": m49_links}[system]()
    rows = [(code, link.iso3, link.first, link.last, link.note) for code, link in sorted(links.items())]
    table = pd.DataFrame(rows, columns=["code", "iso3", "first_year", "last_year", "note"])
    return table.astype({"first_year": "Int64", "last_year": "Int64"})


def resolve(frame, links, codes, names, path):
    """Give each row of ``frame`` (with a ``year`` column) the ``iso3`` its ``links`` (a Link or None per row)
    lead to; returns the mapped rows and the ``unmapped`` table (``codes`` and ``names`` label each row).

    Raises ``DataError`` if two rows land on the same State and year."""
    iso3, reasons = [], []
    for link, year in zip(links, frame["year"]):
        target = link.at(year) if link is not None else None
        iso3.append(target if target in states() else None)
        reasons.append(_reason(link, target))
    frame = frame.assign(iso3=iso3)
    kept = frame["iso3"].notna()
    left = pd.DataFrame({"code": codes, "name": names, "year": frame["year"], "reason": reasons})[~kept.to_numpy()]
    mapped = frame[kept]
    _refuse_duplicates(mapped, pd.Series(list(codes), index=frame.index)[kept], path)
    return mapped, unmapped_table(left)


def _reason(link, target):
    if link is None:
        return "code in no crosswalk"
    if target is None:
        return link.note or NOT_A_STATE
    return "" if target in states() else f"{target}: {NOT_A_STATE}"


def _refuse_duplicates(mapped, codes, path):
    twice = mapped.duplicated(["iso3", "year"], keep=False)
    if twice.any():
        first = mapped[twice].iloc[0]
        found = sorted(set(codes[twice & (mapped["iso3"] == first["iso3"]) & (mapped["year"] == first["year"])]))
        raise DataError(f"found {first['iso3']} {first['year']} from more than one code ({', '.join(found)}); "
                        "expected one row per State and year", path=path)


def unmapped(frame):
    """The codes left out when ``frame`` was read (``code, name, first_year, last_year, rows, reason``, and
    ``file`` for a folder): one row per code that maps to no UN member or observer State."""
    records = frame.attrs.get("unmapped")
    if records is None:
        raise DataError("found no record of the codes left out; expected a frame as a context loader returns it "
                        "(pandas keeps .attrs through most, not all, operations)")
    columns = [*UNMAPPED_COLUMNS, *(["file"] if records and "file" in records[0] else [])]
    return pd.DataFrame(list(records), columns=columns)


def unmapped_table(left):
    """One row per code left out (``code, name, first_year, last_year, rows, reason``), from rows with
    ``code, name, year, reason``."""
    if left.empty:
        return pd.DataFrame(columns=UNMAPPED_COLUMNS)
    grouped = left.groupby(["code", "name", "reason"], sort=True, dropna=False)["year"]
    table = grouped.agg(first_year="min", last_year="max", rows="size").reset_index()
    return table[UNMAPPED_COLUMNS].sort_values(["first_year", "code"], kind="stable").reset_index(drop=True)


def report(frame, unmapped, path, stacklevel=3):
    """Keep ``unmapped`` with ``frame`` (see ``unmapped``) and warn naming the codes left out; returns ``frame``."""
    frame.attrs["unmapped"] = tuple(unmapped.to_dict("records"))  # records, not a frame: pandas compares attrs
    codes = unmapped.drop_duplicates(["code", "name"])  # a folder's files may each list the same code
    if len(codes):
        named = [f"{r.code} {r.name} {r.first_year}-{r.last_year}" for r in codes.head(NAMED).itertuples()]
        more = f" and {len(codes) - NAMED} more" if len(codes) > NAMED else ""
        warnings.warn(f"{path}: left out {unmapped['rows'].sum():,} rows of {len(codes)} codes that map to no UN "
                      f"member or observer State ({'; '.join(named)}{more}); the list: context.unmapped(frame)",
                      UnmappedCodesWarning, stacklevel=stacklevel)
    return frame
