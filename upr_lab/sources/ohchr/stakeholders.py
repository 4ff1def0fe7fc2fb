"""Summaries of stakeholders' submissions (A/HRC/WG.6/<session>/<ISO3>/3) -> participation rows.

From the summary OHCHR prepares for each review:

* ``stakeholder_submissions``: the N it states ("a summary of 16 stakeholders' submissions", or in words,
  "a summary of seven stakeholders' submissions");
* ``joint_submissions``: the joint submissions in the list of contributors ("Joint submission 2 submitted
  by: ...", "JS4: Joint submission by ..." in later summaries, "(Joint submission)" after a name in early
  ones), each number once; unknown (empty) when the summary lists no contributors, and, with a warning,
  when the list is cut short or out of order: a joint submission the text cites ("JS5 reported") is not
  in it, nothing follows its last joint submission (no next category of contributors, no next footnote),
  or it lists more joint submissions than the summary states submissions;
* ``nhri_submitted``: true only when the summary has a section of information provided by the national
  human rights institution ("II. Information provided by the national human rights institution ...").
  The sentence announcing that such a section is provided where an accredited institution submitted is
  boilerplate, and an institution quoted among the other stakeholders has no section: both give false;
* ``sur_iso3``, ``session`` and ``cycle`` from the document symbol.

A file that holds another document too (a second symbol alone on a line, a second title or sentence
"a summary of N ..."), an N above ``MAX_SUMMARY_SUBMISSIONS`` and a summary in another UN language are refused.

``national_consultation`` is not in the summary (the national report says it): it stays empty for the
user to complete.

``participation_frame`` gives the validated participation table of the summaries among some files (the
other files ignored), ``read_summaries`` that of documents given as participation (every one must be a
summary); in both an unknown value is NA, never 0 or false.
"""

import csv
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from upr_lab.exceptions import DataError
from upr_lab.files import write_atomic
from upr_lab.limits import MAX_SUMMARY_SUBMISSIONS

from .. import calendar, schema
from ..countries import check_iso3, states
from .language import not_english
from .text import flat, read_document

COLUMNS = ["sur_iso3", "cycle", "session", "stakeholder_submissions", "joint_submissions", "nhri_submitted",
           "national_consultation", "document"]
SYMBOL = re.compile(r"A/HRC/WG\.6/(\d{1,2})/([A-Z]{3})/3\b")
HEAD = 600  # characters at the top of a document, where its own symbol is printed
OWN_SYMBOL = re.compile(r"^[ \t]*(A/HRC/\S+)[ \t]*$", re.MULTILINE)  # a symbol alone on a line: the top block
FILE_SYMBOL = re.compile(r"A_HRC_WG\.6_(\d{1,2})_([A-Z]{3})_3$")
SUMMARY_NAME = re.compile(r"_3\.(pdf|txt)$", re.IGNORECASE)  # how a summary's file is named (…_3.pdf, …_3.txt)
STATED = re.compile(r"summary of (?:the )?(\w+(?:[- ]\w+)?) stakeholders?['’]? submissions", re.IGNORECASE)
NHRI_SECTION = re.compile(r"(?:^|\s)(?:[IVX]+|[A-H])\.\s+Information provided by the national human rights "
                          r"institution", re.IGNORECASE)
JOINT_NUMBERED = re.compile(r"Joint\s*submission\s*(?:No\.?\s*)?(\d{1,3})\s*(?:\(JS\s*\d{1,3}\)\s*)?,?\s*"
                            r"(?:[-–—:]|su|presented|prepared|made|composed|by\b)|"  # "su": "submitted" cut by a page
                            r"\bJS\s?(\d{1,3})\s*[-–—:]?\s*Joint submission\s*(?:by|of|:)", re.IGNORECASE)
JOINT_MARKED = re.compile(r"\(Joint submission\)", re.IGNORECASE)
CITED = re.compile(r"\bJS\s?(\d{1,3})\b")  # a joint submission cited in the text: "JS2 reported that"
CONTRIBUTORS = re.compile(r"(?:(\d{1,3})\s+)?(The stakeholders listed below|have contributed information for this "
                          r"summary|original submissions are available|The following stakeholders)", re.IGNORECASE)
NEXT_CATEGORY = re.compile(r"National human rights institutions?|Regional (?:intergovernmental )?[Oo]rgani[sz]ations?|"
                           r"United Nations (?:entities|agencies|bodies)|Others?\s*:")  # case-sensitive: headings
