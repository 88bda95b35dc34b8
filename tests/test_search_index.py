"""The embedded index: Korean inside longer words, filters, hostile text, atomic rebuild."""

from __future__ import annotations

import pytest

from index import SearchQuery, TantivyIndex
from sharehub.wiring import category_words
from tests.factories import make_listing

LISTINGS = [
    make_listing("tent", "캠핑텐트 대여", category="item.camping", items=["4인용 캠핑텐트"]),
    make_listing("drill", "공덕동 공구대여소", description="전동드릴을 빌려드립니다",
                 items=["전동드릴", "망치"]),
    make_listing("room", "역삼 8인 회의실 '숲'", source_id="modu-spaces",
                 category="space.meeting_room", district=("11680", "강남구"), free=False),
    make_listing("book", "작은 책방 나눔", category="item.books", district=("11110", "종로구")),
]


@pytest.fixture
def index(tmp_path):
    index = TantivyIndex(tmp_path / "index", category_words())
    index.rebuild(LISTINGS, change_seq=1)
    yield index
    index.close()


def _titles(index, **kwargs):
    return {hit.listing.title for hit in index.search(SearchQuery(**kwargs)).hits}


@pytest.mark.parametrize(("text", "expected"), [
    ("텐트", {"캠핑텐트 대여"}),
    ("드릴", {"공덕동 공구대여소"}),
    ("회의실", {"역삼 8인 회의실 '숲'"}),
    ("공구", {"공덕동 공구대여소"}),
    ("tools", {"공덕동 공구대여소"}),
    ("meeting room", {"역삼 8인 회의실 '숲'"}),
    ("책", {"작은 책방 나눔"}),
    ("강남구 회의실", {"역삼 8인 회의실 '숲'"}),
    ("수영장", set()),
], ids=lambda v: v if isinstance(v, str) else None)
def test_korean_and_english_text_search(index, text, expected):
    assert _titles(index, text=text) == expected


def test_title_matches_rank_first(index):
    hits = index.search(SearchQuery(text="드릴")).hits
    assert hits[0].listing.title == "공덕동 공구대여소"


@pytest.mark.parametrize("text", ['"', "(", "AND", "a OR", "c++", "-foo", "body:우산", "NEAR(",
                                  "*", "🏕️ 텐트", "x" * 10_000, "\x00", "[]{}^~"],
                         ids=lambda t: repr(t[:12]))
def test_hostile_text_is_a_plain_search(index, text):
    results = index.search(SearchQuery(text=text))
    assert results.total >= 0


def test_filters(index):
    assert _titles(index, district_codes=("11680",)) == {"역삼 8인 회의실 '숲'"}
    assert _titles(index, kinds=("item",), free=True) == {"캠핑텐트 대여", "공덕동 공구대여소",
                                                          "작은 책방 나눔"}
    assert _titles(index, source_ids=("modu-spaces",)) == {"역삼 8인 회의실 '숲'"}
    assert _titles(index, text="대여", categories=("item.camping",)) == {"캠핑텐트 대여"}
    assert _titles(index, district_codes=("11680", "11110")) == {"역삼 8인 회의실 '숲'",
                                                                 "작은 책방 나눔"}


def test_coverage_counts_district_by_category(index):
    assert index.coverage() == {("11440", "item.camping"): 1, ("11440", "item.tools"): 1,
                                ("11680", "space.meeting_room"): 1, ("11110", "item.books"): 1}


def test_paging_and_totals(index):
    first = index.search(SearchQuery(limit=2))
    second = index.search(SearchQuery(limit=2, offset=2))
    assert first.total == second.total == 4
    assert {h.listing.id for h in first.hits}.isdisjoint({h.listing.id for h in second.hits})


def test_upsert_delete_and_get(index):
    renamed = make_listing("tent", "캠핑타프 대여", category="item.camping")
    index.upsert([renamed])
    assert _titles(index, text="타프") == {"캠핑타프 대여"}
    assert _titles(index, text="텐트") == set()
    index.delete([renamed.id])
    assert index.get(renamed.id) is None
    assert index.get(LISTINGS[1].id).title == "공덕동 공구대여소"


def test_rebuild_swaps_versions_for_other_readers(tmp_path, index):
    reader = TantivyIndex(tmp_path / "index", category_words())
    assert reader.search(SearchQuery()).total == 4
    index.rebuild(LISTINGS[:1], change_seq=7)
    assert reader.search(SearchQuery()).total == 1
    assert reader.change_seq == 7
    versions = list((tmp_path / "index" / "versions").iterdir())
    assert len(versions) == 1
    reader.close()
