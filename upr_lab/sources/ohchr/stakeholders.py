"""Summaries of stakeholders' submissions (A/HRC/WG.6/<session>/<ISO3>/3) -> participation rows.

From the summary OHCHR prepares for each review:

* ``stakeholder_submissions``: the N it states ("a summary of 16 stakeholders' submissions", or in words,
  "a summary of seven stakeholders' submissions");
* ``joint_submissions``: the joint submissions in the list of contributors ("Joint submission 2 submitted
  by: ..." in later summaries, "(Joint submission)" after a name in early ones); unknown (empty) when the
  summary lists no contributors;
* ``nhri_submitted``: true only when the summary has a section of information provided by the national
  human rights institution ("II. Information provided by the national human rights institution ...").
  The sentence announcing that such a section is provided where an accredited institution submitted is
  boilerplate, and an institution quoted among the other stakeholders has no section: both give false;
* ``sur_iso3``, ``session`` and ``cycle`` from the document symbol.

``national_consultation`` is not in the summary (the national report says it): it stays empty for the
user to complete.
"""

import csv
import re
from pathlib import Path

from upr_lab.exceptions import DataError

from .. import calendar
from ..countries import check_iso3, states
from .text import document_text, flat

COLUMNS = ["sur_iso3", "cycle", "session", "stakeholder_submissions", "joint_submissions", "nhri_submitted",
           "national_consultation", "document"]
SYMBOL = re.compile(r"A/HRC/WG\.6/(\d{1,2})/([A-Z]{3})/3\b")
HEAD = 600  # characters at the top of a document, where its own symbol is printed
FILE_SYMBOL = re.compile(r"A_HRC_WG\.6_(\d{1,2})_([A-Z]{3})_3$")
STATED = re.compile(r"summary of (?:the )?(\w+(?:[- ]\w+)?) stakeholders?['’]? submissions", re.IGNORECASE)
NHRI_SECTION = re.compile(r"(?:^|\s)(?:[IVX]+|[A-H])\.\s+Information provided by the national human rights "
                          r"institution", re.IGNORECASE)
JOINT_NUMBERED = re.compile(r"Joint submission (\d+) submitted by", re.IGNORECASE)
JOINT_MARKED = re.compile(r"\(Joint submission\)", re.IGNORECASE)
CONTRIBUTORS = re.compile(r"(have contributed information for this summary|original submissions are available|"
                          r"The following stakeholders)", re.IGNORECASE)
NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def summary_row(path):
    """The participation row of one stakeholder summary (a dict with ``COLUMNS``)."""
    text = flat(document_text(path))
    session, iso3, symbol = _symbol(path, text)
    return {"sur_iso3": iso3, "cycle": calendar.cycle_of(session), "session": session,
            "stakeholder_submissions": _stated(path, text), "joint_submissions": _joint(text),
            "nhri_submitted": bool(NHRI_SECTION.search(text)), "national_consultation": None, "document": symbol}


def _symbol(path, text):
    """Session and State from the document's own symbol, printed at its top (other reports cite it further on),
    else from the file's name."""
    match = SYMBOL.search(text[:HEAD]) or FILE_SYMBOL.search(Path(path).stem)
    if match is None or STATED.search(text) is None:
        raise DataError("found no symbol A/HRC/WG.6/<session>/<ISO3>/3 at its top or no sentence 'a summary of N "
                        "stakeholders' submissions'; expected the summary of stakeholders' submissions of a UPR "
                        "review", path=path)
    session, iso3 = int(match.group(1)), check_iso3(match.group(2))
    if iso3 not in states() or session not in calendar.SESSION_YEARS:
        raise DataError(f"found the symbol of session {session}, State {iso3}; expected a UPR session 1-54 and a "
                        "State's ISO3 code", path=path)
    return session, iso3, f"A/HRC/WG.6/{session}/{iso3}/3"


def _stated(path, text):
    match = STATED.search(text)
    number = None if match is None else _number(match.group(1))
    if number is None:
        found = f"'{match.group(0)}'" if match else "no such sentence"
        raise DataError(f"found {found}; expected the number of submissions stated as 'a summary of N "
                        "stakeholders' submissions'", path=path)
    return number


def _number(word):
    """'16' -> 16, 'seven' -> 7, 'twenty-one' -> 21; None for anything else."""
    word = word.lower().replace(" ", "-")
    if word.isdigit():
        return int(word)
    if word in NUMBERS:
        return NUMBERS[word]
    tens, _, unit = word.partition("-")
    if tens in TENS and (not unit or unit in NUMBERS and NUMBERS[unit] < 10):
        return TENS[tens] + (NUMBERS[unit] if unit else 0)
    return None


def _joint(text):
    """Joint submissions in the list of contributors, or None when the summary lists no contributors."""
    listed = CONTRIBUTORS.search(text)
    if listed is None:
        return None
    contributors = text[listed.start():]
    numbered = {int(n) for n in JOINT_NUMBERED.findall(contributors)}
    return max(len(numbered), len(JOINT_MARKED.findall(contributors)))


def extract(paths):
    """Participation rows of the stakeholder summaries ``paths`` (files, or folders of .pdf/.txt files), one
    per review, in a stable order; a folder's documents that are no stakeholder summary are refused."""
    files = [f for p in map(Path, paths) for f in (sorted(p.glob("*_3.pdf")) + sorted(p.glob("*_3.txt"))
                                                     if p.is_dir() else [p])]
    if not files:
        raise DataError("found no stakeholder summary (…_3.pdf or …_3.txt); expected summaries of stakeholders' "
                        "submissions", path=Path(paths[0]) if paths else None)
    rows = {}
    for path in files:
        row = summary_row(path)
        rows.setdefault((row["sur_iso3"], row["session"]), row)  # a PDF and its text version: one review
    return [rows[key] for key in sorted(rows)]


def write_rows(paths, out):
    """Extract the rows of ``paths`` and write them as CSV to ``out`` (``national_consultation`` left empty)."""
    rows = extract(paths)
    out = Path(out)
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})
    return out, rows
