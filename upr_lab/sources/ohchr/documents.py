"""A set of OHCHR documents (a folder, or files) -> canonical recommendations.

Each document is told by its top: a Working Group report (A/HRC/<s>/<n>), its addendum
(A/HRC/<s>/<n>/Add.1), a stakeholder summary (A/HRC/WG.6/<s>/<ISO3>/3, read as participation,
``stakeholders``) or another document of a review (the national report ``/1`` and the UN compilation
``/2``, which hold no recommendations: skipped, and said so). A report's recommendations left "to be
examined" take the State's response from the addendum that answers that report, joined by paragraph
("122.12"; a bare "12" in an addendum is item 12 of the report's one paragraph left to be examined).
Without the addendum, or where the addendum gives no response, the response is ``other`` (pending),
and the file's record says how many.

One row per recommendation and recommending State, as UPR Info and DIHR give them.
"""

import re
import warnings

import pandas as pd

from upr_lab.exceptions import DataError, UnknownCountryError

from .. import calendar
from ..formats import fields
from . import report as reports
from . import stakeholders
from .language import not_english
from .text import read_document

SOURCE = "ohchr"
UN_SYMBOL = re.compile(r"(A/HRC/(?:WG\.6/\d{1,2}/[A-Z]{3}/[123]|\d{1,2}/\d{1,3}(?:/Add\.\d)?))")
OTHER_REVIEW_DOCUMENT = re.compile(r"A/HRC/WG\.6/\d{1,2}/[A-Z]{3}/[12]")
OWN_SYMBOL = re.compile(r"United Nations\s+(A/HRC/\S+)")  # the cover's "United Nations A/HRC/14/15"
UN_BODY = re.compile(r"Human Rights Council|General Assembly|Conseil des droits de l|Assemblée générale|Consejo de "
                     r"Derechos Humanos|Asamblea General|Совет по правам человека|Генеральная Ассамблея|"
                     r"مجلس حقوق الإنسان|الجمعية العامة|人权理事会|大会")  # in the six UN languages
TOP, OWN = 1500, 6000


def is_document(path):
    """True for a PDF, or a text file that is a UN document (its top carries an A/HRC symbol) rather than a table."""
    if path.suffix.lower() == ".pdf":
        return True
    if path.suffix.lower() != ".txt":
        return False
    with open(path, "rb") as f:
        top = f.read(4000).decode("utf-8", "replace")
    first = next((line for line in top.splitlines() if line.strip()), "")
    header_like = "\t" in first or first.count(",") >= 3 and len(first) < 1000  # a table's header row
    return not header_like and UN_SYMBOL.search(top) is not None and UN_BODY.search(top) is not None


def read(paths, resolver, refused=None):
    """The canonical recommendations of each report among ``paths`` (its addendum joined), and for every
    document a record of what it is and what was read from it: ``({path: frame}, {path: record})``.

    A document that cannot be read is refused with a ``DataError``; with ``refused`` (a list), it is listed
    there instead as ``(path, message)``, its record says ``refused``, and the others are read (a report whose
    addendum is refused is read without it, its recommendations left to be examined pending).
    """
    from . import addendum as addenda

    refusals = None if refused is None else []
    kinds, answers, read_reports, symbols = {}, {}, {}, set()
    for path in sorted(paths, key=_pdf_first):  # each document read while its text is in memory: PDFs are slow
        kind = kinds[path] = _guarded(refusals, path, _kind, path)
        if kind == "addendum":
            answer = _guarded(refusals, path, addenda.read_addendum, path)
            answers.update({answer.report: answer} if answer is not None else {})
        elif kind == "report" and _first_of_its_symbol(path, symbols):
            read_reports[path] = _guarded(refusals, path, reports.read_report, path, resolver)
    frames, records = {}, {}
    for path, report in sorted((item for item in read_reports.items() if item[1] is not None), key=lambda i: i[0]):
        found = _guarded(refusals, path, _report_rows, report, answers.get(report.symbol), refusals)
        if found is not None:
            frames[path], records[path] = found
    for path, message in refusals or []:
        records[path] = {"format": "refused", "error": message}
        refused.append((path, message))
    for path, kind in kinds.items():
        if kind is not None:
            records.setdefault(path, {"format": f"ohchr-{kind}"})
    return frames, records


