"""Fariss latent human rights protection scores (v4.02): ``fariss_theta_mean``, ``fariss_theta_sd`` by State and year.

The file (``LHRS-v4.02-2021_names.csv``, from CJFariss/Human-Rights-Latent-Variable) holds one row per COW
State and year, 1946-2021: ``YEAR, COW, ..., theta_mean, theta_sd, theta_q025, theta_q975, country_name``.
Its licence is non-commercial (CC BY-NC-SA, as stated for earlier versions): upr-lab never ships it; pass
the path of your copy. Higher ``theta`` means more protection of physical integrity rights.

COW codes are read with ``crosswalk.cow_links`` (rules for historical States there). What this means for
this file: COW 345 ("Yugoslavia", 1946-2018) is Serbia from 1992 and is left out for 1946-1991 (SFRY);
365 (Russia, from 1946) includes the USSR's years; 260 (German Federal Republic) is Germany up to 1989,
1990 coming from Germany's own code 255; the file puts Czechoslovakia's years under 316 (Czechia) from
1946 and scores Estonia, Latvia, Lithuania, Belarus, Armenia and Azerbaijan from 1985: kept as published.
Left out and reported: 260 in 1990, 265, 345 up to 1991, 347 (Kosovo), 511, 678, 680, 713 (Taiwan), 817
(272 rows with the real file). The State of Palestine and the Holy See have no COW code and no row.
"""

import pandas as pd

from upr_lab.exceptions import DataError

from . import crosswalk
from .common import check_columns, header, keep_years, tidy

COLUMNS = ["YEAR", "COW", "theta_mean", "theta_sd", "country_name"]  # the ones read, among others
INDICATORS = ["fariss_theta_mean", "fariss_theta_sd"]


def matches(columns):
    """Whether a header is this file's layout."""
    return {"YEAR", "COW", "theta_mean", "theta_sd"} <= set(columns)


def read_fariss(path, years=None):
    """The Fariss scores in ``path`` as ``iso3, year, fariss_theta_mean, fariss_theta_sd``.

    ``years``: a year or a ``(first, last)`` pair (default: all); years the file does not cover are refused.
    Rows whose COW code maps to no UN member or observer State are left out, listed in
    ``unmapped(frame)`` and named in an ``UnmappedCodesWarning``."""
    return crosswalk.report(*read(path, years), path)


def read(path, years=None):
    """The tidy frame and the ``unmapped`` table of ``path``, without warning (see ``read_fariss``)."""
    check_columns(path, header(path), COLUMNS)
    raw = pd.read_csv(path, usecols=COLUMNS, encoding="utf-8", keep_default_na=False, na_values=["NA", ""])
    raw = raw.rename(columns={"YEAR": "year", "theta_mean": INDICATORS[0], "theta_sd": INDICATORS[1]})
    _check_values(raw, path)
    raw = keep_years(raw.astype({"year": int, "COW": int}), years, path)
    links = [crosswalk.cow_links().get(code) for code in raw["COW"]]
    codes = [f"COW {code}" for code in raw["COW"]]
    mapped, unmapped = crosswalk.resolve(raw, links, codes, raw["country_name"], path)
    return tidy(mapped, INDICATORS), unmapped


def _check_values(raw, path):
    """Refuse a cell that is no number: a score may be missing (NA or empty), a year or a code may not."""
    for column in ["year", "COW", *INDICATORS]:
        cells = raw[column]
        bad = pd.to_numeric(cells, errors="coerce").isna() & (cells.notna() | (column in ("year", "COW")))
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise DataError(f"found {cells.iloc[row]!r}; expected a number", path=path, row=row + 2, column=column)