TITLE = re.compile(r"Summary of (?:the )?stakeholders['’]? (?:submissions|information)", re.IGNORECASE)
WG_SYMBOL_LINE = re.compile(r"^[ \t]*(A/HRC/WG\.6/\d{1,2}/[A-Z]{3}/\d)[ \t]*(?:\d{1,3}[ \t]*)?$", re.MULTILINE)
NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                      "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def summary_row(path):
    """The participation row of one stakeholder summary (a dict with ``COLUMNS``)."""
    return _row(path, read_document(path).text)


def _row(path, raw):
    """The participation row of the summary at ``path`` whose text is ``raw``."""
    text = flat(raw)
    session, iso3, symbol = _symbol(path, raw)
    _refuse_second_document(path, raw, text, symbol)
    stated = _stated(path, text)
    return {"sur_iso3": iso3, "cycle": calendar.cycle_of(session), "session": session,
            "stakeholder_submissions": stated, "joint_submissions": _joint(path, text, stated),
            "nhri_submitted": bool(NHRI_SECTION.search(text)), "national_consultation": None, "document": symbol}


def top_symbol(raw):
    """The summary symbol A/HRC/WG.6/<session>/<ISO3>/3 a document carries as its own, or None.

    A document's own symbol is the first one standing alone on a line (the block at its top, or the header
    of its first page: PDFium may give that after the page's body), else one within its first ``HEAD``
    characters; other reports cite a summary's symbol only further on, within their sentences.
    """
    own = OWN_SYMBOL.search(raw)
    if own is not None:
        return SYMBOL.fullmatch(own.group(1))
    return SYMBOL.search(flat(raw)[:HEAD])


def _symbol(path, raw):
    """Session and State from the document's own symbol, printed at its top (other reports cite it further on),
    else from the file's name."""
    text = flat(raw)
    match = top_symbol(raw) or FILE_SYMBOL.search(Path(path).stem)
    language = not_english(raw)
    if language is not None:
        raise DataError(f"found a document in {language}; expected the English version of the summary of "
                        "stakeholders' submissions (upr-lab reads UN documents in English)", path=path)
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
    if number is None or number > MAX_SUMMARY_SUBMISSIONS:
        found = f"'{match.group(0)[:80]}'" if match else "no such sentence"
        raise DataError(f"found {found}; expected the number of submissions stated as 'a summary of N "
                        f"stakeholders' submissions', N at most {MAX_SUMMARY_SUBMISSIONS:,}", path=path)
    return number


def _refuse_second_document(path, raw, text, symbol):
    """A file that holds pages of another document: another symbol standing alone on a line as a document's
    own does (in two page headers or more, or in a cover block with "Distr."; a footnote may cite a symbol
    alone on its line once), a second title or a second sentence stating the number of submissions."""
    lines = list(WG_SYMBOL_LINE.finditer(raw))
    others = sorted({m.group(1) for m in lines if m.group(1) != symbol and (
        sum(n.group(1) == m.group(1) for n in lines) > 1 or "Distr" in raw[max(0, m.start() - 300):m.end() + 300])})
    found = ([f"the symbol {others[0]}"] if others else []) + \
        [f"{len(p.findall(text))} {what}" for p, what in ((TITLE, "titles 'Summary of stakeholders' submissions'"),
                                                          (STATED, "sentences 'a summary of N stakeholders' "
                                                                   "submissions'")) if len(p.findall(text)) > 1]
    if found:
        raise DataError(f"found {found[0]} in the summary {symbol}; expected one document per file (are pages of "
                        "another document appended?)", path=path)


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


def _joint(path, text, stated):
    """Joint submissions in the list of contributors; None (unknown) when the summary lists no contributors,
    and, with a warning, when the list is cut short: a joint submission cited in the text is missing from
    it, nothing (no next category of contributors, no next footnote) follows its last joint submission, or
    it lists more joint submissions than the summary states submissions."""
    listed = CONTRIBUTORS.search(text)
    if listed is None:
        return None
    contributors = text[listed.start():]
    entries = list(JOINT_NUMBERED.finditer(contributors))
    numbered = {int(m.group(1) or m.group(2)) for m in entries}
    marked = list(JOINT_MARKED.finditer(contributors))
    count = max(len(numbered), len(marked))
    missing = sorted({int(n) for n in CITED.findall(_body(path, text))} - numbered) if numbered or not marked else []
    last = max(entries + marked, key=lambda m: m.end(), default=None)
    footnote = listed.group(1) and re.compile(rf"(?<!\S){int(listed.group(1)) + 1}\s+[A-Z(]")
    ended = last is None or NEXT_CATEGORY.search(contributors, last.end()) or footnote and footnote.search(
        contributors, last.end())
    problem = (f"JS{missing[0]} is cited but not in its list of contributors" if missing else
               "its list of contributors stops after its last joint submission" if not ended else
               f"it lists {count} joint submissions but states {stated} submissions" if count > stated else None)
    if problem:
        warnings.warn(f"{path}: {problem} (is the summary cut short or out of order?): joint submissions left "
                      "unknown", UserWarning, stacklevel=5)
        return None
    return count


