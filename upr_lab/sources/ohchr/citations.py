"""Recommendations a Working Group report cites only by body paragraph.

Early reports often give some recommendations not as items but by reference to the interactive dialogue:
"The recommendations noted in the report in paragraphs 19 (d), 22 (c) and 45 did not enjoy the support of
X". Each lettered sub-paragraph cited is one recommendation ("(d)" of body paragraph 19, made by the State
that speaks in that paragraph: "19. Germany welcomed ... It recommended (a) ...; (b) ..."); a paragraph
cited without a letter is one recommendation (its whole text). The position is the one the citing paragraph
states. A citation whose paragraph, letter or speaking State cannot be found is returned as not found, with
the reason, for the caller to count and warn about.
"""

import re

CITATION = re.compile(r"paragraphs?\s+((?:\d{1,3}(?:\s*\(\s*[a-z]{1,4}\s*\)(?:\s*(?:,|and|&)?\s*\(\s*[a-z]{1,4}\s*\))*)?"
                      r"(?:\s*(?:,|and|&|;)\s*(?=\d))?)+)(?!\s*of\s+the\s+(?:compilation|national|summary|report\s+of))",
                      re.I)
ONE = re.compile(r"(\d{1,3})((?:\s*(?:,|and|&)?\s*\(\s*[a-z]{1,4}\s*\))*)", re.I)
LETTER = re.compile(r"\(\s*([a-z]{1,4})\s*\)", re.I)
FIRST_WORDS = 8


def citations(text, first_paragraph):
    """``[(body paragraph, letter or None)]`` cited in ``text``; paragraphs of the conclusions section
    itself (numbered ``first_paragraph`` or more) are not citations of the dialogue."""
    found = []
    for match in CITATION.finditer(text):
        for one in ONE.finditer(match.group(1)):
            number = int(one.group(1))
            if number >= first_paragraph:
                continue
            letters = LETTER.findall(one.group(2)) or [None]
            found += [(number, letter.lower() if letter else None) for letter in letters]
    return found


def cited_recommendations(body, cited, resolver, first_paragraph):
    """``(found, not_found)``: for each (paragraph, position) of ``cited``, the recommendations its text cites,
    as ``(label, text, (State,), position)``; ``not_found`` as ``"19(d): why"``."""
    found, not_found = [], []
    for paragraph, position in cited:
        text = " ".join([paragraph.intro] + [item for _, item in paragraph.items])
        for number, letter in citations(text, first_paragraph):
            label = f"{number}({letter})" if letter else f"{number}"
            recommendation, why = _recommendation(body, number, letter, resolver, first_paragraph)
            if recommendation is None:
                not_found.append(f"{label}: {why}")
            else:
                found.append((label, recommendation[0], recommendation[1], position))
    return found, not_found


def _recommendation(body, number, letter, resolver, first_paragraph):
    text = _body_paragraph(body, number, first_paragraph)
    if text is None:
        return None, f"no body paragraph {number} found"
    state = _speaker(text, resolver)
    if state is None:
        return None, f"no State named at the start of paragraph {number}"
    if letter is None:
        said = re.split(r"\brecommend(?:ed|s)?\b", text, maxsplit=1)
        return (" ".join(said[-1].split()).strip(" :;,."), (state,)), None
    parts = LETTER.split(text)
    for i in range(1, len(parts) - 1, 2):
        if parts[i].lower() == letter:
            return (" ".join(parts[i + 1].split()).strip(" ;,.").removesuffix(" and").strip(" ;,"), (state,)), None
    return None, f"no sub-paragraph ({letter}) in paragraph {number}"


def _body_paragraph(body, number, first_paragraph):
    """The text of the body paragraph ``number`` (before the conclusions section), flattened."""
    starts = [m for m in re.finditer(rf"(?m)^\s*{number}\.\s+(?=\S)", body)]
    section = re.search(rf"(?m)^\s*{first_paragraph}\.\s+(?=\S)", body)
    starts = [m for m in starts if section is None or m.start() < section.start()]
    if not starts:
        return None
    start = starts[-1].end()
    following = re.compile(rf"(?m)^\s*{number + 1}\.\s+(?=\S)").search(body, start)
    return " ".join(body[start:following.start() if following else start + 4000].split())


def _speaker(text, resolver):
    """The State that speaks in a paragraph of the dialogue: named at its start ("Germany welcomed ...")."""
    words = re.sub(r"^(?:The|In addition,|Furthermore,|Moreover,)\s+", "", text).split()[:FIRST_WORDS]
    for size in range(len(words), 0, -1):
        state = resolver.lookup(" ".join(words[:size]).strip(",;:"))
        if state is not None:
            return state
    return None
