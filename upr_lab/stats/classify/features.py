"""What the classifiers read of a recommendation: its words and word pairs, its opening (the first verb,
the first two words, the words that follow the verb), the recommending State's regional group, and the
character n-grams of its first words (the action category only; the tags read the first two blocks).

Features are counted here rather than by scikit-learn's vectorisers, so that a fitted block is plain data
(its terms in column order and their inverse document frequencies) and a batch of texts is stemmed once
per distinct word (``stemmed``), not once per occurrence.
"""

import collections
import math
import re

import numpy as np
import scipy.sparse as sp

from upr_lab.exceptions import ParameterError
from upr_lab.stats import wording

# Words that open a recommendation before its verb ("The Government should", "(a) To", "We recommend that").
_OPENING = frozenset("to that the government state should shall must it its we recommend recommends recommended "
                     "further also urgently immediately duly effectively fully still rapidly swiftly "
                     "promptly actively seriously please".split())
_TOKEN = re.compile(r"[a-z0-9_]+")
_STEMS = {}  # every word stemmed so far (words are few: about 20,000 in the embedded data)
OBJECT_WORDS = 3  # words after the first verb read as its object ("adopt a law", "take all measures")
# The character n-grams of the opening: of the first FIRST_WORDS words, sizes CHARACTERS, their block's rows
# of length CHARACTERS_WEIGHT (chosen on sessions 13-16 for a model of 1-12: docs/methods/classifier.md).
FIRST_WORDS = 4
CHUNK = 2000  # recommendations whose terms are held at once when transforming (a character n-gram is a string)
CHARACTERS = (3, 4, 5)
CHARACTERS_WEIGHT = 1.0


def stemmed(texts):
    """Per text: its words (lower case, accents dropped) and their stems, as two lists of equal length.

    Instrument names are not folded into codes here (``wording.normalise`` would: "the Optional Protocol to
    the Convention against Torture" as ``cat_op``): on the validation split (trained on sessions 1-12,
    scored on 13-16) the folded words were no more accurate (0.904 against 0.904) and cost three quarters
    of the time of predicting."""
    raw = [_TOKEN.findall(wording._plain(text)) for text in texts]
    for word in {w for words in raw for w in words} - _STEMS.keys():
        _STEMS[word] = wording._stem(word)
    return [(words, [_STEMS[w] for w in words]) for words in raw]


def _content(words, stems):
    return [s for w, s in zip(words, stems) if w not in wording._FUNCTION_WORDS and (len(w) > 1 or w.isdigit())]


def _opening(words, stems, n):
    """The first ``n`` stems after the opening formula ("The Government should", "To", "that")."""
    found = []
    for w, s in zip(words, stems):
        if w not in _OPENING and len(w) > 1:
            found.append(s)
            if len(found) == n:
                break
    return found


def first_verb(text):
    """The first word of a recommendation that is not an opening formula, stemmed ("Continuing its efforts"
    gives ``continu``); empty for a text with no words."""
    found = _opening(*stemmed([text])[0], 1)
    return found[0] if found else ""


def character_ngrams(words):
    """The character 3- to 5-grams of each word, the word padded with a space either side (scikit-learn's
    ``char_wb``: a word shorter than n gives itself once)."""
    out = []
    for word in words:
        padded = f" {word} "
        for n in CHARACTERS:
            if len(padded) <= n:
                out.append(padded)
                break
            out += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return out


def terms(texts, groups):
    """Per recommendation, the terms of each block: ``words`` (stems and pairs of consecutive stems),
    ``meta`` (the first verb, the first two words, each word of the verb's object and the recommending
    State's regional group) and ``chars`` (the character n-grams of the first ``FIRST_WORDS`` words, not
    stemmed: "urge", "urgently", "ensure", "ensuring")."""
    out = {"words": [], "meta": [], "chars": []}
    for (words, stems), group in zip(stemmed(texts), groups):
        content = _content(words, stems)
        out["words"].append(content + [f"{a} {b}" for a, b in zip(content, content[1:])])
        out["chars"].append(character_ngrams([w for w in words if len(w) > 1][:FIRST_WORDS]))
        opening = _opening(words, stems, 1 + OBJECT_WORDS) + ["none", "none"]
        verb = opening[0]
        out["meta"].append([f"verb_{verb}", f"pair_{verb}_{opening[1]}",
                            *(f"object_{verb}_{w}" for w in opening[1:1 + OBJECT_WORDS] if w != "none"),
                            f"group_{(group or 'none').lower().replace('-', '')}"])
    return out


# name: how the block weighs a term: TF-IDF (1 + log count, times idf, rows of unit length, times
# ``weight``) or present/absent
BLOCKS = {"words": dict(min_df=3, idf=True), "meta": dict(min_df=2, idf=False),
          "chars": dict(min_df=5, idf=True, weight=CHARACTERS_WEIGHT)}


