"""Reading text exports whatever their encoding and line endings.

UPR Info exports come as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1252
or Mac Roman (the 2015 exports: CR line endings, 0x8e for 'é'). Single-byte encodings cannot be told
apart by decoding alone, so the one whose decoding yields the most ordinary accented letters wins.
"""

import codecs
import re

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_SINGLE_BYTE = ("cp1252", "mac_roman", "latin-1")
_ORDINARY = set("éèêëàâäáãåçôöòóõûüùúîïíìñÉÈÊÀÂÇÔÖÛÜÎÏÑÁÍÓÚ’‘“”–—…«»ßøØæÆœ")


def detect_encoding(raw):
    """The encoding of ``raw`` bytes: BOM first, then strict UTF-8, then the best single-byte guess."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return max(_SINGLE_BYTE, key=lambda name: _score(raw, name))


def _score(raw, name):
    try:
        text = raw.decode(name)
    except UnicodeDecodeError:
        return -1
    high = re.findall(r"[^\x00-\x7f]", text)
    return sum(c in _ORDINARY for c in high) - sum(c not in _ORDINARY for c in high) / 2


def decode(raw):
    """Decoded text with line endings normalised to ``\\n``, and the encoding used."""
    encoding = detect_encoding(raw)
    text = raw.decode(encoding)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding
