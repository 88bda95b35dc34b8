"""Korean and English analysis: bigrams, Kiwi morphemes and base forms, English stems,
초성 search, synonyms, query understanding, spelling — and what a citizen sees in results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import SearchQuery, TantivyIndex
from index.analysis import bigram_terms, initial_terms, morph_terms, query_words, stem_word
from index.korean import initial_consonants, is_initial_consonant_word, shared_morphology
from index.query_understanding import edit_distance, nearest_spelling, understand_query
from sharehub.wiring import category_words
from tests.factories import make_listing

SYNONYMS = Path(__file__).parent.parent / "index" / "data" / "synonyms.json"


@pytest.fixture(scope="module")
def morphology():
    return shared_morphology()


@pytest.mark.parametrize(("word", "initials"), [
    ("공구", "ㄱㄱ"), ("공구대여소", "ㄱㄱㄷㅇㅅ"), ("회의실", "ㅎㅇㅅ"), ("까치", "ㄲㅊ"),
    ("LED랜턴", "ㄹㅌ"), ("tent", ""),
], ids=["two-syllables", "compound", "meeting-room", "double-consonant", "mixed", "latin"])
def test_initial_consonants(word, initials):
    assert initial_consonants(word) == initials


@pytest.mark.parametrize(("word", "expected"), [
    ("ㄱㄱ", True), ("ㅎㅇㅅ", True), ("\u1100\u1100", True), ("ㄱ가", False), ("ㅏㅏ", False),
    ("", False), ("gg", False),
], ids=["compat", "three", "conjoining-after-nfkc", "with-syllable", "vowels", "empty", "latin"])
def test_is_initial_consonant_word(word, expected):
    assert is_initial_consonant_word(word) is expected


@pytest.mark.parametrize(("word", "stem"), [
    ("tools", "tool"), ("renting", "rent"), ("umbrellas", "umbrella"), ("meeting", "meet"),
    ("3000mm", "3000mm"), ("tv", "tv"),
], ids=["plural", "gerund", "plural-double-l", "meeting", "digits", "short"])
def test_english_stems(word, stem):
    assert stem_word(word) == stem


def test_bigrams_for_korean_and_stems_for_latin():
    assert bigram_terms("캠핑텐트 Tools") == "캠핑 핑텐 텐트 tool"
    assert bigram_terms("책") == "책"


@pytest.mark.parametrize(("text", "terms"), [
    ("빌려요", "빌리다"), ("대여합니다", "대여"), ("전동드릴을", "전동 드릴"), ("드릴", "드릴"),
    ("캠핑의자", "캠핑 의자"), ("캠핑 의자", "캠핑 의자"), ("Meeting rooms", "meet room"),
], ids=["verb-base-form", "hada-noun", "compound-with-particle", "domain-noun-not-verb",
        "compound", "spaced", "english"])
def test_morphemes_are_nouns_and_base_forms(morphology, text, terms):
    assert morph_terms([text], morphology) == terms


def test_initial_terms_cover_words_prefixes_and_kiwi_nouns(morphology):
    terms = initial_terms(["마포구 장난감도서관"], morphology).split()
    assert {"ㅈㄴ", "ㅈㄴㄱㄷㅅㄱ", "ㄷㅅㄱ", "ㅁㅍㄱ"} <= set(terms)  # ㄷㅅㄱ: Kiwi's 도서관
    assert "ㄱ" not in terms  # one consonant alone would match a third of all words


@pytest.mark.parametrize("text", [
    '"unterminated', "a OR", "(x", "NEAR(", "body:우산", "-foo", "c++", "🎪⛺️", "회의실" * 3000,
    "ㅋ", "   ", "\x00\x1f",
], ids=["quote", "operator", "bracket", "near", "field", "minus", "plus", "emoji", "10000",
        "one-consonant", "blank", "control"])
def test_any_text_is_plain_words(morphology, text):
    for word in query_words(text, morphology=morphology):
        assert all(ch.isalnum() for ch in word.text), word
    assert len(query_words(text)) <= 12


def _plan(text, morphology):
    plan = understand_query(text, morphology)
    return ([c.text for c in plan.concepts], [c.text for c in plan.qualifiers],
            [w.text for w in plan.optional])


@pytest.mark.parametrize(("text", "concepts", "qualifiers", "optional"), [
    ("강남 회의실 무료", ["회의실"], ["강남", "무료"], []),
    ("드릴 빌리는 곳", ["드릴"], [], ["빌리는"]),
    ("tent rental", ["tent"], [], ["rental"]),
    ("meeting room", ["meeting room"], [], []),
    ("마포구 공구", ["공구"], ["마포구"], []),
    ("대여", ["대여"], [], []),
    ("강남", ["강남"], [], []),
    ("곳 어디", [], [], []),
], ids=["district-and-free-qualify", "intent-and-filler", "english-intent", "phrase-synonym",
        "district-with-suffix", "intent-alone-is-the-search", "district-alone", "filler-only"])
def test_query_understanding(morphology, text, concepts, qualifiers, optional):
    assert _plan(text, morphology) == (concepts, qualifiers, optional)


def test_synonyms_expand_in_both_languages(morphology):
    def alternatives(text):
        concept, = understand_query(text, morphology).concepts
        return {" ".join(w.text for w in alt.words) for alt in concept.alternatives}

    assert {"공구", "tool", "tools"} <= alternatives("공구")
    assert {"회의실", "meeting room"} <= alternatives("meeting room")
    assert "car sharing" in alternatives("나눔카")
    assert "공구" in alternatives("ㄱㄱ")  # initials also stand for the words they spell


def test_synonym_data_is_rich_and_consistent():
    data = json.loads(SYNONYMS.read_text(encoding="utf-8"))
    groups = data["groups"]
    assert len(groups) >= 40
    assert all(len(group) >= 2 for group in groups)
    members = [member for group in groups for member in group]
    assert len(members) == len(set(members)), "a word in two groups merges their meanings"
    pairs = [("공구", "tool"), ("캠핑", "camping"), ("회의실", "meeting room"),
             ("나눔카", "car sharing"), ("텐트", "tent"), ("자전거", "bike"),
             ("자전거", "bicycle"), ("주차장", "parking"), ("공유주방", "shared kitchen"),
             ("우산", "umbrella")]
    for korean, english in pairs:
        assert any(korean in g and english in g for g in groups), (korean, english)


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("회의싱", "회의실", 1), ("텐투", "텐트", 1), ("mete", "meet", 1), ("umbrela", "umbrella", 1),
    ("공구", "공구", 0), ("abc", "xyz", 3),
], ids=["final-syllable", "two-syllables", "transposition", "missing-letter", "same",
        "different"])
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance


def test_nearest_spelling_prefers_closest_then_most_frequent():
    candidates = [("회의장", 3), ("회의실", 40), ("회의", 90)]
    assert nearest_spelling("회의싱", candidates, 1) == "회의실"
    assert nearest_spelling("텐투", [("텐트", 5)], 1) == "텐트"
    assert nearest_spelling("가나다라", [("텐트", 5)], 1) is None


LISTINGS = [
    make_listing("tools", "공덕동 공구대여소", items=["전동드릴", "사다리"]),
    make_listing("chairs", "캠핑의자 2개 세트", category="item.camping", free=False),
    make_listing("tent", "4인용 돔 텐트", category="item.camping", free=False),
    make_listing("lend", "우산 빌려드립니다", category="item.umbrella"),
    make_listing("room", "역삼 8인 회의실", source_id="modu-spaces", free=False,
                 category="space.meeting_room", district=("11680", "강남구")),
    make_listing("free-room", "개포4동 주민센터 다목적회의실", category="space.meeting_room",
                 district=("11680", "강남구")),
    make_listing("mapo-room", "마포구청 대회의실", category="space.meeting_room"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    index = TantivyIndex(tmp_path_factory.mktemp("analysis") / "index", category_words())
    index.rebuild(LISTINGS)
    yield index
    index.close()


def _ids(index, text):
    return [hit.listing.source_record_id for hit in index.search(SearchQuery(text=text)).hits]


@pytest.mark.parametrize(("text", "first"), [
    ("ㄱㄱ", "tools"), ("캠핑 의자", "chairs"), ("tent", "tent"), ("텐투", "tent"),
    ("빌려요 우산", "lend"), ("umbrela", "lend"), ("ladder", "tools"), ("회의싱", None),
    ("강남 회의실 무료", "free-room"), ("drill", "tools"),
], ids=["initials", "spaced-compound", "english-synonym", "typo", "base-form",
        "english-typo", "english-item", "typo-meeting-room", "district-and-free",
        "english-inside-korean-compound"])
def test_search_finds_what_a_citizen_means(index, text, first):
    ids = _ids(index, text)
    assert ids, f"{text!r} found nothing"
    if first is not None:
        assert ids[0] == first, f"{text!r} ranked {ids}"


def test_typo_finds_every_meeting_room(index):
    assert set(_ids(index, "회의싱")) == {"room", "free-room", "mapo-room"}


def test_district_ranks_first_without_hiding_the_others(index):
    ids = _ids(index, "마포 회의실")
    assert ids[0] == "mapo-room"
    assert set(ids) == {"room", "free-room", "mapo-room"}


@pytest.mark.parametrize("text", ['"', "a OR", "(x", "NEAR(", "^", "c++", "ㅋ", "🎪",
                                  "회의실" * 3400, "ㄱㄱ" * 10])
def test_hostile_text_never_raises(index, text):
    index.search(SearchQuery(text=text))
