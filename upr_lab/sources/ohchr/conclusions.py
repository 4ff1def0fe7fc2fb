"""The section "Conclusions and/or recommendations" of a Working Group report, read line by line against
the document's own numbering.

The section runs from its heading (the last one: the first is in the table of contents) to the closing
paragraph "All conclusions and/or recommendations contained in the present report reflect the position of
the submitting State(s) ..." (also "The conclusions and recommendations ...", "set out in"), or else to the
voluntary pledges or the annex. Its paragraphs are numbered on from the body (P, P+1, ...), each at the
start of a line; where the table of contents gives the section's range ("60 - 62"), the paragraphs read
must end where it says.

A paragraph of recommendations has an introduction, then items at the start of lines, either "P.1",
"P.2", ... ("115.1." and "101.100.Continue" occur too) or "1.", "2.", ... inside the paragraph (early
reports; a paragraph may hold more items than its own number, so "61." after item 60 is a new paragraph only
if it reads as one). Items are taken strictly in sequence, so a number quoted inside a recommendation is
never taken for the next item. Where item k+2 follows item k, the one line between them that starts with a
number is item k+1 misprinted ("84.93" for 82.93, "118.09" for 118.109, "73" without its full stop);
anything else is a gap, and the report is refused naming the paragraph.
"""

import re
from dataclasses import dataclass, field

from upr_lab.exceptions import DataError

HEADING = re.compile(r"^\s*(?:[IVX]+\.\s*)?Conclusions\s+and/or\s+recommendations\W*$", re.I | re.M)
HEADING_RUN_ON = re.compile(r"Conclusions\s+and/or\s+recommendations\W*\s(\d{2,3})\.\s+(?=[A-Z])", re.I)
CLOSING = re.compile(r"^(?:All\s+|The\s+)?conclusions\s+and(?:/or)?\s+recommendations\s+(?:contained|set\s+out|"
                     r"included)\s+in\s+(?:the\s+present|this)\s+report", re.I)
AFTER = re.compile(r"^\s*(?:[IVX]+\.\s*|[A-C]\.\s*)?(?:Voluntary\s+(?:pledges|commitments)(?:\s+and\s+\w+)?(?:\s+of\s+.{1,60})?|"
                   r"Annexe?s?(?:\s+[IVX\d]+)?|Composition\s+of\s+the\s+delegation)\W*$", re.I)  # a heading, a line of its own
TOC_RANGE = re.compile(r"Conclusions\s+and/or\s+recommendations\s*\.{3,}[ .]*(\d{2,3})\s*[-–]\s*(\d{2,3})", re.I)
LONG_LINE = 400  # characters: longer than any line of a page
LABEL_INSIDE = re.compile(r"(?<=[.;:])\s+(?=\d{1,3}\.?\s+[A-Z])|\s+(?=\d{2,3}\.\d{1,3}\.?\s)")
ANOMALOUS = {  # a line that starts with a number of the paragraph's kind: an item number misprinted
    "P.k": re.compile(r"^\s*\d{2,3}\.\d{1,3}\.?\s*(?=[A-Z“\"])"),  # "84.93" for 82.93, "118.09" for 118.109
    "list": re.compile(r"^\s*\d{1,3}\.?\s+(?=[A-Z“\"])"),  # "73" without its full stop
}


@dataclass
class Paragraph:
    """A paragraph of the section: its number, its introduction (text before the first item), its items
    ``[(k, text)]`` and the remarks made while reading it (misprinted item numbers)."""

    number: int
    intro: str = ""
    items: list = field(default_factory=list)
    numbering: str = ""  # "P.k", "list" or "" (no items)
    remarks: list = field(default_factory=list)
    _lines: list = field(default_factory=list)


class Section(list):
    """The section's paragraphs, and how it ended: ``end`` is the closing paragraph's number, True for a
    heading after it (voluntary pledges, annex) or an unnumbered closing paragraph, None for the text's end."""

    end = None


def read_section(body, path):
    """The section's paragraphs, in order, each whole; refuses a section it cannot read whole. The caller
    checks the section's end with ``check_end`` once it has read the items (whose refusals say more)."""
    lines, first, end = _section_lines(body, path)
    section = Section(_paragraphs(lines, first, path))
    section.end = end
    return section


def check_end(body, section, path):
    """The paragraphs read must run on to the closing paragraph's number, else end where the table of contents
    says the section ends: a paragraph lost with a page would otherwise be read into the one before."""
    _check_range(body, section, section.end, path)


