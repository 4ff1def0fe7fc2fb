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

from . import crosswalk
from .common import check_columns, header, keep_years, numbers, read_rows, tidy
from .common import years as common_years

COLUMNS = ["YEAR", "COW", "theta_mean", "theta_sd", "country_name"]  # the ones read, among others
INDICATORS = ["fariss_theta_mean", "fariss_theta_sd"]
THETA = {"mean": (-10, 10), "sd": (1e-9, 10)}  # the latent scale (v4.02: means -3.5 to 5.5, sd 0.11 to 1.64)


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
    raw = read_rows(path, COLUMNS)
    raw = raw.rename(columns={"YEAR": "year", "theta_mean": INDICATORS[0], "theta_sd": INDICATORS[1]})
    _check_values(raw, path)
    raw = keep_years(raw.astype({"year": int, "COW": int}), years, path)
    links = [crosswalk.cow_links().get(code) for code in raw["COW"]]
    codes = [f"COW {code}" for code in raw["COW"]]
    mapped, unmapped = crosswalk.resolve(raw, links, codes, raw["country_name"], path)
    return tidy(mapped, INDICATORS), unmapped


def _check_values(raw, path):
    """Numbers on their scale: a year and a COW code in every row, scores missing (NA or empty) or within
    ``THETA``; a score off the scale (or infinite) is refused with its row."""
    raw["year"] = common_years(raw["year"], path)
    raw["COW"] = numbers(raw["COW"], path, "COW", "a COW code (a whole number 0-99999)", 0, 99999, whole=True,
                         missing=())
    low, high = THETA["mean"]
    raw[INDICATORS[0]] = numbers(raw[INDICATORS[0]], path, "theta_mean", f"NA or a score {low} to {high}", low, high)
    low, high = THETA["sd"]
    raw[INDICATORS[1]] = numbers(raw[INDICATORS[1]], path, "theta_sd", f"NA or a standard deviation above 0, at most "
                                 f"{high}", low, high)
