"""Fields every export format reads the same way: States by name, stable ids, errors that name the
file, row and column, and the empty canonical table."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.limits import EXCERPT_CHARS, excerpt

from .. import schema
from ..countries import UNKNOWN_NAMES, close_names, default_aliases


@dataclass(frozen=True)
class Source:
    """Where parsed values come from: the file, and each raw key's header as spelled in it."""

    path: Path
    headers: dict

    def error(self, message, row, key):
        return DataError(message, path=self.path, row=row, column=self.headers.get(key, key))

    def fail(self, raw, mask, key, expected):
        """Refuse the first row of ``raw`` (with a ``row`` column) where ``mask`` holds."""
        row = raw.loc[mask].iloc[0]
        raise self.error(f"found {excerpt(row[key])}; expected {expected}", int(row["row"]), key)


def header_keys(header, columns):
    """Map column position -> raw key, for the headers (case and spacing aside) that ``columns`` names."""
    names = [str(h).strip().lower() for h in header]
    return {i: columns[name] for i, name in enumerate(names) if name in columns}


def has_keys(header, columns, required):
    """True if ``header`` holds a column for each of the ``required`` raw keys."""
    keys = set(header_keys(header, columns).values())
    return all(k in keys for k in required)


def raw_rows(table, keys):
    """The columns ``keys`` names (position -> raw key) as strings without surrounding spaces, with ``row``:
    each row's number in its file, for messages. Two columns for one key are refused."""
    refuse_repeated_columns(table, keys)
    raw = table.rows[list(keys)].rename(columns=keys).apply(lambda c: c.str.strip())
    raw["row"] = table.row_numbers
    return raw


def headers_excerpt(header, limit=20):
    """A header row for a one-line message: each cell cut to a short excerpt, at most ``limit`` cells."""
    cells = [str(h) if len(str(h)) <= EXCERPT_CHARS else f"{str(h)[:EXCERPT_CHARS]}..." for h in header[:limit]]
    more = f" (and {len(header) - limit} more)" if len(header) > limit else ""
    return ", ".join(cells) + more


def refuse_repeated_columns(table, keys):
    """Two columns for one thing (``Response`` twice, or both ``To`` and ``SuR``) leave it unclear which to read."""
    seen = {}
    for i, key in keys.items():
        if key in seen:
            first = table.header[seen[key]]
            raise DataError(f"found the columns {excerpt(first)} (column {seen[key] + 1}) and "
                            f"{excerpt(table.header[i])} (column {i + 1}) for the same thing; expected one column "
                            "for each", path=table.path)
        seen[key] = i


DOCUMENT_ID_CONTENT = ("document", "paragraph", "sur_iso3", "recommender_name", "text", "response")


def states_of(raw, column, source, resolver, allow_unknown):
    """ISO3, name and group of the State named in each row's ``column``; an unknown name is refused."""
    lookup = {}
    for name in raw[column].unique():
        if allow_unknown and name.strip().lower() in UNKNOWN_NAMES:
            lookup[name] = ("", "(Unknown)", "")
            continue
        state = resolver.lookup(name)
        if state is None:
            row = int(raw.loc[raw[column] == name, "row"].iloc[0])
            raise source.error(unknown_state(name, resolver), row, column)
        lookup[name] = (state.iso3, state.name, state.group)
    values = [lookup[name] for name in raw[column]]
    return pd.DataFrame(values, columns=["iso3", "name", "group"])


def unknown_state(name, resolver):
    """Why a name is refused, with close names and, for mis-decoded text, what went wrong."""
    close = close_names(name)
    guess = f"; did you mean {', '.join(close)}?" if close else ""
    garbled = (" (the name looks mis-decoded, e.g. UTF-8 read as another encoding: re-export or re-save the "
               "file as UTF-8)") if looks_mojibake(name) else ""
    return (f"found {name!r}, which matches no State{garbled}{guess} Expected a State's name as the UN spells it, "
            f"or a spelling of your own listed in {resolver.aliases_file or default_aliases()}")


def looks_mojibake(text):
    """Latin text with Cyrillic letters or the 'Ã'/'Â' of UTF-8 read as Latin-1: 'CГґte', 'CÃ´te'."""
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in text) and any("a" <= c.lower() <= "z" for c in text)
    return cyrillic or "Ã" in text or "Â" in text


def make_ids(frame, content, prefix="R"):
    """Stable ids from the ``content`` columns: same recommendation, same id; exact repeats get '-2', '-3' ..."""
    columns = [_id_texts(frame[c]) for c in content]
    keys = ("\x1f".join(values) for values in zip(*columns))
    digests = pd.Series([prefix + hashlib.sha1(k.encode("utf-8")).hexdigest()[:12] for k in keys])
    occurrence = digests.groupby(digests).cumcount()
    return [d if n == 0 else f"{d}-{n + 1}" for d, n in zip(digests, occurrence)]


def _id_texts(column):
    """A column's values as they enter ids; a column of text without missing values as it is (quick)."""
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object and not column.isna().any():
        return column.tolist()
    return [_id_text(v) for v in column.tolist()]


def _id_text(value):
    """A value as it enters an id: missing values (an action category left empty) as '<NA>', as ever."""
    return "<NA>" if value is pd.NA or value is None or (isinstance(value, float) and value != value) else str(value)


def empty_recommendations():
    """An empty frame with the canonical columns and dtypes."""
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in schema.RECOMMENDATION_COLUMNS})
    for column in ("cycle", "session", "year"):
        frame[column] = frame[column].astype("int64")
    frame["action_category"] = frame["action_category"].astype("Int64")
    frame["action_category_probability"] = frame["action_category_probability"].astype("Float64")
    for column in schema.LIST_COLUMNS:
        frame[column] = frame[column].astype(object)
    return frame


def last_parenthesis_opening(text):
    """Where the parenthesis that closes ``text`` (which ends with ")") opens, or None when none does:
    '... (France) (Peru)' -> the index of '(Peru', '... (the Holy See (observer))' -> of '(the'."""
    start = text.rfind("(")
    if start >= 0 and ")" not in text[start + 1:-1]:  # no parentheses inside: the usual case
        return start
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return None
