"""Political Terror Scale 2024: ``pts_a``, ``pts_h``, ``pts_s`` (1-5, 5 the most terror) by State and year.

The file (``PTS-2024.csv``, 1976-2023) is Windows-1252 text with one row per entity and year, scored from
Amnesty International (``PTS_A``), Human Rights Watch (``PTS_H``) and the US State Department (``PTS_S``)
reports; ``NA`` where no score (``NA_Status_*`` say why). Its licence is non-commercial (CC BY-NC): upr-lab
never ships it; pass the path of your copy.

Each entity is read through its UN M49 code (``UN_Code_N``, with ``crosswalk.m49_links``), or, where it has
none, its COW code (``COW_Code_N``); the World Bank code (``WordBank_Code_A``) is not used: it is not
always ISO3 (ROM, ZAR, TMP, ADO, WBG, KSV). The historical entities share or lack codes, so they are named
in ``ENTITIES``: the Soviet Union is Russia up to 1991, the Federal Republic of Yugoslavia (Yugoslavia /
Serbia and Montenegro, scored 1991-2006) is Serbia for 1992-2005 (from 2006 Serbia's own row; its 1991
row, still the SFRY's year, and its 2006 row are left out and reported), the German
Federal Republic is Germany; the SFRY, Czechoslovakia, the German Democratic Republic, the two Yemens,
Kosovo, Taiwan and the entities that are no State (Crimea, Gaza (Hamas), the two "Israel in ..." rows,
Russia-occupied areas of Ukraine, Somaliland, the European Union) are left out, as are Puerto Rico and
Western Sahara (ISO codes, but no UN member or observer). The Holy See has no row.

The file has every entity in every year; only rows with at least one score are read (a State's years
before independence have none). Rows left out with a score are reported (``unmapped(frame)``).
"""

import pandas as pd

from . import crosswalk
from .common import check_columns, header, keep_years, numbers, read_rows, tidy, years
from .crosswalk import NO_CONTINUATOR, NOT_A_STATE, Link

ENCODINGS = ("utf-8", "cp1252")  # as published: Windows-1252; a copy saved again as UTF-8 is read too
COLUMNS = ["Country", "Year", "COW_Code_N", "UN_Code_N", "PTS_A", "PTS_H", "PTS_S"]
SCORES = {"PTS_A": "pts_a", "PTS_H": "pts_h", "PTS_S": "pts_s"}
INDICATORS = list(SCORES.values())
NOT_A_STATE_ENTITY = Link(None, note=f"part of a State or a disputed territory: {NOT_A_STATE}")
ENTITIES = {  # entities read by name, not by code: the file's name and where it leads
    "Soviet Union": Link("RUS", None, 1991, "Soviet Union; Russia continues it"),
    "Yugoslavia, Federal Republic of": Link("SRB", 1992, 2005, "FR Yugoslavia / Serbia and Montenegro 1992-2005, "
                                                               "which Serbia continues (from 2006 Serbia's own row; "
                                                               "1991: still the SFRY)"),
    "Yugoslavia, Socialist Federal Republic of": Link(None, note=f"SFR Yugoslavia: {NO_CONTINUATOR}"),
    "German Federal Republic": Link("DEU", None, 1989, "German Federal Republic; from 1990 Germany's own row"),
    "Crimea": NOT_A_STATE_ENTITY,
    "European Union": Link(None, note="a regional organisation, no State"),
    "Gaza (Hamas)": NOT_A_STATE_ENTITY,
    "Israel in Occupied Territories": NOT_A_STATE_ENTITY,
    "Israel in pre-1967 borders": NOT_A_STATE_ENTITY,
    "Russia-Occupied Areas (Ukraine)": NOT_A_STATE_ENTITY,
    "Somaliland": Link(None, note=f"Somaliland: {NOT_A_STATE}"),
}


def matches(columns):
    """Whether a header is this file's layout."""
    return {"Country", "Year", "COW_Code_N", "UN_Code_N", "PTS_A", "PTS_S"} <= set(columns)


def read_pts(path, years=None):
    """The Political Terror Scale scores in ``path`` as ``iso3, year, pts_a, pts_h, pts_s`` (nullable
    integers 1-5), one row per State and year with at least one score.

    ``years``: a year or a ``(first, last)`` pair (default: all); years the file does not cover are refused.
    Scored rows of entities that are no UN member or observer State are left out, listed in
    ``unmapped(frame)`` and named in an ``UnmappedCodesWarning``."""
    return crosswalk.report(*read(path, years), path)


def read(path, years=None):
    """The tidy frame and the ``unmapped`` table of ``path``, without warning (see ``read_pts``)."""
    raw = read_raw(path)
    raw = keep_years(raw, years, path)
    raw = raw[raw[INDICATORS].notna().any(axis=1)].reset_index(drop=True)
    links = [entity_link(*row) for row in raw[["Country", "UN_Code_N", "COW_Code_N"]].itertuples(index=False)]
    mapped, unmapped = crosswalk.resolve(raw, links, [code_label(*r) for r in zip(raw["UN_Code_N"], raw["COW_Code_N"])],
                                         raw["Country"], path)
    return tidy(mapped, INDICATORS), unmapped


def read_raw(path):
    """The file's rows (``Country``, ``year``, the two codes as nullable integers, the three scores)."""
    check_columns(path, header(path), COLUMNS)
    raw = read_rows(path, COLUMNS, ENCODINGS)
    raw = raw.rename(columns={"Year": "year", **SCORES})
    raw["year"] = years(raw["year"], path)
    for column in ["COW_Code_N", "UN_Code_N"]:
        raw[column] = numbers(raw[column], path, column, "NA or a code (a whole number 0-99999)", 0, 99999,
                              whole=True)
    for column in INDICATORS:
        raw[column] = numbers(raw[column], path, column, "NA or a score 1-5", 1, 5, whole=True)
    return raw.astype({"year": int})


def entity_link(name, m49, cow):
    """Where one entity of the file leads: by name (``ENTITIES``), else its M49 code, else its COW code."""
    if name in ENTITIES:
        return ENTITIES[name]
    if pd.notna(m49):
        return crosswalk.m49_links().get(int(m49))
    if pd.notna(cow):
        return crosswalk.cow_links().get(int(cow))
    return None


def code_label(m49, cow):
    """``"M49 688"``, ``"COW 345"`` or ``"no code"``: how an entity is named in the unmapped table."""
    if pd.notna(m49):
        return f"M49 {int(m49)}"
    return f"COW {int(cow)}" if pd.notna(cow) else "no code"


def code_pairs(path):
    """The COW and M49 codes the file gives side by side: ``Country, COW_Code_N, UN_Code_N`` once per entity
    (to check ``crosswalk.COW_CODES`` against)."""
    raw = read_raw(path)
    return raw[["Country", "COW_Code_N", "UN_Code_N"]].drop_duplicates().reset_index(drop=True)
