"""The recommending States of a numbered item of a Working Group report, and the recommendations in it.

An item ends with its recommending State(s) in parentheses: "(Spain, Argentina);" or "(France)
(Lithuania);". A State's name can hold parentheses itself ("Venezuela (Bolivarian Republic of)"), so
parentheses are read balanced, and a parenthesis names States only if everything in it is a State's
name (an abbreviation such as "(ICRMW)" never is). An item can hold several recommendations, each
with its own States: "Complete ... (Ukraine); Increase efforts ... (Slovakia);". A trailing footnote
number a text extraction left ("(Spain)1;") and footnote marks ("(Chad); **") are ignored.

Reports misspell States now and then ("New Zeeland", "Russia Federation", "Islamic Republic Iran") and
separate them with ";" or "/" as well as ",": a name that matches no State but is spelt like exactly one
(difflib ratio 0.85 or more, or the same words in another order) is read as that State, and the reading is
added to the caller's ``remarks``. An abbreviation is a State only where it is that State's own short form
("UK", "USA": the initials of its name), never a treaty's ("CAT").
"""

import difflib
import re

from upr_lab.exceptions import DataError

from ..countries import _builtin_aliases, normalise
from ..formats.fields import last_parenthesis_opening, unknown_state

ABBREVIATION = re.compile(r"^[A-Z]{2,6}$")
NEXT_RECOMMENDATION = re.compile(r"\s*\d{0,3}\s*;\s*(?=[A-Za-z“\"‘'])")
ENUMERATION = re.compile(r"^\(\s*[a-z]{1,3}\s*\)\s*")  # "(a) Pursue ...; and (b) take ..."
TRAILING = re.compile(r"[\s;.,:\d*]*$")
FOOTNOTE_MARKS = re.compile(r"(?<=[;.])\s*\*+\s*$")
CLOSE = 0.85  # difflib ratio from which a misspelt name is read as the one State it is spelt like
LINKS = {"of", "and"}


def split_item(item, number, resolver, path, remarks=None):
    """``[(text, (State, ...)), ...]``: each recommendation of item ``number`` with its recommending States;
    misspelt names read as a State are added to ``remarks`` (a list) when given."""
    item = FOOTNOTE_MARKS.sub("", item)
    resolver = _Reader(resolver, number, remarks)
    item = _opened(item, resolver, number, remarks)
    groups = list(_parentheses(item))
    named = [(start, end, _states(content, resolver)) for start, end, content in groups]
    named = [(start, end, found) for start, end, found in named if found]
    recommendations, begin = [], 0
    for i, (start, end, _) in enumerate(named):
        boundary = NEXT_RECOMMENDATION.match(item, end)
        following = named[i + 1][0] if i + 1 < len(named) else len(item)
        if boundary and boundary.end() < len(item) and boundary.end() <= following:
            recommendations.append(item[begin:boundary.end()])
            begin = boundary.end()
    rest = item[begin:]
    if named and begin and not any(_states(c, resolver) for _, _, c in _parentheses(rest)):
        _left_out(rest, number, remarks)  # after the last State: a heading or the State's comment
    else:
        recommendations.append(rest)
    return [_one(text, number, resolver, path, first=i == 0) for i, text in enumerate(recommendations)]


def _left_out(text, number, remarks):
    if remarks is not None:
        remarks.append(f"left out: '{_excerpt(text, 50)}' after the last recommending State of item {number} "
                       "(a heading or a comment, naming no State)")


def _one(text, number, resolver, path, first):
    """A recommendation's text without its trailing States, and the States named in it. The first of an item
    starts with a capital; those after it in a cluster may not ('...(Egypt); continue ... (Peru)'): they get one."""
    named, trailing_start = [], len(TRAILING.sub("", text))
    for start, end, content in _parentheses(text):
        found = _states(content, resolver)
        if found:
            named += [s for s in found if s not in named]
        elif end == trailing_start:
            _refuse_unknown(content, number, resolver, path)
    if not named:
        raise DataError(f"found recommendation {number} '{_excerpt(text)}' with no recommending State in parentheses; "
                        "expected '... (State);' at its end (is the text scrambled? read the PDF instead)", path=path)
    body = _without_trailing_states(text, resolver)
    if first and not ENUMERATION.sub("", body)[:1].isupper():
        raise DataError(f"found recommendation {number} starting mid-sentence: '{_excerpt(text)}'; expected it to start "
                        "with its first word (is the text scrambled, lines out of order? read the PDF instead)",
                        path=path)
    return body[:1].upper() + body[1:], tuple(named)


def _without_trailing_states(text, resolver):
    text = TRAILING.sub("", text)
    while text.endswith(")"):
        start = last_parenthesis_opening(text)
        if start is None or not _states(text[start + 1:-1], resolver):
            break
        text = re.sub(r"[\s;,:]*$", "", text[:start])  # not digits: "ILO Conventions No. 138 and 182 (Brazil)"
    return text.strip()


