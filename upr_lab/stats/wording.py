"""The wording of recommendations, normalised for comparing two of them.

Two recommendations that make the same demand are often worded differently: "Consider ratifying the
Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or
Punishment" and "Ratify OP-CAT". Two that make different demands can share most of their words:
"Ratify the Convention against Torture" and "Ratify the Optional Protocol to the Convention against
Torture". So before words are compared:

* the names of international instruments, spelt out or abbreviated, become one word each. The names are
  those of the package's one vocabulary, ``instruments`` and ``protocols`` (which the ratification
  detector reads too): the twelve core instruments by their codes in the treaty status table (``CAT``,
  ``CAT-OP``, ``CCPR-OP2-DP``, ``CRC-OP-AC``, ...), the protocols outside them (``CEDAW-OP``,
  ``CCPR-OP1``, ``CRC-OP-IC``; ``CCPR-OP`` and ``CRC-OP`` for a protocol of the ICCPR or the CRC not
  said which) and a few other instruments (``CMW``, ``ROME-STATUTE``, ``REFUGEES``, ``STATELESS-1954``,
  ``STATELESS-1961``, ``PALERMO``, ``UNESCO-CDE``, ``ILO-C169``, ...). In the text a code is a word,
  lower case with underscores (``token``: ``ccpr_op2_dp``); a protocol never leaves its parent
  convention's code behind ("the Optional Protocol to the Convention against Torture" is ``cat_op``);
* words are lower-cased, accents dropped, British ``-ise`` spellt ``-ize``, and each word reduced to
  its stem (Snowball's English stemmer: ratify, ratifying, ratified are one word);
* a handful of function words are dropped, so that word pairs (bigrams) carry content.

``instruments(text)`` gives the codes a recommendation names, and ``compatible(a, b)`` whether two sets of
codes can be the same demand: they must share an instrument (a protocol left unspecified, ``CRC-OP`` or
``CCPR-OP``, is compatible with each of its parent's protocols). ``ratification(text)`` gives the
instruments a recommendation asks the State to join: two such demands that share an instrument are the
same demand however differently worded ("Accede to ICESCR and ICCPR", "Ratify the International Covenant
on Economic, Social and Cultural Rights").
"""

import functools
import re
import unicodedata

import snowballstemmer

from .instruments import CORE, OTHER_NAMES, PROTOCOLS
from .instruments import normalise as _fold
from .protocols import UNSPECIFIED, mentions

GENERIC = frozenset(codes[0] for codes in UNSPECIFIED)  # CCPR-OP, CRC-OP: a protocol not said which
_FUNCTION_WORDS = frozenset("a an the of to and or in on for its it their with by as at be is are that this which "
                            "from into all any such".split())
_STEM_FIXES = {"ratif": "ratifi", "abolit": "abolish"}
_STEMMER = snowballstemmer.stemmer("english")


def token(code):
    """The word an instrument's code becomes in a normalised text: ``CCPR-OP2-DP`` is ``ccpr_op2_dp``."""
    return code.lower().replace("-", "_")


_CODE_TOKENS = frozenset(token(code) for code in CORE.union(OTHER_NAMES, *(codes for codes, _ in PROTOCOLS)))


def _plain(text):
    """Lower case, accents dropped, dashes and quotes made plain, spaces single."""
    text = str(text).replace("\u2019", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[\u2010-\u2015]", "-", text.lower())
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=None)
def _named(text):
    """``text`` folded by ``instruments.normalise`` and the instruments named in it (``protocols.mentions``
    that stand for some code)."""
    folded = _fold(text)
    return folded, tuple(mention for mention in mentions(folded) if mention.codes)


@functools.lru_cache(maxsize=None)
def normalise(text):
    """``text`` in lower case with instrument names as codes (``token``; before stemming)."""
    folded, found = _named(str(text))
    pieces, last = [], 0
    for mention in found:
        pieces += [folded[last:mention.start], f" {' '.join(token(code) for code in mention.codes)} "]
        last = mention.end
    return _plain("".join(pieces + [folded[last:]]))


def instruments(text):
    """The instrument codes a recommendation names, e.g. ``frozenset({"CAT-OP"})``."""
    return frozenset(code for mention in _named(str(text))[1] for code in mention.codes)


def _same_instrument(a, b):
    if a == b:
        return True
    generic, specific = (a, b) if a in GENERIC else (b, a)
    return generic in GENERIC and specific.startswith(generic)


@functools.lru_cache(maxsize=None)
def compatible(first, second):
    """Whether two sets of instrument codes can belong to the same demand: either names none, or they share
    an instrument."""
    if not first or not second:
        return True
    return any(_same_instrument(a, b) for a in first for b in second)


_RATIFY = re.compile(r"\b(?:ratif\w*|acce(?:de|des|ding|ded|ssion)|sign(?:s|ing|ed)?|adhe(?:re|ring|sion)|"
                     r"become (?:a )?part(?:y|ies))\b")


def ratification(text):
    """The instruments a recommendation asks the State to join (sign, ratify, accede to, become party to),
    or an empty set when it is no such demand."""
    return instruments(text) if _RATIFY.search(normalise(text)) else frozenset()


@functools.lru_cache(maxsize=None)
def _stem(word):
    if word in _CODE_TOKENS or word.startswith("ilo_c") or word.isdigit():
        return word
    word = re.sub(r"(\w{3,})is(e|es|ed|ing|ation|ations)$", r"\1iz\2", word)
    stem = _STEMMER.stemWord(word)
    return _STEM_FIXES.get(stem, stem)


def words(text):
    """The stemmed content words of a recommendation, in order."""
    tokens = re.findall(r"[a-z0-9_]+", normalise(text))
    return [_stem(t) for t in tokens if t not in _FUNCTION_WORDS and (len(t) > 1 or t.isdigit())]


def terms(text):
    """Words and pairs of consecutive words: what the TF-IDF vectors count."""
    found = words(text)
    return found + [f"{a} {b}" for a, b in zip(found, found[1:])]
