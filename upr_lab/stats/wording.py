"""The wording of recommendations, normalised for comparing two of them.

Two recommendations that make the same demand are often worded differently: "Consider ratifying the
Optional Protocol to the Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or
Punishment" and "Ratify OP-CAT". Two that make different demands can share most of their words:
"Ratify the Convention against Torture" and "Ratify the Optional Protocol to the Convention against
Torture". So before words are compared:

* the names of international instruments, spelt out or abbreviated, become one code each
  (``cat``, ``cat_op``, ``iccpr_op_2``, ``crc_op_ac``, ``ilo_c169``, ...; ``INSTRUMENTS`` lists them);
  a protocol never leaves its parent convention's code behind;
* words are lower-cased, accents dropped, British ``-ise`` spellt ``-ize``, and each word reduced to
  its stem (Snowball's English stemmer: ratify, ratifying, ratified are one word);
* a handful of function words are dropped, so that word pairs (bigrams) carry content.

``instruments(text)`` gives the codes a recommendation names, and ``compatible(a, b)`` whether two sets of
codes can be the same demand: they must share an instrument (a protocol left unspecified, such as "the
optional protocols to the CRC", is compatible with each of them). ``ratification(text)`` gives the
instruments a recommendation asks the State to join: two such demands that share an instrument are the
same demand however differently worded ("Accede to ICESCR and ICCPR", "Ratify the International Covenant
on Economic, Social and Cultural Rights").
"""

import functools
import re
import unicodedata

import snowballstemmer

# Full names first (longest forms first), then abbreviations; each becomes one code.
_NAMES = [
    (r"(?:united nations |un )?convention (?:against|on) torture(?:,? and (?:all )?other (?:forms of )?cruel,? "
     r"inhuman,? (?:or|and) degrading treatment,? (?:or|and) punishment)?", "cat"),
    (r"(?:international )?(?:covenant|convention) (?:on|of) civil and political rights?", "iccpr"),
    (r"(?:international )?(?:covenant|convention) (?:on|of) economic,? social,? and cultural rights?", "icescr"),
    (r"(?:international )?convention (?:on|for) the elimination of (?:all forms of )?racial discrimination", "icerd"),
    (r"(?:international )?convention (?:on|for) the elimination of (?:all forms of )?discrimination against women",
     "cedaw"),
    (r"(?:international )?convention (?:on|for) the rights? of (?:the )?persons with disabilit(?:y|ies)", "crpd"),
    (r"(?:international )?convention (?:on|for) the rights? (?:of|on) (?:the )?child(?:ren)?", "crc"),
    (r"(?:international )?convention (?:on|for) the protection of (?:the )?(?:rights of )?all migrant workers "
     r"and (?:the )?(?:members of )?their famil(?:y|ies)(?: members)?|convention on migrant workers", "icrmw"),
    (r"(?:international )?convention (?:on|for) the protection of all persons (?:from|against) enforced "
     r"disappearances?|convention (?:on|against) enforced disappearances?", "ced"),
    (r"rome statu(?:t)?e(?: of the international criminal court| of the icc)?", "rome_statute"),
    (r"(?:the )?(?:1951 )?convention relating to the status of refugees|1951 (?:refugee )?convention|"
     r"1967 protocol(?: relating to the status of refugees)?", "refugees"),
    (r"(?:1954 )?convention relating to the status of stateless persons|1954 convention", "stateless_1954"),
    (r"(?:1961 )?convention on the reduction of statelessness|1961 convention", "stateless_1961"),
    (r"palermo protocol|protocol to prevent,? suppress and punish trafficking in persons(?:,? especially women "
     r"and children)?", "palermo"),
    (r"(?:unesco )?convention against discrimination in education", "unesco_cde"),
    # abbreviations
    (r"\bop[- ]?cat\b", "cat_op"),
    (r"\bop[- ]?cedaw\b|\bcedaw[- ]op\b", "cedaw_op"),
    (r"\bop[- ]?i?cescr\b|\bi?cescr[- ]op\b", "icescr_op"),
    (r"\bop[- ]?crpd\b|\bcrpd[- ]op\b", "crpd_op"),
    (r"\bop[- ]?(?:crc[- ]?)?ac\b|\bopac\b|\bcrc[- ]op[- ]?ac\b", "crc_op_ac"),
    (r"\bop[- ]?(?:crc[- ]?)?sc\b|\bopsc\b|\bcrc[- ]op[- ]?sc\b", "crc_op_sc"),
    (r"\bop[- ]?(?:crc[- ]?)?ic\b|\bopic\b|\bcrc[- ]op[- ]?ic\b|\bop ?3[- ]crc\b", "crc_op_ic"),
    (r"\biccpr[- ]?op[- ]?(?:2|ii)\b|\bop[- ]?(?:2|ii)[- ]?iccpr\b|\bop[- ]?iccpr[- ]?(?:2|ii)\b", "iccpr_op_2"),
    (r"\biccpr[- ]?op[- ]?(?:1|i)\b|\bop[- ]?(?:1|i)[- ]?iccpr\b|\bop[- ]?iccpr[- ]?(?:1|i)\b", "iccpr_op_1"),
    (r"\bop[- ]?iccpr\b", "iccpr_op_any"),
    (r"\b(?:icrmw|icpmw|icmw|cmw|icrmwf)\b", "icrmw"),
    (r"\b(?:cped|icppd|icpped|icped|icpped|ced)\b", "ced"),
    (r"\bi?cerd\b", "icerd"),
    (r"\bi?cescr\b", "icescr"),
]
_NAMES = [(re.compile(pattern), code) for pattern, code in _NAMES]