class _Reader:
    """The caller's resolver, which also reads a misspelt State's name and a State's abbreviation, noting each."""

    def __init__(self, resolver, number, remarks):
        self.resolver, self.number, self.remarks = resolver, number, remarks
        self.aliases_file = getattr(resolver, "aliases_file", None)

    def lookup(self, name):
        name = " ".join(name.split())
        if ABBREVIATION.match(name):
            state = self.resolver.lookup(name)
            return state if state and (name != state.iso3 or name == _initials(state.name)) else None
        state = self.resolver.lookup(name)
        if state is None and len(name) >= 4 and name[:1].isupper():
            state = _spelt_like(name, self.resolver)
            if state is not None and self.remarks is not None:
                self.remarks.append(f"recommendation {self.number}: '{name}' read as {state.name}")
        return state


def _opened(item, resolver, number, remarks):
    """An item whose last parenthesis the document left unopened ("... Criminal Court Ghana);") with the "("
    put back before the State's name, if the words before ")" end with one."""
    text = TRAILING.sub("", item)
    if not text.endswith(")") or last_parenthesis_opening(text) is not None:
        return item
    words = text[:-1].split()
    for size in range(min(8, len(words)), 0, -1):
        if _states(" ".join(words[-size:]), resolver):
            if remarks is not None:
                remarks.append(f"recommendation {number}: '(' missing before '{' '.join(words[-size:])})' in the document")
            return " ".join(words[:-size]) + " (" + item[len(" ".join(words[:-size])):].lstrip()
    return item


def _initials(name):
    return "".join(w[0] for w in name.split() if w[0].isupper())


def _spelt_like(name, resolver):
    """The one State whose name (or a usual spelling of it) ``name`` is close to, else None."""
    index, key = _builtin_aliases(), normalise(name)  # normalised spelling -> ISO3
    close = {index[k] for k in difflib.get_close_matches(key, list(index), n=4, cutoff=CLOSE)}
    words = set(key.split()) - LINKS
    close |= {code for k, code in index.items() if len(words) > 1 and set(k.split()) - LINKS == words}
    if len(close) != 1:
        return None
    return resolver.lookup(close.pop())


def _parentheses(text):
    """``(start, end, content)`` of each outermost matched parenthesis in ``text``; one the document left
    unclosed ("(ICCPR-OP 2 (Czech Republic, Belgium);") leaves the parentheses inside it outermost."""
    stack, pairs = [], []
    for i, char in enumerate(text):
        if char == "(":
            stack.append(i)
        elif char == ")" and stack:
            pairs.append((stack.pop(), i + 1))
    pairs.sort()
    outermost, reach = [], -1
    for start, end in pairs:
        if start >= reach:
            outermost.append((start, end))
            reach = end
    for start, end in outermost:
        yield start, end, text[start + 1:end - 1]


def _states(content, resolver):
    """The States named in a parenthesis, if it names only States; else ()."""
    found = []
    for part in _top_level_parts(content):
        if not part.strip() and found:  # "(Canada, , Turkey)"
            continue
        states = _named(part, resolver)
        if not states:
            return ()
        found += states
    return tuple(found)


def _named(part, resolver):
    part = re.sub(r"^and\s+", "", " ".join(part.split()))  # "(Italy, Switzerland, and Sweden)"
    if not part:
        return []
    state = resolver.lookup(part)
    if state is not None:
        return [state]
    pieces = [p for p in re.split(r"\s+and\s+", part) if p]  # "(Algeria, Egypt and Argentina)"
    states = [resolver.lookup(p) for p in pieces] if len(pieces) > 1 else [None]
    return states if all(states) else _comma_missing(part, resolver)


def _comma_missing(part, resolver):
    """Two States' names with the comma between them left out ("United Kingdom France"), each matched exactly."""
    exact = getattr(resolver, "resolver", resolver)
    words = part.split()
    for i in range(1, len(words)):
        if not (words[0][:1].isupper() and words[i][:1].isupper()) or ABBREVIATION.match(words[0]):
            continue
        first, second = exact.lookup(" ".join(words[:i])), exact.lookup(" ".join(words[i:]))
        if first is not None and second is not None:
            return [first, second]
    return []


def _top_level_parts(content):
    parts, depth, current = [], 0, ""
    for char in content:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ",;/" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return parts + [current]


def _refuse_unknown(content, number, resolver, path):
    """A closing parenthesis that looks like a list of States, one of which matches none."""
    parts = [" ".join(p.split()) for p in _top_level_parts(content)]
    unknown = [p for p in parts if p and resolver.lookup(p) is None and not ABBREVIATION.match(p)]
    if unknown and len(unknown) < len(parts) or unknown and len(parts) == 1 and unknown[0][:1].isupper():
        if len(unknown[0]) <= 60:
            raise DataError(f"recommendation {number}: {unknown_state(unknown[0], resolver)}", path=path)


def _excerpt(text, size=70):
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size] + "…"
