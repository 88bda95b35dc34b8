"""Text analysis shared by indexing and querying, so both sides see the same terms.

Korean has no spaces inside compounds and glues particles to nouns (캠핑텐트, 전동드릴을), so a
Hangul run is indexed as its overlapping syllable bigrams (텐트 is a term of 캠핑텐트), plus
its single syllables in a separate field for one-syllable queries (책). Latin and digit
words are lower-cased whole words.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["QueryWord", "bigram_terms", "query_words", "unigram_terms"]

_RUN = re.compile(r"[\uac00-\ud7a3]+|[0-9a-z]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _runs(text: str) -> list[str]:
    return _RUN.findall(unicodedata.normalize("NFKC", text).lower())


def _stem(word: str) -> str:
    """A light English plural folding, the same at index and query time (tools → tool)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word.isalpha():
        return word[:-1]
    return word


def _bigrams(run: str) -> list[str]:
    if not _HANGUL.match(run):
        return [_stem(run)]
    if len(run) < 2:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def bigram_terms(text: str) -> str:
    """The text as space-separated index terms (Hangul bigrams, Latin words)."""
    return " ".join(term for run in _runs(text) for term in _bigrams(run))


def unigram_terms(text: str) -> str:
    """Every Hangul syllable of the text, space-separated (for one-syllable queries)."""
    return " ".join(_HANGUL.findall(unicodedata.normalize("NFKC", text)))


class QueryWord:
    """One word of a user's query and the terms it must match, in order."""

    __slots__ = ("terms", "unigram")

    def __init__(self, terms: list[str], unigram: bool) -> None:
        self.terms = terms
        self.unigram = unigram  # a single Hangul syllable: look in the unigram field

    def __repr__(self) -> str:
        return f"QueryWord({self.terms!r}, unigram={self.unigram})"


def query_words(text: str, max_words: int = 12) -> list[QueryWord]:
    """Split user text into words: every character that is not a letter or digit is a
    separator, so no input can carry query syntax. Long input is cut at `max_words`."""
    words = []
    for run in _runs(text[:1000])[:max_words]:
        single = bool(_HANGUL.match(run)) and len(run) == 1
        words.append(QueryWord([run] if single else _bigrams(run), single))
    return words