class Block:
    """One fitted block: its terms (column order) and, for TF-IDF blocks, their idf."""

    def __init__(self, name, terms, idf=None):
        self.name, self.terms, self.idf = name, list(terms), idf
        self.index = {t: i for i, t in enumerate(self.terms)}

    @classmethod
    def fit(cls, name, term_lists):
        frequency = collections.Counter(t for found in term_lists for t in set(found))
        kept = sorted(t for t, n in frequency.items() if n >= BLOCKS[name]["min_df"])
        if not kept:
            raise ParameterError(f"cannot train a classifier: the {len(term_lists)} training recommendations have "
                                 f"no {name} in common (each term must occur in at least {BLOCKS[name]['min_df']})")
        idf = None
        if BLOCKS[name]["idf"]:  # smoothed, as scikit-learn's: ln((1 + n) / (1 + df)) + 1; kept as saved
            n = len(term_lists)
            idf = np.array([math.log((1 + n) / (1 + frequency[t])) + 1 for t in kept], dtype=np.float32)
            idf = idf.astype(np.float64)
        return cls(name, kept, idf)

    def transform(self, term_lists):
        index, indices, indptr = self.index, [], [0]
        for found in term_lists:
            indices += [index[t] for t in found if t in index]
            indptr.append(len(indices))
        matrix = sp.csr_matrix((np.ones(len(indices)), np.asarray(indices, dtype=np.int32), indptr),
                               shape=(len(term_lists), len(self.terms)))
        matrix.sum_duplicates()
        if self.idf is None:
            matrix.data[:] = 1.0
            return matrix
        matrix.data = (1.0 + np.log(matrix.data)) * self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(BLOCKS[self.name].get("weight", 1.0) / norms) @ matrix)

    def subset(self, keep):
        """The block restricted to the columns where ``keep``."""
        keep = np.asarray(keep, dtype=bool)
        return Block(self.name, [t for t, k in zip(self.terms, keep) if k],
                     None if self.idf is None else self.idf[keep])


class Features:
    """Fitted feature blocks: ``transform`` turns recommendations (texts and recommending groups) into one
    sparse matrix; ``transform_known`` also says which recommendations hold a word the model knows."""

    def __init__(self, blocks):
        self.blocks = tuple(b.name for b in blocks)
        self.block = {b.name: b for b in blocks}

    @classmethod
    def fit(cls, texts, groups, blocks=("words", "meta")):
        found = terms(list(texts), list(groups))
        return cls([Block.fit(name, found[name]) for name in blocks])

    @property
    def widths(self):
        return [len(self.block[b].terms) for b in self.blocks]

    def transform(self, texts, groups):
        return self.transform_known(texts, groups)[0]

    def transform_known(self, texts, groups):
        """The feature matrix, and for each recommendation whether it holds a word (or word pair) the model
        knows."""
        texts, groups = list(texts), list(groups)
        matrices = []
        for start in range(0, max(len(texts), 1), CHUNK):  # the terms of a chunk at a time: bounded memory
            found = terms(texts[start:start + CHUNK], groups[start:start + CHUNK])
            matrices.append(sp.hstack([self.block[b].transform(found[b]) for b in self.blocks], format="csr"))
        matrix = sp.vstack(matrices, format="csr")
        return matrix, self.columns(matrix, ("words",)).getnnz(axis=1) > 0

    def known_words(self, texts):
        """True for each recommendation with at least one word (or word pair) in the model's vocabulary."""
        texts = list(texts)
        return np.asarray(self.block["words"].transform(terms(texts, [""] * len(texts))["words"]).getnnz(axis=1) > 0)

    def only(self, names):
        """The features of the blocks ``names`` alone (the same fitted blocks, shared)."""
        return Features([self.block[name] for name in names])

    def columns(self, x, names):
        """The columns of ``x`` (a matrix of these features) that belong to the blocks ``names``, in order."""
        starts = np.cumsum([0, *self.widths])
        spans = [(starts[i], starts[i + 1]) for i in (self.blocks.index(name) for name in names)]
        return sp.hstack([x[:, a:b] for a, b in spans], format="csr")

    def shares_blocks(self, other):
        """True when every block of ``other`` is one of these features' blocks (the same fitted object)."""
        return all(self.block.get(name) is block for name, block in other.block.items())

    def subset(self, keep):
        """The features restricted to the columns where ``keep`` (over all blocks, in order)."""
        keep, start, blocks = np.asarray(keep, dtype=bool), 0, []
        for name, width in zip(self.blocks, self.widths):
            blocks.append(self.block[name].subset(keep[start:start + width]))
            start += width
        return Features(blocks)

    def arrays(self):
        """The fitted state as plain arrays: per block its terms (UTF-8, one per line, in column order) and idf."""
        out = {"blocks": np.asarray(self.blocks, dtype=str)}
        for name in self.blocks:
            block = self.block[name]
            out[f"{name}.terms"] = np.frombuffer("\n".join(block.terms).encode("utf-8"), dtype=np.uint8)
            if block.idf is not None:
                out[f"{name}.idf"] = block.idf.astype(np.float32)
        return out

    @classmethod
    def from_arrays(cls, arrays):
        blocks = []
        for name in arrays["blocks"].tolist():
            if name not in BLOCKS:
                raise ParameterError(f"unknown feature block {name!r} in a trained classifier; expected one of "
                                     f"{', '.join(BLOCKS)}")
            found = arrays[f"{name}.terms"].tobytes().decode("utf-8").split("\n")
            idf = arrays.get(f"{name}.idf")
            blocks.append(Block(name, found, None if idf is None else idf.astype(np.float64)))
        return cls(blocks)
