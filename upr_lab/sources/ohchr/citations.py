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

CITED = re.compile(r"paragraphs?\s*:?\s*(?=\d)", re.I)
TOKEN = re.compile(r"\s*(?:(\d{1,3})(?!\d|\.\d|/)|\(([^()]{1,40})\)|(,|;|:|&|\band\b)|(last sentence|first sentence|"
                   r"second sentence))", re.I)
OTHER_DOCUMENT = re.compile(r"\s*of\s+(?:the\s+)?(?:compilation|national|summary|resolution|annex|document|report\s+of)", re.I)
ITEM_NUMBERS = re.compile(r"\bNos?\.\s*\d", re.I)
ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$")
LETTER = re.compile(r"\(\s*([a-z]{1,4})\s*\)", re.I)
FIRST_WORDS = 8


def citations(text, first_paragraph):
    """``[(body paragraph, letter or None)]`` cited in ``text`` ("paragraphs 19 (d), 22 (c) and (e); 45, last
    sentence; 67 (a), (b) (i) and (ii)"; a roman numeral right after a letter refines it: "(b) (i)" is one
    recommendation). Paragraphs of the conclusions section itself (numbered ``first_paragraph`` or more) and
    paragraphs of another document ("paragraph 8 of the compilation") are not citations of the dialogue."""
    found = []
    if ITEM_NUMBERS.search(text):  # "recommendations Nos. 1, 4 and 7 in paragraph 88": items of the section
        return found
    for match in CITED.finditer(text):
        found += [(n, letter) for n, letter in _listed(text, match.end()) if n < first_paragraph]
    return found


def _listed(text, position):
    cited, number, letters = [], None, []
    refining = adjacent = False  # romans refine the last letter; the last token was a parenthesis
    while (token := TOKEN.match(text, position)) is not None:
        position = token.end()
        if token.group(1):
            if OTHER_DOCUMENT.match(text, position):
                return cited
            cited += _flush(number, letters)
            number, letters, refining = int(token.group(1)), [], False
        elif token.group(2) is not None and number is not None:
            refining = _letters(token.group(2), letters, refining or adjacent)
        elif token.group(3) and token.group(3).lower() != "and":
            refining = False
        adjacent = token.group(2) is not None
    return cited + _flush(number, letters)


def _letters(content, letters, refining):
    """Add the letters of one parenthesis ("d", "a, b", "i") to ``letters``; a roman numeral that refines the
    letter before it replaces it ("b" -> "b/i", "b/ii"). Returns whether romans still refine."""
    parts = [p.strip().lower() for p in re.split(r",|\band\b", content) if p.strip()]
    if not all(re.fullmatch(r"[a-z]{1,4}", p) for p in parts):
        return False  # "(last sentence)": the paragraph without a letter
    for part in parts:
        if refining and ROMAN.match(part) and letters:
            base = letters[-1].split("/")[0]
            if "/" not in letters[-1]:
                letters.pop()
            letters.append(f"{base}/{part}")
        else:
            letters.append(part)
            refining = False
    return refining


def _flush(number, letters):
    if number is None:
        return []
    return [(number, letter) for letter in letters] if letters else [(number, None)]


def cited_recommendations(body, cited, resolver, first_paragraph, sur=None):
    """``(found, not_found)``: for each (paragraph, position) of ``cited``, the recommendations its text cites,
    as ``(label, text, (State,), position)``; ``not_found`` as ``"19(d): why"``. ``sur``, the State under
    review, is never taken for the State that speaks."""
    found, not_found = [], []
    for paragraph, position in cited:
        text = " ".join([paragraph.intro] + [item for _, item in paragraph.items])
        for number, letter in citations(text, first_paragraph):
            label = f"{number}({letter.replace('/', ')(')})" if letter else f"{number}"
            recommendation, why = _recommendation(body, number, letter, resolver, first_paragraph, sur)
            if recommendation is None:
                not_found.append(f"{label}: {why}")
            else:
                found.append((label, recommendation[0], recommendation[1], position))
    return found, not_found


def _recommendation(body, number, letter, resolver, first_paragraph, sur):
    text = _body_paragraph(body, number, first_paragraph)
    if text is None:
        return None, f"no body paragraph {number} found"
    state = _speaker(text, resolver, sur)
    if state is None:
        return None, f"no State named in paragraph {number} before its recommendation"
    if letter is None:
        said = re.split(r"\brecommend(?:ed|s)?\b", text, maxsplit=1)
        return (" ".join(said[-1].split()).strip(" :;,."), (state,)), None
    for part in letter.split("/"):
        text = _sub_paragraph(text, part) if LETTER.search(text) else _recommending_sentence(text, part)
        if text is None:
            return None, f"no sub-paragraph ({part}) in paragraph {number}"
    if not text:  # "It recommended that (c)" and nothing after it
        return None, f"sub-paragraph ({letter.replace('/', ')(')}) of paragraph {number} holds no text"
    return (text, (state,)), None


def _sub_paragraph(text, letter):
    """The text of sub-paragraph ``(letter)`` of ``text``, up to the next sub-paragraph of its kind."""
    parts = LETTER.split(text)
    for i in range(1, len(parts) - 1, 2):
        if parts[i].lower() == letter:
            kind = ROMAN if ROMAN.match(letter) and letter not in ("i", "v", "x") or letter == "ii" else None
            rest = [parts[i + 1]]
            for j in range(i + 2, len(parts) - 1, 2):  # a roman sub-item stays inside its letter
                if kind is None and ROMAN.match(parts[j].lower()) and parts[j].lower() != chr(ord(letter) + 1):
                    rest += [f"({parts[j]})", parts[j + 1]]
                else:
                    break
            return " ".join(" ".join(rest).split()).strip(" ;,.").removesuffix(" and").strip(" ;,")
    return None


def _recommending_sentence(text, letter):
    """In a paragraph not lettered, "(e)" is its fifth sentence that recommends ("Germany recommends ...")."""
    sentences = [s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", text) if re.search(r"\brecommend", s)]
    k = ord(letter) - ord("a") if re.fullmatch(r"[a-z]", letter) else -1
    return sentences[k].strip(" .") if 0 <= k < len(sentences) else None


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


def _speaker(text, resolver, sur):
    """The State that speaks in a paragraph of the dialogue: the first named before "recommend", other than
    the State under review ("While commending Viet Nam ..., the United Kingdom ... It recommended ...")."""
    words = re.split(r"\brecommend", text, maxsplit=1)[0].replace(",", " ").split()
    for i, word in enumerate(words):
        if not word[:1].isupper():
            continue
        for size in range(min(FIRST_WORDS, len(words) - i), 0, -1):
            state = resolver.lookup(re.sub(r"[’']s$", "", " ".join(words[i:i + size]).strip(".;:")))
            if state is not None and state != sur:
                return state
    return None
