"""States: UN member States and observers, their ISO 3166 alpha-3 codes and UN regional groups.

Names are resolved by exact match (after normalising case, accents, '&' and punctuation) against the
UN names and known aliases in ``data/un_member_states.csv``, the names pycountry knows for the same
codes, and a user's own aliases (``params/country_aliases.yaml``). Nothing is guessed: "Republic of
Korea" can never become the Democratic People's Republic of Korea. Close names are only *suggested*
in error messages.
"""

import csv
import difflib
import functools
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pycountry

from upr_lab.exceptions import ParameterError, UnknownCountryError
from upr_lab.limits import excerpt
from upr_lab.yamlfile import read_mapping

UNKNOWN_NAMES = {"(unknown)", "&#40;unknown&#41;", "unknown"}
ISO3_PATTERN = re.compile(r"^[A-Z]{3}$")
DEFAULT_ALIASES = Path("params/country_aliases.yaml")  # relative to the folder upr-lab is run from
ALIASES_VARIABLE = "UPR_LAB_ALIASES"
_pinned = {"value": None}  # what this process set ALIASES_VARIABLE to, for the processes it starts


def default_aliases():
    """The user's alias file: ``DEFAULT_ALIASES`` in the folder upr-lab was run from. A command that starts
    kernels pins it for them (``pin_default_aliases``): a notebook's kernel works in its run folder, where the
    relative path would find nothing, and would read the names (and key the parse cache) otherwise than the
    command. The process that pinned it goes on reading its own working folder's file."""
    value = os.environ.get(ALIASES_VARIABLE)
    return Path(value) if value and value != _pinned["value"] else DEFAULT_ALIASES


def pin_default_aliases():
    """Give the processes this one starts (kernels, helpers) ``DEFAULT_ALIASES`` of its working folder."""
    _pinned["value"] = os.environ[ALIASES_VARIABLE] = str(DEFAULT_ALIASES.absolute())


@dataclass(frozen=True)
class State:
    iso3: str
    name: str
    group: str  # UN regional group, or "Observer" for non-member observer States

    @property
    def is_member(self):
        return self.group != "Observer"


def normalise(name):
    """Fold a country name to a comparison key: no accents, case, punctuation or 'the'."""
    text = unicodedata.normalize("NFKD", str(name).replace("’", "'").replace("‘", "'")).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace("st.", "saint").replace("st ", "saint ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(w for w in text.split() if w != "the")


@functools.cache
def states():
    """Every State known to upr-lab, keyed by ISO3, in the order of the reference table."""
    with resources.files("upr_lab").joinpath("data/un_member_states.csv").open(encoding="utf-8") as f:
        return {row["iso3"]: State(row["iso3"], row["name"], row["group"]) for row in csv.DictReader(f)}


def member_states():
    """The 193 UN member States, sorted by ISO3."""
    return sorted((s for s in states().values() if s.is_member), key=lambda s: s.iso3)


@functools.cache
def _builtin_aliases():
    index = {}
    with resources.files("upr_lab").joinpath("data/un_member_states.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            names = [row["name"], row["iso3"], *filter(None, row["aliases"].split("|"))]
            entry = pycountry.countries.get(alpha_3=row["iso3"])
            if entry is not None:
                names += [getattr(entry, k, None) for k in ("name", "official_name", "common_name")]
            for name in filter(None, names):
                index.setdefault(normalise(name), row["iso3"])
    return index


def load_aliases(path):
    """Read a user's alias file: a YAML mapping of name -> ISO3."""
    path = Path(path)
    data = read_mapping(path, "a mapping of State names to ISO3 codes (e.g. \"Kingdom of Norway\": NOR)")
    for name, code in data.items():
        if str(code) not in states():
            raise ParameterError(f"{path}: found the alias {excerpt(name)} for {excerpt(code)}, which is no State's "
                                 "ISO3 code; "
                                 f"expected an ISO 3166 alpha-3 code such as NOR{suggest(str(code)[:10], states())}")
    return {normalise(k): str(v) for k, v in data.items()}


class CountryResolver:
    """Resolves names as found in sources to ``State`` objects, with optional user aliases."""

    def __init__(self, aliases_file=None):
        self.index = dict(_builtin_aliases())
        self.aliases_file = aliases_file
        if aliases_file and Path(aliases_file).exists():
            self.index.update(load_aliases(aliases_file))

    def lookup(self, name):
        """The ``State`` for ``name``, or None if it matches none exactly."""
        code = self.index.get(normalise(name))
        return states()[code] if code else None

    def resolve(self, name):
        """The ``State`` for ``name``; raises ``UnknownCountryError`` with suggestions."""
        state = self.lookup(name)
        if state is None:
            raise UnknownCountryError(f"{name!r} matches no State{suggest(name)}")
        return state


def suggest(name, candidates=None):
    """A '; did you mean ...?' phrase with close names (or close codes from ``candidates``), or ''."""
    if candidates is not None:
        codes = difflib.get_close_matches(str(name).upper(), list(candidates), n=3, cutoff=0.5)
        close = [f"{c} ({states()[c].name})" if c in states() else c for c in codes]
    else:
        close = close_names(name)
    return f"; did you mean {', '.join(close)}?" if close else ""


def close_names(name):
    """Up to three States whose names are spelt like ``name``: ``["Norway (NOR)", ...]``."""
    index = _builtin_aliases()
    keys = difflib.get_close_matches(normalise(name), list(index), n=8, cutoff=0.6)
    keys += [k for k in index if normalise(name) and set(normalise(name).split()) & set(k.split())]
    codes = list(dict.fromkeys(index[k] for k in keys))[:3]
    return [f"{states()[c].name} ({c})" for c in codes]


def check_iso3(code):
    """Return ``code`` upper-cased if it looks like an ISO3 code; refuse anything else before use."""
    text = str(code).strip().upper()
    if not ISO3_PATTERN.match(text):
        raise UnknownCountryError(f"{code!r} is not an ISO 3166 alpha-3 code (three letters, e.g. NOR)")
    return text


def check_present(code, available, source=None):
    """Refuse a code absent from the States under review of the data (``source`` names it), suggesting close ones."""
    if code not in available:
        known = f" ({states()[code].name})" if code in states() else " (no State's ISO3 code)"
        raise UnknownCountryError(f"{code}{known} is not a State under review in {source or 'the data'}; expected "
                                  f"one of its {len(available)} States under review{suggest(code, available)}")
