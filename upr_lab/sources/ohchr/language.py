"""Which of the six UN languages a document is written in, from its first pages: upr-lab reads the English
versions of UN documents, and a document in another language is refused saying which it is (its symbol
is the same in every language, so "no such sentence" would mislead)."""

import re
from collections import Counter

SAMPLE = 30000  # characters from the top: pages of running text, past the cover and any names or quotations
SCRIPTS = {"Arabic": re.compile(r"[\u0600-\u06ff]"), "Russian": re.compile(r"[\u0400-\u04ff]"),
           "Chinese": re.compile(r"[\u4e00-\u9fff]")}
FUNCTION_WORDS = {
    "English": {"the", "of", "and", "to", "in", "that", "its", "with", "for", "on"},
    "French": {"le", "la", "les", "des", "et", "du", "dans", "une", "sur", "aux"},
    "Spanish": {"el", "los", "las", "del", "y", "una", "con", "por", "sobre", "que"},
}
LETTERS = 100  # letters of a script before the document counts as written in it


def language_of(text):
    """'English', 'French', 'Spanish', 'Russian', 'Arabic' or 'Chinese': the language most of the document's
    first ``SAMPLE`` characters are in: by script, then by the commonest function words (another Latin-script
    language only where its words are more than twice as frequent as English ones: an English report quotes
    French titles and names)."""
    sample = text[:SAMPLE]
    scripts = {name: len(pattern.findall(sample)) for name, pattern in SCRIPTS.items()}
    script, letters = max(scripts.items(), key=lambda kv: kv[1])
    if letters >= LETTERS:
        return script
    words = Counter(w.lower() for w in re.findall(r"[^\W\d_]+", sample))
    scores = {name: sum(words[w] for w in common) for name, common in FUNCTION_WORDS.items()}
    other = max((name for name in scores if name != "English"), key=scores.get)
    return other if scores[other] > 2 * scores["English"] else "English"  # English unless clearly another


def not_english(text):
    """The language of a document not written in English, or None."""
    language = language_of(text)
    return None if language == "English" else language
