"""The references of upr-lab and of the sources it reads, from one table (``upr_lab/data/references.csv``),
written as text or as BibTeX.

A reference is the table's row (who published what, which version, where, under which licence) and, where a
data set or a run used it, what was used: the sessions and recommendations, the files and their SHA-256, the
documents by symbol, the date a download was made. Nothing is dated by the clock: the same inputs give the same
references.
"""

import csv
from dataclasses import dataclass, field

from upr_lab.version import PACKAGE_DIR, __version__

TABLE = PACKAGE_DIR / "data" / "references.csv"
FIELDS = ("key", "type", "author", "title", "version", "year", "publisher", "url", "accessed", "licence",
          "coverage", "note")
BIBTEX_TYPES = {"software": "misc", "dataset": "misc", "report": "techreport"}
FORMATS = ("text", "bibtex")


@dataclass
class Reference:
    """One row of the references table, with what a data set or a run used of it (``used``: lines of text)
    and an access date recorded for this use (``accessed``, e.g. a download's), where there is one."""

    key: str
    type: str
    author: str
    title: str
    version: str = ""
    year: str = ""
    publisher: str = ""
    url: str = ""
    accessed: str = ""
    licence: str = ""
    coverage: str = ""
    note: str = ""
    used: list = field(default_factory=list)


def references():
    """Every reference of the table, by key, in the table's order (upr-lab's own version filled in)."""
    with open(TABLE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = {}
    for row in rows:
        row = {name: row[name].strip() for name in FIELDS}
        row["version"] = row["version"].replace("{version}", __version__)
        found[row["key"]] = Reference(**row)
    return found


def render(refs, fmt="text", heading=""):
    """``refs`` (a list of ``Reference``) as numbered text or as BibTeX entries."""
    if fmt == "bibtex":
        preface = "".join(f"% {line}\n" for line in heading.splitlines())
        return preface + "\n".join(bibtex(r) for r in refs)
    lines = [heading, ""] if heading else []
    for number, ref in enumerate(refs, 1):
        lines.append(f"[{number}] {text(ref)}")
        lines += [f"    {line}" for line in ref.used]
    return "\n".join(lines) + "\n"


def text(ref):
    """One reference as a sentence a reader can paste: author. title. version. publisher. url (accessed)."""
    parts = [ref.author, ref.title + (f" ({ref.year})" if ref.year else "")]
    version = f"Version {ref.version}" if ref.version[:1].isdigit() else ref.version[:1].upper() + ref.version[1:]
    parts += [version, ref.publisher if ref.publisher != ref.author else ""]
    accessed = f" (accessed {ref.accessed})" if ref.accessed else ""
    parts += [f"{ref.url}{accessed}" if ref.url else accessed.strip(), f"Licence: {ref.licence}" if ref.licence else "",
              ref.note]
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


def bibtex(ref):
    """One reference as a BibTeX entry (``@misc`` for data and software, ``@techreport`` for a report; the
    ``url``, ``urldate`` and ``version`` fields are biblatex's, which plain BibTeX styles ignore)."""
    entry = BIBTEX_TYPES.get(ref.type, "misc")
    notes = [f"Licence: {ref.licence}" if ref.licence else "", ref.note, *ref.used]
    person = "," in ref.author  # "Last, First"; an organisation is kept whole in braces
    values = [("author", _escape(ref.author) if person else "{" + _escape(ref.author) + "}"), ("title", "{" + _escape(ref.title) + "}"),
              ("version", _escape(ref.version)), ("year", ref.year),
              ("institution" if entry == "techreport" else "publisher", _escape(ref.publisher)),
              ("url", ref.url), ("urldate", ref.accessed),
              ("note", _escape(". ".join(n.rstrip(".") for n in notes if n) + "." if any(notes) else ""))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in values if value)
    return f"@{entry}{{{ref.key},\n{body}\n}}\n"


def _escape(value):
    """``value`` with the characters LaTeX reads as commands escaped."""
    for char in "\\&%$#_{}":
        value = value.replace(char, "\\" + char) if char != "\\" else value.replace("\\", r"\textbackslash ")
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")