def _section_lines(body, path):
    starts = list(HEADING.finditer(body))
    if starts:
        lines = body[starts[-1].end():].splitlines()
    else:  # the heading run on with the first paragraph
        run_on = list(HEADING_RUN_ON.finditer(body))
        if not run_on:
            raise DataError("found no section 'Conclusions and/or recommendations'; expected the report of a UPR "
                            "Working Group", path=path)
        lines = body[run_on[-1].start(1):].splitlines()
    lines = [part.strip() for line in lines for part in _broken(line) if part.strip()]
    if not lines or not re.match(r"\d{2,3}\.\s", lines[0]):
        found = f"'{lines[0][:60]}'" if lines else "nothing"
        raise DataError(f"found {found} after the heading 'Conclusions and/or recommendations'; expected its first "
                        "numbered paragraph", path=path)
    first = int(lines[0].split(".")[0])
    for i, line in enumerate(lines):
        head = re.match(r"(\d{2,3})\.\s+(.*)", line)
        if head and int(head.group(1)) > first and CLOSING.match(head.group(2)):
            return lines[:i], first, int(head.group(1))
        if (AFTER.match(line) or CLOSING.match(line)) and i:  # a heading, or the closing paragraph unnumbered
            return lines[:i], first, True
    return lines, first, None


def _broken(line):
    """A text without the page's line breaks (a whole document on one line) broken before each number that
    can start a paragraph or an item; the numbering decides later which do."""
    if len(line) < LONG_LINE:
        return [line]
    return LABEL_INSIDE.split(line)


def _check_range(body, paragraphs, end, path):
    first, last = paragraphs[0].number, paragraphs[-1].number
    if isinstance(end, int) and not isinstance(end, bool):
        if end != last + 1:
            raise DataError(f"found the closing paragraph numbered {end} after paragraph {last} of the section "
                            f"'Conclusions and/or recommendations'; expected paragraph {last + 1} next (is a page "
                            "missing?)", path=path)
        return
    toc = TOC_RANGE.search(" ".join(body[:6000].split()))
    if toc and int(toc.group(1)) == first and last not in (int(toc.group(2)), int(toc.group(2)) - 1):
        raise DataError(f"found paragraphs {first}-{last} in the section 'Conclusions and/or recommendations'; "
                        f"expected {toc.group(1)}-{toc.group(2)} as its table of contents says (is a page missing or "
                        "out of order?)", path=path)
    if end is None and not toc:
        raise DataError(f"found no end of the section 'Conclusions and/or recommendations' after paragraph {last}; "
                        "expected the closing paragraph 'All conclusions and/or recommendations contained in the "
                        "present report ...', the voluntary pledges or the annex", path=path)


def _paragraphs(lines, first, path):
    paragraphs = [Paragraph(first)]
    _start(paragraphs[-1], re.sub(r"^\d{2,3}\.\s*", "", lines[0]), path)
    for line in lines[1:]:
        _read_line(paragraphs, line, path)
    for paragraph in paragraphs:
        _close(paragraph, path)
    return paragraphs


def _read_line(paragraphs, line, path):
    current = paragraphs[-1]
    next_paragraph = re.match(rf"{current.number + 1}\.\s+(?=\S)(?!\d)", line)
    if next_paragraph and not _continues_list(current, line):
        paragraphs.append(Paragraph(current.number + 1))
        _start(paragraphs[-1], line[next_paragraph.end():], path)
        return
    _add(current, line, path)


def _continues_list(paragraph, line):
    """True when "P+1." is the next item of a list inside paragraph P rather than paragraph P+1: the text
    after it does not introduce recommendations or close the section."""
    if paragraph.numbering != "list" or paragraph.items[-1][0] + 1 != paragraph.number + 1:
        return False
    text = line.split(".", 1)[1]
    colon = text.find(":")
    return not (colon >= 0 and "recommendation" in text[:colon].lower())


def _start(paragraph, text, path):
    paragraph.intro = text
    first = re.search(rf"(?:^|(?<=[:.]))\s*(?={paragraph.number}\.1\.?\s|1\.\s+[A-Z])", text)
    if first and first.start() > 0:
        paragraph.intro = text[:first.start()]
        _add(paragraph, text[first.end():], path)


def _add(paragraph, line, path):
    """One line of a paragraph: the next item's first line, or more of the introduction or of the item."""
    k = paragraph.items[-1][0] if paragraph.items else 0
    label = _label(paragraph, line, k + 1)
    if label is None and paragraph.items and _label(paragraph, line, k + 2):
        _split_misprint(paragraph, line, path)
        k, label = k + 1, _label(paragraph, line, k + 2)
    if label is not None:
        paragraph.items.append([k + 1, line[label:].strip()])
        paragraph._lines.append([line])
        return
    inside = _label_inside(paragraph, line, k + 1)
    if inside is not None:
        _add(paragraph, line[:inside].rstrip(), path)
        _add(paragraph, line[inside:].lstrip(), path)
        return
    if paragraph.items:
        paragraph.items[-1][1] += " " + line
        paragraph._lines[-1].append(line)
    else:
        paragraph.intro += " " + line


