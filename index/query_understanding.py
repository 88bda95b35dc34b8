"""Query understanding: what a citizen's words ask for, before any backend builds a query.

A query becomes a `QueryPlan`: concepts that must all match, each with its alternatives
(the user's own words, and their synonyms in both languages from `index/data/
synonyms.json`), plus optional words that only rank. Three kinds of words get a meaning
beyond their text, because the measured nDCG@10 rises with each (tests/test_relevance.py):

- district names (강남, 마포구, Gangnam, 부산): the concept also matches every listing in
  those districts, boosted, so 강남 finds listings whose text never says 강남;
- 무료 / free: the concept also matches listings whose fee is free, boosted;
- intent words (대여, 빌려요, rental) and filler (곳, 근처, where) say what to do, not what
  to find: intent words only rank, filler is dropped, so "드릴 빌리는 곳" is a search for
  드릴 that prefers listings about lending.

District and free words qualify the other words, so they rank rather than filter: "마포
공구" lists Mapo's tool libraries first, then the others. A word that matches nothing as
typed is replaced by the spelling the backend's `Corrector` proposes (회의싱 → 회의실), and a
word made of initial consonants also stands for the vocabulary words they spell (ㄱㄱ → 공구).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from index.analysis import QueryWord, query_words, stem_word, word_runs
from index.korean import KoreanMorphology, initial_consonants

__all__ = [
    "SYNONYM_WEIGHT",
    "Alternative",
    "Concept",
    "QueryPlan",
    "Corrector",
    "QueryVocabulary",
    "edit_distance",
    "load_vocabulary",
    "nearest_spelling",
    "understand_query",
]

SYNONYM_WEIGHT = 0.8  # a synonym's match counts a little less than the user's own word
_MAX_PHRASE = 3  # longest synonym phrase, in words
_HANGUL_FIRST, _HANGUL_LAST = "\uac00", "\ud7a3"

Key = tuple[str, ...]
# Given a query word, the backend's better spelling of it when the word matches nothing
# as typed (None when it matches, or nothing better is known).
Corrector = Callable[[QueryWord], str | None]


def _key(text: str) -> Key:
    """Lookup key of a word or phrase: its words, Latin ones stemmed (tools → tool)."""
    return tuple(run if _HANGUL_FIRST <= run[0] <= _HANGUL_LAST else stem_word(run)
                 for run in word_runs(text))


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to satisfy a concept: all its words match. `weight` scales its score."""

    words: tuple[QueryWord, ...]
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Concept:
    """Something the query asks for; a listing must satisfy one of its alternatives, or
    be in one of `district_codes`, or be free when `free` is set."""

    text: str
    alternatives: tuple[Alternative, ...]
    district_codes: tuple[str, ...] = ()
    free: bool = False


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """`concepts` must all match; `qualifiers` (districts, free) and `optional` words
    (intent) add to the score of listings that match them."""

    concepts: tuple[Concept, ...]
    qualifiers: tuple[Concept, ...] = ()
    optional: tuple[QueryWord, ...] = ()


class QueryVocabulary:
    """The words query understanding knows: synonym groups, intent, filler and free
    words, and district names (Korean short names with and without 구/시/군, English)."""

    def __init__(self, groups: list[list[str]], intent: list[str], filler: list[str],
                 free: list[str], districts: dict[Key, tuple[str, ...]],
                 labels: Iterable[str] = ()) -> None:
        self.synonyms: dict[Key, list[str]] = {}
        for group in groups:
            for member in group:
                others = [m for m in group if _key(m) != _key(member)]
                self.synonyms.setdefault(_key(member), []).extend(others)
        self.intent = {_key(w) for w in intent}
        self.filler = {_key(w) for w in filler}
        self.free = {_key(w) for w in free}
        self.districts = districts
        # 초성 → the Hangul words of the vocabulary (and category labels) they spell.
        self.by_initials: dict[str, list[str]] = {}
        words = {w for group in groups for w in group} | set(labels)
        for word in sorted(words):
            if word and all(_HANGUL_FIRST <= c <= _HANGUL_LAST for c in word):
                self.by_initials.setdefault(initial_consonants(word), []).append(word)


def _district_names() -> dict[Key, tuple[str, ...]]:
    from normalizer.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    names: dict[Key, set[str]] = {}
    for code, district in gazetteer.districts.items():
        short = district.short_name.split(" ")[-1]  # "수원시 장안구" → 장안구
        spellings = [short, district.name_en.split(",")[0].lower().removesuffix("-gu")
                     .removesuffix("-si").removesuffix("-gun")]
        if len(short) >= 3 and short[-1] in "구시군":
            spellings.append(short[:-1])  # 강남구 → 강남 (not 중구 → 중)
        for spelling in spellings:
            if spelling:
                names.setdefault(_key(spelling), set()).add(code)
    for sido_code, sido in gazetteer.sidos.items():
        codes = {c for c in gazetteer.districts if c.startswith(sido_code)}
        for spelling in (sido.name, sido.name_en, *sido.aliases):
            names.setdefault(_key(spelling), set()).update(codes)
    return {key: tuple(sorted(codes)) for key, codes in names.items() if key}


