"""User text → a tantivy query, built in code (never a query parser).

The plan comes from `index.query_understanding`: every concept must match through one of
its alternatives (the user's own words or their synonyms); qualifiers (a district, free)
and intent words only add to the score. A word matches:

- its bigrams in the title (boosted) or the body: recall, Korean compounds included.
  A word's terms must all be there, in any order: a conjunction, not a phrase. Phrases
  needed positions, which cost indexing time, and checking them cost most of a query's
  time (at 100,000 listings, 회의실 in the body: 9.2 ms as a phrase, 1.7 ms as a
  conjunction, with the same 44,886 matches); the relevance set scored the same or
  better (nDCG@10 0.977 → 0.978);
- its morphemes in the `morph` field (title, category labels, items, tags): precision
  and base forms, boosted above bigrams;
- when it is one syllable (책), every title or body term holding that syllable;
- its 초성 string in the `initials` field, when it is only initial consonants (ㄱㄱ).

A word no listing matches as typed is respelled from the morpheme dictionary (회의싱 →
회의실, umbrela → umbrella), or a long compound loses the syllable at one end (공구대여서 →
공구대여). Whether a word matches is first judged from the term dictionary alone (each of
its terms is in some listing), which costs microseconds; the search that confirms it (its
terms together, in order) costs milliseconds per word at a million listings, so it runs
only in the `thorough` pass, which the index runs when the quick query finds nothing. The
weights below were set by measuring nDCG@10 with `sharehub eval search`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import tantivy

from index.analysis import QueryWord, query_words
from index.korean import shared_morphology
from index.query_understanding import Concept, nearest_spelling, understand_query

__all__ = ["TextQuery", "build_text_query"]

TITLE_BOOST = 3.0
MORPH_BOOST = 4.0  # a morpheme match (title, labels, items, tags) beats bigrams
INITIALS_BOOST = 2.0
# A listing in the district the query names, or free when it says 무료 / free, comes
# before the others: these outweigh any text score (nDCG@10 0.968 at 10, 0.979 at 100).
DISTRICT_BOOST = 100.0
FREE_BOOST = 30.0
OPTIONAL_WEIGHT = 0.3  # intent words (대여, rental): rank, never required
SPELLING_CANDIDATES = 5_000  # most frequent morphemes compared with an unknown word

_Q = tantivy.Query
_SHOULD, _MUST = tantivy.Occur.Should, tantivy.Occur.Must


@dataclass(frozen=True, slots=True)
class TextQuery:
    """A built text query. `query` is None when the text has no searchable word;
    `assumed` is True when some word was taken as spelled right from its terms alone
    (the `thorough` pass may read it differently)."""

    query: tantivy.Query | None
    assumed: bool


class _TextQueryBuilder:
    def __init__(self, schema: tantivy.Schema, searcher: tantivy.Searcher,
                 thorough: bool) -> None:
        self.schema = schema
        self.searcher = searcher
        self.thorough = thorough
        self.assumed = False

    def run(self, field: str, terms: Sequence[str], boost: float) -> tantivy.Query:
        """All the terms in one field (a term, or a conjunction), boosted."""
        query = (_Q.term_query(self.schema, field, terms[0]) if len(terms) == 1
                 else _Q.boolean_query([(_MUST, _Q.term_query(self.schema, field, t))
                                        for t in terms]))
        return _Q.boost_query(query, boost)

    def word(self, word: QueryWord, weight: float) -> tantivy.Query:
        if word.initials:
            return self.run("initials", [word.initials], INITIALS_BOOST * weight)
        if word.unigram:
            return self.syllable(word.terms[0], weight)
        fields = [("title", word.terms, TITLE_BOOST), ("body", word.terms, 1.0),
                  ("morph", word.morphs, MORPH_BOOST)]
        return _Q.boolean_query([(_SHOULD, self.run(f, terms, boost * weight))
                                 for f, terms, boost in fields if terms])

    def syllable(self, syllable: str, weight: float) -> tantivy.Query:
        """One Hangul syllable (책): every title or body term holding it, i.e. the
        syllable alone or a bigram starting or ending with it. A syllable has no regex
        meaning, and the query words hold nothing else (index.analysis.query_words)."""
        pattern = f"{syllable}.?|.{syllable}"
        return _Q.boolean_query([
            (_SHOULD, _Q.boost_query(_Q.regex_query(self.schema, field, pattern),
                                     boost * weight))
            for field, boost in (("title", TITLE_BOOST), ("body", 1.0))])

    def matches(self, word: QueryWord) -> bool:
        """Whether any listing matches the word as typed."""
        df = self.searcher.doc_freq
        if not all(df("title", t) + df("body", t) for t in word.terms) and not all(
                df("morph", m) for m in word.morphs or ["\x00"]):
            return False  # a term no listing has: a cheap no
        if not self.thorough:
            self.assumed = True  # every term exists: most likely the word does too
            return True
        return bool(self.searcher.search(self.word(word, 1.0), 1).hits)

    def spelling(self, word: QueryWord) -> str | None:
        """A better spelling of a word no listing matches as typed, or None."""
        hangul = "\uac00" <= word.text[:1] <= "\ud7a3"
        target = word.text if hangul else word.terms[0]  # Latin: its stem
        if word.unigram or len(target) < (2 if hangul else 4) or self.matches(word):
            return None
        candidates = self.searcher.terms_with_prefix("morph", target[0],
                                                     limit=SPELLING_CANDIDATES)
        found = nearest_spelling(target, candidates, 1 if len(target) < 8 else 2)
        if found is None and hangul and len(target) >= 4:  # 공구대여서: drop an end
            found = next((t for t in (target[:-1], target[1:])
                          if self.matches(query_words(t)[0])), None)
        return found

    def concept(self, concept: Concept) -> tantivy.Query:
        options = [(_SHOULD, _Q.boolean_query([(_MUST, self.word(w, alt.weight))
                                               for w in alt.words]))
                   for alt in concept.alternatives]
        if concept.district_codes:
            options.append((_SHOULD, _Q.boost_query(_Q.term_set_query(
                self.schema, "district", list(concept.district_codes)), DISTRICT_BOOST)))
        if concept.free:
            options.append((_SHOULD, self.run("free", ["true"], FREE_BOOST)))
        return _Q.boolean_query(options)


def build_text_query(schema: tantivy.Schema, searcher: tantivy.Searcher, text: str,
                     *, thorough: bool = True) -> TextQuery:
    """The query for a citizen's text over the index `searcher` reads (its dictionary
    supplies spellings). Any text is a plain search; `query` is None when it has no
    searchable word (empty, punctuation, emoji). With `thorough` False, a word whose
    every term is in the dictionary is taken as spelled right without a search."""
    builder = _TextQueryBuilder(schema, searcher, thorough)
    plan = understand_query(text, shared_morphology(), corrector=builder.spelling)
    if not plan.concepts:
        return TextQuery(None, builder.assumed)
    return TextQuery(_Q.boolean_query([(_MUST, builder.concept(c)) for c in plan.concepts]
                                      + [(_SHOULD, builder.concept(c))
                                         for c in plan.qualifiers]
                                      + [(_SHOULD, builder.word(w, OPTIONAL_WEIGHT))
                                         for w in plan.optional]),
                     builder.assumed)