def _label(paragraph, line, k):
    """Where item ``k``'s text starts if ``line`` starts with its number, else None. The first item fixes the
    numbering: "P.1" or "1."."""
    mode = paragraph.numbering
    if mode in ("", "P.k"):
        found = re.match(rf"{paragraph.number}\.{k}(?:\.\s*|\s+)(?=[^\d\s.])", line)
        if found and (mode or k == 1):
            paragraph.numbering = "P.k"
            return found.end()
    if mode in ("", "list"):
        found = re.match(rf"{k}(?:\.\s+|\s+(?=[A-Z]))(?=\S)", line)
        if found and (mode or k == 1 and _introduces_list(paragraph.intro)):
            paragraph.numbering = "list"
            return found.end()
    return None


def _introduces_list(intro):
    """A "1." opens a list only after an introduction that ends with a colon or speaks of recommendations."""
    return ":" in intro[-3:] or "recommend" in intro.lower()


def _label_inside(paragraph, line, k):
    """Where item ``k`` starts inside ``line``, after the previous item's end ("...(Algeria); 2. To ...")."""
    if not paragraph.numbering:
        return None
    number = rf"{paragraph.number}\.{k}\.?" if paragraph.numbering == "P.k" else rf"{k}\."
    found = re.search(rf"(?<=[;:.])\s+{number}\s+(?=[A-Z])", line) if paragraph.numbering == "list" else \
        re.search(rf"\s+{number}\s+(?=\S)", line)
    return found.end() - len(found.group(0).lstrip()) if found else None


def _split_misprint(paragraph, line, path):
    """Item k+2 follows item k: the one line of item k that starts with a number is item k+1 misprinted."""
    k, lines = paragraph.items[-1][0], paragraph._lines[-1]
    misprint = ANOMALOUS[paragraph.numbering]
    anomalous = [i for i, text in enumerate(lines) if i and misprint.match(text)]
    if len(anomalous) != 1:
        after = f"{paragraph.number}.{k}" if paragraph.numbering == "P.k" else f"{k}. of paragraph {paragraph.number}"
        expected = f"{paragraph.number}.{k + 1}" if paragraph.numbering == "P.k" else f"{k + 1}."
        raise DataError(f"found '{line[:40]}…' after item {after} with no item {expected} between them; expected the "
                        "items numbered without gaps (does the numbering break off, or is a page missing?)", path=path)
    i = anomalous[0]
    printed = misprint.match(lines[i]).group(0).strip()
    paragraph.remarks.append(f"item {paragraph.number}.{k + 1} printed as '{printed}'")
    paragraph.items[-1][1] = _text_of(lines[:i])
    paragraph.items.append([k + 1, " ".join([lines[i][len(misprint.match(lines[i]).group(0)):]] + lines[i + 1:])])
    paragraph._lines[-1] = lines[:i]
    paragraph._lines.append(lines[i:])


def _text_of(lines):
    """An item's text from its lines (the first line without its number)."""
    found = re.match(r"\d{1,3}(?:\.\d{1,3})?(?:\.\s*|\s+)", lines[0])
    return " ".join([lines[0][found.end() if found else 0:].strip()] + lines[1:])


def _close(paragraph, path):
    _refuse_repeats(paragraph, path)
    if not paragraph.items and re.search(r"recommendations?\b[^:]{0,300}:$", paragraph.intro.strip()):
        raise DataError(f"found paragraph {paragraph.number} '{_excerpt(paragraph.intro)}' with no numbered item "
                        f"after it; expected its items ('{paragraph.number}.1' or '1.') (is the text scrambled or "
                        "a page missing?)", path=path)
    paragraph.intro = " ".join(paragraph.intro.split())
    paragraph.items = [(k, " ".join(text.split())) for k, text in paragraph.items]


def _refuse_repeats(paragraph, path):
    """An item number met again inside a later item: the numbering repeats (a page printed twice, pages of
    another copy), which would otherwise add its items to the item before."""
    pattern = rf"{paragraph.number}\.(\d{{1,3}})(?:\.\s*|\s+)(?=\D)" if paragraph.numbering == "P.k" else \
        r"(\d{1,3})\.\s+(?=[A-Z])"
    for (k, _), lines in zip(paragraph.items, paragraph._lines):
        for line in lines[1:]:
            again = re.match(pattern, line)
            if again and 1 <= int(again.group(1)) < k:
                label, inside = (f"{paragraph.number}.{again.group(1)}", f"{paragraph.number}.{k}") if \
                    paragraph.numbering == "P.k" else (f"{again.group(1)}.", f"{k}. of paragraph {paragraph.number}")
                raise DataError(f"found item {label} again inside item {inside}; expected each item once (is a page "
                                "printed twice?)", path=path)


def _excerpt(text, size=70):
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size // 2] + "…" + text[-size // 2:]