@cache
def load_vocabulary() -> QueryVocabulary:
    """The bundled vocabulary (read once: it is data shipped with the code)."""
    from normalizer.taxonomy import load_taxonomy

    data = json.loads((resources.files("index") / "data" / "synonyms.json").read_text(
        encoding="utf-8"))
    labels = [part for category in load_taxonomy().categories.values()
              for part in category.ko.split("·")]
    return QueryVocabulary(data["groups"], data["intent"], data["filler"], data["free"],
                           _district_names(), labels)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counted as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def nearest_spelling(word: str, candidates: Iterable[tuple[str, int]],
                     max_distance: int) -> str | None:
    """The candidate (term, document count) nearest to `word` within `max_distance`
    edits; among equals, one of the same length (a mistyped syllable: 회의싱 → 회의실, not
    회의), then the most frequent. None when none is that close."""
    best: tuple[int, int, int, str] | None = None
    for term, count in candidates:
        length_gap = abs(len(term) - len(word))
        if term == word or length_gap > max_distance:
            continue
        distance = edit_distance(word, term)
        rank = (distance, length_gap, -count, term)
        if distance <= max_distance and (best is None or rank < best):
            best = rank
    return best[3] if best else None


def _word_key(word: QueryWord) -> Key:
    return (word.initials,) if word.initials else _key(word.text)


def _is_filler(word: QueryWord, vocabulary: QueryVocabulary, analysed: bool) -> bool:
    if _word_key(word) in vocabulary.filler:
        return True
    # A Hangul word Kiwi finds no content in (싶어요) is grammar, not a search term; so is
    # one whose every morpheme is filler (있는 → 있다).
    hangul = bool(word.text) and _HANGUL_FIRST <= word.text[0] <= _HANGUL_LAST
    return analysed and hangul and all((m,) in vocabulary.filler for m in word.morphs)


def _is_intent(word: QueryWord, vocabulary: QueryVocabulary) -> bool:
    return _word_key(word) in vocabulary.intent or (
        bool(word.morphs) and all((m,) in vocabulary.intent or (m,) in vocabulary.filler
                                  for m in word.morphs))


def _synonym_span(words: list[QueryWord], start: int,
                  vocabulary: QueryVocabulary) -> tuple[int, list[str]] | None:
    """The longest run of words from `start` that is a synonym entry, and its synonyms."""
    for length in range(min(_MAX_PHRASE, len(words) - start), 0, -1):
        key = tuple(k for w in words[start:start + length] for k in _word_key(w))
        if key in vocabulary.synonyms:
            return length, vocabulary.synonyms[key]
    return None


def _corrected(words: list[QueryWord], corrector: Corrector | None,
               morphology: KoreanMorphology | None) -> list[QueryWord]:
    if corrector is None:
        return words
    out = []
    for word in words:
        spelling = None if word.initials else corrector(word)
        out.extend(query_words(spelling, morphology=morphology) if spelling else [word])
    return out


def _concept(words: list[QueryWord], synonyms: Iterable[str],
             morphology: KoreanMorphology | None) -> Concept:
    own = Alternative(tuple(words))
    others = [Alternative(tuple(query_words(s, morphology=morphology)), SYNONYM_WEIGHT)
              for s in synonyms]
    return Concept(" ".join(w.text for w in words), (own, *(a for a in others if a.words)))


def understand_query(text: str, morphology: KoreanMorphology | None = None,
                     vocabulary: QueryVocabulary | None = None,
                     corrector: Corrector | None = None) -> QueryPlan:
    """Turn user text into a plan. Never raises: any text is a plain search.

    `morphology` adds Kiwi morphemes to each word (and lets grammar-only words drop);
    `vocabulary` defaults to the bundled one; `corrector` proposes spellings for words
    that match nothing as typed."""
    vocabulary = vocabulary or load_vocabulary()
    words = _corrected(query_words(text, morphology=morphology), corrector, morphology)
    concepts: list[Concept] = []
    qualifiers: list[Concept] = []
    optional: list[QueryWord] = []
    i = 0
    while i < len(words):
        word, span = words[i], _synonym_span(words, i, vocabulary)
        if span is not None:
            concepts.append(_concept(words[i:i + span[0]], span[1], morphology))
            i += span[0]
            continue
        i += 1
        key = _word_key(word)
        if word.initials:
            concepts.append(_concept([word], vocabulary.by_initials.get(word.initials, ()),
                                     morphology))
        elif key in vocabulary.free:
            qualifiers.append(Concept(word.text, (Alternative((word,)),), free=True))
        elif key in vocabulary.districts:
            qualifiers.append(Concept(word.text, (Alternative((word,)),),
                                      district_codes=vocabulary.districts[key]))
        elif _is_filler(word, vocabulary, morphology is not None):
            continue
        elif _is_intent(word, vocabulary):
            optional.append(word)
        else:
            concepts.append(Concept(word.text, (Alternative((word,)),)))
    if not concepts:  # "강남", "무료", "대여" alone: the qualifier or intent is the search
        concepts = qualifiers + [Concept(w.text, (Alternative((w,)),)) for w in optional]
        qualifiers, optional = [], []
    return QueryPlan(tuple(concepts), tuple(qualifiers), tuple(optional))
