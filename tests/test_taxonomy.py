"""The taxonomy: every category of the issue, platform labels and keywords with their
confidence, and labels that map to nothing reported per source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizer import RawRecord, Source, parse_document
from normalizer.assemble import assemble_listing
from normalizer.taxonomy import label_from_issue, load_taxonomy, unmapped_label_issue
from tests.conftest import FIXTURE_SOURCES, NOW, read_fixture

ISSUE_CATEGORIES = {
    "space": ["meeting_room", "hall", "sports", "parking", "kitchen", "office", "study",
              "rooftop", "event_venue"],
    "item": ["tools", "camping", "baby", "clothing", "umbrella", "books", "medical",
             "household", "measuring", "general"],
    "vehicle": ["car", "bike", "scooter"],
    "housing": ["shared", "intergenerational"],
    "skill": ["talent", "repair", "volunteering"],
    "program": ["class", "event"],
    "info": ["wifi", "tourism", "culture"],
}
CODES = [f"{kind}.{sub}" for kind, subs in ISSUE_CATEGORIES.items() for sub in subs]


@pytest.mark.parametrize("code", CODES)
def test_every_category_of_the_issue_has_korean_and_english_labels(code):
    taxonomy = load_taxonomy()
    assert code in taxonomy.categories
    category = taxonomy.categories[code]
    assert category.ko != category.en
    assert taxonomy.label(code, "ko") == category.ko
    assert taxonomy.label(code, "en") == category.en
    assert taxonomy.kinds[category.kind]["en"], f"kind {category.kind} needs an English label"


def test_the_taxonomy_has_no_category_beyond_the_issue():
    assert sorted(load_taxonomy().categories) == sorted(CODES)


@pytest.mark.parametrize(("label", "category", "confidence"), [
    ("회의실", "space.meeting_room", 1.0),              # the taxonomy's own label
    ("Meeting rooms", "space.meeting_room", 1.0),       # … in English
    ("캠핑용품 Camping gear", "item.camping", 1.0),
    ("space.sports", "space.sports", 1.0),              # a hub code
    ("체육시설", "space.sports", 1.0),                   # GongyuNuri 010500 = taxonomy label
    ("강의실·강당", "space.hall", 0.95),                 # GongyuNuri 010200 name
    ("물품(생활,사무,교통)", "item.general", 0.6),        # GongyuNuri 020000 only says "item"
    ("문화·숙박", "space.event_venue", 0.6),
    ("테니스장", "space.sports", 0.9),                   # Seoul yeyak MINCLASSNM
    ("교육강좌", "program.class", 0.7),                  # Seoul yeyak MAXCLASSNM
    ("강당/전시실", "space.hall", 0.9),                  # 울산 ITEM_KIND
    ("전산교육", "space.hall", 0.9),                     # a rentable computer room there
    ("행사용품", "item.general", 0.9),                   # a district share centre's 구분
    ("캠핑장비 배송 대여", "item.camping", 0.85),         # keywords in a free-text label
], ids=lambda v: v if isinstance(v, str) else None)
def test_classify_label(label, category, confidence):
    hit = load_taxonomy().classify_label(label)
    assert hit is not None, label
    assert (hit.category, hit.confidence) == (category, confidence)


@pytest.mark.parametrize("label", ["서울형키즈카페", "부대시설", "기타", "", "   "],
                         ids=repr)
def test_labels_that_map_to_nothing(label):
    assert load_taxonomy().classify_label(label) is None


@pytest.mark.parametrize(("title", "description", "category"), [
    ("캠핑텐트를 빌려드려요", None, "item.camping"),   # inside a compound, with a particle
    ("전동드릴 대여", None, "item.tools"),
    ("Power drills and ladders", None, "item.tools"),  # English plurals
    ("Evening classes for adults", None, "program.class"),
    ("주민센터", "유모차와 카시트를 빌려드립니다", "item.baby"),  # from the description
    ("텐트가 있는 회의실", None, "space.meeting_room"),  # two keywords beat one
], ids=lambda v: v if isinstance(v, str) else None)
def test_keywords_in_korean_and_english(title, description, category):
    hit = load_taxonomy().classify(title, description)
    assert hit is not None
    assert hit.category == category


@pytest.mark.parametrize("title", ["A stool for the garden", "Suitable for everyone",
                                   "Classic films"], ids=repr)
def test_english_keywords_match_whole_words_only(title):
    assert load_taxonomy().classify(title) is None, "stool ≠ tool, suitable ≠ suit"


def test_keyword_confidence_grows_with_evidence():
    taxonomy = load_taxonomy()
    once_in_text = taxonomy.classify("주민센터", "드릴이 있어요")
    once_in_title = taxonomy.classify("드릴 대여")
    twice_in_title = taxonomy.classify("공구 드릴 대여")
    assert once_in_text is not None
    assert once_in_title is not None
    assert twice_in_title is not None
    assert once_in_text.confidence < once_in_title.confidence < twice_in_title.confidence
    fallback = taxonomy.classify("주민센터", fallback="item.general")
    assert fallback is not None
    assert (fallback.category, fallback.confidence, fallback.basis) == \
        ("item.general", 0.3, "default")


def test_every_platform_table_maps_onto_the_taxonomy():
    taxonomy = load_taxonomy()
    assert {code for code, _ in taxonomy.labels.values()} <= set(taxonomy.categories)
    path = Path(__file__).resolve().parents[1] / "normalizer" / "data" / "category_labels.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for group in data["groups"]:
        for label, code in group["labels"].items():
            assert code in taxonomy.categories, f"{label}: {code}"


SOURCE = Source(id="s", name="플랫폼", kind="csv", url="file:x")


def _assemble(**fields):
    return assemble_listing(RawRecord("1", fields.pop("title", "주민센터"), **fields),
                            SOURCE, NOW)


def test_a_platform_label_decides_before_title_keywords():
    listing = _assemble(title="도시농업 교실", category_label="농장체험")
    assert listing.category == "program.event", "the platform's own class, not 교실"


def test_a_label_that_only_names_the_kind_yields_to_a_confident_title():
    listing = _assemble(title="세미나실 A", category_label="공간시설")
    assert listing.category == "space.meeting_room"


def test_an_unmapped_label_is_a_quality_issue_and_keywords_still_classify():
    listing = _assemble(title="키즈카페 놀이공간", category_label="서울형키즈카페",
                        description="캠핑 의자도 있어요")
    assert unmapped_label_issue("서울형키즈카페") in listing.quality.issues
    assert listing.category == "item.camping"


def test_an_unknown_hub_code_is_reported_like_a_label():
    listing = _assemble(title="캠핑텐트", category="space.nonexistent")
    assert listing.category == "item.camping"
    assert "category label 'space.nonexistent' unmapped" in listing.quality.issues


def test_a_files_header_context_is_no_label_to_report():
    listing = _assemble(category_label="연번 대여소 도로명주소 전화번호 운영시간 비고")
    assert not any(label_from_issue(issue) for issue in listing.quality.issues)


def test_the_parse_report_lists_unmapped_labels_per_source():
    body = read_fixture("seoul_openapi", "culture_unmapped_and_invalid.json")
    result = parse_document(body, FIXTURE_SOURCES["seoul_openapi"], NOW)
    assert result.report.unmapped_labels == ["서울형키즈카페"]
    clean = parse_document(read_fixture("seoul_openapi", "culture_real_sample.json"),
                           FIXTURE_SOURCES["seoul_openapi"], NOW)
    assert clean.report.unmapped_labels == []


def test_unmapped_label_issue_round_trips():
    assert label_from_issue(unmapped_label_issue("물품 (기타)")) == "물품 (기타)"
    assert label_from_issue("no district") is None
