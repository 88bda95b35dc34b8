"""The coverage matrix against a hand-counted sample."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from index.coverage import Baseline, build_coverage, load_baseline, region_districts
from tests.factories import NOW, make_listing

MAPO, SEONGBUK, GANGNAM = ("11440", "마포구"), ("11290", "성북구"), ("11680", "강남구")


def _sample():
    # Hand-counted: 마포구 tools 3 (one confirmed two days ago), 마포구 meeting rooms 1,
    # 성북구 tools 1, 강남구 cars 2, and one listing in 부산 (outside Seoul).
    return [
        make_listing("a", "드릴", district=MAPO),
        make_listing("b", "망치", district=MAPO, last_seen_at=NOW - timedelta(days=2)),
        make_listing("c", "사다리", district=MAPO),
        make_listing("d", "회의실", district=MAPO, category="space.meeting_room"),
        make_listing("e", "공구", district=SEONGBUK),
        make_listing("f", "나눔카 1", district=GANGNAM, category="vehicle.car"),
        make_listing("g", "나눔카 2", district=GANGNAM, category="vehicle.car"),
        make_listing("h", "부산 공구", district=("26350", "해운대구")),
    ]


def test_counts_freshness_and_gaps_match_the_hand_count():
    seoul = region_districts("11")
    assert len(seoul) == 25
    matrix = build_coverage(_sample(), seoul, Baseline(("item.tools", "vehicle.car")))
    tools = matrix.cell("11440", "item.tools")
    assert (tools.count, tools.oldest_confirmed, tools.newest_confirmed) == (
        3, NOW - timedelta(days=2), NOW)
    assert matrix.cell("11440", "space.meeting_room").count == 1
    assert matrix.cell("11680", "vehicle.car").count == 2
    assert matrix.district_total("11440") == 4
    assert matrix.outside == 1
    gaps = set(matrix.gaps())
    # 25 districts × 2 expected categories, minus the 4 cells that have listings
    assert len(gaps) == 25 * 2 - 3
    assert ("11290", "vehicle.car") in gaps
    assert ("11440", "item.tools") not in gaps
    assert not matrix.cell("11440", "space.meeting_room").gap  # not expected: no gap


def test_csv_and_json_exports_agree():
    matrix = build_coverage(_sample(), region_districts("11440,11680"),
                            Baseline(("item.tools",)))
    rows = matrix.to_csv().splitlines()
    assert rows[0] == "district_code,district,item.tools,space.meeting_room,vehicle.car,total,gaps"
    assert rows[1] == "11440,마포구,3,1,0,4,"
    assert rows[2] == "11680,강남구,0,0,2,2,item.tools"
    data = json.loads(json.dumps(matrix.to_json()))
    assert data["gaps"] == 1
    assert data["outside_region"] == 2


def test_regions_and_baselines_from_settings(tmp_path):
    assert [d.code for d in region_districts("26")][:1] == ["26110"]
    with pytest.raises(ValueError, match="unknown district code"):
        region_districts("11440,99999")
    assert "item.tools" in load_baseline().everywhere
    path = tmp_path / "baseline.json"
    path.write_text('{"everywhere": ["vehicle.bike"], "by_district": {"11440": ["item.camping"]}}',
                    encoding="utf-8")
    assert load_baseline(path).expects("11440") == ("vehicle.bike", "item.camping")
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="coverage baseline"):
        load_baseline(path)