PARENTS = ("cat", "iccpr", "icescr", "icerd", "cedaw", "crpd", "crc")
INSTRUMENTS = frozenset(PARENTS + ("icrmw", "ced", "rome_statute", "refugees", "stateless_1954", "stateless_1961",
                                   "palermo", "unesco_cde", "cat_op", "cedaw_op", "icescr_op", "crpd_op", "icerd_op",
                                   "crc_op_ac", "crc_op_sc", "crc_op_ic", "crc_op_any",
                                   "iccpr_op_1", "iccpr_op_2", "iccpr_op_any"))
_PROTOCOL = re.compile(r"\b(?:(first|second|two|both) )?optional protocols?(?: (?:to|of|on|under) (?:the )?"
                       rf"({'|'.join(PARENTS)})\b)?")
_CRC_PROTOCOLS = (("armed conflict", "crc_op_ac"), ("sale of child", "crc_op_sc"), ("prostitution", "crc_op_sc"),
                  ("pornography", "crc_op_sc"), ("communication", "crc_op_ic"))
_ILO = re.compile(r"\bconventions?\s*(?:nos?\.?\s*|numbers?\s*)?(\d{2,3}(?:\s*(?:,|and|&|or)\s*(?:nos?\.?\s*)?\d{2,3})*)")
_ILO_SHORT = re.compile(r"\bc\s?(\d{2,3})\b")
_CODE = re.compile(rf"\b(?:{'|'.join(sorted(INSTRUMENTS, key=len, reverse=True))})\b")
_FUNCTION_WORDS = frozenset("a an the of to and or in on for its it their with by as at be is are that this which "
                            "from into all any such".split())
_STEM_FIXES = {"ratif": "ratifi", "abolit": "abolish"}
_STEMMER = snowballstemmer.stemmer("english")


def _plain(text):
    """Lower case, accents dropped, dashes and quotes made plain, spaces single."""
    text = str(text).replace("\u2019", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[\u2010-\u2015]", "-", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _protocol_code(parent, ordinal, window, plural):
    """The code of an optional protocol to ``parent``, told apart by ``ordinal`` and the words after it."""
    if parent == "crc":
        found = [code for words, code in _CRC_PROTOCOLS if words in window]
        return " ".join(dict.fromkeys(found)) or "crc_op_any"
    if parent == "iccpr":
        if ordinal == "second" or "death penalty" in window or "abolition" in window:
            return "iccpr_op_2"
        return "iccpr_op_1" if ordinal == "first" else ("iccpr_op_1 iccpr_op_2" if plural else "iccpr_op_any")
    return f"{parent}_op"


_POSSESSIVE = re.compile(rf"\b({'|'.join(PARENTS)})'s (?:(first|second) )?(?:optional )?(protocols?)\b")


def _protocols(text):
    """Every "optional protocol" as a code, its parent taken from its own words or the instrument before it."""
    text = _POSSESSIVE.sub(lambda m: f"{m.group(2) or ''} optional {m.group(3)} to the {m.group(1)}", text)
    text = re.sub(r"\bsecond protocol\b", "second optional protocol", text)
    out, last = [], 0
    for match in _PROTOCOL.finditer(text):
        ordinal, parent = match.group(1), match.group(2)
        window = text[match.end():match.end() + 160].split("optional protocol")[0]
        if parent is None:
            before = [m.group(0) for m in _CODE.finditer(text, 0, match.start()) if m.group(0) in PARENTS]
            parent = "crc" if any(w in window for w, _ in _CRC_PROTOCOLS) else (before[-1] if before else None)
            parent = "iccpr" if parent is None and (ordinal == "second" or "death penalty" in window) else parent
        if parent is None:
            continue
        code = _protocol_code(parent, ordinal, window, "protocols" in match.group(0) or ordinal in ("two", "both"))
        out += [text[last:match.start()], f" {code} "]
        last = match.end()
    return "".join(out + [text[last:]])


def _ilo(text):
    if not re.search(r"\bilo\b|international labou?r organi[sz]ation", text):
        return text
    text = _ILO.sub(lambda m: " ".join(f"ilo_c{n}" for n in re.findall(r"\d{2,3}", m.group(1))), text)
    return _ILO_SHORT.sub(lambda m: f"ilo_c{m.group(1)}", text)


@functools.lru_cache(maxsize=None)
def normalise(text):
    """``text`` in lower case with instrument names as codes (before stemming)."""
    text = _plain(text)
    for pattern, code in _NAMES:
        text = pattern.sub(f" {code} ", text)
    text = _ilo(_protocols(re.sub(r"\s+", " ", text)))
    return re.sub(r"\s+", " ", text).strip()


def instruments(text):
    """The instrument codes a recommendation names, e.g. ``frozenset({"cat_op"})``."""
    return frozenset(_CODE.findall(normalise(text))) | frozenset(re.findall(r"\bilo_c\d+\b", normalise(text)))


def _same_instrument(a, b):
    if a == b:
        return True
    generic, specific = (a, b) if a.endswith("_any") else (b, a)
    return generic.endswith("_any") and specific.startswith(generic[:-3])


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
    if word in INSTRUMENTS or word.startswith("ilo_c") or word.isdigit():
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