def _pdf_first(path):
    return path.suffix.lower() != ".pdf", path.name


def _first_of_its_symbol(path, symbols):
    """False for a report whose symbol is in ``symbols`` (those read, to which its own is added): a report given
    twice (its PDF and a text version) is read once, from the PDF (``_pdf_first`` puts PDFs first)."""
    symbol = reports.report_symbol(read_document(path))[0]
    first = symbol not in symbols
    symbols.add(symbol)
    return first


def _report_rows(report, answer, refusals):
    """A report's rows and record; with ``refusals``, an addendum that does not answer it is refused and the
    report read without it."""
    try:
        return _rows(report, answer)
    except DataError as exc:
        if refusals is None or answer is None or exc.path != answer.path:
            raise
        refusals.append((answer.path, refusal_message(exc)))
        return _rows(report, None)


def _guarded(refusals, path, read_one, *args):
    """``read_one(*args)``; with ``refusals`` (a list), the document at ``path`` refused is listed there and None
    returned."""
    if refusals is None:
        return read_one(*args)
    try:
        return read_one(*args)
    except (DataError, UnknownCountryError) as exc:
        refusals.append((path, refusal_message(exc)))
        return None


def refusal_message(exc):
    """An error's message without the path it starts with (a refused document's record names it)."""
    text, where = str(exc), str(getattr(exc, "path", None) or "")
    return text[len(where):].lstrip(":, ") if where and text.startswith(where) else text


def _kind(path):
    from . import addendum as addenda

    document = read_document(path)
    if stakeholders.top_symbol(document.text) is not None:
        return "stakeholder-summary"
    own = OWN_SYMBOL.search(document.text[:OWN]) or UN_SYMBOL.search(document.text[:TOP])
    if own is not None and OTHER_REVIEW_DOCUMENT.fullmatch(own.group(1)):
        return "review-document"
    if addenda.is_addendum(document):
        return "addendum"
    if reports.is_report(document):
        return "report"
    language = not_english(document.text)
    if language is not None:
        raise DataError(f"found a document in {language}; expected the English version (upr-lab reads UN documents "
                        "in English)", path=path)
    raise DataError("found no UPR document at its top (no symbol A/HRC/<session>/<number>, .../Add.1 or "
                    "A/HRC/WG.6/<session>/<ISO3>/3); expected a Working Group report, its addendum or a "
                    "stakeholder summary", path=path)


def _rows(report, answer):
    responses = _responses(report, answer)
    rows = [(rec, state, responses[i]) for i, rec in enumerate(report.recommendations) for state in rec.states]
    frame = pd.DataFrame({
        "rec_id": "", "source": SOURCE, "cycle": calendar.cycle_of(report.session), "session": report.session,
        "year": calendar.year_of(report.session), "sur_iso3": report.sur.iso3, "sur_name": report.sur.name,
        "sur_group": report.sur.group,
        "recommender_iso3": [s.iso3 for _, s, _ in rows], "recommender_name": [s.name for _, s, _ in rows],
        "recommender_group": [s.group for _, s, _ in rows], "text": [r.text for r, _, _ in rows],
        "response": [response for _, _, response in rows],
        "action_category": pd.array([pd.NA] * len(rows), dtype="Int64"),
        "issues": [()] * len(rows), "sdg_goals": [()] * len(rows), "sdg_targets": [()] * len(rows),
        "document": report.symbol, "paragraph": [r.paragraph for r, _, _ in rows], "implementation": "",
    }, index=pd.RangeIndex(len(rows)))
    pending = [rec.paragraph for rec, response in zip(report.recommendations, responses) if response is None]
    frame["response"] = frame["response"].fillna("other")
    frame["rec_id"] = make_ids(frame)
    record = {"format": "ohchr-report", "document": report.symbol, "state": report.sur.iso3,
              "session": report.session, "rows": len(frame), "recommendations": len(report.recommendations),
              "items_by_position": _by_position(report), "cited_by_reference": _cited(report),
              "cited_not_found": list(report.not_found), "remarks": list(report.remarks),
              "addendum": answer.path.name if answer else None, "without_response": len(pending),
              "responses": {k: int(v) for k, v in frame["response"].value_counts().sort_index().items()}}
    if answer:  # the addendum's unanswered items and resolved contradictions, named for the warnings
        record.update(unanswered=list(dict.fromkeys(pending)), contradictions=list(answer.contradictions))
    return frame, record


