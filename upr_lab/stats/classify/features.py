"""What the classifiers read of a recommendation: its words, its characters, its first verb and the
recommending State's regional group.

Each block of features is a TF-IDF vectoriser whose fitted state is plain data (a vocabulary and its
inverse document frequencies), so that a trained model is saved and read back as arrays, never a pickle.
"""

import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from upr_lab.exceptions import ParameterError
from upr_lab.stats import wording

# Words that open a recommendation before its verb ("The Government should", "(a) To", "We recommend that").
_OPENING = frozenset("to that the government state should shall must it its we recommend recommends recommended "
                     "further also urgently immediately duly effectively fully still rapidly swiftly "
                     "promptly actively seriously please".split())
GROUP_WORDS = ("Africa", "Asia-Pacific", "EEG", "GRULAC", "WEOG", "Observer")


def _opening_words(text, n):
    """The first ``n`` words of a recommendation, stemmed, leaving out opening formulas and "to", "that"."""
    found = []
    for raw in re.findall(r"[a-z]+", wording.normalise(text)):
        if raw not in _OPENING and len(raw) > 1:
            found.append(wording._stem(raw))
            if len(found) == n:
                break
    return found


def first_verb(text):
    """The first word of a recommendation that is not an opening formula, stemmed ("Continuing its efforts"
    gives ``continu``); empty for a text with no words."""
    found = _opening_words(text, 1)
    return found[0] if found else ""


def _meta(texts, groups):
    """Three tokens per recommendation: its first verb, its first two words ("take measures" and "take note"
    differ) and the recommending State's regional group."""
    out = []
    for text, group in zip(texts, groups):
        words = _opening_words(text, 2) + ["none", "none"]
        out.append(f"verb_{words[0]} pair_{words[0]}_{words[1]} group_{(group or 'none').lower().replace('-', '')}")
    return out


def _chars(text):
    return wording._plain(text)


def _split(text):
    return text.split()


# name: (what it reads, TfidfVectorizer settings); "meta" reads the first verb and group tokens.
BLOCKS = {
    "words": ("text", dict(analyzer=wording.terms, sublinear_tf=True, min_df=2)),
    "chars": ("text", dict(analyzer="char_wb", preprocessor=_chars, ngram_range=(2, 5), sublinear_tf=True,
                           min_df=3, max_features=150_000)),
    "meta": ("meta", dict(analyzer=_split, use_idf=False, norm=None, binary=True)),
}


def _vectoriser(block, vocabulary=None):
    return TfidfVectorizer(dtype=np.float64, vocabulary=vocabulary, **BLOCKS[block][1])


class Features:
    """Fitted feature blocks: ``transform`` turns recommendations (texts and recommending groups) into one
    sparse matrix; ``known_words`` says which recommendations hold a word the model knows."""

    def __init__(self, blocks, vectorisers):
        self.blocks, self.vectorisers = tuple(blocks), vectorisers

    @classmethod
    def fit(cls, texts, groups, blocks=("words", "chars", "meta")):
        inputs = {"text": list(texts), "meta": _meta(texts, groups)}
        vectorisers = {}
        for block in blocks:
            try:
                vectorisers[block] = _vectoriser(block).fit(inputs[BLOCKS[block][0]])
            except ValueError:  # scikit-learn's "empty vocabulary"
                raise ParameterError(f"cannot train a classifier: the {len(inputs['text'])} training "
                                     f"recommendations have no {block} in common (each feature must occur in "
                                     "at least two or three)") from None
        return cls(blocks, vectorisers)

    def transform(self, texts, groups):
        return self.transform_known(texts, groups)[0]

    def transform_known(self, texts, groups):
        """The feature matrix, and for each recommendation whether it holds a word (or word pair) the model
        knows (the words block read once for both)."""
        inputs = {"text": list(texts), "meta": _meta(texts, groups)}
        parts = {b: self.vectorisers[b].transform(inputs[BLOCKS[b][0]]) for b in self.blocks}
        known = np.asarray(parts["words"].getnnz(axis=1) > 0)
        return sp.hstack([parts[b] for b in self.blocks], format="csr"), known

    def known_words(self, texts):
        """True for each recommendation with at least one word (or word pair) in the model's vocabulary."""
        return np.asarray(self.vectorisers["words"].transform(list(texts)).getnnz(axis=1) > 0)

    def arrays(self):
        """The fitted state as plain arrays: per block its terms (in column order) and idf."""
        out = {}
        for block, vectoriser in self.vectorisers.items():
            terms = vectoriser.get_feature_names_out()
            out[f"{block}.terms"] = np.asarray(terms, dtype=str)
            if vectoriser.use_idf:
                out[f"{block}.idf"] = vectoriser.idf_.astype(np.float64)
        return out

    @classmethod
    def from_arrays(cls, arrays, blocks):
        vectorisers = {}
        for block in blocks:
            terms = arrays[f"{block}.terms"].tolist()
            vectoriser = _vectoriser(block, vocabulary={t: i for i, t in enumerate(terms)})
            if vectoriser.use_idf:
                vectoriser.idf_ = arrays[f"{block}.idf"]
            else:  # no fitted numbers: fitting on the vocabulary itself only marks the vectoriser fitted
                vectoriser.fit(terms)
            vectorisers[block] = vectoriser
        return cls(blocks, vectorisers)