def _body(path, text):
    """The running text whose citations are checked: a PDF's body without its footnotes and footnote marks
    ('JS384' is JS3 with mark 84 in a PDF's full text); a text file's own text."""
    document = read_document(path)
    return flat(document.body) if document.is_pdf else text


def summary_files(paths):
    """The documents ``paths`` stand for, in a stable order: each file as given, and each folder's …_3.pdf,
    then …_3.txt files (the names OHCHR gives summaries of stakeholders' submissions)."""
    return [f for p in map(Path, paths) for f in (sorted(p.glob("*_3.pdf")) + sorted(p.glob("*_3.txt"))
                                                    if p.is_dir() else [p])]


def extract(paths):
    """Participation rows of the stakeholder summaries ``paths`` (files, or folders of .pdf/.txt files), one
    per review, in a stable order; a folder's documents that are no stakeholder summary are refused."""
    files = _required(paths)
    return [row for _, row in _reviews((path, summary_row(path)) for path in files)]


def _required(paths):
    """``summary_files(paths)``; refuses none."""
    files = summary_files(paths)
    if not files:
        raise DataError("found no stakeholder summary (…_3.pdf or …_3.txt); expected summaries of stakeholders' "
                        "submissions", path=Path(paths[0]) if paths else None)
    return files


def _reviews(found):
    """One (path, row) per review from (path, row) pairs, sorted by State and session: a PDF and its text
    version (the same symbol) give one review, the first one read."""
    rows = {}
    for path, row in found:
        rows.setdefault((row["sur_iso3"], row["session"]), (path, row))
    return [rows[key] for key in sorted(rows)]


def read_summaries(paths):
    """The participation table (``schema.PARTICIPATION``) of stakeholder summaries given as participation:
    files, or folders of …_3.pdf / …_3.txt files, every one a summary (others are refused); one row per
    review, ``national_consultation`` unknown (NA), ``joint_submissions`` NA where no contributors are listed."""
    return _frame(_reviews((path, summary_row(path)) for path in _required(paths)))


def participation_frame(paths):
    """The participation table (``schema.PARTICIPATION``, validated) of the stakeholder summaries among
    ``paths`` (files or folders), or None when there is none.

    Files not named …_3.pdf or …_3.txt, and files so named whose top carries no symbol
    A/HRC/WG.6/<session>/<ISO3>/3 (``top_symbol``), are ignored; a file that carries it but cannot be read
    as a summary is refused (``DataError``). Unknown values are NA, as in ``read_summaries``.
    """
    files = [f for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p])
             if f.is_file() and SUMMARY_NAME.search(f.name)]
    texts = ((path, read_document(path).text) for path in files)
    found = _reviews((path, _row(path, raw)) for path, raw in texts if top_symbol(raw) is not None)
    return _frame(found) if found else None


def _frame(found):
    """The validated participation frame of (path, row) reviews; refuses two sessions of one State in a cycle."""
    seen = {}
    for path, row in found:
        first = seen.setdefault((row["sur_iso3"], row["cycle"]), row)
        if first is not row:
            raise DataError(f"found {first['document']} and {row['document']}, two sessions of "
                            f"{row['sur_iso3']} in cycle {row['cycle']}; expected one review per State under "
                            "review and cycle", path=path)
    rows = [row for _, row in found]
    frame = pd.DataFrame({
        "sur_iso3": pd.Series([r["sur_iso3"] for r in rows], dtype="str"),
        "cycle": pd.Series([r["cycle"] for r in rows], dtype="int64"),
        "stakeholder_submissions": pd.Series([r["stakeholder_submissions"] for r in rows], dtype="int64"),
        **{column: pd.Series([r[column] for r in rows], dtype=dtype) for column, dtype in
           (("joint_submissions", "Int64"), ("nhri_submitted", "boolean"), ("national_consultation", "boolean"))},
    })
    frame = schema.validate(frame, schema.PARTICIPATION, found[0][0])
    return frame.sort_values(["sur_iso3", "cycle"], ignore_index=True)


def write_rows(paths, out):
    """Extract the rows of ``paths`` and write them as CSV to ``out`` (``national_consultation`` left empty)."""
    rows = extract(paths)
    return write_atomic(out, csv_text(rows)), rows


def csv_text(rows):
    """Participation rows (dicts with ``COLUMNS``) as CSV: unknown values empty, flags ``true``/``false``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})
    return out.getvalue()


def frame_of(found):
    """The validated participation table of ``(path, row)`` reviews, one per State and cycle, in order."""
    return _frame(found)
