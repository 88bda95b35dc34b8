"""Text analysis shared by indexing and querying, so both sides see the same terms.

Three analyses, each for its own index field:

- bigrams (recall): Korean has no spaces inside compounds and glues particles to nouns
  (캠핑텐트, 전동드릴을), so a Hangul run is indexed as its overlapping syllable bigrams
  (텐트 is a term of 캠핑텐트); Latin and digit words are lower-cased and stemmed
  (Snowball English: tools → tool, renting → rent);
- morphemes (precision): Kiwi's nouns and verb/adjective base forms (빌려요 → 빌리다,
  대여합니다 → 대여), for titles and other short fields only, since Kiwi is ~100× slower;
- initial consonants: ㄱㄱㄷㅇㅅ for 공구대여소 and its prefixes, for 초성 search.
"""

from __future__ import annotations

import operator
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

import snowballstemmer  # no stubs

from index.korean import (
    KoreanMorphology,
    compat_initials,
    initial_consonants,
    is_initial_consonant_word,
)

__all__ = [
    "QueryWord",
    "bigram_terms",
    "initial_terms",
    "morph_terms",
    "query_words",
    "short_text_terms",
    "stem_word",
    "word_runs",
]

_RUN = re.compile(r"[\uac00-\ud7a3]+|[0-9a-z]+")
_RUN_GROUPS = re.compile(r"([\uac00-\ud7a3]+)|([0-9a-z]+)")
# Query side also keeps runs of initial consonants (compatibility jamo, or conjoining
# jamo after NFKC), so ㄱㄱ is a word and not a separator.
_QUERY_RUN = re.compile(r"[\uac00-\ud7a3]+|[0-9a-z]+|[\u3131-\u314e\u1100-\u1112]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_MIN_INITIALS = 2  # one consonant alone would match a third of all words
_MAX_INITIALS = 8
_WORD_CACHE = 200_000  # distinct words remembered with their terms

_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps per-call state


def word_runs(text: str) -> list[str]:
    """NFKC, lower case, then runs of Hangul syllables and of Latin letters/digits."""
    return _RUN.findall(unicodedata.normalize("NFKC", text).lower())


def stem_word(word: str) -> str:
    """Snowball English stem of a Latin word (tools → tool, meeting → meet); digits and
    short words stay as they are. The same at index and query time."""
    if len(word) < 3 or not word.isalpha():
        return word
    return _stem(word)


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


# stem_word with its checks folded into one cached call, for each new word bigram_terms
# meets.
_stem_cached = lru_cache(maxsize=200_000)(stem_word)


def _bigrams(run: str) -> list[str]:
    if not _HANGUL.match(run):
        return [stem_word(run)]
    if len(run) < 2:
        return [run]
    return list(map(operator.add, run, run[1:]))


def bigram_terms(text: str) -> str:
    """The text as space-separated index terms (Hangul bigrams, stemmed Latin words)."""
    # Hot at indexing time: the text is cut at whitespace and each word's terms are
    # remembered, since a catalog's descriptions repeat the same few thousand words
    # (no run of Hangul or Latin letters spans whitespace, so the terms are the same).
    return " ".join(filter(None, map(_word_bigrams, text.split())))


@lru_cache(maxsize=_WORD_CACHE)
def _word_bigrams(word: str) -> str:
    terms: list[str] = []
    # Group 1 is a Hangul run, group 2 a Latin/digit one.
    for hangul, latin in _RUN_GROUPS.findall(unicodedata.normalize("NFKC", word).lower()):
        if latin:
            terms.append(_stem_cached(latin))
        elif len(hangul) < 2:
            terms.append(hangul)
        else:
            terms.extend(map(operator.add, hangul, hangul[1:]))
    return " ".join(terms)


def _morphemes(runs: Sequence[str], morphology: KoreanMorphology) -> list[tuple[str, ...]]:
    analysed = morphology.analyse([r for r in runs if _HANGUL.match(r)])
    return [analysed[r] if _HANGUL.match(r) else (stem_word(r),) for r in runs]


class _WordAnalysis(NamedTuple):
    """What indexing needs of one whitespace-separated word of a short text."""

    morphs: str  # its content morphemes, space-separated
    initials: tuple[str, ...]  # 초성 terms of its Hangul runs and of their nouns


@lru_cache(maxsize=100_000)
def _initials_and_prefixes(word: str) -> tuple[str, ...]:
    initials = initial_consonants(word)[:_MAX_INITIALS]
    return tuple(initials[:end] for end in range(_MIN_INITIALS, len(initials) + 1))


def _runs_initials(analysed: Iterable[tuple[str, tuple[str, ...]]]) -> tuple[str, ...]:
    terms: dict[str, None] = {}
    for run, forms in analysed:
        if _HANGUL.match(run):
            terms.update(dict.fromkeys(_initials_and_prefixes(run)))
            for form in forms:
                if form != run and _HANGUL.match(form) and not form.endswith("다"):
                    terms.update(dict.fromkeys(_initials_and_prefixes(form)))
    return tuple(terms)


def _word_analyses(text: str, morphology: KoreanMorphology) -> list[_WordAnalysis]:
    """The analysis of each whitespace-separated word of `text`, remembered per word:
    titles are unique, their words are not, and Kiwi reads each run on its own anyway."""
    def compute(word: str) -> _WordAnalysis:
        runs = word_runs(word)
        analysed = tuple(zip(runs, _morphemes(runs, morphology), strict=True))
        return _WordAnalysis(" ".join(form for _, forms in analysed for form in forms),
                             _runs_initials(analysed))

    return morphology.remember_all(text.split(), compute)


def _combined(analyses: Sequence[_WordAnalysis]) -> _WordAnalysis:
    if len(analyses) == 1:
        return analyses[0]
    return _WordAnalysis(" ".join(filter(None, (a.morphs for a in analyses))),
                         tuple(dict.fromkeys(chain.from_iterable(a.initials
                                                                 for a in analyses))))


def short_text_terms(title: str, labels: str, others: Sequence[str],
                     morphology: KoreanMorphology) -> tuple[str, str]:
    """The `morph` and `initials` terms of one listing: morphemes of its title, category
    labels and `others` (item names, tags); initial consonants of the title and labels.

    The same terms as `morph_terms([title, labels, *others])` and `initial_terms([title,
    labels])`, computed once per word of the title and once per whole text of the rest
    (labels, item names and tags repeat across thousands of listings)."""
    def whole(text: str) -> _WordAnalysis:
        return _combined(_word_analyses(text, morphology))

    head = whole(title)
    rest = morphology.remember_all((labels, *others), whole)
    morphs = " ".join(filter(None, (head.morphs, *(r.morphs for r in rest))))
    return morphs, " ".join(dict.fromkeys((*head.initials, *rest[0].initials)))


def morph_terms(texts: Iterable[str], morphology: KoreanMorphology) -> str:
    """Content morphemes of short texts, in order, space-separated: Kiwi's nouns and
    predicate base forms for Hangul words, stems for Latin words. Positions follow the
    words, so 캠핑의자 and "캠핑 의자" both give the phrase 캠핑 의자."""
    return " ".join(filter(None, (analysis.morphs for text in texts
                                  for analysis in _word_analyses(text, morphology))))


def initial_terms(texts: Iterable[str], morphology: KoreanMorphology | None = None) -> str:
    """Initial-consonant strings of each Hangul word of the texts and their prefixes
    (공구대여소 → ㄱㄱ ㄱㄱㄷ ㄱㄱㄷㅇ ㄱㄱㄷㅇㅅ), plus those of its Kiwi nouns when a
    morphology is given (장난감도서관 → ㄷㅅㄱ for 도서관), space-separated, de-duplicated."""
    if morphology is None:
        return " ".join(_runs_initials((run, ()) for text in texts for run in word_runs(text)))
    return " ".join(dict.fromkeys(chain.from_iterable(
        analysis.initials for text in texts for analysis in _word_analyses(text, morphology))))


class QueryWord:
    """One word of a user's query and the terms it must match.

    `terms`: its bigrams in order (or its stem); `unigram`: a single Hangul syllable
    (matched inside bigrams); `morphs`: its content morphemes (empty when unknown);
    `initials`: the consonant string when the word is only initial consonants (ㄱㄱ).
    """

    __slots__ = ("initials", "morphs", "terms", "text", "unigram")

    def __init__(self, terms: list[str], unigram: bool, *, text: str = "",
                 morphs: tuple[str, ...] = (), initials: str | None = None) -> None:
        self.terms = terms
        self.unigram = unigram
        self.text = text or "".join(terms)
        self.morphs = morphs
        self.initials = initials

    def __repr__(self) -> str:
        return (f"QueryWord({self.text!r}, terms={self.terms!r}, unigram={self.unigram}, "
                f"morphs={self.morphs!r}, initials={self.initials!r})")


def query_words(text: str, max_words: int = 12,
                morphology: KoreanMorphology | None = None) -> list[QueryWord]:
    """Split user text into words: every character that is not a letter, digit or
    initial consonant is a separator, so no input can carry query syntax. Long input is
    cut at `max_words`. With a morphology, each word also carries its morphemes."""
    runs = _QUERY_RUN.findall(unicodedata.normalize("NFKC", text[:1000]).lower())[:max_words]
    morphs = _query_morphemes(runs, morphology) if morphology else [()] * len(runs)
    out = []
    for run, forms in zip(runs, morphs, strict=True):
        if is_initial_consonant_word(run):
            initials = compat_initials(run)
            if len(initials) >= _MIN_INITIALS:
                out.append(QueryWord([], False, text=initials,
                                     initials=initials[:_MAX_INITIALS]))
            continue
        single = bool(_HANGUL.match(run)) and len(run) == 1
        out.append(QueryWord([run] if single else _bigrams(run), single, text=run,
                             morphs=forms))
    return out


def _query_morphemes(runs: Sequence[str], morphology: KoreanMorphology,
                     ) -> list[tuple[str, ...]]:
    """Morphemes of each query word, from Kiwi reading the whole query in context (드릴
    빌리는 곳: 빌리는 is the verb 빌리다 there); Latin words are stemmed."""
    joined, starts = "", []
    for run in runs:
        starts.append(len(joined) + (1 if joined else 0))
        joined = f"{joined} {run}" if joined else run
    forms: list[list[str]] = [[] for _ in runs]
    if any(_HANGUL.match(run) for run in runs):
        for offset, form in morphology.analyse_text(joined):
            index = max(i for i, start in enumerate(starts) if start <= offset)
            if _HANGUL.match(runs[index]):
                forms[index].append(form)
    return [tuple(f) if _HANGUL.match(run) else
            (() if is_initial_consonant_word(run) else (stem_word(run),))
            for run, f in zip(runs, forms, strict=True)]
