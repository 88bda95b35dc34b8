"""Korean helpers: morphology with Kiwi (kiwipiepy), and initial consonants (초성).

Bigrams give recall; Kiwi gives precision and base forms: 빌려요 → 빌리다, 대여합니다 →
대여, 캠핑텐트 → 캠핑 텐트. Kiwi costs ≈0.3–1 ms per short text, so words are analysed
one at a time and remembered (a catalog repeats the same few thousand words), misses are
analysed together through Kiwi's batch API, and only short fields go through it.

Initial consonants are how people search on phones: ㄱㄱ for 공구, ㅎㅇㅅ for 회의실.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any, TypeVar, cast

__all__ = [
    "KoreanMorphology",
    "compat_initials",
    "domain_nouns",
    "initial_consonants",
    "is_initial_consonant_word",
    "shared_morphology",
]

_log = logging.getLogger(__name__)

_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3
_SYLLABLES_PER_INITIAL = 21 * 28
# The 19 initial consonants, in syllable order, as compatibility jamo (what keyboards type).
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_INITIAL_SET = frozenset(_INITIALS)
# NFKC turns compatibility jamo into conjoining jamo (ㄱ → U+1100): map those back.
_CONJOINING_TO_COMPAT = {0x1100 + i: c for i, c in enumerate(_INITIALS)}

# Kiwi tags kept as content: nouns, proper nouns, roots, foreign words, numbers with
# letters (SL/SH/SN), and verb/adjective stems (given back as base forms with 다).
_NOUN_TAGS = frozenset({"NNG", "NNP", "XR", "SL", "SH"})
_PREDICATE_TAGS = frozenset({"VV", "VA"})
_CACHE_LIMIT = 200_000
_TEXT_MEMO_LIMIT = 50_000  # words of titles, and whole labels, item names and tags
_MISSING = object()
T = TypeVar("T")


def initial_consonants(word: str) -> str:
    """The initial consonant of each Hangul syllable of `word` (공구대여소 → ㄱㄱㄷㅇㅅ);
    other characters are skipped."""
    out = []
    for char in word:
        code = ord(char)
        if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
            out.append(_INITIALS[(code - _SYLLABLE_FIRST) // _SYLLABLES_PER_INITIAL])
    return "".join(out)


def is_initial_consonant_word(word: str) -> bool:
    """True when `word` is made only of initial consonants (ㄱㄱ, ㅎㅇㅅ), typed as
    compatibility jamo or, after NFKC, as conjoining jamo."""
    return bool(word) and all(c in _INITIAL_SET or ord(c) in _CONJOINING_TO_COMPAT
                              for c in word)


def compat_initials(word: str) -> str:
    """`word` with conjoining initial jamo turned back into compatibility jamo."""
    return "".join(_CONJOINING_TO_COMPAT.get(ord(c), c) for c in word)


def _content_forms(tokens: Iterable[Any]) -> tuple[str, ...]:
    forms = []
    for token in tokens:
        tag = token.tag.split("-", 1)[0]  # VV-R / VV-I (regular/irregular) → VV
        if tag in _NOUN_TAGS:
            forms.append(token.form.lower())
        elif tag in _PREDICATE_TAGS:
            forms.append(token.form + "다")
    return tuple(forms)


class KoreanMorphology:
    """Content morphemes of words, through Kiwi, remembered per word.

    `analyse(words)` maps each word to its nouns and predicate base forms in order
    (전동드릴을 → (전동, 드릴), 빌려요 → (빌리다,)). The Kiwi model (≈2–4 s to load) is
    loaded on first use. Thread-safe.
    """

    def __init__(self, user_nouns: Iterable[str] = (), cache_limit: int = _CACHE_LIMIT) -> None:
        self._kiwi: Any = None
        self._user_nouns = tuple(user_nouns)
        self._cache: dict[str, tuple[str, ...]] = {}
        self._text_cache: dict[str, list[tuple[int, str]]] = {}
        self._text_memo: dict[str, object] = {}
        self._cache_limit = cache_limit
        self._lock = threading.Lock()

    def _analyser(self) -> Any:
        if self._kiwi is None:
            from kiwipiepy import Kiwi  # no stubs

            # One worker thread: the batch API needs one, and the index writer and the
            # site's request threads already use the other core. Without the Wikipedia
            # proper-noun and typo dictionaries the model loads in ≈4 s instead of ≈6 s
            # and takes ≈250 MB instead of ≈400 MB, and reads listing words the same.
            kiwi = Kiwi(num_workers=1, load_default_dict=False, load_typo_dict=False,
                        load_multi_dict=False)
            # Alone, 드릴 reads as 드리 + ㄹ ("will give"); the domain says it is a drill.
            # Only nouns Kiwi misreads are taught: a taught word is preferred everywhere,
            # and teaching 도서 would split 도서관 into 도서 + 관.
            misread = [noun for noun in self._user_nouns
                       if [(t.form, t.tag[:2]) for t in kiwi.tokenize(noun)] != [(noun, "NN")]]
            for noun in misread:
                kiwi.add_user_word(noun, "NNG", 0.0)
            self._kiwi = kiwi
            _log.info("kiwi morphology model loaded (%d domain nouns taught)", len(misread))
        return self._kiwi

    def analyse_text(self, text: str) -> list[tuple[int, str]]:
        """Content morphemes of a whole short text (a query) in context, each with the
        offset of its first character in `text`. Remembered per text."""
        cached = self._text_cache.get(text)
        if cached is None:
            with self._lock:
                tokens = self._analyser().tokenize(text)
                if len(self._text_cache) >= self._cache_limit // 10:
                    self._text_cache.clear()
            cached = [(token.start, form) for token in tokens
                      for form in _content_forms([token])]
            self._text_cache[text] = cached
        return cached

    def analyse(self, words: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Content morphemes of each distinct word (Hangul words; others are kept whole).

        Words missing from the cache are analysed in one batch call."""
        found: dict[str, tuple[str, ...]] = {}
        missing = []
        for word in words:
            cached = self._cache.get(word)
            if cached is not None:
                found[word] = cached
            elif word not in found:
                found[word] = ()
                missing.append(word)
        if missing:
            with self._lock:
                kiwi = self._analyser()
                analysed = list(kiwi.tokenize(missing)) if len(missing) > 1 else [
                    kiwi.tokenize(missing[0])]
                if len(self._cache) + len(missing) > self._cache_limit:
                    self._cache.clear()  # rare: a fresh start beats bookkeeping per hit
                for word, tokens in zip(missing, analysed, strict=True):
                    forms = _content_forms(tokens)
                    self._cache[word] = found[word] = forms
        return found

    def remember(self, text: str, compute: Callable[[str], T]) -> T:
        """`compute(text)`, remembered per text: the words of titles, category labels,
        item names and tags repeat across thousands of listings."""
        found = self._text_memo.get(text, _MISSING)
        if found is _MISSING:
            found = compute(text)
            if len(self._text_memo) >= _TEXT_MEMO_LIMIT:
                self._text_memo.clear()
            self._text_memo[text] = found
        return cast(T, found)

    def remember_all(self, texts: Iterable[str], compute: Callable[[str], T]) -> list[T]:
        """`remember` for each text, in order, with the memo read inline (indexing calls
        it for every word of every title)."""
        memo, out = self._text_memo, []
        for text in texts:
            found = memo.get(text, _MISSING)
            out.append(cast(T, found) if found is not _MISSING else self.remember(text, compute))
        return out

    def cache_size(self) -> int:
        return len(self._cache)


def domain_nouns() -> list[str]:
    """Short Hangul words of the synonym groups (≤ 3 syllables, so compounds such as
    공유주방 still split into 공유 + 주방), taught to Kiwi as nouns."""
    data = json.loads((resources.files("index") / "data" / "synonyms.json").read_text(
        encoding="utf-8"))
    return sorted({word for group in data["groups"] for word in group
                   if len(word) <= 3 and all(_SYLLABLE_FIRST <= ord(c) <= _SYLLABLE_LAST
                                             for c in word)})


@cache
def shared_morphology() -> KoreanMorphology:
    """The process's one morphology: the Kiwi model is read-only once loaded and costs
    seconds and ~100 MB to load, so every index in the process shares it."""
    return KoreanMorphology(domain_nouns())
