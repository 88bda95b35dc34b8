"""The embedded index's faster paths keep its behaviour: per-word analysis gives the same
terms as whole-text analysis, the quick text query falls back to the thorough one, built
queries are forgotten on writes, and a version written with another schema is replaced."""

from __future__ import annotations

import json

import pytest
import tantivy

from index import SearchQuery, TantivyIndex
from index.analysis import bigram_terms, initial_terms, morph_terms, short_text_terms
from index.korean import shared_morphology
from index.tantivy_text_query import build_text_query
from index.tantivy_versions import SCHEMA_VERSION, current_version
from sharehub.wiring import category_words
from tests.factories import make_listing

LISTINGS = [
    make_listing("room", "역삼 회의실 대여", category="space.meeting_room"),
    make_listing("chair", "의장 선출 안내", category="space.hall"),
    make_listing("tent", "캠핑텐트 대여", category="item.camping", items=["4인용 캠핑텐트"]),
]


@pytest.fixture
def index(tmp_path):
    index = TantivyIndex(tmp_path / "index", category_words())
    index.rebuild(LISTINGS, change_seq=3)
    yield index
    index.close()


def _titles(index: TantivyIndex, text: str) -> list[str]:
    return [hit.listing.title for hit in index.search(SearchQuery(text=text)).hits]


@pytest.mark.parametrize(("text", "bigrams"), [
    ("캠핑텐트 Tools", "캠핑 핑텐 텐트 tool"),
    ("캠핑\u3000텐트\u00a0대여", "캠핑 텐트 대여"),
    ("㈜모두의공간 회의실", "주 모두 두의 의공 공간 회의 의실"),
    ("  책  ", "책"),
    ("!!! 🙂", ""),
], ids=["mixed", "odd-spaces", "parenthesized-ju", "padded", "no-words"])
def test_per_word_analysis_gives_whole_text_terms(text, bigrams):
    assert bigram_terms(text) == bigrams, f"bigrams of {text!r}"


@pytest.mark.parametrize(("title", "labels", "others"), [
    ("마포구 장난감도서관 대여", "도구·공구 tools", ["전동드릴", "망치"]),
    ("캠핑의자 빌려요", "캠핑 camping", []),
    ("역삼 8인 회의실 '숲'", "회의실 meeting room", ["빔프로젝터"]),
], ids=["library", "verb", "room"])
def test_short_text_terms_match_morph_and_initial_terms(title, labels, others):
    morphology = shared_morphology()
    assert short_text_terms(title, labels, others, morphology) == (
        morph_terms([title, labels, *others], morphology),
        initial_terms([title, labels], morphology))


def test_a_word_whose_terms_exist_apart_is_respelled_after_the_quick_pass(index):
    # 회의장: 회의 and 의장 are both in the index, never together. The quick query takes
    # the word as typed and finds nothing; the thorough pass respells it to 회의실.
    searcher = index._live().searcher()
    quick = build_text_query(index._schema, searcher, "회의장", thorough=False)
    assert quick.assumed
    assert quick.query is not None
    assert searcher.search(quick.query, 1).hits == [], "the quick query alone finds nothing"
    assert _titles(index, "회의장") == ["역삼 회의실 대여"]


def test_a_repeated_text_sees_listings_written_after_its_first_search(index):
    assert _titles(index, "타프") == []
    index.upsert([make_listing("tarp", "캠핑타프 대여", category="item.camping")])
    assert _titles(index, "타프") == ["캠핑타프 대여"], "a remembered query hid a new listing"
    index.delete([make_listing("tarp", "캠핑타프 대여").id])
    assert _titles(index, "타프") == []


def test_an_index_written_with_another_schema_version_is_replaced_then_rebuilt(tmp_path):
    root = tmp_path / "index"
    first = TantivyIndex(root, category_words())
    first.rebuild(LISTINGS, change_seq=3)
    first.close()
    meta = root / "versions" / str(current_version(root)) / "sharehub.json"
    assert json.loads(meta.read_text())["schema_version"] == SCHEMA_VERSION
    meta.write_text(json.dumps({"change_seq": 3, "schema_version": SCHEMA_VERSION - 1}))

    reopened = TantivyIndex(root, category_words())
    assert (reopened.count(), reopened.change_seq) == (0, -1), (
        "an outdated version must read as empty and behind the catalog, so sync rebuilds it")
    reopened.rebuild(LISTINGS, change_seq=4)
    assert _titles(reopened, "텐트") == ["캠핑텐트 대여"]
    assert reopened.change_seq == 4
    reopened.close()


def test_an_index_with_an_older_tantivy_schema_is_replaced(tmp_path):
    root = tmp_path / "index"
    old = root / "versions" / "v1"
    old.mkdir(parents=True)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("uni", tokenizer_name="whitespace")
    with tantivy.Index(builder.build(), path=str(old)).writer(15_000_000, 1) as writer:
        writer.add_document(tantivy.Document(id="x", uni="캠 핑"))
        writer.commit()
    (root / "CURRENT").write_text("v1")
    (old / "sharehub.json").write_text(json.dumps({"change_seq": 9}))  # before the marker

    index = TantivyIndex(root, category_words())
    assert (index.count(), index.change_seq) == (0, -1)
    assert current_version(root) != "v1"
    index.close()