def _by_position(report):
    """{position: numbered items} as the report's paragraphs state them."""
    counts = {}
    for _, position, items in report.positions:
        counts[position] = counts.get(position, 0) + items
    return counts


def _cited(report):
    """{position: recommendations cited by body paragraph and found} ("19(d)" rather than "115.3")."""
    counts = {}
    cited = set(report.cited)
    for rec in report.recommendations:
        if rec.paragraph in cited:
            position = rec.response or "to be examined"
            counts[position] = counts.get(position, 0) + 1
    return counts


def warn_pending(records, stacklevel=2):
    """Warn, for each report read, of the recommendations left without a response and of those cited by body
    paragraph that could not be found (also when read back from the cache, like the exact repeats)."""
    for name, detected in records:
        if detected.get("cited_not_found"):
            missing = detected["cited_not_found"]
            warnings.warn(f"{name}: {len(missing)} recommendations {detected['document']} cites by body paragraph were "
                          f"not found, so they are not rows: {'; '.join(missing[:5])}{' …' if len(missing) > 5 else ''}",
                          UserWarning, stacklevel=stacklevel + 1)
        misspelt = [r.split(": ", 1)[1] for r in detected.get("remarks", []) if "' read as " in r]
        if misspelt:
            warnings.warn(f"{name}: {len(misspelt)} recommending States misspelt in {detected['document']} read as the "
                          f"one State each is spelt like: {'; '.join(misspelt[:5])}{' …' if len(misspelt) > 5 else ''}",
                          UserWarning, stacklevel=stacklevel + 1)
        if detected.get("without_response"):
            where = "in its addendum" if detected.get("addendum") else "(no addendum among the documents)"
            named = f" ({_listed(detected['unanswered'])})" if detected.get("unanswered") else ""
            warnings.warn(f"{name}: {detected['without_response']} recommendations of {detected['document']} have no "
                          f"response {where}{named}: counted as 'other' (pending)", UserWarning,
                          stacklevel=stacklevel + 1)
        for line in detected.get("contradictions", []):
            warnings.warn(f"{detected['addendum']}: two positions for one {line}", UserWarning,
                          stacklevel=stacklevel + 1)


def _listed(items, most=10):
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


def _responses(report, answer):
    """Each recommendation's response: the report's own, else the addendum's, else None."""
    given = answer.by_reference() if answer else {}
    examined = report.examined
    _refuse_unknown_references(report, answer, given)
    found = []
    for rec in report.recommendations:
        if rec.response is not None:
            found.append(rec.response)
            continue
        bare = rec.paragraph.split(".")[1] if len(examined) == 1 and "." in rec.paragraph else None
        answered = given.get(rec.paragraph) or given.get(bare)
        found.append(answered.response if answered else None)
    return found


def _refuse_unknown_references(report, answer, given):
    paragraphs = {rec.paragraph for rec in report.recommendations}
    items = {rec.paragraph.split(".")[1] for rec in report.recommendations if "." in rec.paragraph and
             rec.paragraph.split(".")[0] in {str(p) for p in report.examined}}
    unknown = [ref for ref in given if ref not in paragraphs and ref not in items]
    if unknown and len(unknown) * 2 <= len(given):  # a few: a misprint in the addendum, not another review's
        warnings.warn(f"{answer.path.name}: responses to {', '.join(unknown[:5])}, which {report.symbol} does not "
                      "number, are left out", UserWarning, stacklevel=5)
    elif unknown:
        raise DataError(f"found responses to {', '.join(unknown[:5])}, which {report.symbol} does not number; expected "
                        "the addendum to that report (is it the addendum of another review?)", path=answer.path)


def make_ids(frame):
    """Stable ids from content: same report, paragraph, recommending State and text, same id."""
    return fields.make_ids(frame, fields.DOCUMENT_ID_CONTENT, "O")
